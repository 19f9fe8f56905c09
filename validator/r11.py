"""R11 (target): of the teachers eligible for exchange (years_at_school >= exchange_after_years, no
exempt_reason, no locked_school), at least exchange_share move school, and backbone teachers (any level
but none) are at least exchange_backbone_share of those who move."""

from __future__ import annotations

import math

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    elig = j[(j["role"] == "teacher") & (j["role_after"] == "teacher") & (j["school_id"].fillna("") != "")
             & (j["years_at_school"] >= pol.exchange_after_years) & (j["exempt_reason"].fillna("") == "")
             & (j["locked_school"].fillna("") == "")]
    moved = elig[elig["to_school"] != elig["from_school"]]
    out = []
    goal = math.ceil(pol.exchange_share * len(elig) - 1e-9)
    if len(moved) < goal:
        out.append(Violation("R11", "", f"{len(moved)} of {len(elig)} eligible teachers exchanged, fewer than "
                                        f"{goal} ({pol.exchange_share:.0%}).",
                             "exchange more long-serving teachers", hard=False))
    if len(moved):
        bb = (moved["backbone"].fillna("none") != "none").mean()
        if bb < pol.exchange_backbone_share - 1e-9:
            out.append(Violation("R11", "", f"backbone teachers are {bb:.1%} of those exchanged, below "
                                            f"{pol.exchange_backbone_share:.0%}.",
                                 "exchange more backbone teachers", hard=False))
    return out
