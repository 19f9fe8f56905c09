"""R10 (target): urban / rural bachelor-or-above share among compulsory-school teachers <= degree_ratio_max."""

from __future__ import annotations

from .core import Violation, joined

COMPULSORY = ("primary", "junior", "nine_year")


def check(sc, plan) -> list[Violation]:
    j = joined(sc, plan)
    t = j[(j["role_after"] == "teacher") & j["to_level"].isin(COMPULSORY)]
    bach = t["degree"].isin(["bachelor", "master", "doctorate"])
    u, r = bach[t["to_area"] == "urban"], bach[t["to_area"] == "rural"]
    if len(u) == 0 or len(r) == 0 or r.mean() == 0:
        return []
    ratio = u.mean() / r.mean()
    if ratio > sc.policy.degree_ratio_max + 1e-9:
        return [Violation("R10", "", f"urban/rural bachelor-or-above share ratio {ratio:.4f} is above "
                                     f"{sc.policy.degree_ratio_max}.",
                          "move bachelor-or-above teachers to rural compulsory schools", hard=False)]
    return []
