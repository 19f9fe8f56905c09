"""R6 (hard) in the leader stage: a public-funded person with fewer than public_funded_rural_years rural years
(context column r6_bound) at a rural school is never moved or promoted into an urban post, whatever role they
take, except into the urban period of their own bundle (finishing contract period 1, R5). A lock wins over R6.
A rural reserve leader kept from open urban posts by R6 is told so in their reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import r2


def allowed(ctx, opt: pd.DataFrame) -> np.ndarray:
    """Per option: R6 allows it (not bound, not from a rural school, into a rural post, or their own bundle)."""
    people = ctx.people
    holder = opt["holder"]
    rural_to = ctx.schools["rural"].to_numpy()[opt["s_idx"].to_numpy()]
    rural_from = holder.map(people["rural"]).to_numpy(dtype=bool)
    bound = holder.map(people["r6_bound"]).to_numpy(dtype=bool)
    return ~(bound & rural_from & ~rural_to) | holder.map(people["p1"]).to_numpy(dtype=bool)


def sentence(ctx, w, p: dict) -> str:
    return w("leader_r6", years=f"{p['rural_years']:g}", asks=f"{ctx.pol.public_funded_rural_years:g}")


def blocked_reserves(ctx, final: pd.DataFrame, w) -> dict:
    """person_id -> row of each eligible rural reserve leader bound by R6 (not locked, not finishing period 1),
    not promoted, while leader posts open to reserve leaders lay in urban schools of their level group: they stay
    a teacher at their school, and the reason says R6 kept them from those posts."""
    res = r2.eligible(ctx)
    res = res[res["r6_bound"] & res["rural"] & ~res["p1"] & (res["lock_idx"] < 0) & ~res.index.isin(final.index)]
    if res.empty:
        return {}
    free = ctx.free + (ctx.may_free if ctx.may_free is not None else 0)
    open_posts = free[:, ctx.reserve_roles()].sum(axis=1) > 0
    urban_open = open_posts & ~ctx.schools["rural"].to_numpy()
    rows = {}
    for pid, q in res.iterrows():
        if not (urban_open & (ctx.group == q["group"])).any():
            continue
        here = w.school(str(ctx.schools.at[int(q["s_idx"]), "school_id"]))
        rows[pid] = {"role_after": "teacher", "to_school": str(q["school"]), "move": "stay", "director_of": "",
                     "rules": "R2;R6", "reason": w.join(w("reserve_stays", school=here), sentence(ctx, w, q))}
    return rows
