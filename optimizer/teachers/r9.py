"""R9 (target): rural ratios not lower than urban ones, modelled exactly with cross-multiplied counts.

Among teachers (role teacher) at compulsory schools (primary, junior, nine_year):
  * district-level-or-above backbone share: rural >= urban;
  * bachelor-or-above share: rural >= urban;
and among kindergarten teachers the associate-or-above share: rural >= urban.

With R, U the rural and urban teachers of the group and rn, un those with the attribute, "rural share
>= urban share" is the cross-multiplied  rn x U >= un x R. The deficit penalised (``weights.r9_parity``
per teacher) is the number of swaps of a rural teacher without the attribute for an urban one with it
that would reach parity: the smallest integer d >= 0 with (rn + d) x U >= (un - d) x R, i.e.

    d x (R + U) >= un x R - rn x U          (R10 uses the same with its ratio rho: see ``exact_deficit``).

d = 0 exactly when the target is met; nothing is approximated. candidates.py keeps every teacher in one
level group, so the group totals G = R + U and Gn = rn + un are constants of the plan; then
un R - rn U = Gn R - G rn and the constraint is linear:  G d >= Gn R - G rn. The model checks that
the totals are constant and otherwise keeps the products of integer variables (AddMultiplicationEquality).
Linear, it is priced exactly by the Lagrangian bound of flow.py (``forms``); ``value`` gives the exact
deficits of a placement, as the CP-SAT model computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .ctx import ModelCtx, count_form


@dataclass
class Form:
    """A penalised shortfall D >= max(0, a0 + sum(coef * x[idx])) of the exact model (a lower bound)."""

    name: str
    weight: int  # scaled objective cost per unit of D
    a0: float
    idx: np.ndarray
    coef: np.ndarray
    start: float | None = None  # the first round's multiplier (default: half the weight, 0 for a hard limit)

    def at(self, chosen: np.ndarray) -> float:
        return self.a0 + float(self.coef @ chosen[self.idx])


def masks(data) -> dict:
    """(school mask, person mask) of each count of R9/R10."""
    comp, kg = data.compulsory, data.kindergarten
    every = np.ones(len(data.t), dtype=bool)
    out = {}
    for area, mask in (("urban", ~data.s_rural), ("rural", data.s_rural)):
        out[f"{area}_total"] = (comp & mask, every)
        out[f"{area}_backbone"] = (comp & mask, data.district_bb)
        out[f"{area}_bachelor"] = (comp & mask, data.bachelor)
        out[f"{area}_kg_total"] = (kg & mask, every)
        out[f"{area}_kg_associate"] = (kg & mask, data.associate)
    return out


# (name, attribute count, total count) of each ratio held by R9; R10 reuses "bachelor" with its ratio
RATIOS = (("backbone", "backbone", "total"), ("bachelor", "bachelor", "total"),
          ("kindergarten", "kg_associate", "kg_total"))


def exact_deficit(rn: int, r_tot: int, un: int, u_tot: int, ratio: Fraction = Fraction(1)) -> int:
    """Smallest integer d >= 0 with ratio x (rn + d) x u_tot >= (un - d) x r_tot (swaps short of the target)."""
    num, den = ratio.numerator, ratio.denominator
    need = den * un * r_tot - num * rn * u_tot
    per = den * r_tot + num * u_tot
    if need <= 0 or per == 0:
        return 0
    return -(-need // per)


def count_values(data, choice: np.ndarray) -> dict:
    """The counts of ``masks`` after a placement (a pair per movable teacher)."""
    school_of = data.t_fixed_at.copy()
    ok = choice >= 0
    school_of[ok] = data.p_s[choice[ok]]
    return counts_at(data, school_of)


def counts_at(data, school_of: np.ndarray) -> dict:
    """The counts of ``masks`` with every teacher at ``school_of`` (-1: not placed)."""
    at = school_of >= 0
    s = np.maximum(school_of, 0)
    return {k: int((at & sm[s] & pm).sum()) for k, (sm, pm) in masks(data).items()}


def value(data, counts: dict) -> dict:
    """Exact R9 deficits (teachers short) of a placement's counts."""
    return {key: exact_deficit(counts[f"rural_{n}"], counts[f"rural_{t}"], counts[f"urban_{n}"], counts[f"urban_{t}"])
            for key, n, t in RATIOS}


def group_totals(data, n: str, tot: str) -> tuple[int | None, int | None]:
    """(G, Gn): teachers of the group and those with the attribute after the plan, if constants."""
    m = masks(data)
    g_all = count_form(data, m[f"rural_{tot}"][0] | m[f"urban_{tot}"][0], m[f"rural_{tot}"][1])
    gn_all = count_form(data, m[f"rural_{n}"][0] | m[f"urban_{n}"][0], m[f"rural_{n}"][1])
    return (g_all.hi if g_all.lo == g_all.hi else None, gn_all.hi if gn_all.lo == gn_all.hi else None)


