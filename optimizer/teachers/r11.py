"""R11: exchange (交流轮岗) is a posting from an urban school to a rural school.

Eligible (``eligible``, the one place the optimizer decides it): teachers at an urban school with
years_at_school >= exchange_after_years, no exempt_reason, younger than exchange_exempt_age_male /
exchange_exempt_age_female on 1 September of plan_year, no locked_school (a lock wins over R11 and is
reported as exempted). candidates.py offers an eligible teacher only rural schools besides their own, so
an exchange never goes rural -> urban or within one area. "Backbone" is district level or above (as in R9).
Floor (target): at least exchange_share of the eligible move, backbone teachers at least
exchange_backbone_share of them; both are penalised shortfalls, ``weights.r11_exchange`` per teacher short:
  short_moved >= ceil(share x eligible) - moved
  den x short_backbone >= num x moved - den x moved_backbone   (share = num / den exactly)
Ceiling (hard): moved <= floor(exchange_share_max x eligible). CP-SAT holds it as a constraint; the flow
prices it by a Lagrangian multiplier (a valid bound for any multiplier >= 0) and flow.py's ``within_ceiling``
sends the least valuable surplus movers back to their own school, so every plan the stage scores keeps it.
"""

from __future__ import annotations

import math

import numpy as np

from .ctx import SCALE, ModelCtx, exact_fraction

HARD = 10**7  # scaled cost per exchange above the ceiling in exact scores: such a placement is never a plan


def target(n_eligible: int, share: float) -> int:
    return math.ceil(share * n_eligible - 1e-9)


def ceiling(n_eligible: int, share_max: float) -> int:
    """The most exchanges R11 allows: floor(exchange_share_max x eligible)."""
    return math.floor(share_max * n_eligible + 1e-9)


def eligible(pol, years: np.ndarray, exempt: np.ndarray, gender: np.ndarray, age: np.ndarray,
             urban_now: np.ndarray, new: np.ndarray) -> np.ndarray:
    """R11 eligibility (before locks): urban now, long enough there, not exempt, below the exemption age."""
    limit = np.where(gender == "F", pol.exchange_exempt_age_female, pol.exchange_exempt_age_male)
    young_enough = ~(np.asarray(age, dtype=float) >= limit)  # an unknown age does not exempt
    return (~new & urban_now & (years >= pol.exchange_after_years) & (exempt == "") & young_enough)


