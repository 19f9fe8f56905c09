"""Solver parameters: always a time limit, an explicit seed and an explicit worker count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 30.0  # seconds per CP-SAT stage
    seed: int = 0
    workers: int = 8  # CP-SAT portfolio size; 1 = deterministic mode
    log: bool = False  # print the CP-SAT search log

    def __post_init__(self):
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
