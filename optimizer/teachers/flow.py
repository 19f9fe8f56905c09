"""A min-cost-flow warm start: the core of the placement solved exactly as a flow, in seconds.

Without R9/R10 products and envy, the placement is a flow problem: each movable teacher sends one unit
through one candidate pair to the (school, subject) node, then through that school's quota arc to the
sink. Coverage is concave (the k-th teacher of a subject covers min(load, gap left) lessons), so it is a
chain of unit arcs with decreasing gains; surplus teachers pay the subject-mix penalty. Pair costs are
the soft goals (moves, commute, preferences, see soft.py).

The targets the flow cannot hold exactly are steered by linear prices, only for the warm start (the
CP-SAT model holds them exactly): R9/R10 parity by the first-order change of each deficit when a
teacher joins or leaves a rural compulsory school, R11 by a bonus per exchanged eligible teacher,
bisected so that the exchange share is just reached. The result is a solution hint for CP-SAT.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.graph.python import min_cost_flow

from . import coverage, r11, soft
from .candidates import TeacherData
from .ctx import SCALE, groups

BISECTION_STEPS = 6


def upper_bound(data: TeacherData) -> int | None:
    """Proven bound on the model's objective: the flow without R9-R11 and envy penalties (all <= 0)."""
    if len(data.p_t) == 0:
        return 0
    res = _solve(data, soft.pair_coefficients(data).astype(np.int64), value=True)
    return None if res is None else res[1]


def warm_start(data: TeacherData) -> np.ndarray | None:
    """Chosen pair per teacher (-1: not movable), or None when the flow is infeasible (quotas)."""
    if len(data.p_t) == 0:
        return np.full(len(data.t), -1, dtype=np.int64)
    pol = data.sc.policy
    soft_value = soft.pair_coefficients(data).astype(np.int64)
    first = _solve(data, soft_value)
    if first is None:
        return None
    prices = _parity_prices(data)
    # parity prices are first-order and overshoot: damp them to the least share that reaches parity
    mu_lo, mu_hi, best_mu = 0.0, 1.0, 1.0
    if deficits(data, first) > 0 and prices.any():
        for _ in range(BISECTION_STEPS):
            mid = (mu_lo + mu_hi) / 2
            c = _solve(data, soft_value + np.round(mid * prices).astype(np.int64))
            if c is not None and deficits(data, c) == 0:
                mu_hi = best_mu = mid
            else:
                mu_lo = mid
    else:
        best_mu = 0.0
    base = soft_value + np.round(best_mu * prices).astype(np.int64)
    elig_move = data.is_exchange[data.p_t] & ~data.p_stay
    bb_move = elig_move & data.backbone[data.p_t]
    goal = r11.target(int(data.is_exchange.sum()), pol.exchange_share)
    w = int(round(pol.weights.r11_exchange * SCALE))
    n_elig_bb = int((data.is_exchange & data.backbone).sum())
    bb_goal = math.ceil(pol.exchange_backbone_share * goal - 1e-9)

    def run(lam: int, lam_bb: int):
        return _solve(data, base + lam * elig_move + lam_bb * bb_move)

    lo, hi = 0, 2 * w + int(round(pol.weights.move * SCALE))
    best = run(0, 0)
    if best is None:
        return None
    if goal > 0:
        moved = _moved(data, best)
        if moved < goal:
            top = run(hi, hi if n_elig_bb else 0)
            if top is not None:
                best_ok = top
                for _ in range(BISECTION_STEPS):
                    mid = (lo + hi) // 2
                    c = run(mid, mid if n_elig_bb else 0)
                    if c is not None and _moved(data, c) >= goal:
                        hi, best_ok = mid, c
                    else:
                        lo = mid
                best = best_ok
        # backbone share among the exchanged
        mv, mb = _moved(data, best), _moved(data, best, backbone=True)
        if n_elig_bb and mb < math.ceil(pol.exchange_backbone_share * mv - 1e-9):
            c = run(hi, hi + w)
            if c is not None and _moved(data, c, backbone=True) >= bb_goal:
                best = c
    return best


def deficits(data, choice) -> int:
    """Teachers short of R9 parity (three ratios) and of the R10 ratio, summed, for a placement."""
    school_of = data.t_fixed_at.copy()
    ok = choice >= 0
    school_of[ok] = data.p_s[choice[ok]]
    at = school_of >= 0
    s = np.maximum(school_of, 0)
    comp_r = at & (data.compulsory & data.s_rural)[s]
    comp_u = at & (data.compulsory & ~data.s_rural)[s]
    kg_r = at & (data.kindergarten & data.s_rural)[s]
    kg_u = at & (data.kindergarten & ~data.s_rural)[s]
    ratio = float(data.sc.policy.degree_ratio_max)
    total = 0
    for attr, r, u, div in ((data.district_bb, comp_r, comp_u, 1.0), (data.bachelor, comp_r, comp_u, 1.0),
                            (data.associate, kg_r, kg_u, 1.0), (data.bachelor, comp_r, comp_u, ratio)):
        if u.sum() == 0 or r.sum() == 0:
            continue
        need = attr[u].sum() * r.sum() / (u.sum() * div) - attr[r].sum()
        total += max(0, math.ceil(need - 1e-9))
    return total


