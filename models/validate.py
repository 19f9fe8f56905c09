"""Cross-table checks of a parsed scenario: every problem in one pass, each with file, row and column."""

from __future__ import annotations

import difflib

import pandas as pd

from . import messages
from .errors import Problem
from .messages import Msg, Say, school_label
from .schema import LEADER_ROLES, SUBJECT_ZH, column_word

messages.register({
    "input.rows.more": ("{head} and {n} more", "{head}行等，另有{n}"),
    "input.duplicate": ("duplicate {what}: already used at row {first}; each must be unique",
                        "{what}重复：第{first}行已使用，每个值必须唯一"),
    "input.what.demand_line": ("demand line (school_id, subject)", "课时需求行（学校代码、学科）"),
    "input.unknown_school": ("unknown school id: it must be a school_id of the schools table",
                             "学校代码不存在：必须是学校表中的学校代码"),
    "input.unknown_preference": ("unknown school id in the ranked list; use school_id values separated by ';'",
                                 "志愿学校中有不存在的学校代码；请填写学校代码，以“;”分隔"),
    "input.leader_school": ("a principal or vice-principal must have a current school (only new teachers are placed)",
                            "校长或副校长必须填写现任学校（只有新教师由方案分配学校）"),
    "input.teacher_subject": ("a teacher needs a subject, e.g. math (数学)", "教师必须填写学科，例如数学（math）"),
    "input.age": ("gives age {age} on 1 September {year}; expected 16 to 100",
                  "按此日期，{year}年9月1日的年龄为{age}岁；应在16到100岁之间"),
    "input.role.principal": ("principal", "校长"),
    "input.role.vice_principal": ("vice_principal", "副校长"),
    "input.posts": ("school {school} has {n} {role} at rows {rows} but {col} is {allowed}; raise {col} or change "
                    "a role",
                    "学校{school}有{n}名{role}（第{rows}行），但{col}为{allowed}；请调高{col}或更改某人的职务"),
    "input.no_seat": ("township {town} has no seat school; mark its junior or central primary school "
                      "is_township_seat = true",
                      "乡镇{town}没有驻地学校；请将其初中或中心小学的“是否驻地学校”标为“是”"),
    "input.unknown_node": ("unknown node: use a school_id or a node_id listed in nodes.csv",
                           "节点不存在：请填写学校代码或nodes.csv中列出的节点代码"),
    "input.unreachable": ("school is unreachable on the road graph from the rest of township {town}; "
                          "add a road (roads.csv) connecting it",
                          "在道路图上无法从乡镇{town}的其他学校到达此学校；请在roads.csv中添加与其相连的道路"),
    "input.no_home": ("home coordinates missing for {n} people (rows {rows}); their commute is not counted",
                      "{n}人缺少住址坐标（第{rows}行），不计算其通勤"),
    "input.no_demand": ("no lesson demand: coverage cannot be planned", "没有课时需求：无法安排学科覆盖"),
    "input.terms": ("{n} people (rows {rows}) have fewer years_at_school than terms_at_school x term_years "
                    "({term_years}); terms_at_school counts completed terms (R1), not the term being served: "
                    "check both columns",
                    "{n}人（第{rows}行）的本校连续任职年限少于本校连续任期数×每任期年限（{term_years}年）；"
                    "本校连续任期数只计已完成的任期（R1），不含正在履行的任期：请核对这两列"),
    "input.exchange_share": ("the R11 floor exchange_share ({floor}) is above its ceiling exchange_share_max "
                             "({ceiling}): the floor cannot be met; set exchange_share <= exchange_share_max",
                             "R11的下限exchange_share（{floor}）高于上限exchange_share_max（{ceiling}），下限无法达到；"
                             "请使exchange_share不大于exchange_share_max"),
    "input.unknown_spouse": ("unknown person id: it must be a person_id of the staff table (leave it empty where "
                             "the spouse does not work in the district)",
                             "人员编号不存在：必须是教职工表中的人员编号（配偶不在本县工作的请留空）"),
    "input.own_spouse": ("a person cannot be their own spouse", "配偶不能是本人"),
    "input.no_certificate": ("{n} new hires have no teacher certificate (rows {rows}); R14 lets them go to any "
                             "school level",
                             "{n}名新教师没有教师资格证（第{rows}行）；R14允许将其安排到任何学段"),
    "input.low_certificate": ("{n} staff hold a certificate below the level of their current school (rows {rows}); "
                              "R14 keeps them from moving to another school of that level",
                              "{n}名教职工的教师资格证低于现任学校的学段（第{rows}行）；R14不允许其调往该学段的其他学校"),
    "input.subject.known": ("{subject} is taught nowhere in {demand}", "{demand}中没有学校开设{subject}"),
    "input.subject.unknown": ("'{subject}' is not a known subject and is taught nowhere in {demand}",
                              "“{subject}”不是已知学科，{demand}中也没有学校开设"),
    "input.subject.guess": ("; did you mean {guess}?", "；是否应为{guess}？"),
    "input.subject.add": ("; add its lessons to {demand} or correct the subject",
                          "；请在{demand}中添加该学科的课时，或更正学科"),
    "input.subject.also": (" (rows {rows})", "（第{rows}行）"),
    "input.subject.no_lessons": ("{what}, so {n} teacher(s){also} would get no lessons{hint}",
                                 "{what}，因此{n}名教师{also}将没有课可上{hint}"),
    "input.subject.uncovered": ("'{subject}' is not a known subject and no teacher teaches it{also}, so its lessons "
                                "stay uncovered{hint}",
                                "“{subject}”不是已知学科，也没有教师任教{also}，其课时将无人承担{hint}"),
})


