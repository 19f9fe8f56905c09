"""A simple greedy plan for the leader stage: the baseline the CP-SAT model is benchmarked against, and
its warm start (hint).

The options it chooses from already respect the policy switches (stage.allowed: leaders stay within their
school level group with leader_level_match; reserve leaders become principals only with
promote_reserve_to_principal), so the greedy plan does too.

1. Leaders who may move but need not (not due) keep their post, or take their post in the reference plan
   (`plan --lock`) where it has room; locked leaders take the locked post.
2. Due leaders, fewest candidates first, each take their cheapest candidate post that still has room;
   when none has room, a leader already placed in a candidate post (a due leader placed before, or a leader
   who is not due and holds it: a swap) moves on to free it (one-step repair). If one is still left without a
   post, all due leaders fall back to the R1 cyclic shift (r1.py).
3. Principal posts still open go to vice-principals who may be promoted (promote_vice_to_principal), cheapest
   first.
4. Open posts are filled by reserve leaders: seat-school principal posts of townships without a director
   first, then principal posts, then the rest; each takes the cheapest candidate not yet promoted.
"""

from __future__ import annotations

import numpy as np

from .context import PRINCIPAL


def solve(ctx, total_cost: np.ndarray) -> tuple[np.ndarray, bool]:
    """(chosen options as a boolean array, whether the plan keeps every hard rule)."""
    opt = ctx.options
    n = len(opt)
    chosen = np.zeros(n, dtype=bool)
    room = (ctx.cap - ctx.options_fixed).astype(int)
    s_arr, r_arr = opt["s_idx"].to_numpy(), opt["role"].to_numpy()
    people = ctx.people
    kind = opt["kind"].to_numpy()
    is_stay = opt["is_stay"].to_numpy()
    source = opt["source"].to_numpy()
    groups = opt.groupby("holder", sort=False).groups
    holders = opt["holder"].to_numpy()
    due = people["due"].to_dict()

    def take(i):
        chosen[i] = True
        room[s_arr[i], r_arr[i]] -= 1

    kind_of, lock_of = people["kind"].to_dict(), people["lock_idx"].to_dict()
    leaders = [h for h in groups if kind_of[h] == "leader"]
    locked = [h for h in leaders if lock_of[h] >= 0]
    locked_set = set(locked)
    for h in leaders:
        if not due[h] and h not in locked_set:
            ref = [i for i in groups[h] if "ref" in source[i].split(";") and room[s_arr[i], r_arr[i]] > 0]
            stay = ref or [i for i in groups[h] if is_stay[i]]
            if stay:
                take(stay[0])
    for h in locked:
        lk = [i for i in groups[h] if "lock" in source[i]]
        if lk and room[s_arr[lk[0]], r_arr[lk[0]]] > 0:
            take(lk[0])
        else:
            take([i for i in groups[h] if is_stay[i]][0])
    due_h = sorted((h for h in leaders if due[h]), key=lambda h: (len(groups[h]), h))
    failed = False
    movable = {h for h in leaders if h not in locked_set}
    for h in due_h:
        cand = [i for i in groups[h] if not is_stay[i] and room[s_arr[i], r_arr[i]] > 0]
        if not cand:
            cand = _repair(h, groups, holders, is_stay, room, s_arr, r_arr, movable, total_cost, chosen)
        if not cand:
            failed = True
            continue
        i = min(cand, key=lambda i: (total_cost[i], i))
        take(i)
    if failed:  # fall back to the cyclic shift for every due leader
        for h in due_h:
            for i in groups[h]:
                if chosen[i]:
                    chosen[i] = False
                    room[s_arr[i], r_arr[i]] += 1
        failed = False
        for h in due_h:
            shift = [i for i in groups[h] if "r1_shift" in source[i]]
            if shift and room[s_arr[shift[0]], r_arr[shift[0]]] > 0:
                take(shift[0])
            else:
                failed = True
    # Vice-principals into principal posts still open (their own school first: cheapest).
    vice_rows = np.flatnonzero(np.array(["vice_" in x for x in source], dtype=bool)) if n else np.zeros(0, int)
    role_of = people["role_idx"].to_dict()
    for i in vice_rows[np.argsort(total_cost[vice_rows], kind="stable")]:
        h = holders[i]
        if room[s_arr[i], r_arr[i]] <= 0 or total_cost[i] >= 0 or due[h] or h in locked_set:
            continue
        cur = [j for j in groups[h] if chosen[j]]
        if len(cur) != 1 or not is_stay[cur[0]] or role_of[h] == PRINCIPAL:
            continue
        chosen[cur[0]] = False
        room[s_arr[cur[0]], r_arr[cur[0]]] += 1
        take(i)
    # Reserve leaders into open posts.
    res_rows = np.flatnonzero(kind == "reserve")
    promoted: set = set()
    sch = ctx.schools
    seat_principal = sch["seat"].to_numpy()[s_arr] & (r_arr == PRINCIPAL)
    priority = np.where(seat_principal, 0, np.where(r_arr == PRINCIPAL, 1, 2))
    order = res_rows[np.lexsort((total_cost[res_rows], priority[res_rows]))]
    for i in order:
        if holders[i] in promoted or room[s_arr[i], r_arr[i]] <= 0 or total_cost[i] >= 0:
            continue
        take(i)
        promoted.add(holders[i])
    ok = not failed and bool((room >= 0).all()) and _r4_holds(ctx, chosen)
    return chosen, ok


def _repair(h, groups, holder_of, is_stay, room, s_arr, r_arr, movable, total_cost, chosen) -> list:
    """One-step repair: move a leader already placed in one of h's full candidate posts (a due leader placed
    before, or one who is not due and holds it) on to another of their options that still has room, which frees
    that post for h. Returns h's option that became open (or [])."""
    for i in groups[h]:
        if is_stay[i]:
            continue
        there = np.flatnonzero(chosen & (s_arr == s_arr[i]) & (r_arr == r_arr[i]))
        for j in there:
            if holder_of[j] not in movable:
                continue
            alt = [k for k in groups[holder_of[j]] if not is_stay[k] and k != j and room[s_arr[k], r_arr[k]] > 0]
            if not alt:
                continue
            k = min(alt, key=lambda k: (total_cost[k], k))
            chosen[j] = False
            room[s_arr[j], r_arr[j]] += 1
            chosen[k] = True
            room[s_arr[k], r_arr[k]] -= 1
            return [i]
    return []


def _r4_holds(ctx, chosen) -> bool:
    opt = ctx.options
    sch = ctx.schools
    seat = sch["seat"].to_numpy()
    has = set(sch["township"].to_numpy()[seat & (ctx.options_fixed[:, PRINCIPAL] > 0)])
    sel = opt[chosen & (opt["role"].to_numpy() == PRINCIPAL) & seat[opt["s_idx"].to_numpy()]]
    has |= set(sch["township"].to_numpy()[sel["s_idx"].to_numpy()])
    return has >= set(sch["township"])
