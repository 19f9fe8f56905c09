"""The validator's leader rules (R1, R1x, R3, R4, R8 leader posts, R12) catch hand-broken plans.

A clean plan comes from the leader stage on a tiny district; each test breaks one thing by hand, as an
office clerk editing assignments.csv might, and expects exactly the finding a user would read.
"""

from __future__ import annotations

import pytest
from builders import build, person, school

from rotaplan.optimizer import pipeline, r12
from rotaplan.optimizer.leaders import stage
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.state import PlanState
from rotaplan.validator import r1, r3, r4, r8_posts
from rotaplan.validator import r12 as v_r12

RULES = {"R1": r1, "R3": r3, "R4": r4, "R8": r8_posts, "R12": v_r12}


@pytest.fixture(scope="module")
def district():
    schools = [school("A", is_township_seat=True, vice_principal_posts=1),
               school("B", vice_principal_posts=0),
               school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=1),
               school("D", area="rural", township="T2", vice_principal_posts=0)]
    staff = [person("PA", role="principal", school_id="A", terms_at_school=2, birth_date="1984-02-01"),
             person("PB", role="principal", school_id="B", terms_at_school=1),
             person("PC", role="principal", school_id="C", terms_at_school=2, birth_date="1983-02-01"),
             person("PD", role="principal", school_id="D", terms_at_school=1, birth_date="1982-02-01"),
             person("VA", role="vice_principal", school_id="A", terms_at_school=1),
             person("VC", role="vice_principal", school_id="C", terms_at_school=1, birth_date="1986-02-01"),
             person("OLD", school_id="B", gender="F", birth_date="1970-01-01"),
             person("T1", school_id="D")]
    sc = build(schools, staff)
    state = PlanState(sc)
    r12.apply(sc, state)
    stage.solve(sc, state, SolveParams(time_limit=10, seed=0, workers=1))
    return sc, pipeline.assemble(sc, state)


def findings(sc, plan, rule):
    return [(v.person_id, v.hard) for v in RULES[rule].check(sc, plan)]


def edited(plan, pid, **fields):
    p = type(plan)(plan.assignments.copy(), plan.itinerant, plan.kpis, plan.compliance)
    i = p.assignments.index[p.assignments["person_id"] == pid][0]
    for k, v in fields.items():
        p.assignments.at[i, k] = v
    return p


def test_clean_plan_has_no_finding(district):
    sc, plan = district
    for rule in RULES:
        assert findings(sc, plan, rule) == [], rule
    a = plan.assignments.set_index("person_id")
    assert a.loc["PA", "to_school"] == "C" and a.loc["PC", "to_school"] == "A"  # the swap across the line


def test_r1_due_leader_kept_at_school_is_a_hard_finding(district):
    sc, plan = district
    bad = edited(plan, "PA", to_school="A", move="stay", director_of="")
    assert ("PA", True) in findings(sc, bad, "R1")
    v = next(v for v in r1.check(sc, bad) if v.person_id == "PA")
    assert "has completed 2 terms at A, a primary school (due under R1) but stays at the same school" in v.message


def test_r1_due_leader_who_loses_the_leader_role_is_a_hard_finding(district):
    sc, plan = district
    bad = edited(plan, "PC", role_after="teacher", director_of="")
    assert ("PC", True) in findings(sc, bad, "R1")


def test_r1_exempt_leader_may_stay(district):
    sc, plan = district
    sc2 = sc.copy()
    sc2.staff.loc[sc2.staff["person_id"] == "PA", "exempt_reason"] = "pregnancy"
    bad = edited(plan, "PA", to_school="A", move="stay")
    assert [f for f in findings(sc2, bad, "R1") if f[0] == "PA"] == []


def test_r1x_rotation_within_the_area_is_a_target_finding(district):
    sc, plan = district
    # PA rotates to the urban school B instead of the rural post: one crossing fewer than the posts allow.
    bad = edited(plan, "PA", to_school="B")
    bad = edited(bad, "PB", to_school="C", move="transfer")
    out = r1.check(sc, bad)
    assert [(v.rule, v.hard) for v in out] == [("R1x", False)]
    assert "1 due leaders cross the urban-rural line; a simple count of open posts allows up to 2" in out[0].message


def test_r3_too_few_young_rural_leaders_is_a_target_finding(district):
    sc, plan = district
    old = sc.copy()
    old.staff["birth_date"] = old.staff["birth_date"].where(old.staff["person_id"] == "OLD",
                                                            old.staff["birth_date"].min())
    # everyone but the retiree is now born in 1970 (57): no young rural leader
    out = r3.check(old, plan)
    assert [(v.rule, v.hard) for v in out] == [("R3", False)]
    assert "0 of 3 rural leaders (0.0%)" in out[0].message


