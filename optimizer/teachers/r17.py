"""R17 (hard where given): dormitory beds (周转宿舍) at rural schools.

Where a rural school gives ``dorm_beds``, the teachers placed there by the plan (new hires, transfers,
exchanges, period-2 moves: every teacher who arrives) whose home is more than ``commute_minutes_max`` away are
no more than its beds. A home's minutes are estimated from coordinates (models/travel.py ``commute_minutes``);
a teacher whose home is unknown is not counted. A lock wins over R17 (the locked person is not counted), and
leaders are not teachers: they take no bed under R17.

Per school s with beds b_s:  fixed_s + sum of the chosen far pairs at s <= b_s. CP-SAT holds it as it stands;
the Lagrangian bound of flow.py prices each school's excess by a multiplier up to HARD, and ``within_beds``
moves the far arrivals of a school over its beds to their best other pair (their own school first), so every
plan the stage scores keeps R17 where the teachers have somewhere else to go.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...models.travel import beyond_commute, haversine_km
from .ctx import ModelCtx
from .r11 import HARD
from .repair import make_room as room_for


def beds(data) -> np.ndarray:
    """Beds per school (-1: none given, or not a rural school)."""
    if not hasattr(data, "_r17_beds"):
        col = data.sc.schools.set_index("school_id").reindex(data.school_ids).get("dorm_beds")
        b = (pd.to_numeric(col, errors="coerce").to_numpy(dtype=float) if col is not None
             else np.full(len(data.school_ids), np.nan))
        data._r17_beds = np.where(np.isnan(b) | ~data.s_rural, -1, np.nan_to_num(b)).astype(np.int64)
    return data._r17_beds


def far_pairs(data) -> np.ndarray:
    """Per pair: an arrival at a school with beds from a home farther than commute_minutes_max (not a lock)."""
    if not hasattr(data, "_r17_far"):
        far = beyond_commute(data.p_km, data.sc.policy)
        data._r17_far = (far & ~data.p_stay & (beds(data)[data.p_s] >= 0)
                         & ~(data.t_lock[data.p_t] == data.p_s))
    return data._r17_far


def setup(data, state) -> None:
    """Beds already taken (per school) by teachers a rule fixes at a rural school with beds (not a lock): this
    stage does not choose for them. Leaders are not teachers and take no bed under R17."""
    b = beds(data)
    used = np.zeros(len(data.school_ids), dtype=np.int64)
    fixed = np.flatnonzero((data.t_fixed_at >= 0) & (data.t_fixed_at != data.t_from) & (data.t_lock < 0)
                           & (b[np.maximum(data.t_fixed_at, 0)] >= 0))
    if len(fixed):
        t = data.t.iloc[fixed]
        s = data.t_fixed_at[fixed]
        km = haversine_km(t["home_lat"].to_numpy(dtype=float), t["home_lon"].to_numpy(dtype=float),
                          data.s_lat[s], data.s_lon[s])
        np.add.at(used, s[beyond_commute(km, data.sc.policy)], 1)
    data.r17_used = used


def left(data) -> np.ndarray:
    """Beds left per school for this stage's choice (-1: no limit)."""
    b = beds(data)
    return np.where(b >= 0, b - getattr(data, "r17_used", 0), -1)


def over(data, use: np.ndarray) -> int:
    """Teachers above the beds, summed over schools, for far-arrival counts `use` per school."""
    lf = left(data)
    lim = lf >= 0
    return int(np.maximum(0, use[lim] - lf[lim]).sum())


def use_of(data, choice: np.ndarray) -> np.ndarray:
    chosen = choice[choice >= 0]
    chosen = chosen[far_pairs(data)[chosen]]
    return np.bincount(data.p_s[chosen], minlength=len(data.school_ids))


