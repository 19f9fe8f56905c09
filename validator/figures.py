"""The plan's figures as the validator counts them, with its own arithmetic (no optimizer code and not
models/figures.py): the same names and definitions as kpis.json (docs/rules.md), computed from the plan's
rows and the scenario as a user would count them by hand. tests/e2e/test_consistency.py asserts that every
figure the plan's outputs show equals the one here.

Shares are rounded to 4 decimals (the degree ratio is the ratio of the two rounded shares, as reported);
travel minutes to 1 decimal.
"""

from __future__ import annotations

import math

import pandas as pd

from . import r5 as r5_rule
from .core import joined
from .r7 import RoadMinutes
from .r11 import eligible as r11_eligible
from .r14 import CERT_RANK, LEVEL_NEED
from .r15 import floors as r15_floors
from .r16 import postings
from .r17 import far_arrivals

_LEADER = ("principal", "vice_principal")
_COMPULSORY = ("primary", "junior", "nine_year")
_BACHELOR = ("bachelor", "master", "doctorate")
_ASSOCIATE = ("associate", "bachelor", "master", "doctorate")
_DISTRICT = ("district", "city", "province")
_RANK = {"none": 0, "school": 1, "district": 2, "city": 3, "province": 4}
_GROUP = {"kindergarten": "kindergarten", "primary": "compulsory", "junior": "compulsory",
          "nine_year": "compulsory", "senior": "senior", "vocational": "senior"}


def _share(flags: pd.Series) -> float | None:
    return round(float(flags.sum()) / len(flags), 4) if len(flags) else None


def _state(sc, role: pd.Series, school: pd.Series, degree: pd.Series, backbone: pd.Series, age: pd.Series) -> dict:
    sch = sc.schools.set_index("school_id")
    area = school.map(sch["area"])
    level = school.map(sch["level"])
    out: dict = {}
    for ar in ("urban", "rural"):
        t = (role == "teacher") & (area == ar)
        comp = t & level.isin(_COMPULSORY)
        kg = t & (level == "kindergarten")
        out[f"teachers_{ar}"] = int(t.sum())
        out[f"bachelor_share_{ar}"] = _share(degree[comp].isin(_BACHELOR))
        out[f"compulsory_teachers_{ar}"] = int(comp.sum())
        out[f"bachelor_teachers_{ar}"] = int(degree[comp].isin(_BACHELOR).sum())
        out[f"backbone_share_{ar}"] = _share(backbone[comp].isin(_DISTRICT))
        out[f"kindergarten_associate_share_{ar}"] = _share(degree[kg].isin(_ASSOCIATE))
    u, r = out["bachelor_share_urban"], out["bachelor_share_rural"]
    out["degree_ratio_urban_rural"] = round(u / r, 4) if u is not None and r else None
    lead = role.isin(_LEADER)
    rural_lead = lead & (area == "rural")
    out["rural_leaders"] = int(rural_lead.sum())
    out["young_rural_leaders"] = int((age[rural_lead] <= sc.policy.young_age).sum())
    out["young_rural_leader_share"] = (round(out["young_rural_leaders"] / out["rural_leaders"], 4)
                                       if out["rural_leaders"] else None)
    out["leaders"] = int(lead.sum())
    return out


class _Roads(RoadMinutes):
    """The way back of a day's tour: R7's road minutes, 0 where there is no road (R7 reports that itself)."""

    def __call__(self, a: str, b: str) -> float:
        try:
            m = super().__call__(a, b)
        except KeyError:
            return 0.0
        return m if math.isfinite(m) else 0.0


def travel_minutes_by_teacher(sc, plan) -> dict[str, float]:
    """Travel minutes a week of each itinerant teacher, with the way back: per day, the itinerant.csv minutes
    of the stops plus the road back from the last stop to the teacher's to_school (unrounded)."""
    it = plan.itinerant
    if it is None or len(it) == 0:
        return {}
    home = plan.assignments.drop_duplicates("person_id").set_index("person_id")["to_school"].astype(str)
    roads = _Roads(sc)
    parts: dict[str, list[float]] = {}
    rows = it.assign(person_id=it["person_id"].astype(str), school_id=it["school_id"].astype(str),
                     day=pd.to_numeric(it["day"], errors="coerce").fillna(0).astype(int),
                     seq=pd.to_numeric(it["seq"], errors="coerce").fillna(0).astype(int),
                     minutes=pd.to_numeric(it["travel_minutes"], errors="coerce").fillna(0.0).astype(float))
    for (pid, _day), d in rows.sort_values(["person_id", "day", "seq"]).groupby(["person_id", "day"]):
        parts.setdefault(pid, []).extend(d["minutes"].tolist())
        parts[pid].append(roads(d["school_id"].iloc[-1], home.get(pid, "")))
    return {pid: math.fsum(v) for pid, v in parts.items()}


