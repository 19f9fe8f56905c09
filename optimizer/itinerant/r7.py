"""R7 itinerant teaching: the CP-SAT model of one (township, subject).

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

Objective, lexicographic in the order of the policy weights: (1) most covered lessons, weighted by
weights.coverage x rural_coverage (rural school) x mountain_coverage (mountainous school); then (2)
fewest itinerant teachers (skipped when weights.itinerant_teacher is 0); then (3) least weekly travel
minutes, the way back included (skipped when weights.travel_minute is 0). Each level is solved with the
levels before it held at the value found; the start (the greedy baseline) is the hint of every level.

An instance is one (township, subject): teachers of different subjects share no constraint, so
these subproblems are independent and small.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import networkx as nx
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
    """The R7 problem of one subject in one township."""

    township: str
    subject: str
    teachers: list[Teacher]
    tours: dict[tuple[str, str], list[Tour]]  # (home, subject) -> feasible day tours
    uncovered: dict[tuple[str, str], int]  # (school, subject) -> lessons left after placement
    weight: dict[str, int]  # school -> integer coverage weight (weights scaled to integers)
    days: int
    per_day: int  # max_itinerant_lessons_per_day
    count_teachers: bool = True  # level 2 on (weights.itinerant_teacher > 0)
    count_travel: bool = True  # level 3 on (weights.travel_minute > 0)

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


def flow_bound(inst: Instance) -> int:
    """An upper bound on weighted coverage: the transportation relaxation (max-weight flow).

    Each (home, subject) group of teachers offers min(spare, days x daily cap) lessons per teacher to
    the schools its tours reach; each (school, subject) takes at most its uncovered lessons. Day
    structure is relaxed away, so no plan covers more; when a plan reaches it, the plan is optimal.
    """
    g = nx.DiGraph()
    supply = 0
    offer: dict[tuple[str, str], int] = {}
    for t in inst.teachers:
        key = (t.home, t.subject)
        offer[key] = offer.get(key, 0) + min(t.spare, inst.days * inst.per_day)
    for (home, subj), cap in offer.items():
        reach = {s for k in inst.tours.get((home, subj), []) for s in k.stops}
        if not reach:
            continue
        g.add_edge("offer", ("group", home, subj), capacity=cap, weight=0)
        for s in reach:
            g.add_edge(("group", home, subj), ("need", s, subj), capacity=inst.uncovered[(s, subj)],
                       weight=-inst.weight[s])
        supply += cap
    if not supply:
        return 0
    for (s, subj), u in inst.uncovered.items():
        if g.has_node(("need", s, subj)):
            g.add_edge(("need", s, subj), "take", capacity=u, weight=0)
    g.add_edge("offer", "take", capacity=supply, weight=0)  # capacity left unused
    g.nodes["offer"]["demand"] = -supply
    g.nodes["take"]["demand"] = supply
    return -int(nx.min_cost_flow_cost(g))


class R7Model:
    """The CP-SAT model of one (township, subject); `solve` runs the three objective levels."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.model: cp_model.CpModel | None = None  # built on the first search only
        self._fixed: list[tuple[str, int]] = []  # levels held so far: (level, value)
        self._applied = 0

    def _build(self) -> None:
        inst = self.inst
        m = self.model = cp_model.CpModel()
        self.days: dict[tuple[int, int], cp_model.IntVar] = {}
        self.lessons: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        self.use: dict[int, cp_model.IntVar] = {}
        by_need: dict[tuple[str, str], list] = {}
        visits: dict[str, list] = {}  # school -> (days, lessons) of every tour stopping there
        self.coverage_terms: list = []
        self.travel_terms: list = []
        totals: dict[int, cp_model.LinearExprT] = {}
        D, cap = inst.days, inst.per_day
        for ti, t in enumerate(inst.teachers):
            pid = t.person_id
            day_vars, lesson_vars = [], []
            for k, tour in enumerate(inst.tours_of(t)):
                need = [inst.uncovered[(s, t.subject)] for s in tour.stops]
                ub = min(D, t.spare // len(tour.stops), min(need))
                if ub <= 0 or len(tour.stops) > cap:
                    continue
                n = m.new_int_var(0, ub, f"days_{pid}_on_{'+'.join(tour.stops)}")
                xs = []
                for s, u in zip(tour.stops, need):
                    x = m.new_int_var(0, min(u, t.spare, cap * ub), f"lessons_{pid}_at_{s}_via_{'+'.join(tour.stops)}")
                    m.add(x >= n)  # a visited stop gets at least one lesson a day
                    # ... so the other stops leave it at most cap - (stops - 1) a day (a tighter LP).
                    m.add(x <= (cap - len(tour.stops) + 1) * n)
                    xs.append(x)
                    by_need.setdefault((s, t.subject), []).append(x)
                    visits.setdefault(s, []).append((n, x, ub))
                    self.coverage_terms.append(inst.weight[s] * x)
                m.add(sum(xs) <= cap * n)  # per-day lesson cap, summed over the tour's days
                self.days[(ti, k)] = n
                self.lessons[(ti, k)] = xs
                day_vars.append(n)
                lesson_vars.extend(xs)
                self.travel_terms.append(hundredths(tour.minutes) * n)
            if not day_vars:
                continue
            use = m.new_bool_var(f"itinerant_teacher_{pid}")
            self.use[ti] = use
            m.add(sum(day_vars) <= D * use)  # days of the week
            total = sum(lesson_vars)
            m.add(total <= min(t.spare, D * cap) * use)  # home + itinerant <= teacher_load
            m.add(total >= use)
            totals[ti] = total
        for (s, subj), xs in by_need.items():
            m.add(sum(xs) <= inst.uncovered[(s, subj)])
        # Redundant integer counts that let the search round up: days visiting a school >= lessons / cap.
        for s, triples in visits.items():
            v = m.new_int_var(0, sum(ub for _, _, ub in triples), f"visit_days_at_{s}")
            m.add(v == sum(n for n, _, _ in triples))
            m.add(cap * v >= sum(x for _, x, _ in triples))
        # Symmetry: teachers with the same home, subject and spare are interchangeable.
        prev = None
        for ti, t in enumerate(inst.teachers):
            if ti not in totals:
                continue
            key = (t.home, t.subject, t.spare)
            if prev is not None and prev[0] == key:
                m.add(totals[prev[1]] >= totals[ti])
                m.add(self.use[prev[1]] >= self.use[ti])
            prev = (key, ti)

    @property
    def n_variables(self) -> int:
        return 0 if self.model is None else len(self.model.Proto().variables)

    def _canonical(self, sol: Solution) -> dict[str, list[Booking]]:
        """`sol`'s bookings with interchangeable teachers reordered to meet the symmetry constraints."""
        out = dict(sol.bookings)
        runs: dict[tuple, list[str]] = {}
        for t in self.inst.teachers:
            runs.setdefault((t.home, t.subject, t.spare), []).append(t.person_id)
        for pids in runs.values():
            if len(pids) > 1:
                weeks = sorted((sol.bookings.get(p, []) for p in pids),
                               key=lambda bs: -sum(sum(b.lessons) for b in bs))
                out.update(zip(pids, weeks))
        return out

    def hint(self, sol: Solution) -> None:
        m = self.model
        assert m is not None, "hint() needs the model built (search builds it)"
        m.clear_hints()
        bookings = self._canonical(sol)
        for ti, t in enumerate(self.inst.teachers):
            booked = {b.tour.stops: b for b in bookings.get(t.person_id, [])}
            used = False
            for k, tour in enumerate(self.inst.tours_of(t)):
                if (ti, k) not in self.days:
                    continue
                b = booked.get(tour.stops)
                m.add_hint(self.days[(ti, k)], b.days if b else 0)
                for x, v in zip(self.lessons[(ti, k)], b.lessons if b else [0] * len(tour.stops)):
                    m.add_hint(x, v)
                used = used or bool(b and sum(b.lessons))
            if ti in self.use:
                m.add_hint(self.use[ti], int(used))

    def read(self, solver: cp_model.CpSolver) -> Solution:
        sol = Solution()
        for (ti, k), n in self.days.items():
            d = solver.value(n)
            if d <= 0:
                continue
            t = self.inst.teachers[ti]
            tour = self.inst.tours_of(t)[k]
            xs = tuple(int(solver.value(x)) for x in self.lessons[(ti, k)])
            sol.bookings.setdefault(t.person_id, []).append(Booking(tour, int(d), xs))
        return sol

    # ---- the three levels ------------------------------------------------------------
    LEVELS = ("coverage", "teachers", "minutes")

    def start(self, sol: Solution) -> None:
        """Begin from a feasible solution (the greedy baseline): it is the hint of every level."""
        inst = self.inst
        self.best = sol
        reach = {s for t in inst.teachers for k in inst.tours_of(t) for s in k.stops}
        everything = sum(inst.weight[s] * u for (s, _), u in inst.uncovered.items() if s in reach)
        bound = everything if sol.weighted(inst) >= everything else flow_bound(inst)
        self.stats: dict[str, Any] = {"coverage": [sol.weighted(inst), bound], "teachers": [0, 0],
                      "minutes": [0, 0], "solve_seconds": 0.0, "solves": 0}
        self._bound = {"coverage": self.stats["coverage"][1]}

    def _value(self, level: str, sol: Solution) -> int:
        if level == "coverage":
            return sol.weighted(self.inst)
        return sol.teachers() if level == "teachers" else hundredths_of(sol)

    def _expr(self, level: str):
        if level == "coverage":
            return sum(self.coverage_terms)
        return sum(self.use.values()) if level == "teachers" else sum(self.travel_terms)

    def open_level(self, level: str) -> bool:
        """Hold the levels before `level` at the values found; True when `level` still needs a search."""
        inst, best = self.inst, self.best
        if level == "teachers":
            self._fixed.append(("coverage", best.weighted(inst)))
            self._bound["teachers"] = teacher_lower_bound(inst, best) if inst.count_teachers else best.teachers()
        elif level == "minutes":
            polished = polish_travel(inst, best)
            if hundredths_of(polished) < hundredths_of(best):
                self.best = best = polished
            self._fixed.append(("teachers", best.teachers()))
            self._bound["minutes"] = (travel_lower_bound(inst, best.weighted(inst)) if inst.count_travel
                                      else hundredths_of(best))
        sense = 1 if level == "coverage" else -1
        self.stats[level] = [self._value(level, best), self._bound[level]]
        return sense * self._value(level, best) < sense * self._bound[level]

    def search(self, level: str, params, time_limit: float) -> None:
        """Optimise `level` from the best solution so far (call after open_level returned True)."""
        if self.model is None:
            self._build()
        m, sense = self.model, (1 if level == "coverage" else -1)
        assert m is not None  # built above
        for held, value in self._fixed[self._applied:]:
            if held == "coverage":
                m.add(self._expr("coverage") >= value)
            elif self.use:
                m.add(self._expr("teachers") <= value)
        self._applied = len(self._fixed)
        objective, bound = self._expr(level), self._bound[level]
        m.add(sense * objective <= sense * bound)  # redundant; the search stops on reaching it
        (m.maximize if sense > 0 else m.minimize)(objective)
        self.hint(self.best)
        solver, status, st = sat_solve(m, params, time_limit=time_limit)
        self.stats["solve_seconds"] += st["solve_seconds"]
        self.stats["solves"] += 1
        if status in ("optimal", "feasible"):
            found = self.read(solver)
            if sense * self._value(level, found) >= sense * self._value(level, self.best):
                self.best = found
            if sense > 0:
                bound = min(bound, math.floor(st["bound"] + 1e-6))
            else:
                bound = max(bound, math.ceil(st["bound"] - 1e-6))
        self._bound[level] = bound
        self.stats[level] = [self._value(level, self.best), bound]

    def solve(self, params, time_limit: float, start: Solution | None = None) -> tuple[Solution, dict]:
        """All three levels in turn, each search at most `time_limit` seconds."""
        self.start(start or Solution())
        for level in self.LEVELS:
            if self.open_level(level):
                self.search(level, params, time_limit)
        return self.best, self.stats


def best_week(tours: list[Tour], lessons: dict[str, int], days: int, cap: int,
              max_states: int = 5000) -> list[tuple[Tour, tuple[int, ...]]] | None:
    """The least-travel week that teaches exactly `lessons` (school -> lessons) in at most `days` days.

    Exact dynamic programme over (lessons still to teach, days left); every day rides one tour and
    teaches at least one lesson at each stop and as many as it can in all (up to `cap`). None when no
    such week exists or the state space exceeds `max_states`.
    """
    order = sorted(lessons)
    idx = {s: i for i, s in enumerate(order)}
    if math.prod(v + 1 for v in lessons.values()) * days > max_states:
        return None
    usable = [(k, [idx[s] for s in k.stops], hundredths(k.minutes)) for k in tours
              if all(s in idx for s in k.stops) and len(k.stops) <= cap]
    patterns: dict[int, list[tuple[int, ...]]] = {}
    for _, pos, _ in usable:
        m = len(pos)
        if m not in patterns:
            top = cap - m + 1
            patterns[m] = [p for p in itertools.product(range(1, top + 1), repeat=m) if sum(p) <= cap]
    # (lessons still to teach, days left) -> (least travel, the day taken: tour, lessons per stop, lessons left)
    Step = tuple[Tour, tuple[int, ...], tuple[int, ...]]
    memo: dict[tuple[tuple[int, ...], int], tuple[float, Step | None]] = {}

    def f(rest: tuple[int, ...], left: int) -> float:
        if not any(rest):
            return 0
        if left == 0:
            return math.inf
        key = (rest, left)
        if key in memo:
            return memo[key][0]
        best: tuple[float, Step | None] = (math.inf, None)
        for k, pos, cost in usable:
            if any(rest[i] == 0 for i in pos):
                continue
            # A day teaches as much as it can: moving a lesson of the same school from a later
            # day to this one never adds travel (the later day keeps or drops the stop).
            full = min(cap, sum(rest[i] for i in pos))
            for p in patterns[len(pos)]:
                if sum(p) != full or any(p[j] > rest[i] for j, i in enumerate(pos)):
                    continue
                nxt = list(rest)
                for j, i in enumerate(pos):
                    nxt[i] -= p[j]
                total = cost + f(tuple(nxt), left - 1)
                if total < best[0]:
                    best = (total, (k, p, tuple(nxt)))
        memo[key] = best
        return best[0]

    start = tuple(lessons[s] for s in order)
    if not math.isfinite(f(start, days)):
        return None
    week: list[tuple[Tour, tuple[int, ...]]] = []
    rest, left = start, days
    while any(rest):
        step = memo[(rest, left)][1]
        assert step is not None  # the week's travel is finite, so every state on its way has a next day
        k, p, rest = step
        week.append((k, p))
        left -= 1
    return week


def polish_travel(inst: Instance, sol: Solution) -> Solution:
    """Each teacher's least-travel week for the lessons they already teach at each school.

    Lessons per (teacher, school) stay as they are, so coverage and teachers do not change; travel
    can only fall. Used before the travel level's search (a better hint) and when its time is out.
    """
    out = Solution()
    by_pid = {t.person_id: t for t in inst.teachers}
    for pid, bookings in sol.bookings.items():
        lessons: dict[str, int] = {}
        for b in bookings:
            for s, x in zip(b.tour.stops, b.lessons):
                lessons[s] = lessons.get(s, 0) + x
        week = best_week(inst.tours_of(by_pid[pid]), lessons, inst.days, inst.per_day)
        now = sum(hundredths(b.tour.minutes) * b.days for b in bookings)
        if week is None or sum(hundredths(k.minutes) for k, _ in week) >= now:
            out.bookings[pid] = bookings
            continue
        merged: dict[tuple[str, ...], list] = {}
        for k, p in week:
            entry = merged.setdefault(k.stops, [k, 0, [0] * len(p)])
            entry[1] += 1
            entry[2] = [a + b for a, b in zip(entry[2], p)]
        out.bookings[pid] = [Booking(k, n, tuple(xs)) for k, n, xs in merged.values()]
    return out


def travel_lower_bound(inst: Instance, covered: int) -> int:
    """Least weekly travel (hundredths) of any plan covering `covered` weighted lessons.

    A day on tour k teaches at most `cap` lessons, so each lesson at school s costs at least
    rho_s = min over tours through s of minutes / cap; the cheapest mix of lessons reaching `covered`
    (a fractional knapsack) bounds the travel from below.
    """
    rho: dict[str, float] = {}
    for t in inst.teachers:
        for k in inst.tours_of(t):
            for s in k.stops:
                rho[s] = min(rho.get(s, math.inf), hundredths(k.minutes) / inst.per_day)
    left: float = covered
    total = 0.0
    for s, r in sorted(rho.items(), key=lambda kv: (kv[1] / inst.weight[kv[0]], kv[0])):
        if left <= 0:
            break
        w, u = inst.weight[s], inst.uncovered[(s, inst.subject)]
        take = min(u, left / w)
        total += take * r
        left -= take * w
    return max(0, math.ceil(total - 1e-6))


def hundredths_of(sol: Solution) -> int:
    return sum(hundredths(b.tour.minutes) * b.days for bs in sol.bookings.values() for b in bs)


def teacher_lower_bound(inst: Instance, sol: Solution) -> int:
    """Fewest teachers that can cover at least `sol`'s weighted lessons: the largest capacities first."""
    if not sol.lessons():
        return 0
    # Covering weighted W needs at least W / (largest weight) lessons.
    need, k = -(-sol.weighted(inst) // max(inst.weight.values())), 0
    for cap in sorted((min(t.spare, inst.days * inst.per_day) for t in inst.teachers), reverse=True):
        need -= cap
        k += 1
        if need <= 0:
            break
    return k
