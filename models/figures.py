"""Every figure a plan reports, computed once from the plan's rows and the scenario.

`kpis.json`, the compliance details, `plan.xlsx`, `report.html`, `rotaplan explain`, `routes` and `compare`
all read the figures of this module, so a figure that two outputs show is the same number. The validator
(validator/figures.py) recomputes them with its own arithmetic; tests/e2e/test_consistency.py holds the two
together. docs/rules.md gives each figure's definition by rule id.

Three layers, each built from the one below:

* `people(sc, assignments)`: one row per person with the plan's outcome, the scenario's data and each
  rule's facts about the person (who is due under R1, who is R11-eligible, whom a lock exempts from R6...).
  `explain` reads these facts instead of repeating the rules' arithmetic.
* `coverage`, `itinerant_week`, `envy_pairs`: per school and subject, per itinerant teacher, per pair.
* `plan_figures(sc, assignments, itinerant)`: the named figures before and after the plan (kpis.json's
  `before` / `after` / `target`, named and explained in MEANING), and `compliance_row(rule, ...)`: each
  rule's row of compliance.csv, the figures in words and the status they decide, with the stage's note.

Pure data arithmetic: no solver, no HTML. Shares are rounded to 4 decimals, minutes to 1.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from .messages import register, text
from .priority import priority_points
from .retirement import plan_date, retirement_dates
from .schema import COMPULSORY_LEVELS, LEADER_ROLES, TITLE_RANK
from .travel import beyond_commute, haversine_km

BACHELOR_UP = ("bachelor", "master", "doctorate")
ASSOCIATE_UP = ("associate", "bachelor", "master", "doctorate")
DISTRICT_UP = ("district", "city", "province")
# Level groups: a teacher's candidate schools lie in one (candidates.py of the teacher stage).
LEVEL_GROUP = {"kindergarten": "kindergarten", "primary": "compulsory", "junior": "compulsory",
               "nine_year": "compulsory", "senior": "senior or vocational", "vocational": "senior or vocational"}
# Figures that only a stage knows (the most R1x crossings the posts allow, changes against a reference
# plan); the pipeline copies them from the stages into kpis.json's `after`.
STAGE_FACTS = ("r1x_most_possible", "changed_from_reference", "teachers_changed_from_reference")


def share(mask: pd.Series) -> float | None:
    """Share of True in `mask`, 4 decimals; None for an empty group."""
    return None if len(mask) == 0 else round(float(mask.mean()), 4)


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 4)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").fillna(0)


def _text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str)


# ---- the state of the district (before or after a plan) ----------------------------------------
# The R9 shares (and R15's floors on their urban side): (key, school levels, degrees or backbone levels counted)
R9_SHARES = ("backbone_share", "bachelor_share", "kindergarten_associate_share")


def r9_counts(sc, people: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """(teachers with the attribute, teachers) of each R9 share and area, e.g. "bachelor_share_urban".

    Teachers are role `teacher` (leaders not counted). backbone_share: district+ backbone among compulsory
    (primary, junior, nine_year) teachers; bachelor_share: bachelor+ among them; kindergarten_associate_share:
    associate+ among kindergarten teachers."""
    area = sc.schools.set_index("school_id")["area"]
    level = sc.schools.set_index("school_id")["level"]
    p = people[people["school_id"].isin(area.index)]
    p_area = p["school_id"].map(area)
    p_level = p["school_id"].map(level)
    teachers = p["role"] == "teacher"
    comp = teachers & p_level.isin(COMPULSORY_LEVELS)
    kg = teachers & (p_level == "kindergarten")
    has = {"backbone_share": (comp, p["backbone"].isin(DISTRICT_UP)),
           "bachelor_share": (comp, p["degree"].isin(BACHELOR_UP)),
           "kindergarten_associate_share": (kg, p["degree"].isin(ASSOCIATE_UP))}
    out = {}
    for ar in ("urban", "rural"):
        for key, (group, attr) in has.items():
            m = group & (p_area == ar)
            out[f"{key}_{ar}"] = (int((m & attr).sum()), int(m.sum()))
    return out


def state_figures(sc, people: pd.DataFrame) -> dict:
    """R3, R9, R10 figures of one state. `people` has, per staff row: role, school_id (after placement), and
    the staff attributes (degree, backbone, age). Retired people have role 'retired'.

    Teachers are role `teacher` (leaders not counted); compulsory schools are primary, junior, nine_year."""
    area = sc.schools.set_index("school_id")["area"]
    p = people[people["school_id"].isin(area.index)]
    p_area = p["school_id"].map(area)
    teachers = p["role"] == "teacher"
    out: dict = {}
    counts = r9_counts(sc, people)
    for ar in ("urban", "rural"):
        for key in ("bachelor_share", "backbone_share", "kindergarten_associate_share"):
            n, tot = counts[f"{key}_{ar}"]
            out[f"{key}_{ar}"] = round(n / tot, 4) if tot else None
        # the R9/R10 denominators and numerators
        out[f"bachelor_teachers_{ar}"], out[f"compulsory_teachers_{ar}"] = counts[f"bachelor_share_{ar}"]
        out[f"teachers_{ar}"] = int((teachers & (p_area == ar)).sum())
    out["degree_ratio_urban_rural"] = ratio(out["bachelor_share_urban"], out["bachelor_share_rural"])
    rural_leaders = p["role"].isin(LEADER_ROLES) & (p_area == "rural")
    young = p["age"][rural_leaders] <= sc.policy.young_age
    out["young_rural_leader_share"] = share(young)
    out["rural_leaders"] = int(rural_leaders.sum())
    out["young_rural_leaders"] = int(young.sum())
    out["leaders"] = int(p["role"].isin(LEADER_ROLES).sum())
    return out


def before_people(sc) -> pd.DataFrame:
    """The district before the plan, as `state_figures` and `r9_counts` read it."""
    st = sc.staff
    return pd.DataFrame({"degree": st["degree"].to_numpy(), "backbone": st["backbone"].to_numpy(),
                         "age": sc.ages.to_numpy(), "role": st["role"].to_numpy(),
                         "school_id": st["school_id"].to_numpy()})


def r15_floors(sc) -> dict[str, Fraction | None]:
    """R15: the least each urban R9 share may be after the plan, exactly: its value before the plan minus
    max_urban_share_drop (None where the district has no such urban teachers)."""
    drop = Fraction(str(sc.policy.max_urban_share_drop))
    counts = r9_counts(sc, before_people(sc))
    out: dict[str, Fraction | None] = {}
    for key in R9_SHARES:
        n, tot = counts[f"{key}_urban"]
        out[key] = Fraction(n, tot) - drop if tot else None
    return out


def move_budget(sc) -> int:
    """The yearly move budget: floor(max_moves_share x current staff), new hires not counted."""
    current = int((sc.staff["school_id"].fillna("").astype(str) != "").sum())
    return math.floor(sc.policy.max_moves_share * current + 1e-9)


REQUIRED_MOVES = ("rotate", "bundle_second", "return")  # R1, R5, R16: moves hard rules require


def couples_apart(sc, ppl: pd.DataFrame) -> dict:
    """Couples (spouse_id, both on the staff) of whom one changes school and who end in two townships."""
    town = sc.schools.drop_duplicates("school_id").set_index("school_id")["township"]
    sp = ppl["spouse_id"]
    pairs = {tuple(sorted((a, b))) for a, b in zip(ppl.index, sp) if b and b in ppl.index and a != b}
    apart = 0
    for a, b in pairs:
        ta, tb = town.get(ppl.at[a, "to_school"]), town.get(ppl.at[b, "to_school"])
        moved = bool(ppl.at[a, "changes_school"] or ppl.at[b, "changes_school"])
        if moved and ta is not None and tb is not None and ta != tb:
            apart += 1
    return {"couples": len(pairs), "couples_apart": apart}


def r15_below(floor: Fraction | None, n: int, tot: int) -> bool:
    """R15: an urban share n / tot below its floor (exact; an empty group is never below)."""
    return floor is not None and tot > 0 and Fraction(n, tot) < floor


# ---- people: the plan's rows joined with the scenario, and each rule's facts ------------------
def retiring(sc) -> pd.Series:
    """R12: whose statutory retirement date (models/retirement.py, by retirement_schedule) falls on or before
    1 September of plan_year (boolean, over sc.staff rows)."""
    return (retire_dates(sc) <= plan_date(sc.policy)).fillna(False).astype(bool)


def retire_dates(sc) -> pd.Series:
    """R12: every staff row's statutory retirement date (datetime64; NaT without a birth date)."""
    return retirement_dates(sc.staff, sc.policy)


def retirement_age(sc, gender: str) -> int:
    """The fixed schedule's age (retirement_schedule "fixed"); the 2025 schedule: models/retirement.py."""
    return sc.policy.retirement_age_male if gender == "M" else sc.policy.retirement_age_female


def principal_eligible(sc) -> pd.Series:
    """Principal eligibility (R2 and any promotion to principal), over sc.staff rows: title at least
    principal_min_title where a title is given, and teaching_years (else years_at_school) at least
    principal_min_teaching_years."""
    pol, st = sc.policy, sc.staff
    rank = st["title"].map(TITLE_RANK) if "title" in st.columns else pd.Series(np.nan, index=st.index)
    title_ok = rank.isna() | (rank >= TITLE_RANK[pol.principal_min_title])
    years = pd.to_numeric(st["teaching_years"], errors="coerce") if "teaching_years" in st.columns else \
        pd.Series(np.nan, index=st.index)
    years = years.fillna(pd.to_numeric(st["years_at_school"], errors="coerce")).fillna(0)
    return (title_ok & (years >= pol.principal_min_teaching_years)).astype(bool)