def _row_list(rows) -> Say:
    rows = [int(r) for r in rows]
    head = ", ".join(str(r) for r in rows[:5])
    if len(rows) <= 5:
        return Say(head, "、".join(str(r) for r in rows))
    n = len(rows) - 5
    return Say(messages.text("input.rows.more", "en", head=head, n=n),
               messages.text("input.rows.more", "zh", head="、".join(str(r) for r in rows[:5]), n=n))


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
            p.append(Problem.of(src, int(row), cols[-1] if len(cols) == 1 else "+".join(cols), "/".join(key),
                                "input.duplicate", what=what, first=first_row[key]))

    duplicates(schools, ("school_id",), s_src, column_word("school_id", "schools"))
    duplicates(staff, ("person_id",), p_src, column_word("person_id", "staff"))
    duplicates(demand, ("school_id", "subject"), d_src, Msg.of("input.what.demand_line"))

    def unknown(df, col, src, allow_empty=True):
        vals = df[col]
        bad = ~vals.isin(school_ids) & ((vals != "") if allow_empty else True)
        for row, v in vals[bad].items():
            p.append(Problem.of(src, int(row), col, v, "input.unknown_school"))

    unknown(staff, "school_id", p_src)
    unknown(staff, "locked_school", p_src)
    if "bundle_school" in staff.columns:
        unknown(staff, "bundle_school", p_src)
    unknown(demand, "school_id", d_src, allow_empty=False)
    prefs = staff["preferences"]
    for row, v in prefs[prefs != ""].items():
        for sid in v.split(";"):
            if sid not in school_ids:
                p.append(Problem.of(p_src, int(row), "preferences", sid, "input.unknown_preference"))

    # People: leaders need a school; teachers need a subject.
    lead = staff["role"].isin(LEADER_ROLES)
    for row in staff.index[lead & (staff["school_id"] == "")]:
        p.append(Problem.of(p_src, int(row), "school_id", None, "input.leader_school"))
    for row in staff.index[(staff["role"] == "teacher") & (staff["subject"] == "")]:
        p.append(Problem.of(p_src, int(row), "subject", None, "input.teacher_subject"))
    ages = sc.ages
    for row in staff.index[ages.notna() & ((ages < 16) | (ages > 100))]:
        p.append(Problem.of(p_src, int(row), "birth_date", staff.at[row, "birth_date"].date().isoformat(),
                            "input.age", age=int(ages[row]), year=sc.policy.plan_year))

    # Leader posts.
    posts = schools.set_index("school_id")
    school_names = dict(zip(schools["school_id"], schools["name"]))

    def school_say(sid: str) -> Say:  # the code, as before, in English; "名称（代码）" in Chinese
        return Say(str(sid), school_label(str(school_names.get(sid, "")), str(sid), "zh"))

    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        holders = staff[(staff["role"] == role) & staff["school_id"].isin(school_ids)]
        for sid, grp in holders.groupby("school_id"):
            allowed = posts.at[sid, col]
            allowed = allowed.iloc[0] if isinstance(allowed, pd.Series) else allowed
            if len(grp) > allowed:
                extra = grp.index[int(allowed):]
                for row in extra:
                    p.append(Problem.of(p_src, int(row), "role", role, "input.posts", school=school_say(sid),
                                        n=len(grp),
                                        role=Msg.of(f"input.role.{role}"), rows=_row_list(grp.index),
                                        col=column_word(col, "schools"), allowed=allowed))

    # Seat schools and directors (R4 needs a seat school in every township).
    seats = schools[schools["is_township_seat"]]
    for town, grp in schools.groupby("township", sort=False):
        if town not in set(seats["township"]):
            p.append(Problem.of(s_src, int(grp.index[0]), "is_township_seat", town, "input.no_seat", town=town))

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
                p.append(Problem.of(r_src, int(row), col, v, "input.unknown_node"))
        comp = sc.travel.components()
        for town, grp in schools.groupby("township", sort=False):
            if len(grp) < 2:
                continue
            comps = grp["school_id"].map(lambda s: comp.get(s, f"alone:{s}"))
            main = comps.value_counts().index[0]
            for row, sid in grp["school_id"][comps != main].items():
                p.append(Problem.of(s_src, int(row), "school_id", sid, "input.unreachable", town=town))

    # Warnings: do not stop the run.
    p += subject_warnings(staff, demand, p_src, d_src)
    p += terms_warning(sc, staff, p_src)
    layout = getattr(sc, "layouts", {}).get("staff")
    no_home = staff.index[staff["home_lat"].isna() | staff["home_lon"].isna()]
    if layout is not None and {"home_lat", "home_lon"} & set(layout.absent):
        no_home = no_home[:0]  # the file's warning already names the absent columns
    if len(no_home):
        p.append(Problem.of(p_src, int(no_home[0]), "home_lat/home_lon", None, "input.no_home", severity="warning",
                            n=len(no_home), rows=_row_list(no_home)))
    if demand.empty:
        p.append(Problem.of(d_src, None, None, None, "input.no_demand", severity="warning"))
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
    return [Problem.of(p_src, int(bad[0]), "terms_at_school", None, "input.terms", severity="warning",
                       n=len(bad), rows=_row_list(bad), term_years=sc.policy.term_years)]


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
        out.append(Problem.of("policy", None, "exchange_share", pol.exchange_share, "input.exchange_share",
                              severity="warning", floor=f"{pol.exchange_share:g}",
                              ceiling=f"{pol.exchange_share_max:g}"))
    if "home_school" in staff.columns:
        hs = staff["home_school"].fillna("")
        for row, v in hs[(hs != "") & ~hs.isin(school_ids)].items():
            out.append(Problem.of(p_src, int(row), "home_school", v, "input.unknown_school"))
    if "spouse_id" in staff.columns:  # couples: a spouse is another person of the staff table
        sp = staff["spouse_id"].fillna("").astype(str)
        ids = set(staff["person_id"])
        for row, v in sp[(sp != "") & ~sp.isin(ids)].items():
            out.append(Problem.of(p_src, int(row), "spouse_id", v, "input.unknown_spouse"))
        for row in sp.index[(sp != "") & (sp == staff["person_id"])]:
            out.append(Problem.of(p_src, int(row), "spouse_id", sp[row], "input.own_spouse"))
    if "certificate" not in staff.columns:
        return out
    layout = getattr(sc, "layouts", {}).get("staff")
    absent = layout is not None and "certificate" in set(layout.absent)
    cert = staff["certificate"].fillna("")
    no_cert = staff.index[(staff["school_id"] == "") & (staff["role"] == "teacher") & (cert == "")]
    if len(no_cert) and not absent:
        out.append(Problem.of(p_src, int(no_cert[0]), "certificate", None, "input.no_certificate",
                              severity="warning", n=len(no_cert), rows=_row_list(no_cert)))
    level = staff["school_id"].map(sc.schools.drop_duplicates("school_id").set_index("school_id")["level"])
    short = staff.index[(cert != "") & (cert.map(_CERT_RANK) < level.map(_LEVEL_NEED))]
    if len(short):
        out.append(Problem.of(p_src, int(short[0]), "certificate", cert[short[0]], "input.low_certificate",
                              severity="warning", n=len(short), rows=_row_list(short)))
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


