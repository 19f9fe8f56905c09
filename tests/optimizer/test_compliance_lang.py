"""compliance.csv in the office's language: the figures' sentence of each rule's `detail` is written in the plan's
language (SolveParams.lang / the policy's lang); the statuses do not depend on the language."""

from __future__ import annotations

import re

import pytest
from plans import tiny_district

from rotaplan.models import Policy
from rotaplan.models.figures import compliance_detail, compliance_row
from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.pipeline import plan_scenario

# What may stay Latin in a Chinese detail: rule ids, parameter names (policy keys, scenario columns), numbers.
NAMES = sorted({*Policy.model_fields, "staff_quota", "exempt_reason"}, key=len, reverse=True)
LATIN_OK = re.compile(r"\bR\d+x?\b|" + "|".join(re.escape(n) for n in NAMES))


@pytest.fixture(scope="module")
def plans():
    sc = tiny_district()
    out = {lang: plan_scenario(sc, SolveParams(time_limit=5, workers=1, seed=0, lang=lang)).plan
           for lang in ("en", "zh")}
    return sc, out


def test_zh_plan_writes_compliance_details_in_chinese_with_the_same_statuses(plans):
    sc, out = plans
    en, zh = out["en"].compliance.set_index("rule"), out["zh"].compliance.set_index("rule")
    assert list(zh.index) == list(en.index)
    assert zh["status"].tolist() == en["status"].tolist()
    for rule, row in zh.iterrows():
        figs = compliance_detail(rule, out["zh"].kpis, sc.policy, "zh")
        # the figures' sentence leads the detail; the stage's facts follow it after "；", in Chinese too
        assert row["detail"].startswith(figs), (rule, row["detail"])
        if figs:
            assert re.search(r"[\u4e00-\u9fff]", figs), (rule, figs)
            assert not re.search(r"[A-Za-z]{2,}", LATIN_OK.sub("", figs)), (rule, figs)
            assert "; " not in figs and ", " not in figs, (rule, figs)  # full-width punctuation
        english = en.at[rule, "detail"]
        assert english.startswith(compliance_detail(rule, out["en"].kpis, sc.policy, "en"))
        assert not re.search(r"[\u4e00-\u9fff]", english), (rule, english)


def test_a_rule_the_plan_does_not_assess_says_so_in_chinese(plans):
    sc, out = plans
    # every rule R1-R17 is assessed by a plan now; a row without figures or a stage's word still says so
    for lang in ("en", "zh"):
        assert not [r for r in out[lang].compliance["detail"] if "not assessed" in r or "本方案未评估" in r]
    status, detail = compliance_row("R2", out["zh"].kpis, sc.policy, None, "zh")
    assert status == "not_met" and detail.endswith("本方案未评估")
    assert compliance_row("R2", out["en"].kpis, sc.policy, None, "en")[1].endswith("not assessed by this plan")


def english_left(text: str) -> list[str]:
    """English words of a Chinese text, once rule ids, parameter names, codes and numbers are taken out."""
    return re.findall(r"[A-Za-z]{2,}", LATIN_OK.sub("", re.sub(r"\b[A-Z]+\d+\w*\b|CP-SAT", "", text)))


def assert_all_chinese(result) -> None:
    """No English sentence in a zh plan's compliance details, reasons or the stages' notes."""
    comp = result.plan.compliance
    bad = {r: d for r, d in zip(comp["rule"], comp["detail"]) if english_left(d)}
    assert not bad, bad
    a = result.plan.assignments
    bad_reasons = [r for r in a["reason"] if english_left(r)]
    assert not bad_reasons, bad_reasons[:3]
    bad_notes = [n for n in result.notes if english_left(n)]
    assert not bad_notes, bad_notes


def test_zh_tiny_district_has_no_english_in_compliance_details_reasons_or_notes():
    sc = tiny_district()
    assert_all_chinese(plan_scenario(sc, SolveParams(time_limit=5, workers=1, seed=0, lang="zh")))


def test_zh_generated_district_has_no_english_in_compliance_details_reasons_or_notes():
    from rotaplan.models import Scenario
    from rotaplan.scenarios.generate import generate

    d = generate(staff=800, seed=3)
    sc = Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)
    res = plan_scenario(sc, SolveParams(time_limit=8, workers=2, seed=0, lang="zh"))
    assert_all_chinese(res)
    details = " ".join(res.plan.compliance["detail"])
    assert "领导岗位：" in details and "教师：" in details  # R8's two halves, in Chinese
