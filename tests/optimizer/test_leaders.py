"""The leader stage (R1, R1x, R2, R3, R4, R8 leader posts) on tiny scenarios whose answer is known by hand.

Every plan produced here is checked by the validator, which shares no code with the optimizer.
"""

from __future__ import annotations

import pandas as pd
import pytest
from builders import build, person, school

from rotaplan.models import Scenario
from rotaplan.optimizer import pipeline, r12, sat
from rotaplan.optimizer.leaders import context, flow, greedy, stage
from rotaplan.optimizer.leaders import r1 as o_r1
from rotaplan.optimizer.leaders import r1x as o_r1x
from rotaplan.optimizer.leaders import r4 as o_r4
from rotaplan.optimizer.leaders.context import SCALE
from rotaplan.optimizer.leaders.model import RELAX_PENALTY, LeaderModel
from rotaplan.optimizer.leaders.r8 import PRINCIPAL_POST_FACTOR
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.state import PlanState
from rotaplan.validator import check_plan, r1, r4, r8_posts
from rotaplan.validator import r12 as v_r12

FAST = SolveParams(time_limit=10, seed=0, workers=1)


def plan_leaders(sc, params=FAST, reference=None):
    """(the leader stage's StageResult, the plan, hard violations of the leader rules found by the validator)."""
    state = PlanState(sc)
    r12.apply(sc, state)
    if reference is not None:
        state.reference = reference
    res = stage.solve(sc, state, params)
    pipeline.record(state, {"leaders": res})
    plan = pipeline.assemble(sc, state)
    check_plan(sc, plan)  # the whole validator runs on every plan (other stages' rules are not asserted here)
    hard = [v for mod in (r1, r4, r8_posts, v_r12) for v in mod.check(sc, plan) if v.hard]
    return res, plan, hard


def facts(sc):
    """The leader stage's facts (LeaderContext) of a scenario after R12."""
    state = PlanState(sc)
    r12.apply(sc, state)
    return context.build(sc, state)


def options_of(sc):
    """The leader stage's facts with every rule module's options and objective terms, as stage.solve builds them."""
    ctx = facts(sc)
    stage.collect_options(ctx)
    ctx.costs = stage.option_costs(ctx)
    return ctx


def cost_of(ctx, goal: str, option: str) -> int:
    """The scaled objective term `goal` (stage.option_costs) of one option, named holder@school:role."""
    opt = ctx.options
    names = (opt["holder"] + "@" + opt["school"] + ":" + opt["role_name"]).tolist()
    assert option in names, f"{option} is not an option: {names}"
    return int(ctx.costs[goal][names.index(option)])


def one_rule_objective(ctx, mode: str, build) -> float | None:
    """The least objective of a leader model holding only one post per leader and one rule module's `build`
    (strict: the rule as a hard constraint; relaxed: breakable at its price); None when infeasible."""
    m = LeaderModel(ctx, mode)
    opt = ctx.options
    for rows in opt.loc[opt.index[opt["kind"] == "leader"]].groupby("holder", sort=False).groups.values():
        m.model.add_exactly_one(m.vars_of(rows))
    build(m)
    m.set_objective()
    _, status, stats = sat.solve(m.model, FAST)
    assert status in ("optimal", "infeasible"), status
    return stats["objective"] if status == "optimal" else None


def comply(plan, rule: str) -> tuple[str, str]:
    """(status, detail) of a rule's row of compliance.csv."""
    row = plan.compliance.set_index("rule").loc[rule]
    return row["status"], row["detail"]


def row(plan, pid) -> pd.Series:
    a = plan.assignments.set_index("person_id")
    return a.loc[pid]


def principal(pid, sid, terms=1, **kw):
    return person(pid, role="principal", school_id=sid, terms_at_school=terms, **kw)


def vice(pid, sid, terms=1, **kw):
    return person(pid, role="vice_principal", school_id=sid, terms_at_school=terms, **kw)


# ---- R1 -----------------------------------------------------------------------------------------
def test_r1_two_due_principals_swap_across_the_line():
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0),
                school("B", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
               [principal("P1", "A", terms=2), principal("P2", "B", terms=3)])
    res, plan, hard = plan_leaders(sc)
    assert hard == []
    p1, p2 = row(plan, "P1"), row(plan, "P2")
    assert (p1["to_school"], p1["move"], p1["role_after"]) == ("B", "rotate", "principal")
    assert (p2["to_school"], p2["move"]) == ("A", "rotate")
    assert p1["rules"].split(";")[:2] == ["R1", "R1x"]
    assert "crossing from urban to rural (R1x)" in p1["reason"]
    assert comply(plan, "R1")[0] == "met"
    assert res.kpis["r1_due"] == 2 and res.kpis["r1_moved"] == 2
    assert (res.kpis["r1x_crossings"], res.kpis["r1x_most_possible"]) == (2, 2)
    assert {p1["director_of"], p2["director_of"]} == {"T1", "T2"}


