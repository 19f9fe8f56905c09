"""R12 (retirements) and R13 (young backbone training): the rule steps before and after the solver stages."""

from __future__ import annotations

from builders import build, person, school

from rotaplan.optimizer import r12, r13
from rotaplan.optimizer.pipeline import assemble
from rotaplan.optimizer.state import PlanState


def compliance(sc, state: PlanState, rule: str) -> tuple[str, str]:
    """(status, detail) of a rule's row of compliance.csv, as the plan assembled from this state gives it."""
    row = assemble(sc, state).compliance.set_index("rule").loc[rule]
    return row["status"], row["detail"]


def retired(sc) -> tuple[list[str], object, PlanState]:
    state = PlanState(sc)
    res = r12.apply(sc, state)
    return sorted(state.a.index[state.a["move"] == "retire"]), res, state


def test_r12_binding_the_age_on_1_september_of_the_plan_year_decides_who_retires():
    # plan_year 2027: 60 (men) and 55 (women) reached on 1 September retire; a day younger they stay
    sc = build([school("U", is_township_seat=True)],
               [person("M60", school_id="U", birth_date="1967-09-01"),
                person("M59", school_id="U", birth_date="1967-09-02"),
                person("F55", school_id="U", gender="F", birth_date="1972-09-01"),
                person("F54", school_id="U", gender="F", birth_date="1972-09-02"),
                person("F58", school_id="U", gender="F", birth_date="1969-01-01", role="principal")],
               [("U", "math", 64)])
    who, res, state = retired(sc)
    assert who == ["F55", "F58", "M60"]
    assert (res.stage, res.status, res.details["retiring"]) == ("R12", "done", 3)
    row = state.a.loc["M60"]
    assert (row["role_after"], row["to_school"], row["rules"]) == ("retired", "", "R12")
    assert row["reason"] == ("Reaches retirement age (60, limit 60) by 1 September 2027; the post becomes a vacancy.")
    assert compliance(sc, state, "R12") == ("met", "3 staff retire; their posts are vacancies filled by the plan")


def test_r12_wins_over_a_lock_and_an_exemption():
    sc = build([school("U", is_township_seat=True), school("V")],
               [person("L", school_id="U", birth_date="1960-01-01", locked_school="V", exempt_reason="illness")],
               [("U", "math", 16)])
    who, _, state = retired(sc)
    assert who == ["L"] and state.a.at["L", "to_school"] == ""


def _young(**policy):
    staff = [person("R1", school_id="R", birth_date="1995-01-01", years_at_school=2),
             person("R2", school_id="R", birth_date="1995-01-01", years_at_school=5),
             person("R3", school_id="R", birth_date="1995-01-01", years_at_school=4),
             person("U1", school_id="U", birth_date="1995-01-01", years_at_school=9),
             person("BB", school_id="R", birth_date="1995-01-01", years_at_school=9, backbone="district"),
             person("OLD", school_id="R", birth_date="1975-01-01", years_at_school=9)]
    return build([school("U", is_township_seat=True), school("R", area="rural", township="T2", is_township_seat=True)],
                 staff, [("U", "math", 16), ("R", "math", 80)], **policy)


def test_r13_binding_rural_teachers_first_then_the_longest_serving():
    sc = _young(young_backbone_training_count=2)
    state = PlanState(sc)
    res = r13.apply(sc, state)
    chosen = sorted(state.a.index[state.a["rules"].str.contains("R13")])
    # young (35 or under), not yet district-level backbone: R1, R2, R3 rural, U1 urban; the two longest-serving rural
    assert chosen == ["R2", "R3"]
    assert res.kpis == {"backbone_training_selected": 2, "backbone_training_rural": 2}
    assert compliance(sc, state, "R13") == ("met", "2 young teachers selected (2 rural), target 2")


def test_r13_short_of_young_teachers_says_how_many_there_are():
    sc = _young(young_backbone_training_count=5)
    state = PlanState(sc)
    res = r13.apply(sc, state)
    assert res.kpis == {"backbone_training_selected": 4, "backbone_training_rural": 3}
    status, detail = compliance(sc, state, "R13")
    assert status == "not_met" and detail.startswith("4 young teachers selected (3 rural), target 5; only 4 teachers")
