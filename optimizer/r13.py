"""R13: each year at least young_backbone_training_count young teachers are selected for backbone
training (young_backbone_age or younger, not yet district-level-or-above backbone), rural teachers first, by
evaluation_score (考核分, higher first) where given."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from .reasons import Words
from .results import StageLog, StageResult


def apply(sc, state) -> StageResult:
    """Select the young teachers for backbone training (R13 in their rules and reason); the compliance row."""
    t0 = time.perf_counter()
    log = StageLog()
    pol = sc.policy
    a = state.a
    area = sc.schools.set_index("school_id")["area"]
    st = sc.staff.set_index("person_id")
    ages = sc.ages.set_axis(sc.staff["person_id"].to_numpy())
    cand = a[(a["role_after"] == "teacher") & (a["to_school"] != "")].copy()
    cand["age"] = ages.reindex(cand.index)
    cand = cand[(cand["age"] <= pol.young_backbone_age) & (st["backbone"].reindex(cand.index).isin(["none", "school"]))]
    cand["rural"] = cand["to_school"].map(area) == "rural"
    cand["mountain"] = cand["to_school"].map(sc.schools.set_index("school_id")["mountainous"]).fillna(False)
    # Rural first; then by evaluation_score (考核分) where given, higher first, those with a score before those
    # without; then mountainous first and the longest-serving young teachers.
    cand["years"] = st["years_at_school"].reindex(cand.index)
    score = (pd.to_numeric(st["evaluation_score"], errors="coerce") if "evaluation_score" in st.columns
             else pd.Series(np.nan, index=st.index)).reindex(cand.index)
    cand["scored"] = score.notna()
    cand["score"] = score.fillna(0.0)
    cand = cand.sort_values(["rural", "scored", "score", "mountain", "years", "person_id"],
                            ascending=[False, False, False, False, False, True], kind="stable")
    chosen = cand.head(pol.young_backbone_training_count)
    w = Words(sc, state.lang)
    for pid in chosen.index:
        state.add_rule(pid, "R13")
        extra = (w("r13_scored", score=f"{chosen.at[pid, 'score']:g}") if chosen.at[pid, "scored"]
                 else w("r13"))
        state.set(pid, reason=w.join(str(a.at[pid, "reason"]), extra))
    n, target = len(chosen), pol.young_backbone_training_count
    rural_n = int(chosen["rural"].sum())
    log.kpis["backbone_training_selected"] = n
    log.kpis["backbone_training_rural"] = rural_n
    status = "met" if n >= target else "not_met"
    detail = ""  # the figures: models/figures.py
    if n < target:
        detail = w.note("r13_short", n=len(cand), age=pol.young_backbone_age)
    state.comply("R13", status, detail)
    return StageResult.of("R13", "done", log, stage_seconds=round(time.perf_counter() - t0, 3))