def people(sc, assignments: pd.DataFrame) -> pd.DataFrame:
    """One row per person of both the plan and the scenario (index person_id, scenario order).

    Columns: the plan's outcome (role_before, role_after, from_school, to_school, move, period2_school,
    director_of, home_lessons, rules, reason, rural_years_shown), the scenario's data about the person, their
    age, the area and level of both schools, and the facts of each rule (boolean columns named by rule id):

    * young: aged young_age or younger on 1 September of plan_year (R3).
    * r1_level: the current school's level is in rotation_levels (leaders of other levels are never due).
    * r1_due: a leader (not retiring) of an r1_level school with rotation_terms or more completed terms at it
      (terms_at_school counts completed terms); r1_exempt_reason,
      r1_exempt_lock: due but exempt (exempt_reason) or held by a lock (locked_school wins over R1, R1x);
      r1_bound = due and neither; r1_rotated: bound and placed at another school in a leader role;
      r1x_direction: "urban_to_rural" / "rural_to_urban" for a rotation across the line, else "".
    * promoted: a teacher who takes a leader post (R2).
    * r5_new_hire / r5_period1: a new hire teaching after the plan / a person finishing contract period 1
      (period_years >= term_years) not retiring, whatever role they take; neither locked; r5_bundled: a new
      hire placed with a period-2 school of the other area; r5_crossed: a period-1 finisher placed in the
      other area; r5_exempt_lock: either of them, locked; bundle_school (scenario); r5_bundle_open: a period-1
      finisher teaching after the plan whose bundle school is of the other area, teaches their subject and
      their certificate (r14_rank) covers; r5_at_bundle: placed there; r5_bundle_full: placed elsewhere while
      the plan holds the bundle school at or above its staff_quota (R8).
    * r6_short: a public-funded person (not retiring, whatever role) with fewer than public_funded_rural_years
      rural years; r6_own_bundle: finishing period 1 (their bundle's urban period); r6_rural_to_urban: short,
      moved rural -> urban outside their own bundle; r6_exempt_lock: short and locked (the lock wins over R6);
      r6_broken: rural_to_urban and not locked.
    * r11_by_years: a teacher before and after the plan, at an urban school, with exchange_after_years or more
      years there, no exempt_reason, younger than exchange_exempt_age_male / _female, not finishing contract
      period 1 (R5 moves them); r11_eligible: by years and
      not locked; r11_exempt_lock: by years and locked; r11_exchanged: eligible and at a rural school after the
      plan; r11_wrong_exchange: a row whose move is `exchange` that is not an eligible teacher's urban -> rural
      posting; backbone: district level or above.
    * r14_rank / r14_need: the certificate's rank (empty: the current school's level, nine_year as junior; -1 a
      new hire without one) and the rank the school after the plan needs; r14_placed: a teacher placed at a
      school (a new hire or a change of school); r14_uncovered: placed where the certificate does not cover the
      level; r14_exempt_lock: uncovered at their locked_school; r14_period2_uncovered: a period-2 bundle the
      certificate does not cover.
    * r16_ended: a teacher (before and after) whose scenario home_school differs from their school and whose
      posting_until is before plan_year (or empty), not locked; r16_returned: placed at home_school; r16_kept:
      ranked the host first, or is public-funded short of rural years at a rural host (R6), and stays there;
      r16_not_returned: neither; r16_continues: a posting that goes on (not locked); r16_cut_short: moved, or
      its home_school / posting_until not carried; r16_new_posting: move `exchange`; r16_unwritten: an exchange
      without home_school = from_school and posting_until = plan_year + exchange_years - 1; r16_exempt_lock: on a
      posting and locked. posting_home(_after), posting_until(_after): the posting before (scenario) and after
      (plan).
    * r12_due: the statutory retirement date (retirement_schedule, models/retirement.py) falls on or before
      1 September of plan_year (R12, wins over everything); r12_date: that date; retires: the plan retires them.
    * r13_selected: R13 in the person's rules; r13_candidate: a young teacher (young_backbone_age or
      younger) below district-level backbone, teaching after the plan.
    """
    pol = sc.policy
    st = sc.staff.reset_index(drop=True)
    a = assignments.drop_duplicates("person_id", keep="first").set_index("person_id")
    keep = st["person_id"].isin(a.index).to_numpy()
    st = st[keep]
    idx = pd.Index(st["person_id"].to_numpy(), name="person_id")
    a = a.reindex(idx)
    sch = sc.schools.drop_duplicates("school_id").set_index("school_id")

    def plan_text(col: str) -> np.ndarray:
        return _text(a[col]).str.strip().to_numpy() if col in a.columns else np.full(len(a), "", dtype=object)

    p = pd.DataFrame(index=idx)
    for col in ("name", "role_before", "role_after", "from_school", "to_school", "move", "period2_school",
                "director_of", "rules", "reason"):
        p[col] = plan_text(col)
    p["home_lessons"] = _num(a["home_lessons"]).astype(int).to_numpy() if "home_lessons" in a.columns else 0
    p["rural_years_shown"] = (pd.to_numeric(a["rural_service_years"], errors="coerce").to_numpy()
                              if "rural_service_years" in a.columns else np.nan)
    for col in ("gender", "subject", "degree", "backbone", "exempt_reason", "locked_school", "preferences",
                "school_id"):
        p[col] = _text(st[col]).to_numpy()
    for col in ("years_at_school", "terms_at_school", "contract_period", "period_years", "rural_service_years"):
        p[col] = _num(st[col]).to_numpy()
    for col in ("public_funded", "reserve_leader", "itinerant_ok"):
        p[col] = st[col].fillna(False).astype(bool).to_numpy()
    p["age"] = pd.to_numeric(sc.ages[keep], errors="coerce").to_numpy()
    p["young"] = p["age"] <= pol.young_age  # R3
    for side in ("from", "to"):
        p[f"{side}_area"] = p[f"{side}_school"].map(sch["area"]).astype(object).fillna("").to_numpy()
        p[f"{side}_level"] = p[f"{side}_school"].map(sch["level"]).astype(object).fillna("").to_numpy()
    p["period2_area"] = p["period2_school"].map(sch["area"]).astype(object).fillna("").to_numpy()

    retires = p["move"] == "retire"
    p["retires"] = retires
    p["r12_due"] = retiring(sc)[keep].to_numpy()
    p["r12_date"] = retire_dates(sc)[keep].to_numpy()
    p["leader_before"] = p["role_before"].isin(LEADER_ROLES)
    p["leader_after"] = p["role_after"].isin(LEADER_ROLES)
    p["teacher_after"] = (p["role_after"] == "teacher") & ~retires
    p["changes_school"] = (p["to_school"] != p["from_school"]) & ~retires
    # R17: teachers arriving at a rural school with dormitory beds whose home is beyond commute_minutes_max (not
    # placed there by a lock; leaders are not teachers, as everywhere in the rules)
    beds = pd.to_numeric(sch["dorm_beds"], errors="coerce") if "dorm_beds" in sch.columns else None
    if beds is not None:
        beds = beds.where(sch["area"] == "rural")
        km = haversine_km(pd.to_numeric(st["home_lat"], errors="coerce").to_numpy(),
                          pd.to_numeric(st["home_lon"], errors="coerce").to_numpy(),
                          p["to_school"].map(sch["lat"]).astype(float).to_numpy(),
                          p["to_school"].map(sch["lon"]).astype(float).to_numpy())
        p["r17_far_arrival"] = (p["changes_school"] & p["teacher_after"] & p["to_school"].map(beds).notna().to_numpy()
                                & beyond_commute(km, pol)
                                & (p["to_school"] != p["locked_school"]))
    else:
        p["r17_far_arrival"] = False
    # couples: both in the district, one of them moves, and they end in two townships
    spouse = _text(st["spouse_id"]).to_numpy() if "spouse_id" in st.columns else np.full(len(st), "", dtype=object)
    p["spouse_id"] = spouse
    locked = p["locked_school"] != ""
    exempt = p["exempt_reason"] != ""
    p["locked"] = locked
    p["backbone_any"] = p["backbone"].isin(("school",) + DISTRICT_UP)
    p["backbone_district_up"] = p["backbone"].isin(DISTRICT_UP)

    # R1, R1x
    p["r1_level"] = p["from_level"].isin(list(pol.rotation_levels))
    p["r1_due"] = p["leader_before"] & ~retires & p["r1_level"] & (p["terms_at_school"] >= pol.rotation_terms)
    p["r1_exempt_reason"] = p["r1_due"] & exempt
    p["r1_exempt_lock"] = p["r1_due"] & ~exempt & locked
    p["r1_bound"] = p["r1_due"] & ~exempt & ~locked
    p["r1_rotated"] = p["r1_bound"] & (p["to_school"] != p["from_school"]) & p["leader_after"]
    cross = p["r1_rotated"] & (p["from_area"] != p["to_area"])
    p["r1x_direction"] = np.where(cross, p["from_area"] + "_to_" + p["to_area"], "")
    # R2
    p["promoted"] = (p["role_before"] == "teacher") & p["leader_after"]
    # R5
    new = p["from_school"] == ""
    finishing = ~new & (p["contract_period"] == 1) & (p["period_years"] >= pol.term_years)
    p["r5_new_hire"] = new & p["teacher_after"] & ~locked
    p["r5_bundled"] = (p["r5_new_hire"] & (p["to_area"] != "") & (p["period2_area"] != "")
                       & (p["period2_area"] != p["to_area"]))
    p["r5_period1"] = finishing & ~retires & ~locked  # whatever role they take (a promotion too)
    p["r5_crossed"] = p["r5_period1"] & (p["to_area"] != "") & (p["to_area"] != p["from_area"])
    p["r5_exempt_lock"] = ((new & p["teacher_after"]) | (finishing & ~retires)) & locked
    # R6
    p["r6_short"] = p["public_funded"] & (p["rural_service_years"] < pol.public_funded_rural_years) & ~retires
    p["r6_own_bundle"] = finishing
    p["r6_rural_to_urban"] = (p["r6_short"] & (p["from_area"] == "rural") & (p["to_area"] == "urban")
                              & ~p["r6_own_bundle"])
    p["r6_exempt_lock"] = p["r6_short"] & locked
    p["r6_broken"] = p["r6_rural_to_urban"] & ~locked
    p = _r11_r14(sc, p, st, new, exempt, locked, sch)
    p = _r16(sc, p, st, a, locked)
    _r5_bundle(sc, p, st, sch)
    # R13
    p["r13_selected"] = p["rules"].str.split(";").map(lambda rs: "R13" in rs)
    p["r13_candidate"] = (p["teacher_after"] & (p["to_school"] != "") & (p["age"] <= pol.young_backbone_age)
                          & p["backbone"].isin(("none", "school")))
    return p


# R14: certificate ranks (kindergarten < primary < junior < senior = vocational) and what each level needs
CERT_RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
LEVEL_NEED = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}
_LEVEL_CERT = {"nine_year": "junior"}


def _r11_r14(sc, p: pd.DataFrame, st: pd.DataFrame, new, exempt, locked, sch) -> pd.DataFrame:
    """The R11 and R14 facts of `people` (see its docstring)."""
    pol = sc.policy
    limit = np.where(p["gender"] == "F", pol.exchange_exempt_age_female, pol.exchange_exempt_age_male)
    below_age = ~(p["age"].to_numpy(dtype=float) >= limit)
    finishing = ~new & (p["contract_period"] == 1) & (p["period_years"] >= pol.term_years)  # R5 moves them
    p["r11_by_years"] = ((p["role_before"] == "teacher") & p["teacher_after"] & ~new & (p["from_area"] == "urban")
                         & (p["years_at_school"] >= pol.exchange_after_years) & ~exempt & below_age & ~finishing)
    p["r11_eligible"] = p["r11_by_years"] & ~locked
    p["r11_exempt_lock"] = p["r11_by_years"] & locked
    p["r11_exchanged"] = p["r11_eligible"] & (p["to_school"] != p["from_school"]) & (p["to_area"] == "rural")
    p["r11_wrong_exchange"] = (p["move"] == "exchange") & ~p["r11_exchanged"]
    cert = _text(st["certificate"]).to_numpy() if "certificate" in st.columns else np.full(len(p), "", object)
    cert = np.where(cert == "", p["from_level"].map(lambda lv: _LEVEL_CERT.get(lv, lv)).to_numpy(), cert)
    p["r14_rank"] = pd.Series(cert, index=p.index).map(CERT_RANK).fillna(-1).astype(int).to_numpy()
    p["r14_need"] = p["to_level"].map(LEVEL_NEED).fillna(0).astype(int).to_numpy()
    p["r14_placed"] = p["teacher_after"] & (p["to_school"] != "") & (p["to_school"] != p["from_school"])
    p["r14_uncovered"] = p["r14_placed"] & (p["r14_rank"] >= 0) & (p["r14_rank"] < p["r14_need"])
    p["r14_exempt_lock"] = p["r14_uncovered"] & (p["to_school"] == p["locked_school"])
    p2_need = p["period2_school"].map(sch["level"]).map(LEVEL_NEED)
    p["r14_period2_uncovered"] = (p2_need.notna() & (p["r14_rank"] >= 0) & (p["r14_rank"] < p2_need.fillna(0))
                                  ).to_numpy()
    return p


