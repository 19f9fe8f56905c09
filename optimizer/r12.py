"""R12: staff whose statutory retirement date (retirement_schedule: the 2025 schedule or fixed ages,
models/retirement.py) falls on or before 1 September of plan_year leave; their posts become vacancies."""

from __future__ import annotations

import time

import pandas as pd

from ..models import figures
from ..models.retirement import retirement_ages
from .reasons import Words
from .results import StageResult


def retiring(sc) -> pd.Series:
    """Boolean mask over sc.staff rows: who retires (R12 wins over everything, locks included)."""
    return figures.retiring(sc)


def apply(sc, state) -> StageResult:
    """Retire everyone `retiring` names (rows of the state), with their retire_date; the compliance row for R12."""
    t0 = time.perf_counter()
    mask = retiring(sc)
    w = Words(sc, state.lang)
    dates = figures.retire_dates(sc)[mask]
    limits = retirement_ages(sc.staff, sc.policy)[mask]
    for pid, age, date, months in zip(sc.staff.loc[mask, "person_id"], sc.ages[mask], dates, limits):
        when = date.date().isoformat()
        state.set(pid, role_after="retired", to_school="", move="retire", rules="R12", retire_date=when,
                  reason=w("retire", age=int(age), limit=w.age(months), date=when, year=sc.policy.plan_year))
    n = int(mask.sum())
    state.comply("R12", "met", "")  # the figures: models/figures.py
    return StageResult("R12", "done", stage_seconds=round(time.perf_counter() - t0, 3), details={"retiring": n})
