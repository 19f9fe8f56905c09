"""R12: staff who reach retirement age on 1 September of plan_year leave; their posts become vacancies."""

from __future__ import annotations

import time

import pandas as pd

from ..models import figures
from .reasons import Words
from .results import StageResult


def retiring(sc) -> pd.Series:
    """Boolean mask over sc.staff rows: who retires (R12 wins over everything, locks included)."""
    return figures.retiring(sc)


def apply(sc, state) -> StageResult:
    """Retire everyone `retiring` names (rows of the state); the compliance row for R12."""
    t0 = time.perf_counter()
    mask = retiring(sc)
    w = Words(sc, state.lang)
    for (pid, g, age) in zip(sc.staff.loc[mask, "person_id"], sc.staff.loc[mask, "gender"], sc.ages[mask]):
        limit = sc.policy.retirement_age_male if g == "M" else sc.policy.retirement_age_female
        state.set(pid, role_after="retired", to_school="", move="retire", rules="R12",
                  reason=w("retire", age=int(age), limit=limit, year=sc.policy.plan_year))
    n = int(mask.sum())
    state.comply("R12", "met", "")  # the figures: models/figures.py
    return StageResult("R12", "done", stage_seconds=round(time.perf_counter() - t0, 3), details={"retiring": n})
