"""R15 (hard): no levelling down. Each urban share of R9 after the plan is at least its value before the plan
minus max_urban_share_drop.

The floors are exact fractions (models/figures.py ``r15_floors``, the one definition the plan reports). With
un, U the urban teachers with the attribute and all urban teachers of the group after the plan and
floor = num / den, "un / U >= floor" is the linear  den x un - num x U >= 0. Its shortfall in teachers,

    short = max(0, ceil((num x U - den x un) / den)),

is 0 exactly when R15 holds. CP-SAT holds the constraint as it stands; the Lagrangian bound of flow.py prices
the shortfall by a multiplier up to HARD (a valid bound for any multiplier >= 0), and ``within_floors`` gives
the teachers who lower a short share another of their pairs (home, or another school) where that raises the
exact score, so that every plan the stage scores keeps R15 where the teachers' pairs allow it. What forced
placements alone (period-2 bundles, locks, retirements and the leader stage) take from the urban shares cannot
be undone here: the plan then reports R15 not met, by share, and the run service refuses it.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ...models.figures import r15_floors
from .ctx import SCALE, ModelCtx, count_form
from .r11 import HARD
from .repair import make_room as room_for

# R9 share (models/figures.py R9_SHARES) -> the (attribute count, total count) of r9.masks on the urban side
GROUPS = {"backbone_share": ("urban_backbone", "urban_total"),
          "bachelor_share": ("urban_bachelor", "urban_total"),
          "kindergarten_associate_share": ("urban_kg_associate", "urban_kg_total")}


def floors(data) -> dict[str, Fraction]:
    """The exact floor of each urban share that has teachers before the plan (computed once per data)."""
    if not hasattr(data, "_r15_floors"):
        data._r15_floors = {k: f for k, f in r15_floors(data.sc).items() if f is not None and f > 0}
    return data._r15_floors


def shortfall(floor: Fraction, n: int, tot: int) -> int:
    """Teachers short of the floor: ceil((num x tot - den x n) / den), at least 0."""
    need = floor.numerator * tot - floor.denominator * n
    return max(0, -(-need // floor.denominator))


def value(data, counts: dict) -> dict[str, int]:
    """Exact shortfall of each urban share (r9.count_values counts of a placement)."""
    return {k: shortfall(f, counts[GROUPS[k][0]], counts[GROUPS[k][1]]) for k, f in floors(data).items()}


def excess(data, counts: dict) -> int:
    """The exact score's measure of a broken floor: sum of max(0, num x U - den x un), in 1/den of a teacher, so
    that every placement that brings a share nearer its floor scores better (the whole-teacher shortfall would
    stay flat over several such steps)."""
    out = 0
    for k, f in floors(data).items():
        n_name, t_name = GROUPS[k]
        out += max(0, f.numerator * counts[t_name] - f.denominator * counts[n_name])
    return out


def forms(data) -> list:
    """short >= floor x U - un = sum over urban pairs (and fixed teachers) of (floor - has attribute)."""
    from .r9 import Form, masks

    m = masks(data)
    w = data.sc.policy.weights
    first_price = float(round(0.5 * w.r9_parity * SCALE))
    out = []
    for key, f in floors(data).items():
        n_name, t_name = GROUPS[key]
        un, tot = count_form(data, *m[n_name]), count_form(data, *m[t_name])
        fl = float(f)
        idx = np.concatenate([tot.idx, un.idx])
        coef = np.concatenate([np.full(len(tot.idx), fl), -np.ones(len(un.idx))])
        # priced from the first round as R9 and R10 price the rural side, which they pull from town
        out.append(Form(f"R15 urban {key} short of its floor", HARD, fl * tot.const - un.const, idx, coef,
                        start=first_price))
    return out


def build(ctx: ModelCtx) -> None:
    """The hard constraints den x un >= num x U on the count variables R9 and R10 share."""
    from .r9 import counts

    c = counts(ctx)
    for key, f in floors(ctx.data).items():
        n_name, t_name = GROUPS[key]
        ctx.model.add(f.denominator * c[n_name] >= f.numerator * c[t_name])


def within_floors(data, choice: np.ndarray, scorer_of, max_passes: int = 10, make_room: bool = True) -> np.ndarray:
    """The placement with the placements that break a floor changed where another of the teacher's pairs keeps
    their quota: each pass walks the teachers who lower a share that is short (one without the attribute at a
    school of the urban group, one with it placed outside while they could be inside), and gives each the pair
    that raises the exact score most (hard shortfalls priced by HARD), if any does; with ``make_room``, where no
    single move helps, a teacher may take a pair at a full school while one teacher placed there moves on (slower:
    flow.py asks for it once, on the best plan, not in every round). ``scorer_of(choice)`` is flow.Scorer."""
    if not floors(data) or len(data.p_t) == 0:
        return choice
    from .r9 import count_values, masks

    if not any(value(data, count_values(data, choice)).values()):
        return choice
    m = masks(data)
    sc = scorer_of(choice)
    held = np.bincount(np.concatenate([data.t_fixed_at[data.t_fixed_at >= 0], data.p_s[choice[choice >= 0]]]),
                       minlength=len(data.school_ids))
    start = np.searchsorted(data.p_t, np.arange(len(data.t)), side="left")
    end = np.searchsorted(data.p_t, np.arange(len(data.t)), side="right")
    for _ in range(max_passes):
        short = [k for k, v in value(data, sc.counts).items() if v]
        if not short:
            break
        placed = sc.choice >= 0
        at = np.where(placed, data.p_s[np.maximum(sc.choice, 0)], -1)
        who = np.zeros(len(data.t), dtype=bool)
        for key in short:
            sm, pm = m[GROUPS[key][0]]
            inside = placed & sm[np.maximum(at, 0)]
            could = np.bincount(data.p_t[sm[data.p_s]], minlength=len(data.t)) > 0
            who |= (inside & ~pm) | (placed & pm & ~inside & could)
        changed = False

        def full(s: int) -> bool:
            return not np.isnan(data.s_quota[s]) and held[s] + 1 > data.s_quota[s]

        for p in np.flatnonzero(who & (end - start > 1)):
            cur = int(sc.choice[p])
            best = None
            blocked = []  # pairs of p at a full school: tried below with one teacher there making room
            for k in range(start[p], end[p]):
                s = int(data.p_s[k])
                if k == cur:
                    continue
                if s != data.p_s[cur] and full(s):
                    blocked.append(k)
                    continue
                new, st = sc.trial({int(p): k})
                if new > (sc.score if best is None else best[0]):
                    best = (new, st, {int(p): k})
            if best is None and make_room:
                best = room_for(data, sc, int(p), blocked, start, end, full)
            if best is not None:
                for q, k in best[2].items():
                    held[data.p_s[sc.choice[q]]] -= 1
                    held[data.p_s[k]] += 1
                sc.commit(best[0], best[1])
                changed = True
                if excess(data, sc.counts) == 0:
                    return sc.choice
        if not changed:
            break
    return sc.choice


def report(data, counts: dict, state) -> bool:
    """Compliance status for R15 (the figures: models/figures.py); True when met."""
    short = {k: v for k, v in value(data, counts).items() if v}
    if short:
        w = data.say
        state.comply("R15", "not_met", w.note("r15", short=w.list(
            w.note("r15_item", name=w.note(f"r15.{k}"), n=v) for k, v in short.items())))
        return False
    state.comply("R15", "met", "")
    return True
