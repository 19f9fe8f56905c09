"""R12's statutory retirement date (models/retirement.py), hand-computed from the 2024 NPC decision, and the
validator's independent count agreeing with it for every birth month of the transition."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rotaplan.models import Policy
from rotaplan.models.retirement import age_words, retirement_dates, statutory_retirement_date
from rotaplan.validator.r12 import statutory_date


@pytest.mark.parametrize("gender, born, expected", [
    # men: from January 1965, one month later per four months of birth (count // 4 + 1), at most 36 months
    ("M", "1964-12-15", "2024-12-15"),  # before the reform: 60
    ("M", "1965-01-15", "2025-02-15"),  # count 0 -> +1 month -> 60y1m
    ("M", "1965-04-30", "2025-05-30"),  # count 3 -> +1 -> 60y1m
    ("M", "1965-05-01", "2025-07-01"),  # count 4 -> +2 -> 60y2m
    ("M", "1965-07-31", "2025-09-30"),  # count 6 -> +2 -> 60y2m -> September has 30 days
    ("M", "1966-05-01", "2026-10-01"),  # count 16 -> +5 -> 60y5m
    ("M", "1967-03-01", "2027-10-01"),  # count 26 -> +7 -> 60y7m: after 1 September 2027
    ("M", "1976-08-01", "2039-07-01"),  # count 139 -> 34 + 1 = 35 -> 62y11m
    ("M", "1976-09-01", "2039-09-01"),  # count 140 -> 36 -> 63
    ("M", "1980-01-01", "2043-01-01"),  # capped at 63
    # women teachers: from 55, from January 1970, up to 58
    ("F", "1969-12-31", "2024-12-31"),  # before the reform: 55
    ("F", "1970-01-01", "2025-02-01"),  # count 0 -> 55y1m
    ("F", "1972-04-01", "2027-11-01"),  # count 27 -> 27 // 4 + 1 = 7 -> 55y7m
    ("F", "1981-09-10", "2039-09-10"),  # count 140 -> 36 -> 58
    ("F", "1990-02-28", "2048-02-28"),  # capped at 58
])
def test_2025_schedule_hand_computed(gender, born, expected):
    b = dt.date.fromisoformat(born)
    assert statutory_retirement_date(gender, b, "2025").isoformat() == expected
    assert statutory_date(gender, b, "2025").isoformat() == expected  # the validator's own arithmetic


def test_fixed_schedule_uses_the_policy_ages():
    assert statutory_retirement_date("M", dt.date(1967, 9, 1), "fixed", 60, 55) == dt.date(2027, 9, 1)
    assert statutory_retirement_date("F", dt.date(1970, 2, 28), "fixed", 60, 50) == dt.date(2020, 2, 28)
    assert statutory_retirement_date("F", dt.date(1972, 2, 29), "fixed", 60, 56) == dt.date(2028, 2, 29)
    assert statutory_retirement_date("F", dt.date(1972, 2, 29), "fixed", 60, 55) == dt.date(2027, 2, 28)


def test_age_words():
    assert age_words(725) == "60 years 5 months" and age_words(720) == "60 years" and age_words(661) == \
        "55 years 1 month"


def test_vectorised_dates_match_the_function_and_the_validator_for_every_birth_month():
    births = pd.date_range("1960-01-31", "1985-12-31", freq="ME")  # month ends: the day clamp is exercised
    staff = pd.DataFrame({"gender": ["M", "F"] * len(births),
                          "birth_date": [b for b in births for _ in (0, 1)]})
    for schedule in ("2025", "fixed"):
        pol = Policy.from_mapping({"retirement_schedule": schedule})
        got = retirement_dates(staff, pol)
        for g, b, d in zip(staff["gender"], staff["birth_date"], got):
            one = statutory_retirement_date(g, b.date(), schedule, 60, 55)
            assert d.date() == one == statutory_date(g, b.date(), schedule, 60, 55), (g, b, schedule)
