"""R12 (hard): everyone whose statutory retirement date falls on or before 1 September of plan_year retires:
move 'retire', role_after 'retired', empty to_school, and `retire_date` that date; nobody else retires.

The date, counted here on its own (not models/retirement.py): with retirement_schedule "fixed", the birthday at
retirement_age_male / retirement_age_female; with "2025" (the 2024 NPC decision), men at 60 and women at 55
plus one month for each started block of four birth months from January 1965 (men) / January 1970 (women),
at most 36 months (63 / 58). The day is the birth day, or the month's last day where the month is shorter.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from .core import Violation, joined

# gender -> (base age, first delayed birth year, most months of delay); every schedule starts in January
_NPC_2024 = {"M": (60, 1965, 36), "F": (55, 1970, 36)}


def _age_in_months(gender: str, born: dt.date, schedule: str, male: int, female: int) -> int:
    if schedule == "fixed":
        return 12 * (male if gender == "M" else female)
    base, first_year, most = _NPC_2024.get(gender, _NPC_2024["F"])
    months_after = 12 * (born.year - first_year) + born.month - 1  # 0 for January of the first year
    if months_after < 0:
        return 12 * base
    steps = 1 + months_after // 4  # January-April -> 1 month, May-August -> 2, ...
    return 12 * base + min(steps, most)


def statutory_date(gender: str, born: dt.date, schedule: str, male: int = 60, female: int = 55) -> dt.date:
    """The day the person reaches the statutory retirement age."""
    n = _age_in_months(gender, born, schedule, male, female)
    y = born.year + (born.month - 1 + n) // 12
    m = (born.month - 1 + n) % 12 + 1
    return dt.date(y, m, min(born.day, calendar.monthrange(y, m)[1]))


def dates(sc, j: pd.DataFrame) -> pd.Series:
    """The statutory retirement date of each row of `j` (joined plan rows), None without a birth date."""
    pol = sc.policy
    out = {}
    for pid, g, b in zip(j.index, j["gender"], j["birth_date"]):
        out[pid] = None if pd.isna(b) else statutory_date(str(g), pd.Timestamp(b).date(), pol.retirement_schedule,
                                                          pol.retirement_age_male, pol.retirement_age_female)
    return pd.Series(out, dtype=object).reindex(j.index)


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    j = j[~j.index.duplicated(keep="first")]
    when = dates(sc, j)
    sept1 = dt.date(pol.plan_year, 9, 1)
    due = when.map(lambda d: d is not None and d <= sept1).astype(bool)
    retires = (j["move"] == "retire") | (j["role_after"] == "retired")
    written = j["retire_date"].fillna("").astype(str).str.strip() if "retire_date" in j.columns else \
        pd.Series("", index=j.index)
    out: list[Violation] = []
    for pid, r in j[due].iterrows():
        date = when[pid].isoformat()
        if r["move"] != "retire" or r["role_after"] != "retired" or r["to_school"] != "":
            out.append(Violation("R12", pid, f"reaches the statutory retirement age on {date}, on or before "
                                             f"1 September {pol.plan_year}, but is not retired (move '{r['move']}', "
                                             f"role_after '{r['role_after']}', to_school '{r['to_school']}').",
                                 "set move retire, role_after retired and leave to_school empty"))
        elif written[pid] == "":
            out.append(Violation("R12", pid, "retires but the plan gives no retire_date.",
                                 f"write retire_date {date} (the statutory retirement date)", hard=False))
        elif written[pid][:10] != date:
            out.append(Violation("R12", pid, f"retires with retire_date {written[pid]}, but the statutory "
                                             f"retirement date ({pol.retirement_schedule} schedule) is {date}.",
                                 f"write retire_date {date}"))
    for pid in j.index[~due & retires]:
        what = "has no birth date" if when[pid] is None else \
            f"reaches the statutory retirement age only on {when[pid].isoformat()}"
        out.append(Violation("R12", pid, f"retires but {what}, after 1 September {pol.plan_year}.",
                             "keep them at a school; only those whose retirement date falls by 1 September retire"))
    return out
