"""Run history: every plan run, with what it was run on and what it found, in one SQLite file.

Each run stores the scenario's fingerprint, the what-if, the policy, the seed and solver settings, the
solver figures, the KPIs, the compliance report, every person's assignment and the itinerant stops, so
`rotaplan runs`, `show` and `compare` work long after the plan folders are gone.

The database is a real embedded database (the standard library's sqlite3) in WAL mode; each run is
written in its own transaction, so a sweep killed midway leaves every finished run stored and the file
readable. Default location: `$ROTAPLAN_DB`, else `$XDG_DATA_HOME/rotaplan/runs.sqlite`, else
`~/.local/share/rotaplan/runs.sqlite`.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.plan import ASSIGNMENT_COLUMNS, COMPLIANCE_COLUMNS, ITINERANT_COLUMNS, Plan
from ..models.provenance import fingerprint

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    created       TEXT    NOT NULL,
    status        TEXT    NOT NULL,          -- ok | draft | infeasible | failed
    label         TEXT    NOT NULL DEFAULT '',
    sweep         TEXT    NOT NULL DEFAULT '',
    scenario      TEXT    NOT NULL DEFAULT '',  -- path, 'builtin:laiwu' or 'generated:...'
    scenario_name TEXT    NOT NULL DEFAULT '',
    fingerprint   TEXT    NOT NULL DEFAULT '',  -- sha256 of the canonical tables + policy
    whatif_name   TEXT    NOT NULL DEFAULT '',
    whatif        TEXT    NOT NULL DEFAULT '',  -- the what-if as YAML ('' = none)
    policy        TEXT    NOT NULL DEFAULT '',  -- the effective policy as YAML
    seed          INTEGER,
    workers       INTEGER,
    time_limit    REAL,
    seconds       REAL,
    staff         INTEGER,
    schools       INTEGER,
    solver        TEXT    NOT NULL DEFAULT '{}',  -- JSON: per stage status, objective, bound, gap, seconds
    kpis          TEXT    NOT NULL DEFAULT '{}',  -- JSON: before, after, target
    notes         TEXT    NOT NULL DEFAULT '[]',
    plan_dir      TEXT    NOT NULL DEFAULT '',
    error         TEXT    NOT NULL DEFAULT '',
    extra         TEXT    NOT NULL DEFAULT '{}'   -- JSON: e.g. worker, peak memory
);
CREATE TABLE IF NOT EXISTS assignments (
    run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    person_id TEXT NOT NULL, name TEXT, role_before TEXT, role_after TEXT, from_school TEXT,
    to_school TEXT, move TEXT, period2_school TEXT, director_of TEXT, home_lessons INTEGER,
    rules TEXT, reason TEXT, rural_service_years REAL, retire_date TEXT, home_school TEXT, posting_until TEXT,
    PRIMARY KEY (run_id, person_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS itinerant (
    run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    person_id TEXT, day INTEGER, seq INTEGER, school_id TEXT, subject TEXT, lessons INTEGER,
    travel_minutes REAL
);
CREATE INDEX IF NOT EXISTS itinerant_run ON itinerant(run_id);
CREATE TABLE IF NOT EXISTS compliance (
    run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    rule TEXT, status TEXT, detail TEXT
);
CREATE INDEX IF NOT EXISTS compliance_run ON compliance(run_id);
CREATE INDEX IF NOT EXISTS runs_sweep ON runs(sweep);
CREATE TABLE IF NOT EXISTS roadmaps (
    roadmap_id INTEGER PRIMARY KEY AUTOINCREMENT,
    created    TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    scenario   TEXT NOT NULL DEFAULT '',
    until      INTEGER,
    hiring     TEXT NOT NULL DEFAULT '',   -- the hiring plan as YAML ('' = none)
    out_dir    TEXT NOT NULL DEFAULT '',
    first_met  INTEGER,                    -- the first year R10 and R3 are both met (NULL: not by `until`)
    verdict    TEXT NOT NULL DEFAULT '',
    years      TEXT NOT NULL DEFAULT '[]'  -- JSON: one row per year with its run_id and figures
);
"""

messages.register({
    "history.cannot_open": ("cannot open the run history: {why}; choose another file with --db",
                            "无法打开运行记录：{why}；请用--db选择另一个文件"),
    "history.no_roadmap": ("no such roadmap in the history: `rotaplan roadmaps` lists them",
                           "运行记录中没有此规划：`rotaplan roadmaps`列出全部规划"),
    "history.no_run": ("no such run in the history: `rotaplan runs` lists them",
                       "运行记录中没有此次运行：`rotaplan runs`列出全部运行"),
})