def _points(sc) -> pd.Series:
    """The office's priority points (DOMAIN's bareme, weights.points_*), counted here again."""
    st, w = sc.staff.set_index("person_id"), sc.policy.weights
    mount = st["school_id"].map(sc.schools.set_index("school_id")["mountainous"]).fillna(False).astype(bool)
    num = lambda c: pd.to_numeric(st[c], errors="coerce").fillna(0)  # noqa: E731
    return (num("rural_service_years") * w.points_rural_year + st["backbone"].map(_RANK).fillna(0)
            * w.points_backbone_level + num("years_at_school") * w.points_year_at_school
            + mount * w.points_mountainous)


def _envy(sc, j: pd.DataFrame, p1: pd.Series, r6_short: pd.Series) -> int:
    """Justified-envy pairs: p ranked s above their outcome, nothing keeps p from s (subject fit, level
    group, R5, R6), and q of p's subject with fewer points moved into s."""
    sch = sc.schools.set_index("school_id")
    demand = set(zip(sc.demand["school_id"], sc.demand["subject"]))
    pts = _points(sc)
    t = j[(j["role_after"] == "teacher") & (j["move"] != "retire") & (j["to_school"] != "")]
    arrived = t[t["to_school"] != t["from_school"]]
    came: dict[tuple[str, str], list[float]] = {}  # (school, subject) -> points of those who moved in
    for s, subj, pid in zip(arrived["to_school"], arrived["subject"], arrived.index):
        came.setdefault((s, subj), []).append(float(pts[pid]))
    n = 0
    for pid, r in t[(t["preferences"].fillna("") != "") & (t["locked_school"].fillna("") == "")].iterrows():
        ranked = list(dict.fromkeys(x.strip() for x in str(r["preferences"]).split(";") if x.strip()))
        upto = ranked.index(r["to_school"]) if r["to_school"] in ranked else len(ranked)
        group = _GROUP.get(r["from_level"] or r["to_level"], r["from_level"] or r["to_level"])
        for s in ranked[:upto]:
            if s not in sch.index:
                continue
            lv, ar = sch.at[s, "level"], sch.at[s, "area"]
            if (lv == "kindergarten") != (r["subject"] == "preschool") or (s, r["subject"]) not in demand:
                continue
            if _GROUP.get(lv, lv) != group:
                continue
            if p1[pid] and ar == r["from_area"]:
                continue
            if r6_short[pid] and not p1.get(pid, False) and r["from_area"] == "rural" and ar == "urban":
                continue
            n += sum(1 for x in came.get((s, r["subject"]), ()) if x < pts[pid])
    return n


