"""R11 (urban -> rural postings: direction, age exemptions, hard ceiling) and R14 (certificate levels) in the
teacher stage, on tiny scenarios whose answer is known by hand."""

import numpy as np
from builders import build, person, school
from teacher_helpers import row, run_teachers

from rotaplan.optimizer import r12
from rotaplan.optimizer.state import PlanState
from rotaplan.optimizer.teachers import candidates, flow, r11
from rotaplan.optimizer.teachers.ctx import SCALE
from rotaplan.validator import check_plan


def U(sid, **kw):
    return school(sid, area="urban", township="T1", lat=36.20, lon=117.60, **kw)


def R(sid, **kw):
    return school(sid, area="rural", township="T2", lat=36.40, lon=117.80, **kw)


def facts(sc):
    state = PlanState(sc)
    r12.apply(sc, state)
    return candidates.build(sc, state)


def cands(data, pid):
    p = list(data.t["person_id"]).index(pid)
    return sorted(data.school_ids[data.p_s[data.p_t == p]])


def elig(data):
    return set(data.t["person_id"][data.is_exchange])


# ---- R11 ---------------------------------------------------------------------------------------
def _direction_case(**policy):
    # U has one teacher too many; the rural schools lack math. UA (urban, 8 years) may be posted to a rural
    # school; RB (rural, 9 years) is not eligible and, not having ranked U, may not go to town at all.
    staff = [person("UA", school_id="U", years_at_school=8), person("UB", school_id="U", years_at_school=1),
             person("RB", school_id="R", years_at_school=9, degree="associate"),
             person("RC", school_id="R2", years_at_school=9, preferences="U")]
    return build([U("U", is_township_seat=True), R("R", is_township_seat=True), R("R2")], staff,
                 [("U", "math", 16), ("R", "math", 48), ("R2", "math", 32)], check=False,
                 exchange_share=0.5, exchange_share_max=1.0, exchange_backbone_share=0, **policy)


def test_r11_exchange_goes_urban_to_rural_only_and_rural_teachers_reach_town_only_by_ranking_it():
    data = facts(_direction_case())
    assert elig(data) == {"UA"}  # RB and RC serve 9 years, but at rural schools: not eligible
    assert cands(data, "UA") == ["R", "R2", "U"]  # no other urban school for an exchange
    assert cands(data, "RC") == ["R", "R2", "U"]  # RC ranked U: a voluntary transfer stays possible
    state, plan, res = run_teachers(_direction_case())
    assert row(state, "UA")["move"] == "exchange" and row(state, "UA")["to_school"] in ("R", "R2")
    assert row(state, "RB")["to_school"] == "R"
    assert plan.kpis["after"]["r11_exchanges_not_eligible_urban_to_rural"] == 0
    assert state.compliance["R11"][0] == "met"


def test_r11_rural_teacher_without_a_ranked_urban_school_is_never_offered_one():
    sc = build([U("U", is_township_seat=True), R("R", is_township_seat=True, staff_quota=1)],
               [person("RB", school_id="R", years_at_school=9), person("RD", school_id="R", years_at_school=2)],
               [("U", "math", 64), ("R", "math", 16)], check=False)
    data = facts(sc)
    # R is above its quota, U lacks 64 lessons: v1 sent one of them to town; now neither is offered U
    assert "U" not in cands(data, "RB") and "U" not in cands(data, "RD")


def test_r11_age_exemptions_55_men_50_women_on_1_september():
    # plan_year 2027: age on 2027-09-01
    staff = [person("M54", school_id="U", years_at_school=9, birth_date="1972-09-02"),  # 54
             person("M55", school_id="U", years_at_school=9, birth_date="1972-09-01"),  # 55: exempt
             person("F49", school_id="U", years_at_school=9, gender="F", birth_date="1977-09-02"),  # 49
             person("F50", school_id="U", years_at_school=9, gender="F", birth_date="1977-09-01")]  # 50: exempt
    sc = build([U("U", is_township_seat=True), R("R", is_township_seat=True)], staff,
               [("U", "math", 64), ("R", "math", 64)], check=False, exchange_share=0.5, exchange_share_max=1.0)
    assert elig(facts(sc)) == {"M54", "F49"}
    state, plan, _ = run_teachers(sc)
    assert plan.kpis["after"]["r11_eligible"] == 2  # the figures agree with the optimizer
    assert {p for p in ("M55", "F50") if row(state, p)["move"] == "exchange"} == set()


def _ceiling_case(share_max):
    # ten eligible urban teachers; R lacks 160 lessons, so coverage alone would post many of them
    staff = [person(f"E{i}", school_id="U", years_at_school=7 + i) for i in range(10)]
    return build([U("U", is_township_seat=True), R("R", is_township_seat=True)], staff,
                 [("U", "math", 16), ("R", "math", 160)], check=False, exchange_share=0.1, exchange_backbone_share=0,
                 exchange_share_max=share_max)