def test_r1_exempt_and_locked_leaders_stay_and_are_reported_exempt():
    sc = build([school("A", is_township_seat=True), school("B"), school("C")],
               [principal("P1", "A", terms=2, exempt_reason="serious illness"),
                principal("P2", "B", terms=2, locked_school="B"),
                principal("P3", "C", terms=1)])
    res, plan, hard = plan_leaders(sc)
    assert hard == []
    for pid in ("P1", "P2", "P3"):
        assert row(plan, pid)["move"] == "stay"
    assert "exempt from rotation (serious illness)" in row(plan, "P1")["reason"]
    assert "locked" in row(plan, "P2")["reason"]
    assert res.kpis["r1_exempt"] == 2 and res.kpis["r1_moved"] == 0
    assert comply(plan, "R1") == ("met", "2 leaders of primary/junior/nine_year schools have completed 2 or more "
                                         "terms at one school: 0 rotate to another school, 2 exempt (1 by "
                                         "exempt_reason, 1 by a lock)")


def test_r1_infeasible_names_the_rule_and_both_people_and_relaxes_one():
    # Two due vice-principals at A; the only vice post at another school is B's.
    sc = build([school("A", is_township_seat=True, vice_principal_posts=2), school("B")],
               [principal("P1", "A"), principal("P2", "B"),
                vice("V1", "A", terms=2, name="张三"), vice("V2", "A", terms=2, name="李四")])
    res, plan, hard = plan_leaders(sc)
    note = next(n for n in res.notes if n.startswith("Infeasible"))
    assert "R1 cannot hold for 张三 (V1) and 李四 (V2)" in note
    assert ("together need 2 vice-principal posts at other compulsory-education schools and only 1 is open to them "
            "(leaders move only within their school level group)") in note
    moved = [pid for pid in ("V1", "V2") if row(plan, pid)["to_school"] == "B"]
    stayed = [pid for pid in ("V1", "V2") if row(plan, pid)["to_school"] == "A"]
    assert len(moved) == 1 and len(stayed) == 1
    assert "R1 was relaxed because" in row(plan, stayed[0])["reason"]
    status, detail = comply(plan, "R1")
    assert status == "not_met" and "R1 relaxed for" in detail and "only 1 is open" in detail
    assert [(v.rule, v.person_id) for v in hard] == [("R1", stayed[0])]
    assert res.details["relaxed_model"] is True


def test_r1_principal_rotates_into_a_vice_post_only_when_policy_allows():
    schools = [school("A", vice_principal_posts=0), school("B", vice_principal_posts=1),
               school("C", is_township_seat=True, vice_principal_posts=0)]
    # P2 and P3 are exempt, so no swap can free their principal posts.
    staff = [principal("P1", "A", terms=2), principal("P2", "B", exempt_reason="illness"),
             principal("P3", "C", exempt_reason="pregnancy")]
    # Without the switch P1 has no principal post elsewhere: infeasible, named.
    res, plan, _ = plan_leaders(build(schools, staff))
    assert any("R1 cannot hold for Person P1 (P1)" in n for n in res.notes)
    assert row(plan, "P1")["to_school"] == "A" and comply(plan, "R1")[0] == "not_met"
    # With it, P1 takes B's open vice-principal post.
    res, plan, hard = plan_leaders(build(schools, staff, allow_principal_to_vice=True))
    assert hard == [] and comply(plan, "R1")[0] == "met"
    assert (row(plan, "P1")["to_school"], row(plan, "P1")["role_after"]) == ("B", "vice_principal")
    assert "lets a principal rotate into a vice-principal post" in row(plan, "P1")["reason"]


