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
"""

from __future__ import annotations

from fractions import Fraction

from .ctx import ModelCtx


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
