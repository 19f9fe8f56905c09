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
  * swaps (`swap_options`): where the due leaders of a school have too few open posts at other schools of
    their role and level group (vacancies and posts other due leaders leave), the K_SWAP nearest posts held by
    leaders who are not due (nor exempt, nor locked) become their candidates too, and those holders get the
    due leaders' school and the nearest open posts as options: a swap keeps every hard rule and costs only
    weights.move for the holder who is not due.
With few open posts (small districts, tests) every open post is a candidate, so answers are exact.
With policy.leader_level_match all of this runs within each school level group (kindergarten; compulsory;
senior and vocational): a leader's candidate posts, and the shift, stay in the group of their school.

Pruning must never make a plan infeasible: where the pruned candidates leave no plan keeping the hard rules,
the stage gives the level groups concerned their unpruned candidates (`unpruned_options`: every leader who
may move, every post of the group) before it declares, and explains, an infeasibility (stage.solve).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reasons import Words
from . import flow
from .context import PRINCIPAL, VICE, nearest
from .model import Guard

K_CROSS = 8  # nearest schools across the urban-rural line per due leader
K_SAME = 6  # nearest schools in the leader's own area
K_POST = 6  # nearest due leaders from across the line, per open post
ALL_CANDIDATES_UP_TO = 40  # with at most this many open posts of a role, every one is a candidate
K_SWAP = 3  # posts held by leaders who are not due, per due leader short of open posts (swap candidates)
SWAP_SLACK = 1  # a school's due leaders are "short" when open posts elsewhere < their number + SWAP_SLACK
UNPRUNED_MAX_OPTIONS = 250_000  # larger level groups fall back to wide swap candidates, not the full set
K_SWAP_WIDE = 12  # swap candidates per due leader in that wide fallback


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


