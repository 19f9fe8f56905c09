"""The office's files are safe: rotaplan writes only to a new path or over an output it made itself and
nobody changed since, never over the scenario, and a kill at any moment leaves the previous plan whole.

Every refusal test hashes every file under the test folder (dotfiles included) before and after: not a
byte of the user's files may change, and nothing may be added, hidden or deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rotaplan.cli import main
from rotaplan.models import Plan
from rotaplan.models.outputs import MARKER, compare_manifest, read_marker
from rotaplan.runs.history import History

FAST = ["--time-limit", "2", "--workers", "1"]


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by relative path (dotfiles and temporary folders included)."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            f = Path(dirpath) / name
            out[f.relative_to(root).as_posix()] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def cli(*args, cwd: Path | None = None):
    """The command in this process (fast); the working folder changed for `--out .` and friends."""
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture()
def office(tmp_path, tiny):
    """A user's folder: the scenario as a workbook and as a CSV folder, a Word file, a notes folder."""
    tiny.write(tmp_path / "district.xlsx")
    tiny.write(tmp_path / "district")
    # From here on these are the office's own files: edited by hand, so no longer rotaplan's output.
    with open(tmp_path / "district" / "staff.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    wb = load_workbook(tmp_path / "district.xlsx")
    wb.properties.lastModifiedBy = "personnel office"
    wb.save(tmp_path / "district.xlsx")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "memo.docx").write_bytes(b"PK\x03\x04 a memo the office wrote")
    (tmp_path / "notes" / "district.xlsx").write_bytes((tmp_path / "district.xlsx").read_bytes())
    (tmp_path / "letter.docx").write_bytes(b"PK\x03\x04 a letter")
    (tmp_path / "compare.html").write_text("<html><head></head><body>the office's own page</body></html>")
    return tmp_path


def refused(result, *words) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "rotaplan" in result.output and ("Choose" in result.output or "choose" in result.output), result.output
    for w in words:
        assert w in result.output, result.output


# ---- plan --out ---------------------------------------------------------------------------------
@pytest.mark.parametrize("out, why", [
    ("notes", "rotaplan did not make (it holds district.xlsx, memo.docx)"),  # was: everything in it deleted
    ("letter.docx", "it is a file, not a folder"),  # was: the file hidden as a dotfile
    ("district.xlsx", "it is the scenario itself"),  # was: the scenario workbook hidden
    ("district", "it holds a rotaplan scenario, not a plan"),  # a copy of the scenario, as rotaplan wrote it
    (".", "it is the folder you are working in"),  # was: a traceback
    ("..", "it holds the folder you are working in"),
    ("letter.docx/sub", "letter.docx is a file, not a folder"),  # was: a traceback
])
def test_plan_refuses_every_path_that_is_not_its_own_and_changes_no_byte(office, out, why):
    before = snapshot(office)
    r = cli("plan", office / "district.xlsx", "--out", out, *FAST, cwd=office)
    refused(r, why, "--out ")
    assert snapshot(office) == before


def test_plan_never_writes_into_a_folder_holding_its_scenario(office):
    before = snapshot(office)
    r = cli("plan", office / "notes" / "district.xlsx", "--out", office / "notes", *FAST)
    refused(r, "it holds the scenario")
    r = cli("plan", office / "district", "--out", office, *FAST)
    refused(r, "it holds the scenario")
    r = cli("plan", office / "district", "--out", office / "district", *FAST)
    refused(r, "it is the scenario itself")
    r = cli("plan", office / "district", "--out", office / "district" / "staff.csv", *FAST)
    refused(r, "it is part of the scenario")
    assert snapshot(office) == before


def test_plan_replaces_its_own_plan_but_not_once_the_office_changed_it(office):
    plan = office / "plan-2027"
    r = cli("plan", office / "district", "--out", plan, *FAST)
    assert r.exit_code == 0, r.output
    assert read_marker(plan)["kind"] == "plan"
    first = snapshot(office)
    r = cli("plan", office / "district", "--out", plan, "--seed", "3", *FAST)  # its own, unchanged: replaced
    assert r.exit_code == 0, r.output
    assert json.loads((plan / "meta.json").read_text())["seed"] == 3
    assert not [p for p in office.iterdir() if p.name.startswith(".plan-2027.")]  # no temporary left

    # A file the office added, or a plan.xlsx edited in Excel, makes the folder the office's.
    (plan / "minutes.docx").write_bytes(b"the meeting's minutes")
    before = snapshot(office)
    refused(cli("plan", office / "district", "--out", plan, *FAST), "minutes.docx was not written by rotaplan",
            "Move your files out of it")
    assert snapshot(office) == before
    (plan / "minutes.docx").unlink()
    wb = load_workbook(plan / "plan.xlsx")
    wb.worksheets[0]["A1"] = wb.worksheets[0]["A1"].value  # opened and saved, as Excel does
    wb.save(plan / "plan.xlsx")
    before = snapshot(office)
    refused(cli("plan", office / "district", "--out", plan, *FAST), "plan.xlsx changed since rotaplan wrote it")
    assert snapshot(office) == before
    assert first != before