# ---- R1 and candidate pruning: a swap with a leader who is not due -----------------------------------
def _kindergartens(exempt_other: str = "", **policy):
    # Two kindergartens; K1's principal is due (kindergartens rotate by policy here), K2's is not. No kindergarten
    # principal post is open.
    policy.setdefault("rotation_levels", ["primary", "junior", "nine_year", "kindergarten"])
    return build([school("A", is_township_seat=True, vice_principal_posts=0),
                  school("K1", level="kindergarten", vice_principal_posts=0),
                  school("K2", level="kindergarten", area="rural", township="T2", vice_principal_posts=0, lat=36.25),
                  school("S2", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
                 [principal("PA", "A"), principal("PK1", "K1", terms=2, name="毛建"),
                  principal("PK2", "K2", terms=1, name="王芳", exempt_reason=exempt_other), principal("PS2", "S2")],
                 **policy)


def test_r1_default_levels_a_kindergarten_leader_with_two_completed_terms_is_never_due():
    # rotation_levels defaults to the compulsory levels: 毛建 (PK1) has completed 2 terms at kindergarten K1 but
    # is not due, stays, and is not counted among the due leaders (the plan and the validator agree).
    res, plan, hard = plan_leaders(_kindergartens(rotation_levels=["primary", "junior", "nine_year"]))
    assert hard == []
    k1 = row(plan, "PK1")
    assert (k1["to_school"], k1["move"]) == ("K1", "stay")
    assert "not in rotation_levels" in k1["reason"]
    assert res.kpis["r1_due"] == 0
    assert comply(plan, "R1")[1].startswith("0 leaders of primary/junior/nine_year schools have completed 2 or more")


def test_r1_due_principal_swaps_with_a_principal_who_is_not_due():
    res, plan, hard = plan_leaders(_kindergartens())
    assert hard == [] and not any(n.startswith("Infeasible") for n in res.notes)
    k1, k2 = row(plan, "PK1"), row(plan, "PK2")
    assert (k1["to_school"], k1["move"], k1["rules"]) == ("K2", "rotate", "R1;R1x")
    assert (k2["to_school"], k2["move"], k2["rules"]) == ("K1", "transfer", "R1")
    assert k2["reason"] == ("Not due for rotation (R1); moves as principal from School K2 (K2) to School K1 (K1) "
                            "so that 毛建 (PK1), who must rotate under R1, can take the post at School K2 (K2) (too "
                            "few other posts of their level group were open).")
    assert comply(plan, "R1")[0] == "met"
    assert res.details["unpruned_level_groups"] == []  # the swap candidates sufficed


def test_r1_unpruned_fallback_finds_the_swap_when_pruning_misses_it(monkeypatch):
    from rotaplan.optimizer.leaders import r1 as leaders_r1

    monkeypatch.setattr(leaders_r1, "K_SWAP", 0)  # no swap candidates: the pruned model has no plan
    res, plan, hard = plan_leaders(_kindergartens())
    assert hard == [] and not any(n.startswith("Infeasible") for n in res.notes)
    assert (row(plan, "PK1")["to_school"], row(plan, "PK2")["to_school"]) == ("K2", "K1")
    assert res.details["unpruned_level_groups"] == ["kindergarten"]


def test_r1_genuinely_infeasible_kindergarten_principal_is_explained():
    # K2's principal is exempt: no post at another kindergarten can ever open for 毛建.
    res, plan, hard = plan_leaders(_kindergartens(exempt_other="serious illness"))
    note = next(n for n in res.notes if n.startswith("Infeasible"))
    assert note == ("Infeasible: R1 cannot hold for 毛建 (PK1): this leader needs 1 principal post at other "
                    "kindergarten schools and only 0 are open to them (leaders move only within their school level "
                    "group).")
    assert row(plan, "PK1")["to_school"] == "K1" and row(plan, "PK2")["to_school"] == "K2"
    assert "R1 was relaxed because" in row(plan, "PK1")["reason"]
    assert comply(plan, "R1")[0] == "not_met"
    assert [(v.rule, v.person_id) for v in hard] == [("R1", "PK1")]
    assert res.details["unpruned_level_groups"] == ["kindergarten"]  # judged on every candidate


def test_r1_exact_penalty_a_due_leader_who_keeps_their_post_costs_exactly_the_relax_penalty():
    # 毛建 (PK1) is due and no other kindergarten principal post can open: R1 alone admits no plan, and the
    # relaxed model prices the one broken rotation at exactly RELAX_PENALTY.
    ctx = options_of(_kindergartens(exempt_other="serious illness"))
    assert one_rule_objective(ctx, "strict", o_r1.build) is None
    assert one_rule_objective(ctx, "relaxed", o_r1.build) == RELAX_PENALTY
    # with a post to go to, R1 costs nothing
    assert one_rule_objective(options_of(_kindergartens()), "relaxed", o_r1.build) == 0


def test_r1x_due_leader_kept_in_area_is_told_why():
    # Two urban due principals, one rural post: only one can cross; the rural one crosses to the city.
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0), school("B", vice_principal_posts=0),
                school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
               [principal("P1", "A", terms=2), principal("P2", "B", terms=2), principal("P3", "C", terms=2)])
    res, plan, hard = plan_leaders(sc)
    assert hard == []
    assert (res.kpis["r1x_crossings"], res.kpis["r1x_most_possible"]) == (2, 2)
    assert comply(plan, "R1x")[0] == "met"
    assert row(plan, "P3")["to_school"] in ("A", "B") and "R1x" in row(plan, "P3")["rules"]
    urban_stayer = [p for p in ("P1", "P2") if row(plan, p)["to_school"] in ("A", "B")]
    assert len(urban_stayer) == 1
    reason = row(plan, urban_stayer[0])["reason"]
    assert ("within the urban area: no principal post at a rural compulsory-education school was left open (those "
            "posts went to other due leaders or are held by leaders who stay).") in reason