def _r16(sc, p: pd.DataFrame, st: pd.DataFrame, a: pd.DataFrame, locked) -> pd.DataFrame:
    """The R16 facts of `people`: the posting before the plan (scenario's home_school, posting_until) and after
    it (the plan's columns), and what became of it (see `people`)."""
    year = sc.policy.plan_year
    p["posting_home"] = _text(st["home_school"]).str.strip().to_numpy() if "home_school" in st.columns else ""
    p["posting_until"] = (pd.to_numeric(st["posting_until"], errors="coerce").to_numpy()
                          if "posting_until" in st.columns else np.nan)
    p["posting_home_after"] = (_text(a["home_school"]).str.strip().to_numpy() if "home_school" in a.columns
                               else "")
    p["posting_until_after"] = (pd.to_numeric(a["posting_until"], errors="coerce").to_numpy()
                                if "posting_until" in a.columns else np.nan)
    teacher = (p["role_before"] == "teacher") & p["teacher_after"]
    on = teacher & (p["posting_home"] != "") & (p["from_school"] != "") & (p["posting_home"] != p["from_school"])
    ended = on & ~(p["posting_until"] >= year)  # no posting_until: the posting has ended
    first = p["preferences"].map(lambda x: (x.split(";")[0].strip() if x else "")) == p["from_school"]
    p["r16_ended"] = ended & ~locked
    p["r16_exempt_lock"] = on & locked
    p["r16_returned"] = p["r16_ended"] & (p["to_school"] == p["posting_home"])
    owes = p["r6_short"] & (p["from_area"] == "rural")  # R6 wins over the return (a public-funded teacher)
    p["r16_kept"] = p["r16_ended"] & (first | owes) & (p["to_school"] == p["from_school"])
    p["r16_not_returned"] = p["r16_ended"] & ~p["r16_returned"] & ~p["r16_kept"]
    p["r16_continues"] = on & ~ended & ~locked
    p["r16_cut_short"] = p["r16_continues"] & ((p["to_school"] != p["from_school"])
                                               | (p["posting_home_after"] != p["posting_home"])
                                               | (p["posting_until_after"] != p["posting_until"]))
    p["r16_new_posting"] = p["move"] == "exchange"
    p["r16_unwritten"] = p["r16_new_posting"] & ((p["posting_home_after"] != p["from_school"])
                                                 | (p["posting_until_after"] != year + sc.policy.exchange_years - 1))
    return p


def quota_school(sc, ppl: pd.DataFrame) -> pd.Series:
    """The school each person counts at against staff_quota (R8): to_school, or with posting_quota_at: home the
    plan's home_school of a teacher on a posting after the plan (R16)."""
    if sc.policy.posting_quota_at == "home":
        return ppl["to_school"].where(ppl["posting_home_after"] == "", ppl["posting_home_after"])
    return ppl["to_school"]


def _r5_bundle(sc, p: pd.DataFrame, st: pd.DataFrame, sch: pd.DataFrame) -> None:
    """R5's bundle school facts of `people` (see its docstring), in place."""
    b = pd.Series(_text(st["bundle_school"]).str.strip().to_numpy() if "bundle_school" in st.columns else "",
                  index=p.index, dtype=object)
    p["bundle_school"] = b.to_numpy()
    known = b.isin(sch.index)
    other = (p["r5_period1"] & p["teacher_after"] & known
             & (b.map(sch["area"]).astype(object).fillna("") != p["from_area"]))
    need = b.map(sch["level"]).map(LEVEL_NEED).fillna(0)
    cert_ok = (p["r14_rank"] < 0) | (p["r14_rank"] >= need)
    facts = SchoolFacts(sc)
    fit = [bool(o) and subject_fit(sc, str(subj), str(s), facts) is None
           for o, subj, s in zip(other, p["subject"], b)]
    p["r5_bundle_open"] = (other & cert_ok & np.array(fit, dtype=bool)).to_numpy()
    p["r5_at_bundle"] = p["r5_bundle_open"] & (p["to_school"] == b)
    held = p[p["teacher_after"] & (p["to_school"] != "")].groupby("to_school").size()
    quota = pd.to_numeric(sch["staff_quota"], errors="coerce")
    q = b.map(quota)  # nan: not a school, or no quota
    full = q.notna() & (b.map(held).fillna(0) >= q)
    p["r5_bundle_full"] = p["r5_bundle_open"] & ~p["r5_at_bundle"] & full.astype(bool)


def r11_ceiling(sc, eligible: int) -> int:
    """R11: the most exchanges exchange_share_max of `eligible` teachers allows (hard)."""
    return math.floor(sc.policy.exchange_share_max * eligible + 1e-9)


def r11_target(sc, eligible: int) -> int:
    """R11: the fewest exchanges that meet exchange_share of `eligible` teachers."""
    return math.ceil(sc.policy.exchange_share * eligible - 1e-9)


# ---- lessons --------------------------------------------------------------------------------------
def coverage(sc, ppl: pd.DataFrame, itinerant: pd.DataFrame | None) -> pd.DataFrame:
    """Per (school_id, subject) of the demand: demand, home lessons of the teachers placed there, itinerant
    lessons, and what is left uncovered by home lessons alone and by both; area of the school."""
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    t = ppl[ppl["teacher_after"] & (ppl["to_school"] != "")]
    home = t.groupby(["to_school", "subject"])["home_lessons"].sum().rename_axis(["school_id", "subject"])
    if itinerant is not None and len(itinerant):
        it = itinerant.assign(school_id=_text(itinerant["school_id"]), subject=_text(itinerant["subject"]),
                              lessons=_num(itinerant["lessons"]))
        itin = it.groupby(["school_id", "subject"])["lessons"].sum()
    else:
        itin = pd.Series(dtype=float)
    out = pd.DataFrame({"demand": d.astype(int)})
    out["home"] = home.reindex(d.index, fill_value=0).astype(int)
    out["itinerant"] = itin.reindex(d.index, fill_value=0).astype(int)
    out["uncovered_home"] = (out["demand"] - out["home"]).clip(lower=0)
    out["uncovered"] = (out["demand"] - out["home"] - out["itinerant"]).clip(lower=0)
    out["area"] = out.index.get_level_values(0).map(sc.schools.set_index("school_id")["area"])
    return out


def covered_before(sc) -> pd.Series:
    """(school_id, subject) -> lessons the current teachers could cover before the plan (a full load each,
    at most the demand)."""
    st = sc.staff[sc.staff["role"] == "teacher"]
    n = st.groupby(["school_id", "subject"]).size() * sc.policy.teacher_load
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    return n.reindex(d.index, fill_value=0).clip(upper=d).astype(int)


# ---- itinerant teaching -------------------------------------------------------------------------
def _stops(itinerant: pd.DataFrame) -> pd.DataFrame:
    it = itinerant.assign(person_id=_text(itinerant["person_id"]), school_id=_text(itinerant["school_id"]),
                          day=_num(itinerant["day"]).astype(int), seq=_num(itinerant["seq"]).astype(int),
                          lessons=_num(itinerant["lessons"]).astype(int),
                          travel_minutes=_num(itinerant["travel_minutes"]).astype(float))
    return it.sort_values(["person_id", "day", "seq"], kind="stable")


def itinerant_days(sc, home, itinerant: pd.DataFrame | None) -> pd.DataFrame:
    """Per itinerant teacher and day (index person_id, day): lessons, stops, `to_stops` (the itinerant.csv
    minutes of the day's stops, the first from the home school), `back` (minutes from the last stop back to the
    home school, `last_stop`), and `travel_minutes` = to_stops + back. `home`: person_id -> to_school."""
    cols = ["lessons", "stops", "to_stops", "last_stop", "back", "travel_minutes"]
    if itinerant is None or len(itinerant) == 0:
        return pd.DataFrame(columns=cols, index=pd.MultiIndex.from_tuples([], names=["person_id", "day"]))
    days: dict[tuple[str, int], list] = {}  # (person, day) -> [lessons, legs, last stop], stops in seq order
    it = _stops(itinerant)
    for pid, day, sid, n, m in zip(it["person_id"], it["day"], it["school_id"], it["lessons"], it["travel_minutes"]):
        d = days.setdefault((pid, int(day)), [0, [], ""])
        d[0] += int(n)
        d[1].append(float(m))
        d[2] = sid
    rows = {}
    for (pid, day), (n, legs, last) in days.items():
        back = _minutes(sc, last, str(home.get(pid, "")))
        rows[(pid, day)] = {"lessons": n, "stops": len(legs), "to_stops": math.fsum(legs), "last_stop": last,
                            "back": back, "travel_minutes": math.fsum([*legs, back])}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
    out.index = pd.MultiIndex.from_tuples(out.index, names=["person_id", "day"])
    return out


def itinerant_week(sc, home, itinerant: pd.DataFrame | None) -> pd.DataFrame:
    """Per itinerant teacher (index person_id): lessons, days, stops, and `travel_minutes`: travel minutes a
    week, with the way back — each day, the itinerant.csv minutes of its stops (the first from the home
    school) plus the minutes from the last stop back to the home school. `home`: person_id -> to_school
    (a mapping or Series)."""
    cols = ["lessons", "days", "stops", "travel_minutes"]
    days = itinerant_days(sc, home, itinerant)
    if days.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="person_id"))
    legs = _stops(itinerant).groupby("person_id")["travel_minutes"].apply(list)
    backs = days.groupby(level="person_id")["back"].apply(list)
    g = days.groupby(level="person_id")
    out = pd.DataFrame({"lessons": g["lessons"].sum().astype(int), "days": g.size().astype(int),
                        "stops": g["stops"].sum().astype(int)})
    out["travel_minutes"] = [math.fsum(legs[pid] + backs[pid]) for pid in out.index]
    out.index.name = "person_id"
    return out


def _minutes(sc, a: str, b: str) -> float:
    """Travel minutes between two schools; a school unknown to the scenario counts 0 (the validator names it)."""
    try:
        m = float(sc.travel.minutes(a, b))
    except KeyError:
        return 0.0
    return m if math.isfinite(m) else 0.0


def travel_minutes(week: pd.DataFrame) -> float:
    """Travel minutes a week of all itinerant teachers, with the way back, 1 decimal."""
    return round(math.fsum(week["travel_minutes"]), 1) if len(week) else 0.0


# ---- justified envy -----------------------------------------------------------------------------
class SchoolFacts:
    """What the fit rules read about schools and demand, looked up once per scenario."""

    def __init__(self, sc):
        sch = sc.schools.drop_duplicates("school_id")
        self.name = dict(zip(sch["school_id"], sch["name"].astype(str)))
        self.level = dict(zip(sch["school_id"], sch["level"].astype(str)))
        self.area = dict(zip(sch["school_id"], sch["area"].astype(str)))
        self.demand = set(zip(sc.demand["school_id"], sc.demand["subject"]))


