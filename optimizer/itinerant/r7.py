"""R7 itinerant teaching: the CP-SAT model of one township.

Decision, per itinerant-ok teacher with spare capacity and per feasible day tour k of that teacher:
`days[t,k]` = on how many days of the week the teacher rides tour k, and `lessons[t,k,s]` = how many
lessons the teacher teaches at stop s over those days. Days are interchangeable, so counting days
instead of choosing them is exact and much smaller; the week is laid out afterwards (`lay_out_week`).

Hard limits (R7):
  * at most `days_per_week` tour days per teacher; each tour has <= `max_schools_per_day` stops and
    <= `max_travel_minutes_per_day` minutes (guaranteed by the tour enumeration);
  * at least one lesson at every stop of every tour day, at most `max_itinerant_lessons_per_day` a day;
  * home lessons + itinerant lessons <= `teacher_load`;
  * per (school, subject): itinerant lessons <= lessons left uncovered after placement.

Objective, lexicographic: (1) most covered lessons, weighted by weights.coverage x rural_coverage
(rural school) x mountain_coverage (mountainous school); then (2) least cost, weights.itinerant_teacher
per itinerant teacher + weights.travel_minute per weekly travel minute (way back included).
Level 1 is solved first; level 2 is solved with level 1 held at the value found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from ..sat import solve as sat_solve
from .tours import Tour


@dataclass(frozen=True)
class Teacher:
    person_id: str
    home: str  # to_school after placement
    subject: str
    spare: int  # teacher_load - home_lessons (> 0)


@dataclass
class Instance:
    """One township's R7 problem."""

    township: str
    teachers: list[Teacher]
    tours: dict[tuple[str, str], list[Tour]]  # (home, subject) -> feasible day tours
    uncovered: dict[tuple[str, str], int]  # (school, subject) -> lessons left after placement
    weight: dict[str, int]  # school -> integer coverage weight (weights scaled to integers)
    days: int
    per_day: int  # max_itinerant_lessons_per_day
    teacher_cost: int  # integer cost of one itinerant teacher
    minute_cost: int  # integer cost of one hundredth of a travel minute

    def tours_of(self, t: Teacher) -> list[Tour]:
        return self.tours.get((t.home, t.subject), [])

    @property
    def size(self) -> int:
        return sum(sum(len(k.stops) + 1 for k in self.tours_of(t)) for t in self.teachers)


@dataclass
class Booking:
    """A teacher rides `tour` on `days` days and teaches `lessons[i]` lessons at `tour.stops[i]`."""

    tour: Tour
    days: int
    lessons: tuple[int, ...]


@dataclass
class Solution:
    bookings: dict[str, list[Booking]] = field(default_factory=dict)  # person_id -> bookings

    def lessons(self) -> int:
        return sum(sum(b.lessons) for bs in self.bookings.values() for b in bs)

    def teachers(self) -> int:
        return sum(1 for bs in self.bookings.values() if any(sum(b.lessons) for b in bs))

    def minutes(self) -> float:
        """Weekly travel minutes, the way back included."""
        return sum(b.tour.minutes * b.days for bs in self.bookings.values() for b in bs)

    def weighted(self, inst: Instance) -> int:
        return sum(inst.weight[s] * x for bs in self.bookings.values() for b in bs
                   for s, x in zip(b.tour.stops, b.lessons))


def hundredths(minutes: float) -> int:
    return int(round(minutes * 100))


