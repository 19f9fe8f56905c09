"""Input problems in the office's language: every problem sentence is a message of the catalogue, so
`rotaplan validate` (and `plan`, and the web app's upload table) say what is wrong in Chinese with
ROTAPLAN_LANG=zh, naming 工作表, 行 and 列 as the office wrote them, and in English word for word as before."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from plans import tiny_district

from rotaplan.cli import main
from rotaplan.models import Policy, Scenario, ScenarioError
from rotaplan.models.schema import TABLES

# Latin a Chinese problem sentence may keep: rule ids, policy keys, file and product names, values as typed.
KEEP = re.compile(r"\bR\d+x?\b|\b[A-Z]+\d+\b|" + "|".join(
    re.escape(n) for n in sorted({*Policy.model_fields, "Excel", "WPS", "CSV", "UTF-8", "true", "false", "yes",
                                  "no", "YYYY-MM-DD", "YYYY-MM", "NOPE"}, key=len, reverse=True)))


def _chinese_workbook(path: Path, broken: dict) -> Path:
    """The tiny district as one workbook with the office's sheet names and headers (学校, 教职工 ...); `broken`:
    (table, row index, column) -> value written instead."""
    frames = tiny_district().text_tables()
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for t in TABLES:
            if t.name not in frames:
                continue
            df = frames[t.name].reset_index(drop=True).copy()
            for (table, i, col), v in broken.items():
                if table == t.name:
                    df.loc[i, col] = v
            known = {c.name: c.alias for c in t.columns}
            df.columns = [known.get(c, c) for c in df.columns]
            df.to_excel(xw, sheet_name=t.alias, index=False)
    return path


def _problems(path: Path) -> list:
    with pytest.raises(ScenarioError) as exc:
        Scenario.read(path)
    return exc.value.problems


def _sentence_is_chinese(line: str) -> None:
    what = line.split("：", 1)[-1] if "：" in line else line
    what = re.sub(r"'[^']*'|“[^”]*”", "", what)  # values as typed
    assert re.search(r"[\u4e00-\u9fff]", what), line
    assert not re.search(r"[A-Za-z]{2,}", KEEP.sub("", what)), line
    assert not re.search(r"[,;:] ", what), line  # full-width punctuation


def test_cross_table_problems_in_chinese_name_the_sheet_row_and_the_offices_column(tmp_path, monkeypatch):
    path = _chinese_workbook(tmp_path / "broken.xlsx", {("staff", 1, "school_id"): "NOPE",
                                                        ("staff", 2, "person_id"): "L1"})
    probs = _problems(path)
    zh = [p.render("zh") for p in probs]
    assert any(x.startswith("broken.xlsx，工作表 教职工，第3行，列 现任学校代码（school_id）（值 'NOPE'），"
                            "单元格 教职工!")
               and x.endswith("：学校代码不存在：必须是学校表中的学校代码") for x in zh), zh
    assert any("第4行，列 工号（person_id）（值 'L1'）" in x and x.endswith("：工号重复：第2行已使用，每个值必须唯一")
               for x in zh), zh
    for x in zh:
        _sentence_is_chinese(x)
    en = [str(p) for p in probs]  # English as before, word for word
    assert any(x.endswith(": unknown school id: it must be a school_id of the schools table")
               and "sheet 教职工, row 3, column school_id (现任学校代码)" in x for x in en), en
    assert any(x.endswith(": duplicate person_id: already used at row 2; each must be unique") for x in en), en
    # the command: ROTAPLAN_LANG=zh prints the same lines, framed in Chinese
    monkeypatch.setenv("ROTAPLAN_LANG", "zh")
    monkeypatch.setenv("COLUMNS", "400")
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 2 and "输入数据中有2处问题：" in r.output, r.output
    assert "工作表 教职工，第3行" in r.output and "学校代码不存在" in r.output and "unknown school" not in r.output


def test_cell_problems_in_chinese_say_what_the_column_accepts(tmp_path):
    path = _chinese_workbook(tmp_path / "cells.xlsx", {("staff", 3, "gender"): "X",
                                                       ("staff", 4, "birth_date"): "1985-13-40",
                                                       ("staff", 5, "public_funded"): "maybe",
                                                       ("staff", 6, "terms_at_school"): "99"})
    probs = {p.column: p for p in _problems(path)}
    assert probs["gender"].render("zh").endswith("：应为以下之一：男（M）、女（F）")
    assert probs["gender"].text("en") == "expected one of M (男) / F (女)"
    assert probs["birth_date"].text("zh") == "应为日期，格式为YYYY-MM-DD或YYYY-MM"
    assert probs["birth_date"].text("en") == "expected a date YYYY-MM-DD or YYYY-MM"
    assert probs["public_funded"].text("zh") == "应为是/否、true/false、1/0、yes/no"
    assert probs["terms_at_school"].text("zh") == "超出范围：应为0到20之间的整数"
    assert probs["terms_at_school"].text("en") == "out of range: expected a whole number from 0 to 20"
    for p in probs.values():
        assert "，工作表 教职工，第" in p.render("zh") and "，列 " in p.render("zh")
        _sentence_is_chinese(p.render("zh"))


def test_a_missing_column_and_the_sample_warnings_in_chinese(tmp_path):
    path = tmp_path / "sc"
    tiny_district().write(path)
    staff = pd.read_csv(path / "staff.csv", dtype=str, keep_default_na=False).drop(columns=["terms_at_school"])
    staff.to_csv(path / "staff.csv", index=False)
    miss = next(p for p in _problems(path) if p.column == "terms_at_school")
    assert miss.text("zh").startswith("缺少列：R1（任期届满、应当轮岗的校级干部）需要此列")
    assert "本校连续任期数（或terms_at_school）" in miss.text("zh")
    assert miss.text("en").startswith("missing column: R1 (which leaders have completed their terms")
    warn = next(w for w in Scenario.read(None).warnings if w.column == "home_lat/home_lon")
    zh = warn.text("zh")
    assert re.fullmatch(r"\d+人缺少住址坐标（第[\d、]+行等，另有\d+行），不计算其通勤", zh), zh
    assert re.fullmatch(r"home coordinates missing for \d+ people \(rows [\d, ]+ and \d+ more\); their commute is "
                        r"not counted", warn.text("en"))
    assert "列 住址纬度/住址经度（home_lat/home_lon）" in warn.render("zh")


def test_policy_range_and_type_errors_in_both_languages():
    for data, en, zh in (({"term_years": -1}, "Input should be greater than or equal to 1 (years)",
                          "应大于或等于1（单位：年）"),
                         ({"young_rural_leader_share": 3}, "Input should be less than or equal to 1 (share)",
                          "应小于或等于1"),
                         ({"term_years": "x"}, "Input should be a valid integer, unable to parse string as an "
                                               "integer (years)", "应为整数（单位：年）"),
                         ({"lang": "fr"}, "Input should be 'en' or 'zh' (language)", "应为'en'或'zh'"),
                         ({"term_yeras": 3}, "unknown policy key 'term_yeras': did you mean 'term_years'?",
                          "未知的政策参数“term_yeras”：是否应为“term_years”？")):
        with pytest.raises(ScenarioError) as exc:
            Policy.from_mapping(data)
        (p,) = exc.value.problems
        assert (p.text("en"), p.text("zh")) == (en, zh)
        assert p.message == en  # what logs and exceptions read
