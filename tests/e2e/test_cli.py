"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Scenario


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_validate_builtin_sample_prints_summary():
    r = run("validate")
    assert r.exit_code == 0, r.output
    assert "valid" in r.output and "new hires to place" in r.output and "R10" in r.output


def test_validate_speaks_the_offices_language_with_rotaplan_lang(monkeypatch):
    monkeypatch.setenv("ROTAPLAN_LANG", "zh")
    r = run("validate")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "方案数据 laiwu：2027年度，检查通过。" in out and "按城乡和学段统计的学校" in out
    assert "待分配的新教师" in out and "当前政策指标（编制方案前）" in out and "乡村学校青年干部占比" in out
    assert "new hires to place" not in out and "valid." not in out
    assert "警告：" in out and "人缺少住址坐标" in out  # the sample's warning, its sentence in Chinese too


def test_bad_scenario_exits_2_with_row_and_column_and_no_traceback(tmp_path):
    Scenario.read().write(tmp_path / "sc")
    staff = pd.read_csv(tmp_path / "sc" / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[4, "gender"] = "男性"
    staff.to_csv(tmp_path / "sc" / "staff.csv", index=False)
    before = (tmp_path / "sc" / "staff.csv").read_bytes()
    p = subprocess.run([sys.executable, "-m", "rotaplan.cli", "validate", str(tmp_path / "sc")],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "staff.csv, row 6, column gender (value '男性')" in p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    assert (tmp_path / "sc" / "staff.csv").read_bytes() == before


def test_missing_scenario_path_exits_2():
    r = run("validate", "/nonexistent/folder")
    assert r.exit_code == 2 and "no such file or folder" in r.output


def test_generate_is_deterministic_and_writes_workbooks(tmp_path):
    assert run("generate", "--staff", "600", "--seed", "7", str(tmp_path / "a")).exit_code == 0
    assert run("generate", "--staff", "600", "--seed", "7", str(tmp_path / "b")).exit_code == 0
    for f in ("schools.csv", "staff.csv", "demand.csv", "roads.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    r = run("generate", "--staff", "600", "--seed", "7", str(tmp_path / "a.xlsx"))
    assert r.exit_code == 0
    assert len(Scenario.read(tmp_path / "a.xlsx").staff) == len(Scenario.read(tmp_path / "a").staff)
    assert run("validate", str(tmp_path / "a.xlsx")).exit_code == 0


def test_help_texts_read_well():
    for cmd in ([], ["validate"], ["generate"], ["plan"], ["check"], ["routes"]):
        r = run(*cmd, "--help")
        assert r.exit_code == 0 and "Usage:" in r.output
    assert "built-in" in run("validate", "--help").output
