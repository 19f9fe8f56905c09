"""The yearly move budget (soft goal): at most max_moves_share of current staff change school (models/figures.py
``move_budget``, the one definition the plan reports); new hires and retirements are not counted.

The leader stage and the fixed placements (R5 bundles, locks) have decided some moves before this stage; what
is left of the budget is shared by the movable teachers. Each move above the budget costs
``weights.move_budget`` on top of the per-move cost:

    over >= decided - budget + sum of the chosen pairs that move a current teacher

a linear form, priced exactly by the Lagrangian bound of flow.py (``forms``) and kept as it stands in CP-SAT.
The plan reports the moves against the budget, and how many of them hard rules required.
"""

from __future__ import annotations

import numpy as np

from ...models.figures import move_budget
from .ctx import SCALE, ModelCtx


def decided(data, state) -> int:
    """Moves of current staff decided outside this stage's choice: leaders, promotions, fixed teachers."""
    a = state.a
    teachers = set(data.t["person_id"])
    other = a[~a.index.isin(teachers) & (a["move"] != "retire") & (a["from_school"] != "")]
    n = int((other["to_school"] != other["from_school"]).sum())
    fixed = (data.t_fixed_at >= 0) & (data.t_from >= 0) & (data.t_fixed_at != data.t_from)
    return n + int(fixed.sum())


def setup(data, state) -> None:
    """Record on `data` the budget left for this stage (call once, after candidates.build)."""
    data.budget_left = move_budget(data.sc) - decided(data, state)


def _left(data) -> int | None:
    return getattr(data, "budget_left", None)


def moving_pairs(data) -> np.ndarray:
    """Pairs that move a current (not newly hired) teacher away from their school."""
    return np.flatnonzero(~data.p_stay & ~data.is_new[data.p_t])


def moves(data, choice: np.ndarray) -> int:
    chosen = choice[choice >= 0]
    return int((~data.p_stay[chosen] & ~data.is_new[data.p_t[chosen]]).sum())


def over(data, n_moves: int) -> int:
    left = _left(data)
    return 0 if left is None else max(0, n_moves - left)


def weight(data) -> int:
    return int(round(data.sc.policy.weights.move_budget * SCALE))


def forms(data) -> list:
    from .r9 import Form

    left = _left(data)
    w = weight(data)
    if left is None or w == 0:
        return []
    idx = moving_pairs(data)
    return [Form("moves above the yearly budget", w, float(-left), idx, np.ones(len(idx)))]


def build(ctx: ModelCtx) -> None:
    d = ctx.data
    left = _left(d)
    if left is None or weight(d) == 0:
        return
    idx = moving_pairs(d)
    v = ctx.model.new_int_var(0, max(0, len(np.unique(d.p_t[idx])) - min(left, 0)), "moves above the yearly budget")
    ctx.model.add(v >= ctx.pair_sum(idx) - left)
    ctx.penalty(v.name, v, d.sc.policy.weights.move_budget)
    ctx.terms["budget"] = v
