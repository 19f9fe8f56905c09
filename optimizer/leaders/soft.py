"""Soft goals of the leader stage, weighted in policy.weights:

  move                     few moves beyond those the rules require (due and locked moves are required);
  keep_reference           minimal change from a reference plan (`plan --lock`, state.reference): for a person
                           with a reference it replaces `move`: a cost whenever their outcome (role, school)
                           differs from the reference. The reference post is one of their options when it is a
                           legal leader post; hard rules still win (the weight is far below RELAX_PENALTY);
  commute_km               short commutes from home (great-circle km, home to school, relative to now);
  preference               ranked preferences: rank 1 earns PREFERENCE_RANKS x weight, rank 5 earns 1 x;
  experienced_weak_school  principals with EXPERIENCED_TERMS terms or more at rural or mountainous schools;
  envy                     no justified envy among leaders who ranked preferences: leader a ranked school s
                           above where a ends, and a leader b with fewer priority points moved into s in the
                           post a could have taken. One named literal per such pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...models.travel import haversine_km
from .context import PRINCIPAL, SCALE
from .r1 import acceptable_roles

PREFERENCE_RANKS = 5  # ranks that earn a reward; deeper ranks are ignored
EXPERIENCED_TERMS = 2  # terms as leader that make a principal "experienced"


def ranked(ctx) -> pd.DataFrame:
    """(holder, s_idx, rank) for everyone of the stage who ranked schools."""
    p = ctx.people[ctx.people["preferences"] != ""]
    rows = []
    for pid, prefs in zip(p.index, p["preferences"]):
        for k, sid in enumerate(prefs.split(";"), start=1):
            if sid in ctx.sidx and k <= PREFERENCE_RANKS:
                rows.append((pid, ctx.sidx[sid], k))
    return pd.DataFrame(rows, columns=["holder", "s_idx", "rank"]).drop_duplicates(["holder", "s_idx"])


def options(ctx) -> pd.DataFrame:
    """Posts at schools a leader or reserve leader ranked (exempt and locked people stay as they are)."""
    r = ranked(ctx)
    cols = ["holder", "s_idx", "role", "source"]
    if r.empty:
        return pd.DataFrame(columns=cols)
    people = ctx.people.loc[r["holder"].unique()].to_dict("index")
    rows = []
    free = ctx.free
    group = ctx.group
    for pid, s in zip(r["holder"], r["s_idx"]):
        p = people[pid]
        if p["exempt"] or p["lock_idx"] >= 0 or group[s] != p["group"]:
            continue
        if p["kind"] == "leader":
            if s == p["s_idx"]:
                continue
            roles = acceptable_roles(ctx, int(p["role_idx"])) if p["due"] else [int(p["role_idx"])]
            for role in roles:
                if ctx.cap[s, role] > 0:
                    rows.append({"holder": pid, "s_idx": s, "role": role, "source": "pref"})
            if not p["due"]:
                rows.append({"holder": pid, "s_idx": p["s_idx"], "role": p["role_idx"], "source": "stay"})
        elif not p["rural"] or ctx.pol.promote_rural_reserve:
            for role in ctx.reserve_roles():
                if free[s, role] > 0:
                    rows.append({"holder": pid, "s_idx": s, "role": role, "source": "pref"})
    return pd.DataFrame(rows, columns=cols)


def move_costs(ctx) -> np.ndarray:
    opt = ctx.options
    moves = opt["s_idx"].to_numpy() != opt["s_from"].to_numpy()
    due = opt["holder"].map(ctx.people["due"]).to_numpy(dtype=bool)
    required = due | opt["source"].str.contains("lock").to_numpy()
    has_ref = opt["holder"].map(ctx.people["has_ref"]).to_numpy(dtype=bool)  # keep_reference replaces it
    return np.where(moves & ~required & ~has_ref, ctx.w.move * SCALE, 0.0)


# ---- keep_reference: minimal change from a reference plan --------------------------------------
def reference_options(ctx) -> pd.DataFrame:
    """Each person's reference post (source `ref`) when it is a legal leader post for them; a leader's own
    post is their `stay` option already."""
    p = ctx.people[ctx.people["has_ref"] & (ctx.people["ref_role"] >= 0)]
    rows = [(pid, r["ref_s"], r["ref_role"]) for pid, r in p.to_dict("index").items()
            if reference_problem(ctx, r) == ""
            and not (r["kind"] == "leader" and r["ref_s"] == r["s_idx"] and r["ref_role"] == r["role_idx"])]
    df = pd.DataFrame(rows, columns=["holder", "s_idx", "role"])
    df["source"] = "ref"
    return df


def reference_problem(ctx, p: dict) -> str:
    """Why a person's reference (role, school) is not a leader post open to them, in words; "" if it is.
    `p`: the person's facts (a row of ctx.people as a dict)."""
    w = ctx.say
    if not p["has_ref"]:
        return w.note("ref_none")
    s, role = int(p["ref_s"]), int(p["ref_role"])
    if p["kind"] == "reserve" and role < 0:
        return ""  # staying a teacher: always possible in this stage
    if p["lock_idx"] >= 0 and s != p["lock_idx"]:
        return w.note("ref_locked", school=ctx.school_words(int(p["lock_idx"])))
    if role < 0:
        named = p["ref_role_name"]
        return w.note("ref_not_leader", role=(w.role(named) if w.zh else named) if named else w.note("ref_no_role"))
    if s < 0:
        return w.note("ref_no_school", school=p["ref_school"])
    if ctx.cap[s, role] <= 0:
        return w.note("ref_no_post", school=ctx.school_words(s), role=ctx.role_words(role))
    if ctx.group[s] != p["group"]:
        return w.note("ref_level", school=ctx.school_words(s), level=ctx.level_say(s))
    if p["kind"] == "reserve":
        if role not in ctx.reserve_roles():
            return w.note("ref_reserve_vice")
        if p["rural"] and not ctx.pol.promote_rural_reserve:
            return w.note("ref_rural_reserve")
        return ""
    roles = acceptable_roles(ctx, int(p["role_idx"])) if p["due"] else [int(p["role_idx"])]
    if p["role_idx"] != PRINCIPAL and ctx.pol.promote_vice_to_principal and not p["exempt"]:
        roles = [*roles, PRINCIPAL]  # a vice-principal may be promoted to a principal post (r8.vice_options)
    if role not in roles:
        return w.note("ref_keeps_role", role=ctx.role_words(int(p["role_idx"])),
                      tail=w.note("ref_keeps_role_tail") if p["due"] and p["role_idx"] == PRINCIPAL else "")
    if p["due"] and s == p["s_idx"]:
        return w.note("ref_must_rotate", terms=int(p["terms"]), school=ctx.school_words(s))
    return ""