def _three_due():
    # Two urban due principals, one rural one; one rural post: at most two can cross (2 of 3).
    return build([school("A", is_township_seat=True, vice_principal_posts=0), school("B", vice_principal_posts=0),
                  school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
                 [principal("P1", "A", terms=2), principal("P2", "B", terms=2), principal("P3", "C", terms=2)])


def test_r1x_exact_reward_each_crossing_of_a_due_leader_earns_exactly_its_weight():
    sc = _three_due()
    ctx = options_of(sc)
    w = sc.policy.weights.r1x_crossing * SCALE  # 200 a crossing, scaled
    assert cost_of(ctx, "r1x_crossing", "P1@C:principal") == -w
    assert cost_of(ctx, "r1x_crossing", "P3@A:principal") == -w
    assert cost_of(ctx, "r1x_crossing", "P1@B:principal") == 0  # urban to urban
    assert cost_of(ctx, "r1x_crossing", "P1@A:principal") == 0  # staying crosses nothing
    most = o_r1x.most_possible(ctx, FAST)  # two cross: one each way
    assert (most.total, most.urban_to_rural, most.rural_to_urban, most.proven) == (2, 1, 1, True)


def test_r1x_most_possible_not_proven_in_time_reads_as_an_upper_bound_and_not_met(monkeypatch):
    class TimedOut:  # every bound solve of r1x runs out of time without an answer
        @staticmethod
        def solve(model, params, time_limit=None):
            return None, "unknown", {"solve_seconds": params.time_limit}

    monkeypatch.setattr(o_r1x, "sat", TimedOut)
    res, plan, hard = plan_leaders(_three_due())
    assert hard == []
    assert res.details["r1x_most_possible_status"] == "unknown"
    # the plan still crosses twice, but only "every due leader" is known as a bound: not proven, so not met
    assert (res.kpis["r1x_crossings"], res.kpis["r1x_most_possible"]) == (2, 3)
    assert comply(plan, "R1x")[0] == "not_met"
    assert any(n.startswith("R1x: the most possible crossings were not proven") and "upper bound" in n
               for n in res.notes)


def test_r1x_bound_proven_by_cp_sat_after_a_time_out_still_counts(monkeypatch):
    class StoppedEarly:  # CP-SAT stops at a solution: its proven bound is the one reported
        @staticmethod
        def solve(model, params, time_limit=None):
            solver, status, stats = sat.solve(model, params, time_limit)
            return solver, "feasible" if status == "optimal" else status, stats

    monkeypatch.setattr(o_r1x, "sat", StoppedEarly)
    res, plan, _ = plan_leaders(_three_due())
    assert res.details["r1x_most_possible_status"] == "feasible"
    assert (res.kpis["r1x_crossings"], res.kpis["r1x_most_possible"]) == (2, 2)
    assert comply(plan, "R1x")[0] == "met"  # the plan reaches a proven upper bound


# ---- R2 -----------------------------------------------------------------------------------------
def _r2_district(**policy):
    schools = [school("A", is_township_seat=True, vice_principal_posts=0),
               school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=1),
               school("D", area="rural", township="T2", vice_principal_posts=0)]
    staff = [principal("P1", "A"), principal("P2", "C"), principal("P3", "D"),
             person("RU", school_id="A", reserve_leader=True, birth_date="1990-03-01"),
             person("RR", school_id="D", reserve_leader=True, birth_date="1990-03-01")]
    return schools, staff, policy


def test_r2_urban_reserve_leader_takes_the_vacant_rural_post_first():
    schools, staff, policy = _r2_district()
    res, plan, hard = plan_leaders(build(schools, staff, **policy))
    assert hard == []
    ru = row(plan, "RU")
    assert (ru["move"], ru["role_after"], ru["to_school"]) == ("promote", "vice_principal", "C")
    assert ru["rules"].startswith("R2") and "urban reserve leaders come first" in ru["reason"]
    assert (row(plan, "RR")["move"], row(plan, "RR")["role_after"]) == ("stay", "teacher")
    assert comply(plan, "R2")[0] == "met"


@pytest.mark.parametrize("allowed, promoted", [(True, True), (False, False)])
def test_r2_rural_reserve_leader_promoted_only_if_policy_allows(allowed, promoted):
    schools, staff, _ = _r2_district()
    staff = [p for p in staff if p["person_id"] != "RU"]
    res, plan, hard = plan_leaders(build(schools, staff, promote_rural_reserve=allowed))
    assert hard == []
    assert (row(plan, "RR")["move"] == "promote") is promoted
    assert res.kpis["leader_posts_unfilled"] == (0 if promoted else 1)


def test_r2_exact_reward_an_urban_reserve_leader_in_a_rural_post_earns_exactly_its_weight():
    schools, staff, policy = _r2_district()
    sc = build(schools, staff, **policy)
    ctx = options_of(sc)
    w = sc.policy.weights.r2_urban_reserve * SCALE  # 60 a post, scaled
    assert cost_of(ctx, "r2_urban_reserve", "RU@C:vice_principal") == -w
    assert cost_of(ctx, "r2_urban_reserve", "RR@C:vice_principal") == 0  # a rural reserve leader: R8's reward only
    assert cost_of(ctx, "leader_post_filled", "RR@C:vice_principal") == cost_of(ctx, "leader_post_filled",
                                                                                "RU@C:vice_principal")


# ---- R3 -----------------------------------------------------------------------------------------
def test_r3_young_due_leader_is_the_one_sent_to_the_rural_school():
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0), school("B", vice_principal_posts=0),
                school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
               [principal("OLD", "A", terms=2, birth_date="1970-05-01"),
                principal("YOUNG", "B", terms=2, birth_date="1985-05-01"),
                principal("RUR", "C", terms=2, birth_date="1975-05-01")])
    res, plan, hard = plan_leaders(sc)
    assert hard == []
    young = row(plan, "YOUNG")
    assert young["to_school"] == "C" and "R3" in young["rules"].split(";")
    assert comply(plan, "R3") == (
        "met", "young (aged 45 or under) share of rural leaders: before 0.0%, after 100.0% (1 of 1), target 50.0%; "
               "modelled "
               "as a weighted count (a reward per young leader at a rural school), which raises the share because "
               "the number of rural leaders stays almost fixed")
    assert res.kpis["young_rural_leader_share_target"] == 0.5


def test_r3_exact_reward_a_young_leader_into_a_rural_school_earns_and_out_of_one_costs_its_weight():
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0), school("B", vice_principal_posts=0),
                school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
               [principal("OLD", "A", terms=2, birth_date="1970-05-01"),
                principal("YOUNG", "B", terms=2, birth_date="1985-05-01"),
                principal("RUR", "C", terms=2, birth_date="1986-05-01")])
    ctx = options_of(sc)
    w = sc.policy.weights.r3_young_rural_leader * SCALE  # 15 a leader, scaled
    assert cost_of(ctx, "r3_young_rural_leader", "YOUNG@C:principal") == -w  # aged 42: one more young rural leader
    assert cost_of(ctx, "r3_young_rural_leader", "RUR@A:principal") == w  # aged 41, leaves the rural school
    assert cost_of(ctx, "r3_young_rural_leader", "OLD@C:principal") == 0  # aged 57: not young
    assert cost_of(ctx, "r3_young_rural_leader", "YOUNG@A:principal") == 0  # urban to urban