def _moved(data, choice, backbone=False) -> int:
    e = data.is_exchange & (choice >= 0)
    if backbone:
        e &= data.backbone
    idx = np.flatnonzero(e)
    return int((~data.p_stay[choice[idx]]).sum())


def _parity_prices(data) -> np.ndarray:
    """Linear price (scaled) of each pair for the R9/R10 deficits, first order around the current state."""
    w = data.sc.policy.weights
    comp_r = data.compulsory & data.s_rural
    comp_u = data.compulsory & ~data.s_rural
    kg_r = data.kindergarten & data.s_rural
    kg_u = data.kindergarten & ~data.s_rural
    cur = data.t_from
    at = cur >= 0
    price = np.zeros(len(data.p_t))

    def share(school_mask, attr):
        m = at & school_mask[np.maximum(cur, 0)]
        return attr[m].mean() if m.any() else 0.0

    ratio = float(data.sc.policy.degree_ratio_max)
    for attr, rmask, umask, weight, div in ((data.district_bb, comp_r, comp_u, w.r9_parity, 1.0),
                                            (data.bachelor, comp_r, comp_u, w.r9_parity, 1.0),
                                            (data.associate, kg_r, kg_u, w.r9_parity, 1.0),
                                            (data.bachelor, comp_r, comp_u, w.r10_degree_ratio, ratio)):
        su, sr = share(umask, attr), share(rmask, attr)
        if su / div <= sr:
            continue  # no deficit now: no price
        a = attr[data.p_t].astype(float)
        delta = su / div - a  # change of the deficit per teacher joining the rural group
        into = rmask[data.p_s].astype(float)
        out_of = np.where(data.t_from[data.p_t] >= 0, rmask[np.maximum(data.t_from[data.p_t], 0)], False)
        price -= weight * delta * (into - out_of.astype(float))
    return np.round(price * SCALE).astype(np.int64)


def _solve(data, pair_value: np.ndarray, value: bool = False):
    """Max-value flow placement for the given pair values; None if the quotas cannot hold everyone."""
    n_t, n_s = len(data.t), len(data.school_ids)
    people = np.unique(data.p_t)
    pk = data.p_s * data.n_subj + data.t_subj[data.p_t]
    keys, idxs = groups(pk)
    # node numbering: people, (school, subject) groups, schools, sink
    p_node = np.full(n_t, -1, dtype=np.int64)
    p_node[people] = np.arange(len(people))
    g0 = len(people)
    g_node = {k: g0 + i for i, k in enumerate(keys.tolist())}
    s0 = g0 + len(keys)
    sink = s0 + n_s
    f = min_cost_flow.SimpleMinCostFlow()
    tails, heads, caps, costs = [p_node[data.p_t]], [np.array([g_node[k] for k in pk.tolist()])], \
        [np.ones(len(pk), dtype=np.int64)], [-pair_value.astype(np.int64)]
    fixed = data.fixed_counts()
    dem = dict(zip(data.d_key.tolist(), data.d_lessons.tolist()))
    wcov = coverage.weight(data)
    w_surplus = int(round(data.sc.policy.weights.move * coverage.SURPLUS_WEIGHT_FACTOR * SCALE))
    gt, gh, gc, gk = [], [], [], []
    for key, idx in zip(keys.tolist(), idxs):
        s, j = divmod(key, data.n_subj)
        demand = dem.get(key, 0)
        b = int(fixed[s, j])
        room = max(math.ceil(demand / data.load) - b, 0)
        n = len(idx)
        for k in range(min(room, n)):
            g = min(data.load, demand - data.load * (b + k))
            gt.append(g_node[key]), gh.append(s0 + s), gc.append(1), gk.append(-int(round(g * wcov[s] * SCALE)))
        if n > room:
            gt.append(g_node[key]), gh.append(s0 + s), gc.append(n - room), gk.append(w_surplus)
    tails.append(np.array(gt, dtype=np.int64)), heads.append(np.array(gh, dtype=np.int64))
    caps.append(np.array(gc, dtype=np.int64)), costs.append(np.array(gk, dtype=np.int64))
    fixed_s = np.bincount(data.t_fixed_at[data.t_fixed_at >= 0], minlength=n_s)
    room_s = np.where(np.isnan(data.s_quota), len(people), np.nan_to_num(data.s_quota) - fixed_s)
    room_s = np.clip(room_s, 0, len(people)).astype(np.int64)
    tails.append(s0 + np.arange(n_s)), heads.append(np.full(n_s, sink)), caps.append(room_s)
    costs.append(np.zeros(n_s, dtype=np.int64))
    t_all, h_all = np.concatenate(tails), np.concatenate(heads)
    c_all, k_all = np.concatenate(caps), np.concatenate(costs)
    f.add_arcs_with_capacity_and_unit_cost(t_all, h_all, c_all, k_all)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:len(people)] = 1
    supplies[sink] = -len(people)
    f.set_nodes_supplies(np.arange(sink + 1), supplies)
    if f.solve() != f.OPTIMAL:
        return None
    flows = f.flows(np.arange(len(pk)))
    choice = np.full(n_t, -1, dtype=np.int64)
    chosen = np.flatnonzero(flows > 0)
    choice[data.p_t[chosen]] = chosen
    return (choice, -int(f.optimal_cost())) if value else choice
