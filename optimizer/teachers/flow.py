"""The placement as a min-cost flow, and a proven bound of the exact model by Lagrangian relaxation.

Without the R9/R10 ratios and the R11 shares, the placement is a flow problem: each movable teacher
sends one unit through one candidate pair to the (school, subject) node, then through that school's
quota arc to the sink. Coverage is concave (the k-th teacher of a subject covers min(load, gap left)
lessons), so it is a chain of unit arcs with non-increasing gains; surplus teachers pay the subject-mix
cost. Pair values are the soft goals (moves, commute, preferences: soft.py). Its optimum is exact.

The R9/R10 deficits, R11 shortfalls and the hard R11 ceiling and R15 floors are penalised, each >= max(0, a
linear form of the pairs) (r9.py, r10.py, r11.py, r15.py ``forms``). For multipliers 0 <= lambda_k <= weight_k,

    max F(x) - sum_k w_k D_k(x)  <=  max_x F(x) - sum_k lambda_k form_k(x)      (x in the flow polytope)

and the right side is one min-cost flow with adjusted pair values: every flow solved is a proven upper
bound of the exact model, and its placement a feasible plan whose exact score (``evaluate``) is a lower
bound. ``lagrangian`` minimises the bound over lambda by projected subgradient steps (Polyak), keeping
the best plan and the least bound; the gap between them is what the stage reports.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from ..params import SolveParams
from . import budget, coverage, r9, r10, r11, r15, r17, soft
from .candidates import TeacherData
from .ctx import SCALE

COST_SCALE = 8  # flow costs in 1/8 of a score unit, so rounded multiplier prices stay within 1/16 a person


class FlowNet:
    """The placement network of one scenario, built once; ``solve(pair_value)`` runs it."""

    def __init__(self, data: TeacherData, extra: dict[int, int] | None = None):
        """`extra`: seats added to a school's quota (stage.shortfall: the seats short where quotas conflict)."""
        self.data = data
        n_t, n_s = len(data.t), len(data.school_ids)
        self.people = np.unique(data.p_t)
        ch = coverage.chains(data)
        pk = data.p_s * data.n_subj + data.t_subj[data.p_t]
        p_node = np.full(n_t, -1, dtype=np.int64)
        p_node[self.people] = np.arange(len(self.people))
        g0 = len(self.people)
        s0 = g0 + len(ch.keys)
        self.sink = s0 + n_s
        self.pair_tail = p_node[data.p_t]
        self.pair_head = g0 + np.searchsorted(ch.keys, pk)
        # coverage unit arcs (gain each) and one surplus arc per key
        units = np.diff(ch.off)
        key_i = np.repeat(np.arange(len(ch.keys)), units)
        s_of_key = ch.keys // data.n_subj
        sp = np.flatnonzero(ch.has_surplus)
        self.g_tail = np.concatenate([g0 + key_i, g0 + sp])
        self.g_head = np.concatenate([s0 + s_of_key[key_i], s0 + s_of_key[sp]])
        self.g_cap = np.concatenate([np.ones(len(key_i), dtype=np.int64), ch.people[sp] - units[sp]])
        self.g_cost = np.concatenate([-ch.gains, np.full(len(sp), ch.surplus, dtype=np.int64)])
        fixed_s = np.bincount(data.t_fixed_at[data.t_fixed_at >= 0], minlength=n_s)
        quota = np.where(np.isnan(data.s_quota), len(self.people), np.nan_to_num(data.s_quota) - fixed_s)
        self.s_cap = np.clip(quota, 0, len(self.people)).astype(np.int64)
        for s, n in (extra or {}).items():
            self.s_cap[s] += n
        self.n_nodes = self.sink + 1

    def least(self, idx: np.ndarray) -> int | None:
        """Fewest pairs of ``idx`` any placement within the quotas must use (a min-cost flow)."""
        value = np.zeros(len(self.data.p_t), dtype=np.int64)
        value[idx] = -1
        res = self.solve(value, 0)
        return None if res is None else -res[1]

    def solve(self, pair_value: np.ndarray, scale: int = 1):
        """(choice per teacher, flow value in 1/scale units) maximising pair values + coverage (scale 0:
        pair values only); None if the quotas cannot hold every movable teacher."""
        f = self._network(-np.asarray(pair_value, dtype=np.int64), self.g_cost * scale, extra=None)
        if f.solve() != f.OPTIMAL:
            return None
        flows = f.flows(np.arange(len(self.pair_tail)))
        choice = np.full(len(self.data.t), -1, dtype=np.int64)
        chosen = np.flatnonzero(flows > 0)
        choice[self.data.p_t[chosen]] = chosen
        return choice, -int(f.optimal_cost())

    def feasible(self) -> bool:
        """Whether the quotas can hold every movable teacher on their candidate pairs."""
        return self.solve(np.zeros(len(self.data.p_t), dtype=np.int64), 0) is not None

    def shortfall(self) -> np.ndarray:
        """Per school, the seats above its quota (R8) that the placement needs at least: a min-cost flow in which
        each quota arc has a second arc beside it costing 1 a seat, so the fewest seats in all. Zero everywhere
        when the quotas hold everyone; the schools with seats short are a set of quotas that, raised by those
        seats, make the placement feasible."""
        n_s = len(self.data.school_ids)
        f = self._network(np.zeros(len(self.pair_tail), dtype=np.int64), np.zeros(len(self.g_tail), dtype=np.int64),
                          extra=len(self.people))
        if f.solve() != f.OPTIMAL:  # cannot happen: the extra arcs take anyone with a candidate
            raise RuntimeError("the shortfall flow found no placement")
        k0 = len(self.pair_tail) + len(self.g_tail) + n_s
        return np.asarray(f.flows(np.arange(k0, k0 + n_s)), dtype=np.int64)

    def _network(self, pair_cost: np.ndarray, g_cost: np.ndarray, extra: int | None):
        """The network with the given pair and coverage costs; `extra`: a second arc of that capacity per
        school, at cost 1 a seat, beside its quota arc (for ``shortfall``)."""
        n_s = len(self.data.school_ids)
        f = min_cost_flow.SimpleMinCostFlow()
        schools = self.sink - n_s + np.arange(n_s)
        n_q = 1 if extra is None else 2
        tails = np.concatenate([self.pair_tail, self.g_tail] + [schools] * n_q)
        heads = np.concatenate([self.pair_head, self.g_head, np.full(n_s * n_q, self.sink)])
        caps = [np.ones(len(self.pair_tail), dtype=np.int64), self.g_cap, self.s_cap]
        costs = [pair_cost, g_cost, np.zeros(n_s, dtype=np.int64)]
        if extra is not None:
            caps.append(np.full(n_s, extra, dtype=np.int64))
            costs.append(np.ones(n_s, dtype=np.int64))
        f.add_arcs_with_capacity_and_unit_cost(tails, heads, np.concatenate(caps), np.concatenate(costs))
        supplies = np.zeros(self.n_nodes, dtype=np.int64)
        supplies[:len(self.people)] = 1
        supplies[self.sink] = -len(self.people)
        f.set_nodes_supplies(np.arange(self.n_nodes), supplies)
        return f


