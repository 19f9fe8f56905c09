"""Property: for random small districts with the contract-v2 columns (completed terms at every school level,
titles, teaching years, birth dates around the steps of the 2025 retirement schedule, evaluation scores), the
plan breaks no hard rule of R1, principal eligibility or R12 unless its compliance row says R1 is not met, and
its R12 figures match the validator's own count."""

from __future__ import annotations

from builders import build, person, school
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.validator import check_plan, figures

LEVELS = ["primary", "junior", "kindergarten", "senior"]
# birth months either side of the men's / women's steps (1965-01, 1966-05, 1967-03 ...) for plan_year 2027
BIRTHS = ["1964-12-15", "1965-01-01", "1966-04-30", "1966-05-01", "1967-01-01", "1967-03-01", "1969-12-31",
          "1970-01-01", "1972-01-31", "1972-04-01", "1980-06-01", "1990-02-01"]


@st.composite
def districts(draw):
    schools, staff = [], []
    for i in range(draw(st.integers(3, 5))):
        rural = i % 2 == 1
        schools.append(school(f"S{i}", area="rural" if rural else "urban", township="T2" if rural else "T1",
                              is_township_seat=i < 2, level="primary" if i < 2 else draw(st.sampled_from(LEVELS)),
                              lat=36.2 + 0.05 * i, vice_principal_posts=draw(st.integers(0, 1))))
    for s in schools:
        terms = draw(st.integers(0, 3))
        staff.append(person(f"P{s['school_id']}", role="principal", school_id=s["school_id"], terms_at_school=terms,
                            years_at_school=3 * terms + draw(st.integers(0, 2)), subject="",
                            birth_date=draw(st.sampled_from(BIRTHS[4:])), gender=draw(st.sampled_from("MF"))))
        if s["vice_principal_posts"]:
            staff.append(person(f"V{s['school_id']}", role="vice_principal", school_id=s["school_id"], subject="",
                                terms_at_school=draw(st.integers(0, 2)), years_at_school=6,
                                title=draw(st.sampled_from(["senior", "first", "second", ""])),
                                teaching_years=draw(st.sampled_from([None, 3, 12]))))
        for k in range(draw(st.integers(1, 3))):
            staff.append(person(f"T{s['school_id']}{k}", school_id=s["school_id"],
                                subject="preschool" if s["level"] == "kindergarten" else "math",
                                birth_date=draw(st.sampled_from(BIRTHS)), gender=draw(st.sampled_from("MF")),
                                reserve_leader=draw(st.booleans()), title=draw(st.sampled_from(["first", "third"])),
                                evaluation_score=draw(st.sampled_from([None, 60.0, 95.5]))))
    demand = [(s["school_id"], "preschool" if s["level"] == "kindergarten" else "math", 32) for s in schools]
    policy = draw(st.sampled_from([{}, {"retirement_schedule": "fixed"}, {"rotation_levels": "primary;senior"},
                                   {"promote_reserve_to_principal": True}]))
    return build(schools, staff, demand, check=False, **policy)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_random_v2_districts_keep_r1_r12_and_principal_eligibility(sc):
    plan = plan_scenario(sc, SolveParams(time_limit=3, seed=0, workers=1)).plan
    hard = [v for v in check_plan(sc, plan) if v.hard and v.rule in ("R1", "R2", "R12")]
    status = plan.compliance.set_index("rule")["status"]
    assert not [v for v in hard if v.rule in ("R2", "R12")], hard  # principal eligibility and R12 never give way
    if status["R1"] == "met":
        assert not [v for v in hard if v.rule == "R1"], hard
    mine = figures(sc, plan)["after"]
    for key in ("retirements", "r1_due", "r1_moved", "r1_exempt", "vice_promoted_to_principal"):
        assert plan.kpis["after"][key] == mine[key], key
