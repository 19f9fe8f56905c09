"""A plan knows its scenario: meta.json and the About sheet of plan.xlsx record the scenario's path and
content fingerprint, `check`, `explain`, `routes` and `plan --lock` use it, refuse a scenario whose
content differs, and never fall back to the built-in sample. And which copy of a plan is read."""

from __future__ import annotations

import json
import shutil

import pytest
from builders import build, person, school
from click.testing import CliRunner
from openpyxl import load_workbook

from rotaplan.cli import main
from rotaplan.models import Plan, Scenario
from rotaplan.models.provenance import fingerprint, placement_fingerprint, plan_fingerprint

SOLVE = ["--time-limit", "5", "--workers", "1", "--seed", "0"]


def district():
    schools = [school("U1", name="城区一小", township="凤城街道", is_township_seat=True, staff_quota=3),
               school("R1", name="口镇中心小学", area="rural", township="口镇", is_township_seat=True, lat=36.3,
                      staff_quota=3)]
    staff = [person("L1", name="王校长", role="principal", school_id="U1"),
             person("L2", name="李校长", role="principal", school_id="R1"),
             person("T1", name="赵老师", school_id="U1"), person("T2", name="钱老师", school_id="R1"),
             person("H1", name="孙新", school_id="", contract_period=0, period_years=0)]
    return build(schools, staff, [("U1", "math", 32), ("R1", "math", 32)], young_backbone_training_count=0)


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in r.output, r.output
    return r


def flat(output: str) -> str:
    return " ".join(output.split())


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    root = tmp_path_factory.mktemp("provenance")
    district().write(root / "district")
    r = run("plan", root / "district", "--out", root / "plan", *SOLVE)
    assert r.exit_code == 0, r.output
    return root


def test_meta_json_and_the_about_sheet_record_the_scenario_and_its_fingerprint(planned):
    meta = json.loads((planned / "plan" / "meta.json").read_text(encoding="utf-8"))
    sc = Scenario.read(planned / "district")
    assert meta["scenario"] == str((planned / "district").resolve())
    assert meta["fingerprint"] == fingerprint(sc)
    plan = Plan.read(planned / "plan")
    assert meta["plan_fingerprint"] == plan_fingerprint(plan)
    assert meta["placement_fingerprint"] == placement_fingerprint(plan)
    ws = load_workbook(planned / "plan" / "plan.xlsx")["About"]
    about = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    for key in ("scenario", "fingerprint", "plan_fingerprint", "placement_fingerprint"):
        assert about[key] == meta[key], key


def test_a_lone_plan_xlsx_copied_elsewhere_is_checked_against_its_recorded_scenario(planned, tmp_path):
    shutil.copy(planned / "plan" / "plan.xlsx", tmp_path / "方案-副本.xlsx")
    r = run("check", tmp_path / "方案-副本.xlsx")
    assert r.exit_code == 0, r.output
    assert f"scenario {(planned / 'district').resolve()} (fingerprint" in flat(r.output)
    assert "0 hard-rule violation(s)" in r.output
    r = run("explain", "T1", tmp_path / "方案-副本.xlsx")
    assert r.exit_code == 0, r.output
    assert "赵老师" in r.output  # facts from the recorded scenario, not the sample's
    r = run("routes", "T1", tmp_path / "方案-副本.xlsx")
    assert f"scenario {(planned / 'district').resolve()}" in flat(r.output)
    assert "T1" in r.output and "no itinerant stops in this plan" in flat(r.output)


def test_a_scenario_changed_since_the_plan_is_refused_naming_both_fingerprints(planned, tmp_path):
    changed = tmp_path / "district"
    shutil.copytree(planned / "district", changed)
    staff = (changed / "staff.csv").read_text(encoding="utf-8").replace("赵老师", "赵老帅")
    (changed / "staff.csv").write_text(staff, encoding="utf-8")
    recorded = json.loads((planned / "plan" / "meta.json").read_text())["fingerprint"][:12]
    now = fingerprint(Scenario.read(changed))[:12]
    for cmd in (["check", planned / "plan", changed], ["explain", "T1", planned / "plan", "--scenario", changed],
                ["routes", "T1", planned / "plan", "--scenario", changed],
                ["plan", changed, "--lock", planned / "plan", "--out", tmp_path / "x", *SOLVE]):
        r = run(*cmd)
        assert r.exit_code == 2, (cmd, r.output)
        text = flat(r.output)
        assert f"fingerprint {recorded}" in text and f"has fingerprint {now}" in text, text
        assert "pass the scenario it was made from" in text.lower(), text
    assert not (tmp_path / "x").exists()


