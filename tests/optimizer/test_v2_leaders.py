"""Contract v2 in the leader stage: R1 covers rotation_levels and counts completed terms; principal eligibility
(title, teaching years) for any promotion to principal; R12 wins over R1. Tiny districts whose answer is known
by hand; every plan is also checked by the validator (which shares no code with the optimizer)."""

from __future__ import annotations

import pandas as pd
from builders import build, person, school

from rotaplan.optimizer import pipeline, r12
from rotaplan.optimizer.leaders import stage
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.state import PlanState
from rotaplan.validator import check_plan

FAST = SolveParams(time_limit=10, seed=0, workers=1)


def plan(sc):
    """(leader StageResult, plan, hard violations the whole validator finds among the leader rules)."""
    state = PlanState(sc)
    r12.apply(sc, state)
    res = stage.solve(sc, state, FAST)
    pipeline.record(state, {"leaders": res})
    p = pipeline.assemble(sc, state)
    hard = [v for v in check_plan(sc, p) if v.hard and v.rule in ("R1", "R2", "R4", "R8", "R12")]
    return res, p, hard


def row(p, pid) -> pd.Series:
    return p.assignments.set_index("person_id").loc[pid]


def principal(pid, sid, terms=0, **kw):
    return person(pid, role="principal", school_id=sid, terms_at_school=terms, years_at_school=3 * terms + 1, **kw)


def vice(pid, sid, terms=0, **kw):
    return person(pid, role="vice_principal", school_id=sid, terms_at_school=terms, years_at_school=3 * terms + 1,
                  **kw)


# ---- R1: levels ------------------------------------------------------------------------------------
def _seniors(**policy):
    # Two senior high schools; H1's principal has completed 2 terms, H2's none. No senior principal post is open,
    # so a rotation of PH1 needs a swap with PH2.
    return build([school("A", level="junior", is_township_seat=True, vice_principal_posts=0),
                  school("H1", level="senior", vice_principal_posts=0),
                  school("H2", level="senior", area="rural", township="T2", vice_principal_posts=0),
                  school("B", level="junior", area="rural", township="T2", is_township_seat=True,
                         vice_principal_posts=0)],
                 [principal("PA", "A"), principal("PH1", "H1", terms=2), principal("PH2", "H2"), principal("PB", "B")],
                 **policy)


def test_r1_senior_school_leader_is_not_due_by_default():
    res, p, hard = plan(_seniors())
    assert hard == []
    assert (row(p, "PH1")["move"], row(p, "PH1")["to_school"]) == ("stay", "H1")
    assert res.kpis["r1_due"] == 0 and p.kpis["after"]["r1_due"] == 0


def test_r1_binding_when_rotation_levels_include_senior_the_same_leader_rotates():
    res, p, hard = plan(_seniors(rotation_levels="primary;junior;nine_year;senior"))
    assert hard == []
    assert (row(p, "PH1")["to_school"], row(p, "PH1")["move"]) == ("H2", "rotate")
    assert res.kpis["r1_due"] == 1 and p.kpis["after"]["r1_moved"] == 1


def test_r1_counts_completed_terms_one_completed_term_is_not_due():
    # PA is in the second term (1 completed, 5 years): not due; PB has completed 2 (7 years): due and swaps.
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0),
                school("B", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0),
                school("C", area="rural", township="T2", vice_principal_posts=0)],
               [person("PA", role="principal", school_id="A", terms_at_school=1, years_at_school=5),
                person("PB", role="principal", school_id="B", terms_at_school=2, years_at_school=7),
                person("PC", role="principal", school_id="C", terms_at_school=0, years_at_school=2)])
    res, p, hard = plan(sc)
    assert hard == [] and res.kpis["r1_due"] == 1
    assert row(p, "PB")["to_school"] != "B" and "R1" in row(p, "PB")["rules"]


