"""One figure, one number: on the built-in sample and on three generated districts, a plan is made and written
once through the command a user runs, then every figure that two outputs show — compliance.csv details,
kpis.json, the KPIs sheet of plan.xlsx, report.html, `explain`, `routes`, the reasons, `compare` — is the same
number, and equals the figure the validator counts with its own arithmetic (validator/figures.py)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Plan, Scenario
from rotaplan.reports.compare import compare
from rotaplan.reports.explain import District, explain
from rotaplan.reports.routes import week_text
from rotaplan.validator import figures as validator_figures
from rotaplan.validator.figures import travel_minutes_by_teacher

# (case id, generator arguments or None for the built-in sample, time limit per stage)
CASES = [("sample", None, 3), ("district-800", (800, 11), 2), ("district-1200", (1200, 12), 2),
         ("district-1500", (1500, 13), 2)]


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def planned(request, tmp_path_factory):
    """(scenario, plan folder, the validator's figures) of one district, planned once with `rotaplan plan`."""
    name, gen, limit = request.param
    root = tmp_path_factory.mktemp(name)
    runner = CliRunner()
    args = ["plan", "--out", str(root / "plan"), "--time-limit", str(limit), "--workers", "2",
            "--db", str(root / "runs.sqlite")]
    if gen is not None:
        staff, seed = gen
        r = runner.invoke(main, ["generate", "--staff", str(staff), "--seed", str(seed), str(root / "scenario")])
        assert r.exit_code == 0, r.output
        args.insert(1, str(root / "scenario"))
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    sc = Scenario.read(root / "scenario") if gen is not None else Scenario.read()
    folder = root / "plan"
    plan = Plan.read(folder)
    (root / "plan-output.txt").write_text(r.output, encoding="utf-8")
    return sc, folder, plan, validator_figures(sc, plan)


def same(a, b) -> bool:
    """The same number: equal, both absent, or both NaN (an empty spreadsheet cell for None)."""
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b)))
    return float(a) == float(b)


def test_kpis_json_equals_the_validators_figures(planned):
    sc, folder, plan, v = planned
    kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    for part in ("before", "after"):
        missing = set(v[part]) - set(kpis[part])
        assert not missing, f"kpis.json {part} lacks {missing}"
        differ = {k: (kpis[part][k], x) for k, x in v[part].items() if not same(kpis[part][k], x)}
        assert not differ, f"{part}: kpis.json vs validator {differ}"
    # DOMAIN.md's contract figures are all there
    for k in ("degree_ratio_urban_rural", "young_rural_leader_share", "backbone_share_urban", "backbone_share_rural",
              "uncovered_lessons", "moves", "itinerant_teachers", "total_travel_minutes"):
        assert k in kpis["before"] and k in kpis["after"]


# compliance.csv: each rule's detail, parsed back into the figures it names
def _pct(s: str) -> float:
    return round(float(s) / 100, 3)


