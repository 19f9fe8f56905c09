"""Contract v2 staff columns (title, teaching_years, evaluation_score) and policy keys (rotation_levels,
retirement_schedule, principal_min_title, principal_min_teaching_years) as an office writes them: English or
Chinese headers and values, located errors, the optional-columns warning, the years/terms warning."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import build, person, school

from rotaplan.models import Policy, Scenario, ScenarioError


def _folder(tmp_path, **cols):
    sc = build([school("A", is_township_seat=True)],
               [person("P1", role="principal", school_id="A", terms_at_school=1, years_at_school=4),
                person("T1", school_id="A"), person("T2", school_id="A")], [("A", "math", 32)])
    path = tmp_path / "sc"
    sc.write(path)
    df = pd.read_csv(path / "staff.csv", dtype=str, keep_default_na=False).drop(columns=["title", "evaluation_score"])
    for k, v in cols.items():
        df[k] = v
    df.to_csv(path / "staff.csv", index=False)
    return path


def test_chinese_headers_and_values_of_the_v2_columns(tmp_path):
    path = _folder(tmp_path, **{"职称": ["高级", "一级", "未定级"], "考核分": ["91.5", "", "78"]})
    df = pd.read_csv(path / "staff.csv", dtype=str, keep_default_na=False).rename(columns={"teaching_years": "教龄"})
    df.to_csv(path / "staff.csv", index=False)
    sc = Scenario.read(path)
    st = sc.staff.set_index("person_id")
    assert st["title"].to_dict() == {"P1": "senior", "T1": "first", "T2": "none"}
    assert st.at["P1", "teaching_years"] == 10
    assert st.at["P1", "evaluation_score"] == 91.5 and pd.isna(st.at["T1", "evaluation_score"])
    assert not [w for w in sc.warnings if "optional" in str(w)]


def test_bad_title_and_teaching_years_are_located_errors(tmp_path):
    path = _folder(tmp_path, title=["一级", "professor", ""], teaching_years=["10", "-3", "x"])
    msgs = [str(p) for p in pytest.raises(ScenarioError, Scenario.read, path).value.problems]
    assert any(m.startswith("staff.csv, row 3, column title") and "expected one of senior (正高级) / first (一级)" in m
               for m in msgs), msgs
    assert any(m.startswith("staff.csv, row 3, column teaching_years") and "out of range" in m for m in msgs), msgs
    assert any(m.startswith("staff.csv, row 4, column teaching_years") and "expected a whole number" in m
               for m in msgs), msgs


def test_absent_v2_columns_are_named_in_the_optional_columns_warning(tmp_path):
    path = _folder(tmp_path)
    df = pd.read_csv(path / "staff.csv", dtype=str, keep_default_na=False).drop(columns=["teaching_years"])
    df.to_csv(path / "staff.csv", index=False)
    (w,) = [str(w) for w in Scenario.read(path).warnings if "optional" in str(w)]
    assert "title (职称) = unknown (principal eligibility does not check titles)" in w
    assert "teaching_years (教龄) = years_at_school" in w and "evaluation_score (考核分) = none" in w


def test_years_below_completed_terms_is_one_warning_naming_the_rows():
    sc = build([school("A", is_township_seat=True), school("B")],
               [person("P1", role="principal", school_id="A", terms_at_school=2, years_at_school=5),
                person("P2", role="principal", school_id="B", terms_at_school=2, years_at_school=6),
                person("V1", role="vice_principal", school_id="A", terms_at_school=1, years_at_school=2)])
    (w,) = [str(w) for w in sc.warnings if "terms_at_school" in str(w)]
    # staff rows 2 (P1: 5 < 2 x 3) and 4 (V1: 2 < 1 x 3); P2 has exactly 6
    assert "2 people (rows 2, 4) have fewer years_at_school than terms_at_school x term_years (3)" in w
    assert "terms_at_school counts completed terms (R1)" in w


def test_policy_keys_defaults_and_chinese_values():
    pol = Policy()
    assert pol.rotation_levels == ["primary", "junior", "nine_year"]
    assert (pol.retirement_schedule, pol.principal_min_title, pol.principal_min_teaching_years) == ("2025", "first", 5)
    pol = Policy.from_mapping({"rotation_levels": "小学、初中;senior", "retirement_schedule": 2025,
                               "principal_min_title": "高级", "principal_min_teaching_years": 8})
    assert pol.rotation_levels == ["primary", "junior", "senior"] and pol.retirement_schedule == "2025"
    assert pol.principal_min_title == "senior"
    assert Policy.from_mapping(pol.to_mapping()) == pol  # round trip (policy.yaml)
    for bad, words in (({"rotation_levels": "小学;大学"}, "unknown school level '大学'"),
                       ({"retirement_schedule": "2030"}, "use '2025'"),
                       ({"principal_min_title": "教授"}, "use one of senior (正高级)"),
                       ({"principal_min_teaching_years": 50}, "less than or equal to 40")):
        msg = str(pytest.raises(ScenarioError, Policy.from_mapping, bad).value)
        assert words in msg, msg
    assert Policy.model_fields["rotation_levels"].json_schema_extra["zh"] == "轮岗学段"


def test_rotation_levels_round_trip_through_a_workbook_policy_sheet(tmp_path):
    sc = build([school("A", is_township_seat=True)], [person("T1", school_id="A")], [("A", "math", 16)],
               rotation_levels=["primary", "kindergarten"], retirement_schedule="fixed")
    sc.write_workbook(tmp_path / "s.xlsx")
    back = Scenario.read(tmp_path / "s.xlsx")
    assert back.policy.rotation_levels == ["primary", "kindergarten"] and back.policy.retirement_schedule == "fixed"
