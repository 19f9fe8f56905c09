"""Every row of a plan has a reason a teacher accepts: stays included, schools by name with the code in
brackets, in English or in the office's Chinese (`plan --lang zh` or the policy's `lang`), the same decisions
in either language."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from builders import build, person, school
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Policy, Scenario
from rotaplan.models.errors import ScenarioError
from rotaplan.models.messages import catalogue, school_label
from rotaplan.optimizer import SolveParams, plan_scenario

FAST = dict(time_limit=5, workers=1, seed=0)
DECISION = ["role_after", "to_school", "move", "rules", "period2_school", "director_of"]


def district(**policy) -> Scenario:
    """Two townships with Chinese names: due principals on both sides, an exempt one, a plain stayer, an
    exchange, an exempt teacher, a lock, a period-1 finisher, a public-funded teacher, a retiree, a new hire,
    a ranked wish, a reserve leader and young teachers for R13."""
    schools = [
        school("U1", name="城区一小", township="凤城街道", area="urban", is_township_seat=True, lat=36.20, lon=117.60),
        school("U2", name="城区二小", township="凤城街道", area="urban", lat=36.21, lon=117.61),
        school("C1", name="口镇中心小学", township="口镇", area="rural", is_township_seat=True, lat=36.26, lon=117.66),
        school("C2", name="口镇二小", township="口镇", area="rural", lat=36.27, lon=117.67),
    ]
    staff = [
        person("PU1", name="王一", role="principal", school_id="U1", terms_at_school=2, birth_date="1976-01-01"),
        person("PU2", name="王二", role="principal", school_id="U2", terms_at_school=1, birth_date="1977-01-01"),
        person("PR1", name="李一", role="principal", school_id="C1", terms_at_school=2, birth_date="1978-01-01"),
        person("PR2", name="李二", role="principal", school_id="C2", terms_at_school=2, birth_date="1979-01-01",
               exempt_reason="病休"),
        person("T1", name="钱一", school_id="U2", birth_date="1985-01-01"),
        person("TX", name="赵交流", school_id="U1", years_at_school=8, backbone="district"),
        person("TE", name="孙免", school_id="U1", years_at_school=9, exempt_reason="怀孕"),
        person("TL", name="周锁", school_id="C2", locked_school="C2", years_at_school=2),
        person("TP", name="吴聘期", school_id="C1", contract_period=1, period_years=3),
        person("TF", name="郑公费", school_id="C1", public_funded=True, rural_service_years=2),
        person("TO", name="冯老", school_id="C2", birth_date="1960-01-01"),
        person("TW", name="陈志愿", school_id="U2", preferences="C2", birth_date="1999-01-01"),
        person("TY", name="褚青年", school_id="C1", birth_date="2000-01-01"),
        person("RU", name="卫后备", school_id="U1", reserve_leader=True, birth_date="1990-01-01"),
        person("H1", name="蒋新", school_id="", contract_period=0, period_years=0, birth_date="2002-01-01"),
    ]
    demand = [("U1", "math", 48), ("U2", "math", 32), ("C1", "math", 64), ("C2", "math", 48)]
    return build(schools, staff, demand, young_backbone_training_count=2, **policy)


def plans(sc: Scenario, **params) -> dict[str, pd.DataFrame]:
    """The scenario planned in English and in Chinese: assignments indexed by person_id."""
    return {lang: plan_scenario(sc, SolveParams(**{**FAST, **params}, lang=lang)).plan.assignments
            .set_index("person_id") for lang in ("en", "zh")}


def labels(sc: Scenario) -> dict[str, tuple[str, str]]:
    """school_id -> (how English reasons name it, how Chinese ones do), up to the code."""
    out = {}
    for sid, name in zip(sc.schools["school_id"], sc.schools["name"]):
        out[str(sid)] = (f"{name} ({sid}", f"{name}（{sid}")
    return out


def bare_codes(reason: str, lab: dict[str, tuple[str, str]], lang: str) -> list[str]:
    """School codes in `reason` that are not part of a "name (code" label."""
    k = 0 if lang == "en" else 1
    for sid in sorted(lab, key=len, reverse=True):
        reason = reason.replace(lab[sid][k], "")
    return [sid for sid in lab if re.search(rf"(?<![A-Za-z0-9_]){re.escape(sid)}(?![A-Za-z0-9_])", reason)]


def english_words(reason: str, allowed: set[str]) -> list[str]:
    """Latin-letter words of a Chinese reason other than rule ids, codes and the office's own data."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", reason)
    return [w for w in words if not re.fullmatch(r"R\d+x?", w) and w.rstrip(".") not in allowed]


