"""The validator's contract-v2 checks (R1 levels, R12 statutory dates and retire_date, principal eligibility,
R13 order) catch hand-broken plans: a clean plan from the optimizer on a tiny district, then one edit each, as
an office clerk editing assignments.csv might."""

from __future__ import annotations

import pytest
from builders import build, person, school

from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.validator import check_plan, figures, principal, r1, r12, r13


@pytest.fixture(scope="module")
def district():
    # plan_year 2027 (1 September 2027). M66 born 1966-05 retires on 2026-10-01 (count 16 -> 60y5m); M67 born
    # 1967-03 reaches 60y7m only on 2027-10-01 and stays; KG leads a kindergarten with 2 completed terms (not due);
    # VC heads C after its principal retires (title first); RU (urban reserve leader, title second) takes VC's post.
    schools = [school("A", is_township_seat=True, vice_principal_posts=0),
               school("C", area="rural", township="T2", is_township_seat=True, vice_principal_posts=1),
               school("K", level="kindergarten", vice_principal_posts=0)]
    staff = [person("PA", role="principal", school_id="A", years_at_school=2),
             person("OLD", role="principal", school_id="C", birth_date="1960-01-01"),
             person("VC", role="vice_principal", school_id="C", title="first"),
             person("KG", role="principal", school_id="K", terms_at_school=2, years_at_school=7, subject=""),
             person("RU", school_id="A", reserve_leader=True, birth_date="1990-03-01", title="second"),
             person("M66", school_id="A", birth_date="1966-05-01"),
             person("M67", school_id="A", birth_date="1967-03-01"),
             person("Y1", school_id="C", birth_date="1995-01-01", evaluation_score=90),
             person("Y2", school_id="C", birth_date="1995-01-01", evaluation_score=70),
             person("YB", school_id="C", birth_date="1995-01-01", backbone="district", evaluation_score=99)]
    sc = build(schools, staff, [("A", "math", 64), ("C", "math", 64), ("K", "preschool", 16)],
               young_backbone_training_count=1)
    return sc, plan_scenario(sc, SolveParams(time_limit=10, seed=0, workers=1)).plan


def edited(plan, pid, **fields):
    p = type(plan)(plan.assignments.copy(), plan.itinerant, plan.kpis, plan.compliance)
    i = p.assignments.index[p.assignments["person_id"] == pid][0]
    for k, v in fields.items():
        p.assignments.at[i, k] = v
    return p


def found(mod, sc, plan):
    return [(v.rule, v.person_id, v.hard) for v in mod.check(sc, plan)]


def test_clean_plan(district):
    sc, plan = district
    a = plan.assignments.set_index("person_id")
    assert not [v for v in check_plan(sc, plan) if v.hard]
    assert (a.at["M66", "move"], a.at["M66", "retire_date"]) == ("retire", "2026-10-01")
    assert (a.at["M67", "move"], a.at["OLD", "retire_date"]) == ("stay", "2020-01-01")
    assert (a.at["VC", "role_after"], a.at["KG", "move"]) == ("principal", "stay")
    assert a.at["Y1", "rules"].endswith("R13") and "R13" not in a.at["YB", "rules"]
    assert figures(sc, plan)["after"]["r1_due"] == 0 == plan.kpis["after"]["r1_due"]


def test_r12_retiring_someone_whose_date_is_after_1_september(district):
    sc, plan = district
    bad = edited(plan, "M67", move="retire", role_after="retired", to_school="", retire_date="2027-09-01")
    (v,) = r12.check(sc, bad)
    assert (v.person_id, v.hard) == ("M67", True)
    assert "reaches the statutory retirement age only on 2027-10-01, after 1 September 2027" in v.message


def test_r12_keeping_someone_whose_date_has_passed_and_a_wrong_retire_date(district):
    sc, plan = district
    kept = edited(plan, "M66", move="stay", role_after="teacher", to_school="A", retire_date="")
    assert found(r12, sc, kept) == [("R12", "M66", True)]
    assert "reaches the statutory retirement age on 2026-10-01" in r12.check(sc, kept)[0].message
    wrong = edited(plan, "M66", retire_date="2026-05-01")
    (v,) = r12.check(sc, wrong)
    assert v.hard and "the statutory retirement date (2025 schedule) is 2026-10-01" in v.message
    assert [(v.hard) for v in r12.check(sc, edited(plan, "M66", retire_date=""))] == [False]


def test_principal_eligibility_promoting_a_reserve_leader_below_the_title(district):
    sc, plan = district
    bad = edited(edited(plan, "VC", role_after="vice_principal", move="stay"), "RU", role_after="principal",
                 to_school="C", move="promote")
    out = principal.check(sc, bad)
    assert [(v.rule, v.person_id, v.hard) for v in out] == [("R2", "RU", True)]
    assert "with title second, below principal_min_title first" in out[0].message
    assert principal.check(sc, plan) == []


def test_principal_eligibility_teaching_years(district):
    sc, plan = district
    st = sc.staff.set_index("person_id")
    assert st.at["VC", "teaching_years"] == 10
    sc2 = build(sc.schools.to_dict("records"),
                [{**r, "teaching_years": 3 if r["person_id"] == "VC" else r["teaching_years"]}
                 for r in sc.staff.assign(birth_date=sc.staff["birth_date"].dt.strftime("%Y-%m-%d"))
                 .to_dict("records")],
                list(sc.demand.itertuples(index=False, name=None)), young_backbone_training_count=1)
    (v,) = principal.check(sc2, plan)
    assert v.person_id == "VC" and "3 years of teaching (teaching_years), fewer than principal_min_teaching_years 5" \
        in v.message


def test_r1_a_kindergarten_leader_is_due_only_where_rotation_levels_say_so(district):
    sc, plan = district
    assert found(r1, sc, plan) == []
    sc_k = sc.copy()
    sc_k.policy = sc.policy.with_overrides({"rotation_levels": "primary;kindergarten"})
    out = r1.check(sc_k, plan)
    assert [(v.rule, v.person_id) for v in out if v.hard] == [("R1", "KG")]
    assert "has completed 2 terms at K, a kindergarten school (due under R1)" in out[0].message


def test_r13_selecting_a_district_backbone_or_a_lower_score(district):
    sc, plan = district
    a = plan.assignments.set_index("person_id")
    bb = edited(plan, "YB", rules="R13")
    assert any(v.person_id == "YB" and "already a district-level backbone" in v.message for v in r13.check(sc, bb))
    swapped = edited(edited(plan, "Y1", rules=a.at["Y1", "rules"].replace("R13", "").strip(";")), "Y2",
                     rules="R13")
    msgs = [v.message for v in r13.check(sc, swapped)]
    assert "selected with evaluation_score 70 while rural teacher Y1 with 90 was not." in msgs
    assert not any(v.hard for v in r13.check(sc, swapped))
