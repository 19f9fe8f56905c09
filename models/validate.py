"""Cross-table checks of a parsed scenario: every problem in one pass, each with file, row and column."""

from __future__ import annotations

import difflib

import pandas as pd

from .errors import Problem
from .schema import LEADER_ROLES, SUBJECT_ZH


def _row_list(rows) -> str:
    rows = [int(r) for r in rows]
    head = ", ".join(str(r) for r in rows[:5])
    return head + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def check_scenario(sc) -> list[Problem]:
    """All cross-table problems (errors and warnings) of a scenario whose tables parsed."""
    p: list[Problem] = []
    schools, staff, demand = sc.schools, sc.staff, sc.demand
    s_src, p_src, d_src = sc.source("schools"), sc.source("staff"), sc.source("demand")
    school_ids = set(schools["school_id"])

    def duplicates(df, cols, src, what):
        dup = df.duplicated(list(cols), keep="first")
        first = df.drop_duplicates(list(cols), keep="first")
        first_row = {tuple(k): r for r, k in zip(first.index, first[list(cols)].itertuples(index=False))}
        for row, key in zip(df.index[dup], df[list(cols)][dup].itertuples(index=False)):
            key = tuple(key)
            p.append(Problem(src, int(row), cols[-1] if len(cols) == 1 else "+".join(cols), "/".join(key),
                             f"duplicate {what}: already used at row {first_row[key]}; each must be unique"))

    duplicates(schools, ("school_id",), s_src, "school_id")
    duplicates(staff, ("person_id",), p_src, "person_id")
    duplicates(demand, ("school_id", "subject"), d_src, "demand line (school_id, subject)")

    def unknown(df, col, src, allow_empty=True):
        vals = df[col]
        bad = ~vals.isin(school_ids) & ((vals != "") if allow_empty else True)
        for row, v in vals[bad].items():
            p.append(Problem(src, int(row), col, v, "unknown school id: it must be a school_id of the schools table"))

    unknown(staff, "school_id", p_src)
    unknown(staff, "locked_school", p_src)
    if "bundle_school" in staff.columns:
        unknown(staff, "bundle_school", p_src)
    unknown(demand, "school_id", d_src, allow_empty=False)
    prefs = staff["preferences"]
    for row, v in prefs[prefs != ""].items():
        for sid in v.split(";"):
            if sid not in school_ids:
                p.append(Problem(p_src, int(row), "preferences", sid,
                                 "unknown school id in the ranked list; use school_id values separated by ';'"))

    # People: leaders need a school; teachers need a subject.
    lead = staff["role"].isin(LEADER_ROLES)
    for row in staff.index[lead & (staff["school_id"] == "")]:
        p.append(Problem(p_src, int(row), "school_id", None,
                         "a principal or vice-principal must have a current school (only new teachers are placed)"))
    for row in staff.index[(staff["role"] == "teacher") & (staff["subject"] == "")]:
        p.append(Problem(p_src, int(row), "subject", None, "a teacher needs a subject, e.g. math (数学)"))
    ages = sc.ages
    for row in staff.index[ages.notna() & ((ages < 16) | (ages > 100))]:
        p.append(Problem(p_src, int(row), "birth_date", staff.at[row, "birth_date"].date().isoformat(),
                         f"gives age {int(ages[row])} on 1 September {sc.policy.plan_year}; expected 16 to 100"))

    # Leader posts.
    posts = schools.set_index("school_id")
    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        holders = staff[(staff["role"] == role) & staff["school_id"].isin(school_ids)]
        for sid, grp in holders.groupby("school_id"):
            allowed = posts.at[sid, col]
            allowed = allowed.iloc[0] if isinstance(allowed, pd.Series) else allowed
            if len(grp) > allowed:
                extra = grp.index[int(allowed):]
                for row in extra:
                    p.append(Problem(p_src, int(row), "role", role,
                                     f"school {sid} has {len(grp)} {role} at rows {_row_list(grp.index)} but "
                                     f"{col} is {allowed}; raise {col} or change a role"))

    # Seat schools and directors (R4 needs a seat school in every township).
    seats = schools[schools["is_township_seat"]]
    for town, grp in schools.groupby("township", sort=False):
        if town not in set(seats["township"]):
            p.append(Problem(s_src, int(grp.index[0]), "is_township_seat", town,
                             f"township {town} has no seat school; mark its junior or central primary school "
                             "is_township_seat = true"))

    # Roads.
    if sc.roads is not None and not sc.roads.empty:
        r_src = sc.source("roads")
        node_ids = set() if sc.nodes is None else set(sc.nodes["node_id"])
        if sc.nodes is not None:
            duplicates(sc.nodes, ("node_id",), sc.source("nodes"), "node_id")
        known = school_ids | node_ids
        for col in ("from", "to"):
            vals = sc.roads[col]
            for row, v in vals[~vals.isin(known)].items():
                p.append(Problem(r_src, int(row), col, v,
                                 "unknown node: use a school_id or a node_id listed in nodes.csv"))
        comp = sc.travel.components()
        for town, grp in schools.groupby("township", sort=False):
            if len(grp) < 2:
                continue
            comps = grp["school_id"].map(lambda s: comp.get(s, f"alone:{s}"))
            main = comps.value_counts().index[0]
            for row, sid in grp["school_id"][comps != main].items():
                p.append(Problem(s_src, int(row), "school_id", sid,
                                 f"school is unreachable on the road graph from the rest of township {town}; "
                                 "add a road (roads.csv) connecting it"))

    # Warnings: do not stop the run.
    p += subject_warnings(staff, demand, p_src, d_src)
    p += terms_warning(sc, staff, p_src)
    layout = getattr(sc, "layouts", {}).get("staff")
    no_home = staff.index[staff["home_lat"].isna() | staff["home_lon"].isna()]
    if layout is not None and {"home_lat", "home_lon"} & set(layout.absent):
        no_home = no_home[:0]  # the file's warning already names the absent columns
    if len(no_home):
        p.append(Problem(p_src, int(no_home[0]), "home_lat/home_lon", None,
                         f"home coordinates missing for {len(no_home)} people (rows {_row_list(no_home)}); "
                         "their commute is not counted", severity="warning"))
    if demand.empty:
        p.append(Problem(d_src, None, None, None, "no lesson demand: coverage cannot be planned", severity="warning"))
    p += _r11_r14_checks(sc, staff, p_src, school_ids)
    return p