DETAILS = {
    "R1": (r"(\d+) leaders of [a-z_/]+ schools have completed \d+ or more terms at one school: (\d+) rotate to another "
           r"school, (\d+) exempt "
           r"\((\d+) by exempt_reason, (\d+) by a lock\)",
           lambda a: [a["r1_due"], a["r1_moved"], a["r1_exempt"], a["r1_exempt"] - a["r1_exempt_by_lock"],
                      a["r1_exempt_by_lock"]]),
    "R1x": (r"(\d+) of at most \d+ due leaders cross the urban-rural line \(urban to rural (\d+), rural to urban "
            r"(\d+)\)",
            lambda a: [a["r1x_crossings"], a["r1x_urban_to_rural"], a["r1x_rural_to_urban"]]),
    "R2": (r"(\d+) vacant rural leader posts? filled: (\d+) by urban reserve leaders, (\d+) by rural reserve leaders"
           r"[^;]*; (\d+) rural leader posts? left vacant[^;]*; (\d+) reserve leaders? promoted in all",
           lambda a: [a["r2_rural_posts_to_urban_reserve"] + a["r2_rural_posts_to_rural_reserve"],
                      a["r2_rural_posts_to_urban_reserve"], a["r2_rural_posts_to_rural_reserve"],
                      a["rural_leader_posts_unfilled"], a["reserve_leaders_promoted"]]),
    "R4": (r"(?:every township \((\d+)\)|(\d+) of (\d+) townships have no district director)", None),
    "R5": (r"(\d+) of (\d+) new hires placed with a period-2 school of the other area; (\d+) of (\d+) period-1 "
           r"finishers moved to the other area",
           lambda a: [a["r5_new_hires_bundled"], a["r5_new_hires"], a["r5_period1_moved_across"],
                      a["r5_period1_finishers"]]),
    "R6": (r"(\d+) public-funded teachers short of [\d.]+ rural years: (\d+) moved rural -> urban outside their own "
           r"bundle", lambda a: [a["r6_short_of_rural_years"], a["r6_moved_rural_to_urban"]]),
    "R7": (r"(\d+) lessons a week covered by (\d+) itinerant teacher\(s\), ([\d.]+) travel minutes a week with the "
           r"way back; uncovered rural lessons (\d+) -> (\d+)",
           lambda a: [a["itinerant_lessons"], a["itinerant_teachers"], a["total_travel_minutes"],
                      a["home_uncovered_rural_lessons"], a["uncovered_rural_lessons"]]),
    "R8": (r"leader posts: (\d+) schools above their principal or vice-principal posts; (\d+) principal and (\d+) "
           r"vice-principal posts left unfilled(?:; (\d+) vice-principals? promoted to open principal posts)?; "
           r"teachers: (\d+) schools above their staff_quota; (\d+) teacher seats freed by retirements and promotions; "
           r"(\d+) teachers placed where their subject is not taught",
           lambda a: [a["schools_above_leader_posts"], a["principal_posts_unfilled"],
                      a["vice_principal_posts_unfilled"],
                      a["vice_promoted_to_principal"], a["schools_above_staff_quota"], a["teacher_seats_freed"],
                      a["teachers_without_subject_fit"]]),
    "R11": (r"(\d+) of (\d+) eligible teachers posted urban to rural \(target >= (\d+), \d+%; at most (\d+), \d+%\); "
            r"district\+ backbone (\d+) of (\d+) = ([\d.]+)%",
            lambda a: [a["r11_exchanged"], a["r11_eligible"], a["r11_exchange_target"], a["r11_exchange_ceiling"],
                       a["r11_exchanged_backbone"], a["r11_exchanged"], round(a["r11_backbone_share"] or 0, 3)]),
    "R14": (r"(\d+) of (\d+) teachers placed where their certificate does not cover the school's level; (\d+) "
            r"period-2 bundles not covered",
            lambda a: [a["r14_placed_uncovered"], a["r14_teachers_placed"], a["r14_period2_uncovered"]]),
    "R12": (r"(\d+) staff retire", lambda a: [a["retirements"]]),
    "R13": (r"(\d+) young teachers selected \((\d+) rural\)",
            lambda a: [a["backbone_training_selected"], a["backbone_training_rural"]]),
}


