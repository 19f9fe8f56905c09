"""The validator catches hand-broken plans for R5, R6, R8 (teachers), R9, R10, R11 and coverage."""

import pytest
from builders import build, person, school
from plans import with_edits
from teacher_helpers import run_teachers

from rotaplan.validator import check_plan


def _sc(**policy):
    return build(
        [school("U", area="urban", is_township_seat=True, staff_quota=3),
         school("R", area="rural", township="T2", is_township_seat=True, lat=36.4, lon=117.8, staff_quota=3),
         school("K", level="kindergarten", area="rural", township="T2", lat=36.41, lon=117.8)],
        [person("N", school_id="", contract_period=0, period_years=0),
         person("F", school_id="U", contract_period=1, period_years=3),
         person("PF", school_id="R", public_funded=True, rural_service_years=2, years_at_school=2),
         person("A", school_id="U", years_at_school=9, degree="associate"),
         person("B", school_id="R", years_at_school=9, backbone="district"),
         person("KT", school_id="K", subject="preschool"),
         person("L", school_id="U", role="principal")],
        [("U", "math", 32), ("R", "math", 48), ("K", "preschool", 16)], check=False, **policy)


@pytest.fixture(scope="module")
def good():
    sc = _sc()
    _, plan, _ = run_teachers(sc)
    return sc, plan


def _broken(good, edits):
    sc, plan = good
    return sc, with_edits(plan, edits)


def _rules(sc, plan, hard=True):
    return {(v.rule, v.person_id) for v in check_plan(sc, plan) if v.hard == hard}


def test_optimizer_plan_is_clean(good):
    sc, plan = good
    assert not {r for r in _rules(sc, plan) if r[0] in ("R5", "R6", "R8", "coverage", "contract")}


def test_r5_period2_in_same_area(good):
    to = good[1].assignments.set_index("person_id").at["N", "to_school"]
    sc, plan = _broken(good, {"N": {"period2_school": to}})
    assert ("R5", "N") in _rules(sc, plan)


def test_r5_finisher_kept_in_area(good):
    sc, plan = _broken(good, {"F": {"to_school": "U", "move": "stay", "home_lessons": 0}})
    assert ("R5", "F") in _rules(sc, plan)


def test_r6_public_funded_moved_to_urban(good):
    sc, plan = _broken(good, {"PF": {"to_school": "U", "move": "transfer", "home_lessons": 0}})
    assert ("R6", "PF") in _rules(sc, plan)


def test_r6_rural_years_shown_lower_than_served(good):
    sc, plan = _broken(good, {"PF": {"rural_service_years": 1.0}})
    assert ("R6", "PF") in _rules(sc, plan, hard=False)


def test_r8_quota_exceeded(good):
    sc, plan = _broken(good, {p: {"to_school": "U", "move": "transfer", "home_lessons": 0} for p in ("B", "N", "F")})
    assert ("R8", "U") in _rules(sc, plan)


def test_r8_subject_and_level_fit(good):
    sc, plan = _broken(good, {"A": {"to_school": "K", "move": "transfer", "home_lessons": 0},
                              "KT": {"to_school": "R", "move": "transfer", "home_lessons": 0}})
    r = _rules(sc, plan)
    assert ("R8", "A") in r and ("R8", "KT") in r


def test_coverage_arithmetic(good):
    sc, plan = _broken(good, {"A": {"home_lessons": 20}, "L": {"home_lessons": 4}})
    r = _rules(sc, plan)
    assert ("coverage", "A") in r and ("coverage", "L") in r
    sc, plan = _broken(good, {p: {"to_school": "U", "home_lessons": 16} for p in ("A", "F", "N")})
    assert ("coverage", "U") in _rules(sc, plan)  # 48 home lessons of math against a demand of 32


def test_targets_r9_r10_r11_reported_not_hard():
    sc = _sc(exchange_share=1.0)
    _, plan, _ = run_teachers(sc)
    a = plan.assignments.copy()
    # undo every move of the eligible teachers and put the associate teacher rural, the backbone urban
    a.loc[a["person_id"] == "A", ["to_school", "move"]] = ["U", "stay"]
    a.loc[a["person_id"] == "B", ["to_school", "move"]] = ["R", "stay"]
    broken = type(plan)(a, plan.itinerant, plan.kpis, plan.compliance)
    soft = {v.rule for v in check_plan(sc, broken) if not v.hard}
    assert "R11" in soft
    a.loc[a["person_id"] == "A", ["to_school", "move"]] = ["R", "exchange"]
    a.loc[a["person_id"] == "B", ["to_school", "move"]] = ["U", "exchange"]
    broken = type(plan)(a, plan.itinerant, plan.kpis, plan.compliance)
    soft = {v.rule for v in check_plan(sc, broken) if not v.hard}
    assert {"R9", "R10"} <= soft