def data_words(sc: Scenario) -> set[str]:
    """Codes and words the office typed (ids, names, exempt reasons): they appear in reasons as given."""
    st, sch = sc.staff, sc.schools
    text = " ".join([*st["person_id"], *st["name"], *st["exempt_reason"], *sch["school_id"], *sch["name"],
                     *sch["township"]])
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", text))


def check_reasons(sc: Scenario, by_lang: dict[str, pd.DataFrame], itinerant_searched: bool = False) -> None:
    """No empty reason, no bare school code, every stay names its school, Chinese reasons in Chinese, and the
    same decisions in both languages. `itinerant_searched`: the itinerant stage stopped at its time limit, so
    which teachers travel (R7) may differ between two runs; everything else must not."""
    lab = labels(sc)
    allowed = data_words(sc)
    for lang, a in by_lang.items():
        assert (a["reason"].astype(str).str.strip() != "").all(), a[a["reason"].astype(str).str.strip() == ""]
        bad = {pid: bare_codes(r, lab, lang) for pid, r in a["reason"].items() if bare_codes(r, lab, lang)}
        assert not bad, (lang, list(bad.items())[:5], [a.at[p, "reason"] for p in list(bad)[:3]])
        stays = a[(a["move"] == "stay") & (a["to_school"] != "")]
        k = 0 if lang == "en" else 1
        unnamed = [pid for pid, r, s in zip(stays.index, stays["reason"], stays["to_school"]) if lab[s][k] not in r]
        assert not unnamed, (lang, [a.at[p, "reason"] for p in unnamed[:3]])
    zh = by_lang["zh"]
    english = {pid: english_words(r, allowed) for pid, r in zh["reason"].items() if english_words(r, allowed)}
    assert not english, [(p, zh.at[p, "reason"]) for p in list(english)[:3]]
    assert not zh["reason"].str.contains(r"[,;:()]\s*", regex=True).any(), "Chinese reasons use full-width punctuation"
    # the same decisions in either language: rules, moves and schools alike
    en = by_lang["en"]
    cols = [c for c in DECISION if not (itinerant_searched and c == "rules")]
    assert en[cols].equals(zh.loc[en.index, cols])
    if itinerant_searched:
        def strip(rules: pd.Series) -> pd.Series:
            return rules.map(lambda r: ";".join(x for x in r.split(";") if x != "R7"))
        assert strip(en["rules"]).equals(strip(zh.loc[en.index, "rules"]))
        for a, word in ((en, "Itinerant teacher (R7)"), (zh, "走教教师（R7）")):
            travels = a["rules"].str.split(";").map(lambda r: "R7" in r)
            assert (travels == a["reason"].str.contains(word, regex=False)).all()


@pytest.fixture(scope="module")
def tiny_plans():
    sc = district()
    return sc, plans(sc)


def test_tiny_district_every_row_has_a_reason_naming_schools_in_both_languages(tiny_plans):
    sc, by_lang = tiny_plans
    check_reasons(sc, by_lang)


def test_stays_say_why_they_stay(tiny_plans):
    sc, by_lang = tiny_plans
    en, zh = by_lang["en"], by_lang["zh"]
    assert en.at["T1", "move"] == "stay"
    assert en.at["T1", "reason"] == "Stays at 城区二小 (U2): not due to move, and no rule or wish moves them."
    assert zh.at["T1", "reason"] == "留在城区二小（U2）：本年度无需交流，也没有规则或志愿使其调动。"
    assert en.at["TE", "reason"] == "Stays at 城区一小 (U1): exempt from exchange (怀孕)."
    assert zh.at["TE", "reason"] == "留在城区一小（U1）：免于交流（怀孕）。"
    assert "by the office's lock" in en.at["TL", "reason"] and "锁定" in zh.at["TL", "reason"]
    assert en.at["PR2", "reason"].startswith("Served 2 terms at 口镇二小 (C2) but is exempt from rotation (病休)")
    assert zh.at["PR2", "reason"].startswith("已在口镇二小（C2）任满2届，但免于轮岗（病休），留任校长")