# ---- R4 -----------------------------------------------------------------------------------------
def test_r4_principal_moves_to_the_seat_school_whose_principal_retires():
    sc = build([school("A", is_township_seat=True),
                school("S", area="rural", township="T2", is_township_seat=True),
                school("N", area="rural", township="T2")],
               [principal("P1", "A"), principal("OLD", "S", birth_date="1960-01-01"), principal("PN", "N")])
    res, plan, hard = plan_leaders(sc)
    assert hard == []
    assert row(plan, "OLD")["move"] == "retire"
    pn = row(plan, "PN")
    assert (pn["to_school"], pn["move"], pn["director_of"]) == ("S", "transfer", "T2")
    assert pn["rules"] == "R4" and "so that township T2 has a district director (R4)" in pn["reason"]
    assert row(plan, "P1")["director_of"] == "T1"
    assert comply(plan, "R4")[0] == "met"
    assert res.kpis["principal_posts_unfilled"] == 1  # N: nobody left to head it
    assert any("N (N): 1 principal post" in n for n in res.notes)


def test_r4_lock_takes_the_seat_principal_away_and_a_principal_of_another_township_steps_in():
    # Candidate pruning offers T2's seat post only to T2's own principals; the unpruned fallback finds PX.
    sc = build([school("A", is_township_seat=True), school("X", principal_posts=2),
                school("S", area="rural", township="T2", is_township_seat=True)],
               [principal("P1", "A"), principal("PX", "X"), principal("PS", "S", name="王五", locked_school="X")])
    res, plan, hard = plan_leaders(sc)
    assert hard == [] and not any(n.startswith("Infeasible") for n in res.notes)
    px = row(plan, "PX")
    assert (px["to_school"], px["move"], px["director_of"], px["rules"]) == ("S", "transfer", "T2", "R4")
    assert "so that township T2 has a district director (R4)" in px["reason"]
    assert (row(plan, "PS")["to_school"], row(plan, "P1")["to_school"]) == ("X", "A")
    assert comply(plan, "R4")[0] == "met"


def test_r4_infeasible_lock_takes_the_only_seat_principal_away():
    sc = build([school("A", is_township_seat=True), school("X", principal_posts=2),
                school("S", area="rural", township="T2", is_township_seat=True)],
               [principal("P1", "A"), principal("PX", "X", exempt_reason="illness"),
                principal("PS", "S", name="王五", locked_school="X")])
    res, plan, hard = plan_leaders(sc)
    note = next(n for n in res.notes if n.startswith("Infeasible"))
    assert "R4 cannot hold for township T2" in note and "lock of 王五 (PS) to School X cannot be honoured" in note
    # The office's lock is kept; R4 is reported broken for T2.
    assert (row(plan, "PS")["to_school"], row(plan, "PS")["move"]) == ("X", "transfer")
    status, detail = comply(plan, "R4")
    assert status == "not_met" and "township T2" in detail
    assert [(v.rule, v.person_id) for v in hard] == [("R4", "T2")]


def test_r4_exact_penalty_a_township_without_a_district_director_costs_exactly_the_relax_penalty():
    # T2's only seat-school principal retires and nobody can head the seat school: P1 is exempt, RU may only
    # become a vice-principal (promote_reserve_to_principal is off).
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0),
                school("S", area="rural", township="T2", is_township_seat=True, vice_principal_posts=1)],
               [principal("P1", "A", exempt_reason="illness"), principal("OLD", "S", birth_date="1960-01-01"),
                person("RU", school_id="A", reserve_leader=True, birth_date="1990-03-01")])
    ctx = options_of(sc)
    assert one_rule_objective(ctx, "strict", o_r4.build) is None
    assert one_rule_objective(ctx, "relaxed", o_r4.build) == RELAX_PENALTY
    res, plan, hard = plan_leaders(sc)
    assert comply(plan, "R4")[0] == "not_met" and "township T2" in comply(plan, "R4")[1]
    assert [(v.rule, v.person_id) for v in hard] == [("R4", "T2")]


# ---- R8 leader posts ------------------------------------------------------------------------------
def test_r8_exact_reward_a_filled_principal_post_counts_twice_a_vice_principal_post():
    sc = _vice_district()  # VC may head C (its principal retires); RU may then take C's vice-principal post
    ctx = options_of(sc)
    w = sc.policy.weights.leader_post_filled * SCALE  # 100 a post, scaled
    assert cost_of(ctx, "leader_post_filled", "RU@C:vice_principal") == -w  # a new leader fills a vice post
    assert cost_of(ctx, "leader_post_filled", "VC@C:principal") == -w * (PRINCIPAL_POST_FACTOR - 1)
    assert cost_of(ctx, "leader_post_filled", "VC@C:vice_principal") == 0  # keeps the post they hold