def subject_fit(sc, subject: str, sid: str, schools: SchoolFacts | None = None) -> str | None:
    """R8 subject and level fit: why a teacher of `subject` cannot teach at school `sid`, or None."""
    f = schools or SchoolFacts(sc)
    if sid not in f.level:
        return f"{sid} is not a school of the scenario"
    level = f.level[sid]
    if level == "kindergarten" and subject != "preschool":
        return f"a kindergarten takes only preschool teachers, not {subject}"
    if subject == "preschool" and level != "kindergarten":
        return "a preschool teacher teaches only at kindergartens"
    if (sid, subject) not in f.demand:
        return f"{f.name[sid]} ({sid}) has no demand for {subject} lessons (R8 subject fit)"
    return None


def blocked_by_rule(sc, person: pd.Series, sid: str, schools: SchoolFacts | None = None) -> tuple[str, str] | None:
    """(rule id, why in words) of what keeps a teacher (a row of `people`) from school `sid`; None when nothing
    does. The rules of the teacher stage's candidate schools: subject and level fit (R8), the level group of
    their school (kindergarten; compulsory; senior and vocational: the plan keeps a teacher within it, rule id
    ""), R5 (a period-1 finisher goes to the other area) and R6 (no rural -> urban move for a public-funded
    teacher short of rural years outside their own bundle)."""
    f = schools or SchoolFacts(sc)
    fit = subject_fit(sc, str(person["subject"]), sid, f)
    if fit:
        return "R8", fit
    level, area = f.level[sid], f.area[sid]
    own_level = person["from_level"] or person["to_level"]
    if own_level and LEVEL_GROUP.get(level, level) != LEVEL_GROUP.get(own_level, own_level):
        return "", (f"{f.name[sid]} ({sid}) is a {level} school: the plan keeps a teacher within the level "
                    f"group of their school ({LEVEL_GROUP.get(own_level, own_level)})")
    if person["r5_period1"] and area == person["from_area"]:
        return "R5", f"their period 2 must be at a school of the other area, and it is {area}"
    if person["r6_short"] and not person["r6_own_bundle"] and person["from_area"] == "rural" and area == "urban":
        return "R6", (f"a public-funded teacher with {person['rural_service_years']:g} of "
                      f"{sc.policy.public_funded_rural_years:g} rural years may not move from a rural to an urban "
                      "school")
    return None


def envy_pairs(sc, ppl: pd.DataFrame) -> pd.DataFrame:
    """Justified-envy pairs: a teacher (not locked) ranked school s above where the plan puts them, no hard rule
    keeps them from s (`blocked_by_rule`), and another teacher of the same subject with fewer priority points
    (models/priority.py) moved into s. Columns person_id, school_id, other_id, points_gap (largest first)."""
    cols = ["person_id", "school_id", "other_id", "points_gap"]
    t = ppl[ppl["teacher_after"] & (ppl["to_school"] != "")]
    wish = t[(t["preferences"] != "") & ~t["locked"]]
    if wish.empty:
        return pd.DataFrame(columns=cols)
    points = priority_points(sc)
    moved_in = t[t["to_school"] != t["from_school"]]
    by_key: dict[tuple[str, str], list[str]] = {}
    for pid, key in zip(moved_in.index, zip(moved_in["to_school"], moved_in["subject"])):
        by_key.setdefault(key, []).append(pid)
    facts = SchoolFacts(sc)
    rows = []
    for pid, r in wish.iterrows():
        ranked = list(dict.fromkeys(x.strip() for x in r["preferences"].split(";") if x.strip()))
        mine = ranked.index(r["to_school"]) if r["to_school"] in ranked else len(ranked)
        for sid in ranked[:mine]:
            others = [q for q in by_key.get((sid, r["subject"]), ()) if points[q] < points[pid]]
            if not others or blocked_by_rule(sc, r, sid, facts):
                continue
            rows += [(pid, sid, q, round(float(points[pid] - points[q]), 4)) for q in others]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["points_gap", "person_id", "other_id"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


# ---- leader posts -------------------------------------------------------------------------------
def leader_posts(sc, ppl: pd.DataFrame) -> pd.DataFrame:
    """Per school: principal and vice-principal posts and holders after the plan, and the posts left open."""
    sch = sc.schools.drop_duplicates("school_id").set_index("school_id")
    out = pd.DataFrame(index=sch.index)
    out["area"] = sch["area"]
    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        held = ppl[ppl["role_after"] == role].groupby("to_school").size()
        out[f"{role}_posts"] = _num(sch[col]).astype(int)
        out[f"{role}_held"] = held.reindex(sch.index, fill_value=0).astype(int)
        out[f"{role}_open"] = (out[f"{role}_posts"] - out[f"{role}_held"]).clip(lower=0)
    return out


# ---- moves ---------------------------------------------------------------------------------------
DIRECTIONS = ("urban_to_rural", "rural_to_urban", "same_area", "new_hire")


def move_directions(ppl: pd.DataFrame) -> pd.DataFrame:
    """The people who change school (the `moves` figure), with the township they go to and the direction:
    new_hire (no school before), urban_to_rural, rural_to_urban or same_area."""
    m = ppl[ppl["changes_school"]]
    direction = np.select([m["from_school"] == "", (m["from_area"] == "urban") & (m["to_area"] == "rural"),
                           (m["from_area"] == "rural") & (m["to_area"] == "urban")],
                          ["new_hire", "urban_to_rural", "rural_to_urban"], "same_area")
    return pd.DataFrame({"from_school": m["from_school"], "to_school": m["to_school"], "direction": direction},
                        index=m.index)


def moves_by_township(sc, ppl: pd.DataFrame) -> pd.DataFrame:
    """Moves counted by the township of the school people go to (rows) and direction (columns, DIRECTIONS);
    the table sums to the `moves` figure. Busiest townships first."""
    m = move_directions(ppl)
    town = m["to_school"].map(sc.schools.drop_duplicates("school_id").set_index("school_id")["township"])
    df = pd.DataFrame({"township": town.astype(object).fillna("?").to_numpy(), "direction": m["direction"].to_numpy()})
    table = pd.crosstab(df["township"], df["direction"]).reindex(columns=list(DIRECTIONS), fill_value=0)
    return table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]


