"""The whole plan, end to end: R12 and R13, the plan contract, and the CLI a user runs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from builders import build, person, school
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Plan, Scenario
from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.validator import check_plan

FAST = SolveParams(time_limit=5, seed=0, workers=1)


def town():
    schools = [school("U", area="urban", is_township_seat=True, staff_quota=6, lat=36.20, lon=117.60),
               school("R", area="rural", township="T1", staff_quota=6, lat=36.25, lon=117.66)]
    staff = [
        person("PU", role="principal", school_id="U", terms_at_school=1, birth_date="1975-01-01"),
        person("PR", role="principal", school_id="R", terms_at_school=1, birth_date="1970-01-01"),
        person("OLD", school_id="U", gender="F", birth_date="1971-05-01", subject="math"),
        person("Y1", school_id="R", birth_date="1996-01-01", subject="math", years_at_school=3),
        person("Y2", school_id="U", birth_date="1997-01-01", subject="math", years_at_school=2),
        person("Y3", school_id="R", birth_date="1995-02-01", subject="math", years_at_school=1),
    ]
    demand = [("U", "math", 16), ("R", "math", 32)]
    return build(schools, staff, demand, young_backbone_training_count=2)


def test_r12_female_teacher_reaching_55_retires_and_frees_her_seat():
    plan = plan_scenario(town(), FAST).plan
    a = plan.assignments.set_index("person_id")
    assert a.loc["OLD", ["move", "role_after", "to_school"]].tolist() == ["retire", "retired", ""]
    assert a.loc["OLD", "rules"] == "R12"
    assert (a["move"] == "retire").sum() == 1
    assert not [v for v in check_plan(town(), plan) if v.hard]


def test_r13_rural_young_teachers_selected_first():
    plan = plan_scenario(town(), FAST).plan
    a = plan.assignments.set_index("person_id")
    chosen = sorted(a.index[a["rules"].str.contains("R13")])
    assert chosen == ["Y1", "Y3"]
    row = plan.compliance.set_index("rule").loc["R13"]
    assert row["status"] == "met" and "2 young teachers selected (2 rural)" in row["detail"]


def test_r13_not_met_when_too_few_young_teachers():
    sc = town()
    sc.policy = sc.policy.with_overrides({"young_backbone_training_count": 5})
    plan = plan_scenario(sc, FAST).plan
    assert plan.compliance.set_index("rule").loc["R13", "status"] == "not_met"


def test_plan_contract_columns_and_every_rule_in_compliance():
    plan = plan_scenario(town(), FAST).plan
    assert set(["person_id", "role_before", "role_after", "from_school", "to_school", "move", "period2_school",
                "director_of", "home_lessons", "rules", "reason"]) <= set(plan.assignments.columns)
    assert list(plan.itinerant.columns) == ["person_id", "day", "seq", "school_id", "subject", "lessons",
                                            "travel_minutes"]
    rules = plan.compliance["rule"].tolist()
    assert rules == ["R1", "R1x", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14",
                     "R15", "R16", "R17"]
    assert set(plan.compliance["status"]) <= {"met", "not_met", "exempted"}
    for side in ("before", "after"):
        for k in ("degree_ratio_urban_rural", "young_rural_leader_share", "backbone_share_urban",
                  "backbone_share_rural", "uncovered_lessons", "moves", "itinerant_teachers",
                  "total_travel_minutes"):
            assert k in plan.kpis[side]
    assert set(plan.kpis["solver"]) == {"leaders", "teachers", "itinerant"}
    for stage in plan.kpis["solver"].values():
        assert {"objective", "bound", "gap", "solve_seconds"} <= set(stage)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """`rotaplan generate` then `rotaplan plan` on a small district, as a user would."""
    tmp = tmp_path_factory.mktemp("e2e")
    r = CliRunner()
    assert r.invoke(main, ["generate", "--staff", "800", "--seed", "3", str(tmp / "sc")]).exit_code == 0
    res = r.invoke(main, ["plan", str(tmp / "sc"), "--out", str(tmp / "plan"), "--time-limit", "5",
                          "--workers", "2", "--db", str(tmp / "runs.sqlite")])
    assert res.exit_code == 0, res.output
    return tmp, res.output


def test_cli_plan_writes_the_plan_folder(planned):
    tmp, output = planned
    for f in ("assignments.csv", "itinerant.csv", "kpis.json", "compliance.csv", "plan.xlsx"):
        assert (tmp / "plan" / f).exists(), f
    a = pd.read_csv(tmp / "plan" / "assignments.csv", dtype=str, keep_default_na=False)
    staff = pd.read_csv(tmp / "sc" / "staff.csv", dtype=str, keep_default_na=False)
    assert sorted(a["person_id"]) == sorted(staff["person_id"])
    new = a[a["from_school"] == ""]
    assert (new["move"] == "place_new").all() and (new["period2_school"] != "").all()
    kpis = json.loads((tmp / "plan" / "kpis.json").read_text())
    assert kpis["after"]["uncovered_lessons"] <= kpis["before"]["uncovered_lessons"]
    # A hard rule the plan could not keep is explained and marked not_met, never silently broken.
    comp = pd.read_csv(tmp / "plan" / "compliance.csv", dtype=str, keep_default_na=False)
    not_met = set(comp.loc[comp["status"] == "not_met", "rule"])
    sc = Scenario.read(tmp / "sc")
    broken = {v.rule for v in check_plan(sc, Plan.read(tmp / "plan")) if v.hard}
    assert broken <= not_met
    if broken:
        assert "cannot hold" in output
    else:
        assert "The validator found no hard-rule violation." in output


def test_cli_check_and_routes(planned):
    tmp, _ = planned
    sc = Scenario.read(tmp / "sc")
    hard = [v for v in check_plan(sc, Plan.read(tmp / "plan")) if v.hard]
    r = CliRunner().invoke(main, ["check", str(tmp / "plan"), str(tmp / "sc")])
    assert r.exit_code == (1 if hard else 0), r.output
    assert f"{len(hard)} hard-rule violation(s)" in r.output
    it = Plan.read(tmp / "plan").itinerant
    if len(it):
        pid = it["person_id"].iloc[0]
        r = CliRunner().invoke(main, ["routes", pid, str(tmp / "plan"), "--scenario", str(tmp / "sc")])
        assert r.exit_code == 0 and pid in r.output
    r = CliRunner().invoke(main, ["routes", "NOBODY", str(tmp / "plan"), "--scenario", str(tmp / "sc")])
    assert r.exit_code == 2


def test_builtin_sample_plan_passes_the_validator():
    sc = Scenario.read()
    plan = plan_scenario(sc, SolveParams(time_limit=10, seed=0, workers=2)).plan
    assert not [v for v in check_plan(sc, plan) if v.hard]
    a = plan.assignments
    new = a[a["from_school"] == ""]
    area = sc.schools.set_index("school_id")["area"]
    assert (new["move"] == "place_new").all()
    assert (new["to_school"].map(area) != new["period2_school"].map(area)).all()
    k = plan.kpis
    assert k["after"]["degree_ratio_urban_rural"] < k["before"]["degree_ratio_urban_rural"]
    assert k["after"]["uncovered_rural_lessons"] < k["before"]["uncovered_rural_lessons"]
    assert k["after"]["r1x_crossings"] == k["after"]["r1x_most_possible"]


def test_validator_r13_flags_an_urban_pick_over_a_rural_one_and_a_short_count():
    sc = town()
    plan = plan_scenario(sc, FAST).plan
    from rotaplan.validator import r13

    assert r13.check(sc, plan) == []
    a = plan.assignments
    i_y1 = a.index[a["person_id"] == "Y1"][0]
    i_y2 = a.index[a["person_id"] == "Y2"][0]
    a.loc[i_y1, "rules"] = ""  # rural Y1 dropped, urban Y2 picked instead
    a.loc[i_y2, "rules"] = "R13"
    msgs = [v.message for v in r13.check(sc, plan)]
    assert msgs == ["1 urban teachers selected while 1 young rural teachers were not."]
    a.loc[i_y2, "rules"] = ""
    assert any("selected for backbone training; the target is 2" in v.message for v in r13.check(sc, plan))


def test_validator_r2_flags_a_promoted_teacher_who_is_no_reserve_leader():
    sc = town()
    plan = plan_scenario(sc, FAST).plan
    from rotaplan.validator import r2

    assert r2.check(sc, plan) == []
    a = plan.assignments
    i = a.index[a["person_id"] == "Y3"][0]
    a.loc[i, ["role_after", "move"]] = ["vice_principal", "promote"]
    (v,) = r2.check(sc, plan)
    assert v.rule == "R2" and v.person_id == "Y3" and not v.hard
