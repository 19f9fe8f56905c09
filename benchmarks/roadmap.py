"""A 5-year roadmap (`rotaplan roadmap`): seconds per year (plan, check, write, store, rollover) and in all.

    python benchmarks/roadmap.py [SIZE] [--years N] [--time-limit S] [--workers N] [--hiring FILE]

SIZE is `sample` (the built-in Laiwu sample district, default) or a number of staff (a generated district,
seed 0). The roadmap is written to a temporary folder and its runs to a temporary run history. Target
(issue 13): 5 years of the sample under 60 s, of 100,000 staff under 10 minutes, on the 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import peak_rss_mib, scenario_folder  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", nargs="?", default="sample")
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hiring", default=None)
    args = ap.parse_args()
    from rotaplan.models import Scenario
    from rotaplan.optimizer import SolveParams
    from rotaplan.runs.roadmap import RoadmapRequest, run_roadmap
    from rotaplan.scenarios.rollover import Hiring

    folder = None if args.size == "sample" else str(scenario_folder(int(args.size)))
    first = Scenario.read(folder).policy.plan_year
    hiring = Hiring.read(args.hiring) if args.hiring else None
    with tempfile.TemporaryDirectory() as tmp:
        req = RoadmapRequest(scenario=folder, until=first + args.years - 1, out=str(Path(tmp) / "roadmap"),
                             hiring=hiring, params=SolveParams(time_limit=args.time_limit, workers=args.workers,
                                                               seed=0),
                             db=str(Path(tmp) / "runs.sqlite"))
        t0 = time.perf_counter()
        rm = run_roadmap(req, progress=lambda s: print(f"  {time.perf_counter() - t0:7.1f} s  {s}", flush=True))
        total = time.perf_counter() - t0
    print(f"roadmap of {args.size}, {first}-{req.until}, time limit {args.time_limit:g} s per stage, "
          f"{args.workers} CP-SAT workers:")
    for year, s in rm.year_seconds.items():
        row = rm.rows.set_index("year").loc[year]
        print(f"  {year}: {s:6.1f} s  status {row['status']}, moves {row['moves']}, "
              f"R10 {row['degree_ratio_urban_rural']}, R3 {row['young_rural_leader_share']}, "
              f"uncovered {row['uncovered_lessons']}")
    print(f"  total {total:.1f} s, peak memory {peak_rss_mib():.0f} MiB")
    print(f"  {rm.verdict}")


if __name__ == "__main__":
    main()
