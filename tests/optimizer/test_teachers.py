"""Teacher stage (R5, R6, R8, coverage, R9, R10, R11, soft goals) on tiny scenarios with known answers.

Each rule has a binding test (the rule decides the outcome), an infeasible test where it is hard, and an
exact test of its terms ("given these facts, R11 adds exactly N to the objective")."""

import time

import numpy as np
import pytest
from builders import build, person, school
from teacher_helpers import row, run_teachers

from rotaplan.optimizer import r12, sat
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.state import PlanState
from rotaplan.optimizer.teachers import candidates, flow, r6, r8, r9, r10, r11, soft, stage
from rotaplan.optimizer.teachers.ctx import SCALE, ModelCtx
from rotaplan.validator import check_plan


def U(sid, **kw):
    return school(sid, area="urban", township="T1", lat=36.20, lon=117.60, **kw)


def R(sid, **kw):
    return school(sid, area="rural", township="T2", lat=36.40, lon=117.80, **kw)


def sc_of(schools, staff, demand, **policy):
    return build(schools, staff, demand, check=False, **policy)


def teacher_facts(sc):
    """The teacher stage's facts (teachers of the coming year, candidate pairs) of a scenario after R12."""
    state = PlanState(sc)
    r12.apply(sc, state)
    return candidates.build(sc, state)


def placement_of(data, moves: dict[str, str]) -> np.ndarray:
    """The chosen pair of every movable teacher: the school `moves` names, else the one they are at."""
    ids = list(data.school_ids)
    pid = data.t["person_id"].to_numpy()
    choice = np.full(len(data.t), -1, dtype=np.int64)
    for k, (p, s) in enumerate(zip(data.p_t, data.p_s)):
        want = ids.index(moves[pid[p]]) if pid[p] in moves else data.t_from[p]
        if s == want:
            choice[p] = k
    assert all(choice[ids_p] >= 0 for ids_p in np.unique(data.p_t)), "a move that is not a candidate pair"
    return choice


def candidates_of(data, person_id: str) -> list[str]:
    p = list(data.t["person_id"]).index(person_id)
    return sorted(data.school_ids[data.p_s[data.p_t == p]])


def one_rule_score(data, choice: np.ndarray, build) -> float:
    """The exact model's score of a placement holding only one rule module's terms: every pair fixed to `choice`,
    the module's own variables free (maximising leaves each penalised shortfall at its least)."""
    ctx = ModelCtx.new(data)
    for k, p in enumerate(data.p_t):
        ctx.model.add(ctx.x.values[k] == int(choice[p] == k))
    build(ctx)
    ctx.model.maximize(ctx.objective())
    _, status, st = sat.solve(ctx.model, SolveParams(time_limit=10, workers=1, seed=0))
    assert status == "optimal", status
    return st["objective"]


# ---- R5 ------------------------------------------------------------------------------------
def test_r5_new_hire_gets_period1_school_and_period2_of_other_area():
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)],
               [person("N", school_id="", contract_period=0, period_years=0)],
               [("U", "math", 16), ("R", "math", 16)])
    state, plan, res = run_teachers(sc)
    r = row(state, "N")
    # rural lessons weigh twice: period 1 at the rural school, period 2 bundled at the urban one
    assert (r["move"], r["to_school"], r["period2_school"]) == ("place_new", "R", "U")
    assert "R5" in r["rules"] and r["home_lessons"] == 16
    assert state.compliance["R5"][0] == "met"


def test_r5_period1_finisher_moves_to_other_area():
    sc = sc_of([U("U", is_township_seat=True), U("U2"), R("R", is_township_seat=True)],
               [person("F", school_id="U", contract_period=1, period_years=3)],
               [("U", "math", 16), ("U2", "math", 16), ("R", "math", 16)])
    state, _, res = run_teachers(sc)
    assert (row(state, "F")["move"], row(state, "F")["to_school"]) == ("bundle_second", "R")


def test_r5_infeasible_finisher_stays_and_is_reported():
    # no rural school teaches music: the finisher cannot cross (R5 not met, said in words)
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)],
               [person("F", school_id="U", subject="music", contract_period=1, period_years=3)],
               [("U", "music", 16), ("R", "math", 16)])
    state, plan, res = run_teachers(sc, check=False)
    assert row(state, "F")["to_school"] == "U"
    status, detail = state.compliance["R5"]
    assert status == "not_met" and "F" in detail and "other area" in detail


