"""Plans and roadmaps run off the request thread: each job is one call of the run service (runs/service.py
`plan_run`) or of the roadmap (runs/roadmap.py `run_roadmap`) in a worker process of a `ProcessPoolExecutor`,
so two clerks can plan at once and pages stay responsive.

The worker writes its stage into the job's row as `plan_run` (or `run_roadmap`, year by year) reports it (the
`progress` callback), then the outcome (ok / draft / infeasible, run id, plan folder) or the error. A worker
that dies (killed, out of memory) breaks the pool: the job is marked failed and the next job gets a fresh pool.

Each job has an attempt token, given to its worker; the worker writes only while the row still holds that
token. A server that starts again fails the jobs left queued or running and clears their tokens
(`WebStore.fail_unfinished`), so a worker still alive from before cannot write "done" over "failed". A server
that is stopped (Ctrl-C, SIGTERM) fails its running jobs the same way and ends its workers (terminate, then
kill), leaving no process behind; the workers run in their own process group and ignore SIGINT, so a Ctrl-C
reaches them only through the server.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import signal
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .store import WebStore, now

# The stages `plan_run` reports (optimizer/pipeline.py), in order; the bar counts them.
STAGES = ("R12 retirements", "leaders", "teachers", "itinerant", "R13 training")


def spec_request(spec: dict):
    """The run service's request from a job's plain values."""
    from ..optimizer import SolveParams
    from ..runs.service import PlanRequest
    from ..scenarios.whatif import WhatIf

    whatif = WhatIf.from_mapping(spec["whatif"], "policy") if spec.get("whatif") else None
    return PlanRequest(scenario=spec.get("scenario"), whatif=whatif, lock=spec.get("lock"), out=spec["out"],
                       lang=spec.get("lang", "zh"), db=spec["db"], label=spec.get("label", ""),
                       params=SolveParams(time_limit=float(spec.get("time_limit", 30)), seed=int(spec.get("seed", 0)),
                                          workers=int(spec.get("workers", 1)), lang=spec.get("lang", "zh")),
                       allow_violations=bool(spec.get("allow_violations", False)), option="web")


def _worker_start() -> None:
    """Each worker process, in a process group of its own: a Ctrl-C in the server's terminal is the server's to
    handle (it fails the jobs and ends the workers). Ignoring SIGINT alone would not do: CP-SAT sets its own
    SIGINT handler while it solves and leaves the default one (end the process) behind."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_job(db: str, data: str, job_id: int, token: str, spec: dict) -> dict:
    """In the worker process: plan the job and record what came of it in its row (while it is this attempt's)."""
    from ..models import ScenarioError
    from ..runs.service import plan_run

    st = WebStore(db, data)
    if not st.set_job(job_id, token, status="running", pid=os.getpid(), stage="reading", stage_no=0):
        return {"status": "stale"}  # failed or given up meanwhile: nothing to do
    t0 = time.perf_counter()

    def progress(stage: str) -> None:
        no = STAGES.index(stage) + 1 if stage in STAGES else 0
        st.set_job(job_id, token, stage=stage, stage_no=no)

    try:
        out = plan_run(spec_request(spec), progress=progress)
    except ScenarioError as exc:
        st.set_job(job_id, token, status="failed", error="\n".join(str(p) for p in exc.problems[:50]),
                   seconds=time.perf_counter() - t0, finished=now())
        return {"status": "failed"}
    except Exception:  # a bug or a resource problem: the job fails with its traceback, the server goes on
        st.set_job(job_id, token, status="failed", error=traceback.format_exc()[-4000:],
                   seconds=time.perf_counter() - t0, finished=now())
        return {"status": "failed"}
    written = st.set_job(job_id, token, status="done", stage="done", stage_no=len(STAGES) + 1, outcome=out.status,
               run_id=out.run_id, plan_dir=str(out.paths.get("plan", "")), notes=json.dumps(out.notes,
                                                                                           ensure_ascii=False),
               error=out.record.get("error", "") or out.history_error, seconds=time.perf_counter() - t0,
               finished=now())
    return {"status": out.status if written else "stale"}


# A roadmap's steps per year: reading, the plan's stages, the rollover to the next year.
ROADMAP_STEPS = ("reading", *STAGES, "rollover")


