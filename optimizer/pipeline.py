"""Scenario -> Plan: R12, then the leader stage, the teacher stage, itinerant teaching and R13."""

from __future__ import annotations

import pandas as pd

from ..models.figures import compliance_row, plan_figures
from ..models.plan import COMPLIANCE_COLUMNS, RULE_IDS, Plan
from . import r12, r13
from .itinerant import stage as itinerant_stage
from .leaders import stage as leader_stage
from .params import SolveParams
from .state import PlanState
from .teachers import stage as teacher_stage


def plan_scenario(sc, params: SolveParams | None = None, progress=None,
                  reference: dict | None = None) -> tuple[Plan, PlanState]:
    """Run every stage on a validated scenario and return the plan and the final state.

    `reference` (person_id -> (role_after, to_school)) asks the stages to keep those outcomes where the
    hard rules allow (minimal-change re-planning)."""
    params = params or SolveParams()
    state = PlanState(sc)
    state.reference = dict(reference or {})
    steps = [
        ("R12 retirements", lambda: r12.apply(sc, state)),
        ("leaders", lambda: leader_stage.solve(sc, state, params)),
        ("teachers", lambda: teacher_stage.solve(sc, state, params)),
        ("itinerant", lambda: itinerant_stage.solve(sc, state, params)),
        ("R13 training", lambda: r13.apply(sc, state)),
    ]
    for name, step in steps:
        if progress:
            progress(name)
        step()
    return assemble(sc, state), state


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
        status, detail = compliance_row(rule, kpis, sc.policy, state.compliance.get(rule))
        rows.append({"rule": rule, "status": status, "detail": detail})
    comp = pd.DataFrame(rows, columns=COMPLIANCE_COLUMNS)
    return Plan(a, it, kpis, comp, source="optimizer")