def integer_weights(values: dict[str, float]) -> dict[str, int]:
    """Scale positive float weights to the smallest exact-enough integers (ratios kept to 1/1000)."""
    fr = {k: Fraction(v).limit_denominator(1000) for k, v in values.items()}
    den = math.lcm(*(f.denominator for f in fr.values())) if fr else 1
    ints = {k: int(f * den) for k, f in fr.items()}
    g = math.gcd(*ints.values()) if ints else 1
    return {k: v // max(g, 1) for k, v in ints.items()}


def cost_units(w_teacher: float, w_minute: float) -> tuple[int, int]:
    """(cost of a teacher, cost of a hundredth of a travel minute) as integers in the weights' ratio."""
    if w_minute > 0:
        return int(round(w_teacher * 100 / w_minute)), 1
    return (1 if w_teacher > 0 else 0), 0


class R7Model:
    """The CP-SAT model of one township; `solve` runs both objective levels."""

    def __init__(self, inst: Instance):
        self.inst = inst
        m = self.model = cp_model.CpModel()
        self.days: dict[tuple[int, int], cp_model.IntVar] = {}
        self.lessons: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        self.use: dict[int, cp_model.IntVar] = {}
        by_need: dict[tuple[str, str], list] = {}
        self.coverage_terms: list = []
        self.cost_terms: list = []
        totals: dict[int, object] = {}
        D, cap = inst.days, inst.per_day
        for ti, t in enumerate(inst.teachers):
            pid = t.person_id
            day_vars, lesson_vars = [], []
            for k, tour in enumerate(inst.tours_of(t)):
                need = [inst.uncovered[(s, t.subject)] for s in tour.stops]
                ub = min(D, t.spare // len(tour.stops), min(need))
                if ub <= 0 or len(tour.stops) > cap:
                    continue
                n = m.NewIntVar(0, ub, f"days_{pid}_on_{'+'.join(tour.stops)}")
                xs = []
                for s, u in zip(tour.stops, need):
                    x = m.NewIntVar(0, min(u, t.spare, cap * ub), f"lessons_{pid}_at_{s}_via_{'+'.join(tour.stops)}")
                    m.Add(x >= n)  # a visited stop gets at least one lesson a day
                    xs.append(x)
                    by_need.setdefault((s, t.subject), []).append(x)
                    self.coverage_terms.append(inst.weight[s] * x)
                m.Add(sum(xs) <= cap * n)  # per-day lesson cap, summed over the tour's days
                self.days[(ti, k)] = n
                self.lessons[(ti, k)] = xs
                day_vars.append(n)
                lesson_vars.extend(xs)
                if inst.minute_cost:
                    self.cost_terms.append(inst.minute_cost * hundredths(tour.minutes) * n)
            if not day_vars:
                continue
            use = m.NewBoolVar(f"itinerant_teacher_{pid}")
            self.use[ti] = use
            m.Add(sum(day_vars) <= D * use)  # days of the week
            total = sum(lesson_vars)
            m.Add(total <= t.spare)  # home + itinerant <= teacher_load
            m.Add(total >= use)
            totals[ti] = total
            if inst.teacher_cost:
                self.cost_terms.append(inst.teacher_cost * use)
        for (s, subj), xs in by_need.items():
            m.Add(sum(xs) <= inst.uncovered[(s, subj)])
        # Symmetry: teachers with the same home, subject and spare are interchangeable.
        prev = None
        for ti, t in enumerate(inst.teachers):
            if ti not in totals:
                continue
            key = (t.home, t.subject, t.spare)
            if prev is not None and prev[0] == key:
                m.Add(totals[prev[1]] >= totals[ti])
                m.Add(self.use[prev[1]] >= self.use[ti])
            prev = (key, ti)

    @property
    def n_variables(self) -> int:
        return len(self.model.Proto().variables)

    def hint(self, sol: Solution) -> None:
        m = self.model
        m.ClearHints()
        for ti, t in enumerate(self.inst.teachers):
            booked = {b.tour.stops: b for b in sol.bookings.get(t.person_id, [])}
            used = False
            for k, tour in enumerate(self.inst.tours_of(t)):
                if (ti, k) not in self.days:
                    continue
                b = booked.get(tour.stops)
                m.AddHint(self.days[(ti, k)], b.days if b else 0)
                for x, v in zip(self.lessons[(ti, k)], b.lessons if b else [0] * len(tour.stops)):
                    m.AddHint(x, v)
                used = used or bool(b and sum(b.lessons))
            if ti in self.use:
                m.AddHint(self.use[ti], int(used))

    def read(self, solver: cp_model.CpSolver) -> Solution:
        sol = Solution()
        for (ti, k), n in self.days.items():
            d = solver.Value(n)
            if d <= 0:
                continue
            t = self.inst.teachers[ti]
            tour = self.inst.tours_of(t)[k]
            xs = tuple(int(solver.Value(x)) for x in self.lessons[(ti, k)])
            sol.bookings.setdefault(t.person_id, []).append(Booking(tour, int(d), xs))
        return sol

    def solve(self, params, time_limit: float, start: Solution | None = None) -> tuple[Solution, dict]:
        """Level 1 (coverage), then level 2 (teachers and travel) with coverage held."""
        m = self.model
        stats = {"coverage_status": "optimal", "cost_status": "optimal", "coverage_objective": 0,
                 "coverage_bound": 0, "cost_objective": 0, "cost_bound": 0, "solve_seconds": 0.0}
        best = start or Solution()
        if not self.coverage_terms:
            return best, stats
        cover = sum(self.coverage_terms)
        m.Maximize(cover)
        self.hint(best)
        solver, status, st = sat_solve(m, params, time_limit=time_limit * 0.6)
        stats["solve_seconds"] += st["solve_seconds"]
        stats["coverage_status"] = status
        if status in ("optimal", "feasible"):
            found = self.read(solver)
            # Keep the start when the search found nothing better (possible under a time limit).
            if found.weighted(self.inst) >= best.weighted(self.inst):
                best = found
            stats["coverage_bound"] = int(round(st["bound"]))
        else:
            stats["coverage_bound"] = sum(self.inst.weight[s] * u for (s, _), u in self.inst.uncovered.items())
        level1 = best.weighted(self.inst)
        stats["coverage_objective"] = level1
        if not self.cost_terms or level1 == 0:
            stats["cost_objective"] = stats["cost_bound"] = self._cost(best)
            return best, stats
        m.Add(cover >= level1)
        m.Minimize(sum(self.cost_terms))
        self.hint(best)
        solver, status, st = sat_solve(m, params, time_limit=time_limit * 0.4)
        stats["solve_seconds"] += st["solve_seconds"]
        stats["cost_status"] = status
        if status in ("optimal", "feasible"):
            found = self.read(solver)
            if self._cost(found) <= self._cost(best):
                best = found
            stats["cost_bound"] = int(round(st["bound"]))
        else:
            stats["cost_bound"] = 0
        stats["cost_objective"] = self._cost(best)
        return best, stats

    def _cost(self, sol: Solution) -> int:
        inst = self.inst
        return (inst.teacher_cost * sol.teachers()
                + inst.minute_cost * sum(hundredths(b.tour.minutes) * b.days
                                         for bs in sol.bookings.values() for b in bs))