def reference_costs(ctx) -> np.ndarray:
    """keep_reference per option: a leader pays it on every option but their reference; a reserve leader
    promoted in the reference earns it back on the reference post (not being promoted has no variable), one
    who stays a teacher in the reference pays it on every promotion."""
    opt = ctx.options
    people = ctx.people
    h = opt["holder"]
    has_ref = h.map(people["has_ref"]).to_numpy(dtype=bool)
    is_ref = ((opt["s_idx"].to_numpy() == h.map(people["ref_s"]).to_numpy())
              & (opt["role"].to_numpy() == h.map(people["ref_role"]).to_numpy()))
    reserve = (opt["kind"] == "reserve").to_numpy()
    promoted_in_ref = h.map(people["ref_role"]).to_numpy() >= 0
    w = ctx.w.keep_reference * SCALE
    cost = np.where(reserve & promoted_in_ref, np.where(is_ref, -w, 0.0), np.where(is_ref, 0.0, w))
    return np.where(has_ref, cost, 0.0)


def reference_changes(ctx, final: pd.DataFrame) -> pd.DataFrame:
    """People of this stage with a reference whose outcome differs from it: person_id -> ref and outcome.

    `final`: leaders and promoted reserve leaders after the plan (s_idx, role). A reserve leader who stays a
    teacher matches a reference that keeps them a teacher (their school is the teacher stage's business)."""
    p = ctx.people[ctx.people["has_ref"]]
    s_after = final["s_idx"].reindex(p.index).fillna(-1).astype(int).to_numpy()
    r_after = final["role"].reindex(p.index).fillna(-1).astype(int).to_numpy()
    ref_s, ref_r = p["ref_s"].to_numpy(), p["ref_role"].to_numpy()
    same = (r_after == ref_r) & ((r_after < 0) | (s_after == ref_s))
    return p.loc[~same, ["name", "kind", "ref_role_name", "ref_school"]]


