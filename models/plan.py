"""The Plan: the output contract of DOMAIN.md (assignments, itinerant stops, KPIs, compliance)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem, ScenarioError
from .outputs import Protected, atomic_write_dir
from .scenario import read_csv_text

ASSIGNMENT_COLUMNS = [
    "person_id", "name", "role_before", "role_after", "from_school", "to_school", "move",
    "period2_school", "director_of", "home_lessons", "rules", "reason", "rural_service_years",
]
ITINERANT_COLUMNS = ["person_id", "day", "seq", "school_id", "subject", "lessons", "travel_minutes"]
COMPLIANCE_COLUMNS = ["rule", "status", "detail"]
MOVES = ("stay", "rotate", "promote", "exchange", "place_new", "bundle_second", "transfer", "retire")
RULE_IDS = ("R1", "R1x", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13")
_TEXT = ["person_id", "name", "role_before", "role_after", "from_school", "to_school", "move",
         "period2_school", "director_of", "rules", "reason"]


@dataclass
class Plan:
    assignments: pd.DataFrame
    itinerant: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ITINERANT_COLUMNS))
    kpis: dict = field(default_factory=dict)
    compliance: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COMPLIANCE_COLUMNS))
    source: str = "plan"

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
    def read(cls, path: str | Path) -> "Plan":
        """Read a plan folder or a plan.xlsx (possibly edited by hand)."""
        path = Path(path)
        if path.is_dir():
            if not (path / "assignments.csv").exists():
                raise ScenarioError([Problem(str(path / "assignments.csv"), None, None, None,
                                             "missing: a plan folder needs assignments.csv")])
            a = read_csv_text(path / "assignments.csv")
            it = read_csv_text(path / "itinerant.csv") if (path / "itinerant.csv").exists() else None
            kpis = json.loads((path / "kpis.json").read_text(encoding="utf-8")) if (path / "kpis.json").exists() else {}
            comp = read_csv_text(path / "compliance.csv") if (path / "compliance.csv").exists() else None
            src = path.name
        elif path.suffix.lower() == ".xlsx" and path.exists():
            # English or Chinese sheet names, headers and coded values (see models/workbook.py).
            from .workbook import kpis_from_sheet, read_plan_workbook

            sheets = read_plan_workbook(path)
            if "Assignments" not in sheets:
                raise ScenarioError([Problem(path.name, None, None, None,
                                             "missing sheet 'Assignments' (全部人员)")])
            a = sheets["Assignments"]
            it = sheets.get("Itinerant")
            kpis, comp, src = kpis_from_sheet(sheets.get("KPIs")), sheets.get("Compliance"), path.name
            if comp is not None and not set(COMPLIANCE_COLUMNS) <= set(comp.columns):
                comp = None
        else:
            raise ScenarioError([Problem(str(path), None, None, None, "a plan is a folder or a plan.xlsx")])
        a = normalise_assignments(a, src)
        if it is None or it.empty:
            it = pd.DataFrame(columns=ITINERANT_COLUMNS)
        else:
            it = it.rename(columns=lambda c: str(c).strip())
            for c in ("day", "seq", "lessons"):
                it[c] = pd.to_numeric(it[c], errors="coerce").fillna(0).astype(int)
            it["travel_minutes"] = pd.to_numeric(it["travel_minutes"], errors="coerce").fillna(0.0)
        return cls(a, it, kpis, comp if comp is not None else pd.DataFrame(columns=COMPLIANCE_COLUMNS), src)


def normalise_assignments(a: pd.DataFrame, src: str) -> pd.DataFrame:
    a = a.rename(columns=lambda c: str(c).strip())
    missing = [c for c in ("person_id", "role_after", "to_school", "move") if c not in a.columns]
    if missing:
        raise ScenarioError([Problem(src, 1, c, None, "required plan column is missing") for c in missing])
    a = a.copy()
    for c in _TEXT:
        if c not in a.columns:
            a[c] = ""
        a[c] = a[c].fillna("").astype(str).str.strip()
    a["home_lessons"] = pd.to_numeric(a.get("home_lessons", 0), errors="coerce").fillna(0).astype(int)
    if "rural_service_years" in a.columns:
        a["rural_service_years"] = pd.to_numeric(a["rural_service_years"], errors="coerce")
    a.index = pd.RangeIndex(2, len(a) + 2)
    return a


def _json(o):
    if hasattr(o, "item"):
        return o.item()
    return str(o)
