"""Run history: runs are stored in one SQLite file, survive restarts, and `runs`/`show` print them."""

from __future__ import annotations

import json
import sqlite3

import pytest
from builders import build
from click.testing import CliRunner
from plans import staying_plan

from rotaplan.cli import main
from rotaplan.models import Plan, ScenarioError
from rotaplan.models.plan import RULE_IDS
from rotaplan.optimizer import SolveParams
from rotaplan.runs.history import History, default_path, fingerprint
from rotaplan.scenarios.whatif import WhatIf


def test_a_run_survives_a_restart_with_everything_stored(tmp_path, tiny):
    db = tmp_path / "runs.sqlite"
    plan = staying_plan(tiny, {"T1": ("exchange", "R1"), "H1": ("place_new", "U1")})
    wi = WhatIf.from_mapping({"name": "share20", "policy": {"exchange_share": 0.2}}, "share20.yaml")
    run_id = History(db).add(plan=plan, sc=tiny, scenario="tiny/", whatif=wi, params=SolveParams(5, 7, 1),
                             seconds=1.5, label="share20", notes=["a note"])
    assert run_id == 1
    del plan

    again = History(db)  # a new process would do the same: open the file, read
    runs = again.runs()
    assert list(runs["run_id"]) == [1]
    r = runs.iloc[0]
    assert (r["status"], r["label"], r["whatif_name"], r["seed"], r["workers"], r["staff"]) == \
        ("ok", "share20", "share20", 7, 1, 5)
    assert r["moves"] == 2 and r["worst_gap"] == 0.0
    run = again.get(1)
    assert run.record["fingerprint"] == fingerprint(tiny)
    assert run.record["time_limit"] == 5.0 and run.record["scenario"] == "tiny/"
    assert "exchange_share: 0.2" in run.record["whatif"]
    assert "plan_year: 2027" in run.record["policy"]
    assert json.loads(run.record["notes"]) == ["a note"]
    a = run.plan.assignments.set_index("person_id")
    assert a.loc["T1", "move"] == "exchange" and a.loc["T1", "to_school"] == "R1"
    assert a.loc["H1", "from_school"] == "" and a.loc["H1", "to_school"] == "U1"
    assert int(a.loc["T2", "home_lessons"]) == 16
    assert run.plan.itinerant.to_dict("records") == [
        {"person_id": "T1", "day": 1, "seq": 1, "school_id": "R1", "subject": "math", "lessons": 2,
         "travel_minutes": 12.5}]
    assert list(run.plan.compliance["rule"]) == list(RULE_IDS)
    assert run.plan.kpis["after"]["moves"] == 2
    assert run.plan.kpis["solver"]["leaders"]["status"] == "optimal"


def test_the_file_is_sqlite_in_wal_mode_and_readable_by_any_client(tmp_path, tiny):
    db = tmp_path / "runs.sqlite"
    History(db).add(plan=staying_plan(tiny, {}), sc=tiny)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT COUNT(*) FROM assignments WHERE run_id = 1").fetchone()[0] == 5
    con.close()


def test_fingerprint_follows_the_data_and_the_policy(tiny):
    staff = tiny.staff.assign(birth_date=tiny.staff["birth_date"].dt.strftime("%Y-%m-%d"))
    same = build(tiny.schools.to_dict("records"), staff.to_dict("records"),
                 list(tiny.demand.itertuples(index=False, name=None)))
    assert fingerprint(same) == fingerprint(tiny)
    other = WhatIf.from_mapping({"policy": {"exchange_share": 0.3}}).apply(tiny)
    assert fingerprint(other) != fingerprint(tiny)


