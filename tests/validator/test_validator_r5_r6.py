"""The validator's R5 and R6 (contract v2): they hold whatever role a person takes, R5 honours bundle_school,
and everyone continuing contract period 1 has a period2_school. Plans written by hand (tests/plans.py), each
breaking or keeping one rule; the validator shares no code with the optimizer."""

from __future__ import annotations

from builders import build, person, school
from plans import staying_plan, with_edits

from rotaplan.validator import check_plan


def found(sc, plan, rule) -> list:
    return [v for v in check_plan(sc, plan) if v.rule == rule and v.hard]


def U(sid, **kw):
    return school(sid, **{"area": "urban", "township": "T1", "lat": 36.20, "lon": 117.60, **kw})


def R(sid, **kw):
    return school(sid, **{"area": "rural", "township": "T2", "lat": 36.40, "lon": 117.80, **kw})


# ---- R5 and R6 whatever role a person takes ----------------------------------------------------------
def _reserves(rs=None, rr=None):
    schools = [U("A", is_township_seat=True), R("C", is_township_seat=True)]
    staff = [person("PA", role="principal", school_id="A"), person("PC", role="principal", school_id="C"),
             person("RS", school_id="A", reserve_leader=True, **(rs or {})),
             person("RR", school_id="C", reserve_leader=True, **(rr or {}))]
    return build(schools, staff, [("A", "math", 16), ("C", "math", 16)], check=False)


def promoted(sc, pid, to):
    return with_edits(staying_plan(sc, {pid: ("promote", to)}), {pid: {"role_after": "vice_principal",
                                                                        "home_lessons": 0}})


def test_r5_reserve_leader_finishing_period1_promoted_in_place_breaks_r5():
    sc = _reserves(rs=dict(contract_period=1, period_years=3))
    v = found(sc, promoted(sc, "RS", "A"), "R5")
    assert [x.person_id for x in v] == ["RS"]
    assert "vice_principal post" in v[0].message and "stays in the urban area" in v[0].message


def test_r5_reserve_leader_finishing_period1_promoted_across_the_line_keeps_r5():
    sc = _reserves(rs=dict(contract_period=1, period_years=3))
    assert found(sc, promoted(sc, "RS", "C"), "R5") == []


def test_r5_reserve_leader_not_finishing_period1_may_be_promoted_in_place():
    sc = _reserves(rs=dict(contract_period=1, period_years=2))
    plan = with_edits(promoted(sc, "RS", "A"), {"RS": {"period2_school": "C"}})
    assert found(sc, plan, "R5") == []


def test_r6_public_funded_rural_reserve_leader_promoted_into_town_breaks_r6():
    sc = _reserves(rr=dict(public_funded=True, rural_service_years=2.0))
    v = found(sc, promoted(sc, "RR", "A"), "R6")
    assert [x.person_id for x in v] == ["RR"] and "vice_principal post" in v[0].message


def test_r6_public_funded_reserve_leader_with_served_years_or_a_lock_may_be_promoted_into_town():
    sc = _reserves(rr=dict(public_funded=True, rural_service_years=6.0))
    assert found(sc, promoted(sc, "RR", "A"), "R6") == []
    sc = _reserves(rr=dict(public_funded=True, rural_service_years=2.0, locked_school="A"))
    assert found(sc, promoted(sc, "RR", "A"), "R6") == []


def test_r6_own_bundle_public_funded_rural_reserve_finishing_period1_may_go_to_town():
    sc = _reserves(rr=dict(public_funded=True, rural_service_years=2.0, contract_period=1, period_years=3))
    plan = promoted(sc, "RR", "A")
    assert found(sc, plan, "R6") == [] and found(sc, plan, "R5") == []


# ---- R5 honours bundle_school ------------------------------------------------------------------------
def _bundle(bundle: str, cert: str = "", quota_r1=None, stayer_r1: bool = False):
    schools = [U("U1", is_township_seat=True), R("R1", is_township_seat=True, staff_quota=quota_r1), R("R2"),
               R("R3", level="junior")]
    staff = [person("P1", school_id="U1", contract_period=1, period_years=3, bundle_school=bundle,
                    certificate=cert)]
    if stayer_r1:
        staff.append(person("T2", school_id="R1"))
    return build(schools, staff, [("U1", "math", 16), ("R1", "math", 16), ("R2", "math", 16), ("R3", "math", 16)],
                 check=False)


def test_r5_period1_finisher_placed_elsewhere_than_a_bundle_school_that_could_take_them_breaks_r5():
    sc = _bundle("R1")
    v = found(sc, staying_plan(sc, {"P1": ("bundle_second", "R2")}), "R5")
    assert [x.person_id for x in v] == ["P1"] and "bundle school R1" in v[0].message
    assert found(sc, staying_plan(sc, {"P1": ("bundle_second", "R1")}), "R5") == []


def test_r5_bundle_school_r14_forbids_another_school_of_the_other_area_is_accepted():
    sc = _bundle("R3", cert="primary")
    assert found(sc, staying_plan(sc, {"P1": ("bundle_second", "R2")}), "R5") == []


def test_r5_bundle_school_full_in_the_plan_another_school_of_the_other_area_is_accepted():
    sc = _bundle("R1", quota_r1=1, stayer_r1=True)
    assert found(sc, staying_plan(sc, {"P1": ("bundle_second", "R2")}), "R5") == []


def test_r5_bundle_school_of_the_same_area_any_school_of_the_other_area_is_accepted_but_not_staying():
    sc = _bundle("U1")
    assert found(sc, staying_plan(sc, {"P1": ("bundle_second", "R2")}), "R5") == []
    assert [x.person_id for x in found(sc, staying_plan(sc, {}), "R5")] == ["P1"]


# ---- period2_school for those continuing period 1 ----------------------------------------------------
def _continuing(bundle: str = ""):
    schools = [U("U1", is_township_seat=True), U("U2"), R("R1", is_township_seat=True), R("R2")]
    staff = [person("C1", school_id="U1", contract_period=1, period_years=1, bundle_school=bundle)]
    return build(schools, staff, [("U1", "math", 16), ("U2", "math", 16), ("R1", "math", 16), ("R2", "math", 16)],
                 check=False)


def test_r5_continuing_period1_needs_a_period2_school_of_the_other_area():
    sc = _continuing()
    plan = staying_plan(sc, {})
    v = found(sc, plan, "R5")
    assert [x.person_id for x in v] == ["C1"] and "no period-2 school" in v[0].message
    assert found(sc, with_edits(plan, {"C1": {"period2_school": "R2"}}), "R5") == []
    v = found(sc, with_edits(plan, {"C1": {"period2_school": "U2"}}), "R5")
    assert [x.person_id for x in v] == ["C1"] and "same area" in v[0].message


def test_r5_continuing_period1_keeps_a_bundle_school_that_still_fits():
    sc = _continuing("R1")
    plan = staying_plan(sc, {})
    assert found(sc, with_edits(plan, {"C1": {"period2_school": "R1"}}), "R5") == []
    v = found(sc, with_edits(plan, {"C1": {"period2_school": "R2"}}), "R5")
    assert [x.person_id for x in v] == ["C1"] and "bundle school R1" in v[0].message