def test_compliance_details_are_the_figures(planned):
    sc, folder, plan, v = planned
    b, a = v["before"], v["after"]
    comp = pd.read_csv(folder / "compliance.csv", dtype=str, keep_default_na=False).set_index("rule")
    kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    for rule, (pattern, want) in DETAILS.items():
        detail = comp.at[rule, "detail"]
        m = re.search(pattern, detail)
        assert m, f"{rule}: {detail!r} does not give its figures"
        if rule == "R4":
            got = [int(m.group(1))] if m.group(1) else [int(m.group(3)) - int(m.group(2))]
            assert got == [a["townships"] if m.group(1) else a["townships_with_director"]]
            continue
        nums = [x for x in m.groups()]
        expected = want(a)
        if rule == "R11":  # a share, printed as a percentage with one decimal
            nums[-1] = _pct(nums[-1])
        if rule == "R8" and nums[3] is None:  # vice-principal promotions not named when the policy rules them out
            nums, expected = nums[:3] + nums[4:], expected[:3] + expected[4:]
        assert [float(x) for x in nums] == [float(x) for x in expected], (rule, detail)
    # R1x against the stage's most possible (kpis.json), R3, R9 and R10 before -> after
    most = re.search(r"of at most (\d+) due leaders", comp.at["R1x", "detail"])
    assert int(most.group(1)) == kpis["after"]["r1x_most_possible"]
    r3 = re.search(r"before ([\d.]+)%, after ([\d.]+)% \((\d+) of (\d+)\)", comp.at["R3", "detail"])
    assert r3, comp.at["R3", "detail"]
    assert [_pct(r3.group(1)), _pct(r3.group(2)), int(r3.group(3)), int(r3.group(4))] == [
        round(b["young_rural_leader_share"], 3), round(a["young_rural_leader_share"], 3), a["young_rural_leaders"],
        a["rural_leaders"]]
    for label, key in (("district\\+ backbone share", "backbone_share"), ("bachelor\\+ share", "bachelor_share"),
                       ("kindergarten associate\\+ share", "kindergarten_associate_share")):
        m = re.search(label + r" rural (\S+) -> (\S+) vs urban (\S+) -> (\S+) \(", comp.at["R9", "detail"])
        got = [None if x == "None" else float(x) for x in m.groups()]
        assert got == [b[f"{key}_rural"], a[f"{key}_rural"], b[f"{key}_urban"], a[f"{key}_urban"]]
    m = re.search(r"ratio among compulsory teachers (\S+) -> (\S+) \(target", comp.at["R10", "detail"])
    assert [float(x) for x in m.groups()] == [b["degree_ratio_urban_rural"], a["degree_ratio_urban_rural"]]


def test_plan_xlsx_kpi_and_compliance_sheets_say_what_the_csv_files_say(planned):
    sc, folder, plan, v = planned
    kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    sheet = pd.read_excel(folder / "plan.xlsx", sheet_name="KPIs").set_index("figure")
    assert set(sheet.index) == set(kpis["before"]) | set(kpis["after"])
    for part in ("before", "after", "target"):
        for key, value in sheet[part].items():
            want = kpis[part].get(key)
            assert same(None if pd.isna(value) else value, want), (part, key, value, want)
            if key in v.get(part, {}):
                assert same(None if pd.isna(value) else value, v[part][key]), (part, key)
    comp = pd.read_excel(folder / "plan.xlsx", sheet_name="Compliance", dtype=str, keep_default_na=False)
    csv = pd.read_csv(folder / "compliance.csv", dtype=str, keep_default_na=False)
    assert comp[["rule", "status", "detail"]].equals(csv[["rule", "status", "detail"]])


def test_report_html_shows_the_same_numbers(planned):
    sc, folder, plan, v = planned
    html = (folder / "report.html").read_text(encoding="utf-8")
    kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    tagged = re.findall(r'data-figure="([^"]+)" data-part="(before|after|target)" data-value="([^"]*)"', html)
    panels = re.findall(r'data-figure="([^"]+)" data-before="([^"]*)" data-after="([^"]*)" data-target="([^"]*)"',
                        html)
    tagged += [(k, part, val) for k, *vals in panels for part, val in zip(("before", "after", "target"), vals)]
    assert len(tagged) > 100
    for key, part, raw in tagged:
        value = float(raw) if raw else None
        assert same(value, kpis[part].get(key)), (key, part, raw)
        if key in v.get(part, {}):
            assert same(value, v[part][key]), (key, part, raw, v[part][key])
    shown = {k for k, p, _ in tagged if p == "after"}
    assert {"moves", "itinerant_teachers", "total_travel_minutes", "r11_eligible", "r11_exchange_share",
            "young_rural_leader_share"} <= shown


def _people(plan: Plan, v: dict) -> tuple[list[str], list[str]]:
    """A few people whose explanation names R11 or itinerant figures: two exchanged teachers and three itinerant
    teachers."""
    a = plan.assignments.set_index("person_id")
    exchanged = a[a["move"] == "exchange"].index.tolist()
    it = plan.itinerant["person_id"].astype(str).drop_duplicates().tolist()
    return exchanged[:2], it[:2] + it[-1:]


