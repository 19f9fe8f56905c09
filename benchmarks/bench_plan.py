"""The whole `rotaplan plan` on generated districts: time per stage, gap, peak memory.

Each size runs in a fresh process so its peak memory (VmHWM) is its own. The steps are those of the
CLI: read + validate, R12, leaders, teachers, itinerant, R13, the validator, writing the plan folder
(CSV, kpis.json, plan.xlsx) and storing the run in the run history. Target: 5,000 staff under 30 s end
to end on the 2-core machine.

    python benchmarks/bench_plan.py [SIZES...] [--time-limit S] [--workers N]

A size is a number of staff (a generated district, seed 0) or `sample` (the built-in Laiwu sample district).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import peak_rss_mib, scenario_folder  # noqa: E402


def folder_of(size: str) -> Path:
    """The scenario folder of a size: the built-in sample or a generated district (written once)."""
    if size == "sample":
        from rotaplan.scenarios import __file__ as scenarios_init

        return Path(scenarios_init).parent / "laiwu"
    return scenario_folder(int(size))


def one(size: str, time_limit: float, workers: int) -> dict:
    from rotaplan.models import Scenario
    from rotaplan.optimizer import SolveParams, plan_scenario
    from rotaplan.runs.service import DRAFT, OK, PlanOutcome, PlanRequest, run_record, store_run, write_plan
    from rotaplan.validator import check_plan

    folder = folder_of(size)
    t = {}
    t0 = time.perf_counter()
    sc = Scenario.read(folder)
    t["read+validate"] = time.perf_counter() - t0
    params = SolveParams(time_limit=time_limit, seed=0, workers=workers)
    marks: list[tuple[str, float]] = []
    tp = time.perf_counter()
    result = plan_scenario(sc, params, progress=lambda s: marks.append((s, time.perf_counter())))
    plan = result.plan
    end = time.perf_counter()
    for (name, a), (_, b) in zip(marks, marks[1:] + [("", end)]):
        t[name] = b - a
    t["plan (all stages)"] = end - tp
    t1 = time.perf_counter()
    violations = check_plan(sc, plan)
    t["validator"] = time.perf_counter() - t1
    with tempfile.TemporaryDirectory() as tmp:  # the run service's write and store steps, timed apart
        req = PlanRequest(scenario=str(folder), out=str(Path(tmp) / "plan"), params=params,
                          db=str(Path(tmp) / "runs.sqlite"), allow_violations=True)
        out = PlanOutcome(req, sc, plan, violations, list(result.notes),
                          DRAFT if any(v.hard for v in violations) else OK, 0.0, end - tp)
        t2 = time.perf_counter()
        out.paths = write_plan(out)
        t["write plan + xlsx"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        out.record = run_record(out)
        store_run(out)
        t["store in history"] = time.perf_counter() - t3
    total = time.perf_counter() - t0
    solver = {k: {"status": v.get("status"), "gap": v.get("gap"), "seconds": v.get("solve_seconds")}
              for k, v in plan.kpis.get("solver", {}).items()}
    return {"staff": len(sc.staff), "schools": len(sc.schools), "seconds": t, "total": total,
            "peak_rss_mib": peak_rss_mib(), "solver": solver,
            "hard_violations": sum(v.hard for v in violations),
            "uncovered_lessons": plan.kpis["after"].get("uncovered_lessons"), "moves": plan.kpis["after"].get("moves")}


def show(r: dict, time_limit: float, workers: int) -> None:
    print(f"\n{r['staff']:,} staff, {r['schools']} schools "
          f"(time limit {time_limit} s per stage, {workers} CP-SAT workers)")
    for k, v in r["seconds"].items():
        print(f"  {k:<22} {v:8.2f} s")
    print(f"  {'END TO END':<22} {r['total']:8.2f} s   peak RSS {r['peak_rss_mib']:.0f} MiB")
    for k, v in r["solver"].items():
        gap = "-" if v["gap"] is None else f"{v['gap']:.4f}"
        print(f"  solver {k:<15} {str(v['status']):<10} gap {gap:<8} {v['seconds']} s")
    print(f"  hard-rule violations {r['hard_violations']}, moves {r['moves']}, "
          f"uncovered lessons {r['uncovered_lessons']}", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", default=["5000", "20000", "100000"],
                    help="staff counts of generated districts, or `sample` (default: 5000 20000 100000)")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print("RESULT " + json.dumps(one(a.sizes[0], a.time_limit, a.workers)), flush=True)
    else:
        for n in a.sizes:
            folder_of(n)  # generate outside the measured process
            out = subprocess.run([sys.executable, __file__, "--one", str(n), "--time-limit", str(a.time_limit),
                                  "--workers", str(a.workers)], capture_output=True, text=True)
            line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                print(f"\n{n} staff: FAILED\n{out.stderr[-3000:]}", flush=True)
                continue
            show(json.loads(line[7:]), a.time_limit, a.workers)
