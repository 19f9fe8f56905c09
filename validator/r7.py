"""R7 itinerant teaching, checked from itinerant.csv with the validator's own arithmetic.

Every stop row: an itinerant-ok teacher (role_after teacher, not retired), the teacher's subject, a
school of the teacher's township other than the home school, day 1..days_per_week, seq 1..n per day,
at least one lesson, and `travel_minutes` equal to the shortest-path minutes from the previous stop
(the first from to_school). Every day: at most max_schools_per_day stops, at most
max_itinerant_lessons_per_day lessons, and travel home -> stops -> home within
max_travel_minutes_per_day. Every teacher: home_lessons + itinerant lessons <= teacher_load. Every
(school, subject): home lessons + itinerant lessons <= demand (itinerant teaching covers gaps only).

Shortest paths are computed here with networkx on sc.roads (not with the optimizer's code); without
roads, the coordinate estimate of models/travel.py is the travel time, as for the optimizer.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from .core import Violation

TOLERANCE = 0.05  # minutes: travel_minutes may be rounded
SLACK = 1e-6  # float slack on the daily travel limit


class RoadMinutes:
    """Shortest road minutes on sc.roads (networkx, the validator's own), or the scenario's coordinate
    estimate without roads; inf when not connected or longer than `cutoff`."""

    def __init__(self, sc, cutoff: float = math.inf):
        self.sc = sc
        self.cutoff = cutoff
        self.graph = None
        if sc.roads is not None and not sc.roads.empty:
            g = nx.Graph()
            for a, b, m in zip(sc.roads["from"], sc.roads["to"], sc.roads["minutes"]):
                if a != b and not (g.has_edge(a, b) and g[a][b]["minutes"] <= m):
                    g.add_edge(a, b, minutes=float(m))
            self.graph = g
        self._rows: dict[str, dict] = {}

    def __call__(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        if self.graph is None:
            return float(self.sc.travel.minutes(a, b))
        if a not in self._rows:
            self._rows[a] = (nx.single_source_dijkstra_path_length(self.graph, a, cutoff=self.cutoff,
                                                                   weight="minutes")
                             if a in self.graph else {a: 0.0})
        return float(self._rows[a].get(b, math.inf))


def check(sc, plan) -> list[Violation]:
    it = plan.itinerant
    if it is None or len(it) == 0:
        return []
    pol = sc.policy
    out: list[Violation] = []
    it = it.copy()
    for c in ("person_id", "school_id", "subject"):
        it[c] = it[c].fillna("").astype(str).str.strip()
    for c in ("day", "seq", "lessons"):
        it[c] = pd.to_numeric(it[c], errors="coerce").fillna(0).astype(int)
    it["travel_minutes"] = pd.to_numeric(it["travel_minutes"], errors="coerce")
    a = plan.assignments.drop_duplicates("person_id").set_index("person_id")
    st = sc.staff.set_index("person_id")
    township = sc.schools.set_index("school_id")["township"]
    cutoff = max(float(pol.max_travel_minutes_per_day), float(it["travel_minutes"].fillna(0).max())) + 1
    minutes = RoadMinutes(sc, cutoff)
    for pid, rows in it.groupby("person_id", sort=True):
        _person(pid, rows, a, st, township, pol, minutes, out)
    if not pol.itinerant_urban:  # urban schools are covered by itinerant teachers only where the policy says so
        area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"]
        for pid, sid in zip(it["person_id"], it["school_id"]):
            if area.get(sid) == "urban":
                out.append(Violation("R7", pid, f"has an itinerant stop at the urban school {sid}, but itinerant "
                                     "teaching covers rural schools only (itinerant_urban is false).",
                                     "delete the stop, or set itinerant_urban: true in the policy"))
    out.extend(_coverage(sc, it, a, st))
    return out


def _person(pid, rows, a, st, township, pol, minutes, out) -> bool:
    """Checks of one teacher's rows; True when a violation was found."""
    n0 = len(out)

    def v(msg, fix):
        out.append(Violation("R7", pid, msg, fix))

    if pid not in a.index or pid not in st.index:
        v("itinerant stops for a person who is not in the plan or the scenario.", "delete these itinerant rows")
        return True
    r, s = a.loc[pid], st.loc[pid]
    home = str(r["to_school"])
    if r["role_after"] != "teacher" or r["move"] == "retire" or not home:
        v(f"has itinerant stops but is not a teacher at a school after the plan (role_after "
          f"'{r['role_after']}', move '{r['move']}').", "only teachers placed at a school teach itinerant lessons")
        return True
    if not bool(s["itinerant_ok"]):
        v("has itinerant stops but itinerant_ok is false in staff.csv.", "delete the stops or give them to "
          "an itinerant-ok teacher")
    home_tw = township.get(home, None)
    for _, x in rows.iterrows():
        where = f"day {x['day']} stop {x['seq']} ({x['school_id']})"
        if x["subject"] != s["subject"]:
            v(f"{where} is for subject '{x['subject']}' but the teacher teaches '{s['subject']}'.",
              "itinerant teachers cover their own subject only")
        if x["school_id"] not in township.index:
            v(f"{where}: school '{x['school_id']}' is not in schools.csv.", "use a school_id of schools.csv")
        elif township[x["school_id"]] != home_tw:
            v(f"{where} is in township '{township[x['school_id']]}', not the teacher's township '{home_tw}'.",
              "itinerant teaching stays within the township of the teacher's school")
        if x["school_id"] == home:
            v(f"{where} is the teacher's own school.", "home lessons go in home_lessons, not in itinerant.csv")
        if x["lessons"] < 1:
            v(f"{where} has {x['lessons']} lessons.", "a stop teaches at least one lesson; delete empty stops")
        if not 1 <= x["day"] <= pol.days_per_week:
            v(f"{where}: day {x['day']} is outside 1..{pol.days_per_week}.", "use a school day of the week")
    load = int(r["home_lessons"]) + int(rows["lessons"].sum())
    if load > pol.teacher_load:
        v(f"home lessons {int(r['home_lessons'])} + itinerant lessons {int(rows['lessons'].sum())} = {load} "
          f"exceed teacher_load {pol.teacher_load}.", "drop itinerant lessons or home lessons")
    for day, d in rows.groupby("day", sort=True):
        d = d.sort_values("seq")
        seqs = d["seq"].tolist()
        if seqs != list(range(1, len(d) + 1)):
            v(f"day {day}: stops are numbered {seqs}, not 1..{len(d)}.", "number each day's stops 1, 2, ...")
        if d["school_id"].duplicated().any():
            v(f"day {day} visits a school twice.", "merge the two stops")
        if len(d) > pol.max_schools_per_day:
            v(f"day {day} has {len(d)} stops, more than max_schools_per_day {pol.max_schools_per_day}.",
              "move a stop to another day or another teacher")
        if d["lessons"].sum() > pol.max_itinerant_lessons_per_day:
            v(f"day {day} has {int(d['lessons'].sum())} itinerant lessons, more than "
              f"max_itinerant_lessons_per_day {pol.max_itinerant_lessons_per_day}.",
              "spread the lessons over more days")
        prev, total = home, 0.0
        for _, x in d.iterrows():
            m = minutes(prev, x["school_id"])
            total += m
            given = x["travel_minutes"]
            if not math.isfinite(m):
                v(f"day {day} stop {x['seq']}: no road from {prev} to {x['school_id']} within "
                  f"{minutes.cutoff:g} minutes.", "choose a school reachable on the road network")
            elif pd.isna(given) or abs(float(given) - m) > TOLERANCE:
                v(f"day {day} stop {x['seq']}: travel_minutes {given} but the shortest path from {prev} to "
                  f"{x['school_id']} takes {m:.2f} minutes.", f"set travel_minutes to {m:.2f}")
            prev = x["school_id"]
        total += minutes(prev, home)
        if not total <= pol.max_travel_minutes_per_day + SLACK:
            shown = "more than the cutoff" if not math.isfinite(total) else f"{total:.1f}"
            v(f"day {day}: travel to the stops and back home takes {shown} minutes, more than "
              f"max_travel_minutes_per_day {pol.max_travel_minutes_per_day:g}.", "drop or reorder a stop")
    return len(out) > n0


def _coverage(sc, it, a, st) -> list[Violation]:
    """Per (school, subject): home lessons + itinerant lessons <= demand."""
    out = []
    t = a[(a["role_after"] == "teacher") & (a["move"] != "retire") & (a["to_school"] != "")]
    subj = t.index.to_series().map(st["subject"]).fillna("")
    home = pd.DataFrame({"school_id": t["to_school"].to_numpy(), "subject": subj.to_numpy(),
                         "lessons": pd.to_numeric(t["home_lessons"], errors="coerce").fillna(0).to_numpy()})
    home = home.groupby(["school_id", "subject"])["lessons"].sum()
    demand = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    itin = it.groupby(["school_id", "subject"])["lessons"].sum()
    for (school, subject), lessons in itin.items():
        d = int(demand.get((school, subject), 0))
        h = int(home.get((school, subject), 0))
        if h + lessons > d:
            out.append(Violation(
                "R7", school,
                f"{subject} at {school}: home lessons {h} + itinerant lessons {int(lessons)} = {h + int(lessons)} "
                f"exceed the demand of {d} lessons.",
                f"cut itinerant {subject} lessons at {school} to {max(d - h, 0)}"))
    return out
