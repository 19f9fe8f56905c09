"""The plan being built: every person's assignment and itinerant stops, stage by stage, and the compliance rows.

Stages decide rows here and return their solver figures, KPI figures and notes as a StageResult
(results.py); the pipeline copies those figures into `solver` and `kpi_extra` for `assemble` only."""

from __future__ import annotations

import pandas as pd

from ..models.plan import ASSIGNMENT_COLUMNS, ITINERANT_COLUMNS


def posting_text(col: pd.Series) -> list[str]:
    """R16 posting_until as the plan writes it: the year, or "" for nobody on a posting."""
    return ["" if pd.isna(v) else str(int(v)) for v in pd.to_numeric(col, errors="coerce")]


class PlanState:
    """Assignments indexed by person_id. Stages read it and set the rows they decide."""

    def __init__(self, sc, lang: str = "en"):
        st = sc.staff
        a = pd.DataFrame({
            "person_id": st["person_id"].to_numpy(),
            "name": st["name"].to_numpy(),
            "role_before": st["role"].to_numpy(),
            "role_after": st["role"].to_numpy(),
            "from_school": st["school_id"].to_numpy(),
            "to_school": st["school_id"].to_numpy(),
            "move": "stay",
            "period2_school": "",
            "director_of": "",
            "home_lessons": 0,
            "rules": "",
            "reason": "",
            "rural_service_years": st["rural_service_years"].to_numpy(),
            "retire_date": "",
            # R16: postings carried from the scenario; the teacher stage writes new ones and clears ended ones
            "home_school": st["home_school"].fillna("").astype(str).to_numpy() if "home_school" in st.columns else "",
            "posting_until": (posting_text(st["posting_until"]) if "posting_until" in st.columns else ""),
        })
        a.index = pd.Index(st["person_id"].to_numpy(), name="pid")
        self.a = a[ASSIGNMENT_COLUMNS].copy(deep=True)
        self.itinerant = pd.DataFrame(columns=ITINERANT_COLUMNS)
        self.compliance: dict[str, tuple[str, str]] = {}
        # Filled by pipeline.record from the stages' results (stages never write them): assemble reads them.
        self.solver: dict[str, dict] = {}
        self.kpi_extra: dict[str, object] = {}
        # Minimal-change re-planning (`plan --lock`): person_id -> (role_after, to_school) to keep if legal.
        self.reference: dict[str, tuple[str, str]] = {}
        # The language every stage writes its reasons in (optimizer/reasons.py): --lang, else the policy's lang.
        self.lang = lang

    def set(self, pid: str, **fields) -> None:
        for k, v in fields.items():
            self.a.at[pid, k] = v

    def set_many(self, rows: pd.DataFrame) -> None:
        """rows: indexed by person_id, columns a subset of the assignment columns."""
        for col in rows.columns:
            self.a.loc[rows.index, col] = rows[col].to_numpy()

    def add_rule(self, pid: str, rule: str) -> None:
        cur = [r for r in str(self.a.at[pid, "rules"]).split(";") if r]
        if rule not in cur:
            cur.append(rule)
        self.a.at[pid, "rules"] = ";".join(cur)

    def comply(self, rule: str, status: str, detail: str) -> None:
        assert status in ("met", "not_met", "exempted"), status
        self.compliance[rule] = (status, detail)

    def retired(self) -> pd.Series:
        return self.a["move"] == "retire"