# ---- the plan's figures -------------------------------------------------------------------------
# Every figure of kpis.json by name: (rule id, what it counts, 中文). The KPIs sheet of plan.xlsx and the
# figures table of report.html show these words beside the numbers; docs/rules.md lists them by rule.
MEANING = {
    "degree_ratio_urban_rural": ("R10", "urban / rural share of bachelor-or-above compulsory teachers",
                                 "城乡义务教育教师本科及以上学历比例之比"),
    "young_rural_leader_share": ("R3", "share of rural leaders aged young_age or younger",
                                 "乡村校级干部中年轻干部占比"),
    "young_rural_leaders": ("R3", "rural leaders aged young_age or younger", "乡村年轻校级干部人数"),
    "rural_leaders": ("R3", "leaders at rural schools", "乡村校级干部人数"),
    "leaders": ("", "principals and vice-principals", "校级干部人数"),
    "staff": ("", "people of the plan", "教职工人数"),
    "backbone_share_urban": ("R9", "district-level-or-above backbone share, urban compulsory teachers",
                             "城区区级以上骨干教师占比"),
    "backbone_share_rural": ("R9", "district-level-or-above backbone share, rural compulsory teachers",
                             "乡村区级以上骨干教师占比"),
    "bachelor_share_urban": ("R9", "bachelor-or-above share, urban compulsory teachers", "城区本科及以上占比"),
    "bachelor_share_rural": ("R9", "bachelor-or-above share, rural compulsory teachers", "乡村本科及以上占比"),
    "kindergarten_associate_share_urban": ("R9", "associate-or-above share, urban kindergarten teachers",
                                           "城区幼儿园专科及以上占比"),
    "kindergarten_associate_share_rural": ("R9", "associate-or-above share, rural kindergarten teachers",
                                           "乡村幼儿园专科及以上占比"),
    "compulsory_teachers_urban": ("R10", "teachers at urban compulsory schools", "城区义务教育教师人数"),
    "compulsory_teachers_rural": ("R10", "teachers at rural compulsory schools", "乡村义务教育教师人数"),
    "bachelor_teachers_urban": ("R10", "of them bachelor or above, urban", "城区本科及以上教师人数"),
    "bachelor_teachers_rural": ("R10", "of them bachelor or above, rural", "乡村本科及以上教师人数"),
    "teachers_urban": ("", "teachers at urban schools", "城区教师人数"),
    "teachers_rural": ("", "teachers at rural schools", "乡村教师人数"),
    "uncovered_lessons": ("R7", "weekly lessons no teacher covers (home lessons and itinerant stops)", "未覆盖周课时"),
    "uncovered_rural_lessons": ("R7", "of which at rural schools", "其中乡村学校"),
    "home_uncovered_lessons": ("R7", "weekly lessons the teachers placed at each school leave uncovered, before "
                               "itinerant teaching", "走教前未覆盖周课时"),
    "home_uncovered_rural_lessons": ("R7", "of which at rural schools", "其中乡村学校"),
    "moves": ("", "people whose school changes (retirements not counted)", "调动人数"),
    "itinerant_teachers": ("R7", "teachers with itinerant stops", "走教教师人数"),
    "itinerant_lessons": ("R7", "weekly lessons taught at itinerant stops", "走教周课时"),
    "total_travel_minutes": ("R7", "travel minutes a week of all itinerant teachers, with the way back",
                             "走教每周路程分钟（含返程）"),
    "envy_pairs": ("", "justified-envy pairs: a teacher denied a ranked school that someone with fewer priority "
                   "points got", "合理嫉妒对数"),
    "r1_due": ("R1", "leaders of rotation_levels schools who have completed rotation_terms or more terms there",
               "任期届满校级干部"),
    "r1_moved": ("R1", "due leaders who rotate to another school", "其中轮岗"),
    "r1_exempt": ("R1", "due leaders exempt (exempt_reason or a lock)", "其中免于轮岗"),
    "r1_exempt_by_lock": ("R1", "due leaders held by a lock", "其中因锁定免于轮岗"),
    "r1_not_moved": ("R1", "due leaders, neither exempt nor locked, who do not rotate", "应轮岗未轮岗"),
    "r1x_crossings": ("R1x", "due leaders who rotate across the urban-rural line", "跨城乡轮岗人数"),
    "r1x_urban_to_rural": ("R1x", "of which urban to rural", "其中城区到乡村"),
    "r1x_rural_to_urban": ("R1x", "of which rural to urban", "其中乡村到城区"),
    "r1x_most_possible": ("R1x", "the most crossings the open posts allow (leader stage)", "最多可跨城乡人数"),
    "reserve_leaders_promoted": ("R2", "teachers promoted to a leader post", "提拔后备干部人数"),
    "r2_rural_posts_to_urban_reserve": ("R2", "rural leader posts filled by urban reserve leaders",
                                        "城区后备干部任乡村职位"),
    "r2_rural_posts_to_rural_reserve": ("R2", "rural leader posts filled by rural reserve leaders",
                                        "乡村后备干部任乡村职位"),
    "leader_posts_unfilled": ("R8", "principal and vice-principal posts nobody holds after the plan", "空缺校级职位"),
    "principal_posts_unfilled": ("R8", "principal posts nobody holds", "空缺校长职位"),
    "vice_principal_posts_unfilled": ("R8", "vice-principal posts nobody holds", "空缺副校长职位"),
    "rural_leader_posts_unfilled": ("R2", "leader posts of rural schools nobody holds", "乡村空缺校级职位"),
    "rural_principal_posts_unfilled": ("R2", "principal posts of rural schools nobody holds", "乡村空缺校长职位"),
    "vice_promoted_to_principal": ("R8", "vice-principals who become principal", "副校长升任校长"),
    "schools_above_leader_posts": ("R8", "schools with more principals or vice-principals than posts",
                                   "校级干部超职数学校"),
    "townships": ("R4", "townships", "街道镇数"),
    "townships_with_director": ("R4", "townships with a district director (a seat-school principal)",
                                "有学区主任的街道镇"),
    "r5_new_hires": ("R5", "new hires to place (not locked)", "新聘教师"),
    "r5_new_hires_bundled": ("R5", "new hires placed with a period-2 school of the other area", "已捆绑第二聘期学校"),
    "r5_period1_finishers": ("R5", "people finishing contract period 1 (not locked)", "第一聘期届满教师"),
    "r5_period1_moved_across": ("R5", "of them placed in the other area for period 2", "其中到另一类地区"),
    "r5_exempt_by_lock": ("R5", "new hires and period-1 finishers held by a lock", "因锁定豁免"),
    "r5_period1_bundle_open": ("R5", "period-1 finishers teaching on whose bundle school could take them (other "
                               "area, subject taught, certificate covers it)", "捆绑学校可接收的第一聘期届满教师"),
    "r5_period1_at_bundle": ("R5", "of them at the bundle school for period 2", "其中到捆绑学校"),
    "r5_period1_bundle_full": ("R5", "of them elsewhere because the bundle school is full (R8)",
                               "其中因捆绑学校满编改派"),
    "r6_short_of_rural_years": ("R6", "public-funded teachers short of public_funded_rural_years rural years",
                                "乡村服务年限未满的公费师范生"),
    "r6_moved_rural_to_urban": ("R6", "of them moved rural to urban outside their own bundle, not locked",
                                "其中违规由乡村调往城区"),
    "r6_exempt_by_lock": ("R6", "of them held by a lock", "其中因锁定豁免"),
    "schools_above_staff_quota": ("R8", "schools with more teachers than staff_quota", "超编学校"),
    "teacher_seats_freed": ("R8", "teacher seats freed by retirements and promotions", "退休和提拔空出的教师岗位"),
    "teachers_without_subject_fit": ("R8", "teachers placed where their subject is not taught (not by a lock)",
                                     "学科不符的安置"),
    "teachers_locked_without_subject_fit": ("R8", "teachers placed by a lock where their subject is not taught",
                                            "锁定导致学科不符的安置"),
    "moves_of_current_staff": ("", "current staff who change school (new hires and retirements not counted)",
                               "调动的现有教职工"),
    "move_budget": ("", "the yearly move budget: max_moves_share of current staff", "年度调动上限"),
    "moves_required_by_rules": ("", "of the moves, those hard rules require: R1 rotations, R5 period-2 moves, R16 "
                                "returns and moves to a locked school", "其中硬性规则要求的调动"),
    "moves_over_budget": ("", "moves of current staff above the budget", "超出年度调动上限"),
    "couples": ("", "couples on the staff (spouse_id)", "双职工夫妇"),
    "couples_apart": ("", "couples of whom one moves and who end in two townships", "调动后分居两个乡镇的夫妇"),
    "r17_schools_with_beds": ("R17", "rural schools that give dorm_beds", "提供周转宿舍的乡村学校"),
    "r17_arrivals_needing_beds": ("R17", "teachers arriving at them whose home is beyond commute_minutes_max",
                                  "需住周转宿舍的调入教师"),
    "r17_schools_above_beds": ("R17", "schools with more such arrivals than beds (hard: 0)", "超出床位的学校"),
    "r15_backbone_share_floor": ("R15", "least urban district+ backbone share allowed after the plan (before minus "
                                 "max_urban_share_drop)", "城区区级及以上骨干教师占比下限"),
    "r15_bachelor_share_floor": ("R15", "least urban bachelor+ share of compulsory teachers allowed after the plan",
                                 "城区本科及以上学历占比下限"),
    "r15_kindergarten_associate_share_floor": ("R15", "least urban associate+ share of kindergarten teachers allowed "
                                               "after the plan", "城区幼儿园专科及以上学历占比下限"),
    "r15_shares_below_floor": ("R15", "urban R9 shares below their floor after the plan (hard: 0)",
                               "低于下限的城区比例个数"),
    "r11_eligible": ("R11", "teachers eligible for exchange (exchange_after_years at their school, not exempt, "
                     "not locked)", "符合交流条件教师"),
    "r11_exchanged": ("R11", "eligible teachers at another school after the plan", "其中交流"),
    "r11_exchanged_backbone": ("R11", "of them backbone teachers (any level)", "其中骨干教师"),
    "r11_exchange_share": ("R11", "share of the eligible who are exchanged", "交流比例"),
    "r11_backbone_share": ("R11", "backbone share among the exchanged", "交流中骨干教师比例"),
    "r11_exchange_target": ("R11", "the fewest exchanges that meet exchange_share", "最少交流人数"),
    "r11_exempt_by_lock": ("R11", "teachers eligible by years but held by a lock", "因锁定豁免"),
    "r11_exchange_ceiling": ("R11", "the most exchanges exchange_share_max allows (hard)", "最多交流人数"),
    "r11_exchanges_not_eligible_urban_to_rural": ("R11", "rows named exchange that are not an eligible teacher's "
                                                  "urban-to-rural posting", "不符合城区到乡村交流的交流记录"),
    "r14_teachers_placed": ("R14", "teachers placed at a school (new hires and changes of school)", "安置教师"),
    "r14_placed_uncovered": ("R14", "of them where their certificate does not cover the level (not by a lock)",
                             "其中教师资格不符"),
    "r14_exempt_by_lock": ("R14", "of them placed by a lock where the certificate does not cover the level",
                           "其中因锁定豁免"),
    "r14_period2_uncovered": ("R14", "period-2 bundles whose level the certificate does not cover",
                              "第二聘期学校教师资格不符"),
    "r16_postings_ended": ("R16", "teachers whose posting ended (posting_until before plan_year), not locked",
                           "交流期满教师"),
    "r16_returned": ("R16", "of them returning to their home_school", "其中返回原单位"),
    "r16_kept_by_host": ("R16", "of them kept by the host school they ranked first", "其中由交流学校留用"),
    "r16_not_returned": ("R16", "of them neither returned nor kept by the host they ranked first",
                         "其中既未返回也未留用"),
    "r16_postings_continuing": ("R16", "teachers on a posting that continues this year, not locked", "交流期内教师"),
    "r16_postings_cut_short": ("R16", "of them moved or with their posting changed before it ends",
                               "其中交流期未满即变动"),
    "r16_new_postings": ("R16", "exchanges of this plan (new postings)", "本年新交流"),
    "r16_new_postings_unwritten": ("R16", "of them without home_school or the right posting_until",
                                   "其中未写明人事关系学校或交流截止年"),
    "r16_exempt_by_lock": ("R16", "teachers on a posting held by a lock", "因锁定豁免"),
    "r16_on_posting": ("R16", "teachers on a posting after the plan", "方案后交流中教师"),
    "retirements": ("R12", "staff who retire", "退休人数"),
    "backbone_training_selected": ("R13", "young teachers selected for backbone training", "骨干培养人选"),
    "backbone_training_rural": ("R13", "of them at rural schools", "其中乡村"),
    "backbone_training_candidates": ("R13", "young teachers below district-level backbone", "符合条件的青年教师"),
    "changed_from_reference": ("", "leaders and reserve leaders whose outcome differs from the reference plan",
                               "与参照方案不同的干部"),
    "teachers_changed_from_reference": ("", "teachers whose school differs from the reference plan",
                                        "与参照方案不同的教师"),
}