def test_r8_lock_into_a_post_held_by_a_leader_who_stays_is_named_and_relaxed():
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0), school("B", vice_principal_posts=0),
                school("S", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
               [principal("P1", "A", name="王五", locked_school="B"), principal("P2", "B", exempt_reason="illness"),
                principal("PS", "S")])
    res, plan, hard = plan_leaders(sc)
    assert hard == [] and r8_posts.check(sc, plan) == []  # no school above its posts
    assert next(n for n in res.notes if n.startswith("Infeasible")) == (
        "Infeasible: The lock of 王五 (P1) to School B cannot be honoured: School B has 1 principal post, held by "
        "leaders who stay (R8).")
    p1 = row(plan, "P1")
    assert p1["to_school"] == "A" and "but the lock was relaxed because" in p1["reason"]


# ---- soft goals -----------------------------------------------------------------------------------
def _envy_district(**policy):
    schools = [school("Z", is_township_seat=True), school("A", vice_principal_posts=0),
               school("B", vice_principal_posts=0),
               school("X", area="rural", vice_principal_posts=0, lat=36.30, lon=117.70),
               school("Y", area="rural", vice_principal_posts=0, lat=36.10, lon=117.50)]
    staff = [principal("PZ", "Z"),
             principal("HI", "A", terms=2, rural_service_years=10, preferences="X"),
             principal("LO", "B", terms=2, rural_service_years=0, preferences="X", home_lat=36.30, home_lon=117.71)]
    return build(schools, staff, **policy)


def test_no_justified_envy_the_leader_with_more_points_gets_the_shared_first_choice():
    res, plan, hard = plan_leaders(_envy_district())
    assert hard == []
    assert row(plan, "HI")["to_school"] == "X" and row(plan, "LO")["to_school"] == "Y"


def test_without_the_envy_goal_the_shorter_commute_wins():
    res, plan, hard = plan_leaders(_envy_district(**{"weights.envy": 0}))
    assert hard == []
    assert row(plan, "LO")["to_school"] == "X" and row(plan, "HI")["to_school"] == "Y"


# ---- school level groups (leader_level_match) ------------------------------------------------------
def _level_district(**policy):
    # P1 (urban primary, due) ranks the rural kindergarten K first; the rural primary C is also open.
    # RK, a reserve leader at an urban kindergarten, could only take C's vacant vice-principal post.
    schools = [school("S", level="junior", is_township_seat=True, vice_principal_posts=0),
               school("A", vice_principal_posts=0),
               school("KU", level="kindergarten", vice_principal_posts=0),
               school("D", area="rural", township="T2", level="junior", is_township_seat=True,
                      vice_principal_posts=0),
               school("C", area="rural", township="T2", vice_principal_posts=1),
               school("K", area="rural", township="T2", level="kindergarten", vice_principal_posts=0)]
    staff = [principal("PS", "S"), principal("P1", "A", terms=2, preferences="K"), principal("PKU", "KU"),
             principal("PD", "D"),
             person("RK", school_id="KU", subject="preschool", reserve_leader=True, birth_date="1990-03-01")]
    return build(schools, staff, **policy)


def test_level_match_keeps_leaders_and_reserve_leaders_within_their_level_group():
    sc = _level_district()
    res, plan, hard = plan_leaders(sc)
    assert hard == [] and [v for v in r8_posts.check(sc, plan)] == []
    p1 = row(plan, "P1")
    assert (p1["to_school"], p1["move"], p1["rules"]) == ("C", "rotate", "R1;R1x")  # not the kindergarten K
    assert (row(plan, "RK")["move"], row(plan, "RK")["role_after"]) == ("stay", "teacher")
    assert "leaders move only within their school level group" in comply(plan, "R8")[1]
    # every option the greedy, the flow and CP-SAT choose from stays within the level group
    ctx = facts(sc)
    opt = stage.collect_options(ctx)
    assert (ctx.group[opt["s_idx"]] == opt["holder"].map(ctx.people["group"]).to_numpy()).all()
    ctx.costs = stage.option_costs(ctx)
    total = sum(ctx.costs.values())
    for chosen in (greedy.solve(ctx, total)[0], flow.solve(ctx, total)[0]):
        moved = chosen & ~opt["is_stay"].to_numpy()
        assert set(opt.loc[moved, "holder"] + "@" + opt.loc[moved, "school"]) == {"P1@C"}


def test_without_level_match_a_principal_may_go_to_a_kindergarten_and_the_validator_flags_it():
    res, plan, hard = plan_leaders(_level_district(leader_level_match=False))
    assert hard == []
    assert row(plan, "P1")["to_school"] == "K"  # their first choice, across level groups
    rk = row(plan, "RK")
    assert (rk["move"], rk["role_after"], rk["to_school"]) == ("promote", "vice_principal", "C")
    # The same plan under the default policy breaks the level rule twice (hard).
    out = r8_posts.check(_level_district(), plan)
    assert [(v.rule, v.person_id, v.hard) for v in out] == [("R8", "P1", True), ("R8", "RK", True)]
    assert "from A (primary) to K (kindergarten), across school level groups (compulsory to kindergarten)" \
        in out[0].message


def test_level_match_due_leader_with_no_post_in_their_group_is_named():
    # The only open principal post elsewhere is at a kindergarten: R1 cannot hold, and the note says why.
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0),
                school("K", level="kindergarten", vice_principal_posts=0)],
               [principal("P1", "A", terms=2)])
    res, plan, _ = plan_leaders(sc)
    assert any("at other compulsory-education schools and only 0 are open to them (leaders move only within "
               "their school level group)" in n for n in res.notes)
    assert row(plan, "P1")["to_school"] == "A" and comply(plan, "R1")[0] == "not_met"