def _subject_name(code: str, like: str = "") -> Say:
    """A subject in both languages, in the language of `like` (what the user typed) first."""
    if code not in SUBJECT_ZH:
        return Say(code, code)
    en = f"{code} ({SUBJECT_ZH[code]})" if like.isascii() else f"{SUBJECT_ZH[code]} ({code})"
    return Say(en, f"{SUBJECT_ZH[code]}（{code}）")


def subject_warnings(staff: pd.DataFrame, demand: pd.DataFrame, p_src: str, d_src: str) -> list[Problem]:
    """Teachers whose subject no school asks for get no lessons: name the rows and the likely subject."""
    out: list[Problem] = []
    taught = sorted(set(demand["subject"]) - {""})
    teachers = staff[(staff["role"] == "teacher") & (staff["subject"] != "")]
    for subj, grp in teachers[~teachers["subject"].isin(taught)].groupby("subject", sort=False):
        rows = list(grp.index)
        guess = closest_subject(subj, taught) or closest_subject(subj, list(SUBJECT_ZH))
        if subj in SUBJECT_ZH:
            what = Msg.of("input.subject.known", subject=_subject_name(subj, subj), demand=d_src)
        else:
            what = Msg.of("input.subject.unknown", subject=subj, demand=d_src)
        hint = Msg.of("input.subject.guess", guess=_subject_name(guess, subj)) if guess and guess != subj else \
            Msg.of("input.subject.add", demand=d_src)
        also: object = Msg.of("input.subject.also", rows=_row_list(rows)) if len(rows) > 1 else ""
        out.append(Problem.of(p_src, int(rows[0]), "subject", subj, "input.subject.no_lessons", severity="warning",
                              what=what, n=len(rows), also=also, hint=hint))
    teaching = set(staff["subject"])
    for subj, grp in demand[~demand["subject"].isin(list(SUBJECT_ZH)) & ~demand["subject"].isin(teaching)].groupby(
            "subject", sort=False):
        guess = closest_subject(subj, list(SUBJECT_ZH))
        hint2: object = Msg.of("input.subject.guess", guess=_subject_name(guess, subj)) if guess else ""
        also2: object = Msg.of("input.subject.also", rows=_row_list(grp.index)) if len(grp) > 1 else ""
        out.append(Problem.of(d_src, int(grp.index[0]), "subject", subj, "input.subject.uncovered",
                              severity="warning", subject=subj, also=also2, hint=hint2))
    return out