def evaluate(data: TeacherData, choice: np.ndarray) -> dict:
    """The exact model objective of a placement (scaled, as CP-SAT scores it), term by term."""
    chosen = choice[choice >= 0]
    pairs = int(soft.pair_coefficients(data)[chosen].sum())
    cov, mix = coverage.value(data, choice)
    counts = r9.count_values(data, choice)
    w = data.sc.policy.weights
    d9 = r9.value(data, counts)
    d10 = r10.value(data, counts)
    d11 = r11.value(data, choice)
    d15 = r15.value(data, counts)
    w9, w10, w11 = (int(round(x * SCALE)) for x in (w.r9_parity, w.r10_degree_ratio, w.r11_exchange))
    penalty = w9 * sum(d9.values()) + w10 * d10 + w11 * (d11["short"] + d11["short_bb"]) + r11.HARD * d11["over"]
    d17 = r17.over(data, r17.use_of(data, choice))
    hard = r11.HARD * (d11["over"] + r15.excess(data, counts) + d17)  # the hard limits the flow only prices
    penalty += hard - r11.HARD * d11["over"] + budget.weight(data) * budget.over(data, budget.moves(data, choice))
    return {"objective": pairs + cov - mix - penalty, "pairs": pairs, "coverage": cov, "subject_mix": mix,
            "r9": d9, "r10": d10, "r11": d11, "r15": d15, "r17": d17,
            "penalty": penalty, "hard": hard}


