"""`rotaplan rollover`: next year's scenario from a plan. On a small generated district through the command line
(plan, rollover, validate clean, plan again), and on hand-made rows for each column's rule."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest
from builders import build, person, school
from click.testing import CliRunner
from plans import staying_plan

from rotaplan.cli import main
from rotaplan.models import Scenario
from rotaplan.scenarios.rollover import Hiring, rollover


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    root = tmp_path_factory.mktemp("roll")
    run = CliRunner()
    r = run.invoke(main, ["generate", "--staff", "600", "--seed", "3", str(root / "sc")])
    assert r.exit_code == 0, r.output
    r = run.invoke(main, ["plan", str(root / "sc"), "--out", str(root / "plan"), "--time-limit", "3", "--workers",
                          "1", "--db", str(root / "runs.sqlite")])
    assert r.exit_code == 0, r.output
    return root


def test_rollover_of_a_plan_then_validate_is_clean_and_the_next_year_plans(planned):
    root = planned
    (root / "hiring.yaml").write_text("hires:\n  - {subject: math, count: 4, degree: bachelor, certificate: primary, "
                                      "public_funded_share: 0.5}\n", encoding="utf-8")
    run = CliRunner()
    r = run.invoke(main, ["rollover", str(root / "plan"), "--out", str(root / "next"), "--hiring",
                          str(root / "hiring.yaml")])
    assert r.exit_code == 0, r.output
    assert "Wrote the 2028 scenario" in r.output and "4 hired" in r.output
    r = run.invoke(main, ["validate", str(root / "next")])
    assert r.exit_code == 0, r.output
    assert "error" not in r.output.lower()
    nxt = Scenario.read(root / "next")
    sc = Scenario.read(root / "sc")
    a = pd.read_csv(root / "plan" / "assignments.csv", dtype=str, keep_default_na=False).set_index("person_id")
    retired = set(a.index[a["move"] == "retire"])
    assert nxt.policy.plan_year == 2028
    assert set(nxt.staff["person_id"]) == (set(sc.staff["person_id"]) - retired) | {
        "H2028-0001", "H2028-0002", "H2028-0003", "H2028-0004"}
    st = nxt.staff.set_index("person_id")
    hires = st.loc[["H2028-0001", "H2028-0002", "H2028-0003", "H2028-0004"]]
    assert list(hires["public_funded"]) == [True, True, False, False] and set(hires["school_id"]) == {""}
    moved = a[(a["move"] != "retire") & (a["to_school"] != a["from_school"])].index
    assert (st.loc[moved, "years_at_school"] == 1).all()
    assert (st.loc[moved, "school_id"] == a.loc[moved, "to_school"]).all()
    exch = a.index[a["move"] == "exchange"]
    assert len(exch) and (st.loc[exch, "posting_until"] == 2029).all()  # 2027 + exchange_years 3 - 1
    new = a.index[a["move"] == "place_new"]
    assert (st.loc[new, "bundle_school"] == a.loc[new, "period2_school"]).all()
    # the same plan rolls over to the same files
    r = run.invoke(main, ["rollover", str(root / "plan"), "--out", str(root / "next2"), "--hiring",
                          str(root / "hiring.yaml")])
    assert r.exit_code == 0, r.output
    for name in ("staff.csv", "schools.csv", "demand.csv", "policy.yaml"):
        assert filecmp.cmp(root / "next" / name, root / "next2" / name, shallow=False), name
    # and the next year plans, keeping every hard rule
    r = run.invoke(main, ["plan", str(root / "next"), "--out", str(root / "plan2028"), "--time-limit", "3",
                          "--workers", "1", "--db", str(root / "runs.sqlite")])
    assert r.exit_code == 0, r.output
    assert "The validator found no hard-rule violation" in r.output


def test_rollover_never_overwrites_a_users_folder(planned, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    r = CliRunner().invoke(main, ["rollover", str(planned / "plan"), "--out", str(mine)])
    assert r.exit_code == 2 and "did not make" in r.output
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"


def _tiny(**policy):
    schools = [school("U", area="urban", is_township_seat=True), school("R", area="rural", township="T2",
                                                                       is_township_seat=True)]
    staff = [person("P", role="principal", school_id="U", terms_at_school=1, years_at_school=5),
             person("V", role="vice_principal", school_id="R", terms_at_school=0, years_at_school=2,
                    term_years_served=2),
             person("T", school_id="R", years_at_school=4, rural_service_years=4.0, locked_school="R",
                    exempt_reason="illness", preferences="U;R"),
             person("K", school_id="U", locked_school="U", exempt_reason="caring for a parent", permanent="true"),
             person("Q", school_id="U", contract_period=3, period_years=3, teaching_years=None)]
    return build(schools, staff, [("U", "math", 32), ("R", "math", 16)], **policy)


def test_each_column_rolls_over_by_its_rule():
    sc = _tiny()
    plan = staying_plan(sc, {})
    plan.assignments.loc[plan.assignments["person_id"] == "T", "rules"] = "R13"
    nxt = rollover(sc, plan).staff.set_index("person_id")
    # P: 2 years into the second term, one more year completes it
    assert (nxt.at["P", "terms_at_school"], nxt.at["P", "term_years_served"]) == (2, "0")
    # V: term_years_served given (2): the term completes
    assert (nxt.at["V", "terms_at_school"], nxt.at["V", "years_at_school"]) == (1, 3)
    # T: a year at a rural school; one year's lock and exemption cleared; R13 recorded; wishes kept but the
    # school they are at
    assert nxt.at["T", "rural_service_years"] == 5.0 and nxt.at["T", "years_at_school"] == 5
    assert (nxt.at["T", "locked_school"], nxt.at["T", "exempt_reason"]) == ("", "")
    assert nxt.at["T", "backbone_training_year"] == "2027" and nxt.at["T", "preferences"] == "U"
    # K: marked permanent, the lock and the exemption stay
    assert (nxt.at["K", "locked_school"], nxt.at["K", "exempt_reason"]) == ("U", "caring for a parent")
    # Q: period 3 ran its 3 years: period 4 begins; teaching years unknown stay unknown
    assert (nxt.at["Q", "contract_period"], nxt.at["Q", "period_years"]) == (4, 1)
    assert pd.isna(nxt.at["Q", "teaching_years"])


def test_a_hiring_plan_by_year_and_a_sheet_of_named_people(tmp_path):
    (tmp_path / "named.csv").write_text("工号,姓名,性别,出生日期,学历,学科,year\n"
                                        "Z1,张三,男,2004-05-01,本科,数学,2028\nZ2,李四,女,2004-06-01,硕士,数学,2029\n",
                                        encoding="utf-8")
    (tmp_path / "hiring.yaml").write_text(
        "hires:\n  - {subject: math, count: 1}\nby_year:\n  2028:\n    - {subject: math, count: 2, degree: master}\n"
        "sheet: named.csv\n", encoding="utf-8")
    h = Hiring.read(tmp_path / "hiring.yaml")
    sc = _tiny()
    nxt = rollover(sc, staying_plan(sc, {}), h).staff.set_index("person_id")
    assert {"H2028-0001", "H2028-0002", "Z1"} <= set(nxt.index) and "Z2" not in nxt.index
    assert nxt.at["H2028-0001", "degree"] == "master" and nxt.at["Z1", "name"] == "张三"
    (tmp_path / "bad.yaml").write_text("hires:\n  - {subject: math, count: 2, degree: phd}\n", encoding="utf-8")
    from rotaplan.models.errors import ScenarioError

    with pytest.raises(ScenarioError) as exc:
        Hiring.read(tmp_path / "bad.yaml")
    assert "degree" in str(exc.value.problems[0])


def test_rollover_clears_the_spouse_id_of_a_retiree():
    """A couple where one retires: next year the other's spouse_id names nobody on the staff, so it is cleared
    (validation would refuse it as an unknown person)."""
    from builders import build, person, school

    from rotaplan.models import Plan
    from rotaplan.optimizer import SolveParams, plan_scenario
    from rotaplan.scenarios.rollover import rollover

    sc = build([school("U", is_township_seat=True)],
               [person("OLD", school_id="U", birth_date="1960-01-01", spouse_id="W"),
                person("W", school_id="U", gender="F", birth_date="1980-01-01", spouse_id="OLD")],
               [("U", "math", 16)], young_backbone_training_count=0)
    plan: Plan = plan_scenario(sc, SolveParams(time_limit=2, workers=1, seed=0)).plan
    assert plan.assignments.set_index("person_id").at["OLD", "move"] == "retire"
    nxt = rollover(sc, plan)
    assert list(nxt.staff["person_id"]) == ["W"] and list(nxt.staff["spouse_id"]) == [""]


def test_hires_by_gaps_share_the_count_among_the_subjects_left_uncovered(tmp_path):
    """subject: gaps (缺口). Uncovered after the plan: U (urban primary) math 16, chinese 16; R (rural junior)
    physics 32, math 16; R2 (rural primary) chinese 16. Primary certificate: U and R2 (R14), where only chinese is
    taught in both areas (R5 bundles across them): 3 chinese. Junior certificate: every school; math (U, R) and
    chinese (U, R2) 32 lessons each, physics only rural: 2 hires 1 / 1. Kindergarten: no kindergarten, nobody."""
    sc = build([school("U", is_township_seat=True, level="primary"),
                school("R", area="rural", township="T2", is_township_seat=True, level="junior"),
                school("R2", area="rural", township="T2", level="primary")],
               [person("A", school_id="U", subject="math"), person("B", school_id="R", subject="physics",
                                                                 certificate="junior")],
               [("U", "math", 32), ("U", "chinese", 16), ("R", "physics", 48), ("R", "math", 16),
                ("R2", "chinese", 16)], young_backbone_training_count=0)
    plan = staying_plan(sc, {})
    plan.assignments["home_lessons"] = 16
    (tmp_path / "h.yaml").write_text(
        "hires:\n  - {subject: gaps, count: 3, certificate: primary}\n"
        "  - {subject: 缺口, count: 2, certificate: junior}\n"
        "  - {subject: gaps, count: 1, certificate: kindergarten}\n", encoding="utf-8")
    nxt = rollover(sc, plan, Hiring.read(tmp_path / "h.yaml")).staff
    new = nxt[nxt["person_id"].str.startswith("H")]
    got = new.groupby(["certificate", "subject"]).size().to_dict()
    assert got == {("primary", "chinese"): 3, ("junior", "chinese"): 1, ("junior", "math"): 1}
