"""Next year's scenario from a plan and the scenario it was made from (`rotaplan rollover`).

The plan decides where everyone works from 1 September of plan_year; a year later the office plans again.
`rollover(sc, plan, hiring)` writes that next scenario in the same contract (DOMAIN.md), as if the plan had been
carried out and one school year served. Every count is "completed on 1 September of the new plan_year":

* ``plan_year`` + 1; schools, demand, roads and the rest of the policy unchanged;
* retirees (move ``retire``) leave (a spouse_id naming one is cleared); everyone else is at ``to_school`` with
  ``role_after``;
* ``years_at_school``: + 1 for a person who stays at their school (whatever their role), 1 for a person who
  changed school or was a new hire (one year served there); a new hire the plan left unplaced stays a new hire
  to place, as they were;
* leaders: ``terms_at_school`` counts completed terms at one school. The years into the current term are kept in
  the added column ``term_years_served`` (本任期已满年数; when absent: ``years_at_school`` - terms x
  ``term_years``, within 0 .. term_years - 1). A leader who stays a leader at the same school serves one more
  year of the term; when it reaches ``term_years`` the term is completed (terms + 1, a new term starts). A
  leader who rotates, or a person who becomes a leader (promotion), starts at a new post: terms 0, one year
  served. People who are not leaders after the plan have 0 and 0;
* contract periods (R5): a new hire starts period 1 (``contract_period`` 1, ``period_years`` 1); a person whose
  period had run its ``term_years`` by this plan (the plan moved them on, e.g. ``bundle_second``) serves the next
  period (``contract_period`` + 1, ``period_years`` 1); anyone else in a period serves one more year of it
  (``period_years`` + 1: a period-1 teacher reaching ``term_years`` is then due for period 2 next year). An
  existing person with ``contract_period`` 0 (unknown) is left as they are;
* ``bundle_school`` (R5) = the plan's ``period2_school`` where the plan writes one, else the scenario's
  ``bundle_school`` while the person is still in period 1, else empty;
* ``home_school`` / ``posting_until`` (R16) = the plan's columns (an exchange's new posting, a posting carried;
  empty once a posting ended);
* ``rural_service_years`` + 1 for a year at a rural school, whatever the role (R6: segments add up);
  ``teaching_years`` + 1 where known (1 for a new hire);
* R13: a teacher the plan selected for backbone training (R13 in ``rules``) gets the added column
  ``backbone_training_year`` = plan_year (kept from year to year); ``backbone`` is unchanged (training does not
  confer a backbone level: the office records a new level when one is awarded);
* ``locked_school`` and ``exempt_reason`` are one year's decisions and are cleared, unless the added column
  ``permanent`` (长期有效) is true for the person: then both are carried;
* ``preferences``: carried, less the school the person is at now (a granted wish is not asked again);
* new hires from a hiring plan (`Hiring`, hiring.yaml): counts by subject, degree, certificate and
  public-funded share, for every year or by year, and/or a sheet of named people; ids ``H<year>-<nnnn>``. An
  entry with subject ``gaps`` is shared among the subjects the plan leaves lessons uncovered in (`by_gaps`).

The result is deterministic: the same plan, scenario and hiring plan give the same files. Pure data: no solver.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..models.errors import Problem, ScenarioError
from ..models.figures import CERT_RANK, LEVEL_NEED, coverage, people
from ..models.plan import Plan
from ..models.readers import read_csv_frame
from ..models.scenario import Scenario
from ..models.schema import CERTIFICATE, DEGREE, LEADER_ROLES, STAFF, enum_lookup, subject_code
from ..models.tables import format_table
from ..models.yamlfile import read_mapping

TERM_COLUMN = "term_years_served"  # years served of the current leader term (本任期已满年数)
TRAINING_COLUMN = "backbone_training_year"  # R13: the plan year a teacher was selected for backbone training
PERMANENT_COLUMN = "permanent"  # a lock / exemption that stays from year to year (长期有效)
_TRUE = {"true", "1", "yes", "是", "y", "t"}


# ---- the hiring plan ----------------------------------------------------------------------------
GAPS = "gaps"  # subject: gaps (缺口): the entry's count is shared among the subjects lessons are left uncovered in
GAPS_WORDS = {"gaps", "gap", "缺口", "按缺口"}


@dataclass(frozen=True)
class HireGroup:
    """`count` new teachers of one kind (subject GAPS: shared among the subjects with uncovered lessons)."""

    count: int
    subject: str
    degree: str = "bachelor"
    certificate: str = ""
    public_funded_share: float = 0.0
    female_share: float = 0.5
    age: int = 23
    reserve_leader: bool = False


@dataclass
class Hiring:
    """Who is hired each year (hiring.yaml):

    ```yaml
    hires:            # every year (unless by_year names the year)
      - {subject: math, count: 10, degree: bachelor, certificate: junior, public_funded_share: 0.5}
    by_year:          # optional: a year's own list instead of `hires`
      2029:
        - {subject: chinese, count: 4, degree: master}
    sheet: named_hires.csv   # optional: named people (staff.csv columns; a `year` column picks the year)
    ```
    """

    every_year: list[HireGroup] = field(default_factory=list)
    by_year: dict[int, list[HireGroup]] = field(default_factory=dict)
    named: pd.DataFrame | None = None  # text cells, staff columns (+ optional `year`)
    source: str = ""

    @classmethod
    def read(cls, path: str | Path) -> Hiring:
        path = Path(path)
        if not path.exists():
            raise ScenarioError([Problem(str(path), None, None, None, "no such hiring plan")])
        data = read_mapping(path, "a hiring plan")
        unknown = sorted(set(data) - {"hires", "by_year", "sheet"})
        if unknown:
            raise ScenarioError([Problem(path.name, None, k, None, "unknown key: use hires, by_year or sheet")
                                 for k in unknown])
        out = cls(source=path.name)
        out.every_year = _groups(data.get("hires") or [], path.name, "hires")
        for year, items in (data.get("by_year") or {}).items():
            try:
                y = int(year)
            except (TypeError, ValueError):
                raise ScenarioError([Problem(path.name, None, "by_year", year, "a year, e.g. 2028")]) from None
            out.by_year[y] = _groups(items or [], path.name, f"by_year.{y}")
        if data.get("sheet"):
            out.named = _named_sheet(path.parent / str(data["sheet"]), path.name)
        return out

    def groups(self, year: int) -> list[HireGroup]:
        return self.by_year.get(year, self.every_year)

    def people(self, year: int, sc: Scenario, uncovered: pd.Series | None = None) -> pd.DataFrame:
        """The new hires of `year` as staff rows (text cells), ids H<year>-0001, ... in the order of the plan.

        `uncovered`: (school_id, subject) -> weekly lessons the last plan leaves uncovered; an entry with subject
        GAPS is shared among subjects by it (`by_gaps`)."""
        rows: list[dict] = []
        k = 0
        groups = [x for g in self.groups(year)
                  for x in (by_gaps(g, sc, uncovered) if g.subject == GAPS else [g])]
        for g in groups:
            n_pf = int(round(g.public_funded_share * g.count))
            n_f = int(round(g.female_share * g.count))
            for i in range(g.count):
                k += 1
                rows.append({
                    "person_id": f"H{year}-{k:04d}", "name": f"新教师{year}-{k:04d}",
                    "gender": "F" if i < n_f else "M", "birth_date": f"{year - g.age}-03-01", "role": "teacher",
                    "school_id": "", "subject": g.subject, "degree": g.degree, "backbone": "none",
                    "years_at_school": "0", "terms_at_school": "0", "contract_period": "0", "period_years": "0",
                    "rural_service_years": "0", "public_funded": "true" if i < n_pf else "false",
                    "reserve_leader": "true" if g.reserve_leader else "false", "itinerant_ok": "true",
                    "certificate": g.certificate, "teaching_years": "0",
                })
        out = pd.DataFrame(rows)
        if self.named is not None and len(self.named):
            named = self.named
            if "year" in named.columns:
                named = named[named["year"].astype(str).str.strip().isin(("", str(year)))].drop(columns="year")
            out = pd.concat([out, named], ignore_index=True).fillna("")
        return out


def by_gaps(g: HireGroup, sc: Scenario, uncovered: pd.Series | None) -> list[HireGroup]:
    """A GAPS entry as one entry per subject: its count shared in proportion to the weekly lessons left uncovered
    (`uncovered`) at the schools its certificate covers (R14: a kindergarten certificate kindergartens and the
    subject preschool; another, the schools of its level or below other than kindergartens; none: every school)
    and taught there in both areas (R5 bundles a new hire with a school of the other area), by largest
    remainders, ties by subject code. Without any uncovered lesson there, in proportion to the
    demand. Deterministic."""
    need = sc.schools.drop_duplicates("school_id").set_index("school_id")["level"].map(LEVEL_NEED)
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    gap = (uncovered if uncovered is not None else pd.Series(0, index=d.index)).reindex(d.index, fill_value=0)
    sid = d.index.get_level_values(0)
    subj = d.index.get_level_values(1)
    kinder = np.asarray(need.reindex(sid).to_numpy() == 0) & (np.asarray(subj) == "preschool")
    if g.certificate == "kindergarten":
        ok = kinder
    elif g.certificate:
        ok = ~kinder & (np.asarray(subj) != "preschool") & (need.reindex(sid).fillna(9).to_numpy()
                                                           <= CERT_RANK.get(g.certificate, 9))
    else:
        ok = np.ones(len(d), dtype=bool)
    # R5: a new hire is bundled with a school of the other area, so only subjects taught in both areas count
    area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"].reindex(sid).to_numpy()
    both = pd.Series(area[ok], index=subj[ok]).groupby(level=0).nunique() == 2
    ok &= np.isin(np.asarray(subj), both[both].index)
    weight = gap[ok].groupby(level=1).sum()
    if weight.sum() <= 0:
        weight = d[ok].groupby(level=1).sum()
    weight = weight[weight > 0].sort_index()
    if g.count == 0 or weight.sum() <= 0:
        return []
    share = weight / weight.sum() * g.count
    n = np.floor(share).astype(int)
    rest = g.count - int(n.sum())
    order = sorted(range(len(share)), key=lambda i: (-(share.iloc[i] - n.iloc[i]), share.index[i]))
    for i in order[:rest]:
        n.iloc[i] += 1
    return [replace(g, subject=str(j), count=int(c)) for j, c in n.items() if c > 0]


def _groups(items, source: str, where: str) -> list[HireGroup]:
    if not isinstance(items, list):
        raise ScenarioError([Problem(source, None, where, None, "a list of {subject, count, ...} entries")])
    degrees, certs = enum_lookup(DEGREE), enum_lookup(CERTIFICATE)
    out, problems = [], []
    known = {"count", "subject", "degree", "certificate", "public_funded_share", "female_share", "age",
             "reserve_leader"}
    for i, item in enumerate(items, 1):
        at = f"{where}[{i}]"
        if not isinstance(item, dict) or "subject" not in item or "count" not in item:
            problems.append(Problem(source, None, at, item, "each entry needs subject and count"))
            continue
        bad = sorted(set(item) - known)
        if bad:
            problems.append(Problem(source, None, at, bad[0], "unknown key: use " + ", ".join(sorted(known))))
            continue
        degree = degrees.get(str(item.get("degree", "bachelor")).strip().lower())
        cert = str(item.get("certificate", "") or "").strip()
        cert_c = certs.get(cert.lower(), None) if cert else ""
        try:
            count = int(item["count"])
            pf = float(item.get("public_funded_share", 0.0))
            fem = float(item.get("female_share", 0.5))
            age = int(item.get("age", 23))
        except (TypeError, ValueError):
            problems.append(Problem(source, None, at, item, "count and age are whole numbers, shares 0 to 1"))
            continue
        if degree is None:
            problems.append(Problem(source, None, f"{at}.degree", item.get("degree"),
                                    "one of " + ", ".join(DEGREE)))
        elif cert_c is None:
            problems.append(Problem(source, None, f"{at}.certificate", cert, "one of " + ", ".join(CERTIFICATE)))
        elif count < 0 or not (0 <= pf <= 1) or not (0 <= fem <= 1) or not (18 <= age <= 60):
            problems.append(Problem(source, None, at, item, "count >= 0, shares 0 to 1, age 18 to 60"))
        else:
            subject = GAPS if str(item["subject"]).strip().lower() in GAPS_WORDS else subject_code(str(item["subject"]))
            out.append(HireGroup(count, subject, degree, cert_c, pf, fem, age,
                                 str(item.get("reserve_leader", False)).lower() in _TRUE))
    if problems:
        raise ScenarioError(problems)
    return out


def _named_sheet(path: Path, source: str) -> pd.DataFrame:
    if not path.exists():
        raise ScenarioError([Problem(source, None, "sheet", str(path.name), "no such file beside the hiring plan")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=str).fillna("")
    else:
        frame = read_csv_frame(path)
    alias = {c.alias: c.name for c in STAFF.columns}
    frame = frame.rename(columns=lambda h: alias.get(str(h).strip(), str(h).strip()))
    if "年份" in frame.columns:
        frame = frame.rename(columns={"年份": "year"})
    missing = [c for c in ("person_id", "name", "gender", "birth_date", "degree") if c not in frame.columns]
    if missing:
        raise ScenarioError([Problem(path.name, 1, c, None, "missing column of the named new hires")
                             for c in missing])
    frame = frame.astype(str)
    for c, v in (("role", "teacher"), ("school_id", ""), ("contract_period", "0"), ("period_years", "0"),
                 ("years_at_school", "0"), ("rural_service_years", "0")):
        if c not in frame.columns:
            frame[c] = v
    return frame.reset_index(drop=True)


# ---- the rollover -------------------------------------------------------------------------------
def rollover(sc: Scenario, plan: Plan, hiring: Hiring | None = None, name: str | None = None) -> Scenario:
    """Next year's scenario (plan_year + 1): see the module docstring for every column."""
    pol = sc.policy
    year, term = int(pol.plan_year), int(pol.term_years)
    st = sc.staff.reset_index(drop=True).copy()
    a = plan.assignments.drop_duplicates("person_id").set_index("person_id")
    missing = sorted(set(st["person_id"]) - set(a.index))
    if missing:
        raise ScenarioError([Problem(plan.source, None, "person_id", missing[0],
                                     f"{len(missing)} people of the scenario have no row in the plan: a plan of "
                                     "this scenario is needed")])
    a = a.reindex(st["person_id"])
    txt = lambda c: (a[c].fillna("").astype(str).str.strip().to_numpy() if c in a.columns  # noqa: E731
                     else np.full(len(a), "", dtype=object))
    move, role_after, to, frm = txt("move"), txt("role_after"), txt("to_school"), st["school_id"].fillna("").to_numpy()
    stays = (move != "retire") & (role_after != "retired")
    role_before = st["role"].to_numpy()
    same = (to == frm) & (frm != "")
    area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"]
    rural_now = pd.Series(to).map(area).to_numpy() == "rural"
    new = (frm == "") & (to != "")  # a new hire placed by the plan (one left unplaced stays a new hire to place)
    unplaced = to == ""

    nxt = st.copy()
    nxt["school_id"] = to
    nxt["role"] = np.where(np.isin(role_after, ("principal", "vice_principal", "teacher")), role_after, role_before)
    years = pd.to_numeric(st["years_at_school"], errors="coerce").fillna(0).astype(int).to_numpy()
    nxt["years_at_school"] = np.where(same, years + 1, np.where(unplaced, 0, 1))

    # leader terms (R1)
    terms = pd.to_numeric(st["terms_at_school"], errors="coerce").fillna(0).astype(int).to_numpy()
    if TERM_COLUMN in st.columns:
        served = pd.to_numeric(st[TERM_COLUMN], errors="coerce").to_numpy()
    else:
        served = np.full(len(st), np.nan)
    inferred = np.clip(years - terms * term, 0, max(term - 1, 0))
    served = np.where(np.isnan(served), inferred, served).astype(int)
    lead_before = np.isin(role_before, LEADER_ROLES)
    lead_after = np.isin(role_after, LEADER_ROLES)
    same_post = lead_before & lead_after & same & (role_after == role_before)
    t_served = np.where(same_post, served + 1, 1)
    t_terms = np.where(same_post, terms, 0)
    done = t_served >= term
    t_terms = np.where(done, t_terms + 1, t_terms)
    t_served = np.where(done, 0, t_served)
    nxt["terms_at_school"] = np.where(lead_after, t_terms, 0)
    nxt[TERM_COLUMN] = np.where(lead_after, t_served, 0).astype(str)

    # contract periods (R5)
    cp = pd.to_numeric(st["contract_period"], errors="coerce").fillna(0).astype(int).to_numpy()
    py = pd.to_numeric(st["period_years"], errors="coerce").fillna(0).astype(int).to_numpy()
    ran = (cp >= 1) & (py >= term)
    nxt["contract_period"] = np.where(new, 1, np.where(ran & ~unplaced, cp + 1, cp))
    nxt["period_years"] = np.where(new, 1, np.where(unplaced, py, np.where(ran, 1, np.where(cp >= 1, py + 1, py))))
    p2 = txt("period2_school")
    old_bundle = (st["bundle_school"].fillna("").astype(str).str.strip().to_numpy() if "bundle_school" in st.columns
                  else np.full(len(st), "", dtype=object))
    still_p1 = nxt["contract_period"].to_numpy() == 1
    nxt["bundle_school"] = np.where(p2 != "", p2, np.where(still_p1, old_bundle, ""))

    # postings (R16): the plan's columns
    nxt["home_school"] = txt("home_school")
    until = pd.to_numeric(pd.Series(txt("posting_until")), errors="coerce")
    nxt["posting_until"] = until.astype("Int64").to_numpy()

    # rural years (R6), teaching years
    rsy = pd.to_numeric(st["rural_service_years"], errors="coerce").fillna(0.0).to_numpy()
    nxt["rural_service_years"] = rsy + rural_now.astype(float)  # to_school empty: not rural, nothing added
    if "teaching_years" in st.columns:
        ty = pd.to_numeric(st["teaching_years"], errors="coerce").to_numpy(dtype=float)
        nxt["teaching_years"] = np.where(unplaced, ty, np.where(new & np.isnan(ty), 1.0, ty + 1))  # nan: unknown

    # R13 trainees
    selected = np.array(["R13" in r.split(";") for r in txt("rules")], dtype=bool)
    prev = (st[TRAINING_COLUMN].fillna("").astype(str).to_numpy() if TRAINING_COLUMN in st.columns
            else np.full(len(st), "", dtype=object))
    nxt[TRAINING_COLUMN] = np.where(selected, str(year), prev)

    # one year's decisions: locks and exemptions, unless permanent; granted wishes
    keep = (st[PERMANENT_COLUMN].fillna("").astype(str).str.strip().str.lower().isin(_TRUE).to_numpy()
            if PERMANENT_COLUMN in st.columns else np.zeros(len(st), dtype=bool))
    nxt["locked_school"] = np.where(keep, st["locked_school"].fillna("").to_numpy(), "")
    nxt["exempt_reason"] = np.where(keep, st["exempt_reason"].fillna("").to_numpy(), "")
    nxt["preferences"] = [";".join(x for x in str(p).split(";") if x.strip() and x.strip() != s)
                          for p, s in zip(st["preferences"].fillna(""), to)]

    nxt = nxt[stays].reset_index(drop=True)
    if "spouse_id" in nxt.columns:  # couples: a spouse who retired no longer works in the district
        sp = nxt["spouse_id"].fillna("").astype(str)
        nxt["spouse_id"] = sp.where(sp.isin(set(nxt["person_id"])), "")
    text = format_table(nxt, STAFF).fillna("")
    if hiring is not None:
        uncovered = (coverage(sc, people(sc, plan.assignments), plan.itinerant)["uncovered"]  # the plan's figure
                     if any(g.subject == GAPS for g in hiring.groups(year + 1)) else None)
        hires = hiring.people(year + 1, sc, uncovered)
        if len(hires):
            clash = sorted(set(hires["person_id"]) & set(text["person_id"]))
            if clash:
                raise ScenarioError([Problem(hiring.source, None, "person_id", clash[0],
                                             "a new hire's id is already a person of the district")])
            text = pd.concat([text, hires], ignore_index=True).fillna("")
    policy = pol.with_overrides({"plan_year": year + 1}, "rollover")
    frames: dict = {"schools": sc.schools, "staff": text, "demand": sc.demand}
    if sc.roads is not None and not sc.roads.empty:
        frames["roads"] = sc.roads
    if sc.nodes is not None and not sc.nodes.empty:
        frames["nodes"] = sc.nodes
    return Scenario.from_frames(frames, policy, name=name or f"{sc.name}-{year + 1}", check=True)


def summary(before: Scenario, after: Scenario) -> dict:
    """What the rollover did, in figures: staff before and after, who left, who joined."""
    b, a = set(before.staff["person_id"]), set(after.staff["person_id"])
    return {"plan_year": int(after.policy.plan_year), "staff_before": len(b), "staff_after": len(a),
            "left": len(b - a), "hired": len(a - b),
            "on_posting": int((after.staff["home_school"].fillna("") != "").sum()),
            "bundled": int((after.staff.get("bundle_school", pd.Series(dtype=str)).fillna("") != "").sum()),
            "rural_years_total": round(math.fsum(after.staff["rural_service_years"].fillna(0)), 1)}