def plan_figures(sc, assignments: pd.DataFrame, itinerant: pd.DataFrame | None = None,
                 stage_facts: dict | None = None) -> dict:
    """kpis.json's `before`, `after` and `target`: every figure of the plan, by name (docs/rules.md)."""
    pol = sc.policy
    ppl = people(sc, assignments)
    before = state_figures(sc, before_people(sc))
    after_people = pd.DataFrame({"degree": ppl["degree"], "backbone": ppl["backbone"], "age": ppl["age"],
                                 "role": ppl["role_after"], "school_id": ppl["to_school"]})
    after = state_figures(sc, after_people)
    # R15: no urban R9 share falls by more than max_urban_share_drop
    floors = r15_floors(sc)
    after_counts = r9_counts(sc, after_people)
    for key in R9_SHARES:
        f = floors[key]
        after[f"r15_{key}_floor"] = None if f is None else round(float(f), 4)
    after["r15_shares_below_floor"] = sum(r15_below(floors[k], *after_counts[f"{k}_urban"]) for k in R9_SHARES)

    # lessons
    cb = covered_before(sc)
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    gap_before = (d - cb).clip(lower=0)
    rural_before = np.asarray(gap_before.index.get_level_values(0).map(sc.schools.set_index("school_id")["area"])
                              == "rural")
    before["uncovered_lessons"] = int(gap_before.sum())
    before["uncovered_rural_lessons"] = int(gap_before[rural_before].sum())
    cov = coverage(sc, ppl, itinerant)
    rural = (cov["area"] == "rural").to_numpy()
    after["uncovered_lessons"] = int(cov["uncovered"].sum())
    after["uncovered_rural_lessons"] = int(cov["uncovered"][rural].sum())
    after["home_uncovered_lessons"] = int(cov["uncovered_home"].sum())
    after["home_uncovered_rural_lessons"] = int(cov["uncovered_home"][rural].sum())

    # moves, itinerant teaching (R7)
    before["moves"] = 0
    after["moves"] = int(ppl["changes_school"].sum())
    # the yearly move budget (soft): current staff who change school, against max_moves_share of them
    current_moves = ppl["changes_school"] & (ppl["from_school"] != "")
    locked_away = (ppl["locked_school"] != "") & (ppl["locked_school"] != ppl["from_school"])
    after["moves_of_current_staff"] = int(current_moves.sum())
    after["move_budget"] = move_budget(sc)
    after["moves_required_by_rules"] = int((current_moves & (ppl["move"].isin(REQUIRED_MOVES) | locked_away)).sum())
    after["moves_over_budget"] = max(0, after["moves_of_current_staff"] - after["move_budget"])
    after.update(couples_apart(sc, ppl))
    # R17
    beds = (pd.to_numeric(sc.schools.set_index("school_id")["dorm_beds"], errors="coerce")
            if "dorm_beds" in sc.schools.columns else pd.Series(dtype=float))
    beds = beds[(sc.schools.set_index("school_id")["area"] == "rural").reindex(beds.index, fill_value=False)].dropna()
    far = ppl[ppl["r17_far_arrival"]].groupby("to_school").size().reindex(beds.index, fill_value=0)
    after["r17_schools_with_beds"] = int(len(beds))
    after["r17_arrivals_needing_beds"] = int(far.sum())
    after["r17_schools_above_beds"] = int((far > beds).sum())
    before["staff"] = after["staff"] = len(ppl)
    week = itinerant_week(sc, ppl["to_school"], itinerant)
    before["itinerant_teachers"] = 0
    before["itinerant_lessons"] = 0
    before["total_travel_minutes"] = 0.0
    after["itinerant_teachers"] = int(len(week))
    after["itinerant_lessons"] = int(week["lessons"].sum()) if len(week) else 0
    after["total_travel_minutes"] = travel_minutes(week)
    after["envy_pairs"] = int(len(envy_pairs(sc, ppl)))

    # R1, R1x
    after["r1_due"] = int(ppl["r1_due"].sum())
    after["r1_moved"] = int(ppl["r1_rotated"].sum())
    after["r1_exempt"] = int((ppl["r1_exempt_reason"] | ppl["r1_exempt_lock"]).sum())
    after["r1_exempt_by_lock"] = int(ppl["r1_exempt_lock"].sum())
    after["r1_not_moved"] = int((ppl["r1_bound"] & ~ppl["r1_rotated"]).sum())
    after["r1x_urban_to_rural"] = int((ppl["r1x_direction"] == "urban_to_rural").sum())
    after["r1x_rural_to_urban"] = int((ppl["r1x_direction"] == "rural_to_urban").sum())
    after["r1x_crossings"] = after["r1x_urban_to_rural"] + after["r1x_rural_to_urban"]
    # R2, R8 leader posts
    prom = ppl[ppl["promoted"]]
    after["reserve_leaders_promoted"] = int(len(prom))
    to_rural = prom["to_area"] == "rural"
    after["r2_rural_posts_to_urban_reserve"] = int((to_rural & (prom["from_area"] == "urban")).sum())
    after["r2_rural_posts_to_rural_reserve"] = int((to_rural & (prom["from_area"] == "rural")).sum())
    posts = leader_posts(sc, ppl)
    after["principal_posts_unfilled"] = int(posts["principal_open"].sum())
    after["vice_principal_posts_unfilled"] = int(posts["vice_principal_open"].sum())
    after["leader_posts_unfilled"] = after["principal_posts_unfilled"] + after["vice_principal_posts_unfilled"]
    after["rural_leader_posts_unfilled"] = int(posts.loc[posts["area"] == "rural",
                                                         ["principal_open", "vice_principal_open"]].to_numpy().sum())
    after["rural_principal_posts_unfilled"] = int(posts.loc[posts["area"] == "rural", "principal_open"].sum())
    after["vice_promoted_to_principal"] = int(((ppl["role_before"] == "vice_principal")
                                               & (ppl["role_after"] == "principal")).sum())
    after["schools_above_leader_posts"] = int(((posts["principal_held"] > posts["principal_posts"])
                                               | (posts["vice_principal_held"] > posts["vice_principal_posts"])).sum())
    # R4
    towns = set(sc.schools["township"])
    sch = sc.schools.drop_duplicates("school_id").set_index("school_id")
    dirs = ppl[(ppl["director_of"] != "") & (ppl["role_after"] == "principal")]
    ok = [t for t, s in zip(dirs["director_of"], dirs["to_school"])
          if t in towns and s in sch.index and sch.at[s, "township"] == t and bool(sch.at[s, "is_township_seat"])]
    after["townships"] = len(towns)
    after["townships_with_director"] = len(set(ok))
    # R5, R6
    after["r5_new_hires"] = int(ppl["r5_new_hire"].sum())
    after["r5_new_hires_bundled"] = int(ppl["r5_bundled"].sum())
    after["r5_period1_finishers"] = int(ppl["r5_period1"].sum())
    after["r5_period1_moved_across"] = int(ppl["r5_crossed"].sum())
    after["r5_exempt_by_lock"] = int(ppl["r5_exempt_lock"].sum())
    after["r5_period1_bundle_open"] = int(ppl["r5_bundle_open"].sum())
    after["r5_period1_at_bundle"] = int(ppl["r5_at_bundle"].sum())
    after["r5_period1_bundle_full"] = int(ppl["r5_bundle_full"].sum())
    after["r6_short_of_rural_years"] = int(ppl["r6_short"].sum())
    after["r6_moved_rural_to_urban"] = int(ppl["r6_broken"].sum())
    after["r6_exempt_by_lock"] = int(ppl["r6_exempt_lock"].sum())
    # R8 teachers
    t = ppl[ppl["teacher_after"] & (ppl["to_school"] != "")]
    quota = pd.to_numeric(sch["staff_quota"], errors="coerce")
    n = quota_school(sc, t).value_counts().reindex(sch.index, fill_value=0)  # R16: posting_quota_at
    after["schools_above_staff_quota"] = int((quota.notna() & (n > quota)).sum())
    freed = (ppl["role_before"] == "teacher") & (ppl["from_school"] != "") & ~ppl["teacher_after"]
    after["teacher_seats_freed"] = int(freed.sum())
    placed = t[t["to_school"] != t["from_school"]]
    facts = SchoolFacts(sc)
    misfit = pd.Series([subject_fit(sc, subj, s, facts) is not None
                        for subj, s in zip(placed["subject"], placed["to_school"])], index=placed.index, dtype=bool)
    by_lock = misfit & (placed["to_school"] == placed["locked_school"])
    after["teachers_without_subject_fit"] = int((misfit & ~by_lock).sum())
    after["teachers_locked_without_subject_fit"] = int(by_lock.sum())
    # R11
    el = ppl[ppl["r11_eligible"]]
    ex = el[el["r11_exchanged"]]
    after["r11_eligible"] = int(len(el))
    after["r11_exchanged"] = int(len(ex))
    after["r11_exchanged_backbone"] = int(ex["backbone_district_up"].sum())
    after["r11_exchange_share"] = round(len(ex) / len(el), 4) if len(el) else None
    after["r11_backbone_share"] = round(float(ex["backbone_district_up"].mean()), 4) if len(ex) else None
    after["r11_exchange_target"] = r11_target(sc, len(el))
    after["r11_exchange_ceiling"] = r11_ceiling(sc, len(el))
    after["r11_exempt_by_lock"] = int(ppl["r11_exempt_lock"].sum())
    after["r11_exchanges_not_eligible_urban_to_rural"] = int(ppl["r11_wrong_exchange"].sum())
    # R14
    after["r14_teachers_placed"] = int(ppl["r14_placed"].sum())
    after["r14_placed_uncovered"] = int((ppl["r14_uncovered"] & ~ppl["r14_exempt_lock"]).sum())
    after["r14_exempt_by_lock"] = int(ppl["r14_exempt_lock"].sum())
    after["r14_period2_uncovered"] = int(ppl["r14_period2_uncovered"].sum())
    # R16
    after["r16_postings_ended"] = int(ppl["r16_ended"].sum())
    after["r16_returned"] = int(ppl["r16_returned"].sum())
    after["r16_kept_by_host"] = int(ppl["r16_kept"].sum())
    after["r16_not_returned"] = int(ppl["r16_not_returned"].sum())
    after["r16_postings_continuing"] = int(ppl["r16_continues"].sum())
    after["r16_postings_cut_short"] = int(ppl["r16_cut_short"].sum())
    after["r16_new_postings"] = int(ppl["r16_new_posting"].sum())
    after["r16_new_postings_unwritten"] = int(ppl["r16_unwritten"].sum())
    after["r16_exempt_by_lock"] = int(ppl["r16_exempt_lock"].sum())
    after["r16_on_posting"] = int((ppl["teacher_after"] & (ppl["posting_home_after"] != "")).sum())
    # R12, R13
    after["retirements"] = int(ppl["retires"].sum())
    sel = ppl[ppl["r13_selected"]]
    after["backbone_training_selected"] = int(len(sel))
    after["backbone_training_rural"] = int((sel["to_area"] == "rural").sum())
    after["backbone_training_candidates"] = int(ppl["r13_candidate"].sum())
    for key in STAGE_FACTS:
        if stage_facts and key in stage_facts:
            after[key] = stage_facts[key]

    target = {
        "degree_ratio_urban_rural": pol.degree_ratio_max,
        "young_rural_leader_share": pol.young_rural_leader_share,
        "backbone_share_rural": after["backbone_share_urban"],
        "backbone_share_urban": None,
        "bachelor_share_rural": after["bachelor_share_urban"],
        "kindergarten_associate_share_rural": after["kindergarten_associate_share_urban"],
        "uncovered_lessons": 0,
        "moves": None,
        "itinerant_teachers": None,
        "total_travel_minutes": None,
        "r1x_crossings": after.get("r1x_most_possible"),
        "r11_exchanged": after["r11_exchange_target"],
        "r11_exchange_share": pol.exchange_share,
        "r11_backbone_share": pol.exchange_backbone_share,
        "backbone_training_selected": pol.young_backbone_training_count,
        "townships_with_director": after["townships"],
    }
    return {"before": before, "after": after, "target": target}