@dataclass
class Dual:
    choice: np.ndarray | None = None  # best plan found
    objective: float | None = None  # its exact score
    bound: float | None = None  # least proven upper bound
    rounds: int = 0
    multipliers: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    infeasible: bool = False


def lagrangian(data: TeacherData, net: FlowNet, deadline: float, tol: float = 1e-4, consider=None,
               max_rounds: int = SolveParams.dual_max_rounds) -> Dual:
    """Projected-subgradient minimisation of the Lagrangian bound; every flow gives a plan too.

    At most ``max_rounds`` rounds (SolveParams.dual_max_rounds), none starting after ``deadline``.
    ``consider(choice)`` may improve each plan (e.g. local repairs) before it is scored."""
    out = Dual()
    if len(data.p_t) == 0:
        ch = np.full(len(data.t), -1, dtype=np.int64)
        e = evaluate(data, ch)
        out.choice, out.objective, out.bound = ch, e["objective"], e["objective"]
        return out
    base = soft.pair_coefficients(data).astype(np.int64) * COST_SCALE
    forms = r9.forms(data) + r10.forms(data, net.least) + r11.forms(data) + r15.forms(data)
    forms += r17.forms(data) + budget.forms(data)
    weights = np.array([f.weight for f in forms], dtype=float)
    lam = np.where(weights >= r11.HARD, 0.0, 0.5 * weights)  # a hard ceiling's price starts at 0
    lam = np.array([x if f.start is None else f.start for f, x in zip(forms, lam)])
    slack = 0.5 * len(net.people) / COST_SCALE  # rounding of the priced pair values, at most 1/2 unit each
    theta, stall, last = 1.0, 0, 0.0
    best_lam = lam.copy()
    for rnd in range(max_rounds):
        t_round = time.perf_counter()
        if t_round + last > deadline and out.choice is not None:
            break  # the next round would end after the deadline

        adj = np.zeros(len(data.p_t))
        for f, mu in zip(forms, lam):
            if mu:
                np.add.at(adj, f.idx, -mu * f.coef)
        res = net.solve(base + np.round(adj * COST_SCALE).astype(np.int64), COST_SCALE)
        if res is None:
            out.infeasible = True
            return out
        choice, v = res
        bound = v / COST_SCALE + slack - float(sum(mu * f.a0 for f, mu in zip(forms, lam)))
        # the subgradient is the relaxed forms at the flow's own optimum, before any repair
        chosen = np.zeros(len(data.p_t), dtype=bool)
        chosen[choice[choice >= 0]] = True
        g = np.array([f.at(chosen) for f in forms])
        flow_choice, raw = choice, evaluate(data, choice)
        # a plan whose score before the repairs (the hard limits left out) is no better than the best plan so far
        # cannot become the best by repairs, which only trade score for the hard limits: not repaired
        if out.objective is None or raw["hard"] == 0 or raw["objective"] + raw["hard"] > out.objective:
            choice = within_ceiling(data, choice)  # R11's ceiling is hard: every plan scored keeps it
            choice = r15.within_floors(data, choice, lambda c: Scorer(data, c), make_room=False)  # R15 too
            choice = r17.within_beds(data, choice, lambda c: Scorer(data, c))  # and R17's beds
        if consider is not None:
            choice = consider(choice)
        e = raw if choice is flow_choice else evaluate(data, choice)  # no repair changed it: scored already
        improved = out.bound is None or bound < out.bound - 1e-9
        if improved:
            out.bound = math.floor(bound + 1e-9)  # the model's objective is an integer
            out.multipliers = {f.name: round(float(mu) / SCALE, 3) for f, mu in zip(forms, lam)}
            best_lam = lam.copy()
        if out.objective is None or e["objective"] > out.objective:
            out.choice, out.objective = choice, e["objective"]
        out.rounds = rnd + 1
        out.history.append((round(bound), e["objective"]))
        stall = 0 if improved else stall + 1
        last = time.perf_counter() - t_round
        if stall >= 3:  # smaller steps, from the multipliers of the least bound so far
            theta, stall, lam = theta / 2, 0, best_lam.copy()
        assert out.bound is not None and out.objective is not None  # both set by the first round
        if out.bound - out.objective <= tol * max(1.0, abs(out.objective)) or not forms:
            break
        # projected subgradient step towards the least bound (Polyak, target = best plan)
        step_dir = np.where(((lam <= 0) & (g < 0)) | ((lam >= weights) & (g > 0)), 0.0, g)
        norm = float(step_dir @ step_dir)
        if norm <= 1e-12:
            break
        t = theta * max(bound - out.objective, 1.0) / norm
        lam = np.clip(lam + t * step_dir, 0.0, weights)
    assert out.bound is not None and out.objective is not None  # max_rounds >= 1: a round ran
    if out.choice is not None and r15.excess(data, r9.count_values(data, out.choice)):
        # no round's plan kept R15 with single moves: the best one, with moves that make room at full schools
        out.choice = r15.within_floors(data, out.choice, lambda c: Scorer(data, c), make_room=True)
        out.objective = evaluate(data, out.choice)["objective"]
    if out.choice is not None and forms:
        out.choice, out.objective = improve(data, net, out.choice, deadline)
    out.objective = float(out.objective)
    out.bound = float(out.bound)  # >= objective: a plan never beats a proven bound (tests check it)
    return out


