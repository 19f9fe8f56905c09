"""Contract v2: R5 and R6 hold whatever role a person takes, R5 honours bundle_school, and plans write
period2_school for everyone still in contract period 1. Tiny districts whose answer is known by hand; every
whole plan is also checked by the validator (which shares no code with the optimizer)."""

from __future__ import annotations

import pandas as pd
from builders import build, person, school

from rotaplan.optimizer import pipeline
from rotaplan.optimizer.params import SolveParams
from rotaplan.validator import check_plan

FAST = SolveParams(time_limit=5, seed=0, workers=1)


def whole(sc):
    """(plan, hard violations the validator finds, notes)."""
    res = pipeline.plan_scenario(sc, FAST)
    return res.plan, [str(v) for v in check_plan(sc, res.plan) if v.hard], res.notes


def row(p, pid) -> pd.Series:
    return p.assignments.set_index("person_id").loc[pid]


def status(p, rule) -> str:
    return p.compliance.set_index("rule").at[rule, "status"]


def U(sid, **kw):
    return school(sid, area="urban", township="T1", lat=36.20, lon=117.60, **kw)


def R(sid, **kw):
    return school(sid, area="rural", township="T2", lat=36.40, lon=117.80, **kw)


def principal(pid, sid, **kw):
    return person(pid, role="principal", school_id=sid, **kw)


# ---- R5 for reserve leaders ---------------------------------------------------------------------------
def _reserve_district(p1: bool, rural_post: bool = True):
    """Urban A has an open vice-principal post (its own school); rural C has one too when `rural_post`. Reserve
    leader RS teaches math at A; finishing contract period 1 when `p1`."""
    schools = [U("A", is_township_seat=True, vice_principal_posts=1),
               R("C", is_township_seat=True, vice_principal_posts=1 if rural_post else 0)]
    rs = dict(contract_period=1, period_years=3) if p1 else {}
    staff = [principal("PA", "A"), principal("PC", "C"),
             person("RS", name="孙后备", school_id="A", reserve_leader=True, birth_date="1990-05-01", **rs),
             person("T1", school_id="A"), person("T2", school_id="C")]
    demand = [("A", "math", 32), ("C", "math", 32)]
    return build(schools, staff, demand, check=False)


def test_r5_reserve_leader_not_finishing_period1_may_be_promoted_in_place():
    # The control: without period 1 ending, the nearest open post (their own school) is fine; the rural one is
    # filled first only because R2 rewards it, so close C and keep A open.
    p, hard, _ = whole(_reserve_district(p1=False, rural_post=False))
    assert hard == []
    assert (row(p, "RS")["role_after"], row(p, "RS")["to_school"]) == ("vice_principal", "A")


def test_r5_binding_reserve_leader_finishing_period1_is_promoted_only_across_the_line():
    p, hard, _ = whole(_reserve_district(p1=True))
    assert hard == []
    r = row(p, "RS")
    assert (r["role_after"], r["to_school"], r["move"]) == ("vice_principal", "C", "promote")
    assert "R5" in r["rules"].split(";")
    assert "contract period 1" in r["reason"] and "rural area" in r["reason"]


def test_r5_infeasible_reserve_leader_finishing_period1_whose_only_post_is_in_their_own_area():
    # Only urban A's own post is open: RS is not promoted and serves period 2 as a teacher in the other area.
    p, hard, _ = whole(_reserve_district(p1=True, rural_post=False))
    assert hard == []
    r = row(p, "RS")
    assert r["role_after"] == "teacher" and r["to_school"] == "C" and r["move"] == "bundle_second"
    assert status(p, "R5") == "met"


# ---- R6 for reserve leaders ---------------------------------------------------------------------------
def _rural_reserve(rural_years: float):
    """Rural reserve leader RR (public-funded, `rural_years` rural years) at C; the only open post is urban A's."""
    schools = [U("A", is_township_seat=True, vice_principal_posts=1),
               R("C", is_township_seat=True, vice_principal_posts=0)]
    staff = [principal("PA", "A"), principal("PC", "C"),
             person("RR", name="钱后备", school_id="C", reserve_leader=True, birth_date="1990-05-01",
                    public_funded=True, rural_service_years=rural_years),
             person("T1", school_id="A")]
    demand = [("A", "math", 32), ("C", "math", 32)]
    return build(schools, staff, demand, check=False)


def test_r6_binding_public_funded_rural_reserve_leader_is_not_promoted_into_town():
    p, hard, _ = whole(_rural_reserve(2.0))
    assert hard == []
    r = row(p, "RR")
    assert (r["role_after"], r["to_school"]) == ("teacher", "C")
    assert status(p, "R6") == "met"


def test_r6_served_rural_years_public_funded_reserve_leader_may_be_promoted_into_town():
    p, hard, _ = whole(_rural_reserve(6.0))
    assert hard == []
    assert (row(p, "RR")["role_after"], row(p, "RR")["to_school"]) == ("vice_principal", "A")