def commute_costs(ctx) -> np.ndarray:
    opt = ctx.options
    sch = ctx.schools
    hl = opt["holder"].map(ctx.people["home_lat"]).to_numpy(dtype=float)
    ho = opt["holder"].map(ctx.people["home_lon"]).to_numpy(dtype=float)
    lat, lon = sch["lat"].to_numpy(), sch["lon"].to_numpy()
    to = opt["s_idx"].to_numpy()
    fr = opt["s_from"].to_numpy()
    extra = haversine_km(hl, ho, lat[to], lon[to]) - haversine_km(hl, ho, lat[fr], lon[fr])
    extra = np.where(np.isnan(extra), 0.0, extra)
    return ctx.w.commute_km * SCALE * extra


def preference_costs(ctx) -> np.ndarray:
    opt = ctx.options
    r = ranked(ctx)
    if r.empty:
        return np.zeros(len(opt))
    rank = opt[["holder", "s_idx"]].merge(r, on=["holder", "s_idx"], how="left")["rank"].to_numpy(dtype=float)
    reward = np.where(np.isnan(rank), 0.0, PREFERENCE_RANKS + 1 - np.nan_to_num(rank))
    return -ctx.w.preference * SCALE * reward


def experienced_costs(ctx) -> np.ndarray:
    opt = ctx.options
    sch = ctx.schools
    weak = (sch["rural"] | sch["mountainous"]).to_numpy()
    people = ctx.people
    exp = (opt["holder"].map(people["terms"]).to_numpy() >= EXPERIENCED_TERMS) & (opt["kind"] == "leader").to_numpy()
    now = (opt["holder"].map(people["role_idx"]).to_numpy() == PRINCIPAL) & weak[opt["s_from"].to_numpy()]
    after = (opt["role"].to_numpy() == PRINCIPAL) & weak[opt["s_idx"].to_numpy()]
    return np.where(exp, -ctx.w.experienced_weak_school * SCALE * (after.astype(int) - now.astype(int)), 0.0)


def build_envy(m) -> int:
    """Named literals for justified envy among leaders who ranked preferences. Returns their number."""
    ctx = m.ctx
    if ctx.w.envy <= 0:
        return 0
    opt = ctx.options
    r = ranked(ctx)
    people = ctx.people
    r = r[r["holder"].map(people["kind"]) == "leader"]
    if r.empty:
        return 0
    rank_of = {(h, s): k for h, s, k in zip(r["holder"], r["s_idx"], r["rank"])}
    ranked_leaders = set(r["holder"])
    movers = opt[opt["holder"].isin(ranked_leaders) & ~opt["is_stay"]]
    by_post = movers.groupby(["s_idx", "role"]).groups
    own = opt[opt["holder"].isin(ranked_leaders)].groupby("holder").groups
    count = 0
    points = people["points"].to_dict()
    s_arr, r_arr, stay_arr = opt["s_idx"].to_numpy(), opt["role"].to_numpy(), opt["is_stay"].to_numpy()
    holder = opt["holder"].to_numpy()
    for a, rows_a in own.items():
        pts_a = points[a]
        for i in rows_a:
            s, role = s_arr[i], r_arr[i]
            k = rank_of.get((a, s))
            if k is None or stay_arr[i]:
                continue
            better = [j for j in rows_a if rank_of.get((a, s_arr[j]), 99) <= k]
            for j in by_post.get((s, role), []):
                b = holder[j]
                if b == a or points[b] >= pts_a:
                    continue
                e = m.model.new_bool_var(f"envy[{a} over {b} at {ctx.schools.at[s, 'school_id']}]")
                m.model.add(e + sum(m.vars_of(better)) >= m.x[j])
                m.extra.append(("envy", int(round(ctx.w.envy * SCALE)), e))
                count += 1
    return count
