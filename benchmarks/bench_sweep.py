"""Sweep throughput on Dask: 1 versus 2 local worker processes, and a generated province of counties.

    python benchmarks/bench_sweep.py throughput [--runs 8] [--staff 500] [--time-limit 2]
    python benchmarks/bench_sweep.py province [--counties 100] [--staff 5000] [--time-limit 5] [--workers 2]

throughput: the same grid (generated districts, one CP-SAT worker per run) on a local cluster of 1 and of 2
single-threaded worker processes; the clock runs from the first submission to the last stored result (the
cluster's start-up is reported apart). Target: 2 workers >= 1.7x the runs per minute of 1 worker.

province: every county is generated inside its task with generate(staff, seed=i), so only a small dict
crosses processes; each run is stored in a temporary run history. Prints time per county and peak memory
(VmHWM) per worker process, and the whole province's extrapolation when fewer counties were run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import peak_rss_mib  # noqa: E402


def sweep_once(tasks: list[dict], n_workers: int, db: Path) -> dict:
    import logging

    from dask.distributed import Client, LocalCluster

    from rotaplan.runs.history import History
    from rotaplan.runs.sweep import run_on, store

    h = History(db)
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    # Warm the workers' imports so start-up is not counted as throughput.
    client.run(lambda: __import__("rotaplan.runs.sweep") and __import__("rotaplan.optimizer") and None)
    startup = time.perf_counter() - t0
    results = []
    t1 = time.perf_counter()
    heavy = ("assignments", "itinerant", "compliance", "kpis")

    def keep(task, res):
        store(h, task, res)
        results.append({k: v for k, v in res.items() if k not in heavy})  # the client keeps only figures

    run_on(client, tasks, keep)
    wall = time.perf_counter() - t1
    client.close()
    cluster.close()
    return {"workers": n_workers, "startup": startup, "wall": wall, "results": results}


def report(r: dict, label: str) -> None:
    res = r["results"]
    ok = [x for x in res if x.get("ok")]
    per_worker: dict[str, float] = {}
    for x in res:
        per_worker[x.get("worker", "?")] = max(per_worker.get(x.get("worker", "?"), 0), x.get("peak_rss_mib") or 0)
    secs = [x["seconds"] for x in ok]
    print(f"{label}: {len(ok)}/{len(res)} runs ok in {r['wall']:.1f} s on {r['workers']} worker(s) "
          f"(+{r['startup']:.1f} s cluster start) = {60 * len(ok) / r['wall']:.1f} runs/min; "
          f"per run median {statistics.median(secs) if secs else float('nan'):.1f} s, max {max(secs, default=0):.1f} s")
    for w, m in sorted(per_worker.items()):
        print(f"    worker {w}: peak RSS {m:.0f} MiB")
    for x in res:
        if not x.get("ok"):
            print(f"    FAILED {x['label']}: {x.get('error')}")


def throughput(a) -> None:
    from rotaplan.runs.sweep import expand

    sw = expand({"name": "throughput", "generate": {"counties": a.runs, "staff": a.staff, "seed": 100}},
                time_limit=a.time_limit, cp_workers=1)
    with tempfile.TemporaryDirectory() as tmp:
        one = sweep_once(sw.tasks, 1, Path(tmp) / "a.sqlite")
        report(one, "1 worker ")
        two = sweep_once(sw.tasks, 2, Path(tmp) / "b.sqlite")
        report(two, "2 workers")
    print(f"speed-up 2 vs 1 workers: {one['wall'] / two['wall']:.2f}x (target >= 1.7x); "
          f"client peak RSS {peak_rss_mib():.0f} MiB")


def province(a) -> None:
    from rotaplan.runs.sweep import expand

    sw = expand({"name": "province", "generate": {"counties": a.counties, "staff": a.staff, "seed": 0}},
                time_limit=a.time_limit, cp_workers=1)
    with tempfile.TemporaryDirectory() as tmp:
        r = sweep_once(sw.tasks, a.workers, Path(tmp) / "p.sqlite")
        db_mib = (Path(tmp) / "p.sqlite").stat().st_size / 2**20
    report(r, f"province of {a.counties} counties x {a.staff} staff")
    ok = [x for x in r["results"] if x.get("ok")]
    staff = sum(x["record"]["staff"] for x in ok)
    print(f"  {staff:,} staff planned; run history {db_mib:.0f} MiB; client peak RSS {peak_rss_mib():.0f} MiB")
    if a.counties < a.full:
        per = r["wall"] / max(1, len(ok))
        print(f"  extrapolated to {a.full} counties (~{a.full * a.staff:,} staff) on {a.workers} workers: "
              f"~{per * a.full / 60:.0f} min (linear in counties: runs are independent)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--runs", type=int, default=8)
    t.add_argument("--staff", type=int, default=500)
    t.add_argument("--time-limit", type=float, default=2.0)
    p = sub.add_parser("province")
    p.add_argument("--counties", type=int, default=100)
    p.add_argument("--full", type=int, default=100, help="counties of the whole province, for the extrapolation")
    p.add_argument("--staff", type=int, default=5000)
    p.add_argument("--time-limit", type=float, default=5.0)
    p.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    throughput(a) if a.what == "throughput" else province(a)