def improve(data: TeacherData, net: FlowNet, choice: np.ndarray, deadline: float, passes: int = 2):
    """Local search on a plan: each movable teacher in turn takes the pair that raises the exact score most
    (quotas kept), until a pass changes nothing or ``passes`` are done. The flow plans are optimal for their
    priced values; this recovers what rounding the prices of the ratios and the hard R11, R15 and R17 limits
    leaves. Its work is bounded by the passes, not by the clock, so the same scenario gives the same plan
    (`deadline` is kept for callers: about 0.1 ms per candidate pair and pass). Returns (plan, its score)."""
    sc = Scorer(data, choice)
    held = np.bincount(data.p_s[choice[choice >= 0]], minlength=len(data.school_ids))
    start = np.searchsorted(data.p_t, np.arange(len(data.t)), side="left")
    end = np.searchsorted(data.p_t, np.arange(len(data.t)), side="right")
    people = np.flatnonzero(end - start > 1)
    for _ in range(passes):
        changed = False
        for p in people:
            cur = int(sc.choice[p])
            if cur < 0:
                continue
            best = None
            for k in range(start[p], end[p]):
                s = int(data.p_s[k])
                if k == cur or (s != data.p_s[cur] and held[s] + 1 > net.s_cap[s]):
                    continue
                new, st = sc.trial({int(p): k})
                if new > (sc.score if best is None else best[0]):
                    best = (new, st, k)
            if best is not None:
                held[data.p_s[cur]] -= 1
                held[data.p_s[best[2]]] += 1
                sc.commit(best[0], best[1])
                changed = True
        if not changed:
            break
    return sc.choice, sc.score


