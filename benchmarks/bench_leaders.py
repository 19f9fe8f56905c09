"""Benchmark of the leader stage (R1, R1x, R2, R3, R4, R8 leader posts): speed, gap, peak memory, and
quality against the simple greedy baseline (optimizer/leaders/greedy.py).

    .venv/bin/python benchmarks/bench_leaders.py                          # 5,000 / 20,000 / 100,000 staff
    .venv/bin/python benchmarks/bench_leaders.py --sizes 5000 --workers 1,2,8
    .venv/bin/python benchmarks/bench_leaders.py --sizes 5000 --workers 2 --pure   # CP-SAT alone

Each (size, workers) runs in its own process; peak memory is that process's VmHWM (generation included).
`--pure` switches off the min-cost-flow warm start and bound, to measure CP-SAT on its own.
Also: posts left unfilled, vice-principals promoted to principal (promote_vice_to_principal), and the level
groups that needed unpruned candidates to keep the hard rules (stage.feasible_candidates).
Quality: the option-level objective (all goals but envy, policy units, lower is better) of the plan, of the
min-cost flow and of the greedy baseline, and due leaders crossing the urban-rural line against the most
possible.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mib  # noqa: E402


def scenario(size: str):
    from rotaplan.models import Scenario
    from rotaplan.scenarios.generate import generate

    if size == "sample":
        return Scenario.read()
    d = generate(staff=int(size), seed=0)
    return Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)


def run_one(size: str, time_limit: float, workers: int, pure: bool) -> dict:
    from rotaplan.optimizer import r12
    from rotaplan.optimizer.leaders import stage
    from rotaplan.optimizer.params import SolveParams
    from rotaplan.optimizer.pipeline import assemble
    from rotaplan.optimizer.state import PlanState
    from rotaplan.validator import r1, r4, r8_posts

    sc = scenario(size)
    state = PlanState(sc)
    r12.apply(sc, state)
    t0 = time.perf_counter()
    res = stage.solve(sc, state, SolveParams(time_limit=time_limit, seed=0, workers=workers, flow_warm_start=not pure))
    stage_s = time.perf_counter() - t0
    st = res.solver_figures()
    plan = assemble(sc, state)
    hard = [v for m in (r1, r4, r8_posts) for v in m.check(sc, plan) if v.hard]
    kx = res.kpis
    return {
        "size": size, "staff": len(sc.staff), "schools": len(sc.schools),
        "leaders": int(sc.staff["role"].isin(["principal", "vice_principal"]).sum()),
        "workers": workers, "pure": pure, "stage_s": round(stage_s, 2), "solve_s": st["solve_seconds"],
        "status": st["status"], "gap": st["gap"], "objective": st["objective"], "bound": st["bound"],
        "variables": st["variables"], "plan_cost": st["plan_option_cost"], "flow_cost": st.get("flow_option_cost"),
        "greedy_cost": st["greedy_option_cost"], "greedy_ok": st["greedy_keeps_hard_rules"],
        "due": kx["r1_due"], "moved": kx["r1_moved"], "crossings": kx["r1x_crossings"],
        "most_possible": kx["r1x_most_possible"], "unfilled": kx["leader_posts_unfilled"],
        "principal_unfilled": kx["principal_posts_unfilled"], "vice_up": kx.get("vice_promoted_to_principal", 0),
        "unpruned": st.get("unpruned_level_groups", []),
        "infeasible": any(n.startswith("Infeasible") for n in res.notes),
        "hard_violations": len(hard), "peak_rss_mb": round(peak_rss_mib(), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,20000,100000")
    ap.add_argument("--workers", default="2", help="comma-separated CP-SAT worker counts to measure")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--pure", action="store_true", help="CP-SAT alone: no min-cost-flow warm start or bound")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.time_limit, int(args.workers), args.pure)))
        return
    for size in args.sizes.split(","):
        for w in args.workers.split(","):
            cmd = [sys.executable, __file__, "--one", size, "--time-limit", str(args.time_limit), "--workers", w]
            cmd += ["--pure"] if args.pure else []
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if p.returncode:
                print(f"{size} workers={w}: failed\n{p.stderr[-3000:]}", flush=True)
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            worse = (r["greedy_cost"] - r["plan_cost"]) / max(1.0, abs(r["plan_cost"]))
            gap = "n/a" if r["gap"] is None else f"{r['gap']:.2%}"
            print(f"{r['size']:>7} staff={r['staff']:>6} schools={r['schools']:>5} leaders={r['leaders']:>5} "
                  f"workers={r['workers']}{' pure CP-SAT' if r['pure'] else ''} | stage {r['stage_s']:6.2f}s "
                  f"(CP-SAT {r['solve_s']:.2f}s) {r['variables']} vars, status {r['status']}, gap {gap} | "
                  f"option cost: plan {r['plan_cost']}, flow {r['flow_cost']}, greedy {r['greedy_cost']} "
                  f"({worse:+.1%} of the plan's){'' if r['greedy_ok'] else ' greedy breaks a hard rule'} | "
                  f"R1 {r['moved']}/{r['due']} due rotate, R1x {r['crossings']} of at most {r['most_possible']}, "
                  f"{r['unfilled']} posts unfilled ({r['principal_unfilled']} principal), "
                  f"{r['vice_up']} vice-principals promoted | unpruned groups {r['unpruned'] or 'none'}"
                  f"{', INFEASIBLE reported' if r['infeasible'] else ''} | hard violations {r['hard_violations']} | "
                  f"peak {r['peak_rss_mb']} MB", flush=True)


if __name__ == "__main__":
    main()