def test_lock_wins_over_r5():
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)],
               [person("F", school_id="U", contract_period=1, period_years=3, locked_school="U")],
               [("U", "math", 16), ("R", "math", 16)])
    state, plan, _ = run_teachers(sc)
    assert row(state, "F")["to_school"] == "U" and "lock" in row(state, "F")["reason"]
    assert "exempted by a lock" in plan.compliance.set_index("rule").at["R5", "detail"]


def test_r5_exact_a_required_period2_move_costs_nothing_and_offers_only_the_other_area():
    sc = sc_of([U("U", is_township_seat=True), U("U2"), R("R", is_township_seat=True), R("R2")],
               [person("F", school_id="U", contract_period=1, period_years=3),
                person("E", school_id="U", years_at_school=8)],
               [("U", "math", 16), ("U2", "math", 16), ("R", "math", 16), ("R2", "math", 16)])
    data = teacher_facts(sc)
    assert candidates_of(data, "F") == ["R", "R2"]  # R5: the other area only, staying is no option
    coef = soft.pair_coefficients(data)
    f, e = (list(data.t["person_id"]).index(x) for x in ("F", "E"))
    assert set(coef[data.p_t == f].tolist()) == {0}  # the required move costs nothing (no home: no commute)
    e_coef = dict(zip(data.school_ids[data.p_s[data.p_t == e]], coef[data.p_t == e].tolist()))
    assert e_coef["U"] == 0 and e_coef["R"] == -sc.policy.weights.move * SCALE  # a voluntary move: weights.move


# ---- R6 ------------------------------------------------------------------------------------
def test_r6_public_funded_short_of_rural_years_stays_rural():
    # the urban school lacks math badly, but a public-funded teacher with 2 rural years may not go there
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)],
               [person("P", school_id="R", years_at_school=8, public_funded=True, rural_service_years=2),
                person("Q", school_id="R", years_at_school=1)],
               [("U", "math", 64), ("R", "math", 16)])
    state, _, res = run_teachers(sc)
    r = row(state, "P")
    assert r["to_school"] == "R" and "R6" in r["rules"]
    assert r["rural_service_years"] == 3.0  # 2 served + the coming year at a rural school
    assert state.compliance["R6"][0] == "met"


def test_r6_own_bundle_may_go_urban():
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)],
               [person("P", school_id="R", contract_period=1, period_years=3, public_funded=True,
                       rural_service_years=3)],
               [("U", "math", 16), ("R", "math", 16)])
    state, _, res = run_teachers(sc)
    r = row(state, "P")
    assert (r["move"], r["to_school"]) == ("bundle_second", "U")
    assert r["rural_service_years"] == 3.0 and "R6" in r["rules"]


def test_r6_exact_candidates_lose_exactly_the_urban_schools_and_a_rural_year_counts_one():
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True), R("R2")],
               [person("P", school_id="R", years_at_school=8, public_funded=True, rural_service_years=2,
                       preferences="U"),
                person("Q", school_id="R", years_at_school=8, rural_service_years=2, preferences="U")],
               [("U", "math", 64), ("R", "math", 16), ("R2", "math", 16)])
    data = teacher_facts(sc)
    assert candidates_of(data, "Q") == ["R", "R2", "U"]
    assert candidates_of(data, "P") == ["R", "R2"]  # the same facts, public-funded: R6 removes U
    school_of = stage.placement(data, placement_of(data, {"Q": "U"}))
    after = dict(zip(data.t["person_id"], r6.rural_years_after(data, school_of)))
    assert (after["P"], after["Q"]) == (3.0, 2.0)  # a public-funded teacher's coming rural year counts, not Q's


