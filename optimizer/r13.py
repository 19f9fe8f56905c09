"""R13: each year at least young_backbone_training_count young teachers are selected for backbone
training, rural teachers first."""

from __future__ import annotations

import time

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
    # Rural first, mountainous first among them, then the longest-serving young teachers.
    cand["years"] = st["years_at_school"].reindex(cand.index)
    cand = cand.sort_values(["rural", "mountain", "years", "person_id"], ascending=[False, False, False, True])
    chosen = cand.head(pol.young_backbone_training_count)
    w = Words(sc, state.lang)
    for pid in chosen.index:
        state.add_rule(pid, "R13")
        state.set(pid, reason=w.join(str(a.at[pid, "reason"]), w("r13")))
    n, target = len(chosen), pol.young_backbone_training_count
    rural_n = int(chosen["rural"].sum())
    log.kpis["backbone_training_selected"] = n
    log.kpis["backbone_training_rural"] = rural_n
    status = "met" if n >= target else "not_met"
    detail = ""  # the figures: models/figures.py
    if n < target:
        detail = (f"only {len(cand)} teachers aged {pol.young_backbone_age} or younger "
                  "without district-level backbone status")
    state.comply("R13", status, detail)
    return StageResult.of("R13", "done", log, stage_seconds=round(time.perf_counter() - t0, 3))