def forms(data) -> list:
    from .r9 import Form

    lf = left(data)
    far = far_pairs(data)
    out = []
    for s in np.flatnonzero(lf >= 0):
        idx = np.flatnonzero(far & (data.p_s == s))
        if len(idx) > lf[s]:
            out.append(Form(f"R17 teachers above the dormitory beds of {data.school_ids[s]}", HARD, float(-lf[s]),
                            idx, np.ones(len(idx))))
    return out


def build(ctx: ModelCtx) -> None:
    d = ctx.data
    lf = left(d)
    far = far_pairs(d)
    for s in np.flatnonzero(lf >= 0):
        idx = np.flatnonzero(far & (d.p_s == s))
        if len(idx) > lf[s]:
            ctx.model.add(ctx.pair_sum(idx) <= max(0, int(lf[s])))


def within_beds(data, choice: np.ndarray, scorer_of) -> np.ndarray:
    """Far arrivals at a school over its beds moved to their best other pair (the exact score, hard rules priced
    by HARD, decides; their own school's quota is kept)."""
    lf = left(data)
    if not (lf >= 0).any() or len(data.p_t) == 0 or over(data, use_of(data, choice)) == 0:
        return choice
    far = far_pairs(data)
    sc = scorer_of(choice)
    held = np.bincount(np.concatenate([data.t_fixed_at[data.t_fixed_at >= 0], data.p_s[choice[choice >= 0]]]),
                       minlength=len(data.school_ids))
    start = np.searchsorted(data.p_t, np.arange(len(data.t)), side="left")
    end = np.searchsorted(data.p_t, np.arange(len(data.t)), side="right")
    for _ in range(len(data.t)):
        use = use_of(data, sc.choice)
        full = np.flatnonzero((lf >= 0) & (use > lf))
        if len(full) == 0:
            break
        def quota_full(s: int) -> bool:
            return not np.isnan(data.s_quota[s]) and held[s] + 1 > data.s_quota[s]

        best = None
        stuck = []  # (teacher, their pairs at quota-full schools): tried below with room made there
        for p in np.flatnonzero((sc.choice >= 0) & far[np.maximum(sc.choice, 0)]):
            if data.p_s[sc.choice[p]] not in full:
                continue
            blocked = []
            for k in range(start[p], end[p]):
                s = int(data.p_s[k])
                if k == sc.choice[p] or (far[k] and lf[s] >= 0 and use[s] + 1 > lf[s]):
                    continue
                if quota_full(s):
                    blocked.append(k)
                    continue
                new, st = sc.trial({int(p): int(k)})
                if best is None or new > best[0]:
                    best = (new, st, {int(p): int(k)})
            stuck.append((int(p), blocked))
        if best is None or best[0] <= sc.score:
            for who, blocked in stuck:  # no single move helps: one teacher at a full school moves on
                two = room_for(data, sc, who, blocked, start, end, quota_full)
                if two is not None and (best is None or two[0] > best[0]):
                    best = two
        if best is None or best[0] <= sc.score:
            break
        for q, k in best[2].items():
            held[data.p_s[sc.choice[q]]] -= 1
            held[data.p_s[k]] += 1
        sc.commit(best[0], best[1])
    return sc.choice


def report(data, school_of: np.ndarray, state) -> bool:
    """Compliance status for R17 (the figures: models/figures.py); True when met or nothing given."""
    lf = left(data)
    if not (beds(data) >= 0).any():
        state.comply("R17", "met", "")
        return True
    pair_of = {}
    for k in np.flatnonzero(far_pairs(data)):
        pair_of[(int(data.p_t[k]), int(data.p_s[k]))] = k
    use = np.zeros(len(data.school_ids), dtype=np.int64)
    for p, s in enumerate(school_of):
        if (int(p), int(s)) in pair_of:
            use[s] += 1
    short = [data.school_words(s) for s in np.flatnonzero((lf >= 0) & (use > lf))]
    state.comply("R17", "not_met" if short else "met",
                 data.say.note("r17", schools=data.say.list(short)) if short else "")
    return not short