def test_plan_lock_never_replaces_the_edited_plan(office):
    plan = office / "plan"
    assert cli("plan", office / "district", "--out", plan, *FAST).exit_code == 0
    before = snapshot(office)
    r = cli("plan", office / "district", "--lock", plan, "--out", plan, *FAST)
    refused(r, "it is the edited plan given to --lock")
    assert snapshot(office) == before


def test_plan_never_writes_the_run_history_into_its_folder(office):
    r = cli("plan", office / "district", "--out", office / "p", "--db", office / "p" / "runs.sqlite", *FAST)
    refused(r, "it holds the run history")
    assert not (office / "p").exists()


def test_an_empty_folder_the_office_made_is_used(office):
    (office / "empty").mkdir()
    r = cli("plan", office / "district", "--out", office / "empty", *FAST)
    assert r.exit_code == 0, r.output
    assert Plan.read(office / "empty").assignments["person_id"].tolist()


def test_a_read_only_folder_is_a_clear_message_not_a_traceback(office):
    if os.geteuid() == 0:  # root writes through permissions: a file system nobody may write instead
        target = Path("/sys/rotaplan-test-plan")
    else:
        (office / "ro").mkdir()
        os.chmod(office / "ro", 0o555)
        target = office / "ro" / "plan"
    before = snapshot(office)
    r = cli("plan", office / "district", "--out", target, *FAST)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and "cannot create anything in" in r.output
    assert snapshot(office) == before


def test_a_link_is_not_followed(office):
    (office / "link").symlink_to(office / "notes")
    before = snapshot(office)
    refused(cli("plan", office / "district", "--out", office / "link", *FAST), "it is a link")
    assert snapshot(office) == before


# ---- generate, compare, sweep ---------------------------------------------------------------------
@pytest.mark.parametrize("out, why", [
    ("notes", "rotaplan did not make"),  # was: its files deleted
    ("letter.docx", "it is a file, not a folder"),
    ("district.xlsx", "it was changed since rotaplan wrote it"),  # generated once, then saved by the office
    ("district", "staff.csv changed since rotaplan wrote it"),
    (".", "it is the folder you are working in"),
])
def test_generate_refuses_what_is_not_its_own_unchanged_output(office, out, why):
    before = snapshot(office)
    r = cli("generate", "--staff", "500", out, cwd=office)
    refused(r, why)
    assert snapshot(office) == before


def test_generate_replaces_its_own_unchanged_scenario(tmp_path):
    for out in ("g", "g.xlsx"):
        assert cli("generate", "--staff", "500", "--seed", "1", tmp_path / out).exit_code == 0
        r = cli("generate", "--staff", "500", "--seed", "2", tmp_path / out)
        assert r.exit_code == 0, r.output
    assert read_marker(tmp_path / "g")["kind"] == "scenario"
    assert cli("validate", tmp_path / "g.xlsx").exit_code == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_compare_and_sweep_pages_go_only_where_rotaplan_may_write(office):
    a, b = office / "a", office / "b"
    assert cli("plan", office / "district", "--out", a, *FAST).exit_code == 0
    assert cli("plan", office / "district", "--out", b, "--seed", "1", *FAST).exit_code == 0
    before = snapshot(office)
    refused(cli("compare", a, b, "--html", office / "compare.html"), "a file rotaplan did not make")
    refused(cli("compare", a, b, "--html", office / "letter.docx"), "a file rotaplan did not make")
    assert snapshot(office) == before
    page = office / "a-vs-b.html"
    assert cli("compare", a, b, "--html", page).exit_code == 0
    assert 'name="generator" content="rotaplan compare' in page.read_text()
    r = cli("compare", a, b, "--html", page)  # its own page: replaced
    assert r.exit_code == 0, r.output
    page.write_text(page.read_text().replace("</body>", "<p>the office's note</p></body>"))
    before = snapshot(office)
    refused(cli("compare", a, b, "--html", page), "it was changed since rotaplan wrote it")
    grid = office / "grid.yaml"
    grid.write_text(f"scenario: {office / 'district'}\ntime_limit: 1\n")
    before = snapshot(office)
    refused(cli("sweep", grid, "--html", office / "letter.docx"), "a file rotaplan did not make")
    refused(cli("sweep", grid, "--html", grid), "it is the grid file itself")
    assert snapshot(office) == before


