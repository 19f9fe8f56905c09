"""Nearest-school-first greedy for R7: the baseline the CP-SAT model is benchmarked against.

Teachers in person_id order; each day a teacher goes from home to the nearest school that still
needs the subject, teaches as many lessons there as the day, the school and the spare capacity allow,
then (while stops remain) on to the nearest next school from which the way home still fits the daily
travel limit. It respects every R7 limit, so it is also a feasible start (hint) for the model.
"""

from __future__ import annotations

from .r7 import Booking, Instance, Solution
from .tours import EPS, Distances


def greedy(inst: Instance, dist: Distances, max_stops: int, max_minutes: float) -> Solution:
    left = dict(inst.uncovered)
    sol = Solution()
    for t in sorted(inst.teachers, key=lambda t: t.person_id):
        tours = {k.stop_set: k for k in inst.tours_of(t)}
        if not tours:
            continue
        spare = t.spare
        days: dict[frozenset, list] = {}
        for _day in range(inst.days):
            if spare <= 0:
                break
            here, used, today = t.home, 0.0, inst.per_day
            stops: list[tuple[str, int]] = []
            while len(stops) < min(max_stops, inst.per_day) and today > 0 and spare > 0:
                options = []
                for key in tours:  # schools this teacher can reach at all
                    for s in key:
                        if s in stops or left.get((s, t.subject), 0) <= 0:
                            continue
                        if used + dist(here, s) + dist(s, t.home) <= max_minutes + EPS:
                            options.append((dist(here, s), s))
                options = sorted(set(options))
                chosen = next((s for _, s in options if frozenset([*stops, s]) in tours), None)
                if chosen is None:
                    break
                n = min(today, spare, left[(chosen, t.subject)])
                used += dist(here, chosen)
                here = chosen
                stops.append((chosen, n))
                left[(chosen, t.subject)] -= n
                today -= n
                spare -= n
                # The greedy stops where it first runs out; keep at least one lesson for every stop.
                if today == 0 or spare == 0:
                    break
            if not stops:
                break
            key = frozenset(s for s, _ in stops)
            days.setdefault(key, []).append(dict(stops))
        for key, visits in days.items():
            tour = tours[key]
            lessons = tuple(sum(v[s] for v in visits) for s in tour.stops)
            sol.bookings.setdefault(t.person_id, []).append(Booking(tour, len(visits), lessons))
    return sol
