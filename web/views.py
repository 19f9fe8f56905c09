"""What the plan pages show, read from a job's plan folder through runs/source.py `open_plan` (the plan and
the scenario it records, verified) and the plan's own figures (kpis.json, compliance.csv: models/figures.py
computed them when the plan was made). Nothing here computes a figure again.

Opened plans are kept in a small cache, so the plan page and the people table are served warm.
"""

from __future__ import annotations

import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..models import Plan, Scenario
from ..models.figures import MEANING
from ..models.plan import RULE_IDS
from ..reports import words
from ..reports.explain import District
from ..runs.source import changed_people, open_plan

PAGE = 50


@dataclass
class OpenPlan:
    """A plan folder opened once: the plan, its scenario and the joins the pages need."""

    folder: Path
    plan: Plan
    scenario: Scenario
    lang: str
    _districts: dict = field(default_factory=dict)

    @cached_property
    def schools(self) -> pd.DataFrame:
        return self.scenario.schools.drop_duplicates("school_id").set_index("school_id", drop=False)

    @cached_property
    def people(self) -> pd.DataFrame:
        """One row per person, with the townships of both schools and search text, for the people table."""
        a = self.plan.assignments.drop_duplicates("person_id").reset_index(drop=True)
        town = self.schools["township"]
        return a.assign(from_township=a["from_school"].map(town).fillna(""),
                        to_township=a["to_school"].map(town).fillna(""),
                        _search=(a["person_id"] + " " + a["name"]).str.lower(),
                        _rules=";" + a["rules"].str.replace(r"[\s,，、]+", ";", regex=True) + ";")

    def district(self, lang: str) -> District:
        if lang not in self._districts:
            self._districts[lang] = District(self.scenario, self.plan, lang)
        return self._districts[lang]

    def school(self, sid: str, lang: str) -> str:
        return words.school(sid, self.schools, lang) if sid else ""

    def townships(self) -> list[str]:
        return sorted(self.schools["township"].dropna().unique())

    def school_options(self, lang: str) -> list[tuple[str, str]]:
        return [(sid, self.school(sid, lang)) for sid in self.schools.index]


class PlanCache:
    def __init__(self, size: int = 6):
        self.size = size
        self._plans: OrderedDict[str, OpenPlan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, folder: str | Path, lang: str = "en") -> OpenPlan:
        key = str(folder)
        with self._lock:
            if key in self._plans:
                self._plans.move_to_end(key)
                return self._plans[key]
        opened = open_plan(folder)
        op = OpenPlan(Path(folder), opened.plan, opened.scenario, lang)
        with self._lock:
            self._plans[key] = op
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return op


def kpi_rows(plan: Plan, lang: str) -> list[dict]:
    """kpis.json's figures with their rule and meaning (models/figures.py MEANING), in `lang`."""
    k = plan.kpis
    before, after, target = k.get("before", {}), k.get("after", {}), k.get("target", {})
    out = []
    for key in list(before) + [x for x in after if x not in before]:
        rule, en, zh = MEANING.get(key, ("", key, key))
        out.append({"key": key, "rule": rule, "label": zh if lang == "zh" else en, "before": before.get(key),
                    "after": after.get(key), "target": target.get(key)})
    return out


def compliance_rows(plan: Plan, lang: str) -> list[dict]:
    return [{"rule": r.rule, "status": r.status, "status_text": words.word("status", r.status, lang),
             "detail": r.detail} for r in plan.compliance.itertuples()]


@dataclass
class PeoplePage:
    rows: list[dict]
    total: int
    page: int
    pages: int


