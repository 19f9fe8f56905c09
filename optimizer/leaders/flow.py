"""The leader assignment as a min-cost flow: exact for every hard rule and every option-level goal, and
solved in well under a second at district scale.

Without the envy goal the leader stage is a transportation problem: each leader sends one unit to one of
their options (R1 removes a due leader's stay arc, a lock keeps only the locked arc), each reserve leader
sends one unit to an option or straight to the sink (not promoted), each post pool passes at most its
room to the sink (R8), and the seat-school principal pools of a township at risk pass through a township
node that must carry at least one unit (R4: a flow lower bound). Such a network has integral optimal
flows, so its optimum is the optimum of the CP-SAT model without the envy terms. Envy terms cost >= 0,
so that optimum is also a valid lower bound for the full model.

The arcs are the stage's options, which already respect the policy switches (stage.allowed: a leader's
posts lie in the level group of their school with leader_level_match; reserve leaders reach principal posts
only with promote_reserve_to_principal), so the flow plan does too, in the relaxed network as well.

The stage uses it as CP-SAT's warm start and as a bound constraint on the objective: with no justified-
envy pair to weigh, CP-SAT confirms the flow plan as optimal at once; with some, it starts from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

from .context import PRINCIPAL
from .model import RELAX_FACTOR, RELAX_PENALTY


def solve(ctx, cost: np.ndarray, relaxed: bool = False) -> tuple[np.ndarray | None, int | None]:
    """(chosen options, optimal cost) of the plan without envy; (None, None) when infeasible.

    relaxed: the hard rules may break at the model's price (model.RELAX_PENALTY): a due leader's stay
    arc and a locked leader's other arcs cost the penalty, and a township may go without a seat-school
    principal through a relief arc that costs it. The relaxed network is always feasible.
    """
    opt = ctx.options
    people = ctx.people
    n = len(opt)
    if n == 0:
        return np.zeros(0, dtype=bool), 0
    holders = pd.Index(opt["holder"].unique())
    h_of = holders.get_indexer(opt["holder"])
    pools = opt["s_idx"].to_numpy() * 2 + opt["role"].to_numpy()
    pool_ids, p_of = np.unique(pools, return_inverse=True)
    n_h, n_p = len(holders), len(pool_ids)
    sch = ctx.schools
    seat = sch["seat"].to_numpy()
    town_of = sch["township"].to_numpy()

    # Arcs allowed in the strict plan.
    due = opt["holder"].map(people["due"]).to_numpy(dtype=bool)
    is_stay = opt["is_stay"].to_numpy()
    src = opt["source"].to_numpy()
    kind = opt["kind"].to_numpy()
    locked = opt["holder"].map(people["lock_idx"]).to_numpy() >= 0
    lock_arc = np.array(["lock" in s for s in src])
    r1_arc = due & is_stay
    unlocked_arc = (kind == "leader") & locked & ~lock_arc
    if relaxed:
        allowed = np.ones(n, dtype=bool)
        cost = (cost + r1_arc * (RELAX_PENALTY * RELAX_FACTOR.get("R1", 1))
                + unlocked_arc * (RELAX_PENALTY * RELAX_FACTOR.get("lock", 1))).astype(np.int64)
    else:
        allowed = ~r1_arc & ~unlocked_arc

    # Townships at risk for R4: seat principal pools route through a township node with lower bound 1.
    fixed_seat = pd.Series(ctx.options_fixed[:, PRINCIPAL] * seat).groupby(town_of).sum()
    p_school, p_role = pool_ids // 2, pool_ids % 2
    p_town = np.where(seat[p_school] & (p_role == PRINCIPAL), town_of[p_school], "")
    risk_towns = sorted({t for t in p_town if t and fixed_seat.get(t, 0) == 0})
    all_towns = set(town_of)
    # A township at risk with no seat pool among the options cannot get a director.
    no_seat_pool = [t for t in all_towns if fixed_seat.get(t, 0) == 0 and t not in risk_towns]
    if no_seat_pool and not relaxed:
        return None, None
    unavoidable = len(no_seat_pool) * RELAX_PENALTY * RELAX_FACTOR.get("R4", 1)
    t_index = {t: i for i, t in enumerate(risk_towns)}
    n_t = len(risk_towns)
    relief = n_h + n_p + n_t + 1  # relaxed plans only: a township may do without a director, at a price
    sink = n_h + n_p + n_t

    room = (ctx.cap - ctx.options_fixed).ravel()[pool_ids]
    room = np.maximum(room, 0)
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    caps: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    a_opt = np.flatnonzero(allowed)
    starts.append(h_of[a_opt])
    ends.append(n_h + p_of[a_opt])
    caps.append(np.ones(len(a_opt), dtype=np.int64))
    costs.append(cost[a_opt])
    first_pool_arc = len(a_opt)
    via = np.array([t_index.get(t, -1) if t else -1 for t in p_town])
    starts.append(n_h + np.arange(n_p))
    ends.append(np.where(via >= 0, n_h + n_p + via, sink))
    caps.append(room.astype(np.int64))
    costs.append(np.zeros(n_p, dtype=np.int64))
    # township -> sink, lower bound 1 (capacity less one; the unit is moved into the supplies)
    t_room = np.zeros(n_t, dtype=np.int64)
    np.add.at(t_room, via[via >= 0], room[via >= 0])
    starts.append(n_h + n_p + np.arange(n_t))
    ends.append(np.full(n_t, sink))
    caps.append(np.maximum(t_room - 1, 0))
    costs.append(np.zeros(n_t, dtype=np.int64))
    # reserve leaders may stay teachers
    res_h = np.flatnonzero(holders.map(people["kind"]).to_numpy() == "reserve")
    starts.append(res_h)
    ends.append(np.full(len(res_h), sink))
    caps.append(np.ones(len(res_h), dtype=np.int64))
    costs.append(np.zeros(len(res_h), dtype=np.int64))
    if relaxed:
        starts += [np.full(n_t, relief), np.array([relief])]
        ends += [n_h + n_p + np.arange(n_t), np.array([sink])]
        caps += [np.ones(n_t, dtype=np.int64), np.array([n_t])]
        costs += [np.full(n_t, RELAX_PENALTY * RELAX_FACTOR.get("R4", 1), dtype=np.int64), np.array([0])]
    elif (t_room < 1).any():
        return None, None

    f = min_cost_flow.SimpleMinCostFlow()
    starts, ends = [np.asarray(a) for a in starts], [np.asarray(a) for a in ends]
    caps, costs = [np.asarray(a) for a in caps], [np.asarray(a) for a in costs]
    f.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(starts).astype(np.int32), np.concatenate(ends).astype(np.int32),
        np.concatenate(caps).astype(np.int64), np.concatenate(costs).astype(np.int64))
    n_nodes = relief + 1 if relaxed else sink + 1
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[:n_h] = 1
    supply[n_h + n_p:n_h + n_p + n_t] = -1
    supply[sink] = -(n_h - n_t)
    if relaxed:
        supply[relief] = n_t
        supply[sink] -= n_t
    f.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supply)
    if f.solve() != f.OPTIMAL:
        return None, None
    flows = f.flows(np.arange(first_pool_arc, dtype=np.int32))
    chosen = np.zeros(n, dtype=bool)
    chosen[a_opt[flows > 0]] = True
    return chosen, int(f.optimal_cost()) + (unavoidable if relaxed else 0)