def test_r11_ceiling_is_hard_and_binds():
    _, free, _ = run_teachers(_ceiling_case(1.0))
    assert free.kpis["after"]["r11_exchanged"] > 2  # without the ceiling coverage posts more
    state, plan, res = run_teachers(_ceiling_case(0.2))
    a = plan.kpis["after"]
    assert (a["r11_exchange_ceiling"], a["r11_exchanged"]) == (2, 2)  # floor(20 % of 10)
    assert state.compliance["R11"][0] == "met"
    assert not [v for v in check_plan(_ceiling_case(0.2), plan) if v.hard and v.rule == "R11"]


def test_r11_exact_terms_the_ceiling_excess_and_the_floor():
    sc = _ceiling_case(0.2)
    data = facts(sc)
    ids, pid = list(data.school_ids), list(data.t["person_id"])

    def placed(posted):
        choice = np.full(len(data.t), -1, dtype=np.int64)
        for k, (p, s) in enumerate(zip(data.p_t, data.p_s)):
            want = ids.index("R") if pid[p] in posted else data.t_from[p]
            if s == want:
                choice[p] = k
        return choice

    three = placed({"E0", "E1", "E2"})
    assert r11.value(data, three) == {"short": 0, "short_bb": 0, "moved": 3, "moved_bb": 0, "over": 1}
    nobody = placed(set())
    assert r11.value(data, nobody)["short"] == 1 and r11.value(data, nobody)["over"] == 0
    # the exact scorer charges HARD for the exchange above the ceiling, the floor at its weight
    w = int(round(sc.policy.weights.r11_exchange * SCALE))
    assert flow.evaluate(data, nobody)["penalty"] == w
    assert flow.evaluate(data, three)["penalty"] == r11.HARD
    # the repair brings a plan within the ceiling by sending the cheapest surplus mover home
    fixed = flow.within_ceiling(data, three)
    assert r11.value(data, fixed)["moved"] == 2


# ---- R14 ---------------------------------------------------------------------------------------
def test_r14_a_primary_certificate_is_never_placed_at_a_junior_school():
    # the junior school lacks math badly, the primary school a little: coverage would pick the junior school
    sc = build([U("P", is_township_seat=True), U("J", level="junior"), R("RP", is_township_seat=True),
                R("RJ", level="junior")],
               [person("N", school_id="", contract_period=0, period_years=0, certificate="primary"),
                person("M", school_id="", contract_period=0, period_years=0, certificate="junior")],
               [("P", "math", 16), ("J", "math", 64), ("RP", "math", 16), ("RJ", "math", 64)], check=False)
    data = facts(sc)
    assert cands(data, "N") == ["P", "RP"]
    state, plan, _ = run_teachers(sc)
    n = row(state, "N")
    assert n["to_school"] in ("P", "RP") and n["period2_school"] in ("P", "RP")  # period 2 covered too
    assert state.compliance["R14"][0] == "met"
    assert plan.kpis["after"]["r14_placed_uncovered"] == 0


def test_r14_empty_certificate_reads_as_the_current_school_level():
    # a nine-year school's teacher without a certificate counts as junior: junior yes, senior no
    sc = build([U("N9", level="nine_year", is_township_seat=True), R("RJ", level="junior", is_township_seat=True),
                R("RS", level="senior")],
               [person("T", school_id="N9", years_at_school=9)],
               [("N9", "math", 16), ("RJ", "math", 64), ("RS", "math", 64)], check=False,
               exchange_share=1.0, exchange_share_max=1.0)
    assert "RS" not in cands(facts(sc), "T")


def test_r14_infeasible_hire_is_explained_naming_r14_and_the_person():
    # H holds a kindergarten certificate and teaches math; only primary and junior schools teach math
    sc = build([U("P", is_township_seat=True), R("J", level="junior", is_township_seat=True)],
               [person("H", school_id="", contract_period=0, period_years=0, certificate="kindergarten")],
               [("P", "math", 16), ("J", "math", 16)], check=False)
    state, plan, res = run_teachers(sc, check=False)
    note = next(n for n in res.notes if "R14" in n)
    assert note.startswith("teachers: infeasible: R14: H cannot be placed") and "certificate" in note
    assert state.compliance["R14"][0] == "not_met"
    assert any(v.rule == "R14" and v.person_id == "H" and v.hard for v in check_plan(sc, plan))


def test_r14_a_lock_wins_and_is_reported():
    sc = build([U("P", is_township_seat=True), U("S", level="senior")],
               [person("T", school_id="P", years_at_school=2, certificate="primary", locked_school="S")],
               [("P", "math", 16), ("S", "math", 16)], check=False)
    state, plan, _ = run_teachers(sc, check=False)
    assert row(state, "T")["to_school"] == "S"
    assert state.compliance["R14"][0] == "exempted" and "T" in state.compliance["R14"][1]
    assert plan.kpis["after"]["r14_exempt_by_lock"] == 1
    assert not [v for v in check_plan(sc, plan) if v.hard and v.rule == "R14"]
