"""R17 (hard where given): dormitory beds (周转宿舍) at rural schools.

Where a rural school gives ``dorm_beds``, the teachers placed there by the plan (new hires, transfers,
exchanges, period-2 moves: everyone who arrives) whose home is more than ``commute_minutes_max`` away are no
more than its beds. A home's minutes are estimated from coordinates (models/travel.py ``commute_minutes``);
a teacher whose home is unknown is not counted. A lock wins over R17 (the locked person is not counted), and
leaders who arrive from the leader stage use beds first.

Per school s with beds b_s:  fixed_s + sum of the chosen far pairs at s <= b_s. CP-SAT holds it as it stands;
the Lagrangian bound of flow.py prices each school's excess by a multiplier up to HARD, and ``within_beds``
moves the far arrivals of a school over its beds to their best other pair (their own school first), so every
plan the stage scores keeps R17 where the teachers have somewhere else to go.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...models.travel import commute_minutes, haversine_km
from .ctx import ModelCtx
from .r11 import HARD


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
        pol = data.sc.policy
        minutes = commute_minutes(data.p_km, pol.detour_factor, pol.road_speed_kmh)
        far = ~np.isnan(minutes) & (np.nan_to_num(minutes) > pol.commute_minutes_max)
        data._r17_far = (far & ~data.p_stay & (beds(data)[data.p_s] >= 0)
                         & ~(data.t_lock[data.p_t] == data.p_s))
    return data._r17_far


def setup(data, state) -> None:
    """Beds already taken (per school) by leaders arriving from the leader stage and by fixed teachers."""
    b = beds(data)
    used = np.zeros(len(data.school_ids), dtype=np.int64)
    if (b >= 0).any():
        sc, pol = data.sc, data.sc.policy
        st = sc.staff.set_index("person_id")
        a = state.a
        teachers_here = set(data.t["person_id"])  # the fixed ones are counted below
        arr = a[(a["to_school"] != a["from_school"]) & (a["to_school"] != "") & ~a.index.isin(teachers_here)]
        locked = arr.index.map(st["locked_school"]).fillna("").astype(str) == arr["to_school"].to_numpy()
        arr = arr[~np.asarray(locked)]
        s_of = {sid: i for i, sid in enumerate(data.school_ids)}
        sch = sc.schools.drop_duplicates("school_id").set_index("school_id")
        to = arr["to_school"]
        km = haversine_km(arr.index.map(st["home_lat"]).astype(float), arr.index.map(st["home_lon"]).astype(float),
                          to.map(sch["lat"]).astype(float), to.map(sch["lon"]).astype(float))
        minutes = commute_minutes(km, pol.detour_factor, pol.road_speed_kmh)
        far = ~np.isnan(minutes) & (np.nan_to_num(minutes) > pol.commute_minutes_max)
        for sid in arr["to_school"][far]:
            used[s_of[sid]] += 1
        # teachers this stage does not choose for but places elsewhere (fixed by a rule, not by a lock)
        fixed = np.flatnonzero((data.t_fixed_at >= 0) & (data.t_fixed_at != data.t_from) & (data.t_lock < 0)
                               & (b[np.maximum(data.t_fixed_at, 0)] >= 0))
        if len(fixed):
            t = data.t.iloc[fixed]
            s = data.t_fixed_at[fixed]
            km = haversine_km(t["home_lat"].to_numpy(dtype=float), t["home_lon"].to_numpy(dtype=float),
                              data.s_lat[s], data.s_lon[s])
            mins = commute_minutes(km, pol.detour_factor, pol.road_speed_kmh)
            for school in s[~np.isnan(mins) & (np.nan_to_num(mins) > pol.commute_minutes_max)]:
                used[school] += 1
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
        best = None
        for p in np.flatnonzero((sc.choice >= 0) & far[np.maximum(sc.choice, 0)]):
            if data.p_s[sc.choice[p]] not in full:
                continue
            for k in range(start[p], end[p]):
                s = int(data.p_s[k])
                if k == sc.choice[p] or (far[k] and lf[s] >= 0 and use[s] + 1 > lf[s]):
                    continue
                if not np.isnan(data.s_quota[s]) and held[s] + 1 > data.s_quota[s]:
                    continue
                new, st = sc.trial({int(p): int(k)})
                if best is None or new > best[0]:
                    best = (new, st, int(p), int(k))
        if best is None or best[0] <= sc.score:
            break
        new, st, who, k = best
        held[data.p_s[sc.choice[who]]] -= 1
        held[data.p_s[k]] += 1
        sc.commit(new, st)
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