def default_path() -> Path:
    if os.environ.get("ROTAPLAN_DB"):
        return Path(os.environ["ROTAPLAN_DB"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "rotaplan" / "runs.sqlite"


@dataclass
class Run:
    """One stored run: its record and, when loaded, its plan."""

    run_id: int
    record: dict
    plan: Plan | None = None
    meta: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        r = self.record
        return r.get("label") or f"run {self.run_id}"

    @property
    def kpis(self) -> dict:
        return self.plan.kpis if self.plan is not None else json.loads(self.record.get("kpis") or "{}")


class History:
    """The run history database. Open it with `History(path)`; every method opens its own connection."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as con:
                con.executescript(_SCHEMA)
                _add_columns(con, "assignments",
                             {"retire_date": "TEXT", "home_school": "TEXT", "posting_until": "TEXT"})
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise ScenarioError([Problem.of(str(self.path), None, None, None, "history.cannot_open",
                                            why=str(exc))]) from None

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    # ---- writing ------------------------------------------------------------------------
    def add(self, *, plan: Plan | None = None, sc=None, scenario: str = "", whatif=None, params=None,
            label: str = "", sweep: str = "", seconds: float | None = None, plan_dir: str = "",
            notes: list[str] | None = None, status: str = "ok", error: str = "", extra: dict | None = None,
            fp: str | None = None) -> int:
        """Store one run in one transaction and return its run id."""
        wi_name, wi_yaml = _whatif_text(whatif)
        record = {
            "created": time.strftime("%Y-%m-%d %H:%M:%S"),
            "status": status,
            "label": label,
            "sweep": sweep,
            "scenario": scenario,
            "scenario_name": getattr(sc, "name", "") if sc is not None else "",
            "fingerprint": fp or (fingerprint(sc) if sc is not None else ""),
            "whatif_name": wi_name,
            "whatif": wi_yaml,
            "policy": sc.policy.to_yaml() if sc is not None else "",
            "seed": getattr(params, "seed", None),
            "workers": getattr(params, "workers", None),
            "time_limit": getattr(params, "time_limit", None),
            "seconds": seconds,
            "staff": len(sc.staff) if sc is not None else None,
            "schools": len(sc.schools) if sc is not None else None,
            "solver": _dumps((plan.kpis.get("solver") if plan is not None else None) or {}),
            "kpis": _dumps({k: v for k, v in (plan.kpis if plan is not None else {}).items() if k != "solver"}),
            "notes": _dumps(list(notes or [])),
            "plan_dir": plan_dir,
            "error": error,
            "extra": _dumps(extra or {}),
        }
        return self.add_record(record, plan)

    def add_record(self, record: dict, plan: Plan | None = None) -> int:
        """Store a prepared record (the columns of `runs`) and its plan in one transaction."""
        cols = list(record)
        with closing(self._connect()) as con:
            with con:  # one transaction: the run and all its rows, or nothing
                cur = con.execute(f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                  [record[c] for c in cols])
                assert cur.lastrowid is not None  # set by the INSERT above
                run_id = int(cur.lastrowid)
                if plan is not None:
                    _insert(con, "assignments", run_id, plan.assignments, ASSIGNMENT_COLUMNS)
                    _insert(con, "itinerant", run_id, plan.itinerant, ITINERANT_COLUMNS)
                    _insert(con, "compliance", run_id, plan.compliance, COMPLIANCE_COLUMNS)
        return run_id

    def add_roadmap(self, *, name: str, scenario: str, until: int, hiring: str, out_dir: str,
                    first_met: int | None, verdict: str, rows: list[dict]) -> int:
        """Store one roadmap (its yearly runs are stored as runs, sweep `roadmap:<name>`); its roadmap id."""
        with closing(self._connect()) as con, con:
            cur = con.execute("INSERT INTO roadmaps (created, name, scenario, until, hiring, out_dir, first_met, "
                              "verdict, years) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              (time.strftime("%Y-%m-%d %H:%M:%S"), name, scenario, until, hiring, out_dir,
                               first_met, verdict, _dumps(rows)))
            assert cur.lastrowid is not None
            return int(cur.lastrowid)

    def roadmaps(self) -> pd.DataFrame:
        """One row per stored roadmap, oldest first."""
        with closing(self._connect()) as con:
            return pd.read_sql_query("SELECT roadmap_id, created, name, scenario, until, first_met, verdict "
                                     "FROM roadmaps ORDER BY roadmap_id", con)

    def get_roadmap(self, ref: str | int) -> dict:
        """A stored roadmap by id ('RM3' or 3), with its yearly rows (`years`)."""
        text = str(ref).strip().upper().removeprefix("RM")
        with closing(self._connect()) as con:
            con.row_factory = sqlite3.Row
            row = con.execute("SELECT * FROM roadmaps WHERE roadmap_id = ?",
                              (int(text) if text.isdigit() else -1,)).fetchone()
        if row is None:
            raise ScenarioError([Problem.of(str(self.path), None, "roadmap", ref, "history.no_roadmap")])
        out = dict(row)
        out["years"] = json.loads(out["years"] or "[]")
        return out

    def delete(self, run_id: int) -> None:
        with closing(self._connect()) as con, con:
            con.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))

    # ---- reading ------------------------------------------------------------------------
    def runs(self, sweep: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """One row per run, newest last, with the headline KPIs unpacked."""
        q = ("SELECT run_id, created, status, label, sweep, scenario_name, fingerprint, whatif_name, seed, "
             "workers, time_limit, seconds, staff, solver, kpis, error FROM runs")
        args: list = []
        if sweep:
            q += " WHERE sweep = ?"
            args.append(sweep)
        q += " ORDER BY run_id DESC"
        if limit:
            q += f" LIMIT {int(limit)}"
        with closing(self._connect()) as con:
            df = pd.read_sql_query(q, con, params=args)
        df = df.iloc[::-1].reset_index(drop=True)
        after = df["kpis"].map(lambda s: json.loads(s or "{}").get("after", {}))
        for key in ("moves", "uncovered_lessons", "degree_ratio_urban_rural", "young_rural_leader_share"):
            df[key] = after.map(lambda a, k=key: a.get(k))
        df["worst_gap"] = df["solver"].map(_worst_gap)
        return df.drop(columns=["solver", "kpis"])

    def resolve(self, ref: str | int) -> int:
        """A run id from '12', 12, 'last' or '-1' (the newest), '-2' (the one before)..."""
        text = str(ref).strip().lower()
        with closing(self._connect()) as con:
            if text in ("last", "latest") or (text.startswith("-") and text[1:].isdigit()):
                back = 1 if text in ("last", "latest") else int(text[1:])
                row = con.execute("SELECT run_id FROM runs ORDER BY run_id DESC LIMIT 1 OFFSET ?",
                                  (back - 1,)).fetchone()
            elif text.isdigit():
                row = con.execute("SELECT run_id FROM runs WHERE run_id = ?", (int(text),)).fetchone()
            else:
                row = None
        if row is None:
            raise ScenarioError([Problem.of(str(self.path), None, "run", ref, "history.no_run")])
        return int(row[0])

    def get(self, ref: str | int, with_plan: bool = True) -> Run:
        run_id = self.resolve(ref)
        with closing(self._connect()) as con:
            con.row_factory = sqlite3.Row
            record = dict(con.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone())
            plan = None
            if with_plan:
                a = pd.read_sql_query(f"SELECT {', '.join(ASSIGNMENT_COLUMNS)} FROM assignments WHERE run_id = ?",
                                      con, params=(run_id,))
                it = pd.read_sql_query(f"SELECT {', '.join(ITINERANT_COLUMNS)} FROM itinerant WHERE run_id = ?",
                                       con, params=(run_id,))
                comp = pd.read_sql_query(f"SELECT {', '.join(COMPLIANCE_COLUMNS)} FROM compliance WHERE run_id = ?",
                                         con, params=(run_id,))
                kpis = json.loads(record["kpis"] or "{}")
                kpis["solver"] = json.loads(record["solver"] or "{}")
                for c in ASSIGNMENT_COLUMNS:
                    if c not in ("home_lessons", "rural_service_years"):
                        a[c] = a[c].fillna("").astype(str)
                plan = Plan(a, it, kpis, comp, source=f"run {run_id}")
        return Run(run_id, record, plan)

    def count(self) -> int:
        with closing(self._connect()) as con:
            return int(con.execute("SELECT COUNT(*) FROM runs").fetchone()[0])


def _add_columns(con: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    """Columns added to the plan contract since a history file was made (contract v2: retire_date;
    R16: home_school, posting_until)."""
    have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
    for name, kind in columns.items():
        if name not in have:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def _insert(con: sqlite3.Connection, table: str, run_id: int, df: pd.DataFrame, columns: list[str]) -> None:
    if df is None or len(df) == 0:
        return
    cols = [c for c in columns if c in df.columns]
    values = []
    for c in cols:  # column-wise to plain Python values (None for missing): fast at 100,000 rows
        s = df[c]
        values.append(s.astype(object).where(s.notna(), None).tolist())
    rows = zip(itertools.repeat(run_id), *values)
    con.executemany(f"INSERT INTO {table} (run_id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})", rows)


def _plain(v):
    if hasattr(v, "item"):
        return v.item()
    return v


def _dumps(o) -> str:
    return json.dumps(o, ensure_ascii=False, default=_plain)


def _whatif_text(whatif) -> tuple[str, str]:
    if whatif is None:
        return "", ""
    if hasattr(whatif, "to_yaml"):
        return whatif.name, whatif.to_yaml()
    import yaml

    if isinstance(whatif, dict):
        return str(whatif.get("name", "")), yaml.safe_dump(whatif, allow_unicode=True, sort_keys=False)
    return str(whatif), ""


def _worst_gap(solver_json: str):
    stages = json.loads(solver_json or "{}")
    gaps = [g for s in stages.values() if isinstance(s, dict) and (g := s.get("gap")) is not None]
    return max(gaps) if gaps else None
