"""The leader stage's CP-SAT model: one boolean per option (person, school, role), hard rules that can be
assumed, relaxed or enforced, and named objective terms.

Modes:
  strict  - every hard rule holds (the normal solve);
  explain - each hard rule is guarded by an assumption literal, no objective (find which rules conflict);
  relaxed - each hard rule is guarded by a literal whose falsity costs RELAX_PENALTY (best plan that
            breaks as few hard rules as possible).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

RELAX_PENALTY = 10_000_000  # cost of breaking one hard rule in the relaxed plan; dwarfs every soft goal
# The office's own locks are broken last: a lock is an explicit decision for this plan, so when a lock and
# a rule clash the relaxed plan keeps the lock and reports the rule as not met (the notes name the lock).
RELAX_FACTOR = {"lock": 2}


@dataclass(frozen=True)
class Guard:
    """One hard-rule instance that may be assumed or relaxed: rule id, who or what, and a short label."""

    rule: str  # R1, R4, lock
    key: str  # person_id or township
    label: str  # e.g. "R1 for 张三 (P0001)"


@dataclass
class LeaderModel:
    ctx: object
    mode: str = "strict"
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: list = field(default_factory=list)  # option row -> BoolVar
    costs: dict = field(default_factory=dict)  # goal name -> int array over options (scaled)
    extra: list = field(default_factory=list)  # (goal name, coefficient, literal) for non-option terms
    guards: dict = field(default_factory=dict)  # literal index -> (Guard, literal)
    lower_bound: int | None = None  # a proven lower bound on the objective (flow.py), added as a constraint

    def __post_init__(self):
        opt = self.ctx.options
        names = (opt["holder"] + "@" + opt["school"] + ":" + opt["role_name"]).to_numpy()
        self.x = [self.model.new_bool_var(str(n)) for n in names]

    # ---- hard rules ---------------------------------------------------------------------
    def require(self, guard: Guard, constraint) -> None:
        """Add a hard rule: `constraint` is the object returned by model.add(...)."""
        if self.mode == "strict":
            return
        lit = self.model.new_bool_var(f"hold[{guard.label}]")
        constraint.only_enforce_if(lit)
        self.guards[lit.index] = (guard, lit)
        if self.mode == "relaxed":
            self.extra.append(("relaxed_hard_rules", RELAX_PENALTY * RELAX_FACTOR.get(guard.rule, 1), ~lit))

    def add_cost(self, goal: str, values) -> None:
        arr = np.rint(np.asarray(values, dtype=float)).astype(np.int64)
        if goal in self.costs:
            self.costs[goal] = self.costs[goal] + arr
        else:
            self.costs[goal] = arr

    def vars_of(self, rows) -> list:
        return [self.x[i] for i in rows]

    # ---- objective ----------------------------------------------------------------------
    def set_objective(self) -> None:
        if self.mode == "explain":
            for _, lit in self.guards.values():
                self.model.add_assumption(lit)
            return
        total = np.zeros(len(self.x), dtype=np.int64)
        for arr in self.costs.values():
            total += arr
        nz = np.flatnonzero(total)
        terms = [self.x[i] for i in nz] + [lit for _, _, lit in self.extra]
        coefs = [int(c) for c in total[nz]] + [int(c) for _, c, _ in self.extra]
        self.model.minimize(cp_model.LinearExpr.weighted_sum(terms, coefs))
        if self.lower_bound is not None:
            # The objective's domain carries the proven bound, so CP-SAT starts its search from it.
            obj = self.model.proto.objective
            obj.domain.clear()
            obj.domain.extend([int(self.lower_bound) - int(obj.offset), cp_model.INT_MAX])

    def hint(self, chosen: np.ndarray) -> None:
        """Warm start: `chosen` is a boolean array over options."""
        for v, c in zip(self.x, chosen):
            self.model.add_hint(v, bool(c))

    def values(self, solver) -> np.ndarray:
        if not self.x:
            return np.zeros(0, dtype=bool)
        return solver.boolean_values(pd.Series(self.x)).to_numpy(dtype=bool)

    def breakdown(self, chosen: np.ndarray, solver=None) -> dict:
        """Objective by goal, in the policy's units (weights x counts), for the plan's explanation."""
        from .context import SCALE

        out = {g: round(float(arr[chosen].sum()) / SCALE, 2) for g, arr in self.costs.items()}
        if solver is not None:
            for goal, coef, lit in self.extra:
                out[goal] = round(out.get(goal, 0.0) + coef * solver.boolean_value(lit) / SCALE, 2)
        return out
