"""`rotaplan routes PERSON [PLAN]`: one itinerant teacher's week (R7) as plain text."""

from __future__ import annotations

import math
import unicodedata

import pandas as pd

from ..models.errors import Problem, ScenarioError
from ..models.figures import itinerant_days, itinerant_week


def _width(text: str) -> int:
    """Columns a terminal gives `text` (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def week_text(plan, sc, person_id: str) -> str:
    """Days, stops, lessons and travel minutes of one teacher's itinerant week (the travel minutes with the
    way back of models/figures.py, as kpis.json and `explain` give them).

    Raises ScenarioError when the person is not in the plan or has no itinerant stops.
    """
    a = plan.assignments
    hit = a[a["person_id"] == person_id]
    if hit.empty:
        raise ScenarioError([Problem(plan.source, None, "person_id", person_id, "no such person in this plan")])
    it = plan.itinerant
    rows = it[it["person_id"].astype(str) == person_id] if len(it) else it
    if rows is None or len(rows) == 0:
        raise ScenarioError([Problem(plan.source, None, "person_id", person_id, "no itinerant stops in this plan")])
    r = hit.iloc[0]
    home = str(r["to_school"])
    name = dict(zip(sc.schools["school_id"], sc.schools["name"]))
    township = dict(zip(sc.schools["school_id"], sc.schools["township"]))
    subject = rows["subject"].iloc[0]
    rows = rows.assign(day=pd.to_numeric(rows["day"]).astype(int), seq=pd.to_numeric(rows["seq"]).astype(int),
                       lessons=pd.to_numeric(rows["lessons"]).astype(int),
                       travel_minutes=pd.to_numeric(rows["travel_minutes"]).astype(float))
    rows = rows.sort_values(["day", "seq"])

    def label(s: str) -> str:
        return f"{name.get(s, s)} ({s})"

    home_lessons = int(r.get("home_lessons", 0) or 0)
    lines = [
        f"{person_id} {r.get('name', '')}".rstrip() + f": {subject} teacher at {label(home)}, "
        f"township {township.get(home, '?')}",
        f"{home_lessons} home lessons + {int(rows['lessons'].sum())} itinerant lessons = "
        f"{home_lessons + int(rows['lessons'].sum())} of {sc.policy.teacher_load} a week",
        "",
    ]
    table: list = [("Day", "Stop", "School", "Lessons", "Minutes")]
    homes = {person_id: home}
    days = itinerant_days(sc, homes, rows).loc[person_id]
    week = itinerant_week(sc, homes, rows).loc[person_id]
    for day, d in rows.groupby("day", sort=True):
        for _, x in d.iterrows():
            table.append((str(day), str(x["seq"]), label(x["school_id"]), str(x["lessons"]),
                          f"{x['travel_minutes']:.1f}"))
        back = sc.travel.minutes(d["school_id"].iloc[-1], home)
        table.append((str(day), "back", label(home), "", f"{back:.1f}" if math.isfinite(back) else "no road"))
        table.append(f"     day {day}: {int(days.at[day, 'lessons'])} lessons, "
                     f"{float(days.at[day, 'travel_minutes']):.1f} travel minutes")
    cells = [row for row in table if isinstance(row, tuple)]
    widths = [max(_width(row[i]) for row in cells) for i in range(5)]
    for row in table:
        if isinstance(row, str):
            lines.append(row)
            continue
        lines.append("  ".join(c + " " * (w - _width(c)) if i <= 2 else " " * (w - _width(c)) + c
                               for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    days = rows["day"].nunique()
    lines += ["", f"Week: {int(rows['lessons'].sum())} itinerant lessons on {days} day(s), "
                  f"{float(week['travel_minutes']):.1f} travel minutes with the way back. Listed for itinerant-teacher "
                  "evaluation and pay tilt (R7, §2.5)."]
    return "\n".join(lines)
