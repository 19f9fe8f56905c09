"""What a plan run returns and what it runs with: PlanResult, StageResult and SolveParams."""

from __future__ import annotations

import pytest

from rotaplan.models.errors import ScenarioError
from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.optimizer.results import SOLVER_STAGES

FAST = SolveParams(time_limit=5, seed=0, workers=1)


def test_plan_result_holds_every_stage_in_order_and_the_plan_reports_their_figures(tiny):
    res = plan_scenario(tiny, FAST)
    assert list(res.stages) == ["R12", "leaders", "teachers", "itinerant", "R13"]
    solver = res.plan.kpis["solver"]
    assert list(solver) == list(SOLVER_STAGES) and solver == res.solver
    for name in SOLVER_STAGES:
        stage = res.stages[name]
        assert stage.solved and stage.bound is not None and stage.gap is not None
        assert (solver[name]["objective"], solver[name]["gap"]) == (stage.objective, stage.gap)
        assert {"status", "objective", "bound", "gap", "solve_seconds", "seed", "num_workers", "time_limit"} \
            <= set(solver[name])
    after = res.plan.kpis["after"]
    for stage in res.stages.values():  # a stage's own count of a figure the plan reports is the same number
        for key, value in stage.kpis.items():
            if key in after:
                assert after[key] == value, key
    assert res.notes == tuple(n for s in res.stages.values() for n in s.notes)
    assert res.with_notes(["one more"]).notes == (*res.notes, "one more")


def test_same_seed_same_plan_result(tiny):
    a, b = plan_scenario(tiny, FAST), plan_scenario(tiny, FAST)
    assert a.plan.assignments.equals(b.plan.assignments) and a.notes == b.notes


def test_solve_params_are_comparable_values_read_from_a_mapping_or_a_file(tmp_path):
    p = SolveParams.from_mapping({"time_limit": 10, "workers": 1, "seed": 3, "flow_warm_start": False})
    assert p == SolveParams(time_limit=10.0, workers=1, seed=3, flow_warm_start=False)
    assert len({p, SolveParams(time_limit=10.0, workers=1, seed=3, flow_warm_start=False)}) == 1
    with pytest.raises(AttributeError):
        p.seed = 4  # frozen
    f = tmp_path / "solve.yaml"
    f.write_text("time_limit: 5\nworkers: 2\npolish_max_pairs: 100\n", encoding="utf-8")
    assert SolveParams.from_file(f) == SolveParams(time_limit=5.0, workers=2, polish_max_pairs=100)
    assert SolveParams.from_mapping(p.to_mapping()) == p


def test_bad_solve_parameters_are_input_errors_naming_the_file_and_key(tmp_path):
    f = tmp_path / "solve.yaml"
    f.write_text("time_limt: 5\nworkers: two\nseed: 1.5\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        SolveParams.from_file(f)
    text = str(err.value)
    assert "solve.yaml, column time_limt" in text and "unknown solve parameter" in text
    assert "column workers (value 'two')" in text and "column seed (value '1.5'): expected a whole number" in text
    with pytest.raises(ScenarioError, match="workers must be at least 1"):
        SolveParams.from_mapping({"workers": 0})
    with pytest.raises(ScenarioError, match="missing"):
        SolveParams.from_file(tmp_path / "nowhere.yaml")


def test_explanations_run_one_worker_within_their_own_limit():
    p = SolveParams(time_limit=60, workers=8, explain_time_limit=20)
    assert (p.explaining().workers, p.explaining().time_limit) == (1, 20.0)
    assert SolveParams(time_limit=5, workers=2).explaining().time_limit == 5.0