def test_run_references_and_failed_runs(tmp_path, tiny):
    h = History(tmp_path / "h.sqlite")
    first = h.add(plan=staying_plan(tiny, {}), sc=tiny, label="a")
    second = h.add(status="failed", error="leaders: model invalid", label="b")
    assert h.resolve("last") == second and h.resolve("-2") == first and h.resolve(str(first)) == first
    with pytest.raises(ScenarioError) as e:
        h.resolve("99")
    assert "no such run in the history" in str(e.value)
    runs = h.runs()
    assert list(runs["status"]) == ["ok", "failed"]
    assert runs.iloc[1]["error"] == "leaders: model invalid"


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("ROTAPLAN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "rotaplan" / "runs.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "rotaplan" / "runs.sqlite"
    monkeypatch.setenv("ROTAPLAN_DB", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"
    History().add(status="failed", error="x")
    assert (tmp_path / "x.sqlite").exists()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database at all, just text " * 100)
    with pytest.raises(ScenarioError) as e:
        History(bad)
    assert "cannot open the run history" in str(e.value) and "--db" in str(e.value)


def test_cli_runs_and_show(tmp_path, tiny, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    db = tmp_path / "h.sqlite"
    runner = CliRunner()
    r = runner.invoke(main, ["runs", "--db", str(db)])
    assert r.exit_code == 0 and "No runs stored" in r.output
    History(db).add(plan=staying_plan(tiny, {"T1": ("exchange", "R1")}), sc=tiny, label="by hand",
                    params=SolveParams(5, 3, 1), extra={"hard_violations": []})
    r = runner.invoke(main, ["runs", "--db", str(db)], terminal_width=200)
    assert r.exit_code == 0, r.output
    assert "by hand" in r.output and "tiny" in r.output
    r = runner.invoke(main, ["show", "1", "--db", str(db)], terminal_width=200)
    assert r.exit_code == 0, r.output
    for text in ("Run 1", "by hand", "KPIs", "degree_ratio_urban_rural", "Compliance", "R12", "Solver",
                 "optimal", "no hard-rule violation"):
        assert text in r.output
    r = runner.invoke(main, ["show", "7", "--db", str(db)])
    assert r.exit_code == 2 and "no such run" in r.output


def test_cli_plan_stores_the_run(tmp_path, tiny):
    """The whole `rotaplan plan` on a tiny scenario folder stores a run that `show` reprints."""
    folder = tiny.write(tmp_path / "tiny")
    db = tmp_path / "h.sqlite"
    runner = CliRunner()
    r = runner.invoke(main, ["plan", str(folder), "--out", str(tmp_path / "plan"), "--db", str(db),
                             "--time-limit", "5", "--workers", "1"], terminal_width=200)
    assert r.exit_code == 0, r.output
    assert "Stored as run 1" in r.output
    run = History(db).get(1)
    assert run.record["plan_dir"] == str((tmp_path / "plan").resolve())
    assert run.record["fingerprint"] == fingerprint(tiny)
    assert len(run.plan.assignments) == 5
    stored = Plan.read(tmp_path / "plan").assignments.set_index("person_id")[["move", "to_school"]]
    again = run.plan.assignments.set_index("person_id")[["move", "to_school"]]
    assert stored.sort_index().equals(again.sort_index())


def test_a_history_made_before_retire_date_gets_the_column(tmp_path):
    # contract v2 added retire_date to assignments.csv: an older history file is upgraded when opened
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE assignments (run_id INTEGER NOT NULL, person_id TEXT NOT NULL, name TEXT, "
                "role_before TEXT, role_after TEXT, from_school TEXT, to_school TEXT, move TEXT, period2_school TEXT, "
                "director_of TEXT, home_lessons INTEGER, rules TEXT, reason TEXT, rural_service_years REAL, "
                "PRIMARY KEY (run_id, person_id)) WITHOUT ROWID")
    con.commit()
    con.close()
    History(path)
    con = sqlite3.connect(path)
    cols = {r[1] for r in con.execute("PRAGMA table_info(assignments)")}
    assert {"retire_date", "home_school", "posting_until"} <= cols  # R16's columns too
    con.close()


def test_a_posting_is_stored_and_read_back(tmp_path, tiny):
    """R16: the run history keeps home_school and posting_until, also in a file made before they existed."""
    from plans import staying_plan

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE assignments (run_id INTEGER NOT NULL, person_id TEXT NOT NULL, name TEXT, "
                "role_before TEXT, role_after TEXT, from_school TEXT, to_school TEXT, move TEXT, period2_school TEXT, "
                "director_of TEXT, home_lessons INTEGER, rules TEXT, reason TEXT, rural_service_years REAL, "
                "PRIMARY KEY (run_id, person_id)) WITHOUT ROWID")
    con.commit()
    con.close()
    plan = staying_plan(tiny, {})
    pid = plan.assignments["person_id"].iloc[-1]
    plan.assignments.loc[plan.assignments["person_id"] == pid, ["home_school", "posting_until"]] = ["U1", "2029"]
    h = History(path)
    run_id = h.add(plan=plan, sc=tiny)
    back = h.get(run_id).plan.assignments.set_index("person_id")
    assert (back.at[pid, "home_school"], back.at[pid, "posting_until"]) == ("U1", "2029")
    assert (back["home_school"] != "").sum() == 1
