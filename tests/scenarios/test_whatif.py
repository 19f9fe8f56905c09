"""What-ifs: the examples apply to the sample district, changes are exact, the input is never changed,
and a bad what-if gets the same clear errors as a bad scenario (file, key, suggestion)."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import build, person, school
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Scenario, ScenarioError
from rotaplan.scenarios.whatif import HERE, WhatIf


@pytest.fixture(scope="module")
def laiwu() -> Scenario:
    return Scenario.read(None)


@pytest.fixture()
def tiny() -> Scenario:
    schools = [school("U1", township="TU", is_township_seat=True, staff_quota=10),
               school("R1", area="rural", township="T1", is_township_seat=True, staff_quota=5),
               school("R2", area="rural", township="T1", lat=36.21, lon=117.61, staff_quota=4,
                      vice_principal_posts=0),
               school("R3", area="rural", township="T1", lat=36.30, lon=117.70, staff_quota=3)]
    staff = [person("L1", role="principal", school_id="U1", terms_at_school=2),
             person("L2", role="principal", school_id="R2"),
             person("T1", school_id="R1", years_at_school=7),
             person("T2", school_id="R2", preferences="R2;U1", locked_school="R2"),
             person("T3", school_id="R3")]
    demand = [("U1", "math", 16), ("R1", "math", 16), ("R2", "math", 10), ("R2", "music", 4), ("R3", "math", 8)]
    return build(schools, staff, demand)


def frozen(sc: Scenario) -> tuple:
    return tuple(df.to_csv() for df in sc.text_tables().values()) + (sc.policy.to_yaml(),)


@pytest.mark.parametrize("name", ["hire_40_bachelor", "rotate_after_one_term", "strict_travel",
                                  "merge_village_schools"])
def test_every_example_applies_to_the_sample_without_changing_it(laiwu, name):
    before = frozen(laiwu)
    out = WhatIf.read(HERE / f"{name}.yaml").apply(laiwu)
    assert frozen(laiwu) == before
    assert out.name == f"laiwu+{name}"
    assert frozen(out) != before


def test_hire_40_bachelor_adds_exactly_the_asked_hires(laiwu):
    out = WhatIf.read("hire_40_bachelor").apply(laiwu)
    new = out.staff[~out.staff["person_id"].isin(laiwu.staff["person_id"])]
    assert len(out.staff) == len(laiwu.staff) + 40
    assert len(new) == 40
    assert (new["school_id"] == "").all() and (new["contract_period"] == 0).all()
    assert (new["degree"] == "bachelor").all() and (new["role"] == "teacher").all()
    assert new["subject"].value_counts().to_dict() == {"english": 12, "music": 8, "art": 8, "pe": 8, "science": 4}
    ages = out.ages[new.index]
    assert (ages == 23).all()


def test_policy_override_and_the_rest_of_the_policy_kept(laiwu):
    out = WhatIf.read("rotate_after_one_term").apply(laiwu)
    assert out.policy.rotation_terms == 1
    assert out.policy.model_dump(exclude={"rotation_terms"}) == laiwu.policy.model_dump(exclude={"rotation_terms"})


def test_merge_moves_staff_demand_quota_and_posts(tiny):
    wi = WhatIf.from_mapping({"merge_schools": [{"into": "R1", "schools": ["R2"]}]}, "merge.yaml")
    out = wi.apply(tiny)
    assert list(out.schools["school_id"]) == ["U1", "R1", "R3"]
    r1 = out.schools.set_index("school_id").loc["R1"]
    assert r1["staff_quota"] == 9
    # R2's principal post joins R1 as a vice-principal post: R1 had 1, R2 had 1 principal + 0 vice.
    assert r1["vice_principal_posts"] == 2
    st = out.staff.set_index("person_id")
    assert st.loc["L2", "role"] == "vice_principal" and st.loc["L2", "school_id"] == "R1"
    assert st.loc["T2", "school_id"] == "R1"
    assert st.loc["T2", "locked_school"] == "R1"
    assert st.loc["T2", "preferences"] == "R1;U1"
    d = out.demand.set_index(["school_id", "subject"])["weekly_lessons"].to_dict()
    assert d[("R1", "math")] == 26 and d[("R1", "music")] == 4
    assert ("R2", "math") not in d
    # the input is untouched
    assert "R2" in set(tiny.schools["school_id"]) and tiny.person("L2")["role"] == "principal"


def test_close_sends_staff_to_the_nearest_school_of_the_same_level(tiny):
    out = WhatIf.from_mapping({"close_schools": ["R3"]}, "close.yaml").apply(tiny)
    # R1 and R2 are the other primaries of township T1; R2 is the nearer to R3.
    st = out.staff.set_index("person_id")
    assert st.loc["T3", "school_id"] == "R2"
    assert "R3" not in set(out.schools["school_id"])


def test_quotas_exempt_and_policy_together(tiny):
    wi = WhatIf.from_mapping({"quotas": {"R1": 8, "R3": {"vice_principal_posts": 2, "staff_quota": None}},
                              "exempt": {"L1": "病休"}, "policy": {"exchange_share": 0.2}}, "w.yaml")
    out = wi.apply(tiny)
    s = out.schools.set_index("school_id")
    assert s.loc["R1", "staff_quota"] == 8
    assert pd.isna(s.loc["R3", "staff_quota"]) and s.loc["R3", "vice_principal_posts"] == 2
    assert out.person("L1")["exempt_reason"] == "病休"
    assert out.policy.exchange_share == 0.2


def test_roads_added_and_cut(laiwu):
    first = laiwu.roads.iloc[0]
    wi = WhatIf.from_mapping({"cut_roads": [{"from": first["to"], "to": first["from"]}],
                              "add_roads": [{"from": first["from"], "to": first["to"], "minutes": 99}]}, "r.yaml")
    out = wi.apply(laiwu)
    assert len(out.roads) == len(laiwu.roads)
    assert out.travel.minutes(first["from"], first["to"]) <= 99
    assert out.roads.iloc[-1]["minutes"] == 99


def test_same_whatif_same_result(laiwu):
    a = WhatIf.read("hire_40_bachelor").apply(laiwu)
    b = WhatIf.read("hire_40_bachelor").apply(laiwu)
    assert frozen(a) == frozen(b)


def test_round_trip_through_plain_data():
    wi = WhatIf.read("merge_village_schools")
    again = WhatIf.from_mapping(wi.to_mapping(), "again.yaml")
    assert again.to_mapping() == wi.to_mapping()


# ---- errors name the what-if file and the key -----------------------------------------------------
def messages(exc: ScenarioError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_unknown_keys_suggest_the_closest_name(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("hirez:\n  - count: 3\npolicy:\n  rotation_term: 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        WhatIf.read(f)
    assert messages(e.value) == ["bad.yaml, column hirez: unknown what-if key 'hirez': did you mean 'hires'?"]
    f.write_text("hires:\n  - count: 3\n    degre: master\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        WhatIf.read(f)
    assert messages(e.value) == ["bad.yaml, column hires[0].degre: unknown key 'degre': did you mean 'degree'?"]


def test_bad_policy_value_and_key_name_the_file(tiny):
    with pytest.raises(ScenarioError) as e:
        WhatIf.from_mapping({"policy": {"rotation_term": 1, "exchange_share": 3}}, "p.yaml").apply(tiny)
    msgs = messages(e.value)
    assert any(m.startswith("p.yaml, column policy.rotation_term") and "did you mean 'rotation_terms'" in m
               for m in msgs)


def test_unknown_ids_subjects_and_degrees(tiny):
    wi = WhatIf.from_mapping({"merge_schools": [{"into": "R1", "schools": ["R9"]}], "exempt": {"T9": "x"},
                              "hires": [{"count": 2, "degree": "masters", "subjects": {"maths": 2}}]}, "w.yaml")
    with pytest.raises(ScenarioError) as e:
        wi.apply(tiny)
    msgs = messages(e.value)
    assert "w.yaml, column merge_schools[0].schools (value 'R9'): unknown school_id 'R9'" in msgs
    assert any(m.startswith("w.yaml, column exempt.T9 (value 'T9'): unknown person_id 'T9'") for m in msgs)
    assert "w.yaml, column hires[0].degree (value 'masters'): unknown name 'masters': did you mean 'master'?" in msgs
    assert "w.yaml, column hires[0].subjects.maths (value 'maths'): unknown name 'maths': did you mean 'math'?" in msgs


def test_wrong_types_and_empty_close(tiny):
    with pytest.raises(ScenarioError) as e:
        WhatIf.from_mapping({"hires": [{"count": -1}]}, "t.yaml")
    assert messages(e.value)[0].startswith("t.yaml, column hires[0].count (value '-1'): Input should be greater")
    with pytest.raises(ScenarioError) as e:
        WhatIf.from_mapping({"close_schools": ["U1"]}, "c.yaml").apply(tiny)
    assert "no open primary school left in township TU" in messages(e.value)[0]


def test_a_change_that_breaks_the_scenario_is_reported_as_such(tiny):
    # Merging away the only seat school leaves township T1 without a district director (R4).
    with pytest.raises(ScenarioError) as e:
        WhatIf.from_mapping({"merge_schools": [{"into": "R2", "schools": ["R1"]}]}, "m.yaml").apply(tiny)
    assert messages(e.value)[0].startswith("m.yaml: after the changes, ")
    assert "seat school" in messages(e.value)[0]


def test_missing_whatif_file_suggests_an_example():
    with pytest.raises(ScenarioError) as e:
        WhatIf.read("hire_40_bachelr")
    assert "did you mean 'hire_40_bachelor'?" in messages(e.value)[0]


def test_cli_plan_with_a_bad_whatif_exits_2_with_the_problem(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("policy:\n  rotation_term: 1\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["plan", "--whatif", str(f), "--out", str(tmp_path / "p"),
                                  "--db", str(tmp_path / "h.sqlite")])
    assert r.exit_code == 2
    assert "bad.yaml, column policy.rotation_term" in r.output
    assert "did you mean 'rotation_terms'?" in r.output
    assert "Traceback" not in r.output


def test_cli_plan_with_a_whatif_keeps_the_changed_scenario_with_the_plan(tmp_path, tiny, monkeypatch):
    """`plan --whatif` writes the changed scenario into the plan folder, so `check` and `show` work."""
    monkeypatch.setenv("COLUMNS", "200")
    folder = tiny.write(tmp_path / "tiny")
    wi = tmp_path / "two_hires.yaml"
    wi.write_text("hires:\n  - count: 2\n    subjects: {math: 2}\n", encoding="utf-8")
    db = str(tmp_path / "h.sqlite")
    runner = CliRunner()
    r = runner.invoke(main, ["plan", str(folder), "--whatif", str(wi), "--out", str(tmp_path / "plan"), "--db", db,
                             "--time-limit", "2", "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "Stored as run 1" in r.output
    changed = Scenario.read(tmp_path / "plan" / "scenario")
    assert len(changed.staff) == len(tiny.staff) + 2
    r = runner.invoke(main, ["check", str(tmp_path / "plan")])
    # The plan is checked against the changed scenario (0 or 1: rules); 2 would mean unknown people.
    assert r.exit_code in (0, 1) and "problem(s) in the input" not in r.output, r.output
    assert "hard-rule violation(s)" in r.output
    r = runner.invoke(main, ["show", "last", "--db", db])
    assert r.exit_code == 0 and "two_hires" in r.output and "count: 2" in r.output
