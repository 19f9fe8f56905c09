"""Shared benchmark helpers: generated scenarios on disk (cached) and peak-memory measurement."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from rotaplan.procinfo import peak_rss_mib  # noqa: F401 - re-exported for the scripts

CACHE = Path(tempfile.gettempdir()) / "rotaplan-bench"


def scenario_folder(staff: int, seed: int = 0) -> Path:
    """A generated scenario folder of about `staff` people, written once and reused."""
    from rotaplan.models import Scenario
    from rotaplan.scenarios.generate import generate

    path = CACHE / f"gen-{staff}-{seed}"
    if not (path / "staff.csv").exists():
        d = generate(staff=staff, seed=seed)
        Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"]).write(path)
    return path


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def sizes(default=(5000, 20000, 100000)) -> list[int]:
    return [int(a) for a in sys.argv[1:]] or list(default)
