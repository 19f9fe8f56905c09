"""R7 itinerant teaching: tiny townships whose answer is known by hand, the validator, and a property test."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import build, person, school
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotaplan.models.errors import ScenarioError
from rotaplan.models.plan import Plan
from rotaplan.optimizer.itinerant import stage
from rotaplan.optimizer.itinerant.r7 import flow_bound
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.pipeline import assemble
from rotaplan.optimizer.results import StageResult
from rotaplan.optimizer.state import PlanState
from rotaplan.reports.routes import week_text
from rotaplan.validator import r7 as check_r7

FAST = SolveParams(time_limit=5, seed=0, workers=1)


def placed(sc, home: dict[str, int] | None = None) -> PlanState:
    """The state after placement: everyone stays; home_lessons given, or demand split full loads first."""
    state = PlanState(sc)
    load = sc.policy.teacher_load
    if home is None:
        demand = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum().to_dict()
        home = {}
        for _, p in sc.staff.sort_values("person_id").iterrows():
            key = (p["school_id"], p["subject"])
            home[p["person_id"]] = min(load, demand.get(key, 0))
            demand[key] = demand.get(key, 0) - home[p["person_id"]]
    for pid, lessons in home.items():
        state.set(pid, home_lessons=lessons)
    return state


def run(sc, home=None) -> tuple[Plan, StageResult]:
    """(plan, the itinerant stage's StageResult), the plan's routes checked by the validator."""
    state = placed(sc, home)
    res = stage.solve(sc, state, FAST)
    plan = assemble(sc, state)
    assert check_r7.check(sc, plan) == []
    return plan, res


def rows(plan) -> list[tuple]:
    it = plan.itinerant
    return [(r.person_id, r.day, r.seq, r.school_id, r.subject, r.lessons, r.travel_minutes)
            for r in it.itertuples()]


def township(*extra, roads, demand, staff, check=True, **policy):
    schools = [school("A", area="rural", is_township_seat=True, name="Seat School"),
               school("B", area="rural", name="Hill School"), school("C", area="rural", name="River School"),
               *extra]
    return build(schools, staff, demand, roads=roads, check=check, **policy)


# ---- hand-known answers ------------------------------------------------------------------
def test_one_teacher_two_schools_takes_the_cheaper_week():
    # Pairing B and C costs 55 min a day, but 7 lessons need 2 days anyway (4 a day): two single
    # days (40 + 50 = 90 min) beat a pair day plus a single day (55 + 40 = 95 min).
    sc = township(roads=[("A", "B", 20), ("B", "C", 10), ("A", "C", 25)],
                  demand=[("A", "music", 6), ("B", "music", 4), ("C", "music", 3)],
                  staff=[person("p1", school_id="A", subject="music")])
    plan, res = run(sc)
    assert rows(plan) == [("p1", 1, 1, "B", "music", 4, 20.0), ("p1", 2, 1, "C", "music", 3, 25.0)]
    assert res.kpis == {"uncovered_rural_before_itinerant": 7, "uncovered_rural_after_itinerant": 0,
                               "itinerant_lessons": 7, "total_travel_minutes_with_return": 90.0}
    a = plan.assignments.set_index("person_id")
    assert a.at["p1", "rules"] == "R7"
    assert "Hill School" in a.at["p1", "reason"] and "River School" in a.at["p1", "reason"]
    assert "pay tilt" in a.at["p1", "reason"]
    comp = plan.compliance.set_index("rule")
    assert comp.at["R7", "status"] == "met" and "7 -> 0" in comp.at["R7", "detail"]
    assert res.gap == 0.0 and res.status == "optimal"


def test_r7_exact_coverage_objective_counts_each_lesson_at_its_weight():
    # B (rural) needs 3 music lessons, U (urban, same township) 2; the teacher at A has 8 spare. With
    # itinerant_urban, rural lessons weigh weights.rural_coverage (2), urban ones 1: R7's coverage objective is
    # exactly 3 x 2 + 2 x 1 = 8.
    sc = township(school("U", area="urban"), roads=[("A", "B", 10), ("A", "U", 10), ("A", "C", 60)],
                  demand=[("A", "music", 8), ("B", "music", 3), ("U", "music", 2)],
                  staff=[person("p1", school_id="A", subject="music")], itinerant_urban=True)
    (inst,), _, gap = stage.build_instances(sc, placed(sc))
    assert inst.weight == {"B": 2, "U": 1} and flow_bound(inst) == 8  # integer weights; no plan covers more
    plan, res = run(sc)
    assert (res.objective, res.bound, res.gap) == (8.0, 8.0, 0.0)  # in the policy's units
    assert int(plan.itinerant["lessons"].sum()) == 5


def test_r7_urban_schools_are_covered_only_where_itinerant_urban_is_set():
    # the default: only B's 3 rural lessons are itinerant stops; U's 2 stay uncovered
    sc = township(school("U", area="urban"), roads=[("A", "B", 10), ("A", "U", 10), ("A", "C", 60)],
                  demand=[("A", "music", 8), ("B", "music", 3), ("U", "music", 2)],
                  staff=[person("p1", school_id="A", subject="music")])
    (inst,), _, gap = stage.build_instances(sc, placed(sc))
    assert list(inst.weight) == ["B"]  # the one school (weights are scaled to integers per instance)
    plan, res = run(sc)
    assert set(plan.itinerant["school_id"]) == {"B"} and int(plan.itinerant["lessons"].sum()) == 3
    # a hand-made stop at U is refused by the validator
    from rotaplan.validator import check_plan

    it = pd.concat([plan.itinerant, pd.DataFrame([{"person_id": "p1", "day": 5, "seq": 1, "school_id": "U",
                                                   "subject": "music", "lessons": 2, "travel_minutes": 10.0}])])
    bad = type(plan)(plan.assignments, it, plan.kpis, plan.compliance)
    assert [v.person_id for v in check_plan(sc, bad) if v.rule == "R7" and "urban school U" in v.message] == ["p1"]


def test_two_stops_a_day_in_shortest_order():
    # A -> B -> C -> A = 20 + 5 + 22 = 47 min covers both schools in one day (singles: 40 + 44).
    sc = township(roads=[("A", "B", 20), ("B", "C", 5), ("A", "C", 22)],
                  demand=[("A", "music", 6), ("B", "music", 2), ("C", "music", 2)],
                  staff=[person("p1", school_id="A", subject="music")])
    plan, res = run(sc)
    assert rows(plan) == [("p1", 1, 1, "B", "music", 2, 20.0), ("p1", 1, 2, "C", "music", 2, 5.0)]
    assert res.kpis["total_travel_minutes_with_return"] == 47.0


def test_travel_uses_shortest_path_through_a_junction():
    # No direct road A-B: A -> X -> B takes 12 + 13 = 25 minutes.
    sc = township(roads=[("A", "X", 12), ("X", "B", 13), ("A", "C", 80)],
                  demand=[("A", "art", 4), ("B", "art", 3)],
                  staff=[person("p1", school_id="A", subject="art")], nodes=[("X", 36.2, 117.6)])
    plan, _ = run(sc)
    assert rows(plan) == [("p1", 1, 1, "B", "art", 3, 25.0)]


def test_road_too_long_covers_nothing():
    # B is 50 minutes away: 100 minutes there and back exceeds the 90-minute day.
    sc = township(roads=[("A", "B", 50), ("A", "C", 60)],
                  demand=[("A", "music", 6), ("B", "music", 4)],
                  staff=[person("p1", school_id="A", subject="music")])
    plan, res = run(sc)
    assert plan.itinerant.empty
    assert res.kpis["uncovered_rural_before_itinerant"] == 4
    assert res.kpis["uncovered_rural_after_itinerant"] == 4
    assert plan.compliance.set_index("rule").at["R7", "status"] == "met"  # nothing more can be covered
    assert plan.assignments.set_index("person_id").at["p1", "rules"] == ""


def test_unreachable_school_is_left_uncovered():
    # B has no road at all (scenario validation warns about it; the stage must cope).
    sc = township(roads=[("A", "C", 10)], demand=[("A", "pe", 6), ("B", "pe", 4), ("C", "pe", 2)],
                  staff=[person("p1", school_id="A", subject="pe")], check=False)
    plan, res = run(sc)
    assert rows(plan) == [("p1", 1, 1, "C", "pe", 2, 10.0)]
    assert res.kpis["uncovered_rural_after_itinerant"] == 4


def test_two_teachers_compete_fewest_teachers_then_least_travel():
    def district(a_music):
        return township(school("D", area="rural"),
                        roads=[("A", "B", 10), ("D", "B", 30), ("A", "C", 40), ("D", "C", 40)],
                        demand=[("A", "music", a_music), ("B", "music", 6)],
                        staff=[person("p_near", school_id="A", subject="music"),
                               person("p_far", school_id="D", subject="music")])

    # p_near (spare 4) is 10 minutes from B, p_far (spare 16) 30 minutes: B needs 6 lessons, and one
    # teacher is enough only if it is p_far (fewest itinerant teachers comes before travel).
    plan, _ = run(district(12), {"p_near": 12, "p_far": 0})
    assert rows(plan) == [("p_far", 1, 1, "B", "music", 3, 30.0), ("p_far", 2, 1, "B", "music", 3, 30.0)]
    # Both with plenty of spare: the nearer one goes.
    plan, _ = run(district(0), {"p_near": 0, "p_far": 0})
    assert rows(plan) == [("p_near", 1, 1, "B", "music", 3, 10.0), ("p_near", 2, 1, "B", "music", 3, 10.0)]


def test_days_and_daily_caps_limit_the_week():
    # 2 days a week, 3 lessons a day, one school a day: 6 of B's 10 lessons.
    sc = township(roads=[("A", "B", 10), ("A", "C", 10), ("B", "C", 5)],
                  demand=[("A", "english", 0), ("B", "english", 10), ("C", "english", 2)],
                  staff=[person("p1", school_id="A", subject="english")],
                  days_per_week=2, max_itinerant_lessons_per_day=3, max_schools_per_day=1)
    plan, res = run(sc)
    it = plan.itinerant
    assert it["lessons"].sum() == 6 and it["day"].max() == 2
    assert it.groupby("day")["lessons"].sum().max() == 3
    assert it.groupby("day").size().max() == 1
    assert res.kpis["uncovered_rural_after_itinerant"] == 6


def test_load_limits_itinerant_lessons():
    # Home lessons 14 of 16: two itinerant lessons at most.
    sc = township(roads=[("A", "B", 10), ("A", "C", 10)],
                  demand=[("A", "music", 14), ("B", "music", 8)],
                  staff=[person("p1", school_id="A", subject="music")])
    plan, _ = run(sc)
    assert plan.itinerant["lessons"].sum() == 2


def test_only_itinerant_ok_same_subject_same_township_teachers_travel():
    sc = township(school("Z", township="T2", is_township_seat=True, area="rural"),
                  roads=[("A", "B", 10), ("A", "C", 10), ("Z", "B", 5)],
                  demand=[("B", "music", 4)],
                  staff=[person("no_ok", school_id="A", subject="music", itinerant_ok=False),
                         person("art", school_id="A", subject="art"),
                         person("other_town", school_id="Z", subject="music"),
                         person("retiree", school_id="C", subject="music", birth_date="1960-01-01")])
    state = placed(sc, {"no_ok": 0, "art": 0, "other_town": 0, "retiree": 0})
    state.set("retiree", role_after="retired", to_school="", move="retire")
    res = stage.solve(sc, state, FAST)
    assert state.itinerant.empty
    assert res.kpis["uncovered_rural_after_itinerant"] == 4


def test_rural_and_mountain_lessons_come_first():
    # Spare 4: the mountainous rural school C outweighs the urban school U.
    sc = township(school("U", area="urban"),
                  roads=[("A", "U", 5), ("A", "C", 30), ("A", "B", 40)],
                  demand=[("A", "music", 12), ("U", "music", 4), ("C", "music", 4)],
                  staff=[person("p1", school_id="A", subject="music")])
    sc.schools.loc[sc.schools["school_id"] == "C", "mountainous"] = True
    plan, _ = run(sc)
    assert rows(plan) == [("p1", 1, 1, "C", "music", 4, 30.0)]


def test_without_roads_travel_is_the_coordinate_estimate():
    sc = build([school("A", area="rural", is_township_seat=True, lat=36.20, lon=117.60),
                school("B", area="rural", lat=36.23, lon=117.60)],
               [person("p1", school_id="A", subject="music")], [("A", "music", 8), ("B", "music", 3)])
    plan, _ = run(sc)
    assert len(plan.itinerant) == 1
    assert plan.itinerant["travel_minutes"].iloc[0] == pytest.approx(sc.travel.minutes("A", "B"), abs=0.01)


def test_same_plan_twice_in_deterministic_mode():
    sc = township(school("D", area="rural"),
                  roads=[("A", "B", 10), ("B", "C", 10), ("A", "C", 15), ("D", "B", 12), ("D", "C", 8)],
                  demand=[("A", "music", 8), ("B", "music", 9), ("C", "music", 7), ("D", "music", 8)],
                  staff=[person("p1", school_id="A", subject="music"), person("p2", school_id="D", subject="music")])
    first, _ = run(sc)
    second, _ = run(sc)
    pd.testing.assert_frame_equal(first.itinerant, second.itinerant)


# ---- the routes report -----------------------------------------------------------------------
def test_week_text_shows_days_stops_lessons_minutes():
    sc = township(roads=[("A", "B", 20), ("B", "C", 5), ("A", "C", 22)],
                  demand=[("A", "music", 6), ("B", "music", 2), ("C", "music", 2)],
                  staff=[person("p1", school_id="A", subject="music"), person("p2", school_id="A", subject="art")])
    plan, _ = run(sc)
    text = week_text(plan, sc, "p1")
    assert "Hill School (B)" in text and "River School (C)" in text
    assert "47.0 travel minutes" in text and "back" in text
    with pytest.raises(ScenarioError, match="no such person"):
        week_text(plan, sc, "nobody")
    with pytest.raises(ScenarioError, match="no itinerant stops"):
        week_text(plan, sc, "p2")


# ---- the validator catches a hand-broken itinerant.csv ---------------------------------------
def test_validator_catches_broken_itinerant_rows():
    sc = township(school("Z", township="T2", is_township_seat=True, area="rural"),
                  roads=[("A", "B", 20), ("B", "C", 5), ("A", "C", 22), ("A", "Z", 10)],
                  demand=[("A", "music", 6), ("B", "music", 2), ("C", "music", 2), ("Z", "music", 2)],
                  staff=[person("p1", school_id="A", subject="music"),
                         person("p2", school_id="A", subject="music", itinerant_ok=False)])
    plan, _ = run(sc, {"p1": 6, "p2": 0})
    good = plan.itinerant.copy()

    def broken(change: dict | None = None) -> list[str]:
        it = good.copy()
        for (i, col), v in (change or {}).items():
            it.loc[i, col] = v
        plan.itinerant = it
        return [v.message for v in check_r7.check(sc, plan)]

    assert broken() == []
    assert any("shortest path" in m for m in broken({(0, "travel_minutes"): 19.0}))
    assert any("teacher teaches 'music'" in m for m in broken({(0, "subject"): "art"}))
    assert any("township" in m for m in broken({(1, "school_id"): "Z"}))
    assert any("itinerant_ok is false" in m for m in broken({(0, "person_id"): "p2", (1, "person_id"): "p2"}))
    assert any("max_itinerant_lessons_per_day" in m for m in broken({(0, "lessons"): 3}))
    assert any("exceed the demand" in m for m in broken({(0, "lessons"): 3}))
    assert any("day 6" in m for m in broken({(0, "day"): 6, (1, "day"): 6}))
    assert any("numbered" in m for m in broken({(1, "seq"): 3}))
    assert any("own school" in m for m in broken({(0, "school_id"): "A"}))
    # Three stops in one day, more than max_schools_per_day (2).
    it = pd.concat([good, good.iloc[[1]].assign(seq=3, school_id="B")], ignore_index=True)
    plan.itinerant = it
    msgs = [v.message for v in check_r7.check(sc, plan)]
    assert any("max_schools_per_day" in m for m in msgs) and any("twice" in m for m in msgs)
    # Load: home 14 + itinerant 4 > 16.
    plan.itinerant = good
    plan.assignments.loc[plan.assignments["person_id"] == "p1", "home_lessons"] = 14
    assert any("teacher_load" in m.message for m in check_r7.check(sc, plan))


def test_validator_catches_a_day_over_the_travel_limit():
    sc = township(roads=[("A", "B", 40), ("B", "C", 30), ("A", "C", 40)],
                  demand=[("A", "music", 6), ("B", "music", 2), ("C", "music", 2)],
                  staff=[person("p1", school_id="A", subject="music")])
    plan, _ = run(sc)
    # A -> B -> C -> A = 110 minutes: the optimizer used two days; force them into one.
    it = plan.itinerant.copy()
    assert len(it) == 2 and it["day"].tolist() == [1, 2]
    it.loc[1, ["day", "seq", "travel_minutes"]] = [1, 2, 30.0]
    plan.itinerant = it
    assert any("max_travel_minutes_per_day" in v.message for v in check_r7.check(sc, plan))


# ---- property: whatever the township, the stage's routes pass the validator ---------------------
@st.composite
def townships(draw):
    n = draw(st.integers(2, 5))
    ids = [f"S{i}" for i in range(n)]
    tw = [draw(st.sampled_from(["T1", "T2"])) if i > 1 else f"T{i + 1}" for i in range(n)]
    schools = [school(s, township=t, area=draw(st.sampled_from(["rural", "urban"])),
                      mountainous=draw(st.booleans()), is_township_seat=i < 2,
                      lat=36.2 + draw(st.floats(0, 0.2)), lon=117.6 + draw(st.floats(0, 0.2)))
               for i, (s, t) in enumerate(zip(ids, tw))]
    subjects = ["music", "art"]
    staff = [person(f"P{j}", school_id=draw(st.sampled_from(ids)), subject=draw(st.sampled_from(subjects)),
                    itinerant_ok=draw(st.booleans()) or j == 0)
             for j in range(draw(st.integers(1, 4)))]
    demand = [(s, j, draw(st.integers(0, 12))) for s in ids for j in subjects if draw(st.booleans())]
    roads = None
    if draw(st.booleans()):
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        roads = [(a, b, draw(st.floats(1, 70).map(lambda x: round(x, 1)))) for a, b in pairs if draw(st.booleans())]
    policy = dict(days_per_week=draw(st.integers(1, 5)), max_schools_per_day=draw(st.integers(1, 3)),
                  max_itinerant_lessons_per_day=draw(st.integers(1, 5)),
                  max_travel_minutes_per_day=draw(st.sampled_from([20, 45, 90, 150])))
    home = {p["person_id"]: draw(st.integers(0, 16)) for p in staff}
    return build(schools, staff, demand, roads=roads or None, check=False, **policy), home


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(townships())
def test_stage_routes_always_pass_the_validator(case):
    sc, home = case
    state = placed(sc, home)
    res = stage.solve(sc, state, SolveParams(time_limit=2, seed=0, workers=1))
    plan = assemble(sc, state)
    assert check_r7.check(sc, plan) == []
    it = state.itinerant
    assert res.kpis["itinerant_lessons"] == (int(it["lessons"].sum()) if len(it) else 0)
    assert res.kpis["uncovered_rural_after_itinerant"] <= res.kpis["uncovered_rural_before_itinerant"]
    assert plan.compliance.set_index("rule").at["R7", "status"] == "met"
