"""Running a CP-SAT model honestly: time limit, seed, workers, status checked, objective, bound, gap."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from .params import SolveParams

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


def make_solver(params: SolveParams, time_limit: float | None = None, **overrides) -> cp_model.CpSolver:
    """A CP-SAT solver with the run's time limit, seed and workers; `overrides` set further
    CP-SAT parameters by name (e.g. fix_variables_to_their_hinted_value=True)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit if time_limit is not None else params.time_limit)
    solver.parameters.random_seed = int(params.seed)
    solver.parameters.num_workers = int(params.workers)
    solver.parameters.log_search_progress = bool(params.log)
    if params.workers == 1:
        solver.parameters.interleave_search = False
    for name, value in overrides.items():
        setattr(solver.parameters, name, value)
    return solver


def solve(model: cp_model.CpModel, params: SolveParams, time_limit: float | None = None, **overrides):
    """Solve and return (solver, status_name, stats). stats has objective, bound, gap, solve_seconds.

    `time_limit` (at most the run's) overrides params.time_limit for one solve within a stage's budget."""
    solver = make_solver(params, time_limit, **overrides)
    t0 = time.perf_counter()
    status = solver.Solve(model)
    elapsed = time.perf_counter() - t0
    if status == cp_model.MODEL_INVALID:  # a programming error, never the user's input
        raise RuntimeError(f"CP-SAT rejected the model as invalid: {model.validate()}")
    name = STATUS.get(status, str(status))
    stats = {"status": name, "solve_seconds": round(elapsed, 3), "seed": params.seed,
             "num_workers": params.workers, "time_limit": params.time_limit}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and model.has_objective():
        obj, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
        stats.update(objective=obj, bound=bound, gap=gap(obj, bound))
    elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        stats.update(objective=0.0, bound=0.0, gap=0.0)
    else:
        stats.update(objective=None, bound=None, gap=None)
    return solver, name, stats


def gap(objective: float, bound: float) -> float:
    """Relative gap |objective - bound| / max(1, |objective|)."""
    return abs(objective - bound) / max(1.0, abs(objective))