def people_page(op: OpenPlan, lang: str, q: str = "", township: str = "", school: str = "", move: str = "",
                rule: str = "", page: int = 1) -> PeoplePage:
    """The people table filtered on the server and cut into pages of PAGE rows."""
    p = op.people
    mask = pd.Series(True, index=p.index)
    if q.strip():
        mask &= p["_search"].str.contains(q.strip().lower(), regex=False)
    if township:
        mask &= (p["from_township"] == township) | (p["to_township"] == township)
    if school:
        mask &= (p["from_school"] == school) | (p["to_school"] == school)
    if move:
        mask &= p["move"] == move
    if rule:
        mask &= p["_rules"].str.contains(f";{rule};", regex=False)
    hits = p[mask]
    total = len(hits)
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    cut = hits.iloc[(page - 1) * PAGE: page * PAGE]
    rows = [{"person_id": r.person_id, "name": r.name, "role_before": words.word("role", r.role_before, lang),
             "role_after": words.word("role", r.role_after, lang), "from": op.school(r.from_school, lang),
             "to": op.school(r.to_school, lang), "move": words.word("move", r.move, lang), "rules": r.rules,
             "reason": r.reason} for r in cut.itertuples()]
    return PeoplePage(rows, total, page, pages)


def moves(plan: Plan) -> list[str]:
    return sorted(set(plan.assignments["move"]) - {""})


def rules() -> list[str]:
    return list(RULE_IDS)


def edited_copy(op: OpenPlan, folder: Path, person_id: str, to_school: str | None) -> Path:
    """A copy of the plan folder with one decision changed in assignments.csv, for `plan --lock`: the person
    goes to `to_school` in their planned role, or (None) stays where they are in the role they hold."""
    dst = folder / "plan"
    shutil.copytree(op.folder, dst)
    csv = dst / "assignments.csv"
    a = pd.read_csv(csv, dtype=str, keep_default_na=False)
    row = a["person_id"] == person_id
    if to_school is None:
        a.loc[row, "to_school"] = a.loc[row, "from_school"]
        a.loc[row, "role_after"] = a.loc[row, "role_before"]
    else:
        a.loc[row, "to_school"] = to_school
        a.loc[row & (a["role_after"] == "retired"), "role_after"] = a.loc[row, "role_before"]
    a.to_csv(csv, index=False, encoding="utf-8")
    return dst


def outcome(new: OpenPlan, base: OpenPlan, person_id: str, lang: str) -> dict | None:
    """The changed person's outcome before and after the re-plan, and the reason the re-plan gives."""
    rows = changes(new, base, lang, only=person_id)
    if rows:
        return rows[0]
    a = new.plan.assignments.drop_duplicates("person_id").set_index("person_id")
    if person_id not in a.index:
        return None
    now = f"{words.word('role', a.at[person_id, 'role_after'], lang)}, {new.school(a.at[person_id, 'to_school'], lang)}"
    return {"person_id": person_id, "name": a.at[person_id, "name"], "was": now, "now": now,
            "reason": a.at[person_id, "reason"]}


def changes(new: OpenPlan, base: OpenPlan, lang: str, but: str = "", only: str = "") -> list[dict]:
    """The people whose outcome differs between a re-plan and the plan it changed (runs/source.py)."""
    who = [p for p in changed_people(new.plan, base.plan) if p != but and (not only or p == only)]
    a = new.plan.assignments.drop_duplicates("person_id").set_index("person_id")
    b = base.plan.assignments.drop_duplicates("person_id").set_index("person_id")
    out = []
    for pid in who:
        if pid not in a.index:
            continue
        was = b.loc[pid] if pid in b.index else None
        out.append({"person_id": pid, "name": a.at[pid, "name"],
                    "was": "" if was is None else f"{words.word('role', was['role_after'], lang)}, "
                                                  f"{new.school(was['to_school'], lang)}",
                    "now": f"{words.word('role', a.at[pid, 'role_after'], lang)}, "
                           f"{new.school(a.at[pid, 'to_school'], lang)}",
                    "reason": a.at[pid, "reason"]})
    return out


