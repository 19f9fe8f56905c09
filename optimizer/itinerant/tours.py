"""Day tours of an itinerant teacher (R7), enumerated exactly.

A day tour leaves the teacher's home school (`to_school`), visits 1..`max_schools_per_day` other
schools of the same township in the order that makes the day's travel shortest, and comes back home.
Tours are short (usually one or two stops), so every feasible tour is enumerated with its exact
shortest visiting order on the road graph instead of leaning on a VRP heuristic.

Shortest-path minutes form a metric, so the best closed tour over a set of stops never gets shorter
when a stop is added: sets are grown one stop at a time and only feasible sets are extended.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import networkx as nx

EPS = 1e-6  # float slack on the daily travel limit (road minutes are summed as floats)


@dataclass(frozen=True)
class Tour:
    """One day's route from the home school: `stops` in visiting order, `legs[i]` the minutes to reach
    `stops[i]` from the previous stop (the first from home), `back` the minutes from the last stop home."""

    home: str
    stops: tuple[str, ...]
    legs: tuple[float, ...]
    back: float

    @property
    def minutes(self) -> float:
        """Travel of the whole day, the way back included."""
        return float(sum(self.legs) + self.back)

    @property
    def stop_set(self) -> frozenset[str]:
        return frozenset(self.stops)


class Distances:
    """Minutes between the schools of one township (pairs beyond the cutoff or not connected: inf)."""

    def __init__(self, pairs: dict[tuple[str, str], float]):
        self.pairs = pairs

    @classmethod
    def of_township(cls, sc, township: str, sources: list[str], cutoff: float) -> Distances:
        """Shortest minutes from each of `sources` (the schools that need lessons) to every school of
        the township, on the whole road graph (a road may leave the township); roads are two-way, so
        every leg of a tour has a source at one end."""
        travel = sc.travel
        ids = sorted(s for s, t in travel.township_of.items() if t == township)
        pairs: dict[tuple[str, str], float] = {}
        for a in sources:
            if travel.graph is None:
                row = {b: travel.minutes(a, b) for b in ids}
            elif a in travel.graph:
                reach = nx.single_source_dijkstra_path_length(travel.graph, a, cutoff=cutoff, weight="minutes")
                row = {b: float(reach[b]) for b in ids if b in reach}
            else:
                row = {}
            pairs.update(((a, b), m) for b, m in row.items() if m <= cutoff)
        return cls(pairs)

    def __call__(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        m = self.pairs.get((a, b))
        if m is None:
            m = self.pairs.get((b, a), math.inf)
        return m


def best_order(home: str, stops: tuple[str, ...], dist: Distances) -> Tour | None:
    """The shortest closed route home -> stops -> home (ties: the first order in sorted order)."""
    best: Tour | None = None
    best_minutes = math.inf
    for order in itertools.permutations(sorted(stops)):
        legs, prev = [], home
        for s in order:
            legs.append(dist(prev, s))
            prev = s
        back = dist(prev, home)
        total = sum(legs) + back
        if total < best_minutes - 1e-9:
            best_minutes = total
            best = Tour(home, tuple(order), tuple(legs), back)
    if best is None or not math.isfinite(best_minutes):
        return None
    return best


def day_tours(home: str, candidates: list[str], dist: Distances, max_stops: int, max_minutes: float,
              max_tours: int = 20000) -> tuple[list[Tour], bool]:
    """Every feasible day tour from `home` over `candidates` (schools that need the teacher's subject).

    Returns (tours, complete): `complete` is False when more than `max_tours` tours exist and only the
    shortest `max_tours` are kept (never with two stops a day on real townships).
    """
    cands = sorted(c for c in set(candidates) if c != home
                   and dist(home, c) + dist(c, home) <= max_minutes + EPS)
    tours: list[Tour] = []
    frontier: list[tuple[int, ...]] = []
    for i, c in enumerate(cands):
        t = Tour(home, (c,), (dist(home, c),), dist(c, home))
        tours.append(t)
        frontier.append((i,))
    for _size in range(2, max_stops + 1):
        grown: list[tuple[int, ...]] = []
        for idx in frontier:
            for j in range(idx[-1] + 1, len(cands)):
                tour = best_order(home, tuple(cands[i] for i in (*idx, j)), dist)
                if tour is not None and tour.minutes <= max_minutes + EPS:
                    tours.append(tour)
                    grown.append((*idx, j))
        frontier = grown
        if not frontier:
            break
    complete = len(tours) <= max_tours
    if not complete:
        tours = sorted(tours, key=lambda t: (t.minutes, t.stops))[:max_tours]
    return tours, complete
