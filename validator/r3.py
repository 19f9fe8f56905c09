"""R3 (target): at least young_rural_leader_share of the leaders at rural schools after the plan are aged
young_age or younger on 1 September of plan_year."""

from __future__ import annotations

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    rural = j[j["role_after"].isin(("principal", "vice_principal")) & (j["to_area"] == "rural")]
    if rural.empty:
        return []
    young = int((rural["age_sep1"] <= pol.young_age).sum())
    share = young / len(rural)
    if share + 1e-9 >= pol.young_rural_leader_share:
        return []
    return [Violation("R3", "", f"{young} of {len(rural)} rural leaders ({share:.1%}) are aged {pol.young_age} or "
                                f"younger; the target is {pol.young_rural_leader_share:.0%}.",
                      "place young (reserve) leaders in rural leader posts", hard=False)]