def _text(v) -> str:
    """A cell as text: empty for a missing one, a whole year without its '.0'."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    s = str(v).strip()
    return s[:-2] if s.endswith(".0") and s[:-2].isdigit() else s


def person_facts(op: OpenPlan, person_id: str, lang: str) -> list[tuple[str, str]]:
    """Contract v2's facts of one person as the plan holds them (the words reports/explain.py says them in):
    the period-2 school named at hiring (R5), the posting's home school and last year (R16), a dormitory bed
    (R17: the facts of models/figures.py), the spouse's school after the plan. (label key, value) pairs."""
    from ..models.messages import text

    a = op.plan.assignments.drop_duplicates("person_id").set_index("person_id")
    if person_id not in a.index:
        return []
    r = a.loc[person_id]
    out: list[tuple[str, str]] = []
    p2 = _text(r.get("period2_school"))
    if p2:
        out.append(("web.person.fact.period2", op.school(p2, lang)))
    home, until = _text(r.get("home_school")), _text(r.get("posting_until"))
    if home:
        out.append(("web.person.fact.home", op.school(home, lang)))
    if until:
        out.append(("web.person.fact.until", until))
    d = op.district(lang)
    f = d.facts
    to = _text(r.get("to_school"))
    if "r17_far_arrival" in f.columns and person_id in f.index and bool(f.at[person_id, "r17_far_arrival"]):
        beds = op.schools.at[to, "dorm_beds"] if to in op.schools.index and "dorm_beds" in op.schools else None
        out.append(("web.person.fact.bed", text("web.person.fact.bed_at", lang, school=op.school(to, lang),
                                                beds=_text(beds) or "-")))
    st = op.scenario.staff.drop_duplicates("person_id").set_index("person_id")
    spouse = _text(st.at[person_id, "spouse_id"]) if "spouse_id" in st.columns and person_id in st.index else ""
    if spouse and spouse in a.index:
        other = _text(a.at[spouse, "to_school"])
        town = op.schools.at[other, "township"] if other in op.schools.index else ""
        mine = op.schools.at[to, "township"] if to in op.schools.index else ""
        out.append(("web.person.fact.spouse", text(
            "web.person.fact.spouse_at", lang, spouse=f"{a.at[spouse, 'name']} ({spouse})",
            school=op.school(other, lang), township=town,
            apart=text("web.person.fact.apart", lang) if town != mine else "")))
    return out


@dataclass
class Week:
    rows: list[dict]  # day, stop, school, lessons, minutes; kind: stop | back | day
    lessons: int
    days: int
    minutes: float


def itinerant_week(op: OpenPlan, person_id: str, lang: str) -> Week | None:
    """One teacher's itinerant week (R7) as a table: the plan's stops day by day, the way back to the home
    school, each day's lessons and travel minutes and the week's (models/figures.py, as `rotaplan routes`)."""
    import math

    it = op.plan.itinerant
    if it is None or not len(it):
        return None
    rows = it[it["person_id"].astype(str) == person_id]
    if not len(rows):
        return None
    rows = rows.assign(day=pd.to_numeric(rows["day"]).astype(int), seq=pd.to_numeric(rows["seq"]).astype(int),
                       lessons=pd.to_numeric(rows["lessons"]).astype(int),
                       travel_minutes=pd.to_numeric(rows["travel_minutes"]).astype(float)).sort_values(["day", "seq"])
    d = op.district(lang)
    home = str(d.facts.at[person_id, "to_school"])
    days = d.days.loc[person_id]
    week = d.week.loc[person_id]
    out: list[dict] = []
    for day, g in rows.groupby("day", sort=True):
        name = words.weekday(day, lang)
        for x in g.itertuples():
            out.append({"kind": "stop", "day": name, "stop": str(x.seq), "school": op.school(x.school_id, lang),
                        "lessons": str(x.lessons), "minutes": f"{x.travel_minutes:.1f}"})
        back = op.scenario.travel.minutes(g["school_id"].iloc[-1], home)
        out.append({"kind": "back", "day": name, "stop": "", "school": op.school(home, lang), "lessons": "",
                    "minutes": f"{back:.1f}" if math.isfinite(back) else "-"})
        out.append({"kind": "day", "day": name, "stop": "", "school": "", "lessons": str(int(days.at[day, "lessons"])),
                    "minutes": f"{float(days.at[day, 'travel_minutes']):.1f}"})
    return Week(out, int(rows["lessons"].sum()), int(rows["day"].nunique()), float(week["travel_minutes"]))
