"""R4 (hard): every township has a district director, the principal of one of its seat schools.

Model: in each township, at least one principal post of a seat school is filled after the plan. A
township whose seat-school principal stays put needs nothing. For a township at risk (its seat-school
principals retire, rotate out or are locked away) the principals and reserve leaders of that township
get the seat-school principal posts as extra candidates (reserve leaders only with
policy.promote_reserve_to_principal; with policy.leader_level_match only those of a school of the seat
school's level group).

After the solve the director is chosen among the township's seat-school principals: one who stays
first, then the one with the most terms of experience, then by person_id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .context import PRINCIPAL
from .model import Guard


def at_risk(ctx) -> list[str]:
    """Townships whose seat schools have no principal who can only stay."""
    sch = ctx.schools
    seat_fixed = pd.Series(ctx.fixed[:, PRINCIPAL] * sch["seat"].to_numpy(), index=sch.index)
    held = seat_fixed.groupby(sch["township"]).sum()
    return sorted(held.index[held == 0])


def options(ctx) -> pd.DataFrame:
    sch = ctx.schools
    people = ctx.people
    rows = []
    town_of = sch["township"].to_numpy()
    for town in at_risk(ctx):
        seat_s = np.flatnonzero((town_of == town) & sch["seat"].to_numpy() & (ctx.cap[:, PRINCIPAL] > 0))
        if len(seat_s) == 0:
            continue
        p_town = town_of[people["s_idx"].to_numpy()] == town
        reserve_ok = PRINCIPAL in ctx.reserve_roles()
        cand = people[p_town & (people["lock_idx"] < 0) & ~people["exempt"]
                      & (((people["kind"] == "reserve") & reserve_ok)
                         | ((people["kind"] == "leader") & (people["role_idx"] == PRINCIPAL)))]
        group = ctx.group
        for pid, own in zip(cand.index, cand["s_idx"]):
            for s in seat_s:
                if group[s] != group[own]:
                    continue
                if s != own or people.at[pid, "kind"] == "reserve":
                    rows.append({"holder": pid, "s_idx": s, "role": PRINCIPAL, "source": "r4"})
            if people.at[pid, "kind"] == "leader" and not people.at[pid, "due"]:
                rows.append({"holder": pid, "s_idx": own, "role": PRINCIPAL, "source": "stay"})
    return pd.DataFrame(rows, columns=["holder", "s_idx", "role", "source"])


def build(m) -> None:
    ctx = m.ctx
    sch = ctx.schools
    opt = ctx.options
    town_of = sch["township"].to_numpy()
    seat = sch["seat"].to_numpy()
    fixed_seat = pd.Series(ctx.options_fixed[:, PRINCIPAL] * seat).groupby(town_of).sum()
    at_seat = opt.index[(opt["role"] == PRINCIPAL).to_numpy() & seat[opt["s_idx"].to_numpy()]]
    by_town = pd.Series(at_seat, dtype=int).groupby(town_of[opt.loc[at_seat, "s_idx"].to_numpy()]).agg(list)
    for town in sorted(set(town_of)):
        if fixed_seat.get(town, 0) > 0:
            continue
        rows = by_town.get(town, [])
        ct = m.model.add_bool_or(m.vars_of(rows))
        m.require(Guard("R4", town, f"R4 for township {town}"), ct)


def choose_directors(ctx, final: pd.DataFrame) -> dict[str, str]:
    """township -> person_id of the director. `final`: leaders after the plan (s_idx, role, stays, terms)."""
    sch = ctx.schools
    p = final[(final["role"] == PRINCIPAL) & sch["seat"].to_numpy()[final["s_idx"].to_numpy()]].copy()
    p["town"] = sch["township"].to_numpy()[p["s_idx"].to_numpy()]
    p = p.assign(person=p.index.to_numpy()).reset_index(drop=True)
    p = p.sort_values(["town", "stays", "terms", "person"], ascending=[True, False, False, True])
    return dict(p.groupby("town", sort=True)["person"].first())


def conflict_sentence(ctx, town: str) -> str:
    sch = ctx.schools
    seats = sch[(sch["township"] == town) & sch["seat"]]
    w = ctx.say
    if w.zh:
        names = w.list(w.school(s) for s in seats["school_id"]) or w.note("none")
    else:
        names = ", ".join(f"{n} ({s})" for n, s in zip(seats["name"], seats["school_id"])) or "none"
    return w.note("r4_conflict", town=town, names=names)
