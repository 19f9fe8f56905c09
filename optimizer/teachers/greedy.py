"""A careful clerk's placement, done by hand: the benchmark baseline, and the plan of last resort when
the flow finds no placement within the quotas.

The clerk works down lists, one teacher at a time, never revisiting a decision:

1. everyone who may stay stays for now (a teacher with a reference plan takes its school if open to them);
2. a school over quota sends out its movable teachers with the fewest years there;
3. teachers finishing period 1 (by person id) go to the other area's school with the largest lesson
   gap of their subject that has a free seat (R5);
4. new hires by exam rank (degree, then person id) go into the largest gap of their subject with a
   free seat (R5);
5. exchange: the longest-serving eligible teachers move, backbone teachers first until the backbone
   share is reached, until ``exchange_share`` of the eligible have moved (R11).

Only candidate schools (see candidates.py) are considered, so the result is a valid solution hint.
"""

from __future__ import annotations

import math

import numpy as np

from ...models.schema import DEGREE_RANK
from .candidates import TeacherData, gaps


def clerk(data: TeacherData) -> np.ndarray:
    """Chosen candidate pair per movable teacher: an array over teachers, pair index or -1."""
    pol = data.sc.policy
    n_t = len(data.t)
    choice = np.full(n_t, -1, dtype=np.int64)
    start = np.searchsorted(data.p_t, np.arange(n_t), side="left")
    end = np.searchsorted(data.p_t, np.arange(n_t), side="right")
    gap = gaps(data)  # as if everyone stayed: update as teachers move
    wmul = np.where(data.s_rural, 2.0, 1.0) * np.where(data.s_mount, 1.5, 1.0)
    count = np.bincount(data.t_fixed_at[data.t_fixed_at >= 0], minlength=len(data.school_ids)).astype(np.int64)
    quota = np.where(np.isnan(data.s_quota), 10**9, data.s_quota).astype(np.int64)
    km = np.nan_to_num(data.p_km, nan=0.0)
    # Fixed teachers who were not at their school before (locks elsewhere) change the gaps.
    moved_fixed = (data.t_fixed_at >= 0) & (data.t_fixed_at != data.t_from)
    for p in np.flatnonzero(moved_fixed):
        if data.t_from[p] >= 0:
            gap[data.t_from[p], data.t_subj[p]] += data.load
        gap[data.t_fixed_at[p], data.t_subj[p]] -= data.load
    # New hires and leavers are not at their school yet in `gap`: new hires were never counted.

    def stay_pair(p):
        if data.has_ref[p]:  # a reference plan (plan --lock): its school first
            for k in range(start[p], end[p]):
                if data.p_s[k] == data.t_ref[p]:
                    return k
        for k in range(start[p], end[p]):
            if data.p_stay[k]:
                return k
        return -1

    def take(p, k):
        old = choice[p]
        if old >= 0:
            count[data.p_s[old]] -= 1
            gap[data.p_s[old], data.t_subj[p]] += data.load
        elif data.t_from[p] >= 0:
            gap[data.t_from[p], data.t_subj[p]] += data.load  # leaves the school it was counted at
        choice[p] = k
        count[data.p_s[k]] += 1
        gap[data.p_s[k], data.t_subj[p]] -= data.load

    def best(p, need_room=True, exclude_stay=False):
        top, top_key = -1, None
        j = data.t_subj[p]
        for k in range(start[p], end[p]):
            s = data.p_s[k]
            if exclude_stay and data.p_stay[k]:
                continue
            room = count[s] < quota[s] or (choice[p] == k)
            if need_room and not room:
                continue
            key = (room, gap[s, j] * wmul[s], -km[k], -s)
            if top_key is None or key > top_key:
                top, top_key = k, key
        return top

    mov = np.flatnonzero(data.movable)
    # 1. everyone who may stay stays for now (counted where they are)
    for p in mov:
        k = stay_pair(p)
        if k >= 0:
            choice[p] = k
            count[data.p_s[k]] += 1
    # 2. schools over quota send out their movable teachers with the fewest years there
    years = data.t["years_at_school"].to_numpy()
    pid = data.t["person_id"].to_numpy()
    over = set(np.flatnonzero(count > quota).tolist())
    at: dict[int, list[int]] = {}
    for p in mov:
        if data.t_from[p] in over and choice[p] >= 0:
            at.setdefault(int(data.t_from[p]), []).append(int(p))
    for s in sorted(over):
        here = sorted(at.get(s, []), key=lambda p: (years[p], pid[p]))
        for q in here:
            if count[s] <= quota[s]:
                break
            k = best(q, exclude_stay=True)
            if k >= 0:
                take(q, k)
    # 3. teachers finishing period 1, by person id; 4. then new hires by exam rank (degree, then person id)
    p1 = sorted(np.flatnonzero(data.is_p1), key=lambda p: pid[p])
    deg = data.t["degree"].map(DEGREE_RANK).to_numpy()
    new = sorted(np.flatnonzero(data.is_new), key=lambda p: (-deg[p], pid[p]))
    for p in p1 + new:
        k = best(p)
        if k < 0:
            k = best(p, need_room=False)
        if k >= 0:
            take(p, k)
    # 5. exchange by years at school, backbone first up to the backbone share
    elig = np.flatnonzero(data.is_exchange)
    target = min(math.ceil(pol.exchange_share * len(elig) - 1e-9),  # R11's floor, within its hard ceiling
                 math.floor(pol.exchange_share_max * len(elig) + 1e-9))
    target_bb = math.ceil(pol.exchange_backbone_share * target - 1e-9)
    moved = sum(1 for p in elig if choice[p] >= 0 and not data.p_stay[choice[p]])
    moved_bb = sum(1 for p in elig if choice[p] >= 0 and not data.p_stay[choice[p]] and data.backbone[p])
    by_years = sorted(elig, key=lambda p: (-years[p], pid[p]))
    for pool, goal in (([p for p in by_years if data.backbone[p]], "bb"), (by_years, "all")):
        for p in pool:
            if moved >= target or (goal == "bb" and moved_bb >= target_bb):
                break
            if choice[p] >= 0 and not data.p_stay[choice[p]]:
                continue
            k = best(p, exclude_stay=True)
            if k >= 0:
                take(p, k)
                moved += 1
                moved_bb += int(data.backbone[p])
    return choice
