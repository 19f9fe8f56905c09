"""R15 (hard): no levelling down, on a tiny district whose answer is known by hand.

U (urban) has five math teachers who all may be exchanged (8 years): three bachelor (A1-A3) and two associate
(B1, B2): urban bachelor share 3/5 = 0.6. R (rural) has five associate teachers. R11 posts exactly two
(exchange_share 0.4 = target 2, exchange_share_max 0.4 = ceiling 2). R9 and R10 alone would post two bachelor
teachers (urban share 1/3); R15's floor 0.6 - 0.02 = 0.58 allows one bachelor at most (2/3 >= 0.58 > 1/3)."""

import numpy as np
from builders import build, person, school
from plans import staying_plan
from teacher_helpers import run_teachers

from rotaplan.optimizer import r12
from rotaplan.optimizer.state import PlanState
from rotaplan.optimizer.teachers import candidates, flow
from rotaplan.validator import check_plan


def _case(**policy):
    staff = ([person(f"A{i}", school_id="U", years_at_school=8) for i in (1, 2, 3)]
             + [person(f"B{i}", school_id="U", years_at_school=8, degree="associate") for i in (1, 2)]
             + [person(f"R{i}", school_id="R", years_at_school=2, degree="associate") for i in range(1, 6)])
    return build([school("U", area="urban", township="T1", is_township_seat=True),
                  school("R", area="rural", township="T2", is_township_seat=True, lat=36.4, lon=117.8)],
                 staff, [("U", "math", 80), ("R", "math", 112)], check=False,
                 exchange_share=0.4, exchange_share_max=0.4, exchange_backbone_share=0, **policy)


def _exchanged(state):
    a = state.a
    return sorted(a.index[a["move"] == "exchange"])


def test_r15_allows_one_bachelor_exchange_where_r9_alone_would_post_two():
    free_state, free_plan, _ = run_teachers(_case(max_urban_share_drop=1.0))
    assert _exchanged(free_state) in (["A1", "A2"], ["A1", "A3"], ["A2", "A3"])  # levelling down: 1/3 in town
    assert free_plan.kpis["after"]["bachelor_share_urban"] == 0.3333

    state, plan, res = run_teachers(_case())
    ex = _exchanged(state)
    assert len(ex) == 2 and sum(p.startswith("A") for p in ex) == 1
    a = plan.kpis["after"]
    assert a["bachelor_share_urban"] == 0.6667 and a["r15_bachelor_share_floor"] == 0.58
    assert a["r15_shares_below_floor"] == 0
    assert state.compliance["R15"][0] == "met"
    row = plan.compliance.set_index("rule").loc["R15"]
    assert row["status"] == "met" and "0.6 -> 0.6667 (floor 0.58)" in row["detail"]
    assert res.details["multipliers"]["R15 urban bachelor_share short of its floor"] >= 0


def test_r15_exact_penalty_scores_a_levelling_plan_as_no_plan():
    sc = _case()
    st = PlanState(sc)
    r12.apply(sc, st)
    data = candidates.build(sc, st)

    def plan_of(to):  # teacher -> school id
        choice = np.full(len(data.t), -1, dtype=np.int64)
        for p, pid in enumerate(data.t["person_id"]):
            want = list(data.school_ids).index(to.get(pid, data.school_ids[data.t_from[p]]))
            k = np.flatnonzero((data.p_t == p) & (data.p_s == want))
            choice[p] = k[0] if len(k) else -1  # a teacher without pairs is fixed where they are
        return choice

    two_bachelors = flow.evaluate(data, plan_of({"A1": "R", "A2": "R"}))
    one_each = flow.evaluate(data, plan_of({"A1": "R", "B1": "R"}))
    assert two_bachelors["r15"]["bachelor_share"] == 1  # ceil(0.58 x 3 - 1) = ceil(0.74): one teacher short
    assert one_each["r15"]["bachelor_share"] == 0
    assert one_each["objective"] > two_bachelors["objective"] + 10**6


def test_validator_refuses_a_hand_plan_that_levels_urban_shares_down():
    sc = _case()
    bad = staying_plan(sc, {"A1": ("exchange", "R"), "A2": ("exchange", "R")})
    found = [v for v in check_plan(sc, bad) if v.rule == "R15"]
    assert len(found) == 1 and found[0].hard
    assert "0.3333, below its floor 0.5800" in found[0].message and "A1" in found[0].message
    assert bad.kpis["after"]["r15_shares_below_floor"] == 1
    ok = staying_plan(sc, {"A1": ("exchange", "R"), "B1": ("exchange", "R")})
    assert not [v for v in check_plan(sc, ok) if v.rule == "R15"]
    # a larger allowed drop accepts the levelling plan
    loose = _case(max_urban_share_drop=0.3)
    assert not [v for v in check_plan(loose, staying_plan(loose, {"A1": ("exchange", "R"), "A2": ("exchange", "R")}))
                if v.rule == "R15"]
