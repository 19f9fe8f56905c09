"""Teacher stage benchmark (plain script, not a test).

1. Quality: the optimizer against a careful clerk (optimizer/teachers/greedy.py: new hires by exam rank
   into the largest gap of their subject, period-1 finishers to the largest gap of the other area,
   exchanges by years at school, backbone first up to the share) on the sample district and on
   generated districts, KPI by KPI.
2. Scale: the teacher stage on 5,000, 20,000 and 100,000 staff: seconds, gap, peak memory (each size in
   its own process, peak RSS from /proc VmHWM).
3. Trade-off (moves vs parity) on the sample: the plan's moves and R9/R10 deficits as the move weight
   grows, parity weighted heavily -- the fewest moves that still reach parity, against the clerk's.

The stage runs after R12 only (no leader stage), so the figures are the teacher stage's own.

    .venv/bin/python benchmarks/bench_teachers.py [quality|scale|tradeoff|all] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import peak_rss_mib  # noqa: E402

from rotaplan.models import Scenario
from rotaplan.optimizer import r12
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.pipeline import assemble, record
from rotaplan.optimizer.results import StageLog
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
# not KPIs of the contract, shown to explain the moves
EXTRA = ("moves_forced", "moves_exchange", "moves_to_ranked_school", "moves_other")


def scenario(staff: int, seed: int, laiwu: bool = False) -> Scenario:
    d = generate(staff, seed=seed, laiwu=laiwu)
    return Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)


def fresh(sc) -> PlanState:
    state = PlanState(sc)
    r12.apply(sc, state)
    return state


def optimizer_plan(sc, params):
    """(plan, state, the stage's StageResult, seconds)."""
    state = fresh(sc)
    t = time.perf_counter()
    res = stage.solve(sc, state, params)
    secs = time.perf_counter() - t
    record(state, {"teachers": res})
    return assemble(sc, state), state, res, secs


def move_kinds(state) -> dict:
    """Moves split by cause: forced by R5 (new hires, period-2), R11 exchanges, to a ranked school, other."""
    a = state.a
    moved = (a["to_school"] != a["from_school"]) & (a["move"] != "retire")
    forced = moved & a["move"].isin(["place_new", "bundle_second"])
    exch = moved & (a["move"] == "exchange")
    ranked = moved & ~forced & ~exch & a["reason"].str.contains("preference rank", regex=False)
    return {"moves_forced": int(forced.sum()), "moves_exchange": int(exch.sum()),
            "moves_to_ranked_school": int(ranked.sum()), "moves_other": int((moved & ~forced & ~exch & ~ranked).sum())}


def clerk_plan(sc):
    state = fresh(sc)
    data = candidates.build(sc, state)
    choice = greedy.clerk(data)
    log = StageLog()
    stage.write(sc, state, log, data, stage.placement(data, choice), set())
    state.kpi_extra.update(log.kpis)
    return assemble(sc, state), state


def compare(name, sc, params) -> bool:
    opt, ostate, ores, secs = optimizer_plan(sc, params)
    clerk, cstate = clerk_plan(sc)
    print(f"\n== {name}: {len(sc.staff)} staff, {len(sc.schools)} schools; optimizer {secs:.1f} s, "
          f"status {ores.status}, gap {ores.gap}")
    print(f"{'KPI':40s} {'before':>10s} {'clerk':>10s} {'optimizer':>10s}  verdict")
    ok_all, strictly = True, False
    for k in KPIS:
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
    ck, ok_ = move_kinds(cstate), move_kinds(ostate)
    for k in EXTRA:
        print(f"{k:40s} {'':>10s} {ck[k]:>10d} {ok_[k]:>10d}")
    st = ores.details
    print(f"{'envy pairs before repair (optimizer)':40s} {'':>10s} {'':>10s} "
          f"{st.get('envy_pairs_before_repair')!s:>10s}  ({st.get('envy_repair_swaps')} repair swaps)")
    print(f"-> optimizer at least as good on every KPI: {ok_all}; strictly better on coverage or parity: {strictly}")
    return ok_all and strictly


def quality(workers: int) -> None:
    params = SolveParams(time_limit=15.0, workers=workers, seed=0)
    compare("sample district (laiwu)", scenario(5000, 0, laiwu=True), params)
    for staff, seed in ((3000, 1), (8000, 2)):
        compare(f"generated district seed {seed}", scenario(staff, seed), params)


def tradeoff(workers: int) -> None:
    """Moves against parity on the sample: move weight raised, parity weighted 1000 per teacher."""
    from rotaplan.optimizer.teachers import flow, soft

    d0 = generate(5000, seed=0, laiwu=True)
    print(f"\n{'move w':>7s} {'pref w':>7s} {'moves':>6s} {'R9 short (bb/bach/kg)':>22s} {'R10 short':>9s} "
          f"{'exchanged':>9s} {'uncovered':>9s} {'envy':>5s}")
    for move, pref, parity in ((10, 6, None), (10, 0, None), (25, 0, 1000), (40, 0, 1000), (80, 0, 1000),
                               (160, 0, 1000)):
        pol = d0["policy"] if isinstance(d0["policy"], dict) else d0["policy"].model_dump()
        pol = dict(pol)
        w = dict(pol.get("weights") or {})
        w.update(move=move, preference=pref)
        if parity:
            w.update(r9_parity=parity, r10_degree_ratio=parity)
        pol["weights"] = w
        sc = Scenario.from_frames({k: v for k, v in d0.items() if k != "policy"}, policy=pol, check=False)
        state = fresh(sc)
        data = candidates.build(sc, state)
        dual = flow.lagrangian(data, flow.FlowNet(data), time.perf_counter() + 10)
        assert dual.choice is not None, "the benchmark district has a plan"
        so = stage.placement(data, dual.choice)
        e = flow.evaluate(data, dual.choice)
        from rotaplan.optimizer.teachers import coverage
        unc = coverage.uncovered(data, so)[0]
        r9 = e["r9"]
        print(f"{move:>7d} {pref:>7d} {int((so != data.t_from).sum()):>6d} "
              f"{str((r9['backbone'], r9['bachelor'], r9['kindergarten'])):>22s} {e['r10']:>9d} "
              f"{e['r11']['moved']:>9d} {unc:>9d} {len(soft.envy_list(data, so)):>5d}")
    _, cstate = clerk_plan(scenario(5000, 0, laiwu=True))
    print(f"clerk: {move_kinds(cstate)}")


def one_size(staff: int, time_limit: float, workers: int) -> dict:
    sc = scenario(staff, 0)
    state = fresh(sc)
    t = time.perf_counter()
    res = stage.solve(sc, state, SolveParams(time_limit=time_limit, workers=workers, seed=0))
    secs = time.perf_counter() - t
    st = res.solver_figures()
    peak = peak_rss_mib() / 1024
    return {"staff": len(sc.staff), "seconds": round(secs, 1), "solve_seconds": st.get("solve_seconds"),
            "build_seconds": st.get("build_seconds"), "rounds": st.get("dual_rounds"),
            "status": st["status"], "gap": st.get("gap"),
            "objective": st.get("objective"), "bound": st.get("bound"), "fallback": st.get("fallback"),
            "pairs": st.get("pairs"), "movable": st.get("movable"), "peak_gib": round(peak, 2),
            "compliance": {r: state.compliance[r][0] for r in ("R5", "R6", "R8", "R9", "R10", "R11")}}


def scale(workers: int) -> None:
    print(f"\n{'staff':>8s} {'limit':>6s} {'seconds':>8s} {'build':>6s} {'solve':>6s} {'status':>9s} {'gap':>8s} "
          f"{'peak GiB':>9s}  notes")
    for staff, limit in ((5000, 15.0), (20000, 60.0), (100000, 120.0)):
        out = subprocess.run([sys.executable, __file__, "one", str(staff), str(limit), "--workers", str(workers)],
                             capture_output=True, text=True)
        try:
            r = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            print(f"{staff:>8d} failed: {out.stderr[-500:]}")
            continue
        gap = "-" if r["gap"] is None else f"{r['gap']:.2%}"
        print(f"{r['staff']:>8d} {limit:>6.0f} {r['seconds']:>8.1f} {r['build_seconds']:>6.1f} "
              f"{r['solve_seconds']:>6.1f} {r['status']:>9s} {gap:>8s} {r['peak_gib']:>9.2f}  "
              f"pairs {r['pairs']}, movable {r['movable']}, "
              f"rounds {r['rounds']}, fallback {r['fallback']}, {r['compliance']}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="?", default="all", choices=["quality", "scale", "tradeoff", "all", "one"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    if a.what == "one":
        print(json.dumps(one_size(int(a.args[0]), float(a.args[1]), a.workers)))
    else:
        if a.what in ("quality", "all"):
            quality(a.workers)
        if a.what in ("tradeoff", "all"):
            tradeoff(a.workers)
        if a.what in ("scale", "all"):
            scale(a.workers)
