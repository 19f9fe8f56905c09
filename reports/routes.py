"""`rotaplan routes PERSON [PLAN]`: one itinerant teacher's week (R7) as plain text."""

from __future__ import annotations

import math
import unicodedata

import pandas as pd

from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.figures import itinerant_days, itinerant_week
from .words import school as school_label
from .words import t, weekday, word

messages.register({
    "routes.no_person": ("no such person in this plan", "本方案中没有此人"),
    "routes.no_stops": ("no itinerant stops in this plan", "本方案中此人没有走教安排"),
    "routes.head": ("{who}: {subject} teacher at {school}, township {township}",
                    "{who}：{school}{subject}教师，{township}"),
    "routes.load": ("{home} home lessons + {itinerant} itinerant lessons = {total} of {load} a week",
                    "本校{home}节 + 走教{itinerant}节 = 每周{total}节（满工作量{load}节）"),
    "routes.columns": ("Day|Stop|School|Lessons|Minutes", "星期|站次|学校|课时|路程分钟"),
    "routes.back": ("back", "返回"),
    "routes.no_road": ("no road", "无道路"),
    "routes.day": ("     day {day}: {lessons} lessons, {minutes} travel minutes",
                   "     星期{day}：{lessons}节课，路程{minutes}分钟"),
    "routes.week": ("Week: {lessons} itinerant lessons on {days} day(s), {minutes} travel minutes with the way "
                    "back. Listed for itinerant-teacher evaluation and pay tilt (R7, §2.5).",
                    "每周：走教{lessons}节，共{days}天，路程{minutes}分钟（含返程）。"
                    "列入走教教师评优评先和待遇倾斜名单（R7，§2.5）。"),
})


def _width(text: str) -> int:
    """Columns a terminal gives `text` (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def week_text(plan, sc, person_id: str, lang: str | None = None) -> str:
    """Days, stops, lessons and travel minutes of one teacher's itinerant week (the travel minutes with the
    way back of models/figures.py, as kpis.json and `explain` give them).

    Raises ScenarioError when the person is not in the plan or has no itinerant stops. `lang`: en or zh.
    """
    lang = messages.check_lang(lang)
    a = plan.assignments
    hit = a[a["person_id"] == person_id]
    if hit.empty:
        raise ScenarioError([Problem(plan.source, None, "person_id", person_id, t("routes.no_person", lang))])
    it = plan.itinerant
    rows = it[it["person_id"].astype(str) == person_id] if len(it) else it
    if rows is None or len(rows) == 0:
        raise ScenarioError([Problem(plan.source, None, "person_id", person_id, t("routes.no_stops", lang))])
    r = hit.iloc[0]
    home = str(r["to_school"])
    schools = sc.schools.set_index("school_id", drop=False)
    township = dict(zip(sc.schools["school_id"], sc.schools["township"]))
    subject = rows["subject"].iloc[0]
    rows = rows.assign(day=pd.to_numeric(rows["day"]).astype(int), seq=pd.to_numeric(rows["seq"]).astype(int),
                       lessons=pd.to_numeric(rows["lessons"]).astype(int),
                       travel_minutes=pd.to_numeric(rows["travel_minutes"]).astype(float))
    rows = rows.sort_values(["day", "seq"])

    def label(s: str) -> str:
        return school_label(s, schools, lang)

    home_lessons = int(r.get("home_lessons", 0) or 0)
    itinerant = int(rows["lessons"].sum())
    who = f"{person_id} {r.get('name', '')}".rstrip()
    lines = [
        t("routes.head", lang, who=who, subject=word("subject", subject, lang), school=label(home),
          township=township.get(home, "?")),
        t("routes.load", lang, home=home_lessons, itinerant=itinerant, total=home_lessons + itinerant,
          load=sc.policy.teacher_load),
        "",
    ]
    table: list = [tuple(t("routes.columns", lang).split("|"))]
    homes = {person_id: home}
    days = itinerant_days(sc, homes, rows).loc[person_id]
    week = itinerant_week(sc, homes, rows).loc[person_id]
    for day, d in rows.groupby("day", sort=True):
        for _, x in d.iterrows():
            table.append((weekday(day, lang), str(x["seq"]), label(x["school_id"]), str(x["lessons"]),
                          f"{x['travel_minutes']:.1f}"))
        back = sc.travel.minutes(d["school_id"].iloc[-1], home)
        table.append((weekday(day, lang), t("routes.back", lang), label(home), "",
                      f"{back:.1f}" if math.isfinite(back) else t("routes.no_road", lang)))
        table.append(t("routes.day", lang, day=weekday(day, lang), lessons=int(days.at[day, "lessons"]),
                       minutes=f"{float(days.at[day, 'travel_minutes']):.1f}"))
    cells = [row for row in table if isinstance(row, tuple)]
    widths = [max(_width(row[i]) for row in cells) for i in range(5)]
    for row in table:
        if isinstance(row, str):
            lines.append(row)
            continue
        lines.append("  ".join(c + " " * (w - _width(c)) if i <= 2 else " " * (w - _width(c)) + c
                               for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    n_days = rows["day"].nunique()
    lines += ["", t("routes.week", lang, lessons=itinerant, days=n_days,
                    minutes=f"{float(week['travel_minutes']):.1f}")]
    return "\n".join(lines)