def shortfalls(pol, n_elig: int, moved: int, moved_bb: int) -> dict:
    """Exact R11 figures of ``moved`` exchanges (``moved_bb`` of them backbone) among ``n_elig`` eligible: both
    shortfalls and the exchanges above the ceiling (all 0 without eligible teachers)."""
    if n_elig == 0:
        return {"short": 0, "short_bb": 0, "over": 0}
    share = exact_fraction(pol.exchange_backbone_share)
    need = share.numerator * moved - share.denominator * moved_bb
    return {"short": max(0, target(n_elig, pol.exchange_share) - moved),
            "short_bb": max(0, -(-need // share.denominator)),
            "over": max(0, moved - ceiling(n_elig, pol.exchange_share_max))}


def _parts(d):
    """Eligible teachers with candidates (exchanged unless they take a non-rural pair) and those pairs."""
    elig = d.is_exchange
    has_pairs = np.bincount(d.p_t, minlength=len(d.t)) > 0
    movers = elig & has_pairs
    # an eligible teacher is exchanged when placed at a rural school; every other pair of theirs (their own
    # school, a ranked urban school) is not an exchange
    stay_idx = np.flatnonzero(elig[d.p_t] & ~d.s_rural[d.p_s])
    stay_bb = stay_idx[d.backbone[d.p_t[stay_idx]]]
    return movers, stay_idx, stay_bb


def value(d, choice: np.ndarray) -> dict:
    """Exact R11 shortfalls of a placement (as the model computes them)."""
    pol = d.sc.policy
    n_elig = int(d.is_exchange.sum())
    if n_elig == 0:
        return {"short": 0, "short_bb": 0, "moved": 0, "moved_bb": 0, "over": 0}
    movers, stay_idx, stay_bb = _parts(d)
    chosen = np.zeros(len(d.p_t), dtype=bool)
    chosen[choice[choice >= 0]] = True
    moved = int(movers.sum()) - int(chosen[stay_idx].sum())
    moved_bb = int((movers & d.backbone).sum()) - int(chosen[stay_bb].sum())
    return {**shortfalls(pol, n_elig, moved, moved_bb), "moved": moved, "moved_bb": moved_bb}


def forms(d) -> list:
    """Linear forms of both shortfalls (exact up to rounding) for the Lagrangian bound of flow.py."""
    from .r9 import Form

    pol = d.sc.policy
    n_elig = int(d.is_exchange.sum())
    if n_elig == 0:
        return []
    movers, stay_idx, stay_bb = _parts(d)
    w = int(round(pol.weights.r11_exchange * SCALE))
    share = float(exact_fraction(pol.exchange_backbone_share))
    n_m, n_mb = int(movers.sum()), int((movers & d.backbone).sum())
    # short >= goal - moved = goal - n_m + sum(stay);  short_bb >= share moved - moved_bb
    a = Form("R11 teachers short of the exchange share", w, float(target(n_elig, pol.exchange_share) - n_m),
             stay_idx, np.ones(len(stay_idx)))
    idx = np.concatenate([stay_idx, stay_bb])
    coef = np.concatenate([np.full(len(stay_idx), -share), np.ones(len(stay_bb))])
    b = Form("R11 backbone teachers short of the backbone share", w, share * n_m - n_mb, idx, coef)
    # the hard ceiling: moved - cap <= 0, priced by a multiplier up to HARD (valid for any multiplier >= 0)
    cap = ceiling(n_elig, pol.exchange_share_max)
    c = Form("R11 exchanges above the ceiling", HARD, float(n_m - cap), stay_idx, -np.ones(len(stay_idx)))
    return [a, b, c]



def build(ctx: ModelCtx) -> None:
    d = ctx.data
    m = ctx.model
    pol = d.sc.policy
    elig = d.is_exchange
    n_elig = int(elig.sum())
    if n_elig == 0:
        ctx.terms["R11"] = {}
        return
    movers, stay_idx, stay_bb = _parts(d)
    n_m, n_bb = int(movers.sum()), int((movers & d.backbone).sum())
    moved = m.new_int_var(0, n_m, "R11 exchanged teachers")
    m.add(moved == n_m - ctx.pair_sum(stay_idx))
    moved_bb = m.new_int_var(0, n_bb, "R11 exchanged backbone teachers")
    m.add(moved_bb == n_bb - ctx.pair_sum(stay_bb))
    goal = target(n_elig, pol.exchange_share)
    short = m.new_int_var(0, goal, "R11 teachers short of the exchange share")
    m.add(short >= goal - moved)
    share = exact_fraction(pol.exchange_backbone_share)
    short_bb = m.new_int_var(0, n_elig, "R11 backbone teachers short of the backbone share")
    m.add(share.denominator * short_bb >= share.numerator * moved - share.denominator * moved_bb)
    m.add(moved <= ceiling(n_elig, pol.exchange_share_max))  # hard
    w = pol.weights.r11_exchange
    ctx.penalty(short.name, short, w)
    ctx.penalty(short_bb.name, short_bb, w)
    ctx.terms["R11"] = {"moved": moved, "moved_bb": moved_bb, "short": short, "short_bb": short_bb}


def report(data, school_of: np.ndarray, state, log) -> bool:
    """Compliance row for R11 and its KPI figures (into `log`, the stage's StageLog); True when met."""
    pol = data.sc.policy
    elig = data.is_exchange
    n = int(elig.sum())
    moved = elig & (school_of >= 0) & data.s_rural[np.maximum(school_of, 0)]
    k = int(moved.sum())
    kb = int((moved & data.backbone).sum())
    share = kb / k if k else None
    goal = target(n, pol.exchange_share)
    met = k >= goal and (k == 0 or kb * 1.0 >= pol.exchange_backbone_share * k - 1e-9)
    if k > ceiling(n, pol.exchange_share_max):  # hard: never expected, the stage keeps the ceiling
        state.comply("R11", "not_met", data.say.note("r11_ceiling", k=k, ceiling=ceiling(n, pol.exchange_share_max)))
        return False
    log.kpis["r11_eligible"] = n
    log.kpis["r11_exchanged"] = k
    log.kpis["r11_backbone_share"] = None if share is None else round(share, 4)
    state.comply("R11", "met" if met else "not_met", "")  # the figures: models/figures.py
    return met
