"""The web application's own tables: users, sessions, audit log, uploads, named policies and plan jobs.

They live in the run history's SQLite file (runs/history.py, `--db`), beside its tables and under their own
names (`web_*`), so one file holds everything the office keeps; runs/history.py owns and migrates its own
tables, this module only its own. Uploaded files and plan folders go into a folder the server owns beside
the database (`<db stem>-web/`), always under names the server chose.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..runs.history import default_path

ROLES = ("admin", "clerk", "viewer")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_users (
    user_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name      TEXT NOT NULL UNIQUE,
    role      TEXT NOT NULL,                 -- admin | clerk | viewer
    pw_hash   TEXT NOT NULL,                 -- argon2id, never the password
    created   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash TEXT PRIMARY KEY,             -- sha256 of the cookie value
    user_id    INTEGER NOT NULL REFERENCES web_users(user_id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    REAL NOT NULL,
    expires    REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    user     TEXT NOT NULL,
    action   TEXT NOT NULL,                  -- login, upload, policy, plan, lock, download, user ...
    object   TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS web_uploads (
    upload_id INTEGER PRIMARY KEY AUTOINCREMENT,
    created   TEXT NOT NULL,
    user      TEXT NOT NULL,
    filename  TEXT NOT NULL,                 -- as the browser sent it: shown, never used as a path
    kind      TEXT NOT NULL,                 -- xlsx | zip
    path      TEXT NOT NULL DEFAULT '',      -- server-chosen: <data>/uploads/<token>/scenario(.xlsx)
    status    TEXT NOT NULL,                 -- valid | invalid | refused
    problems  TEXT NOT NULL DEFAULT '[]',    -- JSON list of {source,row,column,header,cell,value,message,severity}
    summary   TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS web_policies (
    policy_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name      TEXT NOT NULL,
    created   TEXT NOT NULL,
    user      TEXT NOT NULL,
    upload_id INTEGER,
    values_json TEXT NOT NULL                -- every key, flat (weights.move ...)
);
CREATE TABLE IF NOT EXISTS web_jobs (
    job_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    created   TEXT NOT NULL,
    user      TEXT NOT NULL,
    label     TEXT NOT NULL DEFAULT '',
    upload_id INTEGER,
    policy_id INTEGER,
    base_job  INTEGER,                       -- the plan a lock re-plans
    lock_person TEXT NOT NULL DEFAULT '',
    spec      TEXT NOT NULL DEFAULT '{}',    -- JSON: the PlanRequest's plain values
    status    TEXT NOT NULL,                 -- queued | running | done | failed
    stage     TEXT NOT NULL DEFAULT '',
    stage_no  INTEGER NOT NULL DEFAULT 0,
    pid       INTEGER,
    outcome   TEXT NOT NULL DEFAULT '',      -- ok | draft | infeasible (the run service's)
    run_id    INTEGER,
    plan_dir  TEXT NOT NULL DEFAULT '',
    notes     TEXT NOT NULL DEFAULT '[]',
    error     TEXT NOT NULL DEFAULT '',
    seconds   REAL,
    finished  TEXT NOT NULL DEFAULT ''
);
"""

# Columns added since the first release of the web tables: (column, declaration); added to an older file as the
# server opens it (ALTER TABLE ... ADD COLUMN), so every database has them.
_ADDED = {
    "web_jobs": (
        ("kind", "TEXT NOT NULL DEFAULT 'plan'"),    # plan | roadmap
        ("token", "TEXT NOT NULL DEFAULT ''"),       # the attempt: a worker writes only while it is the job's
        ("roadmap_job", "INTEGER"),                  # a roadmap's yearly plan: the roadmap's job
        ("year", "INTEGER"),                         # a roadmap: the year being planned; a yearly plan: its year
        ("stage_total", "INTEGER NOT NULL DEFAULT 0"),  # a roadmap: steps in all (years x stages)
    ),
}


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role in ("admin", "clerk")