def run_roadmap_job(db: str, data: str, job_id: int, token: str, spec: dict) -> dict:
    """In the worker process: the roadmap (runs/roadmap.py `run_roadmap`, year by year), its progress per year,
    then one plan row per planned year (`roadmap_job`), so each year's plan opens as any plan does."""
    from ..models import ScenarioError
    from ..optimizer import SolveParams
    from ..runs.roadmap import RoadmapRequest, run_roadmap
    from ..scenarios.rollover import Hiring

    st = WebStore(db, data)
    if not st.set_job(job_id, token, status="running", pid=os.getpid(), stage="reading", stage_no=0):
        return {"status": "stale"}
    t0 = time.perf_counter()
    until = int(spec["until"])
    first: list[int] = []

    def progress(step: str) -> None:
        head, _, stage = step.partition(": ")
        if not head.isdigit():
            return
        year = int(head)
        if not first:
            first.append(year)
        name = "rollover" if stage.startswith("rollover") else "reading" if stage == "planning" else stage
        no = ROADMAP_STEPS.index(name) if name in ROADMAP_STEPS else 0
        st.set_job(job_id, token, stage=name, year=year, stage_no=(year - first[0]) * len(ROADMAP_STEPS) + no,
                   stage_total=(until - first[0] + 1) * len(ROADMAP_STEPS))

    hiring = spec.get("hiring") or ""
    lang = spec.get("lang", "zh")
    try:
        req = RoadmapRequest(scenario=spec["scenario"], until=until, out=spec["out"],
                             hiring=Hiring.read(hiring) if hiring else None,
                             hiring_text=open(hiring, encoding="utf-8").read() if hiring else "",
                             params=SolveParams(time_limit=float(spec.get("time_limit", 10)),
                                                seed=int(spec.get("seed", 0)), workers=int(spec.get("workers", 1)),
                                                lang=lang),
                             lang=lang, db=spec["db"], name=spec.get("name", ""))
        rm = run_roadmap(req, progress=progress)
    except ScenarioError as exc:
        st.set_job(job_id, token, status="failed", error="\n".join(str(p) for p in exc.problems[:50]),
                   seconds=time.perf_counter() - t0, finished=now())
        return {"status": "failed"}
    except Exception:
        st.set_job(job_id, token, status="failed", error=traceback.format_exc()[-4000:],
                   seconds=time.perf_counter() - t0, finished=now())
        return {"status": "failed"}
    job = st.job(job_id) or {}
    years = []
    for r in rm.rows.to_dict("records"):
        if not r.get("plan_dir"):
            continue
        year = int(r["year"])
        scenario = spec["scenario"] if year == (first[0] if first else year) else str(
            rm.folder / "scenarios" / str(year))
        years.append({"year": year, "stage_no": len(STAGES) + 1, "run_id": r.get("run_id"),
                      "plan_dir": r["plan_dir"], "outcome": r["status"],
                      "label": f"{job.get('label') or spec.get('name', '')} {year}".strip(),
                      "spec": {**{k: spec[k] for k in ("db", "time_limit", "seed", "workers", "lang") if k in spec},
                               "scenario": scenario, "out": r["plan_dir"]}})
    infeasible = bool((rm.rows["status"] == "infeasible").any()) if len(rm.rows) else False
    notes = {"verdict": rm.verdict, "first": rm.first, "first_met": rm.first_met, "roadmap_id": rm.roadmap_id,
             "year_seconds": {str(k): v for k, v in rm.year_seconds.items()}}
    written = st.finish_roadmap(job_id, token, years, status="done", stage="done",
                                stage_no=max(int(job.get("stage_total") or 0), 1),
                                outcome="infeasible" if infeasible else "ok", run_id=rm.roadmap_id,
                                plan_dir=str(rm.folder), notes=json.dumps(notes, ensure_ascii=False),
                                seconds=time.perf_counter() - t0, finished=now())
    return {"status": "done" if written else "stale"}


class Jobs:
    """The server's pool of plan workers."""

    def __init__(self, store: WebStore, workers: int = 2):
        self.store = store
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.futures: dict[int, Future] = {}  # this server's jobs

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_worker_start)
            return self._pool

    def submit(self, user: str, spec: dict, kind: str = "plan", **cols) -> int:
        """Queue a plan (kind `plan`) or a roadmap (`roadmap`); its job id."""
        token = secrets.token_hex(16)
        job_id = self.store.write(
            "INSERT INTO web_jobs (created, user, label, upload_id, policy_id, base_job, lock_person, spec, status, "
            "kind, token, stage_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
            (now(), user, spec.get("label", ""), cols.get("upload_id"), cols.get("policy_id"), cols.get("base_job"),
             cols.get("lock_person", ""), json.dumps(spec, ensure_ascii=False), kind, token,
             cols.get("stage_total", 0)))
        folder = "roadmaps" if kind == "roadmap" else "plans"
        spec = {**spec, "out": str(self.store.data / folder / f"job{job_id}")}
        if kind == "roadmap":
            spec.setdefault("name", f"web{job_id}")
        self.store.set_job(job_id, spec=json.dumps(spec, ensure_ascii=False))
        fn = run_roadmap_job if kind == "roadmap" else run_job
        args = (str(self.store.path), str(self.store.data), job_id, token, spec)
        try:
            fut = self._get_pool().submit(fn, *args)
        except (BrokenProcessPool, RuntimeError):  # a pool broken by a dead worker: start a fresh one
            with self._lock:
                self._pool = None
            fut = self._get_pool().submit(fn, *args)
        for done in [j for j, f in self.futures.items() if f.done()]:
            del self.futures[done]
        self.futures[job_id] = fut
        fut.add_done_callback(lambda f: self._done(job_id, f))
        return job_id

    def _done(self, job_id: int, fut: Future) -> None:
        if fut.cancelled():  # a queued job the stopping server cancelled: failed by `shutdown`
            return
        exc = fut.exception()
        if exc is None:
            return
        if isinstance(exc, BrokenProcessPool):
            with self._lock:
                self._pool = None
        self.store.fail_unfinished(f"the plan's worker process stopped ({type(exc).__name__}: {exc})",
                                   only=(job_id,))

    def shutdown(self, why: str = "the server was stopped while this job ran", grace: float = 5.0) -> None:
        """The server stops: its unfinished jobs are failed (their tokens cleared, so nothing writes over that),
        queued ones cancelled, and every worker process ended: terminated, then killed after `grace` seconds."""
        with self._lock:
            pool, self._pool = self._pool, None
        unfinished = tuple(j for j, f in self.futures.items() if not f.done())
        self.store.fail_unfinished(why, only=unfinished)
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + grace
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():  # a worker that does not stop (stuck, or stopped by a signal): killed
                p.kill()
                p.join(5)
