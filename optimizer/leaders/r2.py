"""R2 (target): vacant rural leader posts go first to reserve leaders from urban schools (move `promote`).

Reserve leaders (teachers flagged reserve_leader, not retiring) may take a leader post that may end up
vacant: one not held by a leader who can only stay. Rural reserve leaders may be promoted too when
policy.promote_rural_reserve is set. A promoted reserve leader becomes a vice-principal; only with
policy.promote_reserve_to_principal may they take a vacant principal post directly (principal posts are
otherwise filled by principals who move). With policy.leader_level_match a reserve leader is promoted only
into a school of the level group of their own school. The objective rewards each filled post (R8) and, on
top, each urban reserve leader placed at a rural school (weights.r2_urban_reserve), so urban reserve leaders
come first for rural posts.

A vice-principal post left by a vice-principal promoted to principal (policy.promote_vice_to_principal, r8.py)
counts as open here.

Candidates per open post: the K_URBAN nearest urban reserve leaders and the K_ANY nearest eligible ones,
plus their own school's open post (promotion in place), all within one level group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .context import SCALE, nearest

K_URBAN = 4  # nearest urban reserve leaders per open post
K_ANY = 4  # nearest eligible reserve leaders per open post
ALL_CANDIDATES_UP_TO = 400  # open posts x reserve leaders at most this: every pair is a candidate


def eligible(ctx) -> pd.DataFrame:
    r = ctx.reserves()
    if not ctx.pol.promote_rural_reserve:
        r = r[~r["rural"]]
    return r


def options(ctx) -> pd.DataFrame:
    res = eligible(ctx)
    cols = ["holder", "s_idx", "role", "source"]
    if res.empty:
        return pd.DataFrame(columns=cols)
    # open posts, and vice-principal posts a promoted vice-principal may leave (r8.vice_options)
    free = ctx.free + (ctx.may_free if ctx.may_free is not None else 0)
    for r in (0, 1):
        if r not in ctx.reserve_roles():
            free[:, r] = 0  # not a post a reserve leader may take (promote_reserve_to_principal)
    all_pools = np.argwhere(free > 0)  # (s_idx, role)
    locked = res[res["lock_idx"] >= 0]
    rows = []
    # A locked reserve leader can only be promoted at the locked school (the lock wins over the level group).
    for pid, s in zip(locked.index, locked["lock_idx"]):
        for role in np.flatnonzero(free[s] > 0):
            rows.append(pd.DataFrame({"holder": [pid], "s_idx": [s], "role": [role], "source": ["r2_lock"]}))
    for g in ctx.groups():
        pools = all_pools[ctx.group[all_pools[:, 0]] == g]
        res_free = res[(res["lock_idx"] < 0) & (res["group"] == g)]
        rows += _pool_options(ctx, free, pools, res_free)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def _pool_options(ctx, free: np.ndarray, pools: np.ndarray, res_free: pd.DataFrame) -> list[pd.DataFrame]:
    """Candidate (reserve leader, post) pairs among these open posts and these reserve leaders."""
    rows = []
    if len(pools) and not res_free.empty:
        if len(pools) * len(res_free) <= ALL_CANDIDATES_UP_TO:
            rows.append(pd.DataFrame({"holder": np.tile(res_free.index.to_numpy(), len(pools)),
                                      "s_idx": np.repeat(pools[:, 0], len(res_free)),
                                      "role": np.repeat(pools[:, 1], len(res_free)), "source": "r2_all"}))
        else:
            sch = ctx.schools
            lat, lon = sch["lat"].to_numpy(), sch["lon"].to_numpy()
            r_lat, r_lon = lat[res_free["s_idx"].to_numpy()], lon[res_free["s_idx"].to_numpy()]
            urban = ~res_free["rural"].to_numpy()
            for k, mask, tag in ((K_URBAN, urban, "r2_urban"), (K_ANY, np.ones(len(res_free), bool), "r2_near")):
                idx = np.flatnonzero(mask)
                if len(idx) == 0:
                    continue
                near = nearest(lat[pools[:, 0]], lon[pools[:, 0]], r_lat[idx], r_lon[idx], k)
                pi, kk = np.nonzero(near >= 0)
                rows.append(pd.DataFrame({"holder": res_free.index.to_numpy()[idx[near[pi, kk]]],
                                          "s_idx": pools[pi, 0], "role": pools[pi, 1], "source": tag}))
            # promotion in place where the reserve leader's own school has an open post
            own = res_free["s_idx"].to_numpy()
            for r in (0, 1):
                hit = free[own, r] > 0
                rows.append(pd.DataFrame({"holder": res_free.index.to_numpy()[hit], "s_idx": own[hit], "role": r,
                                          "source": "r2_own"}))
    return rows


def costs(ctx) -> np.ndarray:
    """Reward for an urban reserve leader placed at a rural school."""
    opt = ctx.options
    reserve = (opt["kind"] == "reserve").to_numpy()
    urban_to_rural = ~opt["rural_from"].to_numpy() & opt["rural_to"].to_numpy()
    return np.where(reserve & urban_to_rural, -ctx.w.r2_urban_reserve * SCALE, 0.0)


def build(m) -> None:
    """A reserve leader takes at most one post (not being promoted is always allowed)."""
    opt = m.ctx.options
    res = opt.index[opt["kind"] == "reserve"]
    for _, rows in opt.loc[res].groupby("holder", sort=False).groups.items():
        if len(rows) > 1:
            m.model.add_at_most_one(m.vars_of(rows))
