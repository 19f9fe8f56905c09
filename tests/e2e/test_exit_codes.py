"""Exit codes and errors as a user meets them: 0 ok, 1 `check` found hard violations, 2 bad input (no
traceback), 3 infeasible (nothing written, unless --allow-violations writes a marked draft), 70 a bug in
rotaplan (its traceback shown, never dressed up as an input error)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from builders import build, person, school
from click.testing import CliRunner
from openpyxl import load_workbook

from rotaplan.cli import main
from rotaplan.runs.history import History

FAST = ["--time-limit", "2", "--workers", "1"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # messages and tables on one line each, as in a wide terminal


def hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def crowded(tmp_path):
    """Two schools with a staff quota of one teacher each, both full, and two new hires to place: no plan
    keeps R8."""
    sc = build([school("U1", is_township_seat=True, staff_quota=1),
                school("R1", area="rural", township="T2", is_township_seat=True, staff_quota=1)],
               [person("L1", role="principal", school_id="U1"), person("L2", role="principal", school_id="R1"),
                person("T1", school_id="U1"), person("T2", school_id="R1"),
                person("H1", school_id="", contract_period=0), person("H2", school_id="", contract_period=0)],
               [("U1", "math", 16), ("R1", "math", 16)])
    sc.write(tmp_path / "crowded")
    return tmp_path / "crowded"


def test_exit_codes_are_documented_in_the_help():
    text = cli("--help").output
    assert "Exit codes: 0 ok; 1 `check` found hard-rule violations; 2 bad input" in " ".join(text.split())
    assert "3 infeasible" in text and "--allow-violations" in cli("plan", "--help").output


def test_an_impossible_what_if_is_not_a_plan_and_exits_3(tmp_path):
    """The issue's case: 5,000 hires into a 500-staff district. Before: 13 hard violations stored as a
    plan, exit 0, after "the clerk's placement is used instead"; now no plan: the quotas short are named with the
    seats they lack, the plan shown is above them by exactly those seats (R8 at each), and R15 breaks too."""
    assert cli("generate", "--staff", "500", "--seed", "1", tmp_path / "d").exit_code == 0
    (tmp_path / "hire5000.yaml").write_text("name: hire_5000\nhires:\n  - count: 5000\n    degree: bachelor\n")
    db = tmp_path / "h.sqlite"
    r = cli("plan", tmp_path / "d", "--whatif", tmp_path / "hire5000.yaml", "--out", tmp_path / "plan",
            "--db", db, "--time-limit", "1", "--workers", "1")
    assert r.exit_code == 3, r.output
    assert "Infeasible: no plan keeps every hard rule" in r.output
    flat = " ".join(r.output.split())
    short = int(re.search(r"seats short in all: (\d+)", flat).group(1))
    over = re.findall(r"\[R8, hard\] S\d+: (\d+) teachers after the plan, above the staff quota of (\d+)", flat)
    n_r8 = int(re.search(r"R8: (\d+) violation\(s\)", flat).group(1))
    assert len(over) == min(n_r8, len(over)) and n_r8 >= 1
    if len(over) == n_r8:  # every R8 line shown: the schools are above their quotas by exactly the seats short
        assert sum(int(n) - int(q) for n, q in over) == short
    # 5,000 hires without backbone level also dilute the urban backbone share below R15's floor
    assert "R15: 1 violation(s)" in r.output
    assert "used instead" not in r.output and "so no plan was written" in " ".join(r.output.split())
    assert not (tmp_path / "plan").exists()
    run = History(db).get("last")
    assert run.record["status"] == "infeasible" and f"R15 (1), R8 ({n_r8})" in run.record["error"]
    assert run.plan.assignments.empty  # stored as what it is, not as a plan
    assert json.loads(run.record["extra"])["hard_violation_count"] == n_r8 + 1  # and R15


def test_an_infeasible_run_leaves_the_previous_plan_alone(tmp_path, crowded, tiny):
    tiny.write(tmp_path / "ok")
    assert cli("plan", tmp_path / "ok", "--out", tmp_path / "plan", *FAST).exit_code == 0
    before = hashes(tmp_path / "plan")
    r = cli("plan", crowded, "--out", tmp_path / "plan", *FAST)
    assert r.exit_code == 3, r.output
    assert "[R8, hard] R1: 3 teachers after the plan, above the staff quota of 1" in r.output
    assert hashes(tmp_path / "plan") == before


def test_allow_violations_writes_a_draft_marked_as_such_and_still_exits_3(tmp_path, crowded):
    db = tmp_path / "h.sqlite"
    r = cli("plan", crowded, "--out", tmp_path / "draft", "--allow-violations", "--db", db, *FAST)
    assert r.exit_code == 3, r.output
    assert "DRAFT, not a plan" in r.output and "(draft)" in r.output
    meta = json.loads((tmp_path / "draft" / "meta.json").read_text())
    assert meta["draft"] is True
    report = (tmp_path / "draft" / "report.html").read_text(encoding="utf-8")
    assert "DRAFT, NOT A PLAN: 1 hard-rule violation(s), R8 (1)" in report
    run = History(db).get("last")
    assert run.record["status"] == "draft" and len(run.plan.assignments) == 6
    assert "draft" in cli("runs", "--db", db).output
    assert "DRAFT, not a plan" in cli("show", "last", "--db", db).output
    # plan.xlsx says it too: the workbook opens on its About sheet, whose first row is the draft mark
    wb = load_workbook(tmp_path / "draft" / "plan.xlsx", read_only=True)
    assert wb.sheetnames[0] == "About"
    rows = list(wb["About"].iter_rows(values_only=True))
    assert rows[1][:2] == ("draft", "DRAFT, NOT A PLAN: 1 hard-rule violation(s), R8 (1). It was written with "
                           "--allow-violations for discussion only; see the compliance table and `rotaplan check`.")
    wb.close()
    # `check` reads the draft like any plan and exits 1: a hard rule is broken
    c = cli("check", tmp_path / "draft")
    assert c.exit_code == 1 and "[R8, hard] R1" in c.output


def test_a_draft_in_chinese_is_marked_in_chinese_in_the_report_and_the_workbook(tmp_path, crowded):
    r = cli("plan", crowded, "--out", tmp_path / "draft", "--allow-violations", "--lang", "zh",
            "--db", tmp_path / "h.sqlite", *FAST)
    assert r.exit_code == 3, r.output
    assert "草稿，不是方案：违反硬性规则1处。" in r.output and "DRAFT" not in r.output  # the terminal too
    assert "规则执行情况" in r.output and "Compliance" not in r.output
    report = (tmp_path / "draft" / "report.html").read_text(encoding="utf-8")
    assert "草稿，不是方案：违反硬性规则1处，R8（1处）。" in report and "DRAFT" not in report
    wb = load_workbook(tmp_path / "draft" / "plan.xlsx", read_only=True)
    assert wb.sheetnames[0] == "说明"
    first = list(wb["说明"].iter_rows(values_only=True))[1]
    assert first[0] == "draft" and first[1].startswith("草稿，不是方案：违反硬性规则1处，R8（1处）。")
    wb.close()
    assert cli("check", tmp_path / "draft").exit_code == 1  # still read back like any plan


def test_check_exits_0_on_a_plan_that_keeps_every_hard_rule(tmp_path, tiny):
    tiny.write(tmp_path / "sc")
    assert cli("plan", tmp_path / "sc", "--out", tmp_path / "plan", *FAST).exit_code == 0
    assert meta_draft(tmp_path / "plan") is False
    assert cli("check", tmp_path / "plan").exit_code == 0
    wb = load_workbook(tmp_path / "plan" / "plan.xlsx", read_only=True)  # a plan's workbook has no draft mark
    assert wb.sheetnames[0] != "About"
    assert "draft" not in [r[0] for r in wb["About"].iter_rows(values_only=True)]
    wb.close()


def meta_draft(folder: Path):
    return json.loads((folder / "meta.json").read_text())["draft"]


# ---- honest errors --------------------------------------------------------------------------------
@pytest.fixture()
def planned(tmp_path, tiny):
    tiny.write(tmp_path / "sc")
    db = tmp_path / "h.sqlite"
    assert cli("plan", tmp_path / "sc", "--out", tmp_path / "plan", "--db", db, *FAST).exit_code == 0
    return tmp_path, db


@pytest.mark.parametrize("args, says", [
    (["explain", "NOBODY", "{plan}"], "person_id (value 'NOBODY'): no such person in this plan"),
    (["routes", "NOBODY", "{plan}"], "person_id (value 'NOBODY'): no such person in this plan"),
    (["routes", "T2", "{plan}"], "person_id (value 'T2'): no itinerant stops in this plan"),
    (["show", "99", "--db", "{db}"], "no such run in the history"),
    (["compare", "{plan}", "99", "--db", "{db}", "--html", "{tmp}/c.html"], "no such run in the history"),
    (["plan", "{tmp}/missing", "--out", "{tmp}/p"], "no such file or folder"),
])
def test_user_mistakes_exit_2_with_a_message_and_no_traceback(planned, args, says):
    tmp, db = planned
    r = cli(*[a.format(plan=tmp / "plan", db=db, tmp=tmp) for a in args])
    assert r.exit_code == 2, r.output
    assert says in r.output and "Traceback" not in r.output and "bug in rotaplan" not in r.output


def test_a_path_that_cannot_be_read_is_a_sentence_not_a_traceback(planned):
    tmp, _ = planned
    (tmp / "broken").mkdir()
    (tmp / "broken" / "assignments.csv").mkdir()  # a folder where a file should be
    r = cli("check", tmp / "broken", tmp / "sc")
    assert r.exit_code == 2, r.output
    assert "assignments.csv: it is a folder, not a file" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("bug", [KeyError("person_id"), ZeroDivisionError("division by zero")])
def test_a_bug_shows_its_traceback_and_asks_to_be_reported(planned, monkeypatch, bug):
    """A KeyError inside rotaplan used to print "error: not found" and exit 2, hiding the bug."""
    tmp, _ = planned

    def broken(*args, **kwargs):
        raise bug

    monkeypatch.setattr("rotaplan.runs.service.plan_run", broken)
    r = cli("plan", tmp / "sc", "--out", tmp / "p2", *FAST)
    assert r.exit_code == 70, r.output
    assert "Traceback (most recent call last)" in r.output and type(bug).__name__ in r.output
    assert "This is a bug in rotaplan" in r.output and "not found" not in r.output


def test_a_bug_in_a_real_process_prints_the_traceback_on_stderr(planned):
    tmp, _ = planned
    code = ("import sys, rotaplan.runs.service as s\n"
            "def broken(*a, **k):\n    return {}['no such key']\n"
            "s.plan_run = broken\n"
            "from rotaplan.cli import main\n"
            f"main(['plan', {str(tmp / 'sc')!r}, '--out', {str(tmp / 'p3')!r}, '--time-limit', '1'])\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert p.returncode == 70, p.stderr
    assert "Traceback (most recent call last)" in p.stderr and "KeyError: 'no such key'" in p.stderr
    assert "please report" in p.stderr.lower()
    assert not (tmp / "p3").exists()