def test_r6_infeasible_quota_names_the_public_funded_teachers_it_keeps_rural():
    # R's quota is 1, but its two public-funded teachers short of rural years may not go to U, the only other school
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True, staff_quota=1)],
               [person("P", school_id="R", public_funded=True, rural_service_years=2),
                person("Q", school_id="R", public_funded=True, rural_service_years=4)],
               [("U", "math", 64), ("R", "math", 32)])
    state, plan, res = run_teachers(sc, check=False)
    note = next(n for n in res.notes if "infeasible" in n)
    assert note == ("teachers: infeasible: the staff quotas (R8) of R8:R (1 short) cannot hold the teachers no other "
                    "school can take (seats short in all: 1): P (public-funded with 2 of 6 rural years, whom R6 keeps "
                    "from urban schools); Q (public-funded with 4 of 6 rural years, whom R6 keeps from urban schools); "
                    "relaxed by the seats short")
    p = row(state, "P")
    assert p["to_school"] == "R" and "R6" in p["rules"].split(";")
    assert p["reason"].startswith("Stays at School R (R) although it is above its staff quota (R8 relaxed): "
                                  "public-funded with 2 of 6 rural years, whom R6 keeps from urban schools.")
    assert state.compliance["R6"][0] == "met" and state.compliance["R8"][0] == "not_met"


# ---- R8 ------------------------------------------------------------------------------------
def test_r8_quota_binds_new_hire_goes_where_a_seat_is_free():
    sc = sc_of([R("R1", is_township_seat=True, staff_quota=1), R("R2", staff_quota=3), U("U", is_township_seat=True)],
               [person("A", school_id="R1"), person("N", school_id="", contract_period=0, period_years=0)],
               [("R1", "math", 48), ("R2", "math", 16), ("U", "math", 16)])
    state, _, res = run_teachers(sc)
    assert row(state, "N")["to_school"] == "R2"  # R1 has the larger gap but no free seat
    assert state.compliance["R8"][0] == "met"


def test_r8_infeasible_quota_is_explained_and_relaxed():
    sc = sc_of([U("U", is_township_seat=True, staff_quota=1), R("R", is_township_seat=True, staff_quota=0)],
               [person("N1", school_id="", contract_period=0, period_years=0),
                person("N2", school_id="", contract_period=0, period_years=0)],
               [("U", "math", 32), ("R", "math", 32)])
    state, plan, res = run_teachers(sc, check=False)
    status, detail = state.compliance["R8"]
    assert status == "not_met" and "relaxed" in detail
    assert any("R8" in n and "infeasible" in n for n in res.notes)
    assert set(state.a.loc[["N1", "N2"], "move"]) == {"place_new"}


def test_r8_subject_fit_preschool_only_at_kindergarten():
    sc = sc_of([school("K", level="kindergarten", is_township_seat=True, area="rural"),
                U("P", is_township_seat=True), U("K2", level="kindergarten")],
               [person("N", school_id="", subject="preschool", contract_period=0, period_years=0),
                person("T", school_id="K2", subject="preschool")],
               [("K", "preschool", 16), ("P", "math", 16), ("P", "preschool", 16), ("K2", "preschool", 16)])
    state, _, res = run_teachers(sc)
    # the primary school's preschool demand does not make it a fit: only kindergartens take preschool
    assert (row(state, "N")["to_school"], row(state, "N")["period2_school"]) == ("K", "K2")


def test_r8_lock_to_a_school_without_the_subject_is_the_offices_decision():
    # regression (100,000-staff generated district): the office locked a moral teacher to a school whose
    # demand has no moral lessons; the plan honours the lock and says so instead of reporting a misfit
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)],
               [person("L", school_id="U", subject="moral", locked_school="R"), person("A", school_id="U")],
               [("U", "moral", 16), ("U", "math", 16), ("R", "math", 16)])
    state, plan, res = run_teachers(sc)  # asserts the validator finds no hard violation
    r = row(state, "L")
    assert (r["to_school"], r["home_lessons"]) == ("R", 0)
    status, detail = state.compliance["R8"]
    assert status == "met" and "L (moral at R)" in detail


def test_r8_teacher_who_cannot_move_still_holds_a_seat():
    # F should cross to the rural area for period 2 but no rural school teaches music: F stays at U and
    # holds U's only seat, so the new music teacher goes to U2 (the quota of U is never exceeded)
    sc = sc_of([U("U", is_township_seat=True, staff_quota=1), U("U2", staff_quota=2), R("R", is_township_seat=True)],
               [person("F", school_id="U", subject="music", contract_period=1, period_years=3),
                person("N", school_id="", subject="music", contract_period=0, period_years=0)],
               [("U", "music", 32), ("U2", "music", 16), ("R", "math", 16)])
    state, plan, res = run_teachers(sc, check=False)
    assert (row(state, "F")["to_school"], row(state, "N")["to_school"]) == ("U", "U2")
    assert not [v for v in check_plan(sc, plan) if v.rule == "R8" and v.hard]
    assert state.compliance["R5"][0] == "not_met"  # said in words: no rural school teaches music