class WebStore:
    """The web tables of one database file; every method opens its own connection (threads, processes)."""

    def __init__(self, db: str | Path | None = None, data_dir: str | Path | None = None):
        self.path = Path(db).expanduser() if db else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.data = Path(data_dir) if data_dir else self.path.parent / f"{self.path.stem}-web"
        for sub in ("uploads", "plans", "edits", "downloads", "roadmaps", "hiring"):
            (self.data / sub).mkdir(parents=True, exist_ok=True)
        with closing(self.connect()) as con, con:
            con.executescript(_SCHEMA)
            for table, cols in _ADDED.items():
                have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
                for col, decl in cols:
                    if col not in have:
                        con.execute(f"ALTER TABLE {table} ADD COLUMN {col} {decl}")

    def connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    def one(self, q: str, args: tuple = ()) -> dict | None:
        with closing(self.connect()) as con:
            row = con.execute(q, args).fetchone()
        return dict(row) if row is not None else None

    def all(self, q: str, args: tuple = ()) -> list[dict]:
        with closing(self.connect()) as con:
            return [dict(r) for r in con.execute(q, args).fetchall()]

    def write(self, q: str, args: tuple = ()) -> int:
        with closing(self.connect()) as con, con:
            cur = con.execute(q, args)
            return int(cur.lastrowid or 0)

    def new_folder(self, kind: str) -> Path:
        """A fresh folder under the server's data folder, named by the server."""
        p = self.data / kind / secrets.token_hex(8)
        p.mkdir(parents=True)
        return p

    # ---- audit --------------------------------------------------------------------------------
    def audit(self, user: str, action: str, obj: str = "", detail: str = "") -> None:
        self.write("INSERT INTO web_audit (at, user, action, object, detail) VALUES (?, ?, ?, ?, ?)",
                   (now(), user, action, obj, detail))

    # ---- jobs ---------------------------------------------------------------------------------
    def job(self, job_id: int) -> dict | None:
        return self.one("SELECT * FROM web_jobs WHERE job_id = ?", (job_id,))

    def set_job(self, job_id: int, token: str | None = None, **values) -> bool:
        """Write a job's columns; with `token`, only while the job is still that attempt's (a worker of a server
        that stopped, or of a job failed meanwhile, writes nothing). Whether the row was written."""
        cols = ", ".join(f"{k} = ?" for k in values)
        if token is None:
            return self.write_count(f"UPDATE web_jobs SET {cols} WHERE job_id = ?", (*values.values(), job_id)) > 0
        return self.write_count(f"UPDATE web_jobs SET {cols} WHERE job_id = ? AND token = ? AND token != ''",
                                (*values.values(), job_id, token)) > 0

    def write_count(self, q: str, args: tuple = ()) -> int:
        with closing(self.connect()) as con, con:
            return con.execute(q, args).rowcount

    def fail_unfinished(self, why: str, only: tuple[int, ...] | None = None) -> int:
        """Jobs left queued or running (the server stopped under them) are failed, and their attempt token
        cleared, so a worker still alive from before cannot write "done" over it: nothing is left half-run.
        `only`: these jobs (a server stopping fails its own)."""
        where = "status IN ('queued', 'running')"
        args: tuple = (why, now())
        if only is not None:
            if not only:
                return 0
            where += f" AND job_id IN ({', '.join('?' for _ in only)})"
            args += tuple(only)
        with closing(self.connect()) as con, con:
            cur = con.execute(f"UPDATE web_jobs SET status = 'failed', error = ?, finished = ?, token = '' "
                              f"WHERE {where}", args)
            return cur.rowcount

    def finish_roadmap(self, job_id: int, token: str, years: list[dict], **values) -> bool:
        """A roadmap's outcome and one done plan row per planned year, in one transaction, only while the job
        is still this attempt's (`set_job` with a token). Whether it was written."""
        cols = ", ".join(f"{k} = ?" for k in values)
        with closing(self.connect()) as con, con:
            cur = con.execute(f"UPDATE web_jobs SET {cols} WHERE job_id = ? AND token = ? AND token != ''",
                              (*values.values(), job_id, token))
            if cur.rowcount == 0:
                return False
            job = con.execute("SELECT user, upload_id FROM web_jobs WHERE job_id = ?", (job_id,)).fetchone()
            for y in years:
                con.execute(
                    "INSERT INTO web_jobs (created, user, label, upload_id, spec, status, stage, stage_no, outcome, "
                    "run_id, plan_dir, kind, roadmap_job, year, finished) "
                    "VALUES (?, ?, ?, ?, ?, 'done', 'done', ?, ?, ?, ?, 'plan', ?, ?, ?)",
                    (now(), job["user"], y["label"], job["upload_id"], json.dumps(y["spec"], ensure_ascii=False),
                     y["stage_no"], y["outcome"], y["run_id"], y["plan_dir"], job_id, y["year"], now()))
        return True

    def upload(self, upload_id: int) -> dict | None:
        row = self.one("SELECT * FROM web_uploads WHERE upload_id = ?", (upload_id,))
        if row is not None:
            row["problems"] = json.loads(row["problems"])
            row["summary"] = json.loads(row["summary"])
        return row