def test_moves_retirements_and_additions_in_chinese(tiny_plans):
    _, by_lang = tiny_plans
    en, zh = by_lang["en"], by_lang["zh"]
    assert en.at["TO", "move"] == "retire" and zh.at["TO", "reason"].startswith("到2027年9月1日达到退休年龄")
    assert en.at["PU1", "move"] == "rotate" and "R1x" in en.at["PU1", "rules"].split(";")
    assert "crossing from urban to rural (R1x)" in en.at["PU1", "reason"]
    assert "轮岗至口镇" in zh.at["PU1", "reason"] and "由城区跨至乡村（R1x）" in zh.at["PU1", "reason"]
    assert en.at["H1", "move"] == "place_new" and zh.at["H1", "reason"].startswith("新教师：第一聘期在")
    assert en.at["TP", "move"] == "bundle_second" and "按城乡捆绑聘用" in zh.at["TP", "reason"]
    assert zh.at["TF", "reason"].endswith("（R6 要求6年，尚欠3年）。")
    r13 = [pid for pid in en.index if "R13" in en.at[pid, "rules"].split(";")]
    assert r13 and all(zh.at[p, "reason"].endswith("入选青年骨干教师培养对象（乡村教师优先）。") for p in r13)


def test_the_policy_lang_decides_and_params_override_it():
    sc = district(lang="zh")
    a = plan_scenario(sc, SolveParams(**FAST)).plan.assignments.set_index("person_id")
    assert a.at["T1", "reason"].startswith("留在城区二小（U2）")
    a = plan_scenario(sc, SolveParams(**FAST, lang="en")).plan.assignments.set_index("person_id")
    assert a.at["T1", "reason"].startswith("Stays at 城区二小 (U2)")
    assert Policy().lang == "en"
    with pytest.raises(ScenarioError):
        Policy.from_mapping({"lang": "fr"})
    with pytest.raises(ValueError):
        SolveParams(lang="fr")


def test_school_label_and_every_reason_message_in_both_languages():
    assert school_label("马营第一中学", "S0013", "en") == "马营第一中学 (S0013)"
    assert school_label("马营第一中学", "S0013", "zh") == "马营第一中学（S0013）"
    assert school_label("口镇中心小学", "S0042", "zh", area="乡村") == "口镇中心小学（S0042，乡村）"
    assert school_label("", "S0042", "en") == "S0042"
    reasons = {k: m for k, m in catalogue().items() if k.startswith("reason.")}
    assert len(reasons) > 60
    for key, m in reasons.items():
        assert not re.search(r"[,;:()]", m.zh.replace("{", "").replace("}", "")), (key, m.zh)
        words = re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", re.sub(r"\{[^}]*\}", "", m.zh))
        assert all(re.fullmatch(r"R\d+x?", w) for w in words), (key, m.zh)


def test_plan_lang_zh_and_en_on_the_command_line_describe_the_same_decisions(tmp_path):
    sc = district()
    folder = sc.write(tmp_path / "district")
    runner = CliRunner()
    out = {}
    for lang in ("en", "zh"):
        r = runner.invoke(main, ["plan", str(folder), "--out", str(tmp_path / f"plan-{lang}"), "--lang", lang,
                                 "--time-limit", "5", "--workers", "1", "--seed", "0"])
        assert r.exit_code == 0, r.output
        out[lang] = pd.read_csv(tmp_path / f"plan-{lang}" / "assignments.csv", dtype=str,
                                keep_default_na=False).set_index("person_id")
    assert out["en"]["rules"].equals(out["zh"]["rules"]) and out["en"]["to_school"].equals(out["zh"]["to_school"])
    assert out["en"].at["T1", "reason"].startswith("Stays at 城区二小 (U2)")
    assert out["zh"].at["T1", "reason"].startswith("留在城区二小（U2）")
    # the policy's lang without --lang: the reasons in Chinese
    folder = district(lang="zh").write(tmp_path / "district-zh")
    r = runner.invoke(main, ["plan", str(folder), "--out", str(tmp_path / "plan-policy"), "--time-limit", "5",
                             "--workers", "1", "--seed", "0"])
    assert r.exit_code == 0, r.output
    a = pd.read_csv(tmp_path / "plan-policy" / "assignments.csv", dtype=str, keep_default_na=False)
    assert a.set_index("person_id").at["T1", "reason"].startswith("留在城区二小（U2）")


