"""R1 (hard): a due leader (rotation_terms or more terms at one school, not exempt, not locked) moves to a
leader post at another school, keeping the role (principal -> vice-principal only if the policy allows).

Candidate posts are pruned so the model stays small at district scale:
  * the K_CROSS nearest schools across the urban-rural line with an open post of an acceptable role (R1x),
  * the K_SAME nearest schools in the leader's own area,
  * post by post, each open post gets the K_POST nearest due leaders from across the line, so every post
    that could take a crossing leader is reachable (urban posts are few and would otherwise be the
    candidates of only the rural leaders nearest to town),
  * one "shift" post: due leaders of a role, sorted by area, township and school, each take the post of
    the leader `m` places further on (m = most due leaders of that role at one school). That cyclic
    permutation moves every due leader to another school, so the pruned model keeps a feasible R1 plan
    whenever the posts the due leaders free up suffice.
With few open posts (small districts, tests) every open post is a candidate, so answers are exact.
With policy.leader_level_match all of this runs within each school level group (kindergarten; compulsory;
senior and vocational): a leader's candidate posts, and the shift, stay in the group of their school.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .context import PRINCIPAL, ROLE_WORDS, VICE, nearest
from .model import Guard

K_CROSS = 8  # nearest schools across the urban-rural line per due leader
K_SAME = 6  # nearest schools in the leader's own area
K_POST = 6  # nearest due leaders from across the line, per open post
ALL_CANDIDATES_UP_TO = 40  # with at most this many open posts of a role, every one is a candidate


def acceptable_roles(ctx, role_idx: int) -> list[int]:
    if role_idx == PRINCIPAL and ctx.pol.allow_principal_to_vice:
        return [PRINCIPAL, VICE]
    return [role_idx]


def options(ctx) -> pd.DataFrame:
    """Stay (forbidden by R1 unless relaxed) plus candidate posts at other schools for each due leader."""
    due = ctx.people[ctx.people["due"]]
    rows = [pd.DataFrame({"holder": due.index, "s_idx": due["s_idx"].to_numpy(),
                          "role": due["role_idx"].to_numpy(), "source": "stay"})]
    sch = ctx.schools
    rural = sch["rural"].to_numpy()
    free = ctx.free
    group = ctx.group
    for role, g in ((role, g) for role in (PRINCIPAL, VICE) for g in ctx.groups()):
        grp = due[(due["role_idx"] == role) & (due["group"] == g)]
        if grp.empty:
            continue
        for target in acceptable_roles(ctx, role):
            open_s = np.flatnonzero((free[:, target] > 0) & (group == g))
            if len(open_s) == 0:
                continue
            if len(open_s) <= ALL_CANDIDATES_UP_TO:
                holders = np.repeat(grp.index.to_numpy(), len(open_s))
                s = np.tile(open_s, len(grp))
                keep = s != np.repeat(grp["s_idx"].to_numpy(), len(open_s))
                rows.append(pd.DataFrame({"holder": holders[keep], "s_idx": s[keep], "role": target,
                                          "source": "r1_all"}))
                continue
            # Candidates per school of origin (leaders at one school share them).
            origin = np.unique(grp["s_idx"].to_numpy())
            for k, same_area, tag in ((K_CROSS, False, "r1_cross"), (K_SAME, True, "r1_same")):
                def exclude(r, origin=origin, open_s=open_s, same_area=same_area):
                    o = origin[r][:, None]
                    differ = rural[o] != rural[open_s][None, :]
                    return (o == open_s[None, :]) | (differ if same_area else ~differ)
                near = nearest(sch["lat"].to_numpy()[origin], sch["lon"].to_numpy()[origin],
                               sch["lat"].to_numpy()[open_s], sch["lon"].to_numpy()[open_s], k, exclude)
                per_origin = {o: open_s[n[n >= 0]] for o, n in zip(origin, near)}
                lens = np.array([len(per_origin[o]) for o in grp["s_idx"]])
                cand = np.concatenate([per_origin[o] for o in grp["s_idx"]]) if lens.sum() else np.zeros(0, int)
                rows.append(pd.DataFrame({"holder": np.repeat(grp.index.to_numpy(), lens), "s_idx": cand,
                                          "role": target, "source": tag}))
            rows.append(post_options(ctx, grp, open_s, target))
        rows.append(shift_options(ctx, grp, role))
    return pd.concat(rows, ignore_index=True)


def post_options(ctx, grp: pd.DataFrame, open_s: np.ndarray, target: int) -> pd.DataFrame:
    """Each open post of role `target` as a candidate of the K_POST nearest due leaders from the other area."""
    sch = ctx.schools
    lat, lon, rural = sch["lat"].to_numpy(), sch["lon"].to_numpy(), sch["rural"].to_numpy()
    out = []
    for area in (False, True):
        posts = open_s[rural[open_s] == area]
        who = grp[grp["rural"] != area]
        if len(posts) == 0 or who.empty:
            continue
        w_s = who["s_idx"].to_numpy()
        near = nearest(lat[posts], lon[posts], lat[w_s], lon[w_s], K_POST)
        pi, kk = np.nonzero(near >= 0)
        out.append(pd.DataFrame({"holder": who.index.to_numpy()[near[pi, kk]], "s_idx": posts[pi], "role": target,
                                 "source": "r1_post"}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["holder", "s_idx", "role", "source"])


def shift_options(ctx, grp: pd.DataFrame, role: int) -> pd.DataFrame:
    """The cyclic shift among due leaders of one role (see the module docstring)."""
    sch = ctx.schools
    g = grp.assign(rural=sch["rural"].to_numpy()[grp["s_idx"]], town=sch["township"].to_numpy()[grp["s_idx"]])
    g = g.sort_values(["rural", "town", "s_idx", "person_id"], kind="stable")
    n = len(g)
    m = int(g["s_idx"].value_counts().max()) if n else 0
    if n < 2 or n < 2 * m:
        return pd.DataFrame(columns=["holder", "s_idx", "role", "source"])
    target = g["s_idx"].to_numpy()[(np.arange(n) + m) % n]
    return pd.DataFrame({"holder": g.index.to_numpy(), "s_idx": target, "role": role, "source": "r1_shift"})


def build(m) -> None:
    """Hard: a due leader does not keep their current post (their stay option is off)."""
    opt = m.ctx.options
    people = m.ctx.people
    rows = np.flatnonzero((opt["is_stay"] & opt["holder"].map(people["due"])).to_numpy())
    holders = opt["holder"].to_numpy()[rows]
    names = people["name"].reindex(holders).to_numpy()
    for i, pid, name in zip(rows, holders, names):
        ct = m.model.add(m.x[i] == 0)
        m.require(Guard("R1", pid, f"R1 for {name} ({pid})"), ct)


def conflict_sentence(ctx, pids: list[str]) -> str:
    """Why these due leaders cannot all move: the posts at other schools open to them (of their level group
    when policy.leader_level_match is set)."""
    people = ctx.people.loc[pids]
    opt = ctx.options
    theirs = opt[opt["holder"].isin(pids) & ~opt["is_stay"]]
    pools = theirs[["s_idx", "role"]].drop_duplicates()
    fixed = ctx.options_fixed
    open_posts = int(sum(max(0, int(ctx.cap[s, r]) - int(fixed[s, r])) for s, r in pools.itertuples(index=False)))
    roles = sorted({ROLE_WORDS[r] for r in pools["role"]}) or sorted({ROLE_WORDS[r] for r in people["role_idx"]})
    who = _names(people)
    post_word = " or ".join(roles) + " post"
    verb = "is" if open_posts == 1 else "are"
    n = len(pids)
    need = "needs" if n == 1 else "together need"
    where, tail = "other schools", ""
    if ctx.pol.leader_level_match:
        levels = sorted({ctx.level_words(int(s)) for s in people["s_idx"]})
        where = f"other {' or '.join(levels)} schools"
        tail = " (leaders move only within their school level group)"
    return (f"R1 cannot hold for {who}: {'they' if n > 1 else 'this leader'} {need} {n} {post_word}"
            f"{'s' if n > 1 else ''} at {where} and only {open_posts} {verb} open to them{tail}")


def _names(people: pd.DataFrame) -> str:
    parts = [f"{nm} ({pid})" for pid, nm in zip(people.index, people["name"])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


names = _names