def swap_options(ctx, groups=None, k: int | None = None, every_origin: bool = False) -> pd.DataFrame:
    """Swap candidates (see the module docstring): for the due leaders of a school short of open posts at other
    schools of their role and level group, the k nearest posts held by movable leaders (not due, not exempt,
    not locked); those holders get the due leaders' school and the k nearest open posts of their role as options.

    groups: level groups to consider (all by default); every_origin: treat every due leader as short."""
    k = K_SWAP if k is None else k
    people = ctx.people
    cols = ["holder", "s_idx", "role", "source"]
    due = people[people["due"]]
    movable = people[people["movable"]]
    if due.empty or movable.empty or k <= 0:
        return pd.DataFrame(columns=cols)
    sch = ctx.schools
    lat, lon = sch["lat"].to_numpy(), sch["lon"].to_numpy()
    free, group, cap = ctx.free, ctx.group, ctx.cap
    rows = []
    for role in (PRINCIPAL, VICE):
        for g in (ctx.groups() if groups is None else sorted(groups)):
            grp = due[(due["role_idx"] == role) & (due["group"] == g)]
            if grp.empty:
                continue
            targets = acceptable_roles(ctx, role)
            open_at = free[:, targets].sum(axis=1) * (group == g)
            origins, count = np.unique(grp["s_idx"].to_numpy(), return_counts=True)
            elsewhere = open_at.sum() - open_at[origins]
            short = origins if every_origin else origins[count + SWAP_SLACK > elsewhere]
            if len(short) == 0:
                continue
            for target in targets:
                held = movable[(movable["role_idx"] == target) & (movable["group"] == g)]
                if held.empty:
                    continue
                hs = np.unique(held["s_idx"].to_numpy())
                near = nearest(lat[short], lon[short], lat[hs], lon[hs], k,
                               lambda r, short=short, hs=hs: short[r][:, None] == hs[None, :])
                posts = {o: hs[n[n >= 0]] for o, n in zip(short, near)}
                by_school = held.groupby("s_idx").groups
                # the open posts of this role in the group, nearest first, for the displaced holders
                open_s = np.flatnonzero((free[:, target] > 0) & (group == g))
                near_open = {}
                if len(open_s):
                    ps = np.unique(np.concatenate([posts[o] for o in short]))
                    nn = nearest(lat[ps], lon[ps], lat[open_s], lon[open_s], k + 2)
                    near_open = {s: open_s[n[n >= 0]] for s, n in zip(ps, nn)}
                for o in short:
                    movers = grp.index[grp["s_idx"].to_numpy() == o]
                    for s in posts[o]:
                        rows.append(pd.DataFrame({"holder": movers, "s_idx": s, "role": target, "source": "r1_swap"}))
                        dest = [int(o)] if cap[o, target] > 0 else []
                        dest += [int(x) for x in near_open.get(s, []) if x != s and x != o][:k]
                        for hid in by_school[s]:
                            rows.append(pd.DataFrame({"holder": hid, "s_idx": dest, "role": target,
                                                      "source": "r1_swap"}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def unpruned_options(ctx, groups) -> tuple[pd.DataFrame, list]:
    """Every post of the level group for every leader of it who may move (due or movable), in the roles they may
    take: (options, groups too large for that, which get wide swap candidates instead)."""
    people = ctx.people
    cols = ["holder", "s_idx", "role", "source"]
    ld = people[(people["due"] | people["movable"])]
    vice_up = ctx.pol.promote_vice_to_principal
    rows, too_large = [], []
    for g in sorted(groups):
        grp = ld[ld["group"] == g]
        schools = np.flatnonzero(ctx.group == g)
        if grp.empty or len(schools) == 0:
            continue
        if len(grp) * len(schools) * 2 > UNPRUNED_MAX_OPTIONS:
            too_large.append(g)
            continue
        for pid, own, role, due in zip(grp.index, grp["s_idx"], grp["role_idx"], grp["due"]):
            roles = set(acceptable_roles(ctx, int(role)) if due else [int(role)])
            if vice_up and role == VICE:
                roles.add(PRINCIPAL)
            for r in sorted(roles):
                s = schools[(ctx.cap[schools, r] > 0) & ((schools != own) | (not due))]
                rows.append(pd.DataFrame({"holder": pid, "s_idx": s, "role": r, "source": "r1_full"}))
    if too_large:
        rows.append(swap_options(ctx, too_large, k=K_SWAP_WIDE, every_origin=True))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    return out, too_large


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
    open_posts = placeable(ctx, pids)
    w = ctx.say
    roles = [ctx.role_words(r) for r in sorted({int(x) for x in people["role_idx"]})]
    who = _names(people, w)
    post_word = w.note("post", roles=w.note("or").join(roles))
    n = len(pids)
    where, tail = w.note("other_schools"), ""
    if ctx.pol.leader_level_match:
        levels = sorted({ctx.level_say(int(s)) for s in people["s_idx"]})
        where = w.note("other_level_schools", levels=w.note("or").join(levels))
        tail = w.note("level_group_tail")
    closed = people[(people["role_idx"] == VICE) & ~people["principal_ok"]]
    if len(closed) and ctx.pol.promote_vice_to_principal:  # principal eligibility closes the promotion route
        tail += w.note("promotion_closed", who=_names(closed, w), title=ctx.pol.principal_min_title,
                       years=ctx.pol.principal_min_teaching_years)
    opened = (w.note("open_one") if open_posts == 1 else w.note("open_none") if open_posts == 0 and w.zh
              else w.note("open_many", n=open_posts))
    return w.note("r1_conflict_one" if n == 1 else "r1_conflict_many", who=who, n=n, posts=post_word, where=where,
                  open=opened, tail=tail)


def placeable(ctx, pids) -> int:
    """How many of these due leaders can hold a post at another school at once, all other hard rules kept: the
    number the relaxed min-cost flow (fewest hard rules broken, flow.py) moves. Posts held by leaders who have
    nowhere else to go do not count as open."""
    opt = ctx.options
    if ctx.relaxed_cache is None or ctx.relaxed_cache[0] is not opt:
        total = sum(ctx.costs.values()) if ctx.costs else np.zeros(len(opt), dtype=np.int64)
        ctx.relaxed_cache = (opt, flow.solve(ctx, np.asarray(total, dtype=np.int64), relaxed=True)[0])
    plan = ctx.relaxed_cache[1]
    theirs = opt["holder"].isin(pids).to_numpy() & ~opt["is_stay"].to_numpy()
    if plan is None:  # not expected: the relaxed network is always feasible; count the posts
        pools = opt.loc[theirs, ["s_idx", "role"]].drop_duplicates()
        free = ctx.cap - ctx.options_fixed
        return int(sum(max(0, int(free[s, r])) for s, r in pools.itertuples(index=False)))
    return int(opt.loc[theirs & plan, "holder"].nunique())


def _names(people: pd.DataFrame, w: Words | None = None) -> str:
    if w is not None and w.zh:
        return w.names([w.person(nm, pid) for pid, nm in zip(people.index, people["name"])])
    parts = [f"{nm} ({pid})" for pid, nm in zip(people.index, people["name"])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


names = _names
