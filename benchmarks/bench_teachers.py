"""Teacher stage benchmark (plain script, not a test).

1. Quality: the optimizer against a careful clerk (optimizer/teachers/greedy.py: new hires by exam rank
   into the largest gap of their subject, period-1 finishers to the largest gap of the other area,
   exchanges by years at school, backbone first up to the share) on the sample district and on
   generated districts, KPI by KPI.
2. Scale: the teacher stage on 5,000, 20,000 and 100,000 staff: seconds, gap, peak memory (each size in
   its own process, peak RSS from resource.getrusage).

    .venv/bin/python benchmarks/bench_teachers.py [quality|scale|all] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from rotaplan.models import Scenario
from rotaplan.optimizer import r12
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.pipeline import assemble
from rotaplan.optimizer.state import PlanState
from rotaplan.optimizer.teachers import candidates, greedy, stage
from rotaplan.scenarios.generate import generate

# KPI -> (direction, label): "min" lower is better
KPIS = {
    "uncovered_lessons": "min",
    "uncovered_rural_lessons": "min",
    "degree_ratio_urban_rural": "min",
    "r9_backbone_share_gap": "min",
    "r9_bachelor_share_gap": "min",
    "r9_kindergarten_associate_share_gap": "min",
    "envy_pairs": "min",
    "moves": "min",
}


def scenario(staff: int, seed: int, laiwu: bool = False) -> Scenario:
    d = generate(staff, seed=seed, laiwu=laiwu)
    return Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)


def fresh(sc) -> PlanState:
    state = PlanState(sc)
    r12.apply(sc, state)
    return state


def optimizer_plan(sc, params):
    state = fresh(sc)
    t = time.perf_counter()
    stage.solve(sc, state, params)
    return assemble(sc, state), state, time.perf_counter() - t


def clerk_plan(sc):
    state = fresh(sc)
    data = candidates.build(sc, state)
    choice = greedy.clerk(data)
    stage.write(sc, state, data, stage.placement(data, choice), set())
    return assemble(sc, state), state


def compare(name, sc, params) -> bool:
    opt, ostate, secs = optimizer_plan(sc, params)
    clerk, cstate = clerk_plan(sc)
    print(f"\n== {name}: {len(sc.staff)} staff, {len(sc.schools)} schools; optimizer {secs:.1f} s, "
          f"status {ostate.solver['teachers']['status']}, gap {ostate.solver['teachers'].get('gap')}")
    print(f"{'KPI':40s} {'before':>10s} {'clerk':>10s} {'optimizer':>10s}  verdict")
    ok_all, strictly = True, False
    for k, how in KPIS.items():
        b = opt.kpis["before"].get(k)
        c, o = clerk.kpis["after"].get(k), opt.kpis["after"].get(k)
        if c is None or o is None:
            verdict = "n/a"
        elif o < c - 1e-9:
            verdict = "better"
            strictly |= k.startswith(("uncovered", "degree", "r9"))
        elif o > c + 1e-9:
            verdict = "WORSE"
            ok_all = False
        else:
            verdict = "equal"
        print(f"{k:40s} {str(b):>10s} {str(c):>10s} {str(o):>10s}  {verdict}")
    for rule in ("R5", "R6", "R8", "R9", "R10", "R11"):
        c, o = cstate.compliance[rule][0], ostate.compliance[rule][0]
        print(f"{'compliance ' + rule:40s} {'':>10s} {c:>10s} {o:>10s}")
        if c == "met" and o != "met":
            ok_all = False
    print(f"-> optimizer at least as good on every KPI: {ok_all}; strictly better on coverage or parity: {strictly}")
    return ok_all and strictly


def quality(workers: int) -> None:
    params = SolveParams(time_limit=15.0, workers=workers, seed=0)
    compare("sample district (laiwu)", scenario(5000, 0, laiwu=True), params)
    for staff, seed in ((3000, 1), (8000, 2)):
        compare(f"generated district seed {seed}", scenario(staff, seed), params)


def one_size(staff: int, time_limit: float, workers: int) -> dict:
    sc = scenario(staff, 0)
    state = fresh(sc)
    t = time.perf_counter()
    stage.solve(sc, state, SolveParams(time_limit=time_limit, workers=workers, seed=0))
    secs = time.perf_counter() - t
    st = state.solver["teachers"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # GiB (ru_maxrss is KiB)
    return {"staff": len(sc.staff), "seconds": round(secs, 1), "status": st["status"], "gap": st.get("gap"),
            "objective": st.get("objective"), "bound": st.get("bound"), "fallback": st.get("fallback"),
            "pairs": st.get("pairs"), "movable": st.get("movable"), "peak_gib": round(peak, 2),
            "compliance": {r: state.compliance[r][0] for r in ("R5", "R6", "R8", "R9", "R10", "R11")}}


def scale(workers: int) -> None:
    print(f"\n{'staff':>8s} {'limit':>6s} {'seconds':>8s} {'status':>9s} {'gap':>8s} {'peak GiB':>9s}  notes")
    for staff, limit in ((5000, 15.0), (20000, 60.0), (100000, 120.0)):
        out = subprocess.run([sys.executable, __file__, "one", str(staff), str(limit), "--workers", str(workers)],
                             capture_output=True, text=True)
        try:
            r = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            print(f"{staff:>8d} failed: {out.stderr[-500:]}")
            continue
        gap = "-" if r["gap"] is None else f"{r['gap']:.2%}"
        print(f"{r['staff']:>8d} {limit:>6.0f} {r['seconds']:>8.1f} {r['status']:>9s} {gap:>8s} {r['peak_gib']:>9.2f}  "
              f"pairs {r['pairs']}, movable {r['movable']}, fallback {r['fallback']}, {r['compliance']}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="?", default="all", choices=["quality", "scale", "all", "one"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    if a.what == "one":
        print(json.dumps(one_size(int(a.args[0]), float(a.args[1]), a.workers)))
    else:
        if a.what in ("quality", "all"):
            quality(a.workers)
        if a.what in ("scale", "all"):
            scale(a.workers)