def test_level_fit_senior_teacher_stays_in_senior_schools():
    # the primary school lacks math badly, but a senior-school teacher is only offered senior schools
    sc = sc_of([U("P", is_township_seat=True), U("S1", level="senior"), U("S2", level="senior"),
                R("R", is_township_seat=True)],
               [person("T", school_id="S1", years_at_school=9), person("T2", school_id="S1", years_at_school=1)],
               [("P", "math", 64), ("S1", "math", 16), ("S2", "math", 16), ("R", "math", 16)],
               exchange_share=1.0)
    state, _, res = run_teachers(sc)
    assert row(state, "T")["to_school"] in ("S1", "S2")


def test_r8_exact_a_quota_leaves_exactly_its_free_seats_and_a_breach_names_it():
    # R1's quota is 2 and A stays there: of three new hires, exactly one can be placed at R1
    sc = sc_of([R("R1", is_township_seat=True, staff_quota=2), U("U", is_township_seat=True)],
               [person("A", school_id="R1")]
               + [person(f"N{i}", school_id="", contract_period=0, period_years=0) for i in range(3)],
               [("R1", "math", 64), ("U", "math", 64)])
    data = teacher_facts(sc)
    at_r1 = np.flatnonzero(data.school_ids[data.p_s] == "R1")
    assert len(at_r1) == 3  # every new hire may go there

    def most_at_r1(relaxed=None) -> float:
        ctx = ModelCtx.new(data, relaxed)
        for p in np.unique(data.p_t):
            ctx.model.add_exactly_one(ctx.x.values[data.p_t == p])
        r8.build(ctx)
        ctx.model.maximize(ctx.pair_sum(at_r1))
        _, status, st = sat.solve(ctx.model, SolveParams(time_limit=10, workers=1, seed=0))
        assert status == "optimal"
        return st["objective"]

    assert most_at_r1() == 1.0
    assert most_at_r1({"R8:R1": 1}) == 2.0  # a quota relaxed by one seat holds exactly one more
    assert stage.shortfall(data) == {}  # U takes the other two


def test_r8_shortfall_names_the_quota_and_the_exact_seats_it_lacks():
    # only R1 teaches math and has one free seat: three math hires leave it exactly 2 seats short
    sc = sc_of([R("R1", is_township_seat=True, staff_quota=2), U("U", is_township_seat=True, staff_quota=5)],
               [person("A", school_id="R1")]
               + [person(f"N{i}", school_id="", contract_period=0, period_years=0) for i in range(3)],
               [("R1", "math", 64), ("U", "physics", 64)])
    data = teacher_facts(sc)
    assert stage.shortfall(data) == {"R8:R1": 2}
    state, plan, res = run_teachers(sc, check=False)
    note = next(n for n in res.notes if "infeasible" in n)
    assert note.startswith("teachers: infeasible: the staff quotas (R8) of R8:R1 (2 short) cannot hold the teachers "
                           "no other school can take (seats short in all: 2): N0 (a new hire: only R1 of their "
                           "school level group take math teachers)")
    assert (plan.assignments["to_school"] == "R1").sum() == 4  # relaxed by the 2 seats: everyone placed there
    assert state.compliance["R8"][0] == "not_met"


# ---- coverage ----------------------------------------------------------------------------
def test_home_lessons_split_full_loads_first_and_zero_for_leaders():
    sc = sc_of([U("U", is_township_seat=True)],
               [person("A", school_id="U"), person("B", school_id="U"),
                person("L", school_id="U", role="principal")],
               [("U", "math", 20)])
    state, _, res = run_teachers(sc)
    home = (row(state, "A")["home_lessons"], row(state, "B")["home_lessons"], row(state, "L")["home_lessons"])
    assert home == (16, 4, 0)
    assert res.kpis["home_uncovered_lessons"] == 0


