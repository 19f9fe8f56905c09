"""The office's language: `plan --lang zh` gives a Chinese report.html and makes `explain`, `routes` and `compare`
speak Chinese by default (meta.json `lang`); `--lang` overrides; input errors follow $ROTAPLAN_LANG."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from plans import hand_plan, tiny_district

from rotaplan.cli import main
from rotaplan.models.workbook import write_plan_workbook

SOLVE = ["--time-limit", "5", "--workers", "1", "--seed", "0"]
# Letters that may stay Latin on a Chinese page: rule ids, solver statuses, the program's name, section numbers.
LATIN_OK = re.compile(r"\bR\d+x?\b|rotaplan|OPTIMAL|FEASIBLE|INFEASIBLE|UNKNOWN|MODEL_INVALID")


def _run(args, **kw):
    r = CliRunner().invoke(main, args, catch_exceptions=False, **kw)
    return r


@pytest.fixture()
def env(monkeypatch):
    monkeypatch.delenv("ROTAPLAN_LANG", raising=False)
    return monkeypatch


@pytest.fixture()
def tiny_zh(tmp_path, env):
    """The tiny district planned by the optimizer with --lang zh, and the hand plan beside it (meta: zh)."""
    sc = tiny_district()
    scen = tmp_path / "口镇试点"
    sc.write(scen)
    r = _run(["plan", str(scen), "--out", str(tmp_path / "plan"), "--lang", "zh", *SOLVE])
    assert r.exit_code == 0, r.output
    hand = hand_plan(sc)
    hand.write(tmp_path / "hand", extra_files={
        "plan.xlsx": lambda p: write_plan_workbook(hand, sc, p, lang="zh"),
        "meta.json": lambda p: p.write_text(json.dumps({"scenario": str(scen), "lang": "zh"}))})
    return tmp_path


def _visible_labels(page: str) -> list[str]:
    """The page's headings, table headers, captions, labels and notes, tags stripped."""
    out = []
    for tag in ("title", "h1", "h2", "th", "figcaption", "label", "p"):
        for m in re.finditer(rf"<{tag}\b[^>]*>(.*?)</{tag}>", page, flags=re.S):
            out.append(re.sub(r"<[^>]+>", "", m.group(1)).strip())
    return [x for x in out if x]


def _english_words(labels: list[str]) -> list[str]:
    return [x for x in labels if re.search(r"[A-Za-z]{2,}", LATIN_OK.sub("", x))]


# ---- explain -------------------------------------------------------------------------------------------
def test_explain_speaks_the_plans_language_with_schools_by_name(tiny_zh):
    r = _run(["explain", "RS", str(tiny_zh / "plan")])  # no --lang: meta.json says zh
    assert r.exit_code == 0, r.output
    out = r.output
    assert "孙后备（RS），城区二中（U2，城区，凤城街道）数学教师：自2027年9月1日起" in out
    assert "所用的本人数据：2027年9月1日37周岁（男）；在城区二中（U2）任职1年" in out
    assert "后备干部" in out and "相关参数和权重：" in out
    assert "Data used about them" not in out and "from 1 September" not in out
    en = _run(["explain", "RS", str(tiny_zh / "plan"), "--lang", "en"])
    assert en.exit_code == 0 and "孙后备 (RS), teacher of math at 城区二中 (U2, urban, 凤城街道)" in en.output
    assert "Data used about them:" in en.output


def test_explain_of_the_hand_plan_in_chinese_names_rules_and_blockers(tiny_zh):
    r = _run(["explain", "P1", str(tiny_zh / "hand"), "--lang", "zh"])
    assert r.exit_code == 0, r.output
    assert "R6：公费师范生，农村服务2年（应服务6年，分段合并计算）" in r.output
    assert "第1志愿城区一小（U1）：未满足——硬性规则R6" in r.output
    r = _run(["explain", "L1", str(tiny_zh / "hand")])
    assert "R4：作为口镇驻地学校口镇中心小学（R1）的校长，兼任口镇学区主任。" in r.output
    assert "R1x：城区 → 乡村：跨城乡交流" in r.output


def test_explain_of_an_unknown_person_says_so_in_chinese(tiny_zh):
    r = CliRunner().invoke(main, ["explain", "NOBODY", str(tiny_zh / "hand")])
    assert r.exit_code == 2 and "输入数据中有1处问题：" in r.output and "本方案中没有此人" in r.output
    assert "Traceback" not in r.output