def figures(sc, plan) -> dict:
    """{"before": {...}, "after": {...}}: the plan's figures by the names of kpis.json (docs/rules.md)."""
    pol = sc.policy
    j = joined(sc, plan)
    j = j[j["person_id"].isin(set(sc.staff["person_id"]))]
    j = j[~j.index.duplicated(keep="first")]
    st = sc.staff.set_index("person_id")
    ref = pd.Timestamp(year=pol.plan_year, month=9, day=1)
    b = st["birth_date"]
    age = ref.year - b.dt.year - ((b.dt.month > 9) | ((b.dt.month == 9) & (b.dt.day > 1))).astype(int)
    before = _state(sc, st["role"], st["school_id"].fillna(""), st["degree"], st["backbone"], age)
    after = _state(sc, j["role_after"], j["to_school"], j["degree"], j["backbone"], j["age_sep1"])
    retire = j["move"] == "retire"
    teach = (j["role_after"] == "teacher") & ~retire
    num = lambda c: pd.to_numeric(j[c], errors="coerce").fillna(0)  # noqa: E731
    text = lambda c: j[c].fillna("").astype(str)  # noqa: E731
    locked, exempt = text("locked_school") != "", text("exempt_reason") != ""
    new = j["from_school"] == ""

    # lessons: demand minus home lessons (teachers placed there), minus itinerant lessons
    demand = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    area = sc.schools.set_index("school_id")["area"]
    rural = pd.Series(demand.index.get_level_values(0).map(area) == "rural", index=demand.index)
    home = j[teach & (j["to_school"] != "")].groupby(["to_school", "subject"])["home_lessons"].sum()
    home = home.rename_axis(["school_id", "subject"]).reindex(demand.index, fill_value=0)
    it = plan.itinerant if plan.itinerant is not None else pd.DataFrame(columns=["school_id", "subject", "lessons"])
    itin = (it.assign(lessons=pd.to_numeric(it["lessons"], errors="coerce").fillna(0))
            .groupby(["school_id", "subject"])["lessons"].sum().reindex(demand.index, fill_value=0)) if len(it) \
        else demand * 0
    gap_home = (demand - home).clip(lower=0)
    gap = (demand - home - itin).clip(lower=0)
    after.update(uncovered_lessons=int(gap.sum()), uncovered_rural_lessons=int(gap[rural].sum()),
                 home_uncovered_lessons=int(gap_home.sum()), home_uncovered_rural_lessons=int(gap_home[rural].sum()))
    cap = (sc.staff[sc.staff["role"] == "teacher"].groupby(["school_id", "subject"]).size() * pol.teacher_load)
    gap_before = (demand - cap.reindex(demand.index, fill_value=0).clip(upper=demand)).clip(lower=0)
    before.update(uncovered_lessons=int(gap_before.sum()), uncovered_rural_lessons=int(gap_before[rural].sum()))

    # moves, itinerant teaching
    after["moves"] = int(((j["to_school"] != j["from_school"]) & ~retire).sum())
    after["staff"] = before["staff"] = len(j)
    travel = travel_minutes_by_teacher(sc, plan)
    after["itinerant_teachers"] = len(travel)
    after["itinerant_lessons"] = int(pd.to_numeric(it["lessons"], errors="coerce").fillna(0).sum()) if len(it) else 0
    after["total_travel_minutes"] = round(math.fsum(travel.values()), 1)
    before.update(moves=0, itinerant_teachers=0, itinerant_lessons=0, total_travel_minutes=0.0)

    # R1, R1x
    lead_before = j["role_before"].isin(_LEADER)
    due = lead_before & ~retire & (num("terms_at_school") >= pol.rotation_terms) \
        & j["from_level"].isin([str(x) for x in pol.rotation_levels])  # R1 covers rotation_levels only
    bound = due & ~exempt & ~locked
    rotated = bound & (j["to_school"] != j["from_school"]) & j["role_after"].isin(_LEADER)
    after.update(r1_due=int(due.sum()), r1_moved=int(rotated.sum()), r1_exempt=int((due & (exempt | locked)).sum()),
                 r1_exempt_by_lock=int((due & ~exempt & locked).sum()), r1_not_moved=int((bound & ~rotated).sum()),
                 r1x_urban_to_rural=int((rotated & (j["from_area"] == "urban") & (j["to_area"] == "rural")).sum()),
                 r1x_rural_to_urban=int((rotated & (j["from_area"] == "rural") & (j["to_area"] == "urban")).sum()))
    after["r1x_crossings"] = after["r1x_urban_to_rural"] + after["r1x_rural_to_urban"]

    # R2, R8 leader posts, R4
    promoted = (j["role_before"] == "teacher") & j["role_after"].isin(_LEADER)
    to_rural = promoted & (j["to_area"] == "rural")
    after.update(reserve_leaders_promoted=int(promoted.sum()),
                 r2_rural_posts_to_urban_reserve=int((to_rural & (j["from_area"] == "urban")).sum()),
                 r2_rural_posts_to_rural_reserve=int((to_rural & (j["from_area"] == "rural")).sum()))
    sch = sc.schools.set_index("school_id")
    open_posts, above = {}, set()
    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        held = j[j["role_after"] == role].groupby("to_school").size().reindex(sch.index, fill_value=0)
        posts = pd.to_numeric(sch[col], errors="coerce").fillna(0).astype(int)
        open_posts[role] = (posts - held).clip(lower=0)
        above |= set(held.index[held > posts])
    after["principal_posts_unfilled"] = int(open_posts["principal"].sum())
    after["vice_principal_posts_unfilled"] = int(open_posts["vice_principal"].sum())
    after["leader_posts_unfilled"] = after["principal_posts_unfilled"] + after["vice_principal_posts_unfilled"]
    rural_sch = sch["area"] == "rural"
    after["rural_leader_posts_unfilled"] = int(open_posts["principal"][rural_sch].sum()
                                               + open_posts["vice_principal"][rural_sch].sum())
    after["rural_principal_posts_unfilled"] = int(open_posts["principal"][rural_sch].sum())
    after["vice_promoted_to_principal"] = int(((j["role_before"] == "vice_principal")
                                               & (j["role_after"] == "principal")).sum())
    after["schools_above_leader_posts"] = len(above)
    towns = set(sch["township"])
    directors = j[(text("director_of") != "") & (j["role_after"] == "principal")]
    good = {t for t, s in zip(directors["director_of"], directors["to_school"])
            if t in towns and s in sch.index and sch.at[s, "township"] == t and bool(sch.at[s, "is_township_seat"])}
    after.update(townships=len(towns), townships_with_director=len(good))

    # R5, R6
    finishing = ~new & (num("contract_period") == 1) & (num("period_years") >= pol.term_years)
    new_hires = new & teach & ~locked
    p2_area = text("period2_school").map(area).astype(object).fillna("")
    p1 = finishing & ~retire & ~locked  # whatever role they take
    after.update(r5_new_hires=int(new_hires.sum()),
                 r5_new_hires_bundled=int((new_hires & (j["to_area"] != "") & (p2_area != "")
                                           & (p2_area != j["to_area"])).sum()),
                 r5_period1_finishers=int(p1.sum()),
                 r5_period1_moved_across=int((p1 & (j["to_area"] != "") & (j["to_area"] != j["from_area"])).sum()),
                 r5_exempt_by_lock=int((((new & teach) | (finishing & ~retire)) & locked).sum()))
    bundle = r5_rule.bundle_facts(sc, j, finishing)  # the bundle school named at hiring (validator/r5.py)
    after.update(r5_period1_bundle_open=int(bundle["open"].sum()), r5_period1_at_bundle=int(bundle["at"].sum()),
                 r5_period1_bundle_full=int(bundle["full"].sum()))
    served = j.index.map(st["rural_service_years"]).astype(float)
    r6_short = pd.Series(j["public_funded"].fillna(False).astype(bool).to_numpy()
                         & (served < pol.public_funded_rural_years), index=j.index) & ~retire
    r6_move = r6_short & (j["from_area"] == "rural") & (j["to_area"] == "urban") & ~finishing
    after.update(r6_short_of_rural_years=int(r6_short.sum()), r6_moved_rural_to_urban=int((r6_move & ~locked).sum()),
                 r6_exempt_by_lock=int((r6_short & locked).sum()))

    # R8 teachers
    quota = pd.to_numeric(sch["staff_quota"], errors="coerce")
    counted = j[teach & (j["to_school"] != "")]
    at = counted["to_school"]
    if pol.posting_quota_at == "home" and "home_school" in counted.columns:  # R16: a posted teacher counts at home
        home_after = counted["home_school"].fillna("").astype(str).str.strip()
        at = at.where(home_after == "", home_after)
    n = at.value_counts().reindex(sch.index, fill_value=0)
    after["schools_above_staff_quota"] = int((quota.notna() & (n > quota)).sum())
    after["teacher_seats_freed"] = int(((j["role_before"] == "teacher") & ~new & ~teach).sum())
    dem_pairs = set(zip(sc.demand["school_id"], sc.demand["subject"]))
    placed = j[teach & (j["to_school"] != "") & (j["to_school"] != j["from_school"])]
    bad = [(lv == "kindergarten") != (subj == "preschool") or (s, subj) not in dem_pairs
           for s, subj, lv in zip(placed["to_school"], placed["subject"], placed["to_level"])]
    bad = pd.Series(bad, index=placed.index, dtype=bool)
    by_lock = bad & (placed["to_school"] == placed["locked_school"].fillna(""))
    after["teachers_without_subject_fit"] = int((bad & ~by_lock).sum())
    after["teachers_locked_without_subject_fit"] = int(by_lock.sum())
    after["envy_pairs"] = _envy(sc, j, finishing, r6_short)

    # R11 (eligibility: validator/r11.py, the validator's own reading)
    by_years = r11_eligible(sc, j.assign(locked_school=""))
    elig = by_years & ~locked
    moved = elig & (j["to_school"] != j["from_school"]) & (j["to_area"] == "rural")
    bb = moved & text("backbone").isin(_DISTRICT)
    k, e = int(moved.sum()), int(elig.sum())
    after.update(r11_eligible=e, r11_exchanged=k, r11_exchanged_backbone=int(bb.sum()),
                 r11_exchange_share=round(k / e, 4) if e else None,
                 r11_backbone_share=round(int(bb.sum()) / k, 4) if k else None,
                 r11_exchange_target=math.ceil(pol.exchange_share * e - 1e-9),
                 r11_exchange_ceiling=math.floor(pol.exchange_share_max * e + 1e-9),
                 r11_exempt_by_lock=int((by_years & locked).sum()),
                 r11_exchanges_not_eligible_urban_to_rural=int(((text("move") == "exchange") & ~moved).sum()))
    # R14 (ranks: validator/r14.py)
    cert = text("certificate").where(text("certificate") != "", j["from_level"].replace({"nine_year": "junior"}))
    rank = cert.map(CERT_RANK).fillna(-1)
    placed = teach & (j["to_school"] != "") & (j["to_school"] != j["from_school"])
    uncovered = placed & (rank >= 0) & (rank < j["to_level"].map(LEVEL_NEED).fillna(0))
    by_lock = uncovered & (j["to_school"] == text("locked_school"))
    p2_need = text("period2_school").map(sch["level"]).map(LEVEL_NEED)
    after.update(r14_teachers_placed=int(placed.sum()), r14_placed_uncovered=int((uncovered & ~by_lock).sum()),
                 r14_exempt_by_lock=int(by_lock.sum()),
                 r14_period2_uncovered=int((p2_need.notna() & (rank >= 0) & (rank < p2_need.fillna(0))).sum()))

    # R15 (floors: validator/r15.py)
    fl = r15_floors(sc, plan)
    for key in ("backbone_share", "bachelor_share", "kindergarten_associate_share"):
        after[f"r15_{key}_floor"] = round(float(fl[key][0]), 4) if key in fl else None
    after["r15_shares_below_floor"] = sum(a is not None and a < f for f, a in fl.values())

    # R17 (arrivals: validator/r17.py)
    beds, far = far_arrivals(sc, plan)
    after.update(r17_schools_with_beds=int(len(beds)), r17_arrivals_needing_beds=sum(len(v) for v in far.values()),
                 r17_schools_above_beds=sum(len(v) > beds[s] for s, v in far.items()))
    # the move budget: current staff who change school, against floor(max_moves_share x current staff)
    current = (j["from_school"] != "") & (j["to_school"] != j["from_school"]) & ~retire
    lock_away = (text("locked_school") != "") & (text("locked_school") != j["from_school"])
    budget = math.floor(pol.max_moves_share * int((sc.staff["school_id"].fillna("") != "").sum()) + 1e-9)
    after.update(moves_of_current_staff=int(current.sum()), move_budget=budget,
                 moves_required_by_rules=int((current & (text("move").isin(["rotate", "bundle_second", "return"])
                                                         | lock_away)).sum()),
                 moves_over_budget=max(0, int(current.sum()) - budget))
    # couples: one of them moves and they end in two townships
    town = sc.schools.drop_duplicates("school_id").set_index("school_id")["township"]
    spouse = text("spouse_id") if "spouse_id" in j.columns else pd.Series("", index=j.index)
    couples = {tuple(sorted((a, b))) for a, b in zip(j.index, spouse) if b and b in j.index and a != b}
    moved = j["to_school"] != j["from_school"]
    after["couples"] = len(couples)
    after["couples_apart"] = sum(
        1 for a, b in couples
        if (moved[a] or moved[b]) and j.at[a, "to_school"] in town.index and j.at[b, "to_school"] in town.index
        and town[j.at[a, "to_school"]] != town[j.at[b, "to_school"]])

    # R16 (validator/r16.py reads the postings)
    ps = postings(sc, plan)
    after.update(r16_postings_ended=int(ps["ended"].sum()), r16_returned=int(ps["returned"].sum()),
                 r16_kept_by_host=int(ps["kept"].sum()),
                 r16_not_returned=int((ps["ended"] & ~ps["returned"] & ~ps["kept"]).sum()),
                 r16_postings_continuing=int(ps["continues"].sum()), r16_postings_cut_short=int(ps["cut"].sum()),
                 r16_new_postings=int(ps["exchange"].sum()), r16_new_postings_unwritten=int(ps["unwritten"].sum()),
                 r16_exempt_by_lock=int(ps["locked_posting"].sum()),
                 r16_on_posting=int(((ps.index.map(j["role_after"].to_dict()) == "teacher")
                                     & (ps["move"] != "retire") & (ps["home_after"] != "")).sum()))
    # R12, R13
    after["retirements"] = int(retire.sum())
    chosen = j[text("rules").str.split(";").map(lambda rs: "R13" in rs)]
    after.update(backbone_training_selected=len(chosen),
                 backbone_training_rural=int((chosen["to_area"] == "rural").sum()),
                 backbone_training_candidates=int((teach & (j["to_school"] != "")
                                                   & (j["age_sep1"] <= pol.young_backbone_age)
                                                   & text("backbone").isin(("none", "school"))).sum()))
    return {"before": before, "after": after}