def terms_warning(sc, staff: pd.DataFrame, p_src: str) -> list[Problem]:
    """R1 counts completed terms: a person with fewer years at the school than terms_at_school x term_years
    has probably been given the term being served (R1 would call them due a term early)."""
    years = pd.to_numeric(staff["years_at_school"], errors="coerce").fillna(0)
    terms = pd.to_numeric(staff["terms_at_school"], errors="coerce").fillna(0)
    bad = staff.index[(terms > 0) & (years < terms * sc.policy.term_years)]
    if not len(bad):
        return []
    return [Problem(p_src, int(bad[0]), "terms_at_school", None,
                    f"{len(bad)} people (rows {_row_list(bad)}) have fewer years_at_school than terms_at_school x "
                    f"term_years ({sc.policy.term_years}); terms_at_school counts completed terms (R1), not the term "
                    "being served: check both columns", severity="warning")]


# R14: certificate ranks and the rank each school level needs (DOMAIN.md)
_CERT_RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
_LEVEL_NEED = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}


def _r11_r14_checks(sc, staff: pd.DataFrame, p_src: str, school_ids: set) -> list[Problem]:
    """Contract v2 checks of R11, R14 and R16 columns: R11's floor above its ceiling (a warning), new hires
    without a certificate and teachers whose certificate does not cover their current school (warnings), and
    home_school naming a school (an error)."""
    out: list[Problem] = []
    pol = sc.policy
    if pol.exchange_share > pol.exchange_share_max + 1e-12:
        out.append(Problem("policy", None, "exchange_share", pol.exchange_share,
                           f"the R11 floor exchange_share ({pol.exchange_share:g}) is above its ceiling "
                           f"exchange_share_max ({pol.exchange_share_max:g}): the floor cannot be met; set "
                           "exchange_share <= exchange_share_max", severity="warning"))
    if "home_school" in staff.columns:
        hs = staff["home_school"].fillna("")
        for row, v in hs[(hs != "") & ~hs.isin(school_ids)].items():
            out.append(Problem(p_src, int(row), "home_school", v,
                               "unknown school id: it must be a school_id of the schools table"))
    if "spouse_id" in staff.columns:  # couples: a spouse is another person of the staff table
        sp = staff["spouse_id"].fillna("").astype(str)
        ids = set(staff["person_id"])
        for row, v in sp[(sp != "") & ~sp.isin(ids)].items():
            out.append(Problem(p_src, int(row), "spouse_id", v, "unknown person id: it must be a person_id of the "
                               "staff table (leave it empty where the spouse does not work in the district)"))
        for row in sp.index[(sp != "") & (sp == staff["person_id"])]:
            out.append(Problem(p_src, int(row), "spouse_id", sp[row], "a person cannot be their own spouse"))
    if "certificate" not in staff.columns:
        return out
    layout = getattr(sc, "layouts", {}).get("staff")
    absent = layout is not None and "certificate" in set(layout.absent)
    cert = staff["certificate"].fillna("")
    no_cert = staff.index[(staff["school_id"] == "") & (staff["role"] == "teacher") & (cert == "")]
    if len(no_cert) and not absent:
        out.append(Problem(p_src, int(no_cert[0]), "certificate", None,
                           f"{len(no_cert)} new hires have no teacher certificate (rows {_row_list(no_cert)}); "
                           "R14 lets them go to any school level", severity="warning"))
    level = staff["school_id"].map(sc.schools.drop_duplicates("school_id").set_index("school_id")["level"])
    short = staff.index[(cert != "") & (cert.map(_CERT_RANK) < level.map(_LEVEL_NEED))]
    if len(short):
        out.append(Problem(p_src, int(short[0]), "certificate", cert[short[0]],
                           f"{len(short)} staff hold a certificate below the level of their current school (rows "
                           f"{_row_list(short)}); R14 keeps them from moving to another school of that level",
                           severity="warning"))
    return out


