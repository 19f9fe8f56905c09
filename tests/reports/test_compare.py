"""Compare: stored runs and plan folders side by side; the people whose outcome differs, with how."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from plans import staying_plan

from rotaplan.cli import main
from rotaplan.models import ScenarioError
from rotaplan.reports.compare import compare, to_html
from rotaplan.runs.history import History
from rotaplan.scenarios.whatif import WhatIf


@pytest.fixture()
def two_runs(tmp_path, tiny):
    h = History(tmp_path / "h.sqlite")
    a = h.add(plan=staying_plan(tiny, {"H1": ("place_new", "U1")}), sc=tiny, label="base")
    hired = WhatIf.from_mapping({"name": "hire1", "hires": [{"count": 1, "subjects": {"math": 1}}]}).apply(tiny)
    b = h.add(plan=staying_plan(hired, {"T1": ("exchange", "R1"), "H1": ("place_new", "R1"),
                                     "W1-0001": ("place_new", "U1")}), sc=hired, label="hire1")
    return h, a, b


def test_people_whose_outcome_differs_with_how(two_runs):
    h, a, b = two_runs
    cmp = compare([str(a), str(b)], h)
    assert cmp.labels == ["#1 base", "#2 hire1"]
    d = cmp.differences.set_index("person_id")
    assert list(d.index) == ["H1", "T1", "W1-0001"]
    assert d.loc["T1", "#1 base"] == "stay at U1"
    assert d.loc["T1", "#2 hire1"] == "exchange U1 -> R1"
    assert d.loc["T1", "how"] == "move stay vs exchange; school U1 vs R1"
    assert d.loc["H1", "how"] == "school U1 vs R1"
    assert d.loc["H1", "#2 hire1"] == "place_new -> R1"
    assert d.loc["W1-0001", "#1 base"] == "not in this plan"
    assert d.loc["W1-0001", "how"] == "in no / yes of the plans (added or removed by a what-if)"
    # people with the same outcome are not listed
    assert "L1" not in d.index and "T2" not in d.index


def test_kpis_compliance_and_moves_side_by_side(two_runs):
    h, a, b = two_runs
    cmp = compare([str(a), str(b)], h)
    k = cmp.kpis.set_index("figure")
    assert k.loc["moves", "#1 base"] == 1 and k.loc["moves", "#2 hire1"] == 3
    assert k.loc["moves", "before"] == 0
    assert k.loc["degree_ratio_urban_rural", "target"] == 1.05
    m = cmp.moves.set_index("move")
    assert m.loc["place_new", "#1 base"] == 1 and m.loc["place_new", "#2 hire1"] == 2
    assert m.loc["exchange", "#2 hire1"] == 1 and m.loc["exchange", "#1 base"] == 0
    assert m.loc["school changes (KPI moves)", "#2 hire1"] == 3
    c = cmp.compliance.set_index("rule")
    assert c.loc["R5", "#1 base"] == "met"
    assert cmp.solver.set_index("stage").loc["leaders", "#1 base"].startswith("optimal, gap 0")


def test_a_plan_folder_and_a_run_compared(tmp_path, two_runs, tiny):
    h, a, _ = two_runs
    folder = staying_plan(tiny, {"T1": ("exchange", "R1")}).write(tmp_path / "myplan")
    cmp = compare([str(folder), str(a)], h)
    assert cmp.labels == ["myplan", "#1 base"]
    d = cmp.differences.set_index("person_id")
    assert set(d.index) == {"T1", "H1"}
    assert d.loc["H1", "myplan"] == "stay at "  # a new hire left unplaced in the hand-made folder
    assert d.loc["T1", "myplan"] == "exchange U1 -> R1"


def test_identical_plans_have_no_differences(two_runs):
    h, a, _ = two_runs
    cmp = compare([str(a), str(a)], h)
    assert cmp.differences.empty
    assert cmp.labels == ["#1 base", "#1 base (2)"]


def test_bad_references_are_clear_errors(two_runs, tmp_path):
    h, a, _ = two_runs
    with pytest.raises(ScenarioError) as e:
        compare([str(a)], h)
    assert "at least two" in str(e.value)
    with pytest.raises(ScenarioError) as e:
        compare([str(a), "no_such_folder"], h)
    assert "neither a plan folder nor a run id" in str(e.value)
    failed = h.add(status="failed", error="boom")
    with pytest.raises(ScenarioError) as e:
        compare([str(a), str(failed)], h)
    assert "failed (boom)" in str(e.value)


def test_html_is_one_self_contained_page(two_runs):
    h, a, b = two_runs
    page = to_html(compare([str(a), str(b)], h))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and not re.search(r"(src|href)=", page)
    assert "People whose outcome differs: 3" in page
    assert "exchange U1 -&gt; R1" in page


def test_cli_compare_prints_and_writes_html(two_runs, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    h, a, b = two_runs
    out = tmp_path / "cmp.html"
    r = CliRunner().invoke(main, ["compare", str(a), str(b), "--db", str(h.path), "--html", str(out)])
    assert r.exit_code == 0, r.output
    for text in ("KPIs after the plan", "Compliance", "Moves", "People whose outcome differs: 3", "exchange U1 -> R1",
                 "move stay vs exchange; school U1 vs R1"):
        assert text in r.output
    assert out.exists() and "People whose outcome differs" in out.read_text(encoding="utf-8")


def test_two_whatifs_on_the_sample_district_compared(tmp_path, monkeypatch):
    """Done-when: two what-ifs planned on the sample district with the real pipeline, stored, compared."""
    from rotaplan.models import Scenario
    from rotaplan.optimizer import SolveParams, plan_scenario
    from rotaplan.validator import check_plan

    monkeypatch.setenv("COLUMNS", "220")
    laiwu = Scenario.read(None)
    h = History(tmp_path / "h.sqlite")
    params = SolveParams(time_limit=1, seed=0, workers=2)
    for name in ("rotate_after_one_term", "hire_40_bachelor"):
        wi = WhatIf.read(name)
        sc = wi.apply(laiwu)
        plan = plan_scenario(sc, params).plan
        assert not [v for v in check_plan(sc, plan) if v.hard]
        h.add(plan=plan, sc=sc, whatif=wi, params=params, label=name, scenario="builtin:laiwu")
    r = CliRunner().invoke(main, ["compare", "1", "2", "--db", str(h.path), "--html", str(tmp_path / "c.html")])
    assert r.exit_code == 0, r.output
    assert "People whose outcome differs" in r.output
    cmp = compare(["1", "2"], h)
    d = cmp.differences.set_index("person_id")
    hires = [p for p in d.index if p.startswith("W1-")]
    assert len(hires) == 40  # the 40 hires exist only in the second plan
    assert (d.loc[hires, "#1 rotate_after_one_term"] == "not in this plan").all()
    assert (d.loc[hires, "#2 hire_40_bachelor"].str.startswith("place_new -> ")).all()
    # With one term instead of two more leaders are due, so more leaders rotate in the first plan.
    rot = cmp.moves.set_index("move").loc["rotate"]
    assert rot["#1 rotate_after_one_term"] > rot["#2 hire_40_bachelor"]
    leaders = d[d["#1 rotate_after_one_term"].str.startswith("rotate ")]
    assert leaders["how"].str.contains("move rotate vs stay").any()  # due only under the one-term rule