# ---- R11 -----------------------------------------------------------------------------------
def _exchange_case(**policy):
    staff = [person(f"E{i}", school_id="U", years_at_school=8 + i) for i in range(9)]
    staff.append(person("B", school_id="U", years_at_school=7, backbone="district"))
    return sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)], staff,
                 [("U", "math", 160), ("R", "math", 16)], exchange_share=0.1, exchange_backbone_share=0.2, **policy)


def test_r11_exchange_share_and_backbone_share():
    # R15 off: the only urban backbone teacher may be posted (urban backbone share 1/10 -> 0/9)
    state, _, res = run_teachers(_exchange_case(max_urban_share_drop=1.0))
    assert res.kpis["r11_eligible"] == 10
    assert res.kpis["r11_exchanged"] == 1
    assert res.kpis["r11_backbone_share"] == 1.0  # the one who moves is the backbone teacher
    assert (row(state, "B")["move"], row(state, "B")["to_school"]) == ("exchange", "R")
    assert state.compliance["R11"][0] == "met"


def test_r15_keeps_the_only_urban_backbone_teacher_where_r11_would_post_them():
    # R15 (hard) wins over R11's backbone share (a target): posting B drops the urban backbone share by 0.1
    # (posting another teacher instead would open an R9 backbone gap at R, which has no teacher yet: nobody goes)
    state, plan, res = run_teachers(_exchange_case())
    assert row(state, "B")["to_school"] == "U" and res.kpis["r11_exchanged"] == 0
    assert state.compliance["R11"][0] == "not_met" and state.compliance["R15"][0] == "met"
    assert plan.kpis["after"]["backbone_share_urban"] == 0.1 == plan.kpis["before"]["backbone_share_urban"]


def test_r11_exact_penalty_the_exchange_and_backbone_shortfalls():
    sc = _exchange_case()
    data = teacher_facts(sc)
    w = sc.policy.weights.r11_exchange * SCALE  # 30 a teacher short, scaled
    nobody, e0, b = (placement_of(data, m) for m in ({}, {"E0": "R"}, {"B": "R"}))
    # 10 eligible, 10 % to move: nobody moving leaves exactly 1 short
    assert r11.value(data, nobody) == {"short": 1, "short_bb": 0, "moved": 0, "moved_bb": 0, "over": 0}
    assert one_rule_score(data, nobody, r11.build) == -w
    # one moves, but no backbone teacher among them (20 % asked): exactly 1 backbone teacher short
    assert r11.value(data, e0)["short_bb"] == 1 and one_rule_score(data, e0, r11.build) == -w
    assert one_rule_score(data, b, r11.build) == 0  # the backbone teacher moves: both shares met
    assert flow.evaluate(data, nobody)["penalty"] == w  # the exact scorer of the flow agrees


def test_r11_exempt_and_locked_are_not_eligible():
    staff = [person("X", school_id="U", years_at_school=9, exempt_reason="illness"),
             person("L", school_id="U", years_at_school=9, locked_school="U")]
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True)], staff,
               [("U", "math", 32), ("R", "math", 16)])
    state, _, res = run_teachers(sc)
    assert res.kpis["r11_eligible"] == 0
    assert set(state.a.loc[["X", "L"], "to_school"]) == {"U"}


# ---- R9 / R10 ------------------------------------------------------------------------------
def test_r9_r10_swap_brings_rural_degree_share_to_parity():
    # urban: 2 bachelor; rural: 1 bachelor, 1 associate; full quotas -> swapping the associate with an
    # urban bachelor is the only way to parity (rural 2/2, urban 1/2)
    staff = [person("UB1", school_id="U", years_at_school=8), person("UB2", school_id="U", years_at_school=8),
             person("RB", school_id="R", years_at_school=8),
             person("RA", school_id="R", years_at_school=8, degree="associate", preferences="U")]
    # R15 off (max_urban_share_drop 1): the swap levels the urban share down from 2/2 to 1/2 (tests/optimizer/
    # test_r15.py shows R15 refusing it); no move budget (12 % of four teachers is no move at all)
    sc = sc_of([U("U", is_township_seat=True, staff_quota=2), R("R", is_township_seat=True, staff_quota=2)], staff,
               [("U", "math", 32), ("R", "math", 32)], exchange_share=0.0, exchange_share_max=1.0,
               max_urban_share_drop=1.0, max_moves_share=1.0)
    state, plan, res = run_teachers(sc)
    assert plan.kpis["before"]["degree_ratio_urban_rural"] == 2.0
    assert plan.kpis["after"]["degree_ratio_urban_rural"] == 0.5
    assert state.compliance["R9"][0] == "met" and state.compliance["R10"][0] == "met"
    assert row(state, "RA")["to_school"] == "U"

