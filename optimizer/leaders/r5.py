"""R5 (hard) in the leader stage: bundled hiring holds whatever role a person takes. A person finishing contract
period 1 (contract_period 1, period_years >= term_years; context column p1) serves period 2 in the other area,
so they may be promoted (or moved) only into a post of the other area: promoted in place, or at a school of
their own area, they would escape period 2. A reserve leader not promoted serves period 2 as a teacher
(teachers/r5.py). A lock wins over R5. A leader finishing period 1 who keeps their post is reported against R5
(models/figures.py) and told so in their reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...models.travel import haversine_km


def allowed(ctx, opt: pd.DataFrame) -> np.ndarray:
    """Per option: R5 allows it (not finishing period 1, or a post of the other area)."""
    people = ctx.people
    rural_to = ctx.schools["rural"].to_numpy()[opt["s_idx"].to_numpy()]
    rural_from = opt["holder"].map(people["rural"]).to_numpy(dtype=bool)
    return ~opt["holder"].map(people["p1"]).to_numpy(dtype=bool) | (rural_to != rural_from)


def sentence(ctx, w, p: dict, s_to: int, here: str) -> str:
    """The R5 sentence of a person finishing period 1: their post lies in the other area, or R5 is not met."""
    rural_to = bool(ctx.schools["rural"].to_numpy()[s_to])
    key = "leader_r5_across" if rural_to != bool(p["rural"]) else "leader_r5_stays"
    return w(key, school=here, area=w.area(not p["rural"]))


def period2(ctx, p: dict, s_to: int) -> str:
    """The period-2 school of a leader or promoted reserve leader continuing contract period 1: their bundle
    school while it is of the other area than their post after the plan, else the nearest school of the other
    area in the level group of that post (else of any group); "" for everyone else."""
    if not p["p1_cont"]:
        return ""
    sch = ctx.schools
    rural = sch["rural"].to_numpy()
    b = ctx.sidx.get(str(p["bundle"]), -1)
    if b >= 0 and rural[b] != rural[s_to]:
        return str(sch.at[b, "school_id"])
    other = rural != rural[s_to]
    group = sch["level_group"].to_numpy()
    cand = np.flatnonzero(other & (group == group[s_to]))
    if len(cand) == 0:
        cand = np.flatnonzero(other)
    if len(cand) == 0:
        return ""
    lat, lon = sch["lat"].to_numpy(), sch["lon"].to_numpy()
    km = haversine_km(lat[s_to], lon[s_to], lat[cand], lon[cand])
    return str(sch.at[int(cand[np.lexsort((cand, km))][0]), "school_id"])
