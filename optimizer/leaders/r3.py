"""R3 (target): at least young_rural_leader_share of rural leaders are aged young_age or younger.

Modelled as a weighted count, not as the exact share: weights.r3_young_rural_leader rewards each young
leader who ends at a rural school (and costs each who leaves one). The number of rural leaders barely
moves in this stage (R1 moves and R2 promotions keep posts filled), so raising the count of young rural
leaders raises the share, and the objective stays linear, which keeps the district-scale model fast.
Before, after and target are reported.
"""

from __future__ import annotations

import numpy as np

from ...models.schema import LEADER_ROLES
from ..reasons import Words
from .context import SCALE


def costs(ctx) -> np.ndarray:
    opt = ctx.options
    young = opt["holder"].map(ctx.people["young"]).to_numpy(dtype=bool)
    rural_to = opt["rural_to"].to_numpy().astype(int)
    # A leader already counts at their school; a reserve leader is not yet a leader anywhere.
    rural_before = np.where((opt["kind"] == "leader").to_numpy(), opt["rural_from"].to_numpy().astype(int), 0)
    return np.where(young, -ctx.w.r3_young_rural_leader * SCALE * (rural_to - rural_before), 0.0)


def shares(sc, assignments) -> tuple[float | None, float | None]:
    """Young share of rural leaders before and after the plan (as in the KPI definition)."""
    area = sc.schools.set_index("school_id")["area"]
    age = sc.ages.to_numpy(dtype=float)
    young = age <= sc.policy.young_age
    st = sc.staff
    before = st["role"].isin(LEADER_ROLES).to_numpy() & (st["school_id"].map(area) == "rural").to_numpy()
    a = assignments.reindex(st["person_id"])
    after = a["role_after"].isin(LEADER_ROLES).to_numpy() & (a["to_school"].map(area) == "rural").to_numpy()

    def share(mask):
        return None if mask.sum() == 0 else round(float(young[mask].mean()), 4)

    return share(before), share(after)


def report(sc, state, log) -> None:
    """The R3 compliance row; the target as a KPI figure and the shares as a note (`log`: the stage's StageLog)."""
    before, after = shares(sc, state.a)
    target = sc.policy.young_rural_leader_share
    log.kpis["young_rural_leader_share_target"] = target
    w = Words(sc, state.lang)
    fmt = lambda v: w.note("na") if v is None else f"{v:.1%}"  # noqa: E731
    how = w.note("r3")
    status = "met" if after is not None and after >= target else "not_met"
    if after is None:
        status, how = "met", w.note("r3_none")
    state.comply("R3", status, how)  # the figures: models/figures.py
    log.note(w.note("r3_shares", before=fmt(before), after=fmt(after), target=fmt(target)))
