"""The teacher model under construction: one boolean per candidate pair, plus the objective terms.

Rule modules receive a ``ModelCtx`` and add their constraints and objective terms through it. The
objective is a maximised integer score: every weight of policy.weights is multiplied by ``SCALE`` and
rounded, so that 0.5 per km still counts. Every objective term has a readable name, so the plan can
say which wishes were not met and at what cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

# candidates.TeacherData, not imported: candidates.py imports r11.py, which imports this module
TeacherData = Any

SCALE = 100


@lru_cache(maxsize=64)
def exact_fraction(share: float) -> Fraction:
    """A policy share or ratio as the exact fraction the model holds (num / den, den <= 1000); cached, as the
    local repairs (flow.Scorer) ask for it in every trial."""
    return Fraction(share).limit_denominator(1000)


@dataclass
class ModelCtx:
    data: TeacherData
    model: cp_model.CpModel
    x: pd.Series  # bool var per candidate pair
    relaxed: dict = field(default_factory=dict)  # quotas relaxed: "R8:S0001" -> seats added (stage.shortfall)
    obj_vars: list = field(default_factory=list)
    obj_coefs: list = field(default_factory=list)
    obj_names: list = field(default_factory=list)
    # objective coefficient of each pair variable (summed by rule modules); ModelCtx.new sizes it
    x_coef: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    terms: dict = field(default_factory=dict)  # rule -> dict of named variables for reporting

    @classmethod
    def new(cls, data: TeacherData, relaxed: dict | None = None) -> ModelCtx:
        model = cp_model.CpModel()
        x = model.new_bool_var_series("x", pd.Index(np.arange(len(data.p_t))))
        return cls(data, model, x, dict(relaxed or {}), x_coef=np.zeros(len(data.p_t), dtype=np.int64))

    # ---- objective ----------------------------------------------------------------------
    def reward(self, name: str, var, weight: float) -> None:
        c = int(round(weight * SCALE))
        if c:
            self.obj_vars.append(var)
            self.obj_coefs.append(c)
            self.obj_names.append(name)

    def reward_scaled(self, name: str, var, coef: int) -> None:
        if coef:
            self.obj_vars.append(var)
            self.obj_coefs.append(int(coef))
            self.obj_names.append(name)

    def penalty(self, name: str, var, weight: float) -> None:
        self.reward(name, var, -weight)

    def objective(self):
        xs = [v for v, c in zip(self.x.values, self.x_coef) if c]
        cs = [int(c) for c in self.x_coef if c]
        return cp_model.LinearExpr.weighted_sum(xs + self.obj_vars, cs + self.obj_coefs)

    def upper(self, var) -> int:
        return int(list(self.model.proto.variables[var.index].domain)[-1])

    # ---- sums over pairs ------------------------------------------------------------------
    def pair_sum(self, idx: np.ndarray):
        if len(idx) == 0:
            return 0
        return cp_model.LinearExpr.sum(list(self.x.values[idx]))

    def count_var(self, name: str, school_mask: np.ndarray, person_mask: np.ndarray):
        """Integer variable: teachers with person_mask at schools of school_mask after the plan.

        Its domain is [people forced there, people who may be there]: tight domains keep the LP
        relaxation of the R9/R10 products close (see r9.py)."""
        c = count_form(self.data, school_mask, person_mask)
        v = self.model.new_int_var(c.lo, c.hi, name)
        self.model.add(v == c.const + self.pair_sum(c.idx))
        return v


@dataclass
class CountForm:
    """A count of teachers after the plan as a linear form over pairs: const + sum(x[idx])."""

    const: int  # fixed teachers counted
    idx: np.ndarray  # pairs that add one
    lo: int  # const + people all of whose pairs count
    hi: int  # const + people with some pair that counts

    def value(self, choice: np.ndarray, data) -> int:
        chosen = np.zeros(len(data.p_t), dtype=bool)
        chosen[choice[choice >= 0]] = True
        return self.const + int(chosen[self.idx].sum())


def count_form(data, school_mask: np.ndarray, person_mask: np.ndarray) -> CountForm:
    fixed = data.t_fixed_at >= 0
    const = int((fixed & person_mask & school_mask[np.maximum(data.t_fixed_at, 0)]).sum())
    hit = school_mask[data.p_s] & person_mask[data.p_t]
    idx = np.flatnonzero(hit)
    n_t = len(data.t)
    any_hit = np.bincount(data.p_t[idx], minlength=n_t) > 0
    pairs = np.bincount(data.p_t, minlength=n_t)
    all_hit = any_hit & (np.bincount(data.p_t[idx], minlength=n_t) == pairs)
    return CountForm(const, idx, const + int(all_hit.sum()), const + int(any_hit.sum()))


def groups(keys: np.ndarray):
    """(unique keys, list of index arrays) of the positions of each key."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), []
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    cut = np.flatnonzero(np.diff(k)) + 1
    return k[np.r_[0, cut]], np.split(order, cut)