@dataclass
class _Tables:
    """What a Scorer reads of every pair, teacher and coverage chain, as Python lists: a trial reads a few
    entries of each, which lists give faster than numpy's scalar indexing. Built once per data
    (``tables``), after the stage's setup, as coverage.chains is."""

    coef: list  # soft.pair_coefficients per pair
    pair_key: list  # coverage chain of each pair
    school: list  # p_s
    stay: list  # p_stay
    far: list  # r17.far_pairs
    adds: list  # per pair: what its teacher adds there to each count of r9.masks (names: ``names``)
    names: list
    is_new: list  # per teacher
    is_exchange: list
    backbone: list
    rural: list  # per school
    start: list  # per chain: offset of its first unit in ``cum``
    units: list  # per chain: its units
    cum: list  # cumulative gains of the chains' units
    surplus: int
    n_elig: int  # R11 eligible teachers
    w9: int  # scaled weights
    w10: int
    w11: int
    w_budget: int
    penalties: dict = field(default_factory=dict)  # Scorer._penalty by its arguments: trials repeat the same counts


def tables(data) -> _Tables:
    """The Scorer's tables of ``data`` (candidates.TeacherData), built at the first call and kept on it."""
    if getattr(data, "_scorer_tables", None) is not None:
        return data._scorer_tables
    ch = coverage.chains(data)
    pk = data.p_s * data.n_subj + data.t_subj[data.p_t]
    m = r9.masks(data)
    adds = np.stack([sm[data.p_s] & pm[data.p_t] for sm, pm in m.values()], axis=1).astype(np.int64)
    w = data.sc.policy.weights
    w9, w10, w11 = (int(round(x * SCALE)) for x in (w.r9_parity, w.r10_degree_ratio, w.r11_exchange))
    data._scorer_tables = _Tables(
        coef=soft.pair_coefficients(data).tolist(), pair_key=np.searchsorted(ch.keys, pk).tolist(),
        school=data.p_s.tolist(), stay=data.p_stay.tolist(), far=r17.far_pairs(data).tolist(),
        adds=list(map(tuple, adds.tolist())), names=list(m), is_new=data.is_new.tolist(),
        is_exchange=data.is_exchange.tolist(), backbone=data.backbone.tolist(), rural=data.s_rural.tolist(),
        start=ch.off[:-1].tolist(), units=np.diff(ch.off).tolist(),
        cum=np.concatenate([[0], np.cumsum(ch.gains)]).astype(np.int64).tolist(), surplus=int(ch.surplus),
        n_elig=int(data.is_exchange.sum()), w9=w9, w10=w10, w11=w11, w_budget=budget.weight(data))
    return data._scorer_tables


