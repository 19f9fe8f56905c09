"""R13 (target): at least young_backbone_training_count young teachers (aged young_backbone_age or
younger, not yet district-level-or-above backbone) are selected for backbone training, rural teachers first,
by evaluation_score (higher first) where given. A selection is marked by R13 in the person's rules."""

from __future__ import annotations

import pandas as pd

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    chosen = j[j["rules"].str.split(";").map(lambda rs: "R13" in rs)]
    out: list[Violation] = []
    for pid, r in chosen.iterrows():
        if r["role_after"] != "teacher" or r["age_sep1"] > pol.young_backbone_age:
            out.append(Violation("R13", pid, f"selected for backbone training but is {r['role_after']} aged "
                                             f"{r['age_sep1']} (young teachers are {pol.young_backbone_age} or "
                                             "younger).", "select a young teacher instead", hard=False))
        elif r["backbone"] in ("district", "city", "province"):
            out.append(Violation("R13", pid, f"selected for backbone training but is already a {r['backbone']}-level "
                                             "backbone teacher.", "select a teacher below district level",
                                 hard=False))
    eligible = j[(j["role_after"] == "teacher") & (j["age_sep1"] <= pol.young_backbone_age)
                 & j["backbone"].isin(("none", "school"))]
    if len(chosen) < pol.young_backbone_training_count and len(eligible) > len(chosen):
        out.append(Violation("R13", "", f"{len(chosen)} young teachers selected for backbone training; the "
                                        f"target is {pol.young_backbone_training_count}.",
                             "select more young teachers, rural ones first", hard=False))
    if "evaluation_score" in j.columns:  # within an area, a higher evaluation score goes first
        score = pd.to_numeric(j["evaluation_score"], errors="coerce")
        for area in ("rural", "urban"):
            picked = score[chosen.index[chosen["to_area"] == area]].dropna()
            left = score[eligible.index[(eligible["to_area"] == area) & ~eligible.index.isin(chosen.index)]].dropna()
            if len(picked) and len(left) and left.max() > picked.min():
                out.append(Violation("R13", str(picked.idxmin()), f"selected with evaluation_score {picked.min():g} "
                                                                 f"while {area} teacher {left.idxmax()} with "
                                                                 f"{left.max():g} was not.",
                                     "select by evaluation_score, higher first, within each area", hard=False))
    rural_left = eligible[(eligible["to_area"] == "rural") & ~eligible.index.isin(chosen.index)]
    urban_chosen = chosen[chosen["to_area"] == "urban"]
    if len(rural_left) and len(urban_chosen):
        out.append(Violation("R13", "", f"{len(urban_chosen)} urban teachers selected while {len(rural_left)} "
                                        "young rural teachers were not.", "select rural teachers first",
                             hard=False))
    return out
