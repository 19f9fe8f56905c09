"""Scenario -> Plan: R12, then the leader stage, the teacher stage, itinerant teaching and R13, each returning its
StageResult; `plan_scenario` returns them with the plan as a PlanResult."""

from __future__ import annotations

import pandas as pd

from ..models.figures import compliance_row, plan_figures
from ..models.plan import COMPLIANCE_COLUMNS, RULE_IDS, Plan
from . import r12, r13
from .itinerant import stage as itinerant_stage
from .leaders import stage as leader_stage
from .params import SolveParams
from .reasons import plan_lang
from .results import PlanResult, StageResult, solver_section
from .state import PlanState
from .teachers import stage as teacher_stage


def plan_scenario(sc, params: SolveParams | None = None, progress=None,
                  reference: dict | None = None) -> PlanResult:
    """Run every stage on a validated scenario: the plan, each stage's result and the notes.

    `reference` (person_id -> (role_after, to_school)) asks the stages to keep those outcomes where the
    hard rules allow (minimal-change re-planning)."""
    params = params or SolveParams()
    state = PlanState(sc, lang=plan_lang(params, sc.policy))
    state.reference = dict(reference or {})
    steps = [
        ("R12 retirements", lambda: r12.apply(sc, state)),
        ("leaders", lambda: leader_stage.solve(sc, state, params)),
        ("teachers", lambda: teacher_stage.solve(sc, state, params)),
        ("itinerant", lambda: itinerant_stage.solve(sc, state, params)),
        ("R13 training", lambda: r13.apply(sc, state)),
    ]
    results: dict[str, StageResult] = {}
    for name, step in steps:
        if progress:
            progress(name)
        res = step()
        results[res.stage] = res
    record(state, results)
    notes = tuple(line for res in results.values() for line in res.notes)
    return PlanResult(assemble(sc, state), results, notes)


def record(state: PlanState, results: dict[str, StageResult]) -> None:
    """Copy the stages' KPI figures and solver figures where `assemble` reads them."""
    for res in results.values():
        state.kpi_extra.update(res.kpis)
    state.solver = solver_section(results)


def assemble(sc, state: PlanState) -> Plan:
    """The plan from the final state: every figure of kpis.json and compliance.csv is computed here from the
    plan's rows (models/figures.py); the stages add only what they alone know (solver figures, the most R1x
    crossings the posts allow, relaxations and time limits in their compliance notes)."""
    a = state.a.reset_index(drop=True)
    a["home_lessons"] = a["home_lessons"].astype(int)
    it = state.itinerant.reset_index(drop=True)
    kpis = plan_figures(sc, a, it, stage_facts=state.kpi_extra)
    kpis["solver"] = state.solver
    rows = []
    for rule in RULE_IDS:
        status, detail = compliance_row(rule, kpis, sc.policy, state.compliance.get(rule), state.lang)
        rows.append({"rule": rule, "status": status, "detail": detail})
    comp = pd.DataFrame(rows, columns=COMPLIANCE_COLUMNS)
    return Plan(a, it, kpis, comp, source="optimizer")
