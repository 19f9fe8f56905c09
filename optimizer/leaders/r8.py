"""R8, leader-post part: no school ends with more principals or vice-principals than its posts (hard);
vacant posts are filled where a candidate exists (maximised), principal posts first.

The teacher stage adds the staffing-quota part to the same compliance row (it reads state.compliance["R8"]).
"""

from __future__ import annotations

import numpy as np

from .context import PRINCIPAL, ROLE_WORDS, SCALE

PRINCIPAL_POST_FACTOR = 2  # a filled principal post counts twice a vice-principal post: every school needs a head


def build(m) -> None:
    """Hard: per school and role, people placed there <= posts (those who simply stay are counted in)."""
    ctx = m.ctx
    opt = ctx.options
    room = ctx.cap - ctx.options_fixed
    for (s, r), rows in opt.groupby(["s_idx", "role"], sort=True).groups.items():
        limit = int(room[s, r])
        vs = m.vars_of(rows)
        if limit <= 0:
            for v in vs:
                m.model.add(v == 0)
        elif limit < len(vs):
            if limit == 1:
                m.model.add_at_most_one(vs)
            else:
                m.model.add(sum(vs) <= limit)


def costs(ctx) -> np.ndarray:
    """Reward per filled post; a leader who steps down from principal to vice leaves a principal post."""
    opt = ctx.options
    factor = np.where(opt["role"].to_numpy() == PRINCIPAL, PRINCIPAL_POST_FACTOR, 1)
    leader = (opt["kind"] == "leader").to_numpy()
    held = np.where(opt["holder"].map(ctx.people["role_idx"]).to_numpy() == PRINCIPAL, PRINCIPAL_POST_FACTOR, 1)
    gain = np.where(leader, factor - held, factor)
    return -ctx.w.leader_post_filled * SCALE * gain


def report(ctx, state, occupancy: np.ndarray) -> None:
    """occupancy: (n_schools, 2) leaders after the plan."""
    sch = ctx.schools
    over = np.argwhere(occupancy > ctx.cap)
    gap = np.maximum(ctx.cap - occupancy, 0)
    n_p, n_v = int(gap[:, PRINCIPAL].sum()), int(gap[:, 1].sum())
    state.kpi_extra["leader_posts_unfilled"] = n_p + n_v
    state.kpi_extra["principal_posts_unfilled"] = n_p
    lines = []
    for s, r in np.argwhere(gap > 0):
        lines.append(f"{sch.at[s, 'name']} ({sch.at[s, 'school_id']}): {gap[s, r]} {ROLE_WORDS[r]} post"
                     f"{'s' if gap[s, r] > 1 else ''}")
    if lines:
        shown = "; ".join(lines[:20]) + (f"; and {len(lines) - 20} more" if len(lines) > 20 else "")
        state.notes.append(f"R8: leader posts left unfilled (no candidate in reach): {shown}")
    if len(over):
        s, r = over[0]
        state.comply("R8", "not_met", f"leader posts: {sch.at[s, 'school_id']} has {occupancy[s, r]} "
                                      f"{ROLE_WORDS[r]}s for {ctx.cap[s, r]} posts")
        return
    detail = (f"leader posts: no school above its principal or vice-principal posts; {n_p} principal and "
              f"{n_v} vice-principal posts left unfilled (no principal or reserve leader in reach)")
    limits = []
    if ctx.pol.leader_level_match:
        limits.append("leaders move only within their school level group (kindergarten; compulsory; senior and "
                      "vocational)")
    if not ctx.pol.promote_reserve_to_principal:
        limits.append("reserve leaders are promoted to vice-principal only")
    if limits:
        detail += "; " + "; ".join(limits)
    state.comply("R8", "met", detail)