class Scorer:
    """The exact score of a placement, updated in O(1) per changed teacher (for local repairs)."""

    def __init__(self, data: TeacherData, choice: np.ndarray):
        self.data = data
        self.choice = choice.copy()
        self.tab = tables(data)
        self.n = np.zeros(len(self.tab.start), dtype=np.int64)
        chosen = choice[choice >= 0]
        np.add.at(self.n, np.asarray(self.tab.pair_key, dtype=np.int64)[chosen], 1)
        self.counts = r9.count_values(data, choice)
        r = r11.value(data, choice)
        self.moved, self.moved_bb = r["moved"], r["moved_bb"]
        self.moves = budget.moves(data, choice)
        self.beds_left = r17.left(data).tolist()
        self.use = r17.use_of(data, choice)
        self.pen: int | None = None  # the current state's penalty (R17 apart), cached between trials
        self.score = evaluate(data, choice)["objective"]

    def _cov(self, key: int, n: int) -> int:
        t = self.tab
        units = min(n, t.units[key])
        return t.cum[t.start[key] + units] - t.cum[t.start[key]] - (n - units) * t.surplus

    def _penalty(self, counts, moved, moved_bb, moves) -> int:
        """The exact score's penalties (R17 apart) of these counts: a function of them alone, kept by them."""
        d, t = self.data, self.tab
        key = (*counts.values(), moved, moved_bb, moves)
        pen = t.penalties.get(key)
        if pen is None:
            r = r11.shortfalls(d.sc.policy, t.n_elig, moved, moved_bb)
            pen = (t.w9 * sum(r9.value(d, counts).values()) + t.w10 * r10.value(d, counts)
                   + t.w11 * (r["short"] + r["short_bb"]) + r11.HARD * r["over"]
                   + r11.HARD * r15.excess(d, counts) + t.w_budget * budget.over(d, moves))
            t.penalties[key] = pen
        return pen

    def trial(self, moves: dict) -> tuple[int, tuple]:
        """Score if each teacher p in ``moves`` took pair moves[p]; and the state to ``commit``."""
        t = self.tab
        delta = 0
        dn: dict = {}
        counts = dict(self.counts)
        moved, moved_bb, n_moves = self.moved, self.moved_bb, self.moves
        du: dict = {}  # R17: far arrivals per school
        for p, k in moves.items():
            old = int(self.choice[p])
            s_old, s_new = t.school[old], t.school[k]
            if t.far[old]:
                du[s_old] = du.get(s_old, 0) - 1
            if t.far[k]:
                du[s_new] = du.get(s_new, 0) + 1
            if not t.is_new[p]:
                n_moves += int(not t.stay[k]) - int(not t.stay[old])
            delta += t.coef[k] - t.coef[old]
            dn[t.pair_key[old]] = dn.get(t.pair_key[old], 0) - 1
            dn[t.pair_key[k]] = dn.get(t.pair_key[k], 0) + 1
            for name, a, b in zip(t.names, t.adds[k], t.adds[old]):
                if a != b:
                    counts[name] += a - b
            if t.is_exchange[p]:
                step = int(t.rural[s_new]) - int(t.rural[s_old])  # exchanged: at a rural school
                moved += step
                moved_bb += step * int(t.backbone[p])
        for key, c in dn.items():
            if c:
                n = int(self.n[key])
                delta += self._cov(key, n + c) - self._cov(key, n)
        if self.pen is None:
            self.pen = self._penalty(self.counts, self.moved, self.moved_bb, self.moves)
        old_pen = self.pen
        new_pen = self._penalty(counts, moved, moved_bb, n_moves)
        for s, c in du.items():
            if c and self.beds_left[s] >= 0:
                u, cap = int(self.use[s]), self.beds_left[s]
                new_pen += r11.HARD * (max(0, u + c - cap) - max(0, u - cap))
        return self.score + delta - (new_pen - old_pen), (moves, dn, counts, moved, moved_bb, n_moves, du)

    def commit(self, new_score: int, state: tuple) -> None:
        moves, dn, counts, moved, moved_bb, n_moves, du = state
        for s, c in du.items():
            self.use[s] += c
        for p, k in moves.items():
            self.choice[p] = k
        for key, c in dn.items():
            self.n[key] += c
        self.counts, self.moved, self.moved_bb, self.moves, self.score = counts, moved, moved_bb, n_moves, new_score
        self.pen = None  # the penalty of the new state: computed at the next trial


def within_ceiling(d, choice: np.ndarray) -> np.ndarray:
    """The placement with exchanges above the ceiling undone: the surplus movers whose return home costs the
    exact score least go back to their stay pair, where their own school's quota has a seat."""
    n = int(d.is_exchange.sum())
    if n == 0 or len(d.p_t) == 0:
        return choice
    over = r11.value(d, choice)["over"]
    if over <= 0:
        return choice
    stay_of = np.full(len(d.t), -1, dtype=np.int64)
    stay_of[d.p_t[d.p_stay]] = np.flatnonzero(d.p_stay)
    movers = [p for p in np.flatnonzero(d.is_exchange & (choice >= 0) & (stay_of >= 0)) if d.s_rural[d.p_s[choice[p]]]]
    sc = Scorer(d, choice)
    held = np.bincount(np.concatenate([d.t_fixed_at[d.t_fixed_at >= 0], d.p_s[choice[choice >= 0]]]),
                       minlength=len(d.school_ids))
    cost = sorted((sc.score - sc.trial({int(p): int(stay_of[p])})[0], int(p)) for p in movers)
    out = choice.copy()
    for _, p in cost:
        if over <= 0:
            break
        s = int(d.t_from[p])
        if not np.isnan(d.s_quota[s]) and held[s] + 1 > d.s_quota[s]:
            continue
        held[s] += 1
        held[d.p_s[out[p]]] -= 1
        out[p] = stay_of[p]
        over -= 1
    return out
