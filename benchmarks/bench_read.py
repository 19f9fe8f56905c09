"""Read and validate generated scenarios of several sizes: time and peak memory.

Each size runs in a fresh process so peak memory is that size's own. Target (issue: scenario data):
100,000 staff read and validated in under 10 s and under 1 GiB on a 2-core machine.

    python benchmarks/bench_read.py [SIZES...]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import peak_rss_mib, scenario_folder, sizes, timed  # noqa: E402


def one(n: int) -> None:
    from rotaplan.models import Scenario

    folder = scenario_folder(n)
    base = peak_rss_mib()
    sc, secs = timed(lambda: Scenario.read(folder))
    print(f"{n:>7} staff  {len(sc.schools):>5} schools  read+validate {secs:6.2f} s  "
          f"peak RSS {peak_rss_mib():7.1f} MiB (before reading {base:6.1f} MiB)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(int(sys.argv[2]))
    else:
        for n in sizes():
            scenario_folder(n)  # generate outside the measured process
            subprocess.run([sys.executable, __file__, "--one", str(n)], check=True)
