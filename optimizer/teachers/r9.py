"""R9 (target): rural ratios not lower than urban ones, modelled exactly with cross-multiplied counts.

Among teachers (role teacher) at compulsory schools (primary, junior, nine_year):
  * district-level-or-above backbone share: rural >= urban;
  * bachelor-or-above share: rural >= urban;
and among kindergarten teachers the associate-or-above share: rural >= urban.

Each share is count / total with both counts integer variables of the plan (fixed teachers plus the
candidate pairs). "rural share >= urban share" is  rural_count x urban_total >= urban_count x rural_total,
two products of integer variables (AddMultiplicationEquality), so the model holds the ratio exactly,
not a proxy. A deficit variable d counts the rural teachers with the attribute that are missing:
(rural_count + d) x urban_total >= urban_count x rural_total; the smallest such d is penalised with
``weights.r9_parity`` per teacher, so the plan moves towards parity and d = 0 means the target is met.

A proven bound (flow.py, Lagrangian): candidates.py keeps every teacher in one level group, so the
group totals G = rural + urban teachers and Gn = rural + urban teachers with the attribute are constants
of the plan. Then, with R = rural teachers, rn = those with the attribute, U = G - R, un = Gn - rn and the
ratio rho, the exact deficit is d = ceil(max(0, (un R - rho rn U) / (rho U))) and
    un R - rho rn U = Gn R - rho G rn + (rho - 1) rn R  >=  Gn R - rho G rn + (rho - 1)(rn_lo R + R_lo rn - rn_lo R_lo)
(McCormick, exact for rho = 1), so d >= max(0, linear(x) / (rho U_hi)) with U_hi = G - R_lo: a linear
lower bound of the deficit that the Lagrangian relaxation prices. ``forms`` returns these lower bounds;
``value`` the exact deficits of a placement, as the CP-SAT model computes them.
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
    """Smallest d >= 0 with ratio x (rn + d) x u_tot >= un x r_tot (the model's deficit)."""
    num, den = ratio.numerator, ratio.denominator
    need = den * un * r_tot - num * rn * u_tot
    if u_tot == 0 or need <= 0:
        return 0
    return -(-need // (num * u_tot))


def count_values(data, choice: np.ndarray) -> dict:
    school_of = data.t_fixed_at.copy()
    ok = choice >= 0
    school_of[ok] = data.p_s[choice[ok]]
    at = school_of >= 0
    s = np.maximum(school_of, 0)
    return {k: int((at & sm[s] & pm).sum()) for k, (sm, pm) in masks(data).items()}


def value(data, counts: dict) -> dict:
    """Exact R9 deficits (teachers short) of a placement's counts."""
    return {key: exact_deficit(counts[f"rural_{n}"], counts[f"rural_{t}"], counts[f"urban_{n}"], counts[f"urban_{t}"])
            for key, n, t in RATIOS}


def lower_form(data, name: str, weight: int, n: str, tot: str, ratio: Fraction = Fraction(1)) -> Form | None:
    """Linear lower bound of a deficit (see module docstring); None if the group totals are not fixed."""
    m = masks(data)
    fr = {k: count_form(data, *m[k]) for k in (f"rural_{n}", f"rural_{tot}", f"urban_{n}", f"urban_{tot}")}
    r_n, r_t, u_n, u_t = fr[f"rural_{n}"], fr[f"rural_{tot}"], fr[f"urban_{n}"], fr[f"urban_{tot}"]
    # totals of the group are constants when every teacher who may be in it surely is
    g_all = count_form(data, m[f"rural_{tot}"][0] | m[f"urban_{tot}"][0], m[f"rural_{tot}"][1])
    gn_all = count_form(data, m[f"rural_{n}"][0] | m[f"urban_{n}"][0], m[f"rural_{n}"][1])
    if g_all.lo != g_all.hi or gn_all.lo != gn_all.hi:
        return None
    big_g, big_gn = g_all.hi, gn_all.hi
    rho = float(ratio)
    u_hi = big_g - r_t.lo
    if u_hi <= 0:
        return None
    scale = rho * u_hi
    c_r = (big_gn + (rho - 1) * r_n.lo) / scale
    c_n = ((rho - 1) * r_t.lo - rho * big_g) / scale
    a0 = c_r * r_t.const + c_n * r_n.const - (rho - 1) * r_n.lo * r_t.lo / scale
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


def deficit(ctx: ModelCtx, name: str, rural_n, rural_tot, urban_n, urban_tot, ratio: Fraction = Fraction(1)):
    """Smallest d >= 0 with ratio x (rural_n + d) x urban_tot >= urban_n x rural_tot (exact products)."""
    m = ctx.model
    ub = ctx.upper
    hi_r, hi_u = ub(rural_tot), ub(urban_tot)
    d = m.new_int_var(0, hi_r, name)
    a = m.new_int_var(0, ub(rural_n) + hi_r, f"{name}: rural count + deficit")
    m.add(a == rural_n + d)
    left = m.new_int_var(0, ub(a) * hi_u, f"{name}: left product")
    right = m.new_int_var(0, ub(urban_n) * hi_r, f"{name}: right product")
    m.add_multiplication_equality(left, [a, urban_tot])
    m.add_multiplication_equality(right, [urban_n, rural_tot])
    m.add(ratio.numerator * left >= ratio.denominator * right)
    return d


def build(ctx: ModelCtx) -> None:
    c = counts(ctx)
    w = ctx.data.sc.policy.weights.r9_parity
    terms = {}
    for key, n, tot in (("backbone", "backbone", "total"), ("bachelor", "bachelor", "total"),
                        ("kindergarten", "kg_associate", "kg_total")):
        name = f"R9 {key} rural teachers short of parity"
        terms[key] = deficit(ctx, name, c[f"rural_{n}"], c[f"rural_{tot}"], c[f"urban_{n}"], c[f"urban_{tot}"])
        ctx.penalty(name, terms[key], w)
    ctx.terms["R9"] = terms


def report(before: dict, after: dict, state) -> bool:
    """Compliance row and KPI figures for R9; True when met."""
    rows = [("district+ backbone share", "backbone_share"), ("bachelor+ share", "bachelor_share"),
            ("kindergarten associate+ share", "kindergarten_associate_share")]
    parts, met = [], True
    for label, key in rows:
        ru, ur = after.get(f"{key}_rural"), after.get(f"{key}_urban")
        ok = ru is None or ur is None or ru >= ur
        met &= ok
        parts.append(f"{label} rural {before.get(f'{key}_rural')} -> {ru} vs urban {before.get(f'{key}_urban')} "
                     f"-> {ur} (target rural >= urban{'' if ok else ', not reached'})")
        state.kpi_extra[f"r9_{key}_gap"] = None if ru is None or ur is None else round(ur - ru, 4)
    state.comply("R9", "met" if met else "not_met", "; ".join(parts))
    return met