def lower_form(data, name: str, weight: int, n: str, tot: str, ratio: Fraction = Fraction(1),
               least=None) -> Form | None:
    """Linear lower bound of a deficit; exact (up to rounding up) for ratio 1. None if the totals vary.

    d >= (un R - rho rn U) / (R + rho U); with constant totals the numerator is
    Gn R - rho G rn + (rho - 1) rn R >= Gn R - rho G rn + (rho - 1)(rn_lo R + R_lo rn - rn_lo R_lo)
    (McCormick; rn >= rn_lo, R >= R_lo) and the denominator rho G - (rho - 1) R <= rho G - (rho - 1) R_lo."""
    big_g, big_gn = group_totals(data, n, tot)
    if big_g is None or big_gn is None or big_g == 0:
        return None
    m = masks(data)
    r_n, r_t = count_form(data, *m[f"rural_{n}"]), count_form(data, *m[f"rural_{tot}"])
    rho = float(ratio)
    if rho != 1 and least is not None:  # the McCormick corner as tight as the quotas allow
        for c in (r_n, r_t):
            k = least(c.idx)
            if k is not None:
                c.lo = max(c.lo, c.const + k)
    den = rho * big_g - (rho - 1) * r_t.lo
    c_r = (big_gn + (rho - 1) * r_n.lo) / den
    c_n = ((rho - 1) * r_t.lo - rho * big_g) / den
    a0 = c_r * r_t.const + c_n * r_n.const - (rho - 1) * r_n.lo * r_t.lo / den
    idx = np.concatenate([r_t.idx, r_n.idx])
    coef = np.concatenate([np.full(len(r_t.idx), c_r), np.full(len(r_n.idx), c_n)])
    return Form(name, weight, a0, idx, coef)


def forms(data) -> list[Form]:
    from .ctx import SCALE

    w = int(round(data.sc.policy.weights.r9_parity * SCALE))
    out = [lower_form(data, f"R9 {key} rural teachers short of parity", w, n, t) for key, n, t in RATIOS]
    return [f for f in out if f is not None]


def counts(ctx: ModelCtx) -> dict:
    """Count variables shared by R9 and R10 (built once)."""
    if "counts" in ctx.terms:
        return ctx.terms["counts"]
    d = ctx.data
    comp, kg = d.compulsory, d.kindergarten
    every = d.bachelor | ~d.bachelor
    out = {}
    for area, mask in (("urban", ~d.s_rural), ("rural", d.s_rural)):
        out[f"{area}_total"] = ctx.count_var(f"{area} compulsory teachers", comp & mask, every)
        out[f"{area}_backbone"] = ctx.count_var(f"{area} district+ backbone teachers", comp & mask, d.district_bb)
        out[f"{area}_bachelor"] = ctx.count_var(f"{area} bachelor+ teachers", comp & mask, d.bachelor)
        out[f"{area}_kg_total"] = ctx.count_var(f"{area} kindergarten teachers", kg & mask, every)
        out[f"{area}_kg_associate"] = ctx.count_var(f"{area} associate+ kindergarten teachers", kg & mask,
                                                    d.associate)
    ctx.terms["counts"] = out
    return out


def deficit(ctx: ModelCtx, name: str, n: str, tot: str, ratio: Fraction = Fraction(1)):
    """Smallest d >= 0 with ratio x (rn + d) x U >= (un - d) x R, exactly (see module docstring)."""
    m = ctx.model
    c = counts(ctx)
    rn, r_tot, un, u_tot = c[f"rural_{n}"], c[f"rural_{tot}"], c[f"urban_{n}"], c[f"urban_{tot}"]
    num, den = ratio.numerator, ratio.denominator
    ub = ctx.upper
    d = m.new_int_var(0, max(ub(rn), ub(un), ub(r_tot)), name)
    big_g, big_gn = group_totals(ctx.data, n, tot)

    def product(a, b, what):
        v = m.new_int_var(0, ub(a) * ub(b), f"{name}: {what}")
        m.add_multiplication_equality(v, [a, b])
        return v

    if big_g is not None and big_gn is not None:
        # U = G - R, un = Gn - rn:  den Gn R - num G rn + (num - den) rn R <= num G d + (den - num) d R
        if num == den:
            m.add(big_g * d >= big_gn * r_tot - big_g * rn)
        else:
            m.add(den * big_gn * r_tot - num * big_g * rn + (num - den) * product(rn, r_tot, "rn x R")
                  <= num * big_g * d + (den - num) * product(d, r_tot, "d x R"))
    else:  # totals vary: the four products as they stand
        m.add(den * product(un, r_tot, "un x R") - num * product(rn, u_tot, "rn x U")
              <= den * product(d, r_tot, "d x R") + num * product(d, u_tot, "d x U"))
    return d


def build(ctx: ModelCtx) -> None:
    w = ctx.data.sc.policy.weights.r9_parity
    terms = {}
    for key, n, tot in (("backbone", "backbone", "total"), ("bachelor", "bachelor", "total"),
                        ("kindergarten", "kg_associate", "kg_total")):
        name = f"R9 {key} rural teachers short of parity"
        terms[key] = deficit(ctx, name, n, tot)
        ctx.penalty(name, terms[key], w)
    ctx.terms["R9"] = terms


def report(before: dict, after: dict, state, log) -> bool:
    """Compliance status for R9 (the figures: models/figures.py) and its KPI gaps (into `log`); True when met."""
    met = True
    for key in ("backbone_share", "bachelor_share", "kindergarten_associate_share"):
        ru, ur = after.get(f"{key}_rural"), after.get(f"{key}_urban")
        met &= ru is None or ur is None or ru >= ur
        log.kpis[f"r9_{key}_gap"] = None if ru is None or ur is None else round(ur - ru, 4)
    state.comply("R9", "met" if met else "not_met", "")  # the figures: models/figures.py
    return met