def _degree_parts():
    # urban: 2 bachelor, exchange-eligible; rural: 1 bachelor, 1 associate who ranked U; full quotas
    staff = [person("UB1", school_id="U", years_at_school=8), person("UB2", school_id="U", years_at_school=8),
             person("RB", school_id="R", years_at_school=8, preferences="U"),
             person("RA", school_id="R", years_at_school=8, degree="associate", preferences="U")]
    schools = [U("U", is_township_seat=True, staff_quota=2), R("R", is_township_seat=True, staff_quota=2)]
    return schools, staff, [("U", "math", 32), ("R", "math", 32)]


def _degree_case():
    return sc_of(*_degree_parts(), exchange_share=0.0, exchange_share_max=1.0)


@pytest.mark.parametrize("rule, off", [("R9", "weights.r10_degree_ratio"), ("R10", "weights.r9_parity")])
def test_r9_and_r10_each_alone_decide_the_swap(rule, off):
    # with the other rule's weight at 0, each one alone swaps the rural associate for an urban bachelor: staying
    # leaves one teacher short (50 x 100), the swap costs two moves (2 x 10 x 100); no R11 target interferes
    sc = build(*_degree_parts(), check=False, exchange_share=0.0, exchange_backbone_share=0.0, exchange_share_max=1.0,
               max_urban_share_drop=1.0, max_moves_share=1.0, **{off: 0})
    state, plan, _ = run_teachers(sc)
    assert row(state, "RA")["to_school"] == "U"
    assert state.compliance[rule][0] == "met"


def test_r9_exact_penalty_one_rural_bachelor_short_of_parity_costs_exactly_its_weight():
    sc = _degree_case()
    data = teacher_facts(sc)
    stay, swap = placement_of(data, {}), placement_of(data, {"RA": "U", "UB1": "R"})
    # rural bachelor+ share 1/2 against urban 2/2: one swap short of parity; nothing else short
    assert r9.value(data, r9.count_values(data, stay)) == {"backbone": 0, "bachelor": 1, "kindergarten": 0}
    assert one_rule_score(data, stay, r9.build) == -sc.policy.weights.r9_parity * SCALE
    assert one_rule_score(data, swap, r9.build) == 0  # rural 2/2, urban 1/2


def test_r10_exact_penalty_one_rural_bachelor_short_of_the_degree_ratio_costs_exactly_its_weight():
    sc = _degree_case()
    data = teacher_facts(sc)
    stay, swap = placement_of(data, {}), placement_of(data, {"RA": "U", "UB1": "R"})
    # urban/rural bachelor+ share ratio 1.0 / 0.5 = 2 > 1.05: one swap brings it to 0.5
    assert r10.value(data, r9.count_values(data, stay)) == 1
    assert one_rule_score(data, stay, r10.build) == -sc.policy.weights.r10_degree_ratio * SCALE
    assert one_rule_score(data, swap, r10.build) == 0



# ---- soft goals ---------------------------------------------------------------------------
def test_preference_granted_without_justified_envy():
    # P ranked S first; S has one free seat; N (new hire, no points) could take it but must not
    sc = sc_of([U("A", is_township_seat=True), U("S"), U("B"), R("R", is_township_seat=True)],
               [person("P", school_id="A", years_at_school=3, rural_service_years=4, preferences="S"),
                person("A2", school_id="A"), person("R1", school_id="R"),
                person("N", school_id="", contract_period=0, period_years=0)],
               [("A", "math", 16), ("S", "math", 16), ("B", "math", 16), ("R", "math", 16)],
               max_moves_share=1.0)  # 12 % of three current teachers is a budget of no move at all
    state, _, res = run_teachers(sc)
    assert row(state, "P")["to_school"] == "S"
    assert res.kpis["envy_pairs"] == 0


