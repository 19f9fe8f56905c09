"""What the stages return: a typed result per stage, and the plan with every stage's result.

A stage (R12, leaders, teachers, itinerant, R13) decides rows of the shared PlanState (assignments,
itinerant stops, compliance rows) and returns a StageResult with its solver figures, the KPI figures it
adds to kpis.json and its notes for the office. Nothing else is passed between stages, so a stage's
outcome can be tested on its own: `leader_stage.solve(sc, state, params).kpis["r1_due"]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SOLVER_STAGES = ("leaders", "teachers", "itinerant")  # the stages of kpis.json's `solver` section
SOLVED = ("optimal", "feasible")


@dataclass
class StageLog:
    """Notes and KPI figures collected while a stage runs; frozen into its StageResult at the end.

    Rule modules' report functions write here (never into the shared PlanState)."""

    notes: list[str] = field(default_factory=list)
    kpis: dict[str, Any] = field(default_factory=dict)

    def note(self, line: str) -> None:
        self.notes.append(line)


@dataclass(frozen=True)
class StageResult:
    """One stage's outcome. `status` uses CP-SAT's words (optimal, feasible, infeasible, unknown) for the solver
    stages and "done" for the rule steps without a solver (R12, R13). objective, bound and gap are in the stage's
    own units (see `details`); None when no plan was proven or the stage has no objective."""

    stage: str
    status: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solve_seconds: float = 0.0  # the optimisation itself
    stage_seconds: float = 0.0  # the whole stage: facts, candidates, solves, writing the rows
    notes: tuple[str, ...] = ()
    kpis: dict[str, Any] = field(default_factory=dict)  # figures added to kpis.json `after` (read-only)
    details: dict[str, Any] = field(default_factory=dict)  # further solver figures (seed, workers, method...)

    @property
    def solved(self) -> bool:
        return self.status in SOLVED

    @classmethod
    def of(cls, stage: str, status: str, log: StageLog | None = None, **figures: Any) -> StageResult:
        log = log or StageLog()
        return cls(stage, status, notes=tuple(log.notes), kpis=dict(log.kpis), **figures)

    def solver_figures(self) -> dict[str, Any]:
        """This stage's entry of kpis.json `solver`: status, objective, bound, gap, solve_seconds (DOMAIN.md),
        then the stage's own figures."""
        return {"status": self.status, "objective": self.objective, "bound": self.bound, "gap": self.gap,
                "solve_seconds": self.solve_seconds, **self.details, "stage_seconds": self.stage_seconds}


@dataclass(frozen=True)
class PlanResult:
    """The plan and how it was made: every stage's result (in run order) and the notes for the office."""

    plan: Any  # models.plan.Plan
    stages: dict[str, StageResult]
    notes: tuple[str, ...] = ()

    @property
    def solver(self) -> dict[str, dict[str, Any]]:
        """kpis.json's `solver` section."""
        return solver_section(self.stages)

    def with_notes(self, lines) -> PlanResult:
        """The same result with further notes (e.g. what a re-plan kept and repaired)."""
        return replace(self, notes=(*self.notes, *lines))


def solver_section(stages: dict[str, StageResult]) -> dict[str, dict[str, Any]]:
    """kpis.json's `solver` section from the stages' results: one entry per solver stage."""
    return {name: r.solver_figures() for name, r in stages.items() if name in SOLVER_STAGES}