# ---- compliance details -------------------------------------------------------------------------------
# The figures of each rule's compliance row in words (compliance.csv `detail`), in the plan's language. Rule
# ids and parameter names stay as they are in both languages; numbers are filled in by the code.
register({
    "compliance.na": ("n/a", "无"),
    "compliance.sep": ("; ", "；"),
    "compliance.not_assessed": ("not assessed by this plan", "本方案未评估"),
    "compliance.no_levels": ("no", "无"),
    "compliance.n.vacant_rural_post.one": ("{n} vacant rural leader post", "{n}个乡村领导空缺岗位"),
    "compliance.n.vacant_rural_post.other": ("{n} vacant rural leader posts", "{n}个乡村领导空缺岗位"),
    "compliance.n.rural_post.one": ("{n} rural leader post", "{n}个乡村领导岗位"),
    "compliance.n.rural_post.other": ("{n} rural leader posts", "{n}个乡村领导岗位"),
    "compliance.n.reserve.one": ("{n} reserve leader", "{n}名后备干部"),
    "compliance.n.reserve.other": ("{n} reserve leaders", "{n}名后备干部"),
    "compliance.n.vice.one": ("{n} vice-principal", "{n}名副校长"),
    "compliance.n.vice.other": ("{n} vice-principals", "{n}名副校长"),
    "compliance.r1": ("{due} leaders of {levels} schools have completed {terms} or more terms at one school: "
                      "{moved} rotate to another school, {exempt} exempt ({by_reason} by exempt_reason, "
                      "{by_lock} by a lock){not_moved}",
                      "{levels}学校中在同一学校任满{terms}个任期及以上的领导{due}名：{moved}名轮岗到其他学校，"
                      "{exempt}名免轮岗（{by_reason}名依exempt_reason，{by_lock}名因锁定）{not_moved}"),
    "compliance.r1.not_moved": (", {n} not moved", "，{n}名未调动"),
    "compliance.r1x": ("{crossings} of {most} due leaders cross the urban-rural line (urban to rural {u2r}, rural to "
                       "urban {r2u})",
                       "{most}应轮岗领导中{crossings}名跨城乡交流（城镇到乡村{u2r}名，乡村到城镇{r2u}名）"),
    "compliance.r1x.most": ("at most {n}", "至多{n}名"),
    "compliance.r1x.the": ("the", "全部"),
    "compliance.r2": ("{filled} filled: {by_urban} by urban reserve leaders, {by_rural} by rural reserve leaders"
                      "{no_rural}; {left} left vacant{principal}; {promoted} promoted in all",
                      "补充{filled}：{by_urban}个由城镇后备干部补充，{by_rural}个由乡村后备干部补充{no_rural}；"
                      "{left}仍空缺{principal}；共提拔{promoted}"),
    "compliance.r2.no_rural": (" (rural reserve leaders not promoted by policy)", "（按政策不提拔乡村后备干部）"),
    "compliance.r2.principal": (" ({n} of them principal posts, which reserve leaders do not take directly: "
                                "promote_reserve_to_principal is off)",
                                "（其中{n}个为校长岗位，后备干部不直接任校长：promote_reserve_to_principal未开启）"),
    "compliance.r3": ("young (aged {age} or under) share of rural leaders: before {before}, after {after} "
                      "({young} of {leaders}), target {target}",
                      "乡村学校领导中青年（{age}岁及以下）占比：调整前{before}，调整后{after}"
                      "（{leaders}名中{young}名），目标{target}"),
    "compliance.r4.all": ("every township ({n}) has a district director, the principal of one of its seat schools",
                          "每个乡镇（{n}个）都有学区主任，由其驻地学校之一的校长担任"),
    "compliance.r4.some": ("{missing} of {n} townships have no district director",
                           "{n}个乡镇中有{missing}个没有学区主任"),
    "compliance.r5": ("{bundled} of {hires} new hires placed with a period-2 school of the other area; {moved} of "
                      "{finishers} period-1 finishers moved to the other area; {at} of {open} whose bundle school "
                      "could take them serve period 2 there, {full} elsewhere because it is full{lock}",
                      "{hires}名新教师中{bundled}名已搭配另一区域的第二服务期学校；{finishers}名第一服务期期满教师中"
                      "{moved}名调往另一区域；捆绑学校可接收的{open}名中{at}名到捆绑学校，{full}名因该校满编改派{lock}"),
    "compliance.lock_exempted": ("; {n} exempted by a lock", "；{n}名因锁定免除"),
    "compliance.r6": ("{short} public-funded teachers short of {years} rural years: {moved} moved rural -> urban "
                      "outside their own bundle{lock}",
                      "乡村服务未满{years}年的公费师范生{short}名：{moved}名在本人搭配之外由乡村调往城镇{lock}"),
    "compliance.r7": ("{lessons} lessons a week covered by {teachers} itinerant teacher(s), {minutes} travel minutes "
                      "a week with the way back; uncovered rural lessons {before} -> {after}; every day within "
                      "{schools} school(s), {day_minutes} travel minutes and {day_lessons} lessons",
                      "{teachers}名走教教师每周承担{lessons}节课，每周往返路程{minutes}分钟；乡村学校未开足课时"
                      "{before} → {after}；每天不超过{schools}所学校、路程{day_minutes}分钟、{day_lessons}节课"),
    "compliance.r8": ("leader posts: {above_posts} schools above their principal or vice-principal posts; "
                      "{principal} principal and {vice} vice-principal posts left unfilled{up}; teachers: "
                      "{above_quota} schools above their staff_quota; {freed} teacher seats freed by retirements and "
                      "promotions; {no_fit} teachers placed where their subject is not taught{locked}",
                      "领导岗位：{above_posts}所学校超出校长或副校长职数；{principal}个校长岗位和{vice}个副校长岗位"
                      "空缺{up}；教师：{above_quota}所学校超出staff_quota；因退休和提拔空出{freed}个教师岗位；"
                      "{no_fit}名教师安排在不开设其学科的学校{locked}"),
    "compliance.r8.up": ("; {vices} promoted to open principal posts", "；{vices}提拔到空缺的校长岗位"),
    "compliance.r8.locked": (" ({n} more placed there by the office's lock)", "（另有{n}名由人事科锁定安排）"),
    "compliance.r9.part": ("{label} rural {rb} -> {ra} vs urban {ub} -> {ua} (target rural >= urban{miss})",
                           "{label}：乡村{rb} → {ra}，城镇{ub} → {ua}（目标：乡村不低于城镇{miss}）"),
    "compliance.r9.miss": (", not reached", "，未达到"),
    "compliance.r9.backbone": ("district+ backbone share", "区级及以上骨干教师占比"),
    "compliance.r9.bachelor": ("bachelor+ share", "本科及以上学历占比"),
    "compliance.r9.kindergarten": ("kindergarten associate+ share", "幼儿园专科及以上学历占比"),
    "compliance.r10": ("urban/rural bachelor+ share ratio among compulsory teachers {before} -> {after} "
                       "(target <= {target})",
                       "义务教育教师本科及以上学历占比城乡比{before} → {after}（目标不高于{target}）"),
    "compliance.r11": ("{moved} of {eligible} eligible teachers posted urban to rural (target >= {target}, {share}; "
                       "at most {ceiling}, {share_max}); district+ backbone {backbone} of {moved} = {bshare} "
                       "(target >= {btarget}){lock}{wrong}",
                       "{eligible}名符合条件的教师中{moved}名由城镇交流到乡村（目标不少于{target}名，{share}；"
                       "至多{ceiling}名，{share_max}）；其中区级及以上骨干教师{backbone}名，占{moved}名的{bshare}"
                       "（目标不低于{btarget}）{lock}{wrong}"),
    "compliance.r11.lock": ("; {n} eligible teachers exempted by a lock", "；{n}名符合条件的教师因锁定免交流"),
    "compliance.r11.wrong": ("; {n} exchanges that are not an eligible urban-to-rural posting",
                             "；{n}次交流不是符合条件的城镇到乡村交流"),
    "compliance.r14": ("{uncovered} of {placed} teachers placed where their certificate does not cover the school's "
                       "level; {p2} period-2 bundles not covered{lock}",
                       "{placed}名教师中{uncovered}名所在学校的学段不在其教师资格证范围内；{p2}个第二服务期搭配"
                       "未覆盖{lock}"),
    "compliance.r14.lock": ("; {n} placed by a lock outside their certificate", "；{n}名因锁定安排在资格证范围之外"),
    "compliance.r17": ("{arrivals} teachers arriving at the {schools} rural schools with dormitory beds live more "
                       "than {minutes} minutes away; {above} schools above their beds",
                       "调入{schools}所提供周转宿舍的乡村学校的教师中{arrivals}名住址超过{minutes}分钟；"
                       "{above}所学校超出床位"),
    "compliance.r17.none": ("no school gives dorm_beds: nothing to check", "没有学校提供周转宿舍床位：无需检查"),
    "compliance.r15": ("urban shares may fall by at most {drop}: {parts}; {below} below their floor",
                       "城区比例降幅不超过{drop}：{parts}；{below}项低于下限"),
    "compliance.r15.part": ("{label} {before} -> {after} (floor {floor})", "{label}{before} → {after}（下限{floor}）"),
    "compliance.r16": ("{ended} postings ended: {returned} return to their home school, {kept} kept by the host "
                       "they ranked first, {not_returned} neither; {continuing} postings continue ({cut} cut short); "
                       "{new} new postings until the {until} school year ({unwritten} without home_school and "
                       "posting_until){lock}",
                       "交流期满{ended}名：{returned}名返回人事关系学校，{kept}名由其第一志愿的交流学校留用，"
                       "{not_returned}名两者皆否；交流期内{continuing}名（{cut}名提前变动）；新交流{new}名，"
                       "至{until}学年止（{unwritten}名未写明人事关系学校和交流截止年）{lock}"),
    "compliance.r12": ("{n} staff retire: their statutory retirement date ({schedule}) falls on or before "
                       "1 September {year}; their posts are vacancies filled by the plan",
                       "{n}名教职工退休：其法定退休日期（{schedule}）在{year}年9月1日或之前；其岗位空出，由方案补充"),
    "compliance.r12.2025": ("2025 schedule: men from 60, women from 55, later by birth month",
                            "2025年办法：男60岁、女55岁起，按出生月份逐步延迟"),
    "compliance.r12.fixed": ("fixed ages: men {male}, women {female}", "固定年龄：男{male}岁，女{female}岁"),
    "compliance.r13": ("{selected} young teachers selected ({rural} rural), target {target}",
                       "选拔青年教师{selected}名（乡村{rural}名），目标{target}名"),
})

_ZH_LEVELS = {"kindergarten": "幼儿园", "primary": "小学", "junior": "初中", "nine_year": "九年一贯制",
              "senior": "高中", "vocational": "中职"}


def _pct(v, lang: str = "en") -> str:
    return text("compliance.na", lang) if v is None else f"{v:.1%}"


def _n(count: int, noun: str, lang: str = "en") -> str:
    n = int(count)
    return text(f"compliance.n.{noun}.{'one' if n == 1 else 'other'}", lang, n=n)