def test_same_seed_same_plan():
    staff = [person(f"E{i}", school_id="U" if i % 2 else "R", years_at_school=6 + i,
                    degree="bachelor" if i % 3 else "associate") for i in range(8)]
    staff += [person("N1", school_id="", contract_period=0, period_years=0)]
    sc = sc_of([U("U", is_township_seat=True), R("R", is_township_seat=True), R("R2")], staff,
               [("U", "math", 64), ("R", "math", 64), ("R2", "math", 32)])
    a1 = run_teachers(sc)[0].a
    a2 = run_teachers(sc)[0].a
    assert a1.equals(a2)


# ---- the proven bound --------------------------------------------------------------------
def _parity_case():
    staff = [person(f"U{i}", school_id="U" if i % 3 else "U2", years_at_school=7 + i % 4,
                    backbone="district" if i % 4 == 0 else "none") for i in range(10)]
    staff += [person(f"R{i}", school_id="R" if i % 2 else "R2", years_at_school=6 + i % 5,
                     degree="associate" if i % 3 else "bachelor") for i in range(8)]
    staff += [person("N1", school_id="", contract_period=0, period_years=0),
              person("N2", school_id="", contract_period=0, period_years=0, degree="associate"),
              person("P", school_id="U", years_at_school=2, preferences="R;U2", rural_service_years=3)]
    return sc_of([U("U", is_township_seat=True, staff_quota=7), U("U2", staff_quota=5),
                  R("R", is_township_seat=True, staff_quota=6), R("R2", staff_quota=5)], staff,
                 [("U", "math", 96), ("U2", "math", 64), ("R", "math", 80), ("R2", "math", 64)], exchange_share=0.3,
                 exchange_share_max=0.5)


def test_lagrangian_bound_is_proven_and_scores_match_cp_sat():
    sc = _parity_case()
    state = PlanState(sc)
    r12.apply(sc, state)
    data = candidates.build(sc, state)
    dual = flow.lagrangian(data, flow.FlowNet(data), time.perf_counter() + 5)
    assert dual.bound >= dual.objective
    # CP-SAT proves the optimum of the same exact model: it lies between the flow plan and the bound,
    # and the exact scorer gives CP-SAT's own objective for CP-SAT's plan
    ctx = stage.build_model(data)
    from rotaplan.optimizer import sat
    solver, status, st = sat.solve(ctx.model, SolveParams(time_limit=10, workers=1, seed=0))
    assert status == "optimal"
    assert dual.objective <= st["objective"] <= dual.bound
    choice = np.full(len(data.t), -1)
    chosen = np.flatnonzero(solver.boolean_values(ctx.x).to_numpy())
    choice[data.p_t[chosen]] = chosen
    assert flow.evaluate(data, choice)["objective"] == st["objective"]


def test_stage_reports_gap_and_keeps_its_time_limit():
    sc = _parity_case()
    t = time.perf_counter()
    # 4 s: the flow's Lagrangian bound is not tight here (rural teachers do not move to town, R11), so CP-SAT
    # needs the second left after the 2 s kept for writing to prove the optimum
    state, plan, res = run_teachers(sc, time_limit=4.0)
    st = res.solver_figures()
    assert time.perf_counter() - t < 4.0 + 1.0
    assert st["stage_seconds"] <= 4.0 + 0.5 and st["bound"] >= st["objective"] and st["gap"] < 0.01
    assert {"envy_pairs_before_repair", "solve_seconds", "build_seconds"} <= set(st)


def test_generated_district_plan_breaks_no_hard_rule_within_its_limit():
    from rotaplan.models import Scenario
    from rotaplan.scenarios.generate import generate

    d = generate(1500, seed=3)
    sc = Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)
    state, plan, res = run_teachers(sc, time_limit=10.0)  # the validator finds no hard violation
    st = res.solver_figures()
    # 2 %: since R11 keeps rural teachers out of town and R15 keeps strong ones in it (contract v2) the Lagrangian
    # bound is looser; CP-SAT's polish in the seconds left closes it to 1.3 % here (4 % with 5 s, where it has none)
    assert st["bound"] >= st["objective"] and st["gap"] < 0.02
    assert st["stage_seconds"] <= 10.0 + 0.5
    assert state.compliance["R5"][0] == "met" and state.compliance["R8"][0] == "met"
    assert plan.kpis["after"]["degree_ratio_urban_rural"] < plan.kpis["before"]["degree_ratio_urban_rural"]