# ---- reserve leaders to principal (promote_reserve_to_principal) -----------------------------------
def _vacant_principal_district(**policy):
    schools = [school("A", is_township_seat=True, vice_principal_posts=0),
               school("D", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0),
               school("C", area="rural", township="T2", vice_principal_posts=1)]
    staff = [principal("PA", "A"), principal("PD", "D"), principal("OLD", "C", birth_date="1960-01-01"),
             person("RU", school_id="A", reserve_leader=True, birth_date="1990-03-01")]
    return build(schools, staff, **policy)


def test_reserve_leader_becomes_vice_principal_only_by_default():
    sc = _vacant_principal_district()
    res, plan, hard = plan_leaders(sc)
    assert hard == [] and r8_posts.check(sc, plan) == []
    ru = row(plan, "RU")
    assert (ru["move"], ru["role_after"], ru["to_school"]) == ("promote", "vice_principal", "C")
    assert res.kpis["principal_posts_unfilled"] == 1  # C's principal post: no principal can move there
    assert comply(plan, "R2")[0] == "met"
    assert "1 of them principal posts, which reserve leaders do not take directly" in comply(plan, "R2")[1]


def test_reserve_leader_straight_to_principal_when_policy_allows_and_validator_flags_it_otherwise():
    res, plan, hard = plan_leaders(_vacant_principal_district(promote_reserve_to_principal=True))
    assert hard == []
    ru = row(plan, "RU")
    assert (ru["move"], ru["role_after"], ru["to_school"]) == ("promote", "principal", "C")
    assert res.kpis["principal_posts_unfilled"] == 0
    out = r8_posts.check(_vacant_principal_district(), plan)
    assert [(v.rule, v.person_id, v.hard) for v in out] == [("R8", "RU", True)]
    assert "promoted from teacher straight to principal at C" in out[0].message


# ---- vice-principals to vacant principal posts (promote_vice_to_principal) -----------------------------
def _vice_district(**policy):
    # C's principal retires; VC, C's vice-principal (not due), may head C; RU, an urban reserve leader, may
    # then take C's vice-principal post.
    schools = [school("A", is_township_seat=True, vice_principal_posts=0),
               school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=1),
               school("D", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)]
    staff = [principal("PA", "A"), principal("OLD", "C", birth_date="1960-01-01"), vice("VC", "C", name="李华"),
             principal("PD", "D"), person("RU", school_id="A", reserve_leader=True, birth_date="1990-03-01")]
    return build(schools, staff, **policy)


def test_vice_principal_promoted_to_the_vacant_principal_post_and_reserve_leader_takes_theirs():
    sc = _vice_district()
    res, plan, hard = plan_leaders(sc)
    assert hard == [] and r8_posts.check(sc, plan) == []
    vc, ru = row(plan, "VC"), row(plan, "RU")
    assert (vc["move"], vc["role_after"], vc["to_school"], vc["rules"]) == ("promote", "principal", "C", "R8")
    assert vc["reason"] == ("Vice-principal at School C (C); promoted to principal at their own school, School C "
                            "(C), a principal post left vacant by the retirement of Person OLD (R8).")
    assert (ru["move"], ru["role_after"], ru["to_school"]) == ("promote", "vice_principal", "C")
    assert "a rural leader post left vacant when 李华 is promoted to principal" in ru["reason"]
    assert res.kpis["principal_posts_unfilled"] == 0 and res.kpis["leader_posts_unfilled"] == 0
    assert res.kpis["vice_promoted_to_principal"] == 1
    assert "1 vice-principal promoted to open principal posts" in comply(plan, "R8")[1]
    # The same plan breaks R8 (hard) where the policy does not promote vice-principals.
    out = r8_posts.check(_vice_district(promote_vice_to_principal=False), plan)
    assert [(v.rule, v.person_id, v.hard) for v in out] == [("R8", "VC", True)]


def test_without_the_switch_the_vice_principal_stays_and_the_principal_post_stays_vacant():
    res, plan, hard = plan_leaders(_vice_district(promote_vice_to_principal=False))
    assert hard == []
    assert (row(plan, "VC")["move"], row(plan, "VC")["role_after"]) == ("stay", "vice_principal")
    assert (row(plan, "RU")["move"], row(plan, "RU")["role_after"]) == ("stay", "teacher")
    assert res.kpis["principal_posts_unfilled"] == 1
    assert "vice-principals are not promoted to principal (promote_vice_to_principal is off)" in \
        comply(plan, "R8")[1]


def _due_vice_district(**policy):
    # VA (due) has no vice-principal post at another school; B's principal post falls vacant (retirement).
    schools = [school("A", is_township_seat=True, vice_principal_posts=1), school("B", vice_principal_posts=0)]
    staff = [principal("PA", "A"), vice("VA", "A", terms=2, name="赵敏"),
             principal("OLD", "B", birth_date="1960-01-01")]
    return build(schools, staff, **policy)


