"""R1x (maximised): as many due leaders as the posts allow cross the urban-rural line.

Objective: a reward of weights.r1x_crossing for each due leader whose new school is in the other area.
Candidates: besides the nearest posts across the line (r1.py), `options` solves, per role and direction,
a small transport problem from the schools of due leaders to the open posts across the line (as many
crossings as possible, then the shortest distance) and adds its pairs as candidates. Nearest-post
pruning alone loses crossings, because the few urban posts are all nearest to the same rural leaders
near town; with the transport pairs the pruned model can reach the most possible.

Reported against the most possible: a small transport problem over (role, area) aggregates: due leaders
by role and area are supplied, posts open to them by role and area absorb them (open = posts not held by
a leader who is not due, less those taken by locks), every due leader must be placed, and crossings are
maximised. The real plan has more constraints (own school excluded, R4, locks), so it cannot do better:
this is an upper bound the office can compare against. With policy.leader_level_match both run per school
level group (leaders cross the line only into posts of their own level group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from .. import sat
from ..params import SolveParams
from .context import ROLE_NAMES, SCALE, haversine_matrix
from .r1 import acceptable_roles

AREAS = ("urban", "rural")
MAX_TRANSPORT_ARCS = 4_000_000  # origin schools x open posts per role and direction; beyond, no extra candidates
UNCROSSED_COST = 10**7  # cost of a due leader not crossing in the transport problem (>> any km)


def options(ctx) -> pd.DataFrame:
    """Candidate posts across the line from a max-crossing, min-distance transport (see the docstring)."""
    people = ctx.people
    due = people[people["due"]]
    sch = ctx.schools
    lat, lon, rural = sch["lat"].to_numpy(), sch["lon"].to_numpy(), sch["rural"].to_numpy()
    free = ctx.free
    group = ctx.group
    out = []
    for role, g in ((role, g) for role in (0, 1) for g in ctx.groups()):
        grp = due[(due["role_idx"] == role) & (due["group"] == g)]
        for target in acceptable_roles(ctx, role):
            for area in (False, True):
                who = grp[grp["rural"] == area]
                posts = np.flatnonzero((free[:, target] > 0) & (rural != area) & (group == g))
                if who.empty or len(posts) == 0:
                    continue
                origins, count = np.unique(who["s_idx"].to_numpy(), return_counts=True)
                if len(origins) * len(posts) > MAX_TRANSPORT_ARCS:
                    continue
                flows = _transport(origins, count, posts, free[posts, target], lat, lon)
                # hand each origin's crossings to its due leaders in person order
                by_origin = who.sort_values("person_id").groupby("s_idx").groups
                for o, p, n in flows:
                    for pid in list(by_origin[origins[o]])[:n]:
                        out.append((pid, posts[p], target))
                    by_origin[origins[o]] = list(by_origin[origins[o]])[n:] + list(by_origin[origins[o]])[:n]
    df = pd.DataFrame(out, columns=["holder", "s_idx", "role"])
    df["source"] = "r1x_transport"
    return df


def _transport(origins, count, posts, room, lat, lon) -> list[tuple[int, int, int]]:
    """(origin i, post j, units) of a max-crossing, min-km transport from origin schools to posts."""
    n_o, n_p = len(origins), len(posts)
    km = np.rint(haversine_matrix(lat[origins], lon[origins], lat[posts], lon[posts]) * 10).astype(np.int64)
    oi, pj = np.divmod(np.arange(n_o * n_p), n_p)
    sink = n_o + n_p
    starts = np.concatenate([oi, n_o + np.arange(n_p), np.arange(n_o)])
    ends = np.concatenate([n_o + pj, np.full(n_p, sink), np.full(n_o, sink)])
    caps = np.concatenate([np.minimum(count[oi], room[pj]), room, count]).astype(np.int64)
    costs = np.concatenate([km.ravel(), np.zeros(n_p, np.int64), np.full(n_o, UNCROSSED_COST, np.int64)])
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(starts.astype(np.int32), ends.astype(np.int32), caps, costs)
    supply = np.concatenate([count, np.zeros(n_p, np.int64), [-int(count.sum())]]).astype(np.int64)
    f.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supply)
    if f.solve() != f.OPTIMAL:
        return []
    flow = f.flows(np.arange(n_o * n_p, dtype=np.int32))
    hit = np.flatnonzero(flow > 0)
    return [(int(oi[k]), int(pj[k]), int(flow[k])) for k in hit]


def costs(ctx) -> np.ndarray:
    opt = ctx.options
    due = opt["holder"].map(ctx.people["due"]).to_numpy(dtype=bool)
    crosses = opt["rural_to"].to_numpy() != opt["rural_from"].to_numpy()
    return np.where(due & crosses & ~opt["is_stay"].to_numpy(), -ctx.w.r1x_crossing * SCALE, 0.0)


@dataclass(frozen=True)
class MostPossible:
    """The most crossings the open posts allow (see the module docstring): what the plan is reported against.

    `status` "optimal": proven the most possible. Otherwise a solve ran out of time and `total` is still a valid
    upper bound, but possibly a looser one ("feasible": CP-SAT's proven bound; "unknown": no answer in time, the
    relaxation's bound or, failing that, every due leader counted as crossing); the split by direction is then
    that of the best solution found, not a bound."""

    total: int
    urban_to_rural: int
    rural_to_urban: int
    status: str = "optimal"
    seconds: float = 0.0

    @property
    def proven(self) -> bool:
        return self.status == "optimal"


_RANK = {"optimal": 0, "feasible": 1, "unknown": 2}


def most_possible(ctx, params: SolveParams) -> MostPossible:
    """Upper bound on crossings, solved with the run's parameters (time limit, seed, workers)."""
    people = ctx.people
    due = people[people["due"]]
    if due.empty:
        return MostPossible(0, 0, 0)
    rural = ctx.schools["rural"].to_numpy()
    group = ctx.group
    locked_in = np.zeros_like(ctx.cap)
    lk = people[(people["kind"] == "leader") & (people["lock_idx"] >= 0) & (people["lock_idx"] != people["s_idx"])]
    np.add.at(locked_in, (lk["lock_idx"].to_numpy(), lk["role_idx"].to_numpy()), 1)
    open_posts = np.maximum(ctx.cap - ctx.fixed - locked_in, 0)
    best = {"total": 0, "urban_to_rural": 0, "rural_to_urban": 0}
    status, seconds = "optimal", 0.0
    for g in ctx.groups():  # leaders stay within their level group (one group without leader_level_match)
        d = due[due["group"] == g]
        supply = {(r, a): int(((d["role_idx"] == r) & (d["rural"] == bool(a))).sum()) for r in (0, 1) for a in (0, 1)}
        room = {(r, a): int(open_posts[(rural == bool(a)) & (group == g), r].sum()) for r in (0, 1) for a in (0, 1)}
        if sum(supply.values()) == 0:
            continue
        found, st, sec = _most_crossings(ctx, supply, room, params)
        for key, n in found.items():
            best[key] += n
        status = max(status, st, key=_RANK.__getitem__)
        seconds += sec
    return MostPossible(best["total"], best["urban_to_rural"], best["rural_to_urban"], status, round(seconds, 3))


def _most_crossings(ctx, supply: dict, room: dict, params: SolveParams) -> tuple[dict, str, float]:
    """Most crossings for due leaders `supply[(role, rural)]` into open posts `room[(role, rural)]`: (counts,
    status, seconds). First with every due leader placed; where that is infeasible, with some left unplaced
    (a relaxation, so still an upper bound)."""
    status_out, seconds = "optimal", 0.0
    for all_placed in (True, False):
        m = cp_model.CpModel()
        flow, cross = {}, []
        for (r, a), n in supply.items():
            for r2 in acceptable_roles(ctx, r):
                for a2 in (0, 1):
                    f = m.new_int_var(0, n, f"f{r}{a}{r2}{a2}")
                    flow[r, a, r2, a2] = f
                    if a2 != a:
                        cross.append(f)
            out = sum(f for k, f in flow.items() if k[:2] == (r, a))
            m.add(out == n) if all_placed else m.add(out <= n)
        for (r2, a2), cap in room.items():
            m.add(sum(f for k, f in flow.items() if k[2:] == (r2, a2)) <= cap)
        m.maximize(sum(cross))
        solver, status, stats = sat.solve(m, params)
        seconds += stats["solve_seconds"]
        if status == "infeasible":
            continue  # proven: not every due leader can be placed; the relaxation below gives the bound
        if status in ("optimal", "feasible"):
            split = {
                "urban_to_rural": int(sum(solver.value(f) for k, f in flow.items() if k[1] == 0 and k[3] == 1)),
                "rural_to_urban": int(sum(solver.value(f) for k, f in flow.items() if k[1] == 1 and k[3] == 0)),
            }
            if status == "optimal":
                return {"total": int(solver.objective_value), **split}, status_out, seconds
            return {"total": int(math.floor(solver.best_objective_bound + 1e-6)), **split}, "feasible", seconds
        status_out = "unknown"  # no answer in time: the relaxation may still give a bound
    # Nothing solved in time: every due leader crossing is the only bound known.
    return ({"total": sum(supply.values()), "urban_to_rural": sum(n for (_, a), n in supply.items() if a == 0),
             "rural_to_urban": sum(n for (_, a), n in supply.items() if a == 1)}, "unknown", seconds)


def stay_in_area_reason(ctx, w, p: dict, final_room: np.ndarray, mine) -> str:
    """Why a due leader (`p`, their facts; `mine`, their options) rotated within their own area, in the words of
    `w` (optimizer/reasons.py)."""
    rural = ctx.schools["rural"].to_numpy()
    other_area = AREAS[0] if p["rural"] else AREAS[1]
    other = w.area(other_area)
    roles = acceptable_roles(ctx, int(p["role_idx"]))
    role_words = w("or").join(w.role(ROLE_NAMES[r]) for r in roles)
    across = (rural != bool(p["rural"])) & (ctx.group == ctx.group[int(p["s_idx"])])
    left_anywhere = int(sum(final_room[across, r].sum() for r in roles))
    if left_anywhere == 0:
        kind = other
        if ctx.pol.leader_level_match:
            level = w.level_group(str(ctx.schools.at[int(p["s_idx"]), "level_group"]))
            kind = f"{other}{level}" if w.zh else f"{other} {level}"
        if not w.zh:
            kind = ("an " if kind[0] in "aeiou" else "a ") + kind
        return w("r1x_no_post", roles=role_words, kind=kind)
    mine = mine[mine["rural_to"] != bool(p["rural"])]
    room_in_reach = [s for s, r in zip(mine["s_idx"], mine["role"]) if final_room[s, r] > 0]
    if not room_in_reach:
        return w("r1x_out_of_reach", other=other, roles=role_words, left=left_anywhere)
    return w("r1x_open_but", other=other, school=w.school(str(ctx.schools.at[int(room_in_reach[0]), "school_id"])))
