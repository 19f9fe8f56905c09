"""R10 (target): urban bachelor+ share / rural bachelor+ share <= degree_ratio_max among compulsory teachers.

Exact, with the count variables of R9 and rho = degree_ratio_max as a fraction num / den: the deficit d is
the number of swaps (a rural teacher below bachelor for an urban bachelor-or-above one) that would bring
the ratio within rho, the smallest d >= 0 with  den x (un - d) x R <= num x (rn + d) x U; with the group
totals constant (candidates.py) this keeps two products of integer variables, rn x R and d x R (r9.py
``deficit``). Penalised with ``weights.r10_degree_ratio`` per teacher; d = 0 exactly when R10 is met.
"""

from __future__ import annotations

from fractions import Fraction

from .ctx import SCALE, ModelCtx, exact_fraction
from .r9 import Form, deficit, exact_deficit, lower_form


def ratio(data) -> Fraction:
    return exact_fraction(data.sc.policy.degree_ratio_max)


def value(data, counts: dict) -> int:
    """Exact R10 deficit (rural bachelor+ teachers short of the ratio) of a placement's counts."""
    return exact_deficit(counts["rural_bachelor"], counts["rural_total"], counts["urban_bachelor"],
                         counts["urban_total"], ratio(data))


def forms(data, least=None) -> list[Form]:
    """The Lagrangian's lower bound of the deficit; ``least(pairs)`` (flow.py) tightens the McCormick
    corner to the fewest rural (bachelor+) teachers any plan within the quotas has."""
    w = int(round(data.sc.policy.weights.r10_degree_ratio * SCALE))
    f = lower_form(data, "R10 rural bachelor+ teachers short of the degree ratio", w, "bachelor", "total", ratio(data),
                   least)
    return [f] if f is not None else []


def build(ctx: ModelCtx) -> None:
    pol = ctx.data.sc.policy
    name = "R10 rural bachelor+ teachers short of the degree ratio"
    d = deficit(ctx, name, "bachelor", "total", ratio(ctx.data))
    ctx.penalty(name, d, pol.weights.r10_degree_ratio)
    ctx.terms["R10"] = d


def report(before: dict, after: dict, target: float, state, log) -> bool:
    """Compliance status for R10 (the figures: models/figures.py) and its target as a KPI (into `log`)."""
    a = after.get("degree_ratio_urban_rural")
    met = a is None or a <= target + 1e-9
    log.kpis["r10_degree_ratio_target"] = target
    state.comply("R10", "met" if met else "not_met", "")  # the figures: models/figures.py
    return met
