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
    return school(sid, **{"area": "urban", "township": "T1", "lat": 36.20, "lon": 117.60, **kw})


def R(sid, **kw):
    return school(sid, **{"area": "rural", "township": "T2", "lat": 36.40, "lon": 117.80, **kw})


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
    assert "R6" in r["rules"].split(";") and "no urban leader post was open to them (R6)" in r["reason"]
    assert status(p, "R6") == "met"


def test_r6_served_rural_years_public_funded_reserve_leader_may_be_promoted_into_town():
    p, hard, _ = whole(_rural_reserve(6.0))
    assert hard == []
    assert (row(p, "RR")["role_after"], row(p, "RR")["to_school"]) == ("vice_principal", "A")


# ---- R5 honours bundle_school -------------------------------------------------------------------------
def _bundle_district(bundle: str, cert: str = "", quota_r1: int | None = None, stayer_r1: bool = False):
    """P1 teaches math at urban U1 and finishes contract period 1, bundled with `bundle` at hiring. Without a
    bundle the plan sends them to rural R2 (the control test); R3 is a junior school."""
    schools = [U("U1", name="城区一小", is_township_seat=True, vice_principal_posts=0),
               R("R1", name="口镇中心小学", is_township_seat=True, vice_principal_posts=0, lat=36.30, lon=117.70,
                 staff_quota=quota_r1),
               R("R2", name="口镇二小", vice_principal_posts=0, lat=36.45, lon=117.85),
               R("R3", name="口镇中学", level="junior", vice_principal_posts=0, lat=36.46, lon=117.86)]
    staff = [principal("PU", "U1"), principal("PR", "R1"), principal("PR2", "R2"), principal("PR3", "R3"),
             person("P1", name="冯一期", school_id="U1", contract_period=1, period_years=3, bundle_school=bundle,
                    certificate=cert),
             person("T1", school_id="U1")]
    if stayer_r1:
        staff.append(person("T2", school_id="R1"))
    demand = [("U1", "math", 32), ("R1", "math", 48), ("R2", "math", 16), ("R3", "math", 16)]
    return build(schools, staff, demand, check=False)


def test_r5_binding_period1_finisher_serves_period2_at_the_bundle_school():
    p, hard, _ = whole(_bundle_district("R1"))
    assert hard == []
    r = row(p, "P1")
    assert (r["to_school"], r["move"]) == ("R1", "bundle_second")
    assert "bundle school named at hiring" in r["reason"] and "口镇中心小学" in r["reason"]


def test_r5_without_a_bundle_school_the_plan_chooses_the_other_area_school():
    p, hard, _ = whole(_bundle_district(""))
    assert hard == []
    assert (row(p, "P1")["to_school"], row(p, "P1")["move"]) == ("R2", "bundle_second")


def test_r5_bundle_school_that_r14_forbids_another_school_of_the_other_area_and_the_reason_names_it():
    # A primary certificate does not cover junior 口镇中学 (R3): period 2 at a rural primary school instead.
    p, hard, _ = whole(_bundle_district("R3", cert="primary"))
    assert hard == []
    r = row(p, "P1")
    assert r["to_school"] in ("R1", "R2") and r["move"] == "bundle_second"
    assert "口镇中学 (R3)" in r["reason"] and "R14" in r["reason"]


def test_r5_bundle_school_whose_quota_the_stayers_fill_another_school_and_the_reason_says_so():
    p, hard, _ = whole(_bundle_district("R1", quota_r1=1, stayer_r1=True))
    assert hard == []
    r = row(p, "P1")
    assert r["to_school"] == "R2"
    assert "口镇中心小学 (R1)" in r["reason"] and "staff quota of 1" in r["reason"]


def test_r5_bundle_school_in_chinese():
    sc = _bundle_district("R3", cert="primary")
    res = pipeline.plan_scenario(sc, SolveParams(time_limit=5, seed=0, workers=1, lang="zh"))
    reason = row(res.plan, "P1")["reason"]
    assert "捆绑学校口镇中学" in reason and "初中" in reason


