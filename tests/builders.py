"""Small hand-made scenarios for tests: every column has a sensible default."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rotaplan.models import Policy, Scenario

_SCHOOL = dict(township="T1", area="urban", level="primary", is_township_seat=False, mountainous=False,
               lat=36.20, lon=117.60, principal_posts=1, vice_principal_posts=1, staff_quota=None)
_PERSON = dict(name="", gender="M", birth_date="1980-01-01", role="teacher", school_id="", subject="math",
               degree="bachelor", backbone="none", years_at_school=1, terms_at_school=0, contract_period=2,
               period_years=1, rural_service_years=0.0, public_funded=False, reserve_leader=False,
               itinerant_ok=True, exempt_reason="", home_lat=None, home_lon=None, preferences="",
               locked_school="")
# contract v2: principal eligibility reads teaching_years (else years_at_school); tiny scenarios' leaders are
# experienced unless a test says otherwise
_PERSON["teaching_years"] = 10
_PERSON.update(certificate="")  # contract v2, R14: empty = the level of the current school


def school(school_id: str, **kw) -> dict:
    row = {"school_id": school_id, "name": kw.pop("name", f"School {school_id}"), **_SCHOOL}
    row.update(kw)
    return row


def person(person_id: str, **kw) -> dict:
    row = {"person_id": person_id, **_PERSON}
    row["name"] = kw.pop("name", f"Person {person_id}")
    if kw.get("role") in ("principal", "vice_principal"):
        row["subject"] = ""
    row.update(kw)
    return row


def build(schools: list[dict], staff: list[dict], demand: Sequence[tuple] = (), roads: list[tuple] | None = None,
          nodes: list[tuple] | None = None, check: bool = True, **policy) -> Scenario:
    """A validated scenario from lists of rows; `policy` keys override the defaults (plan_year 2027)."""
    frames = {
        "schools": pd.DataFrame(schools),
        "staff": pd.DataFrame(staff, columns=["person_id", *_PERSON,
                                              *dict.fromkeys(k for r in staff for k in r if k not in _PERSON
                                                             and k != "person_id")]),
        "demand": pd.DataFrame(list(demand), columns=["school_id", "subject", "weekly_lessons"]),
    }
    if roads is not None:
        frames["roads"] = pd.DataFrame(roads, columns=["from", "to", "minutes"])
    if nodes is not None:
        frames["nodes"] = pd.DataFrame(nodes, columns=["node_id", "lat", "lon"])
    pol = Policy.from_mapping({"plan_year": 2027, **policy})
    return Scenario.from_frames(frames, pol, name="tiny", check=check)
