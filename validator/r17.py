"""R17 (hard where given): at a rural school with dorm_beds, the teachers the plan places there (role_after
teacher, to_school differs from from_school; new hires included; a lock exempts; leaders are not teachers) whose
home is more than commute_minutes_max away are no more than its beds. Home minutes: great-circle km x
detour_factor / road_speed_kmh (homes are not on the road graph); an unknown home is not counted."""

from __future__ import annotations

import math

import pandas as pd

from .core import Violation, joined, records


def _km(lat1, lon1, lat2, lon2) -> float:
    if any(pd.isna(x) for x in (lat1, lon1, lat2, lon2)):
        return math.nan
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def far_arrivals(sc, plan) -> tuple[pd.Series, dict[str, list[str]]]:
    """(beds per rural school that gives them, school -> people arriving from homes beyond the limit)."""
    pol = sc.policy
    sch = sc.schools.drop_duplicates("school_id").set_index("school_id")
    if "dorm_beds" not in sch.columns:
        return pd.Series(dtype=float), {}
    beds = pd.to_numeric(sch["dorm_beds"], errors="coerce")[sch["area"] == "rural"].dropna()
    j = joined(sc, plan)
    out: dict[str, list[str]] = {}
    arriving = j[(j["to_school"] != j["from_school"]) & j["to_school"].isin(beds.index)
                 & (j["to_school"] != j["locked_school"].fillna("")) & (j["role_after"] == "teacher")]
    for pid, r in records(arriving, ("home_lat", "home_lon", "to_school")):
        km = _km(r["home_lat"], r["home_lon"], sch.at[r["to_school"], "lat"], sch.at[r["to_school"], "lon"])
        if not math.isnan(km) and km * pol.detour_factor / pol.road_speed_kmh * 60.0 > pol.commute_minutes_max:
            out.setdefault(r["to_school"], []).append(str(pid))
    return beds, out


def check(sc, plan) -> list[Violation]:
    beds, far = far_arrivals(sc, plan)
    name = sc.schools.drop_duplicates("school_id").set_index("school_id")["name"]
    out = []
    for sid, people in sorted(far.items()):
        if len(people) > beds[sid]:
            out.append(Violation(
                "R17", sid, f"{len(people)} teachers placed at {name[sid]} ({sid}) live more than "
                f"{sc.policy.commute_minutes_max:g} minutes away but it has {int(beds[sid])} dormitory beds: "
                + ", ".join(people[:8]) + ".", "place fewer teachers from far away there, or give it more beds"))
    return out