def test_the_sample_every_row_has_a_reason_naming_schools_in_both_languages():
    sc = Scenario.read(None)
    by_lang = plans(sc, time_limit=30)  # every dual round within the limit: the two plans are the same plan
    check_reasons(sc, by_lang, itinerant_searched=True)
    en = by_lang["en"]
    stays = en[en["move"] == "stay"]
    assert len(stays) > 500 and stays["reason"].str.startswith(("Stays at", "Eligible for exchange", "Has served",
                                                                  "Served", "Locked", "Reserve", "Leads",
                                                                  "On a posting")).all()


# ---- relaxations and refusals in the plan's language ------------------------------------------------------
def _chinese_only(text: str, allowed: set[str]) -> None:
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not english_words(text, allowed), (english_words(text, allowed), text)
    assert not re.search(r"[,;:] ", text), text


def test_a_relaxed_r1_says_why_in_chinese_naming_both_leaders():
    # Two due vice-principals at A; the only vice post at another school is B's: R1 is relaxed for one.
    sc = build([school("A", name="城区一小", is_township_seat=True, vice_principal_posts=2),
                school("B", name="城区二小")],
               [person("P1", role="principal", school_id="A"), person("P2", role="principal", school_id="B"),
                person("V1", name="张三", role="vice_principal", school_id="A", terms_at_school=2),
                person("V2", name="李四", role="vice_principal", school_id="A", terms_at_school=2)])
    res = {lang: plan_scenario(sc, SolveParams(**FAST, lang=lang)) for lang in ("en", "zh")}
    comp = {lang: r.plan.compliance.set_index("rule").at["R1", "detail"] for lang, r in res.items()}
    assert "R1 relaxed for" in comp["en"] and "only 1 is open" in comp["en"]
    assert re.search("R1对(张三（V1）|李四（V2）)放宽，原因：R1对张三（V1）和李四（V2）无法满足：他们共需要其他义务教育"
                     "学校的2个副校长岗位，但只有1个可供安排（干部只在本学段组内调动）。", comp["zh"]), comp["zh"]
    allowed = data_words(sc) | {"exempt_reason"}  # the figures' sentence names the column
    _chinese_only(comp["zh"], allowed)
    zh = res["zh"].plan.assignments.set_index("person_id")
    stayed = [pid for pid in ("V1", "V2") if zh.at[pid, "to_school"] == "A"]
    assert len(stayed) == 1 and "R1 已放宽，原因：R1对张三（V1）和李四（V2）无法满足" in zh.at[stayed[0], "reason"]
    _chinese_only(zh.at[stayed[0], "reason"], allowed)
    infeasible = [n for n in res["zh"].notes if n.startswith("无可行方案：")]
    assert infeasible and infeasible[0].endswith("。")
    assert any(n.startswith("Infeasible: R1 cannot hold for 张三 (V1) and 李四 (V2)") for n in res["en"].notes)


def test_a_reference_the_plan_cannot_keep_is_refused_in_chinese_naming_the_school():
    sc = district()
    ref = {"PU1": ("principal", "U1")}  # due after two terms at U1: R1 refuses to keep them there
    a = plan_scenario(sc, SolveParams(**FAST, lang="zh"), reference=ref).plan.assignments.set_index("person_id")
    reason = a.at["PU1", "reason"]
    assert "已在城区一小（U1）任满2届，必须轮岗到其他学校（R1）" in reason, reason
    _chinese_only(reason, data_words(sc))
    en = plan_scenario(sc, SolveParams(**FAST, lang="en"), reference=ref).plan.assignments.set_index("person_id")
    assert "served 2 terms at 城区一小 and must rotate to another school (R1)" in en.at["PU1", "reason"]
