"""`rotaplan explain PERSON [PLAN]`: why this person goes where they go, in plain sentences.

Computed from the scenario, the plan and the policy only (no solver): the rule ids and the plan's own
reason, the data used about the person, the rules that applied to them (R1, R1x, R2, R3, R4 for leaders;
R5, R6, R7, R8, R11 for teachers; R12 for everyone), their priority points (weights.points_*), and for
every school they ranked higher than where they go, what blocked it: a hard rule, a full staff quota
(and who filled it), or someone with more priority points who got it (named). Works on any plan,
the optimizer's or one edited by hand.

No rule arithmetic here: who is due, eligible, exempted by a lock, what a week's travel is, what the
district's figures are — all of it comes from models/figures.py, computed from the plan's rows, so an
explanation says what compliance.csv, kpis.json and report.html say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..models.errors import Problem, ScenarioError
from ..models import figures as F
from ..models.priority import priority_points
from ..models.schema import BACKBONE_RANK, LEADER_ROLES

ROLE_WORDS = {"principal": "principal", "vice_principal": "vice-principal", "teacher": "teacher",
              "retired": "retired"}
MAX_NAMES = 5  # people named in one sentence; the rest are counted


@dataclass
class Explanation:
    person_id: str
    kind: str  # leader, reserve leader, new hire, teacher, retiree
    headline: str
    paragraphs: list[str] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)  # policy parameters and weights that mattered

    def text(self) -> str:
        out = [self.headline, ""] + [p for p in self.paragraphs if p]
        if self.parameters:
            out += ["", "Parameters and weights that mattered: "
                    + ", ".join(f"{k} = {_num(v)}" for k, v in self.parameters.items()) + "."]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()


def _num(v) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _names(people: list[str]) -> str:
    if len(people) > MAX_NAMES:
        people = people[:MAX_NAMES] + [f"{len(people) - MAX_NAMES} more"]
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class District:
    """The scenario and the plan joined once; explanations of many people reuse it."""

    def __init__(self, sc, plan):
        self.sc = sc
        self.plan = plan
        self.pol = sc.policy
        self.w = sc.policy.weights
        self.st = sc.staff.set_index("person_id", drop=False)
        self.age = pd.Series(sc.ages.to_numpy(), index=sc.staff["person_id"].to_numpy())
        a = plan.assignments.drop_duplicates("person_id", keep="first").set_index("person_id", drop=False)
        self.a = a
        self.sch = sc.schools.set_index("school_id", drop=False)
        self.subject = self.st["subject"]

    # ---- facts (models/figures.py) -----------------------------------------------------------
    @cached_property
    def facts(self) -> pd.DataFrame:
        """Each person's outcome and each rule's facts about them (models/figures.py: people)."""
        return F.people(self.sc, self.plan.assignments)

    @cached_property
    def figures(self) -> dict:
        """The plan's figures (kpis.json's before / after / target), computed from its rows."""
        return F.plan_figures(self.sc, self.plan.assignments, self.plan.itinerant)

    @cached_property
    def envy(self) -> pd.DataFrame:
        return F.envy_pairs(self.sc, self.facts)

    @cached_property
    def days(self) -> pd.DataFrame:
        """Itinerant teachers' days: lessons, stops, travel minutes with the way back."""
        return F.itinerant_days(self.sc, self.facts["to_school"], self.plan.itinerant)

    @cached_property
    def week(self) -> pd.DataFrame:
        return F.itinerant_week(self.sc, self.facts["to_school"], self.plan.itinerant)

    @cached_property
    def points(self) -> pd.Series:
        """Priority points of every person (the office's bareme, weights.points_*: models/priority.py)."""
        return priority_points(self.sc).round(2)

    @cached_property
    def demand(self) -> pd.Series:
        return self.sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()

    @cached_property
    def school_facts(self) -> F.SchoolFacts:
        return F.SchoolFacts(self.sc)

    @cached_property
    def teachers_after(self) -> pd.DataFrame:
        f = self.facts
        t = f[f["teacher_after"]]
        return t.assign(person_id=t.index)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        return F.coverage(self.sc, self.facts, self.plan.itinerant)

    @cached_property
    def covered_before(self) -> pd.Series:
        return F.covered_before(self.sc)

    def fact(self, pid: str, name: str):
        return self.facts.at[pid, name] if pid in self.facts.index else False

    def label(self, sid: str, area: bool = False) -> str:
        if not sid:
            return "no school"
        if sid not in self.sch.index:
            return f"{sid} (not a school of the scenario)"
        s = self.sch.loc[sid]
        return f"{s['name']} ({sid}, {s['area']}, {s['township']})" if area else f"{s['name']} ({sid})"

    def area(self, sid: str) -> str:
        return str(self.sch.at[sid, "area"]) if sid in self.sch.index else ""

    def who(self, pid: str, points: bool = False) -> str:
        name = self.a.at[pid, "name"] if pid in self.a.index else self.st.at[pid, "name"]
        return f"{name} ({pid}, {self.points.get(pid, 0):g} points)" if points else f"{name} ({pid})"

    def demand_of(self, sid: str, subject: str) -> int:
        return int(self.demand.get((sid, subject), 0))

    def fit(self, sid: str, subject: str) -> str | None:
        """Why a teacher of `subject` cannot teach at school `sid` (R8 subject / level fit), or None."""
        return F.subject_fit(self.sc, subject, sid, self.school_facts)

    def before_gap(self, sid: str, subject: str) -> tuple[int, int]:
        """(demand, lessons its current teachers could cover) of a subject at a school before the plan."""
        return self.demand_of(sid, subject), int(self.covered_before.get((sid, subject), 0))

    def leader_holders(self, sid: str, role: str, but: str) -> pd.DataFrame:
        a = self.a
        return a[(a["to_school"] == sid) & (a["role_after"] == role) & (a["person_id"] != but)]

    def posts(self, sid: str, role: str) -> int:
        col = "principal_posts" if role == "principal" else "vice_principal_posts"
        v = pd.to_numeric(self.sch.at[sid, col], errors="coerce")
        return 0 if pd.isna(v) else int(v)

    def due(self, pid: str) -> bool:
        """R1: served rotation_terms or more terms at one school (exempt or locked ones included)."""
        return bool(self.fact(pid, "r1_due"))


