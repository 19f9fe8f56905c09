"""R8, leader-post part: no school ends with more principals or vice-principals than its posts (hard);
vacant posts are filled where a candidate exists (maximised), principal posts first.

With policy.promote_vice_to_principal a vice-principal (not exempt, not locked) may be promoted to a principal
post left open (by a retirement, a principal who rotates or moves on, or one that was unfilled): at their own
school (not for a due vice-principal, who must leave it under R1), or at one of the K_VICE nearest schools of
their level group with such a post (a move there costs weights.move, unless R1 requires the move anyway). Their
vice-principal post then falls vacant and may go to a reserve leader (R2: `ctx.may_free`).

The teacher stage adds the staffing-quota part to the same compliance row (it reads state.compliance["R8"]).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .context import PRINCIPAL, ROLE_WORDS, SCALE, VICE, nearest

PRINCIPAL_POST_FACTOR = 2  # a filled principal post counts twice a vice-principal post: every school needs a head
K_VICE = 4  # nearest vice-principals (of other schools) proposed for each open principal post
ALL_VICE_UP_TO = 400  # open principal posts x vice-principals at most this: every pair is a candidate


def vice_options(ctx) -> pd.DataFrame:
    """Vice-principal -> open principal post candidates (promote_vice_to_principal); sets ctx.may_free."""
    cols = ["holder", "s_idx", "role", "source"]
    people = ctx.people
    vp = people[(people["kind"] == "leader") & (people["role_idx"] == VICE) & ~people["exempt"]
                & (people["locked"] == "")]
    if not ctx.pol.promote_vice_to_principal or vp.empty:
        return pd.DataFrame(columns=cols)
    sch = ctx.schools
    lat, lon = sch["lat"].to_numpy(), sch["lon"].to_numpy()
    open_p = ctx.free[:, PRINCIPAL] > 0
    rows = []
    own = vp[~vp["due"].to_numpy() & open_p[vp["s_idx"].to_numpy()]]
    rows.append(pd.DataFrame({"holder": own.index, "s_idx": own["s_idx"].to_numpy(), "role": PRINCIPAL,
                              "source": "vice_own"}))
    for g in ctx.groups():
        posts = np.flatnonzero(open_p & (ctx.group == g))
        cand = vp[vp["group"] == g]
        if len(posts) == 0 or cand.empty:
            continue
        c_s = cand["s_idx"].to_numpy()
        if len(posts) * len(cand) <= ALL_VICE_UP_TO:
            pi, ci = np.divmod(np.arange(len(posts) * len(cand)), len(cand))
        else:
            near = nearest(lat[posts], lon[posts], lat[c_s], lon[c_s], K_VICE,
                           lambda r, posts=posts, c_s=c_s: posts[r][:, None] == c_s[None, :])
            pi, kk = np.nonzero(near >= 0)
            ci = near[pi, kk]
        keep = posts[pi] != c_s[ci]
        rows.append(pd.DataFrame({"holder": cand.index.to_numpy()[ci[keep]], "s_idx": posts[pi[keep]],
                                  "role": PRINCIPAL, "source": "vice_near"}))
    out = pd.concat(rows, ignore_index=True)
    # The vice-principal posts of those who are not due (their posts are not open otherwise) may fall vacant.
    who = people.loc[pd.Index(out["holder"].unique())]
    who = who[~who["due"]]
    ctx.may_free = np.zeros_like(ctx.cap)
    np.add.at(ctx.may_free, (who["s_idx"].to_numpy(), np.full(len(who), VICE)), 1)
    return out


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


def report(ctx, state, log, occupancy: np.ndarray, vice_up: int = 0) -> None:
    """occupancy: (n_schools, 2) leaders after the plan; vice_up: vice-principals promoted to principal; `log`: the
    stage's StageLog (KPI figures, the note naming unfilled posts)."""
    sch = ctx.schools
    over = np.argwhere(occupancy > ctx.cap)
    gap = np.maximum(ctx.cap - occupancy, 0)
    n_p, n_v = int(gap[:, PRINCIPAL].sum()), int(gap[:, 1].sum())
    log.kpis["leader_posts_unfilled"] = n_p + n_v
    log.kpis["principal_posts_unfilled"] = n_p
    log.kpis["vice_promoted_to_principal"] = int(vice_up)
    lines = []
    w = ctx.say
    for s, r in np.argwhere(gap > 0):
        school = w.school(sch.at[s, "school_id"]) if w.zh else f"{sch.at[s, 'name']} ({sch.at[s, 'school_id']})"
        posts = w.note(f"{ROLE_WORDS[r]}_post" + ("s" if gap[s, r] > 1 else ""))
        lines.append(w.note("r8_unfilled_line", school=school, n=gap[s, r], posts=posts))
    if lines:
        shown = w.semi(lines[:20]) + (w.note("semi_and_more", n=len(lines) - 20) if len(lines) > 20 else "")
        log.note(w.note("r8_unfilled_posts", shown=shown))
    if len(over):
        s, r = over[0]
        w = ctx.say
        school = w.school(sch.at[s, "school_id"]) if w.zh else sch.at[s, "school_id"]
        state.comply("R8", "not_met", w.note("r8_leaders", detail=w.note(
            "r8_over", school=school, n=occupancy[s, r], role=ctx.role_words(r), posts=ctx.cap[s, r])))
        return
    # the figures: models/figures.py; here why posts stay open and the policy's limits on who fills them
    w = ctx.say
    detail = w.note("r8_leaders", detail=w.note("r8_unfilled")) if n_p + n_v else ""
    limits = []
    if ctx.pol.leader_level_match:
        limits.append(w.note("r8_level_match"))
    if not ctx.pol.promote_reserve_to_principal:
        limits.append(w.note("r8_reserve_vice"))
    if not ctx.pol.promote_vice_to_principal:
        limits.append(w.note("r8_no_vice_up"))
    if limits:
        detail = w.semi(([detail] if detail else [w.note("r8_leaders", detail=limits.pop(0))]) + limits)
    state.comply("R8", "met", detail)