def test_a_plan_without_meta_json_and_no_scenario_is_an_error_never_the_sample(planned, tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    for f in ("assignments.csv", "itinerant.csv", "kpis.json", "compliance.csv"):
        shutil.copy(planned / "plan" / f, bare / f)
    for cmd in (["check", bare], ["check", bare / "assignments.csv"], ["explain", "T1", bare], ["routes", "T1", bare],
                ["plan", "--lock", bare, "--out", tmp_path / "x", *SOLVE]):
        r = run(*cmd)
        assert r.exit_code == 2, (cmd, r.output)
        text = flat(r.output)
        assert "does not say which scenario it was made from" in text, text
        assert "violation" not in text  # nothing was checked against another scenario
    r = run("check", bare, planned / "district")  # given, it is used (and said to be unverified)
    assert r.exit_code == 0, r.output
    assert "not verified: no fingerprint recorded" in flat(r.output)


def test_a_recorded_scenario_that_is_gone_is_named(planned, tmp_path):
    shutil.copytree(planned / "district", tmp_path / "district")
    r = run("plan", tmp_path / "district", "--out", tmp_path / "plan", *SOLVE)
    assert r.exit_code == 0, r.output
    shutil.rmtree(tmp_path / "district")
    r = run("check", tmp_path / "plan")
    assert r.exit_code == 2
    assert f"the plan was made from the scenario {(tmp_path / 'district').resolve()}" in flat(r.output)
    assert "which is not there any more" in flat(r.output)


def test_edited_csv_files_are_read_and_both_copies_edited_differently_is_refused(planned, tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(planned / "plan", plan)
    csv = (plan / "assignments.csv").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(csv) if ln.startswith("T1,"))
    csv[i] = csv[i].replace(",U1,U1,stay,", ",U1,R1,stay,", 1)
    (plan / "assignments.csv").write_text("\n".join(csv) + "\n", encoding="utf-8")
    r = run("check", plan)  # plan.xlsx is as written, so the edited CSV files are read
    assert f"Read {plan / 'assignments.csv'} (edited by hand: 1 people differ from plan.xlsx" in flat(r.output)
    wb = load_workbook(plan / "plan.xlsx")
    ws = wb["Assignments"]
    col = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[col["person_id"] - 1].value == "T2":
            row[col["to_school"] - 1].value = "U1"
    wb.save(plan / "plan.xlsx")
    r = run("check", plan)
    assert r.exit_code == 2, r.output
    text = flat(r.output)
    assert "plan.xlsx and assignments.csv were both changed" in text and "say which one to read" in text
    r = run("check", plan / "plan.xlsx")  # named, the workbook is read
    assert r.exit_code in (0, 1) and f"Read {plan / 'plan.xlsx'} (edited by hand" in flat(r.output), r.output


def test_an_edit_in_the_moves_sheet_is_refused_naming_the_sheet_to_edit(planned, tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(planned / "plan", plan)
    wb = load_workbook(plan / "plan.xlsx")
    ws = wb["Moves"]
    col = {c.value: c.column for c in ws[1]}
    assert ws.max_row >= 2, "the plan has moves"
    pid = ws.cell(row=2, column=col["person_id"]).value
    ws.cell(row=2, column=col["to_school"]).value = "U9"
    wb.save(plan / "plan.xlsx")
    for target in (plan, plan / "plan.xlsx"):
        r = run("check", target)
        assert r.exit_code == 2, r.output
        text = flat(r.output)
        assert "plan.xlsx, sheet Moves, row 2, column to_school (value 'U9')" in text, text
        assert f"{pid}: differs from the plan" in text and "make the change in sheet Assignments" in text


def test_computed_sheets_may_be_sorted_but_an_edited_figure_is_refused(planned, tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(planned / "plan", plan)
    wb = load_workbook(plan / "plan.xlsx")
    ws = wb["KPIs"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    for i, r in enumerate(reversed(rows), start=2):  # sorted the other way round: still the same figures
        for j, v in enumerate(r, start=1):
            ws.cell(row=i, column=j).value = v
    ws.cell(row=1, column=ws.max_column + 1).value = "comment"
    wb.save(plan / "plan.xlsx")
    r = run("check", plan)
    assert r.exit_code == 0, r.output
    col = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=col["after"]).value = 0.5
    wb.save(plan / "plan.xlsx")
    r = run("check", plan)
    assert r.exit_code == 2, r.output
    assert "plan.xlsx, sheet KPIs: changed by hand, but sheet KPIs is computed from the plan" in flat(r.output)
