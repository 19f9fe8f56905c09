"""Benchmark of the R7 itinerant stage: quality against the nearest-school-first baseline, and speed.

    .venv/bin/python benchmarks/bench_itinerant.py                 # sample + 5,000 / 20,000 / 100,000 staff
    .venv/bin/python benchmarks/bench_itinerant.py --sizes 5000 --workers 8 --time-limit 30

Each size runs in its own process (peak memory: VmHWM of that process). Home lessons come from the
real teacher stage when `--pipeline` is given (R12 -> leaders -> teachers); otherwise everyone stays
and the demand of each (school, subject) is split full loads first, as the teacher stage does.
Quality: lessons covered (raw and weighted), itinerant teachers and weekly travel minutes (way back
included) of the model and of the baseline on the same input; gaps per lexicographic level.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mib  # noqa: E402


def full_loads_first(sc, state) -> None:
    """Home lessons as the teacher stage sets them when everyone stays: per (school, subject) the
    demand is split among its teachers, full loads first in person_id order (the last one gets the
    rest, any surplus teacher gets none)."""
    a = state.a
    st = sc.staff.set_index("person_id")
    mask = (a["role_after"] == "teacher") & (a["move"] != "retire") & (a["to_school"] != "")
    t = pd.DataFrame({"pid": a.loc[mask, "person_id"].to_numpy(), "school_id": a.loc[mask, "to_school"].to_numpy()})
    t["subject"] = t["pid"].map(st["subject"])
    t = t.sort_values(["school_id", "subject", "pid"])
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    nth = t.groupby(["school_id", "subject"]).cumcount()
    dem = pd.Series(list(zip(t["school_id"], t["subject"])), index=t.index).map(d).fillna(0).astype(int)
    load = sc.policy.teacher_load
    lessons = (dem - nth * load).clip(lower=0, upper=load)
    state.set_many(pd.DataFrame({"home_lessons": lessons.to_numpy()}, index=t["pid"].to_numpy()))


def scenario(size: str):
    from rotaplan.models import Scenario

    if size == "sample":
        from rotaplan.models import BUILTIN

        if (BUILTIN / "schools.csv").exists():
            return Scenario.read(BUILTIN)
        from rotaplan.scenarios.generate import generate

        d = generate(laiwu=True)
    else:
        from rotaplan.scenarios.generate import generate

        d = generate(staff=int(size), seed=0)
    return Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)


def run_one(size: str, time_limit: float, workers: int, pipeline: bool) -> dict:
    from rotaplan.optimizer import r12
    from rotaplan.optimizer.itinerant import stage
    from rotaplan.optimizer.itinerant.baseline import greedy
    from rotaplan.optimizer.params import SolveParams
    from rotaplan.optimizer.pipeline import assemble
    from rotaplan.optimizer.state import PlanState
    from rotaplan.validator import r7 as check_r7

    sc = scenario(size)
    params = SolveParams(time_limit=time_limit, seed=0, workers=workers)
    state = PlanState(sc)
    r12.apply(sc, state)
    if pipeline:
        from rotaplan.optimizer.leaders import stage as leaders
        from rotaplan.optimizer.teachers import stage as teachers

        leaders.solve(sc, state, params)
        teachers.solve(sc, state, params)
    else:
        full_loads_first(sc, state)
    # Baseline on the unpruned instances (every itinerant-ok teacher with spare capacity).
    t0 = time.perf_counter()
    insts, dists, _ = stage.build_instances(sc, state, prune_teachers=False)
    pol = sc.policy
    base = {"lessons": 0, "weighted": 0, "teachers": 0, "minutes": 0.0}
    for inst in insts:
        sol = greedy(inst, dists[inst.township], pol.max_schools_per_day, pol.max_travel_minutes_per_day)
        base["lessons"] += sol.lessons()
        base["weighted"] += sol.weighted(inst)
        base["teachers"] += sol.teachers()
        base["minutes"] += sol.minutes()
    base_s = time.perf_counter() - t0
    # The stage itself.
    t0 = time.perf_counter()
    res = stage.solve(sc, state, params)
    stage_s = time.perf_counter() - t0
    st = res.solver_figures()
    it = state.itinerant
    insts, _, _ = stage.build_instances(sc, state)
    weight = {s: w for i in insts for s, w in i.weight.items()}
    model_weighted = int(sum(weight.get(s, 0) * x for s, x in zip(it["school_id"], it["lessons"])))
    violations = check_r7.check(sc, assemble(sc, state))
    return {
        "size": size, "staff": len(sc.staff), "schools": len(sc.schools), "townships": sc.schools["township"].nunique(),
        "stage_s": round(stage_s, 2), "build_s": st["build_seconds"], "solve_s": st["solve_seconds"],
        "status": st["status"], "gap": st["gap"], "teachers_gap": st["teachers_gap"],
        "travel_gap": st["travel_gap"], "variables": st["variables"], "subproblems": st["subproblems"],
        "cp_sat_solves": st["cp_sat_solves"],
        "teachers_considered": st["teachers_considered"], "tours": st["tours"],
        "model_lessons": int(it["lessons"].sum()) if len(it) else 0, "model_weighted": model_weighted,
        "model_teachers": int(it["person_id"].nunique()) if len(it) else 0,
        "model_minutes": res.kpis["total_travel_minutes_with_return"],
        "base_lessons": base["lessons"], "base_weighted": base["weighted"], "base_teachers": base["teachers"],
        "base_minutes": round(base["minutes"], 1), "baseline_s": round(base_s, 2),
        "uncovered_rural_before": res.kpis["uncovered_rural_before_itinerant"],
        "uncovered_rural_after": res.kpis["uncovered_rural_after_itinerant"],
        "violations": len(violations),
        "peak_rss_mb": round(peak_rss_mib(), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="sample,5000,20000,100000")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--pipeline", action="store_true", help="home lessons from the real teacher stage")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.time_limit, args.workers, args.pipeline)))
        return
    results = []
    for size in args.sizes.split(","):
        cmd = [sys.executable, __file__, "--one", size, "--time-limit", str(args.time_limit),
               "--workers", str(args.workers)] + (["--pipeline"] if args.pipeline else [])
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if p.returncode:
            print(f"{size}: failed\n{p.stderr[-3000:]}")
            continue
        r = json.loads(p.stdout.strip().splitlines()[-1])
        results.append(r)
        verdict = ("ok" if r["model_lessons"] >= r["base_lessons"] and r["model_weighted"] >= r["base_weighted"]
                   and (r["model_minutes"] <= r["base_minutes"] or r["model_lessons"] > r["base_lessons"])
                   else "WORSE")
        print(f"{r['size']:>7} staff={r['staff']:>6} schools={r['schools']:>5} townships={r['townships']:>3} | "
              f"stage {r['stage_s']:6.2f}s (build {r['build_s']:.2f}s, CP-SAT {r['solve_s']:.2f}s) "
              f"{r['subproblems']} subproblems, {r['cp_sat_solves']} CP-SAT solves, {r['variables']} vars, "
              f"status {r['status']}, gaps: coverage {r['gap']:.2%} teachers {r['teachers_gap']:.2%} "
              f"travel {r['travel_gap']:.2%} | "
              f"model {r['model_lessons']} lessons ({r['model_weighted']} w), {r['model_teachers']} teachers, "
              f"{r['model_minutes']:.0f} min | baseline {r['base_lessons']} lessons ({r['base_weighted']} w), "
              f"{r['base_teachers']} teachers, {r['base_minutes']:.0f} min | rural uncovered "
              f"{r['uncovered_rural_before']} -> {r['uncovered_rural_after']} | violations {r['violations']} | "
              f"peak {r['peak_rss_mb']} MB | {verdict}", flush=True)


if __name__ == "__main__":
    main()
