"""Shared helpers of the teacher-stage tests: run R12 + the teacher stage on a tiny scenario."""

from __future__ import annotations

from rotaplan.optimizer import r12
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.pipeline import assemble, record
from rotaplan.optimizer.state import PlanState
from rotaplan.optimizer.teachers import stage
from rotaplan.validator import check_plan

MINE = {"contract", "R5", "R6", "R8", "R9", "R10", "R11", "R15", "R16", "R17", "coverage"}


def run_teachers(sc, time_limit: float = 5.0, workers: int = 1, check: bool = True):
    """(state, plan, the stage's StageResult); the plan's kpis hold the stage's figures as in a whole plan."""
    state = PlanState(sc)
    r12.apply(sc, state)
    res = stage.solve(sc, state, SolveParams(time_limit=time_limit, workers=workers, seed=0))
    record(state, {"teachers": res})
    plan = assemble(sc, state)
    if check:
        hard = [v for v in check_plan(sc, plan) if v.hard and v.rule in MINE]
        assert not hard, [str(v) for v in hard]
    return state, plan, res


def row(state, pid):
    return state.a.loc[pid]
