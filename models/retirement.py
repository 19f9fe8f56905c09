"""R12: the statutory retirement date of a person, by the policy's `retirement_schedule`.

`"2025"` follows the 2024 NPC Standing Committee decision on gradually raising the statutory retirement age
(全国人大常委会关于实施渐进式延迟法定退休年龄的决定, in force 1 January 2025): men retire from 60 and women
teachers (women cadres and professionals, originally 55) from 55; for men born from January 1965 and women born
from January 1970, every four months of birth adds one month, up to 63 and 58. So a man born January to April
1965 retires at 60 years 1 month, May to August 1965 at 60 years 2 months, and one born September 1976 or later
at 63. `"fixed"` uses the policy's `retirement_age_male` / `retirement_age_female`.

The date is the day the person reaches that age (their birthday, that many years and months on; the last day of
the month where the month is shorter). Pure arithmetic, used by the optimizer and models/figures.py; the
validator counts it again on its own (validator/r12.py).
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

SCHEDULES = ("2025", "fixed")
# (age before the reform in years, first birth month (year, month) that is delayed, most months of delay)
REFORM_2025 = {"M": (60, (1965, 1), 36), "F": (55, (1970, 1), 36)}
MONTHS_PER_STEP = 4  # one month later for every four months of birth


def retirement_age_months(gender: str, birth_year: int, birth_month: int, schedule: str = "2025",
                          age_male: int = 60, age_female: int = 55) -> int:
    """The statutory retirement age in months (60 years 5 months = 725) of a person born in that month."""
    if schedule == "fixed":
        return 12 * (age_male if gender == "M" else age_female)
    if schedule != "2025":
        raise ValueError(f"unknown retirement_schedule {schedule!r}")
    base, (y0, m0), most = REFORM_2025["M" if gender == "M" else "F"]
    since = (birth_year - y0) * 12 + (birth_month - m0)  # months of birth since the first delayed month
    delay = 0 if since < 0 else min(most, since // MONTHS_PER_STEP + 1)
    return 12 * base + delay


def statutory_retirement_date(gender: str, birth_date: dt.date, schedule: str = "2025", age_male: int = 60,
                              age_female: int = 55) -> dt.date:
    """The day a person reaches the statutory retirement age (see the module docstring)."""
    months = retirement_age_months(gender, birth_date.year, birth_date.month, schedule, age_male, age_female)
    total = birth_date.year * 12 + (birth_date.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(birth_date.day, calendar.monthrange(year, month)[1]))


def age_words(months: int) -> str:
    """60 years 5 months, for reasons."""
    y, m = divmod(int(months), 12)
    return f"{y} years" + (f" {m} month{'s' if m != 1 else ''}" if m else "")


def retirement_ages(staff: pd.DataFrame, policy) -> pd.Series:
    """Statutory retirement age in months of every staff row (NaN without a birth date); vectorised."""
    b = pd.to_datetime(staff["birth_date"], errors="coerce")
    male = (staff["gender"] == "M").to_numpy()
    if policy.retirement_schedule == "fixed":
        months = np.where(male, 12 * policy.retirement_age_male, 12 * policy.retirement_age_female).astype(float)
    else:
        months = np.zeros(len(staff), dtype=float)
        for g, (base, (y0, m0), most) in REFORM_2025.items():
            since = ((b.dt.year - y0) * 12 + (b.dt.month - m0)).to_numpy(dtype=float)
            delay = np.where(since < 0, 0, np.minimum(most, np.floor(since / MONTHS_PER_STEP) + 1))
            sel = male if g == "M" else ~male
            months[sel] = (12 * base + delay)[sel]
    months[b.isna().to_numpy()] = np.nan
    return pd.Series(months, index=staff.index)


def retirement_dates(staff: pd.DataFrame, policy) -> pd.Series:
    """Statutory retirement date (datetime64, NaT without a birth date) of every staff row; vectorised."""
    b = pd.to_datetime(staff["birth_date"], errors="coerce")
    months = retirement_ages(staff, policy)
    ok = b.notna() & months.notna()
    out = pd.Series(pd.NaT, index=staff.index, dtype="datetime64[ns]")
    if not ok.any():
        return out
    bb, mm = b[ok], months[ok].astype(int)
    total = bb.dt.year * 12 + (bb.dt.month - 1) + mm
    year, month = total // 12, total % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    last_day = first.dt.days_in_month
    day = np.minimum(bb.dt.day, last_day)
    out[ok] = first + pd.to_timedelta(day - 1, unit="D")
    return out


def plan_date(policy) -> pd.Timestamp:
    """1 September of plan_year: the day the plan takes effect (R12 counts dates on or before it)."""
    return pd.Timestamp(year=policy.plan_year, month=9, day=1)
