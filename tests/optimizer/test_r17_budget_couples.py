"""R17 dormitory beds, the yearly move budget and couples, in the teacher stage and the validator, on tiny
districts whose answer is known by hand."""

from builders import build, person, school
from plans import staying_plan
from teacher_helpers import run_teachers

from rotaplan.validator import check_plan
from rotaplan.validator import figures as validator_figures

HOME_IN_TOWN = dict(home_lat=36.20, home_lon=117.60)  # next to U; R is about 110 minutes away


def _dorm_case(beds):
    staff = [person("U1", school_id="U"),
             person("N1", school_id="", contract_period=0, period_years=0, **HOME_IN_TOWN),
             person("N2", school_id="", contract_period=0, period_years=0, **HOME_IN_TOWN)]
    return build([school("U", area="urban", is_township_seat=True),
                  school("R", area="rural", township="T2", is_township_seat=True, lat=36.60, lon=118.00,
                         dorm_beds=beds)],
                 staff, [("U", "math", 32), ("R", "math", 32)], check=False, weights={"commute_km": 0.0})


def _at(state, pid):
    return state.a.at[pid, "to_school"]


def test_r17_one_bed_takes_one_teacher_from_town_the_other_stays_in_town():
    free, _, _ = run_teachers(_dorm_case(None))
    assert [_at(free, "N1"), _at(free, "N2")] == ["R", "R"]  # rural lessons weigh double: both go rural
    state, plan, _ = run_teachers(_dorm_case(1))
    assert sorted([_at(state, "N1"), _at(state, "N2")]) == ["R", "U"]
    a = plan.kpis["after"]
    assert (a["r17_schools_with_beds"], a["r17_arrivals_needing_beds"], a["r17_schools_above_beds"]) == (1, 1, 0)
    row = plan.compliance.set_index("rule").loc["R17"]
    assert row["status"] == "met" and "1 teachers arriving at the 1 rural schools" in row["detail"]


def test_r17_validator_refuses_more_far_arrivals_than_beds_and_a_lock_is_exempt():
    sc = _dorm_case(1)
    bad = staying_plan(sc, {"N1": ("place_new", "R"), "N2": ("place_new", "R")})
    found = [v for v in check_plan(sc, bad) if v.rule == "R17"]
    assert len(found) == 1 and found[0].hard and found[0].person_id == "R"
    assert "2 teachers placed at School R (R)" in found[0].message and "1 dormitory beds" in found[0].message
    assert validator_figures(sc, bad)["after"]["r17_schools_above_beds"] == 1
    assert bad.kpis["after"]["r17_schools_above_beds"] == 1
    locked = _dorm_case(1)
    locked.staff.loc[locked.staff["person_id"] == "N2", "locked_school"] = "R"
    assert not [v for v in check_plan(locked, staying_plan(locked, {"N1": ("place_new", "R"),
                                                                    "N2": ("place_new", "R")})) if v.rule == "R17"]


def _budget_case(share):
    # U holds six math teachers for two teachers' lessons; R lacks four teachers' lessons; U's teachers rank R.
    # Each move to R covers 16 rural lessons (worth 32) for a move cost of 10; above the budget each costs 100 more.
    staff = ([person(f"U{i}", school_id="U", preferences="R") for i in range(1, 7)]
             + [person(f"R{i}", school_id="R") for i in (1, 2)])
    return build([school("U", area="urban", is_township_seat=True),
                  school("R", area="rural", township="T2", is_township_seat=True, lat=36.25, lon=117.65)],
                 staff, [("U", "math", 32), ("R", "math", 96)], check=False, max_moves_share=share,
                 weights={"move_budget": 100.0})


def test_move_budget_holds_moves_to_its_share_of_current_staff():
    state, plan, _ = run_teachers(_budget_case(1.0))
    a = plan.kpis["after"]
    assert a["moves_of_current_staff"] == 4 and a["move_budget"] == 8 and a["moves_over_budget"] == 0
    state, plan, _ = run_teachers(_budget_case(0.25))  # floor(0.25 x 8) = 2
    a = plan.kpis["after"]
    assert (a["moves_of_current_staff"], a["move_budget"], a["moves_over_budget"]) == (2, 2, 0)
    assert a["moves_required_by_rules"] == 0
    v = validator_figures(_budget_case(0.25), plan)["after"]
    assert (v["moves_of_current_staff"], v["move_budget"]) == (2, 2)


def _couple_case(spouse):
    # N1 is a new hire; R1 (township T1, mountainous: its lessons weigh 1.5x) and R2 (township T2) lack one math
    # teacher each. N1's spouse S works at R2.
    staff = [person("N1", school_id="", contract_period=0, period_years=0, spouse_id=spouse),
             person("S", school_id="R2", subject="chinese", spouse_id="N1" if spouse else ""),
             person("U1", school_id="U")]
    return build([school("U", area="urban", is_township_seat=True),
                  school("R1", area="rural", township="T1", mountainous=True, lat=36.22, lon=117.62),
                  school("R2", area="rural", township="T2", is_township_seat=True, lat=36.22, lon=117.58)],
                 staff, [("U", "math", 16), ("R1", "math", 16), ("R2", "math", 16), ("R2", "chinese", 16)],
                 check=False, weights={"couple_apart": 40.0})


def test_a_new_hire_joins_the_township_of_their_spouse():
    alone, _, _ = run_teachers(_couple_case(""))
    assert _at(alone, "N1") == "R1"  # the mountainous school's lessons weigh more
    state, plan, _ = run_teachers(_couple_case("S"))
    assert _at(state, "N1") == "R2"
    assert plan.kpis["after"]["couples"] == 1 and plan.kpis["after"]["couples_apart"] == 0
    sc = _couple_case("S")
    apart = staying_plan(sc, {"N1": ("place_new", "R1")})
    assert apart.kpis["after"]["couples_apart"] == 1 == validator_figures(sc, apart)["after"]["couples_apart"]