def test_r4_township_without_director_and_wrong_directors(district):
    sc, plan = district
    a = plan.assignments.set_index("person_id")
    t2 = a.index[a["director_of"] == "T2"][0]
    assert findings(sc, edited(plan, t2, director_of=""), "R4") == [("T2", True)]
    # a vice-principal named director
    out = findings(sc, edited(plan, "VA", director_of="T1"), "R4")
    assert ("T1", True) in out and ("VA", True) in out
    # a principal of a non-seat school
    assert ("PB", True) in findings(sc, edited(edited(plan, a.index[a["director_of"] == "T1"][0], director_of=""),
                                            "PB", director_of="T1"), "R4")
    assert ("PB", True) in findings(sc, edited(plan, "PB", director_of="Nowhere"), "R4")


def test_r8_two_principals_at_one_school_is_a_hard_finding(district):
    sc, plan = district
    bad = edited(plan, "PB", to_school="D", move="transfer")
    out = r8_posts.check(sc, bad)
    assert [(v.rule, v.person_id) for v in out] == [("R8", "D")]
    assert "D ends with 2 principals but has 1 principal_posts" in out[0].message


def test_r12_retiree_kept_and_young_person_retired_are_hard_findings(district):
    sc, plan = district
    a = plan.assignments.set_index("person_id")
    assert a.loc["OLD", "move"] == "retire"
    kept = edited(plan, "OLD", move="stay", role_after="teacher", to_school="B")
    assert findings(sc, kept, "R12") == [("OLD", True)]
    gone = edited(plan, "T1", move="retire", role_after="retired", to_school="")
    out = v_r12.check(sc, gone)
    assert [(v.person_id, v.hard) for v in out] == [("T1", True)]
    assert "retires but reaches the statutory retirement age only on 2043-01-01" in out[0].message


def _levels(**policy):
    schools = [school("A", is_township_seat=True, vice_principal_posts=0),
               school("K", level="kindergarten", principal_posts=1, vice_principal_posts=1)]
    staff = [person("PA", role="principal", school_id="A", terms_at_school=1),
             person("R", school_id="A", reserve_leader=True)]
    sc = build(schools, staff, **policy)
    state = PlanState(sc)
    r12.apply(sc, state)
    stage.solve(sc, state, SolveParams(time_limit=5, seed=0, workers=1))
    return sc, pipeline.assemble(sc, state)


def test_r8_leader_moved_across_level_groups_is_a_hard_finding_unless_locked_or_switched_off():
    sc, plan = _levels()
    assert findings(sc, plan, "R8") == []
    bad = edited(plan, "PA", to_school="K", move="transfer", director_of="")
    assert findings(sc, bad, "R8") == [("PA", True)]
    v = r8_posts.check(sc, bad)[0]
    assert "from A (primary) to K (kindergarten), across school level groups (compulsory to kindergarten)" in v.message
    # a reserve leader promoted into the kindergarten crosses the groups too
    assert findings(sc, edited(plan, "R", to_school="K", role_after="vice_principal", move="promote"),
                    "R8") == [("R", True)]
    # the office's lock wins; with the switch off the move is allowed
    locked = sc.copy()
    locked.staff.loc[locked.staff["person_id"] == "PA", "locked_school"] = "K"
    assert findings(locked, bad, "R8") == []
    off, _ = _levels(leader_level_match=False)
    assert findings(off, bad, "R8") == []


def test_r8_reserve_leader_straight_to_principal_is_a_hard_finding_unless_policy_allows():
    sc, plan = _levels()
    bad = edited(plan, "R", to_school="K", role_after="principal", move="promote")
    off, _ = _levels(leader_level_match=False)
    assert findings(off, bad, "R8") == [("R", True)]
    assert "promoted from teacher straight to principal at K" in r8_posts.check(off, bad)[0].message
    allowed, _ = _levels(leader_level_match=False, promote_reserve_to_principal=True)
    assert findings(allowed, bad, "R8") == []


def _due_vice(**policy):
    schools = [school("A", is_township_seat=True, vice_principal_posts=1), school("B", vice_principal_posts=0)]
    staff = [person("PA", role="principal", school_id="A", terms_at_school=1),
             person("VA", role="vice_principal", school_id="A", terms_at_school=2),
             person("OLD", role="principal", school_id="B", birth_date="1960-01-01")]
    sc = build(schools, staff, **policy)
    state = PlanState(sc)
    r12.apply(sc, state)
    stage.solve(sc, state, SolveParams(time_limit=5, seed=0, workers=1))
    return sc, pipeline.assemble(sc, state)


def test_vice_principal_to_principal_is_legal_with_the_switch_and_a_hard_finding_without():
    sc, plan = _due_vice()  # promote_vice_to_principal is on by default: VA (due) heads B
    a = plan.assignments.set_index("person_id")
    assert (a.loc["VA", "role_after"], a.loc["VA", "to_school"], a.loc["VA", "move"]) == ("principal", "B", "promote")
    for rule in RULES:
        assert findings(sc, plan, rule) == [], rule
    off, _ = _due_vice(promote_vice_to_principal=False)
    assert findings(off, plan, "R8") == [("VA", True)]
    assert "promoted from vice-principal to principal at B" in r8_posts.check(off, plan)[0].message
    assert findings(off, plan, "R1") == [("VA", True)]  # a due vice-principal rotates as vice-principal then
