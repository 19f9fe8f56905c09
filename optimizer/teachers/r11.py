"""R11 (target): at least exchange_share of the exchange-eligible teachers move, and backbone teachers
make up at least exchange_backbone_share of those who move.

Eligible: teachers with years_at_school >= exchange_after_years, no exempt_reason, no locked_school
(a lock wins over R11 and is reported as exempted). "Backbone" here is any backbone level
(school, district, city or province: backbone != none), DOMAIN's glossary meaning of backbone teacher.
Both targets are penalised shortfalls, ``weights.r11_exchange`` per teacher short:
  short_moved >= ceil(share x eligible) - moved
  den x short_backbone >= num x moved - den x moved_backbone   (share = num / den exactly)
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .ctx import ModelCtx


def target(n_eligible: int, share: float) -> int:
    return math.ceil(share * n_eligible - 1e-9)


def build(ctx: ModelCtx) -> None:
    d = ctx.data
    m = ctx.model
    pol = d.sc.policy
    elig = d.is_exchange
    n_elig = int(elig.sum())
    if n_elig == 0:
        ctx.terms["R11"] = {}
        return
    stay_idx = np.flatnonzero(elig[d.p_t] & d.p_stay)
    stay_bb = stay_idx[d.backbone[d.p_t[stay_idx]]]
    n_bb = int((elig & d.backbone).sum())
    moved = m.new_int_var(0, n_elig, "R11 exchanged teachers")
    m.add(moved == n_elig - ctx.pair_sum(stay_idx))
    moved_bb = m.new_int_var(0, n_bb, "R11 exchanged backbone teachers")
    m.add(moved_bb == n_bb - ctx.pair_sum(stay_bb))
    goal = target(n_elig, pol.exchange_share)
    short = m.new_int_var(0, goal, "R11 teachers short of the exchange share")
    m.add(short >= goal - moved)
    share = Fraction(pol.exchange_backbone_share).limit_denominator(1000)
    short_bb = m.new_int_var(0, n_elig, "R11 backbone teachers short of the backbone share")
    m.add(share.denominator * short_bb >= share.numerator * moved - share.denominator * moved_bb)
    w = pol.weights.r11_exchange
    ctx.penalty(short.name, short, w)
    ctx.penalty(short_bb.name, short_bb, w)
    ctx.terms["R11"] = {"moved": moved, "moved_bb": moved_bb, "short": short, "short_bb": short_bb}


def report(data, school_of: np.ndarray, state) -> bool:
    pol = data.sc.policy
    elig = data.is_exchange
    locked_elig = int(((data.t_lock >= 0) & (data.t_from >= 0)
                       & (data.t["years_at_school"].to_numpy() >= pol.exchange_after_years)
                       & (data.t["exempt_reason"].to_numpy() == "")).sum())
    n = int(elig.sum())
    moved = elig & (school_of != data.t_from)
    k = int(moved.sum())
    kb = int((moved & data.backbone).sum())
    share = kb / k if k else None
    goal = target(n, pol.exchange_share)
    met = k >= goal and (k == 0 or kb * 1.0 >= pol.exchange_backbone_share * k - 1e-9)
    state.kpi_extra["r11_eligible"] = n
    state.kpi_extra["r11_exchanged"] = k
    state.kpi_extra["r11_backbone_share"] = None if share is None else round(share, 4)
    lock = f"; {locked_elig} eligible teachers exempted by a lock" if locked_elig else ""
    state.comply("R11", "met" if met else "not_met",
                 f"{k} of {n} eligible teachers exchanged (target >= {goal}, {pol.exchange_share:.0%}); "
                 f"backbone {kb} of {k} = {0 if share is None else share:.1%} (target >= "
                 f"{pol.exchange_backbone_share:.0%}){lock}")
    return met