def test_explain_routes_and_reasons_use_the_plans_figures(planned):
    sc, folder, plan, v = planned
    a = v["after"]
    d = District(sc, plan)
    exchanged, itinerant = _people(plan, v)
    assert exchanged and itinerant  # every district here has exchanges and itinerant teachers
    for pid in exchanged:
        t = explain(sc, plan, pid, d).text()
        assert (f"of the {a['r11_eligible']} eligible teachers go ({a['r11_exchange_target']}) this year" in t
                and f"% ({a['r11_exchange_ceiling']}), district-level-or-above backbone" in t
                and f"They are one of the {a['r11_exchanged']} eligible teachers posted to a rural school" in t), t
        if d.facts.at[pid, "backbone_district_up"]:
            assert f"one of the {a['r11_exchanged_backbone']} district-level-or-above backbone teachers" in t
    stayers = d.facts[d.facts["r11_eligible"] & ~d.facts["r11_exchanged"]].index[:1]
    assert len(stayers)
    for pid in stayers:
        t = explain(sc, plan, pid, d).text()
        assert f"They are not among the {a['r11_exchanged']} who go" in t, t
    minutes = travel_minutes_by_teacher(sc, plan)  # the validator's count: itinerant.csv rows + the way back
    reasons = plan.assignments.set_index("person_id")["reason"]
    for pid in itinerant:
        m = f"{minutes[pid]:.1f}"
        assert f"Travel {m} minutes a week with the way back" in explain(sc, plan, pid, d).text()
        assert f"{m} travel minutes a week with the way back" in reasons[pid]
        assert f"{m} travel minutes with the way back" in week_text(plan, sc, pid)
    if minutes:
        assert round(math.fsum(minutes.values()), 1) == a["total_travel_minutes"]


def test_explain_through_the_command_reads_the_same_figures(planned):
    sc, folder, plan, v = planned
    exchanged, itinerant = _people(plan, v)
    for pid in exchanged[:1] + itinerant[:1]:
        r = CliRunner().invoke(main, ["explain", pid, str(folder)])
        assert r.exit_code == 0, r.output
        if pid in exchanged:
            assert f"of the {v['after']['r11_eligible']} eligible teachers go" in r.output
        else:
            m = travel_minutes_by_teacher(sc, plan)[pid]
            assert f"Travel {m:.1f} minutes a week with the way back" in r.output


def test_compare_shows_each_plans_own_figures(planned, tmp_path):
    sc, folder, plan, v = planned
    cmp = compare([str(folder), str(folder)])
    k = cmp.kpis.set_index("figure")
    for key in ("moves", "uncovered_lessons", "total_travel_minutes", "r11_eligible", "degree_ratio_urban_rural"):
        for label in cmp.labels:
            assert same(k.at[key, label], v["after"][key]), (key, label)
        assert same(k.at[key, "before"], v["before"].get(key)) or key not in v["before"]
    m = cmp.moves.set_index("move")
    assert all(m.loc["school changes (KPI moves)", label] == v["after"]["moves"] for label in cmp.labels)


def test_a_plan_has_all_its_outputs(planned):
    sc, folder, plan, v = planned
    assert {p.name for p in Path(folder).iterdir()} >= {"assignments.csv", "itinerant.csv", "kpis.json",
                                                         "compliance.csv", "plan.xlsx", "report.html", "meta.json"}


def test_the_terminal_notes_of_the_leader_stage_say_what_the_figures_say(planned):
    """`rotaplan plan` prints the stages' notes; those that name a figure name the plan's."""
    sc, folder, plan, v = planned
    out = (folder.parent / "plan-output.txt").read_text(encoding="utf-8")
    kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    a = v["after"]
    m = re.search(r"R1x: (\d+) crossings of at most (\d+) \(urban->rural (\d+), rural->urban (\d+)\)", out)
    assert m and [int(x) for x in m.groups()] == [a["r1x_crossings"], kpis["after"]["r1x_most_possible"],
                                                  a["r1x_urban_to_rural"], a["r1x_rural_to_urban"]]
    m = re.search(r"Leaders: (\d+) due under R1, (\d+) rotate, (\d+) exempt", out)
    assert m and [int(x) for x in m.groups()] == [a["r1_due"], a["r1_moved"], a["r1_exempt"]]
    m = re.search(r"R3: young rural leader share ([\d.]+)% -> ([\d.]+)%", out)
    assert m and [_pct(x) for x in m.groups()] == [round(v["before"]["young_rural_leader_share"], 3),
                                                   round(a["young_rural_leader_share"], 3)]