# ---- temporary folders left by a kill --------------------------------------------------------------
def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_temporary_folders_a_kill_left_are_removed_by_the_next_run_but_not_foreign_ones(office):
    dead = _dead_pid()
    stale = office / ".plan.tmp-0badf00d"
    stale.mkdir()
    (stale / "assignments.csv").write_text("half written")
    (stale / MARKER).write_text(json.dumps({"made_by": "rotaplan", "kind": "plan", "state": "temporary",
                                            "pid": dead, "host": os.uname().nodename}))
    foreign = office / ".plan.tmp-mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not rotaplan's")
    r = cli("plan", office / "district", "--out", office / "plan", *FAST)
    assert r.exit_code == 0, r.output
    assert not stale.exists()
    assert (foreign / "keep.txt").read_text() == "not rotaplan's"


# ---- kill safety ----------------------------------------------------------------------------------
def _wait_for(cond, proc, timeout=60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if cond():
            return True
        time.sleep(0.0005)
    return False


def test_a_kill_at_five_moments_leaves_the_previous_plan_and_the_history_whole(tmp_path, tiny):
    """SIGKILL during start-up, as the temporary folder appears, while it is filled, right after the
    swap and while the run is stored: the plan folder is always either the previous plan, byte for byte,
    or the new one complete (its marker's manifest matches every file); the history opens and lists its
    runs; the next run cleans up whatever the kills left."""
    sc, db, out = tmp_path / "sc", tmp_path / "h.sqlite", tmp_path / "plan"
    tiny.write(sc)
    base = [sys.executable, "-m", "rotaplan.cli", "plan", str(sc), "--out", str(out), "--db", str(db), *FAST]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    assert subprocess.run(base, capture_output=True, env=env).returncode == 0
    previous = snapshot(out)
    runs = len(History(db).runs())

    def temps():
        return [p for p in tmp_path.iterdir() if p.name.startswith(".plan.tmp-")]

    def filled():
        return any((t / "plan.xlsx").exists() for t in temps())

    def swapped():
        return snapshot(out) != previous if (out / MARKER).exists() else False

    wal = Path(f"{db}-wal")  # exists only while a connection is open: the killed run storing its run

    def wal_state():
        return (wal.stat().st_size, wal.stat().st_mtime_ns) if wal.exists() else None

    moments = {"start-up": None, "temporary folder": lambda: bool(temps()), "filling": filled,
               "swapped": swapped, "storing": lambda: wal_state() != idle}
    kept = []
    for seed, (moment, cond) in enumerate(moments.items(), start=1):
        idle = wal_state()
        proc = subprocess.Popen([*base, "--seed", str(seed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        if cond is None:
            time.sleep(0.5)
        else:
            _wait_for(cond, proc)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        now = snapshot(out)
        if now == previous:
            kept.append(moment)
        else:  # the new plan, whole: exactly the files its marker lists, unchanged
            marker = read_marker(out)
            assert marker and marker["state"] == "complete", moment
            assert compare_manifest(out, marker["files"]) == ([], []), moment
            assert set(marker["files"]) == set(now) - {MARKER}, moment
            previous = now
        assert len(Plan.read(out).assignments) == len(tiny.staff), moment
        for t in temps():  # whatever a kill left is rotaplan's, marked or still empty: the next run removes it
            assert read_marker(t) is not None or {x.name for x in t.iterdir()} <= {MARKER + ".tmp"}, (moment, t)
        with closing(sqlite3.connect(db)) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        listed = History(db).runs()
        assert len(listed) >= runs and (listed["status"] == "ok").all(), moment
        runs = len(listed)
    assert "start-up" in kept  # the kill before any writing left the previous plan, byte for byte
    assert "swapped" not in kept and "storing" not in kept  # killed after the swap: the new plan, whole
    r = subprocess.run(base, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.")]
    assert len(History(db).runs()) == runs + 1
