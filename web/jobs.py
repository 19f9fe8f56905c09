"""Plans run off the request thread: each job is one call of the run service (runs/service.py `plan_run`) in a
worker process of a `ProcessPoolExecutor`, so two clerks can plan at once and pages stay responsive.

The worker writes its stage into the job's row as `plan_run` reports it (the `progress` callback), then the
outcome (ok / draft / infeasible, run id, plan folder) or the error. A worker that dies (killed, out of
memory) breaks the pool: the job is marked failed and the next job gets a fresh pool. A server that stops
under running jobs marks them failed when it starts again (`WebStore.fail_unfinished`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
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


def run_job(db: str, data: str, job_id: int, spec: dict) -> dict:
    """In the worker process: plan the job and record what came of it in its row."""
    from ..models import ScenarioError
    from ..runs.service import plan_run

    st = WebStore(db, data)
    st.set_job(job_id, status="running", pid=os.getpid(), stage="reading", stage_no=0)
    t0 = time.perf_counter()

    def progress(stage: str) -> None:
        no = STAGES.index(stage) + 1 if stage in STAGES else 0
        st.set_job(job_id, stage=stage, stage_no=no)

    try:
        out = plan_run(spec_request(spec), progress=progress)
    except ScenarioError as exc:
        st.set_job(job_id, status="failed", error="\n".join(str(p) for p in exc.problems[:50]),
                   seconds=time.perf_counter() - t0, finished=now())
        return {"status": "failed"}
    except Exception:  # a bug or a resource problem: the job fails with its traceback, the server goes on
        st.set_job(job_id, status="failed", error=traceback.format_exc()[-4000:],
                   seconds=time.perf_counter() - t0, finished=now())
        return {"status": "failed"}
    st.set_job(job_id, status="done", stage="done", stage_no=len(STAGES) + 1, outcome=out.status,
               run_id=out.run_id, plan_dir=str(out.paths.get("plan", "")), notes=json.dumps(out.notes,
                                                                                           ensure_ascii=False),
               error=out.record.get("error", "") or out.history_error, seconds=time.perf_counter() - t0,
               finished=now())
    return {"status": out.status}


class Jobs:
    """The server's pool of plan workers."""

    def __init__(self, store: WebStore, workers: int = 2):
        self.store = store
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def submit(self, user: str, spec: dict, **cols) -> int:
        job_id = self.store.write(
            "INSERT INTO web_jobs (created, user, label, upload_id, policy_id, base_job, lock_person, spec, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued')",
            (now(), user, spec.get("label", ""), cols.get("upload_id"), cols.get("policy_id"), cols.get("base_job"),
             cols.get("lock_person", ""), json.dumps(spec, ensure_ascii=False)))
        spec = {**spec, "out": str(self.store.data / "plans" / f"job{job_id}")}
        self.store.set_job(job_id, spec=json.dumps(spec, ensure_ascii=False))
        try:
            fut = self._get_pool().submit(run_job, str(self.store.path), str(self.store.data), job_id, spec)
        except (BrokenProcessPool, RuntimeError):  # a pool broken by a dead worker: start a fresh one
            with self._lock:
                self._pool = None
            fut = self._get_pool().submit(run_job, str(self.store.path), str(self.store.data), job_id, spec)
        fut.add_done_callback(lambda f: self._done(job_id, f))
        return job_id

    def _done(self, job_id: int, fut: Future) -> None:
        exc = fut.exception()
        if exc is None:
            return
        if isinstance(exc, BrokenProcessPool):
            with self._lock:
                self._pool = None
        job = self.store.job(job_id)
        if job is not None and job["status"] in ("queued", "running"):
            self.store.set_job(job_id, status="failed", finished=now(),
                               error=f"the plan's worker process stopped ({type(exc).__name__}: {exc})")

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