# ---- routes --------------------------------------------------------------------------------------------
def test_routes_in_chinese(tiny_zh):
    r = _run(["routes", "I1", str(tiny_zh / "hand")])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "I1 郑走教：口镇中心小学（R1）音乐教师，口镇" in out
    assert "本校12节 + 走教4节 = 每周16节（满工作量16节）" in out
    assert "星期" in out and "口镇二小（R2）" in out and "返回" in out
    assert "     星期二：4节课，路程" in out
    assert "每周：走教4节，共1天" in out and "R7" in out
    en = _run(["routes", "I1", str(tiny_zh / "hand"), "--lang", "en"])
    assert "Week: 4 itinerant lessons on 1 day(s)" in en.output and "口镇二小 (R2)" in en.output


# ---- report.html ---------------------------------------------------------------------------------------
def test_plan_lang_zh_writes_report_html_in_chinese(tiny_zh):
    page = (tiny_zh / "plan" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    labels = _visible_labels(page)
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings == ["方案前后的政策指标", "各街道镇调动人数（按方向）", "学校、调动与走教路线图", "规则执行情况",
                        "求解情况（分阶段）", "全部指标"]
    assert "<h1>2027年交流轮岗方案：口镇试点</h1>" in page
    assert _english_words(labels) == []
    assert "指标</th><th>规则</th><th>含义</th><th>调整前</th><th>调整后</th><th>目标" in page
    assert "乡村校级干部中年轻干部占比" in page  # models/figures.py MEANING, Chinese
    assert re.search(r'class="st-(met|not_met|exempted)">(达标|未达标|豁免)<', page)
    # a Chinese-capable system font stack, nothing loaded from outside
    assert "Microsoft YaHei" in page and "PingFang SC" in page and "Noto Sans CJK SC" in page
    assert not re.search(r"https?://|@import|@font-face|<link\b|src=", page)
    meta = json.loads((tiny_zh / "plan" / "meta.json").read_text(encoding="utf-8"))
    assert meta["lang"] == "zh"


def test_plan_without_lang_writes_english_report(tmp_path, env):
    scen = tmp_path / "scenario"
    tiny_district().write(scen)
    r = _run(["plan", str(scen), "--out", str(tmp_path / "plan"), *SOLVE])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "plan" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<h2 id=\"compliance\">Compliance</h2>" in page
    assert json.loads((tmp_path / "plan" / "meta.json").read_text())["lang"] == "en"


# ---- compare -------------------------------------------------------------------------------------------
def test_compare_page_in_chinese(tiny_zh):
    html = tiny_zh / "compare.html"
    r = _run(["compare", str(tiny_zh / "plan"), str(tiny_zh / "hand"), "--html", str(html)])  # both plans: zh
    assert r.exit_code == 0, r.output
    assert "参与对比的方案" in r.output and "规则执行情况" in r.output
    page = html.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert re.findall(r"<h2>(.*?)</h2>", page)[:4] == ["参与对比的方案", "方案调整后的指标", "规则执行情况", "变动人数"]
    assert "<h1>rotaplan：方案对比</h1>" in page
    assert "<th>指标</th><th>调整前</th><th>目标</th>" in page and "<th>规则</th>" in page
    assert "调动学校人数（指标 moves）" in page and "来源" in page
    assert re.search(r"<td class=\"(met|not_met|exempted)\">(达标|未达标|豁免)</td>", page)
    assert "安排不同的人员：" in page
    heads = [x for x in _visible_labels(page) if not x.startswith(("plan", "hand"))]  # column labels: folder names
    assert _english_words(heads) == []
    en = tiny_zh / "compare-en.html"
    r = _run(["compare", str(tiny_zh / "plan"), str(tiny_zh / "hand"), "--html", str(en), "--lang", "en"])
    assert r.exit_code == 0 and '<html lang="en">' in en.read_text(encoding="utf-8")
    assert "<h2>Compliance</h2>" in en.read_text(encoding="utf-8")


# ---- input errors --------------------------------------------------------------------------------------
def _broken_scenario(tmp_path: Path) -> Path:
    scen = tmp_path / "broken"
    tiny_district().write(scen)
    staff = pd.read_csv(scen / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[2, "gender"] = "X"
    staff.to_csv(scen / "staff.csv", index=False)
    return scen


def test_input_errors_framed_in_chinese_with_rotaplan_lang(tmp_path, env):
    scen = _broken_scenario(tmp_path)
    env.setenv("ROTAPLAN_LANG", "zh")
    r = CliRunner().invoke(main, ["validate", str(scen)])
    assert r.exit_code == 2, r.output
    assert re.search(r"输入数据中有\d+处问题：", r.output)
    assert re.search(r"staff\.csv，第4行，列 gender（值 'X'）：", r.output), r.output
    assert "problem(s) in the input" not in r.output and "Traceback" not in r.output
    env.setenv("ROTAPLAN_LANG", "en")
    r = CliRunner().invoke(main, ["validate", str(scen)])
    assert r.exit_code == 2 and "problem(s) in the input:" in r.output and "staff.csv, row 4, column gender" in r.output
    env.delenv("ROTAPLAN_LANG")
    r = CliRunner().invoke(main, ["validate", str(scen)])
    assert "problem(s) in the input:" in r.output  # default: English


def test_plan_and_check_speak_chinese_on_the_terminal(tiny_zh, env):
    r = _run(["plan", str(tiny_zh / "口镇试点"), "--out", str(tiny_zh / "plan2"), "--lang", "zh", *SOLVE])
    assert r.exit_code == 0, r.output
    out = r.output.replace("\n", "")  # the terminal wraps Chinese lines anywhere
    assert "求解情况（各阶段）" in out and "规则执行情况" in out and "核验未发现违反硬性规则。" in out
    assert re.search(r"方案已写入.*plan2/，用时[\d.]+秒。", out), out
    assert "Plan written" not in out and "The validator found" not in out and "Compliance" not in out
    env.setenv("ROTAPLAN_LANG", "zh")
    c = _run(["check", str(tiny_zh / "plan2")])
    checked = c.output.replace("\n", "")
    assert "（未修改：即rotaplan写入的方案" in checked and "；方案数据" in checked, c.output
    assert re.search(r"违反硬性规则\d+处，未达目标\d+项。", checked), c.output
    assert "Read " not in checked


def test_lang_option_wins_over_rotaplan_lang_for_errors(tiny_zh, env):
    env.setenv("ROTAPLAN_LANG", "zh")
    r = CliRunner().invoke(main, ["explain", "NOBODY", str(tiny_zh / "hand"), "--lang", "en"])
    assert r.exit_code == 2 and "1 problem(s) in the input:" in r.output and "no such person in this" in r.output


# ---- the built-in sample district -------------------------------------------------------------------
def test_explain_on_the_sample_in_chinese(tmp_path, env):
    out = tmp_path / "plan"
    r = _run(["plan", "--out", str(out), "--lang", "zh", "--time-limit", "3", "--workers", "2", "--seed", "0"])
    assert r.exit_code == 0, r.output
    a = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    from rotaplan.models import Scenario

    schools = Scenario.read(None).schools.set_index("school_id")["name"]
    for move in ("rotate", "exchange"):
        row = a[a["move"] == move].iloc[0]
        r = _run(["explain", row["person_id"], str(out)])
        assert r.exit_code == 0, r.output
        assert f"{schools[row['from_school']]}（{row['from_school']}，" in r.output
        assert f"{schools[row['to_school']]}（{row['to_school']}，" in r.output
        assert "自" in r.output and "年9月1日起" in r.output and "所用的本人数据：" in r.output
        assert "Data used about them" not in r.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and _english_words(re.findall(r"<h2[^>]*>(.*?)</h2>", page)) == []


def test_sweep_page_headings_in_chinese():
    from rotaplan.runs.sweep import SweepResult, to_html

    rows = pd.DataFrame([{"run_id": 1, "label": "基准", "status": "ok", "moves": 10, "uncovered_lessons": 4,
                          "seconds": 1.0},
                         {"run_id": 2, "label": "多招40人", "status": "infeasible", "moves": None,
                          "uncovered_lessons": None, "seconds": 1.0, "error": "infeasible: R8 (1)"}])
    res = SweepResult("招聘", rows, 2.0, {"workers": 2, "address": "local"})
    page = to_html(res, lang="zh")
    assert '<html lang="zh-CN">' in page and "<h1>批量运行 招聘</h1>" in page
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["目标权衡", "各次运行", "未得出方案的运行"]
    en = to_html(res)
    assert '<html lang="en">' in en
    assert re.findall(r"<h2>(.*?)</h2>", en) == ["Trade-off", "Runs", "Runs without a plan"]