def compliance_detail(rule: str, kpis: dict, pol, lang: str = "en") -> str:
    """The figures of one rule's compliance row, in words in `lang`, from kpis.json's before / after / target."""
    b, a = kpis["before"], kpis["after"]

    def t(key: str, **fields: object) -> str:
        return text(f"compliance.{key}", lang, **fields)

    def opt(cond: object, key: str, **fields: object) -> str:
        return t(key, **fields) if cond else ""

    zh = lang == "zh"

    def v(x: object) -> object:
        return t("na") if zh and x is None else x
    if rule == "R1":
        levels = ("、".join(_ZH_LEVELS.get(x, x) for x in pol.rotation_levels) if zh
                  else "/".join(pol.rotation_levels)) or t("no_levels")
        return t("r1", due=a["r1_due"], levels=levels, terms=pol.rotation_terms, moved=a["r1_moved"],
                 exempt=a["r1_exempt"], by_reason=a["r1_exempt"] - a["r1_exempt_by_lock"],
                 by_lock=a["r1_exempt_by_lock"], not_moved=opt(a["r1_not_moved"], "r1.not_moved", n=a["r1_not_moved"]))
    if rule == "R1x":
        most = a.get("r1x_most_possible")
        return t("r1x", crossings=a["r1x_crossings"], most=t("r1x.most", n=most) if most is not None else t("r1x.the"),
                 u2r=a["r1x_urban_to_rural"], r2u=a["r1x_rural_to_urban"])
    if rule == "R2":
        filled = a["r2_rural_posts_to_urban_reserve"] + a["r2_rural_posts_to_rural_reserve"]
        left = a["rural_leader_posts_unfilled"]
        return t("r2", filled=_n(filled, "vacant_rural_post", lang), by_urban=a["r2_rural_posts_to_urban_reserve"],
                 by_rural=a["r2_rural_posts_to_rural_reserve"],
                 no_rural=opt(not pol.promote_rural_reserve, "r2.no_rural"),
                 left=_n(left, "rural_post", lang),
                 principal=opt(not pol.promote_reserve_to_principal and left, "r2.principal",
                               n=a["rural_principal_posts_unfilled"]),
                 promoted=_n(a["reserve_leaders_promoted"], "reserve", lang))
    if rule == "R3":
        return t("r3", age=pol.young_age, before=_pct(b["young_rural_leader_share"], lang),
                 after=_pct(a["young_rural_leader_share"], lang), young=a["young_rural_leaders"],
                 leaders=a["rural_leaders"], target=_pct(pol.young_rural_leader_share, lang))
    if rule == "R4":
        if a["townships_with_director"] >= a["townships"]:
            return t("r4.all", n=a["townships"])
        return t("r4.some", missing=a["townships"] - a["townships_with_director"], n=a["townships"])
    if rule == "R5":
        return t("r5", bundled=a["r5_new_hires_bundled"], hires=a["r5_new_hires"], moved=a["r5_period1_moved_across"],
                 finishers=a["r5_period1_finishers"], at=a["r5_period1_at_bundle"],
                 open=a["r5_period1_bundle_open"], full=a["r5_period1_bundle_full"],
                 lock=opt(a["r5_exempt_by_lock"], "lock_exempted", n=a["r5_exempt_by_lock"]))
    if rule == "R6":
        return t("r6", short=a["r6_short_of_rural_years"], years=f"{pol.public_funded_rural_years:g}",
                 moved=a["r6_moved_rural_to_urban"],
                 lock=opt(a["r6_exempt_by_lock"], "lock_exempted", n=a["r6_exempt_by_lock"]))
    if rule == "R7":
        return t("r7", lessons=a["itinerant_lessons"], teachers=a["itinerant_teachers"],
                 minutes=f"{a['total_travel_minutes']:g}", before=a["home_uncovered_rural_lessons"],
                 after=a["uncovered_rural_lessons"], schools=pol.max_schools_per_day,
                 day_minutes=f"{pol.max_travel_minutes_per_day:g}", day_lessons=pol.max_itinerant_lessons_per_day)
    if rule == "R8":
        return t("r8", above_posts=a["schools_above_leader_posts"], principal=a["principal_posts_unfilled"],
                 vice=a["vice_principal_posts_unfilled"],
                 up=opt(pol.promote_vice_to_principal or a["vice_promoted_to_principal"], "r8.up",
                        vices=_n(a["vice_promoted_to_principal"], "vice", lang)),
                 above_quota=a["schools_above_staff_quota"], freed=a["teacher_seats_freed"],
                 no_fit=a["teachers_without_subject_fit"],
                 locked=opt(a["teachers_locked_without_subject_fit"], "r8.locked",
                            n=a["teachers_locked_without_subject_fit"]))
    if rule == "R9":
        parts = []
        for label, key in (("backbone", "backbone_share"), ("bachelor", "bachelor_share"),
                           ("kindergarten", "kindergarten_associate_share")):
            ru, ur = a.get(f"{key}_rural"), a.get(f"{key}_urban")
            ok = ru is None or ur is None or ru >= ur
            parts.append(t("r9.part", label=t(f"r9.{label}"), rb=v(b.get(f"{key}_rural")), ra=v(ru),
                           ub=v(b.get(f"{key}_urban")), ua=v(ur), miss=opt(not ok, "r9.miss")))
        return t("sep").join(parts)
    if rule == "R10":
        return t("r10", before=v(b["degree_ratio_urban_rural"]), after=v(a["degree_ratio_urban_rural"]),
                 target=pol.degree_ratio_max)
    if rule == "R11":
        wrong = a.get("r11_exchanges_not_eligible_urban_to_rural", 0)
        return t("r11", moved=a["r11_exchanged"], eligible=a["r11_eligible"], target=a["r11_exchange_target"],
                 share=f"{pol.exchange_share:.0%}", ceiling=a["r11_exchange_ceiling"],
                 share_max=f"{pol.exchange_share_max:.0%}", backbone=a["r11_exchanged_backbone"],
                 bshare=_pct(a["r11_backbone_share"] or 0, lang), btarget=f"{pol.exchange_backbone_share:.0%}",
                 lock=opt(a["r11_exempt_by_lock"], "r11.lock", n=a["r11_exempt_by_lock"]),
                 wrong=opt(wrong, "r11.wrong", n=wrong))
    if rule == "R17":
        if not a.get("r17_schools_with_beds"):
            return t("r17.none")
        return t("r17", schools=a["r17_schools_with_beds"], arrivals=a["r17_arrivals_needing_beds"],
                 minutes=f"{pol.commute_minutes_max:g}", above=a["r17_schools_above_beds"])
    if rule == "R15":
        parts = []
        for label, key in (("backbone", "backbone_share"), ("bachelor", "bachelor_share"),
                           ("kindergarten", "kindergarten_associate_share")):
            floor = a.get(f"r15_{key}_floor")
            if floor is None:
                continue
            parts.append(t("r15.part", label=t(f"r9.{label}"), before=b.get(f"{key}_urban"),
                           after=a.get(f"{key}_urban"), floor=floor))
        return t("r15", drop=f"{pol.max_urban_share_drop:g}", parts=t("sep").join(parts) or t("na"),
                 below=a["r15_shares_below_floor"])
    if rule == "R14":
        n_lock = a["r14_exempt_by_lock"]
        return t("r14", uncovered=a["r14_placed_uncovered"], placed=a["r14_teachers_placed"],
                 p2=a["r14_period2_uncovered"], lock=opt(n_lock, "r14.lock", n=n_lock))
    if rule == "R16":
        return t("r16", ended=a["r16_postings_ended"], returned=a["r16_returned"], kept=a["r16_kept_by_host"],
                 not_returned=a["r16_not_returned"], continuing=a["r16_postings_continuing"],
                 cut=a["r16_postings_cut_short"], new=a["r16_new_postings"],
                 until=pol.plan_year + pol.exchange_years - 1, unwritten=a["r16_new_postings_unwritten"],
                 lock=opt(a["r16_exempt_by_lock"], "lock_exempted", n=a["r16_exempt_by_lock"]))
    if rule == "R12":
        schedule = (t("r12.2025") if pol.retirement_schedule == "2025"
                    else t("r12.fixed", male=pol.retirement_age_male, female=pol.retirement_age_female))
        return t("r12", n=a["retirements"], schedule=schedule, year=pol.plan_year)
    if rule == "R13":
        return t("r13", selected=a["backbone_training_selected"], rural=a["backbone_training_rural"],
                 target=pol.young_backbone_training_count)
    return ""


def figure_status(rule: str, kpis: dict, pol) -> str | None:
    """'met' / 'not_met' as the plan's figures decide it; None for a rule whose status only its stage knows
    (R2's reach, R7's proof of maximal coverage, R12)."""
    a = kpis["after"]
    met: bool | None = None
    if rule == "R1":
        met = a["r1_not_moved"] == 0
    elif rule == "R1x":
        most = a.get("r1x_most_possible")
        met = None if most is None else a["r1x_crossings"] >= most
    elif rule == "R3":
        met = a["young_rural_leader_share"] is None or a["young_rural_leader_share"] >= pol.young_rural_leader_share
    elif rule == "R4":
        met = a["townships_with_director"] >= a["townships"]
    elif rule == "R5":
        met = (a["r5_new_hires_bundled"] == a["r5_new_hires"]
               and a["r5_period1_moved_across"] == a["r5_period1_finishers"]
               and a["r5_period1_at_bundle"] + a["r5_period1_bundle_full"] == a["r5_period1_bundle_open"])
    elif rule == "R6":
        met = a["r6_moved_rural_to_urban"] == 0
    elif rule == "R8":
        met = (a["schools_above_leader_posts"] == 0 and a["schools_above_staff_quota"] == 0
               and a["teachers_without_subject_fit"] == 0)
    elif rule == "R9":
        met = all(a.get(f"{k}_rural") is None or a.get(f"{k}_urban") is None or a[f"{k}_rural"] >= a[f"{k}_urban"]
                  for k in ("backbone_share", "bachelor_share", "kindergarten_associate_share"))
    elif rule == "R10":
        met = a["degree_ratio_urban_rural"] is None or a["degree_ratio_urban_rural"] <= pol.degree_ratio_max + 1e-9
    elif rule == "R11":
        k = a["r11_exchanged"]
        met = (k >= a["r11_exchange_target"] and k <= a["r11_exchange_ceiling"]
               and a["r11_exchanges_not_eligible_urban_to_rural"] == 0
               and (k == 0 or a["r11_exchanged_backbone"] >= pol.exchange_backbone_share * k - 1e-9))
    elif rule == "R15":
        met = a["r15_shares_below_floor"] == 0
    elif rule == "R17":
        met = a.get("r17_schools_above_beds", 0) == 0
    elif rule == "R14":
        met = a["r14_placed_uncovered"] == 0 and a["r14_period2_uncovered"] == 0
    elif rule == "R13":
        met = a["backbone_training_selected"] >= pol.young_backbone_training_count
    elif rule == "R16":
        met = (a["r16_not_returned"] == 0 and a["r16_postings_cut_short"] == 0
               and a["r16_new_postings_unwritten"] == 0)
    return None if met is None else ("met" if met else "not_met")


register({
    "budget.within": ("Moves: {moves} of the current staff change school, within the yearly budget of {budget}"
                      "{share}; hard rules alone required {required} of them.",
                      "调动：现有教职工中{moves}人调动，未超出年度调动上限{budget}人{share}；"
                      "其中硬性规则要求的调动{required}人。"),
    "budget.over": ("Moves: {moves} of the current staff change school, {over} above the yearly budget of {budget}"
                    "{share}; hard rules alone required {required} of them{why}.",
                    "调动：现有教职工中{moves}人调动，超出年度调动上限{budget}人{share}{over}人；"
                    "其中硬性规则要求的调动{required}人{why}。"),
    "budget.share": (" ({share} of current staff)", "（现有教职工的{share}）"),
    "budget.why_hard": (", more than the budget: R1 rotations, R5 period-2 moves, R16 returns and locks need them",
                        "，已超过上限：R1轮岗、R5第二服务期、R16期满返回和锁定安排必须调动"),
    "budget.why_goals": (": the rest buy coverage, R9/R10 progress and R11 postings worth more than the budget's cost",
                         "：其余调动用于开足课时、推进R9/R10和R11交流，其价值高于超出上限的代价"),
})


def budget_text(kpis: dict, pol=None, lang: str = "en") -> str:
    """The yearly move budget in one sentence: within it, or above it and whether hard rules alone needed more
    (with the policy's max_moves_share where `pol` is given)."""
    a = kpis["after"]
    if "move_budget" not in a:
        return ""
    share = "" if pol is None else text("budget.share", lang, share=f"{pol.max_moves_share:.0%}")
    fields = dict(moves=a["moves_of_current_staff"], budget=a["move_budget"], share=share,
                  required=a["moves_required_by_rules"])
    if not a["moves_over_budget"]:
        return text("budget.within", lang, **fields)
    why = "budget.why_hard" if a["moves_required_by_rules"] > a["move_budget"] else "budget.why_goals"
    return text("budget.over", lang, over=a["moves_over_budget"], why=text(why, lang), **fields)


def compliance_row(rule: str, kpis: dict, pol, stage: tuple[str, str] | None,
                   lang: str = "en") -> tuple[str, str]:
    """(status, detail) of a rule: the figures' sentence (in `lang`) and status, with the stage's own facts (a
    relaxation, a time limit, who is concerned) after it. Not met when either the figures or the stage say so.
    The stage's note is written by the stage, in the plan's language (optimizer/reasons.py, note.*)."""
    figs = compliance_detail(rule, kpis, pol, lang)
    fstat = figure_status(rule, kpis, pol)
    sep = text("compliance.sep", lang)
    if stage is None:
        if fstat is None:
            return "not_met", (figs + sep if figs else "") + text("compliance.not_assessed", lang)
        return fstat, figs
    sstat, note = stage
    status = "not_met" if "not_met" in (sstat, fstat) else ("exempted" if sstat == "exempted" else "met")
    detail = sep.join(x for x in (figs, note) if x)
    return status, detail
