"""Contract v2 on the built-in sample: moves against R9/R10 progress within R15, as the yearly move budget
(max_moves_share) tightens. The budget's weight is raised (weights.move_budget 500 per move above it) so that
each point is the best plan within that budget; R15 (no levelling down, hard) holds at every point.

    python benchmarks/bench_v2_tradeoff.py [--vary budget|drop] [--time-limit 30] [--svg FILE]

Prints one row per point and, with --svg, writes the curve (moves of current staff against the urban/rural
degree ratio, R10) as an SVG chart for docs/benchmarks.md. `--vary drop` keeps the default budget and varies
R15's max_urban_share_drop instead: what the no-levelling-down rule costs R10 in one year.
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd
from common import peak_rss_mib

from rotaplan.models import Scenario
from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.runs.sweep import svg_chart
from rotaplan.validator import check_plan

SHARES = (0.04, 0.06, 0.08, 0.10, 0.12, 0.15, 1.0)  # max_moves_share (--vary budget)
DROPS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.10, 1.0)  # max_urban_share_drop (--vary drop)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--svg", default=None)
    ap.add_argument("--vary", choices=("budget", "drop"), default="budget")
    args = ap.parse_args()
    base = Scenario.read(None)
    rows: list[dict] = []
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"{args.vary:>7s} {'moves':>6s} {'of staff':>8s} {'required':>8s} {'R10':>6s} {'bach u/r':>13s} "
          f"{'bb u/r':>13s} {'exch':>5s} {'uncov':>6s} {'R15':>4s} {'hard':>4s} {'gap':>7s} {'secs':>6s}")
    for share in SHARES if args.vary == "budget" else DROPS:
        sc = base.copy()
        change = ({"max_moves_share": share, "weights": {"move_budget": 500.0}} if args.vary == "budget"
                  else {"max_urban_share_drop": share})
        sc.policy = base.policy.with_overrides(change, "benchmark")
        t = time.perf_counter()
        res = plan_scenario(sc, SolveParams(time_limit=args.time_limit, workers=args.workers, seed=0))
        secs = time.perf_counter() - t
        a, b = res.plan.kpis["after"], res.plan.kpis["before"]
        hard = sum(v.hard for v in check_plan(sc, res.plan))
        gap = res.plan.kpis["solver"]["teachers"]["gap"]
        r15 = res.plan.compliance.set_index("rule").at["R15", "status"]
        rows.append({"run_id": len(rows) + 1, "label": f"{args.vary} {share:g}", "budget": a["move_budget"],
                     "moves_of_current_staff": a["moves_of_current_staff"],
                     "degree_ratio_urban_rural": a["degree_ratio_urban_rural"]})
        print(f"{share:>7g} {a['moves']:>6d} {a['moves_of_current_staff']:>8d} {a['moves_required_by_rules']:>8d} "
              f"{a['degree_ratio_urban_rural']:>6.3f} {a['bachelor_share_urban']:.3f}/{a['bachelor_share_rural']:.3f} "
              f"{a['backbone_share_urban']:.3f}/{a['backbone_share_rural']:.3f} {a['r11_exchanged']:>5d} "
              f"{a['uncovered_lessons']:>6d} {r15:>4s} {hard:>4d} {gap:>7.4f} {secs:>6.1f}")
    print(f"before: R10 {b['degree_ratio_urban_rural']}, bachelor u/r {b['bachelor_share_urban']}/"
          f"{b['bachelor_share_rural']}, backbone u/r {b['backbone_share_urban']}/{b['backbone_share_rural']}")
    print(f"peak RSS {peak_rss_mib():.0f} MiB; load average at end: {os.getloadavg()[0]:.2f}")
    if args.svg:
        df = pd.DataFrame(rows)
        with open(args.svg, "w", encoding="utf-8") as f:
            f.write(svg_chart(df, x="moves_of_current_staff", y="degree_ratio_urban_rural") + "\n")
        print(f"chart written to {args.svg}")


if __name__ == "__main__":
    main()
