"""Jobs and workers when the server stops or starts again: a worker left from a stopped server cannot write
"done" over the "failed" the new server gave its job, and `rotaplan serve` stopped by SIGTERM or Ctrl-C fails
its running jobs and ends its workers, leaving no process behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from webclient import finished, log_in, make_users, wait_job

from rotaplan.web.app import create_app
from rotaplan.web.store import WebStore


def _alive(pid: int) -> bool:
    """A process that runs (or is stopped); not one that is gone or a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _start_plan(c, csrf: str, workbook, limit: str) -> int:
    c.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
    r = c.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": limit}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_a_worker_left_from_a_stopped_server_cannot_write_done_over_failed(tmp_path, workbook):
    db = tmp_path / "runs.sqlite"
    make_users(db)
    with TestClient(create_app(db, workers=1, plan_workers=1)) as old:
        job_id = _start_plan(old, log_in(old, "cleo"), workbook, "5")
        st = old.app.state.store
        running = wait_job(st, job_id, lambda j: j["status"] == "running" and j["stage_no"] >= 1)
        os.kill(running["pid"], signal.SIGSTOP)  # the old server's worker, held in the middle of its plan
        try:
            with TestClient(create_app(db, workers=1)) as new:  # the server starts again meanwhile
                log_in(new, "cleo")
                assert "失败" in new.get(f"/runs/{job_id}").text
        finally:
            os.kill(running["pid"], signal.SIGCONT)
        outcome = old.app.state.jobs.futures[job_id].result(timeout=300)  # the old worker finishes its plan
        assert outcome == {"status": "stale"}
        job = WebStore(db).job(job_id)
        assert job["status"] == "failed" and "stopped" in job["error"] and job["plan_dir"] == ""
        assert "失败" in old.get(f"/runs/{job_id}").text


def test_a_database_of_the_first_web_tables_gets_the_new_columns_and_its_running_job_is_failed(tmp_path):
    import sqlite3

    db = tmp_path / "runs.sqlite"
    with sqlite3.connect(db) as con:  # web_jobs as the first release wrote it: no kind, token, roadmap columns
        con.execute("CREATE TABLE web_jobs (job_id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, "
                    "user TEXT NOT NULL, label TEXT NOT NULL DEFAULT '', upload_id INTEGER, policy_id INTEGER, "
                    "base_job INTEGER, lock_person TEXT NOT NULL DEFAULT '', spec TEXT NOT NULL DEFAULT '{}', "
                    "status TEXT NOT NULL, stage TEXT NOT NULL DEFAULT '', stage_no INTEGER NOT NULL DEFAULT 0, "
                    "pid INTEGER, outcome TEXT NOT NULL DEFAULT '', run_id INTEGER, plan_dir TEXT NOT NULL DEFAULT '', "
                    "notes TEXT NOT NULL DEFAULT '[]', error TEXT NOT NULL DEFAULT '', seconds REAL, "
                    "finished TEXT NOT NULL DEFAULT '')")
        con.execute("INSERT INTO web_jobs (created, user, status) VALUES ('2026-01-01', 'cleo', 'running')")
    make_users(db)
    with TestClient(create_app(db, workers=1)) as c:
        log_in(c, "cleo")
        assert "失败" in c.get("/runs/1").text and c.get("/roadmaps").status_code == 200
    job = WebStore(db).job(1)
    assert job["status"] == "failed" and job["kind"] == "plan" and job["token"] == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("how", ["SIGTERM to the server, its worker stuck", "Ctrl-C in the terminal"])
def test_serve_stopped_fails_its_running_jobs_and_leaves_no_worker_behind(tmp_path, workbook, how):
    db = tmp_path / "runs.sqlite"
    make_users(db)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    srv = subprocess.Popen([sys.executable, "-m", "rotaplan.cli", "serve", "--db", str(db), "--port", str(port),
                            "--workers", "1", "--cp-workers", "1"], env=env, start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as c:
            job_id = _start_plan(c, log_in(c, "cleo"), workbook, "120")
        st = WebStore(db)
        running = wait_job(st, job_id, lambda j: j["status"] == "running" and j["stage_no"] >= 1)
        worker = running["pid"]
        if how.startswith("SIGTERM"):
            os.kill(worker, signal.SIGSTOP)  # a worker that does not stop when asked: it is killed
            srv.send_signal(signal.SIGTERM)
        else:
            os.killpg(srv.pid, signal.SIGINT)  # the terminal sends Ctrl-C to the server and its workers
        srv.wait(timeout=120)  # well before the plan's own time limit would end it
        _, err = srv.communicate()
    finally:
        if srv.poll() is None:
            os.killpg(srv.pid, signal.SIGKILL)
            srv.wait()
    assert b"Traceback" not in err, err.decode()[-3000:]
    job = st.job(job_id)
    assert job["status"] == "failed" and "server was stopped" in job["error"], job
    for _ in range(50):  # the worker is gone (reaped by the server, not left to init)
        if not _alive(worker):
            break
        time.sleep(0.1)
    assert not _alive(worker)
    job_after = wait_job(st, job_id, finished, seconds=5)
    assert job_after["status"] == "failed"
