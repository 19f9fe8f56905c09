"""A plan validator that shares no code with the optimizer: one module per rule id."""

from __future__ import annotations

from . import (
    contract,
    coverage,
    principal,
    r1,
    r2,
    r3,
    r4,
    r5,
    r6,
    r7,
    r8_posts,
    r8_quota,
    r9,
    r10,
    r11,
    r12,
    r13,
    r14,
    r15,
    r16,
    r17,
)
from .core import Violation, one_join
from .figures import figures  # the plan's figures, counted by the validator: figures(sc, plan) -> dict

# Each module has check(scenario, plan) -> list[Violation].
RULE_MODULES = [contract, r1, r2, principal, r3, r4, r5, r6, r7, r8_posts, r8_quota, r9, r10, r11, r12, r13, r14,
                r15, r16, r17, coverage]


def check_plan(sc, plan) -> list[Violation]:
    """Every violation of the plan against the scenario, hard rules first."""
    found: list[Violation] = []
    with one_join(sc, plan):
        for mod in RULE_MODULES:
            found.extend(mod.check(sc, plan))
    return sorted(found, key=lambda v: (not v.hard, v.rule, v.person_id))


__all__ = ["Violation", "check_plan", "figures"]
