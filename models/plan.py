"""The Plan: the output contract of DOMAIN.md (assignments, itinerant stops, KPIs, compliance)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import messages
from .errors import Problem, ScenarioError
from .outputs import Protected, atomic_write_dir
from .scenario import read_csv_text

messages.register({
    "plan.no_assignments": ("missing: a plan folder needs assignments.csv", "缺少文件：方案文件夹需要assignments.csv"),
    "plan.no_sheet": ("missing sheet 'Assignments' (全部人员)", "缺少工作表“全部人员”（Assignments）"),
    "plan.what": ("a plan is a folder, its assignments.csv or a plan.xlsx",
                  "方案应为一个文件夹、其中的assignments.csv或一个plan.xlsx"),
    "plan.no_column": ("required plan column is missing", "缺少方案的必需列"),
})

ASSIGNMENT_COLUMNS = [
    "person_id", "name", "role_before", "role_after", "from_school", "to_school", "move",
    "period2_school", "director_of", "home_lessons", "rules", "reason", "rural_service_years",
    "retire_date",  # R12 (contract v2): the statutory retirement date of a retiree
    "home_school", "posting_until",  # R16 (contract v2): everyone on a posting after the plan
]
ITINERANT_COLUMNS = ["person_id", "day", "seq", "school_id", "subject", "lessons", "travel_minutes"]
COMPLIANCE_COLUMNS = ["rule", "status", "detail"]
MOVES = ("stay", "rotate", "promote", "exchange", "return", "place_new", "bundle_second", "transfer", "retire")
RULE_IDS = ("R1", "R1x", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
            "R16", "R17")
_TEXT = ["person_id", "name", "role_before", "role_after", "from_school", "to_school", "move",
         "period2_school", "director_of", "rules", "reason", "retire_date", "home_school", "posting_until"]


@dataclass
class Plan:
    assignments: pd.DataFrame
    itinerant: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ITINERANT_COLUMNS))
    kpis: dict = field(default_factory=dict)
    compliance: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COMPLIANCE_COLUMNS))
    source: str = "plan"
    # Sheets of an edited plan.xlsx that are not the plan itself (Moves, About), kept for the source checks
    # of runs/source.py: a derived sheet edited by hand is refused, the About sheet names the scenario.
    side_sheets: dict = field(default_factory=dict, repr=False)

    def write(self, folder: str | Path, extra_files: dict | None = None, protect: Protected = (),
              option: str = "--out") -> Path:
        """Write the plan folder (CSV + kpis.json + the extra files, e.g. plan.xlsx) atomically, only into a
        new folder or over a plan folder rotaplan wrote and nobody changed since (models/outputs.py)."""

        def fill(tmp: Path):
            self.assignments.to_csv(tmp / "assignments.csv", index=False, encoding="utf-8")
            self.itinerant.to_csv(tmp / "itinerant.csv", index=False, encoding="utf-8")
            (tmp / "kpis.json").write_text(json.dumps(self.kpis, indent=2, ensure_ascii=False, default=_json),
                                           encoding="utf-8")
            self.compliance.to_csv(tmp / "compliance.csv", index=False, encoding="utf-8")
            for name, writer in (extra_files or {}).items():
                writer(tmp / name)

        return atomic_write_dir(folder, fill, "plan", protect, option)

    @classmethod
    def read(cls, path: str | Path) -> Plan:
        """Read a plan folder or a plan.xlsx (possibly edited by hand)."""
        path = Path(path)
        side: dict = {}
        if path.is_dir() and path.name.lower() == "assignments.csv":
            raise ScenarioError([Problem.of(str(path), None, None, None, "input.is_folder")])
        if path.is_dir() or (path.name.lower() == "assignments.csv" and path.is_file()):
            # A plan folder, or its assignments.csv named alone (the other CSV files beside it).
            csv = path if path.is_file() else path / "assignments.csv"
            folder = csv.parent
            if not csv.exists():
                raise ScenarioError([Problem.of(str(csv), None, None, None, "plan.no_assignments")])
            a = read_csv_text(csv)
            it = read_csv_text(folder / "itinerant.csv") if (folder / "itinerant.csv").exists() else None
            kpis = (json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
                    if (folder / "kpis.json").exists() else {})
            comp = read_csv_text(folder / "compliance.csv") if (folder / "compliance.csv").exists() else None
            src = csv.name
        elif path.suffix.lower() == ".xlsx" and path.exists():
            # English or Chinese sheet names, headers and coded values (see models/workbook.py).
            from .workbook import READ_SHEETS, SIDE_SHEETS, kpis_from_sheet, read_plan_workbook

            sheets = read_plan_workbook(path, sheets=(*READ_SHEETS, *SIDE_SHEETS))
            if "Assignments" not in sheets:
                raise ScenarioError([Problem.of(path.name, None, None, None, "plan.no_sheet")])
            a = sheets["Assignments"]
            it = sheets.get("Itinerant")
            kpis, comp, src = kpis_from_sheet(sheets.get("KPIs")), sheets.get("Compliance"), path.name
            if comp is not None and not set(COMPLIANCE_COLUMNS) <= set(comp.columns):
                comp = None
            side = {k: sheets[k] for k in (*SIDE_SHEETS, "KPIs", "Compliance") if k in sheets}  # as read
            side["sheet_names"] = {k: df.attrs.get("sheet", k) for k, df in sheets.items()}
        else:
            raise ScenarioError([Problem.of(str(path), None, None, None, "plan.what")])
        a = normalise_assignments(a, src)
        if it is None or it.empty:
            it = pd.DataFrame(columns=ITINERANT_COLUMNS)
        else:
            it = it.rename(columns=lambda c: str(c).strip())
            for c in ("day", "seq", "lessons"):
                it[c] = pd.to_numeric(it[c], errors="coerce").fillna(0).astype(int)
            it["travel_minutes"] = pd.to_numeric(it["travel_minutes"], errors="coerce").fillna(0.0)
        return cls(a, it, kpis, comp if comp is not None else pd.DataFrame(columns=COMPLIANCE_COLUMNS), src, side)


def normalise_assignments(a: pd.DataFrame, src: str) -> pd.DataFrame:
    """Plan rows as text cells, indexed by the row number a spreadsheet shows (header = row 1).

    Rows in any order and added columns are kept; wholly blank rows (left by a deleted row) are dropped.
    `move` is read as written: runs/source.py derives it from the data (`derive_moves`)."""
    a = a.rename(columns=lambda c: str(c).strip())
    missing = [c for c in ("person_id", "role_after", "to_school") if c not in a.columns]
    if missing:
        raise ScenarioError([Problem.of(src, 1, c, None, "plan.no_column") for c in missing])
    a = a.copy()
    a.index = pd.RangeIndex(2, len(a) + 2)
    for c in _TEXT:
        if c not in a.columns:
            a[c] = ""
        a[c] = a[c].fillna("").astype(str).str.strip()
    a = a[(a[_TEXT] != "").any(axis=1)].copy()
    a["home_lessons"] = pd.to_numeric(a.get("home_lessons", 0), errors="coerce").fillna(0).astype(int)
    if "rural_service_years" in a.columns:
        a["rural_service_years"] = pd.to_numeric(a["rural_service_years"], errors="coerce")
    return a


_LEADERS = ("principal", "vice_principal")
_RANK = {"teacher": 0, "vice_principal": 1, "principal": 2}


def derive_moves(a: pd.DataFrame, sc) -> pd.Series:
    """Each row's move kind from its data, not from its `move` cell (which a clerk may leave as it was).

    The kind follows from from_school, to_school, role_before, role_after and the person's scenario row,
    exactly as the optimizer names its own decisions: `retire` (role_after retired), `place_new` (a new
    hire), `promote` (to a higher post), `stay` (same school and role), and for a change of school:
    `rotate` (a leader due under R1, not exempt, not locked, keeping a leader post), `bundle_second` (a
    teacher finishing contract period 1 who crosses to the other area, R5), `exchange` (a teacher
    eligible under R11 posted from an urban to a rural school), `return` (R16: back to home_school when the
    posting has ended), `transfer` for a teacher whose ended posting's host they ranked first keeps them (R16),
    else `transfer`. Rows of people not in the scenario keep their cell.
    """
    st = sc.staff.drop_duplicates("person_id").set_index("person_id")
    pol = sc.policy
    known = a["person_id"].isin(st.index)
    pid = a["person_id"].where(known)
    col = lambda c, fill: pid.map(st[c]).where(known, fill)  # noqa: E731
    area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"]
    before, after = a["role_before"], a["role_after"]
    frm, to = a["from_school"], a["to_school"]
    rank_b, rank_a = before.map(_RANK).fillna(-1), after.map(_RANK).fillna(-1)
    blank = lambda c: col(c, "").fillna("").astype(str).str.strip() == ""  # noqa: E731
    terms = pd.to_numeric(col("terms_at_school", 0), errors="coerce").fillna(0)
    years = pd.to_numeric(col("years_at_school", 0), errors="coerce").fillna(0)
    period = pd.to_numeric(col("contract_period", 0), errors="coerce").fillna(0)
    period_years = pd.to_numeric(col("period_years", 0), errors="coerce").fillna(0)
    not_held = blank("exempt_reason") & blank("locked_school")
    level = sc.schools.drop_duplicates("school_id").set_index("school_id")["level"]
    rotating = frm.map(level).isin(list(pol.rotation_levels))  # R1 covers rotation_levels only
    due = before.isin(_LEADERS) & rotating & (terms >= pol.rotation_terms) & not_held
    crosses = frm.map(area).fillna("x") != to.map(area).fillna("y")
    period1_done = (period == 1) & (period_years >= pol.term_years)
    ages = pd.Series(sc.ages.to_numpy(), index=sc.staff["person_id"].to_numpy()).groupby(level=0).first()
    limit = col("gender", "").map({"F": pol.exchange_exempt_age_female}).fillna(pol.exchange_exempt_age_male)
    below_age = ~(pid.map(ages).astype(float) >= limit)
    eligible = ((years >= pol.exchange_after_years) & not_held & below_age  # R11: an urban -> rural posting
                & (frm.map(area).fillna("") == "urban") & (to.map(area).fillna("") == "rural"))
    teacher = (before == "teacher") & (after == "teacher")
    # R16: a posting that ended (posting_until before plan_year) returns home, or the host ranked first keeps them
    home = col("home_school", "").fillna("").astype(str).str.strip()
    until = pd.to_numeric(col("posting_until", None), errors="coerce").astype(float)
    ended = (home != "") & (home != frm) & ~(until >= pol.plan_year) & blank("locked_school")
    first = col("preferences", "").fillna("").astype(str).str.split(";").str[0].fillna("").str.strip() == frm
    owes = (col("public_funded", False).fillna(False).astype(bool) & (frm.map(area).fillna("") == "rural")
            & (pd.to_numeric(col("rural_service_years", 0), errors="coerce").fillna(0) < pol.public_funded_rural_years))
    first = first | owes  # R6 wins over the return: kept at the rural host
    kinds = [
        (after == "retired", "retire"),
        (frm == "", "place_new"),
        ((rank_a > rank_b) & (rank_b >= 0), "promote"),
        (teacher & ended & (to != frm) & (to == home), "return"),
        (teacher & ended & (to == frm) & first, "transfer"),
        ((to == frm) & (after == before), "stay"),
        ((to != frm) & due & after.isin(_LEADERS), "rotate"),
        ((to != frm) & teacher & period1_done & crosses, "bundle_second"),
        ((to != frm) & teacher & eligible, "exchange"),
    ]
    out = pd.Series("transfer", index=a.index, dtype=object)
    decided = pd.Series(False, index=a.index)
    for mask, kind in kinds:
        take = mask.fillna(False).astype(bool) & ~decided
        out[take] = kind
        decided |= take
    return out.where(known, a["move"])


def _json(o):
    if hasattr(o, "item"):
        return o.item()
    return str(o)
