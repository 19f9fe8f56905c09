"""Soft goals of the teacher stage, all weighted in policy.weights (and R5's reward for the bundle school
named at hiring, r5.bundle_reward, which only the quotas outweigh):

* few moves: ``move`` per move of a teacher the rules do not require to move (new hires and teachers
  finishing period 1 must move, so their placement costs nothing);
* minimal change from a reference plan (`plan --lock`, ``data.has_ref``): for a teacher with a reference,
  ``keep_reference`` replaces ``move``: it is paid on every outcome other than the reference school
  (staying counts as a change when the reference is elsewhere), whatever the rules require of them;
* short commutes: ``commute_km`` per km from home to the school (teachers with a known home);
* ranked preferences: ``preference`` x (number ranked + 1 - rank) for getting a ranked school;
* no justified envy: ``envy`` per pair (p, q) where p ranked school s, did not get s or a school p
  ranked higher, and q moved into s with the same subject and fewer priority points
  (priority points: models/priority.py, the one formula the explanations use too);
  only schools p could have been given count (candidate schools that fit p and respect R5/R6). Envy is
  not in the optimised score (its pair products would hide the bound): ``envy.repair`` removes it after
  the solve by exchanges that keep every rule and the score, and the stage reports the pairs before and
  after (``_envy`` still builds the CP-SAT terms for ``build(ctx, envy=True)``);
* subject mix kept sound: see coverage.py (surplus teachers of a subject cost ``move`` / 2 each).
"""

from __future__ import annotations

import numpy as np

from . import r5
from .ctx import SCALE, ModelCtx, groups


def pair_coefficients(data) -> np.ndarray:
    """Objective coefficient (scaled) of each candidate pair for moves, commute, preferences and couples.

    Computed once per data, couples' cost (couples.setup sets it after candidates.build) and closed pairs (a new
    array each time the stage closes more): the exact score asks for it at every plan it scores. Read-only."""
    couples = getattr(data, "couple_cost", None)  # couples.py: a couple left in two townships
    closed = getattr(data, "p_closed", None)  # pairs a rule closed after a first plan (stage.keep_home_seats)
    cached = getattr(data, "_pair_coefficients", None)
    if cached is not None and cached[0] is couples and cached[1] is closed:
        return cached[2]
    w = data.sc.policy.weights
    voluntary = ~(data.is_new | data.is_p1)[data.p_t] & ~data.p_stay
    n_ranked = np.array([len(p) for p in data.prefs], dtype=np.int64)[data.p_t]
    pref = np.where(data.p_rank > 0, n_ranked + 1 - data.p_rank, 0)
    has_ref = data.has_ref[data.p_t]
    move = np.where(has_ref, w.keep_reference * (data.p_s != data.t_ref[data.p_t]), w.move * voluntary)
    value = (-move - w.commute_km * np.nan_to_num(data.p_km, nan=0.0) + w.preference * pref
             + r5.pair_rewards(data))  # R5: the bundle school named at hiring
    out = np.round(value * SCALE).astype(np.int64) - (0 if couples is None else couples)
    if closed is not None:
        out = np.where(closed, out - CLOSED, out)
    out.flags.writeable = False
    data._pair_coefficients = (couples, closed, out)
    return out


CLOSED = 10**9  # the cost of a closed pair: no plan takes one while any other placement is open


def build(ctx: ModelCtx, envy: bool = False) -> None:
    """Pair coefficients of the soft goals. Justified envy is not in the optimised objective by default:
    stage.py removes it after the solve with exchanges that keep every rule and do not lower the score
    (``envy.repair``), so the objective stays one whose bound flow.py can prove."""
    d = ctx.data
    ctx.x_coef += pair_coefficients(d)
    if envy:
        _envy(ctx)


def _envy(ctx: ModelCtx) -> None:
    d = ctx.data
    m = ctx.model
    w = d.sc.policy.weights.envy
    into = np.flatnonzero(~d.p_stay)  # pairs that move a teacher into a school
    key = d.p_s[into] * d.n_subj + d.t_subj[d.p_t[into]]
    keys, idxs = groups(key)
    # within each (school, subject) the incoming pairs sorted by the teacher's points
    by_key = {}
    for k, idx in zip(keys.tolist(), idxs):
        pairs = into[idx]
        order = np.argsort(d.points[d.p_t[pairs]], kind="stable")
        pairs = pairs[order]
        by_key[k] = (pairs, d.points[d.p_t[pairs]])
    start = np.searchsorted(d.p_t, np.arange(len(d.t)), side="left")
    end = np.searchsorted(d.p_t, np.arange(len(d.t)), side="right")
    envy = []
    for p in np.flatnonzero(d.has_pref):
        mine = {int(d.p_s[k]): k for k in range(start[p], end[p])}
        got = []
        for s in d.prefs[p]:
            if s not in mine:
                continue  # p could not be given s: no justified envy
            got.append(mine[s])
            entry = by_key.get(s * d.n_subj + int(d.t_subj[p]))
            if entry is None:
                continue
            pairs, pts = entry
            lower = pairs[: np.searchsorted(pts, d.points[p], side="left")]
            lower = lower[d.p_t[lower] != p]
            if len(lower) == 0:
                continue
            e = m.new_int_var(0, len(lower), f"envy: {d.t.at[p, 'person_id']} denied {d.school_ids[s]}")
            m.add(e >= ctx.pair_sum(lower) - len(lower) * ctx.pair_sum(np.array(got)))
            ctx.penalty(e.name, e, w)
            envy.append(e)
    ctx.terms["envy"] = envy


def envy_pairs(data, school_of: np.ndarray) -> int:
    """Number of justified-envy pairs of a placement (the same definition as the model's)."""
    return len(envy_list(data, school_of))


def school_of_choice(data, choice: np.ndarray) -> np.ndarray:
    school_of = data.t_fixed_at.copy()
    ok = choice >= 0
    school_of[ok] = data.p_s[choice[ok]]
    return school_of


def envy_list(data, school_of: np.ndarray) -> list[tuple[float, int, int, int]]:
    """Justified-envy pairs (points gap, p, q, school): p ranked school s above their outcome, could be
    given s, and q with fewer points moved into s to teach the same subject. Largest gaps first."""
    moved_in = (school_of >= 0) & (school_of != data.t_from)
    key = np.where(moved_in, school_of * data.n_subj + data.t_subj, -1)
    rows = np.flatnonzero(moved_in)
    keys, idxs = groups(key[moved_in])
    by_key = {k: rows[idx] for k, idx in zip(keys.tolist(), idxs)}
    start = np.searchsorted(data.p_t, np.arange(len(data.t)), side="left")
    end = np.searchsorted(data.p_t, np.arange(len(data.t)), side="right")
    out = []
    for p in np.flatnonzero(data.has_pref):
        admissible = set(data.p_s[start[p]:end[p]].tolist())
        ranked = data.prefs[p]
        mine = ranked.index(school_of[p]) if school_of[p] in ranked else len(ranked)
        for s in ranked[:mine]:
            if s not in admissible:
                continue
            for q in by_key.get(s * data.n_subj + int(data.t_subj[p]), ()):
                if data.points[q] < data.points[p]:
                    out.append((float(data.points[p] - data.points[q]), int(p), int(q), int(s)))
    out.sort(key=lambda e: (-e[0], e[1], e[2]))
    return out