def test_due_vice_principal_rotates_by_promotion_only_when_policy_allows():
    sc = _due_vice_district()
    res, plan, hard = plan_leaders(sc)
    assert hard == [] and comply(plan, "R1")[0] == "met"
    va = row(plan, "VA")
    assert (va["move"], va["role_after"], va["to_school"], va["rules"]) == ("promote", "principal", "B", "R1;R8")
    assert va["reason"].startswith("Served 2 terms at School A (A) as vice-principal (due under R1); promoted to "
                                   "principal at School B (B), a principal post left vacant by the retirement of "
                                   "Person OLD")
    res, plan, _ = plan_leaders(_due_vice_district(promote_vice_to_principal=False))
    assert any(n.startswith("Infeasible: R1 cannot hold for 赵敏 (VA)") for n in res.notes)
    assert row(plan, "VA")["to_school"] == "A" and comply(plan, "R1")[0] == "not_met"


# ---- minimal change from a reference plan (plan --lock) --------------------------------------------
def _reference_district():
    schools = [school("A", is_township_seat=True), school("B", vice_principal_posts=0),
               school("C", area="rural", township="T2"),
               school("D", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0),
               school("E", area="rural", township="T2", vice_principal_posts=0)]
    staff = [principal("P1", "A", terms=2), principal("P2", "B"), principal("P3", "C", terms=2), principal("P4", "D"),
             principal("OLD", "E", birth_date="1960-01-01"), vice("V1", "A", terms=2),
             person("R", school_id="A", reserve_leader=True, birth_date="1990-03-01")]
    # V1 stays a vice-principal here (this district is about the reference plan, not about promotions)
    return build(schools, staff, promote_vice_to_principal=False)


def _outcome(plan) -> dict:
    a = plan.assignments.set_index("person_id")
    a = a[a.index != "OLD"]
    return {pid: (r["role_after"], r["to_school"]) for pid, r in a.iterrows()}


def test_reference_plan_that_is_the_optimum_is_kept_exactly():
    sc = _reference_district()
    _, best, _ = plan_leaders(sc)
    res, plan, hard = plan_leaders(sc, reference=_outcome(best))
    assert hard == [] and _outcome(plan) == _outcome(best)
    assert res.kpis["changed_from_reference"] == 0
    assert row(plan, "P1")["reason"].endswith(" As in the reference plan.")


def test_reference_plan_keeps_a_legal_edit_and_repairs_one_that_breaks_r1():
    sc = _reference_district()
    _, best, _ = plan_leaders(sc)
    ref = _outcome(best)
    assert ref["V1"] == ("vice_principal", "C") and ref["R"] == ("vice_principal", "A")
    vacant = ({"C", "E"} - {ref["P1"][1]}).pop()  # the rural principal post the optimum leaves open
    # Edit 1 (legal, costs the optimum a move): P2, not due, takes that post.
    ref["P2"] = ("principal", vacant)
    # Edit 2 (breaks R1): V1, due, is kept at A; R is left a teacher so A's vice post holds only V1.
    ref["V1"] = ("vice_principal", "A")
    ref["R"] = ("teacher", "A")
    res, plan, hard = plan_leaders(sc, reference=ref)
    assert hard == []
    out = _outcome(plan)
    assert out["P2"] == ("principal", vacant) and row(plan, "P2")["move"] == "transfer"
    assert out["V1"] == ("vice_principal", "C")  # repaired: R1 wins over the reference
    assert {pid for pid in out if out[pid] != ref[pid]} == {"V1"}  # nobody else changes
    assert res.kpis["changed_from_reference"] == 1
    assert ("Differs from the reference plan (vice-principal at School A (A)): it is not kept because they have "
            "served 2 terms at School A and must rotate to another school (R1).") in row(plan, "V1")["reason"]
    assert row(plan, "P2")["reason"] == (f"Not due for rotation (R1); moves as principal from School B (B) to School "
                                         f"{vacant} ({vacant}). As in the reference plan.")
    assert any(n.startswith("Reference plan: 1 of 6 leaders and reserve leaders differ from it (Person V1 (V1))")
               for n in res.notes)


# ---- reproducibility and the sample district ------------------------------------------------------------
def _generated(staff=1500, seed=3):
    from rotaplan.scenarios.generate import generate

    d = generate(staff=staff, seed=seed)
    return Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)


def test_same_seed_one_worker_gives_the_same_plan():
    sc = _generated()
    _, first, hard = plan_leaders(sc)
    _, second, _ = plan_leaders(sc)
    assert hard == []
    pd.testing.assert_frame_equal(first.assignments, second.assignments)


def test_builtin_sample_district_every_rule_reported():
    sc = Scenario.read()
    res, plan, hard = plan_leaders(sc, SolveParams(time_limit=20, seed=0, workers=2))
    assert hard == []
    kx = res.kpis
    assert kx["r1_due"] == kx["r1_moved"] + kx["r1_exempt"] and kx["r1_due"] > 0
    assert 0 < kx["r1x_crossings"] <= kx["r1x_most_possible"]
    assert any(n.startswith("R1x: ") for n in res.notes) and any(n.startswith("R3: ") for n in res.notes)
    assert comply(plan, "R4")[0] == "met" and comply(plan, "R1")[0] == "met"
    a = plan.assignments
    leaders = a[a["role_after"].isin(["principal", "vice_principal"])]
    assert (leaders["reason"] != "").all() and (leaders["rules"] != "").all()
    assert set(a.loc[a["director_of"] != "", "director_of"]) == set(sc.schools["township"])
    assert res.status == "optimal"