def explain(sc, plan, person_id: str, district: District | None = None) -> Explanation:
    """Explain one person's decision. Raises ScenarioError if the person is not in the plan."""
    d = district or District(sc, plan)
    if person_id not in d.a.index or person_id not in d.st.index:
        raise ScenarioError([Problem(plan.source, None, "person_id", person_id, "no such person in this plan")])
    return _Explainer(d, person_id).run()


class _Explainer:
    def __init__(self, d: District, pid: str):
        self.d, self.pid = d, pid
        self.s = d.st.loc[pid]
        self.r = d.a.loc[pid]
        self.params: dict = {}
        self.frm, self.to = str(self.r["from_school"]), str(self.r["to_school"])
        self.role_before, self.role_after = str(self.r["role_before"]), str(self.r["role_after"])
        self.move = str(self.r["move"])
        self.subject = str(self.s["subject"])
        age = d.age.get(pid)
        self.age = None if age is None or pd.isna(age) else int(age)

    def use(self, **kw) -> None:
        self.params.update(kw)

    # ---- the whole explanation ---------------------------------------------------------------
    def run(self) -> Explanation:
        pol = self.d.pol
        leader = self.role_before in LEADER_ROLES or self.role_after in LEADER_ROLES
        kind = ("retiree" if self.move == "retire" else "leader" if self.role_before in LEADER_ROLES
                else "reserve leader" if leader else "new hire" if not self.frm else "teacher")
        paras = [self.rules_sentence(), self.data_sentence()]
        if self.move == "retire" or self.role_after == "retired":
            paras.append(self.r12())
        elif self.role_before in LEADER_ROLES:
            paras += [self.r1(), self.r1x(), self.r3(), self.r4()]
        elif self.role_after in LEADER_ROLES:
            paras += [self.r2(), self.r3(), self.r4()]
        else:
            if bool(self.s.get("reserve_leader", False)):
                paras.append(self.r2_not_promoted())
            paras += [self.r5(), self.r6(), self.r11(), self.r8_fit(), self.r7()]
        if self.move == "stay" and self.to == self.frm and self.role_after != "retired":
            paras.append(self.why_stay())
        paras.append(self.preferences())
        headline = self.headline()
        self.use(plan_year=pol.plan_year)
        return Explanation(self.pid, kind, headline, [p for p in paras if p], self.params)

    def headline(self) -> str:
        d = self.d
        name = f"{self.r['name'] or self.s['name']} ({self.pid})"
        subj = f" of {self.subject}" if self.subject and self.role_before == "teacher" else ""
        now = (f"{ROLE_WORDS.get(self.role_before, self.role_before)}{subj} at {d.label(self.frm, area=True)}"
               if self.frm else f"a new {self.subject + ' ' if self.subject else ''}teacher to place")
        when = f"from 1 September {d.pol.plan_year}"
        role = ROLE_WORDS.get(self.role_after, self.role_after)
        to = d.label(self.to, area=True)
        outcome = {
            "stay": f"stays at {to} as {role}",
            "rotate": f"rotates to {to} as {role}",
            "promote": f"is promoted to {role} at {to}",
            "exchange": f"is exchanged to {to}",
            "place_new": f"is placed at {to} for contract period 1"
                         + (f", bundled with {d.label(str(self.r['period2_school']), area=True)} for period 2"
                            if self.r["period2_school"] else ""),
            "bundle_second": f"moves to {to} for contract period 2",
            "transfer": f"transfers to {to} as {role}",
            "retire": "retires",
        }.get(self.move, f"{self.move}: {to} as {role}")
        if self.move == "stay" and self.role_after != self.role_before:
            outcome = f"stays at {to}, now as {role}"
        return f"{name}, {now}: {when} {outcome}."

    def rules_sentence(self) -> str:
        rules = [x for x in str(self.r["rules"]).split(";") if x]
        reason = str(self.r["reason"]).strip()
        head = (f"Rules behind this decision: {', '.join(rules)}." if rules
                else "No rule id is recorded for this decision.")
        return head + (f" The plan's reason: \"{reason}\"" if reason else "")

    def data_sentence(self) -> str:
        s, d, pol = self.s, self.d, self.d.pol
        facts = []
        if self.age is not None:
            facts.append(f"age {self.age} on 1 September {pol.plan_year} ({'man' if s['gender'] == 'M' else 'woman'})")
        if self.role_before in LEADER_ROLES:
            facts.append(f"{_plural(int(s['terms_at_school'] or 0), 'consecutive term')} and "
                         f"{_plural(int(s['years_at_school'] or 0), 'year')} at {d.label(self.frm)}")
        elif self.frm:
            facts.append(f"{_plural(int(s['years_at_school'] or 0), 'year')} at {d.label(self.frm)}")
            if int(s["contract_period"] or 0):
                facts.append(f"contract period {int(s['contract_period'])}, "
                             f"{int(s['period_years'] or 0)} year(s) served")
        if self.subject:
            facts.append(f"subject {self.subject}")
        facts.append(f"degree {s['degree']}")
        facts.append(f"backbone level {s['backbone']}")
        facts.append(f"{float(s['rural_service_years'] or 0):g} rural service years")
        if bool(s["public_funded"]):
            facts.append("public-funded teacher (公费师范生)")
        if bool(s["reserve_leader"]):
            facts.append("reserve leader (后备干部)")
        if self.role_before == "teacher" and not bool(s["itinerant_ok"]):
            facts.append("not available for itinerant teaching")
        if s["exempt_reason"]:
            facts.append(f"exempt from mandatory moves: {s['exempt_reason']}")
        if s["locked_school"]:
            facts.append(f"locked by the office to {d.label(s['locked_school'])}")
        if s["preferences"]:
            facts.append("ranked schools " + ", ".join(d.label(x) for x in self._prefs()))
        return "Data used about them: " + "; ".join(facts) + "."

    def _prefs(self) -> list[str]:
        return list(dict.fromkeys(x.strip() for x in str(self.s["preferences"]).split(";") if x.strip()))

    # ---- R12 ---------------------------------------------------------------------------------
    def r12(self) -> str:
        d, pol = self.d, self.d.pol
        male = self.s["gender"] == "M"
        self.use(retirement_schedule=pol.retirement_schedule)
        if pol.retirement_schedule == "fixed":
            limit = F.retirement_age(d.sc, self.s["gender"])
            self.use(**{"retirement_age_male" if male else "retirement_age_female": limit})
        date = pd.Timestamp(d.fact(self.pid, "r12_date"))
        when = "unknown" if pd.isna(date) else date.date().isoformat()
        if d.fact(self.pid, "r12_due"):
            return (f"R12: aged {self.age} on 1 September {pol.plan_year}; the statutory retirement date for "
                    f"{'men' if male else 'women'} ({pol.retirement_schedule} schedule) is {when}, on or before "
                    "1 September: they retire and their post becomes a vacancy.")
        return (f"R12: aged {self.age}; the statutory retirement date ({pol.retirement_schedule} schedule) is "
                f"{when}, after 1 September {pol.plan_year}: retiring them breaks R12 (a hard rule).")

    # ---- leaders -----------------------------------------------------------------------------
    def r1(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        terms = int(s["terms_at_school"] or 0)
        self.use(rotation_terms=pol.rotation_terms, term_years=pol.term_years)
        if s["exempt_reason"]:
            return (f"R1: {_plural(terms, 'consecutive term')} at {d.label(self.frm)}, but exempt from R1, R1x and "
                    f"R11 ({s['exempt_reason']}), so no move is required.")
        if s["locked_school"]:
            return (f"R1: the office locked them to {d.label(s['locked_school'])}; a lock wins over R1, R1x, R5, R6 "
                    "and R11, so the plan places them there.")
        if d.due(self.pid):
            head = (f"R1: {_plural(terms, 'consecutive term')} at {d.label(self.frm)}, and rotation_terms is "
                    f"{pol.rotation_terms} (terms of {pol.term_years} years), so they are due to rotate to another "
                    "school, keeping a leader role.")
            if self.to == self.frm:
                return head + " They stay although due: this plan breaks R1, a hard rule."
            if self.role_after not in LEADER_ROLES:
                return head + f" They leave leadership ({ROLE_WORDS.get(self.role_after)}): this breaks R1."
            return head + f" They rotate to {d.label(self.to)} as {ROLE_WORDS[self.role_after]}."
        head = (f"R1: {_plural(terms, 'term')} at {d.label(self.frm)}, fewer than rotation_terms = "
                f"{pol.rotation_terms}, so R1 does not require a move.")
        if self.to != self.frm:
            head += " They move all the same to fill a post (the plan's reason says why)."
        return head

    def r1x(self) -> str:
        d = self.d
        if not d.fact(self.pid, "r1_bound") or self.to == self.frm:
            return ""
        self.use(**{"weights.r1x_crossing": d.w.r1x_crossing})
        fa, ta = d.area(self.frm), d.area(self.to)
        if fa != ta:
            return (f"R1x: {fa} → {ta}: the move crosses the urban–rural line, as R1x asks of due leaders "
                    f"(weights.r1x_crossing = {d.w.r1x_crossing:g} per crossing).")
        other = "rural" if fa == "urban" else "urban"
        roles = [self.role_before]
        if self.role_before == "principal" and d.pol.allow_principal_to_vice:
            roles.append("vice_principal")
        across = d.sch[d.sch["area"] == other]["school_id"]
        total, stay, movers, vacant = 0, [], [], []
        for sid in across:
            for role in roles:
                n = d.posts(sid, role)
                if not n:
                    continue
                total += n
                h = d.leader_holders(sid, role, self.pid)
                stay += [d.who(p) for p in h[h["from_school"] == sid]["person_id"]]
                movers += [f"{d.who(p)} from {d.label(f)}" for p, f in
                           zip(h[h["from_school"] != sid]["person_id"], h[h["from_school"] != sid]["from_school"])]
                if len(h) < n:
                    vacant.append(d.label(sid))
        words = " or ".join(ROLE_WORDS[r] for r in roles)
        txt = (f"R1x: they stay within the {fa} area. Of the {_plural(total, words + ' post')} at {other} schools, "
               f"{len(stay)} {'is' if len(stay) == 1 else 'are'} held by leaders who stay there")
        if movers:
            txt += f" and {len(movers)} went to other movers ({_names(movers)})"
        if vacant:
            return txt + (f"; {_plural(len(vacant), 'post')} across the line stayed vacant ({_names(vacant)}), so "
                          "no rule blocked a crossing: the plan weighed it against its other goals.")
        return txt + ": no post across the line was left for them."

    def r2(self) -> str:
        d, pol = self.d, self.d.pol
        self.use(**{"weights.r2_urban_reserve": d.w.r2_urban_reserve,
                    "promote_rural_reserve": pol.promote_rural_reserve})
        role = self.role_after
        a = d.a
        left = a[(a["from_school"] == self.to) & (a["role_before"] == role) & (a["person_id"] != self.pid)
                 & ((a["to_school"] != self.to) | (a["role_after"] != role))]
        why = []
        for p, mv, to in zip(left["person_id"], left["move"], left["to_school"]):
            why.append(f"{d.who(p)} retires (R12)" if mv == "retire" else f"{d.who(p)} moves to {d.label(to)}")
        freed = (f"the {ROLE_WORDS[role]} post at {d.label(self.to, area=True)} was open because "
                 + _names(why) if why else f"{d.label(self.to, area=True)} had an open {ROLE_WORDS[role]} post")
        fa, ta = d.area(self.frm), d.area(self.to)
        if fa == "urban" and ta == "rural":
            rule = ("R2 gives vacant rural leader posts to reserve leaders from urban schools first "
                    f"(weights.r2_urban_reserve = {d.w.r2_urban_reserve:g} per post)")
        elif ta == "rural":
            rule = ("rural reserve leaders may fill rural leader posts too "
                    f"(promote_rural_reserve = {pol.promote_rural_reserve})")
        else:
            rule = "R8 asks that vacant leader posts be filled"
        return f"R2: a reserve leader at {d.label(self.frm, area=True)}; {freed}; {rule}."

    def r2_not_promoted(self) -> str:
        d = self.d
        a = d.a
        rural_promos = a[(a["move"] == "promote") & (a["to_school"].map(d.sch["area"]) == "rural")]
        if rural_promos.empty:
            return "R2: a reserve leader, not promoted this year: no rural leader post was filled by a promotion."
        names = [d.who(p) + f" ({d.area(f)})" for p, f in zip(rural_promos["person_id"], rural_promos["from_school"])]
        return (f"R2: a reserve leader, not promoted this year: the {len(rural_promos)} rural leader post(s) filled by "
                f"promotion went to {_names(names)}.")

    def r3(self) -> str:
        d, pol = self.d, self.d.pol
        if self.role_after not in LEADER_ROLES or "rural" not in (d.area(self.to), d.area(self.frm)):
            return ""
        self.use(young_age=pol.young_age, young_rural_leader_share=pol.young_rural_leader_share)
        k = d.figures  # models/figures.py, from the plan's rows
        b = k["before"].get("young_rural_leader_share")
        af = k["after"].get("young_rural_leader_share")
        young = bool(d.fact(self.pid, "young"))
        where = "at a rural school" if d.area(self.to) == "rural" else "leaving a rural school"
        figs = ""
        if b is not None and af is not None:
            figs = f"; young rural leaders are {100 * b:.0f}% before and {100 * af:.0f}% after the plan"
        return (f"R3: aged {self.age}, {'at or under' if young else 'over'} young_age = {pol.young_age}, so "
                f"{where} they {'count' if young else 'do not count'} as a young rural leader (target "
                f"{100 * pol.young_rural_leader_share:.0f}% of rural leaders){figs}.")

    def r4(self) -> str:
        d = self.d
        town = str(self.r["director_of"])
        if town:
            return (f"R4: as principal of {d.label(self.to)}, a seat school of township {town}, they are the "
                    f"district director (学区主任) of {town}.")
        if self.role_after == "principal" and self.to in d.sch.index and bool(d.sch.at[self.to, "is_township_seat"]):
            t = d.sch.at[self.to, "township"]
            who = d.a[d.a["director_of"] == t]["person_id"]
            return (f"R4: {d.label(self.to)} is a seat school of {t}; the district director of {t} is "
                    + (d.who(who.iloc[0]) if len(who) else "nobody in this plan (R4 is broken)") + ".")
        return ""

    # ---- teachers ----------------------------------------------------------------------------
    def r5(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not self.frm:
            p2 = str(self.r["period2_school"])
            dem, cov = d.before_gap(self.to, self.subject) if self.to in d.sch.index else (0, 0)
            txt = (f"R5: a new hire: contract period 1 at {d.label(self.to, area=True)}"
                   + (f", bundled with {d.label(p2, area=True)} for period 2" if p2 else ", with no period-2 school")
                   + ".")
            if d.fact(self.pid, "r5_exempt_lock"):
                txt += " The office's lock wins over R5."
            elif d.fact(self.pid, "r5_new_hire") and not d.fact(self.pid, "r5_bundled"):
                txt += (" The period-2 school is of the same area: this breaks R5 (the bundle must cross the line)."
                        if p2 else " R5 asks for a bundled period-2 school of the other area: this breaks R5.")
            if dem:
                txt += (f" {d.label(self.to)} needs {dem} weekly {self.subject} lessons and its own teachers could "
                        f"cover {cov} of them before this plan.")
            return txt
        cp, py = int(s["contract_period"] or 0), int(s["period_years"] or 0)
        if cp == 1:
            self.use(term_years=pol.term_years)
        if d.fact(self.pid, "r6_own_bundle"):  # finishing contract period 1 (models/figures.py)
            txt = (f"R5: finished contract period 1 ({py} of term_years = {pol.term_years} years) at "
                   f"{d.label(self.frm, area=True)}, so period 2 must be at a school of the other area.")
            if d.fact(self.pid, "r5_exempt_lock"):
                return txt + " The office's lock wins over R5."
            if d.fact(self.pid, "r5_period1") and not d.fact(self.pid, "r5_crossed"):
                return txt + f" They stay in the {d.area(self.frm)} area: this breaks R5, a hard rule."
            return txt + f" They go to {d.label(self.to, area=True)}."
        if cp == 1:
            return f"R5: in contract period 1 ({py} of {pol.term_years} years served): no period change this year."
        return ""

    def r6(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not bool(s["public_funded"]):
            return ""
        self.use(public_funded_rural_years=pol.public_funded_rural_years)
        f = d.facts.loc[self.pid]
        rsy = float(f["rural_service_years"])
        total = rsy if pd.isna(f["rural_years_shown"]) else float(f["rural_years_shown"])
        if not f["r6_short"]:
            return (f"R6: public-funded, with {rsy:g} rural service years of the {pol.public_funded_rural_years:g} "
                    "owed already served, so R6 no longer limits their moves.")
        txt = (f"R6: public-funded, with {rsy:g} of the {pol.public_funded_rural_years:g} rural service years owed "
               "(segments added up): they may not move from a rural to an urban school except into the urban "
               f"period of their own bundle; after this plan their total is {total:g} years.")
        if f["r6_rural_to_urban"] and f["r6_exempt_lock"]:
            txt += (f" The office locked them to {d.label(f['locked_school'])}, an urban school; a lock wins over "
                    "R6, so this move is exempted by the lock.")
        elif f["r6_broken"]:
            txt += " This plan moves them rural → urban: that breaks R6."
        return txt

    def r11(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not self.frm:
            return ""
        years = int(s["years_at_school"] or 0)
        self.use(exchange_after_years=pol.exchange_after_years)
        if years < pol.exchange_after_years:
            return (f"R11: {_plural(years, 'year')} at {d.label(self.frm)}, fewer than exchange_after_years = "
                    f"{pol.exchange_after_years}: not eligible for exchange.")
        if s["exempt_reason"]:
            return f"R11: eligible by years ({years}) but exempt ({s['exempt_reason']})."
        if not d.fact(self.pid, "r11_by_years"):
            return ""  # not a teacher both before and after the plan: R11 does not apply
        if d.fact(self.pid, "r11_exempt_lock"):
            return (f"R11: eligible by years ({years}), but the office locked them to {d.label(s['locked_school'])}; "
                    "a lock wins over R11, so they are exempted by the lock and not counted among the eligible.")
        self.use(exchange_share=pol.exchange_share, exchange_backbone_share=pol.exchange_backbone_share)
        a = d.figures["after"]
        el, mv, bb, need = a["r11_eligible"], a["r11_exchanged"], a["r11_exchanged_backbone"], a["r11_exchange_target"]
        head = (f"R11: {_plural(years, 'year')} at {d.label(self.frm)}, at least exchange_after_years = "
                f"{pol.exchange_after_years}, so eligible for exchange; R11 asks that at least "
                f"{100 * pol.exchange_share:g}% of the {el} eligible teachers move ({need}) this year, "
                f"backbone teachers being at least {100 * pol.exchange_backbone_share:g}% of them.")
        if d.fact(self.pid, "r11_exchanged"):
            txt = head + f" They are one of the {mv} eligible teachers who move"
            if d.fact(self.pid, "backbone_any"):
                txt += f", and as a {s['backbone']}-level backbone teacher one of the {bb} backbone teachers among them"
            return txt + "."
        met = "so the target is met without them" if mv >= need else "short of the target"
        return head + f" They are not among the {mv} who move ({met})."

    def r8_fit(self) -> str:
        d = self.d
        if not self.to or self.to not in d.sch.index or not self.subject:
            return ""
        why = d.fit(self.to, self.subject)
        if why:
            return f"R8: {why}: placing them there breaks the subject/level fit, a hard rule."
        dem = d.demand_of(self.to, self.subject)
        home = int(pd.to_numeric(self.r["home_lessons"], errors="coerce") or 0)
        self.use(teacher_load=d.pol.teacher_load)
        return (f"{d.label(self.to)} needs {dem} weekly {self.subject} lessons; they teach {home} of them "
                f"(a full load is teacher_load = {d.pol.teacher_load}).")

    def r7(self) -> str:
        d, pol = self.d, self.d.pol
        it = d.plan.itinerant
        rows = it[it["person_id"].astype(str) == self.pid] if len(it) else it
        if rows is None or len(rows) == 0:
            return ""
        self.use(max_schools_per_day=pol.max_schools_per_day, max_travel_minutes_per_day=pol.max_travel_minutes_per_day)
        rows = rows.sort_values(["day", "seq"])
        town = d.sch.at[self.to, "township"] if self.to in d.sch.index else "?"
        days = []
        back = d.days.loc[self.pid] if self.pid in d.days.index.get_level_values(0) else None
        for day, g in rows.groupby("day", sort=True):
            stops = ", ".join(f"{d.label(x)} ({int(n)} {sub} lessons, {float(m):g} min)"
                              for x, n, sub, m in zip(g["school_id"], g["lessons"], g["subject"], g["travel_minutes"]))
            if back is not None and int(day) in back.index:
                stops += f", back to {d.label(self.to)} ({float(back.at[int(day), 'back']):g} min)"
            days.append(f"day {int(day)}: {stops}")
        week = d.week.loc[self.pid]  # models/figures.py: the travel minutes every output shows
        return (f"R7: an itinerant teacher of township {town}: besides their home lessons at {d.label(self.to)} "
                f"they teach {int(week['lessons'])} lessons a week at other schools, where lessons would otherwise "
                "go uncovered — " + "; ".join(days) + f". Travel {float(week['travel_minutes']):.1f} minutes a week "
                "with the way back; limits: at most "
                f"max_schools_per_day = {pol.max_schools_per_day} schools and max_travel_minutes_per_day = "
                f"{pol.max_travel_minutes_per_day:g} minutes a day. Listed for itinerant-teacher evaluation and "
                "pay tilt.")

    def why_stay(self) -> str:
        d, pol, s = self.d, self.d.pol, self.s
        if not self.frm:
            return ""
        why = []
        if s["locked_school"]:
            why.append(f"the office locked them to {d.label(s['locked_school'])}")
        if s["exempt_reason"]:
            why.append(f"they are exempt ({s['exempt_reason']})")
        if self.role_before in LEADER_ROLES:
            if not d.due(self.pid):
                why.append(f"they have served {_plural(int(s['terms_at_school'] or 0), 'term')}, fewer than "
                           f"rotation_terms = {pol.rotation_terms} (R1)")
        else:
            if not d.fact(self.pid, "r6_own_bundle"):  # finishing contract period 1
                why.append("they are not finishing contract period 1 (R5)")
            years = int(s["years_at_school"] or 0)
            if years < pol.exchange_after_years:
                why.append(f"{_plural(years, 'year')} at their school is fewer than exchange_after_years = "
                           f"{pol.exchange_after_years} (R11)")
            elif d.fact(self.pid, "r11_eligible"):
                a = d.figures["after"]
                el, mv, need = a["r11_eligible"], a["r11_exchanged"], a["r11_exchange_target"]
                if mv >= need:
                    why.append(f"R11's exchange target ({need} of {el} eligible) is met by others")
            if self.subject and self.frm in d.sch.index:
                dem = d.demand_of(self.frm, self.subject)
                if dem:
                    why.append(f"{d.label(self.frm)} still needs them: {dem} weekly {self.subject} lessons")
            q = pd.to_numeric(d.sch.at[self.frm, "staff_quota"], errors="coerce") if self.frm in d.sch.index else None
            if q is not None and not pd.isna(q):
                n = int((d.teachers_after["to_school"] == self.frm).sum())
                if n <= q:
                    why.append(f"their school is within its staff_quota ({n} of {int(q)} teachers)")
        if not why:
            return "Why no move: no rule required one and the plan found no better place for them."
        return "Why no move was needed: " + "; ".join(why) + "."

    # ---- ranked schools ----------------------------------------------------------------------
    def preferences(self) -> str:
        prefs = self._prefs()
        if not prefs or self.move == "retire":
            return ""
        d, w = self.d, self.d.w
        s = self.s
        self.use(**{"weights.points_rural_year": w.points_rural_year,
                    "weights.points_backbone_level": w.points_backbone_level,
                    "weights.points_year_at_school": w.points_year_at_school,
                    "weights.points_mountainous": w.points_mountainous, "weights.preference": w.preference})
        mine = float(d.points[self.pid])
        mount = bool(d.sch.at[self.frm, "mountainous"]) if self.frm in d.sch.index else False
        lines = [(f"Priority points: {float(s['rural_service_years'] or 0):g} rural years × {w.points_rural_year:g} + "
                  f"backbone level {s['backbone']} ({BACKBONE_RANK.get(s['backbone'], 0)}) × "
                  f"{w.points_backbone_level:g} + "
                  f"{int(s['years_at_school'] or 0)} years at their school × {w.points_year_at_school:g} + "
                  f"{'a' if mount else 'no'} mountainous school × {w.points_mountainous:g} = {mine:g} points.")]
        for rank, sid in enumerate(prefs, start=1):
            if sid == self.to:
                lines.append(f"Choice {rank}, {d.label(sid)}: granted.")
                break
            lines.append(f"Choice {rank}, {d.label(sid)}: not given — {self.blocker(sid, mine)}.")
        else:
            lines.append(f"None of their ranked schools could be given; they go to {d.label(self.to)}.")
        return " ".join(lines)

    def blocker(self, sid: str, mine: float) -> str:
        """What kept this person from school `sid`: a hard rule, a full quota, or someone with more points."""
        d, s = self.d, self.s
        if sid not in d.sch.index:
            return "it is not a school of the scenario"
        if s["locked_school"] and s["locked_school"] != sid:
            return f"the office locked them to {d.label(s['locked_school'])}"
        if self.role_after in LEADER_ROLES:
            return self.leader_blocker(sid, mine)
        subj = self.subject
        if self.pid in d.facts.index:
            rule = F.blocked_by_rule(d.sc, d.facts.loc[self.pid], sid, d.school_facts)
            if rule:
                rid, why = rule
                return f"hard rule {rid}: {why}" if rid and rid != "R8" else f"hard rule: {why}" if rid else why
        if sid == self.frm:
            if self.move == "exchange":
                return "it is their own school, and the plan chose them for exchange (R11)"
            return "it is their own school, which they leave under the rule given above"
        t = d.teachers_after
        here = t[t["to_school"] == sid]
        newcomers = here[here["from_school"] != sid]
        same = newcomers[newcomers["subject"] == subj]
        more = [p for p in same["person_id"] if d.points.get(p, 0) > mine]
        q = pd.to_numeric(d.sch.at[sid, "staff_quota"], errors="coerce")
        if not pd.isna(q) and len(here) >= q:
            stayers = len(here) - len(newcomers)
            txt = (f"quota full: {d.label(sid)} may hold {int(q)} teachers (staff_quota) and holds {len(here)} "
                   f"after the plan, {stayers} who stay")
            if len(newcomers):
                first = sorted(newcomers["person_id"], key=lambda p: (newcomers.at[p, "subject"] != subj,
                                                                     -d.points.get(p, 0), p))
                txt += f" and {len(newcomers)} placed by this plan: " + _names([d.who(p, points=True) for p in first])
            if more:
                txt += f" ({_names([d.who(p) for p in more])} with more priority points than their {mine:g})"
            return txt
        if more:
            return (f"{_names([d.who(p, points=True) for p in more])}, with more priority points than their {mine:g}, "
                    f"got the {subj} place(s) there")
        dem = d.demand_of(sid, subj)
        c = d.coverage
        cov = float(c.at[(sid, subj), "home"] + c.at[(sid, subj), "itinerant"]) if (sid, subj) in c.index else 0.0
        env = d.envy  # the envy_pairs figure, pair by pair (models/figures.py)
        fewer = list(env.loc[(env["person_id"] == self.pid) & (env["school_id"] == sid), "other_id"])
        if fewer:
            self.use(**{"weights.envy": d.w.envy})
            return (f"no hard rule or quota blocked it, yet {_names([d.who(p, points=True) for p in fewer])} got a "
                    f"{subj} place there with no more priority points than their {mine:g}: avoiding this "
                    "(justified envy) is a soft goal "
                    f"(weights.envy = {d.w.envy:g}) the plan traded against lesson coverage; they may ask the office "
                    "to review it")
        if cov >= dem:
            self.use(**{"weights.coverage": d.w.coverage, "weights.move": d.w.move})
            return (f"its {dem} weekly {subj} lessons are all covered by the teachers it has, so a move there adds no "
                    f"lessons (weights.coverage = {d.w.coverage:g} per lesson) and costs a move "
                    f"(weights.move = {d.w.move:g})")
        self.use(**{"weights.coverage": d.w.coverage, "weights.rural_coverage": d.w.rural_coverage})
        return ("no hard rule, quota or person with more points stood in the way: the plan needed them more where "
                f"they go, weighing lesson coverage (weights.coverage = {d.w.coverage:g}, × {d.w.rural_coverage:g} at "
                "rural schools) against their wish")

    def leader_blocker(self, sid: str, mine: float) -> str:
        d = self.d
        role = self.role_after
        if sid == self.frm and self.role_before in LEADER_ROLES and d.due(self.pid) and not self.s["exempt_reason"]:
            return "hard rule R1: a due leader leaves their own school"
        posts = d.posts(sid, role)
        if posts == 0:
            return f"hard rule R8: {d.label(sid)} has no {ROLE_WORDS[role]} post"
        h = d.leader_holders(sid, role, self.pid)
        if len(h) < posts:
            if (self.role_before in LEADER_ROLES and d.due(self.pid) and d.area(sid) == d.area(self.frm)
                    and d.area(self.to) != d.area(self.frm)):
                self.use(**{"weights.r1x_crossing": d.w.r1x_crossing})
                return (f"it would keep them in the {d.area(sid)} area, while R1x asks due leaders to cross the "
                        f"urban–rural line (weights.r1x_crossing = {d.w.r1x_crossing:g})")
            return ("a post was open, but the plan needed them more where they go (R1x crossings, R3 young rural "
                    "leaders, R4 directors and filled posts weigh more than a preference)")
        parts = []
        for p, f in zip(h["person_id"], h["from_school"]):
            if f == sid:
                why = "not due to rotate" if not d.due(p) else "exempt or locked"
                parts.append(f"{d.who(p)}, who stays ({why})")
            elif d.points.get(p, 0) > mine:
                parts.append(f"{d.who(p, points=True)}, with more priority points than their {mine:g}")
            else:
                rules = str(d.a.at[p, "rules"]) or "the plan's other goals"
                parts.append(f"{d.who(p, points=True)}, placed there for {rules}")
        verb = "is" if posts == 1 else "are"
        return f"its {_plural(posts, ROLE_WORDS[role] + ' post')} {verb} held by " + _names(parts)


def explain_text(sc, plan, person_id: str) -> str:
    return explain(sc, plan, person_id).text()