# ---- period2_school for those continuing period 1 -----------------------------------------------------
def _continuing(bundle: str, cert: str = ""):
    schools = [U("U1", name="城区一小", is_township_seat=True, vice_principal_posts=0),
               R("R1", name="口镇中心小学", is_township_seat=True, vice_principal_posts=0, lat=36.30, lon=117.70),
               R("R2", name="口镇二小", vice_principal_posts=0, lat=36.45, lon=117.85),
               R("R3", name="口镇中学", level="junior", vice_principal_posts=0, lat=36.46, lon=117.86),
               U("U2", name="城区二小", vice_principal_posts=0, lat=36.21, lon=117.61)]
    staff = [principal("PU", "U1"), principal("PR", "R1"), principal("PR2", "R2"), principal("PR3", "R3"),
             principal("PU2", "U2"),
             person("C1", name="陈续聘", school_id="U1", contract_period=1, period_years=1, bundle_school=bundle,
                    certificate=cert)]
    demand = [("U1", "math", 16), ("U2", "math", 16), ("R1", "math", 16), ("R2", "math", 16), ("R3", "math", 16)]
    return build(schools, staff, demand, check=False)


def test_period2_school_continuing_period1_keeps_the_bundle_school():
    p, hard, _ = whole(_continuing("R2"))
    assert hard == []
    r = row(p, "C1")
    assert (r["move"], r["to_school"], r["period2_school"]) == ("stay", "U1", "R2")
    assert "period 2 is at 口镇二小" in r["reason"]


def test_period2_school_continuing_period1_without_a_valid_bundle_gets_the_nearest_of_the_other_area():
    # no bundle: the nearest rural primary school (R1); a bundle in the same area (U2): the same; a junior bundle
    # a primary certificate does not cover (R3): the same
    for bundle, cert in (("", ""), ("U2", ""), ("R3", "primary")):
        p, hard, _ = whole(_continuing(bundle, cert))
        assert hard == [], bundle
        assert row(p, "C1")["period2_school"] == "R1", bundle


def test_r5_two_teachers_bundled_with_one_free_seat_one_serves_there_the_other_is_told_the_quota_is_full():
    # R1 (quota 2) holds one teacher who stays; P1 and P2 were both bundled with it: one seat, so one of them
    # serves period 2 there and the other at R2, told that R1's quota is full in this plan.
    sc = build([U("U1", is_township_seat=True, vice_principal_posts=0),
                R("R1", name="口镇中心小学", is_township_seat=True, vice_principal_posts=0, staff_quota=2),
                R("R2", name="口镇二小", vice_principal_posts=0, lat=36.45, lon=117.85)],
               [principal("PU", "U1"), principal("PR", "R1"), principal("PR2", "R2"),
                person("P1", school_id="U1", contract_period=1, period_years=3, bundle_school="R1"),
                person("P2", school_id="U1", contract_period=1, period_years=4, bundle_school="R1"),
                person("T2", school_id="R1")],
               [("U1", "math", 32), ("R1", "math", 48), ("R2", "math", 16)], check=False)
    p, hard, _ = whole(sc)
    assert hard == []
    got = sorted((row(p, x)["to_school"], x) for x in ("P1", "P2"))
    assert [s for s, _ in got] == ["R1", "R2"]
    elsewhere = row(p, got[1][1])
    assert "口镇中心小学 (R1)" in elsewhere["reason"] and "staff quota of 2 is full in this plan" in elsewhere["reason"]
    assert status(p, "R5") == "met"


def test_period2_school_reserve_leader_continuing_period1_promoted_gets_one_of_the_other_area():
    sc = build([U("A", is_township_seat=True, vice_principal_posts=1),
                R("C", is_township_seat=True, vice_principal_posts=0)],
               [principal("PA", "A"), principal("PC", "C"),
                person("RS", school_id="A", reserve_leader=True, birth_date="1990-05-01", contract_period=1,
                       period_years=1),
                person("T1", school_id="A"), person("T2", school_id="C")],
               [("A", "math", 32), ("C", "math", 32)], check=False)
    p, hard, _ = whole(sc)
    assert hard == []
    r = row(p, "RS")
    assert (r["role_after"], r["to_school"], r["period2_school"]) == ("vice_principal", "A", "C")
    assert "period 2 is at School C" in r["reason"]
