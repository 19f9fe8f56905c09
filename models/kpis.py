"""KPI figures of DOMAIN.md's plan contract, before and after a plan. Pure data arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import COMPULSORY_LEVELS, LEADER_ROLES

_BACHELOR_UP = ("bachelor", "master", "doctorate")
_ASSOCIATE_UP = ("associate", "bachelor", "master", "doctorate")
_DISTRICT_UP = ("district", "city", "province")


def _share(mask: pd.Series) -> float | None:
    return None if len(mask) == 0 else round(float(mask.mean()), 4)


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 4)


def figures(sc, people: pd.DataFrame) -> dict:
    """KPIs of one state. `people` has, per staff row: role, school_id (after placement), and the
    staff attributes (degree, backbone, age). Retired people have role 'retired'."""
    area = sc.schools.set_index("school_id")["area"]
    level = sc.schools.set_index("school_id")["level"]
    p = people[people["school_id"].isin(area.index)]
    p_area = p["school_id"].map(area)
    p_level = p["school_id"].map(level)
    teachers = p["role"] == "teacher"
    comp = teachers & p_level.isin(COMPULSORY_LEVELS)
    bach = p["degree"].isin(_BACHELOR_UP)
    bb = p["backbone"].isin(_DISTRICT_UP)
    out: dict = {}
    for ar in ("urban", "rural"):
        m = comp & (p_area == ar)
        out[f"bachelor_share_{ar}"] = _share(bach[m])
        out[f"backbone_share_{ar}"] = _share(bb[m])
        k = teachers & (p_level == "kindergarten") & (p_area == ar)
        out[f"kindergarten_associate_share_{ar}"] = _share(p["degree"][k].isin(_ASSOCIATE_UP))
        out[f"teachers_{ar}"] = int((teachers & (p_area == ar)).sum())
    out["degree_ratio_urban_rural"] = _ratio(out["bachelor_share_urban"], out["bachelor_share_rural"])
    rural_leaders = p["role"].isin(LEADER_ROLES) & (p_area == "rural")
    out["young_rural_leader_share"] = _share(p["age"][rural_leaders] <= sc.policy.young_age)
    out["rural_leaders"] = int(rural_leaders.sum())
    return out


def uncovered(sc, home: pd.DataFrame, itinerant: pd.DataFrame | None = None) -> tuple[int, int]:
    """(uncovered lessons, of which at rural schools). `home`: school_id, subject, lessons."""
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    cov = home.groupby(["school_id", "subject"])["lessons"].sum() if len(home) else pd.Series(dtype=float)
    if itinerant is not None and len(itinerant):
        cov = cov.add(itinerant.groupby(["school_id", "subject"])["lessons"].sum(), fill_value=0)
    cov = cov.reindex(d.index, fill_value=0)
    gap = (d - cov).clip(lower=0)
    area = sc.schools.set_index("school_id")["area"]
    rural = gap.index.get_level_values(0).map(area) == "rural"
    return int(gap.sum()), int(gap[np.asarray(rural)].sum())


def before_after(sc, assignments: pd.DataFrame, itinerant: pd.DataFrame) -> dict:
    st = sc.staff
    base = pd.DataFrame({"degree": st["degree"].to_numpy(), "backbone": st["backbone"].to_numpy(),
                         "age": sc.ages.to_numpy(), "subject": st["subject"].to_numpy()})
    before_people = base.assign(role=st["role"].to_numpy(), school_id=st["school_id"].to_numpy())
    a = assignments.set_index("person_id").loc[st["person_id"]]
    after_people = base.assign(role=a["role_after"].to_numpy(), school_id=a["to_school"].to_numpy())
    before = figures(sc, before_people)
    after = figures(sc, after_people)
    # Coverage before: each current teacher's full load at their school in their subject.
    load = sc.policy.teacher_load
    t = before_people[before_people["role"] == "teacher"]
    home_before = pd.DataFrame({"school_id": t["school_id"], "subject": t["subject"], "lessons": load})
    cap = home_before.groupby(["school_id", "subject"])["lessons"].sum()
    d = sc.demand.set_index(["school_id", "subject"])["weekly_lessons"]
    home_before = cap.reindex(d.index, fill_value=0).clip(upper=d).rename("lessons").reset_index()
    before["uncovered_lessons"], before["uncovered_rural_lessons"] = uncovered(sc, home_before)
    home_after = pd.DataFrame({"school_id": a["to_school"].to_numpy(), "subject": base["subject"].to_numpy(),
                               "lessons": a["home_lessons"].astype(int).to_numpy()})
    after["uncovered_lessons"], after["uncovered_rural_lessons"] = uncovered(sc, home_after, itinerant)
    before["moves"] = 0
    moved = (a["to_school"].to_numpy() != a["from_school"].to_numpy()) & (a["move"].to_numpy() != "retire")
    after["moves"] = int(moved.sum())
    before["itinerant_teachers"] = 0
    before["total_travel_minutes"] = 0.0
    after["itinerant_teachers"] = int(itinerant["person_id"].nunique()) if len(itinerant) else 0
    after["total_travel_minutes"] = round(float(itinerant["travel_minutes"].sum()), 1) if len(itinerant) else 0.0
    target = {
        "degree_ratio_urban_rural": sc.policy.degree_ratio_max,
        "young_rural_leader_share": sc.policy.young_rural_leader_share,
        "backbone_share_rural": after["backbone_share_urban"],
        "backbone_share_urban": None,
        "bachelor_share_rural": after["bachelor_share_urban"],
        "uncovered_lessons": 0,
        "moves": None,
        "itinerant_teachers": None,
        "total_travel_minutes": None,
    }
    return {"before": before, "after": after, "target": target}