def closest_subject(value: str, known: list[str]) -> str | None:
    """The known subject code whose English or Chinese name is closest to `value` (a typo such as 体肓 -> pe)."""
    best, score = None, 0.0
    for code in known:
        for name in (code, SUBJECT_ZH.get(code, "")):
            if name:
                r = difflib.SequenceMatcher(None, value.lower(), name.lower()).ratio()
                if r > score:
                    best, score = code, r
    return best if score >= 0.5 else None


def _subject_name(code: str, like: str = "") -> str:
    """A subject in both languages, in the language of `like` (what the user typed) first."""
    if code not in SUBJECT_ZH:
        return code
    return f"{code} ({SUBJECT_ZH[code]})" if like.isascii() else f"{SUBJECT_ZH[code]} ({code})"


def subject_warnings(staff: pd.DataFrame, demand: pd.DataFrame, p_src: str, d_src: str) -> list[Problem]:
    """Teachers whose subject no school asks for get no lessons: name the rows and the likely subject."""
    out: list[Problem] = []
    taught = sorted(set(demand["subject"]) - {""})
    teachers = staff[(staff["role"] == "teacher") & (staff["subject"] != "")]
    for subj, grp in teachers[~teachers["subject"].isin(taught)].groupby("subject", sort=False):
        rows = list(grp.index)
        guess = closest_subject(subj, taught) or closest_subject(subj, list(SUBJECT_ZH))
        if subj in SUBJECT_ZH:
            what = f"{_subject_name(subj, subj)} is taught nowhere in {d_src}"
        else:
            what = f"'{subj}' is not a known subject and is taught nowhere in {d_src}"
        hint = f"; did you mean {_subject_name(guess, subj)}?" if guess and guess != subj else \
            f"; add its lessons to {d_src} or correct the subject"
        also = f" (rows {_row_list(rows)})" if len(rows) > 1 else ""
        out.append(Problem(p_src, int(rows[0]), "subject", subj,
                           f"{what}, so {len(rows)} teacher(s){also} would get no lessons{hint}", severity="warning"))
    teaching = set(staff["subject"])
    for subj, grp in demand[~demand["subject"].isin(list(SUBJECT_ZH)) & ~demand["subject"].isin(teaching)].groupby(
            "subject", sort=False):
        guess = closest_subject(subj, list(SUBJECT_ZH))
        hint = f"; did you mean {_subject_name(guess, subj)}?" if guess else ""
        also = f" (rows {_row_list(grp.index)})" if len(grp) > 1 else ""
        out.append(Problem(d_src, int(grp.index[0]), "subject", subj,
                           f"'{subj}' is not a known subject and no teacher teaches it{also}, so its lessons stay "
                           f"uncovered{hint}", severity="warning"))
    return out
