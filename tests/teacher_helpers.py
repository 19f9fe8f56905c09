"""Shared helpers of the teacher-stage tests: run R12 + the teacher stage on a tiny scenario."""

from __future__ import annotations

import sys
import types

try:  # the leader/itinerant stages may be mid-edit by colleagues: the teacher stage does not need them
    import rotaplan.optimizer  # noqa: F401
except ImportError:
    for _name in list(sys.modules):
        if _name.startswith("rotaplan.optimizer"):
            del sys.modules[_name]
    for _pkg in ("leaders", "itinerant"):
        _mod = types.ModuleType(f"rotaplan.optimizer.{_pkg}.stage")
        _mod.solve = lambda sc, state, params: None
        sys.modules[_mod.__name__] = _mod

from rotaplan.optimizer import r12  # noqa: E402
from rotaplan.optimizer.params import SolveParams  # noqa: E402
from rotaplan.optimizer.pipeline import assemble  # noqa: E402
from rotaplan.optimizer.state import PlanState  # noqa: E402
from rotaplan.optimizer.teachers import stage  # noqa: E402
from rotaplan.validator import check_plan  # noqa: E402

MINE = {"contract", "R5", "R6", "R8", "R9", "R10", "R11", "coverage"}


def run_teachers(sc, time_limit: float = 5.0, workers: int = 1, check: bool = True):
    state = PlanState(sc)
    state.a = state.a.copy()
    r12.apply(sc, state)
    stage.solve(sc, state, SolveParams(time_limit=time_limit, workers=workers, seed=0))
    plan = assemble(sc, state)
    if check:
        hard = [v for v in check_plan(sc, plan) if v.hard and v.rule in MINE]
        assert not hard, [str(v) for v in hard]
    return state, plan


def row(state, pid):
    return state.a.loc[pid]
