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


def test_r12_fixed_schedule_the_age_on_1_september_of_the_plan_year_decides_who_retires():
    # retirement_schedule "fixed", plan_year 2027: 60 (men) and 55 (women) reached on 1 September retire; a day
    # younger they stay
    sc = build([school("U", is_township_seat=True)],
               [person("M60", school_id="U", birth_date="1967-09-01"),
                person("M59", school_id="U", birth_date="1967-09-02"),
                person("F55", school_id="U", gender="F", birth_date="1972-09-01"),
                person("F54", school_id="U", gender="F", birth_date="1972-09-02"),
                person("F58", school_id="U", gender="F", birth_date="1969-01-01", role="principal")],
               [("U", "math", 64)], retirement_schedule="fixed")
    who, res, state = retired(sc)
    assert who == ["F55", "F58", "M60"]
    assert (res.stage, res.status, res.details["retiring"]) == ("R12", "done", 3)
    row = state.a.loc["M60"]
    assert (row["role_after"], row["to_school"], row["rules"], row["retire_date"]) == \
        ("retired", "", "R12", "2027-09-01")
    assert row["reason"] == ("Reaches retirement age (60, limit 60 years, on 2027-09-01) by 1 September 2027; the "
                             "post becomes a vacancy.")
    assert compliance(sc, state, "R12") == ("met", "3 staff retire: their statutory retirement date (fixed ages: "
                                            "men 60, women 55) falls on or before 1 September 2027; their posts "
                                            "are vacancies filled by the plan")


def test_r12_2025_schedule_binding_at_the_exact_steps():
    # The 2024 NPC schedule (default), plan_year 2027 (1 September 2027). Months of birth counted from January
    # 1965 (men) / January 1970 (women); delay = that count // 4 + 1 months, at most 36:
    #   M1967-03 (born 1967-03-01): count 2*12+2 = 26 -> 26//4+1 = 7 -> 60y7m -> 2027-10-01 > 2027-09-01: stays
    #   M1967-01 (born 1967-01-10): count 24 -> 7 -> 60y7m -> 2027-08-10: retires
    #   M1966-05 (born 1966-05-01): count 16 -> 5 -> 60y5m -> 2026-10-01: retires in 2027 (not yet in 2026)
    #   M1964-12 (born 1964-12-31): before the reform, 60 -> 2024-12-31: retires
    #   F1972-04 (born 1972-04-01): count 2*12+3 = 27 -> 27//4+1 = 7 -> 55y7m -> 2027-11-01: stays
    #   F1972-01 (born 1972-01-31): count 24 -> 7 -> 55y7m -> 2027-08-31: retires
    #   F1970-01 (born 1970-01-01): count 0 -> 1 -> 55y1m -> 2025-02-01: retires
    #   F1972-09 (born 1972-09-01): 55 reached on 2027-09-01 under the old rule, but count 32 -> 9 -> 55y9m ->
    #            2028-06-01: stays (the fixed schedule would retire her, test above)
    staff = [person("M1967-03", school_id="U", birth_date="1967-03-01"),
             person("M1967-01", school_id="U", birth_date="1967-01-10"),
             person("M1966-05", school_id="U", birth_date="1966-05-01"),
             person("M1964-12", school_id="U", birth_date="1964-12-31"),
             person("F1972-04", school_id="U", gender="F", birth_date="1972-04-01"),
             person("F1972-01", school_id="U", gender="F", birth_date="1972-01-31"),
             person("F1970-01", school_id="U", gender="F", birth_date="1970-01-01"),
             person("F1972-09", school_id="U", gender="F", birth_date="1972-09-01")]
    sc = build([school("U", is_township_seat=True)], staff, [("U", "math", 64)])
    who, res, state = retired(sc)
    assert who == ["F1970-01", "F1972-01", "M1964-12", "M1966-05", "M1967-01"]
    dates = state.a.loc[who, "retire_date"].to_dict()
    assert dates == {"F1970-01": "2025-02-01", "F1972-01": "2027-08-31", "M1964-12": "2024-12-31",
                     "M1966-05": "2026-10-01", "M1967-01": "2027-08-10"}
    assert "limit 60 years 5 months, on 2026-10-01" in state.a.at["M1966-05", "reason"]
    assert (state.a.loc[["M1967-03", "F1972-04", "F1972-09"], "move"] == "stay").all()
    assert (state.a.loc[["M1967-03", "F1972-04", "F1972-09"], "retire_date"] == "").all()
    # the same scenario one year earlier: M1966-05 (2026-10-01) is still at work on 1 September 2026
    who_2026, _, _ = retired(build([school("U", is_township_seat=True)], staff, [("U", "math", 64)],
                                   plan_year=2026))
    assert "M1966-05" not in who_2026 and "F1970-01" in who_2026


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


def test_r13_binding_by_evaluation_score_rural_first_then_higher_score_first():
    # Rural R1 (score 70), R2 (no score), R3 (92); urban U1 (99); BB is district-level backbone (excluded even
    # with 100). Target 2: both rural places go by score, R3 then R1, before R2 without a score; U1 waits.
    staff = [person("R1", school_id="R", birth_date="1995-01-01", years_at_school=2, evaluation_score=70),
             person("R2", school_id="R", birth_date="1995-01-01", years_at_school=9),
             person("R3", school_id="R", birth_date="1995-01-01", years_at_school=1, evaluation_score=92),
             person("U1", school_id="U", birth_date="1995-01-01", years_at_school=9, evaluation_score=99),
             person("BB", school_id="R", birth_date="1995-01-01", backbone="district", evaluation_score=100)]
    sc = build([school("U", is_township_seat=True), school("R", area="rural", township="T2", is_township_seat=True)],
               staff, [("U", "math", 16), ("R", "math", 80)], young_backbone_training_count=2)
    state = PlanState(sc)
    r13.apply(sc, state)
    chosen = sorted(state.a.index[state.a["rules"].str.contains("R13")])
    assert chosen == ["R1", "R3"]
    assert "evaluation score 92" in state.a.at["R3", "reason"]
    # a third place goes to the rural teacher without a score before the urban one with 99
    sc3 = build([school("U", is_township_seat=True), school("R", area="rural", township="T2", is_township_seat=True)],
                staff, [("U", "math", 16), ("R", "math", 80)], young_backbone_training_count=3)
    state3 = PlanState(sc3)
    r13.apply(sc3, state3)
    assert sorted(state3.a.index[state3.a["rules"].str.contains("R13")]) == ["R1", "R2", "R3"]