def test_r1_precedence_r12_wins_a_due_principal_who_reaches_the_statutory_date_retires():
    # born 1965-06: 5 months after January 1965 -> 5 // 4 + 1 = 2 months later -> 60y2m -> 2025-08-01, before
    # 1 September 2027: retires although due under R1 (and locked elsewhere).
    sc = build([school("A", is_township_seat=True, vice_principal_posts=0),
                school("B", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0),
                school("C", area="rural", township="T2", vice_principal_posts=0)],
               [principal("PA", "A"), principal("OLD", "C", terms=2, birth_date="1965-06-01", locked_school="B"),
                principal("PB", "B")])
    res, p, hard = plan(sc)
    assert hard == []
    old = row(p, "OLD")
    assert (old["move"], old["to_school"], old["retire_date"]) == ("retire", "", "2025-08-01")
    assert res.kpis["r1_due"] == 0


# ---- principal eligibility -------------------------------------------------------------------------
def _vice_district(vc: dict, **policy):
    # C's principal retires; VC, C's vice-principal (not due), may head C if eligible.
    schools = [school("A", is_township_seat=True, vice_principal_posts=0),
               school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=1),
               school("D", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)]
    staff = [principal("PA", "A"), principal("OLD", "C", birth_date="1960-01-01"), vice("VC", "C", **vc),
             principal("PD", "D")]
    return build(schools, staff, **policy)


def test_principal_eligibility_binding_title_first_is_promoted_second_is_not():
    res, p, hard = plan(_vice_district({"title": "一级"}))
    assert hard == [] and (row(p, "VC")["role_after"], row(p, "VC")["move"]) == ("principal", "promote")
    res, p, hard = plan(_vice_district({"title": "二级"}))
    assert hard == [] and (row(p, "VC")["role_after"], row(p, "VC")["move"]) == ("vice_principal", "stay")
    assert res.kpis["principal_posts_unfilled"] == 1
    # a lower principal_min_title opens the promotion again
    res, p, hard = plan(_vice_district({"title": "second"}, principal_min_title="二级"))
    assert hard == [] and row(p, "VC")["role_after"] == "principal"


def test_principal_eligibility_teaching_years_else_years_at_school():
    # teaching_years 4 < 5: not promoted; without teaching_years, years_at_school (1 here) decides: not promoted;
    # teaching_years 12 with only 1 year at the school: promoted.
    for vc, promoted in (({"teaching_years": 4}, False), ({"teaching_years": None}, False),
                         ({"teaching_years": 12}, True)):
        res, p, hard = plan(_vice_district(vc))
        assert hard == []
        assert (row(p, "VC")["role_after"] == "principal") is promoted, vc


def test_principal_eligibility_reserve_leader_to_principal_needs_it_too():
    # promote_reserve_to_principal: an urban reserve leader may head rural C directly, only if eligible.
    def district(title):
        return build([school("A", is_township_seat=True, vice_principal_posts=0),
                      school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0),
                      school("D", area="rural", township="T2", is_township_seat=True, vice_principal_posts=0)],
                     [principal("PA", "A"), principal("OLD", "C", birth_date="1960-01-01"), principal("PD", "D"),
                      person("RU", school_id="A", reserve_leader=True, birth_date="1988-03-01", title=title)],
                     promote_reserve_to_principal=True)
    res, p, hard = plan(district("senior"))
    assert hard == [] and (row(p, "RU")["role_after"], row(p, "RU")["to_school"]) == ("principal", "C")
    res, p, hard = plan(district("third"))
    assert hard == [] and row(p, "RU")["role_after"] == "teacher"


def test_principal_eligibility_infeasible_due_vice_principal_whose_only_route_is_a_promotion():
    # VA is due; the only post open elsewhere is B's principal post, and VA's title is second: R1 cannot hold,
    # and the note says why in words.
    sc = build([school("A", is_township_seat=True, vice_principal_posts=1), school("B", vice_principal_posts=0)],
               [principal("PA", "A"), vice("VA", "A", terms=2, name="赵敏", title="second"),
                principal("OLD", "B", birth_date="1960-01-01")])
    res, p, _ = plan(sc)
    note = next(n for n in res.notes if n.startswith("Infeasible: R1 cannot hold for 赵敏 (VA)"))
    assert "a promotion to principal is closed to 赵敏 (VA): below principal eligibility (title first or above" in note
    assert row(p, "VA")["role_after"] == "vice_principal"
    assert p.compliance.set_index("rule").at["R1", "status"] == "not_met"
