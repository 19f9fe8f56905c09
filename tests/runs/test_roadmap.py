"""A tiny district's 3-year roadmap (2027-2029) whose every number is known by hand, and a rollover of a generated
district's plan that `validate` reads clean.

The district: urban U (township T1, its seat) and rural R (T2's seat) and R2 (T2), all primary schools.

* L1 (principal of U) and L2 (principal of R) have completed 1 term and served 5 years (2 into their second
  term): not due in 2027 (R1 needs 2 completed terms); their second term completes with the 2027 school year,
  so in 2028 both are due and swap (U <-> R, crossing the urban-rural line, R1x); L3 (R2, 1 year) never is.
* E (U, 8 years, 3 rural years from an earlier segment) is the only teacher eligible for exchange; with
  exchange_share 1 and exchange_years 2 he is posted to R (the rural school short of math; R2's quota is full)
  until the 2028 school year, stays there in 2028 and returns home to U in 2029 (R16). His rural years: 3 + 1
  (2027) + 1 (2028) = 5 in the 2029 scenario (two segments added up, R6).
* B (U, music) is in contract period 1, 2 of 3 years served, bundled with R2 (the only other-area school that
  teaches music): in 2028 period 1 is over and B moves to R2 for period 2 (bundle_second).
* W, a woman teacher at R2 born 15 December 1972, retires under the 2025 schedule at 55 years 9 months
  (2028-09-15: after 1 September 2028, so in the 2029 plan), where the old fixed age of 55 would have retired
  her in 2028.
* N, a new hire of 2027, starts period 1: the 2028 scenario has her in period 1, 1 year served, bundled with
  the period-2 school the 2027 plan named.
"""

from __future__ import annotations

import json

import pandas as pd
from builders import build, person, school

from rotaplan.models import Plan, Scenario
from rotaplan.optimizer.params import SolveParams
from rotaplan.runs.history import History
from rotaplan.runs.roadmap import RoadmapRequest, run_roadmap
from rotaplan.runs.source import open_plan
from rotaplan.scenarios.rollover import Hiring
from rotaplan.validator import check_plan


def district():
    schools = [school("U", area="urban", township="T1", is_township_seat=True, lat=36.20, lon=117.60,
                      vice_principal_posts=0),
               school("R", area="rural", township="T2", is_township_seat=True, lat=36.40, lon=117.80,
                      vice_principal_posts=0),
               school("R2", area="rural", township="T2", lat=36.42, lon=117.82, vice_principal_posts=0,
                      staff_quota=3)]
    staff = [
        person("L1", role="principal", school_id="U", terms_at_school=1, years_at_school=5, birth_date="1975-05-01"),
        person("L2", role="principal", school_id="R", terms_at_school=1, years_at_school=5, birth_date="1976-05-01"),
        person("L3", role="principal", school_id="R2", terms_at_school=0, years_at_school=1,
               birth_date="1985-05-01"),
        person("E", school_id="U", years_at_school=8, rural_service_years=3.0, birth_date="1980-01-01"),
        person("Y", school_id="U", years_at_school=2, birth_date="1995-01-01"),
        person("B", school_id="U", subject="music", contract_period=1, period_years=2, years_at_school=2,
               bundle_school="R2", birth_date="1998-01-01", gender="F"),
        person("N", school_id="", subject="math", contract_period=0, period_years=0, years_at_school=0,
               birth_date="2003-01-01", gender="F", teaching_years=0),
        person("T1", school_id="R", years_at_school=3, birth_date="1990-01-01"),
        person("T2", school_id="R2", years_at_school=3, birth_date="1991-01-01"),
        person("W", school_id="R2", years_at_school=9, birth_date="1972-12-15", gender="F"),
    ]
    demand = [("U", "math", 32), ("U", "music", 16), ("R", "math", 48), ("R2", "math", 32), ("R2", "music", 16)]
    return build(schools, staff, demand, exchange_share=1.0, exchange_share_max=1.0, exchange_backbone_share=0.0,
                 exchange_years=2, young_backbone_training_count=0)


def test_a_three_year_roadmap_known_by_hand(tmp_path):
    sc0 = district()
    sc0.write(tmp_path / "district")
    db = tmp_path / "runs.sqlite"
    req = RoadmapRequest(scenario=str(tmp_path / "district"), until=2029, out=str(tmp_path / "roadmap"),
                         params=SolveParams(time_limit=3, workers=1, seed=0), db=str(db))
    rm = run_roadmap(req)
    assert list(rm.rows["year"]) == [2027, 2028, 2029] and set(rm.rows["status"]) == {"ok"}
    plans = {y: Plan.read(tmp_path / "roadmap" / str(y)).assignments.set_index("person_id") for y in (2027, 2028,
                                                                                                        2029)}
    scen = {2027: sc0, **{y: Scenario.read(tmp_path / "roadmap" / "scenarios" / str(y)) for y in (2028, 2029)}}
    staff = {y: s.staff.set_index("person_id") for y, s in scen.items()}

    # leaders: due only after completing the second term
    assert [plans[2027].at[p, "move"] for p in ("L1", "L2", "L3")] == ["stay", "stay", "stay"]
    assert (staff[2028].at["L1", "terms_at_school"], staff[2028].at["L1", "years_at_school"]) == (2, 6)
    assert (plans[2028].at["L1", "move"], plans[2028].at["L1", "to_school"]) == ("rotate", "R")
    assert (plans[2028].at["L2", "move"], plans[2028].at["L2", "to_school"]) == ("rotate", "U")
    assert plans[2028].at["L3", "move"] == "stay"
    assert (staff[2029].at["L1", "school_id"], staff[2029].at["L1", "terms_at_school"],
            staff[2029].at["L1", "years_at_school"]) == ("R", 0, 1)

    # the posting: exchanged in 2027 until 2028, carried in 2028, returning home in 2029
    e27, e28, e29 = plans[2027].loc["E"], plans[2028].loc["E"], plans[2029].loc["E"]
    assert (e27["move"], e27["to_school"], e27["home_school"], e27["posting_until"]) == ("exchange", "R", "U", "2028")
    assert (staff[2028].at["E", "home_school"], staff[2028].at["E", "posting_until"]) == ("U", 2028)
    assert (e28["move"], e28["to_school"], e28["home_school"], e28["posting_until"]) == ("stay", "R", "U", "2028")
    assert (e29["move"], e29["to_school"], e29["home_school"], e29["posting_until"]) == ("return", "U", "", "")
    # rural years over two segments: 3 earlier + 2 of the posting
    assert [staff[y].at["E", "rural_service_years"] for y in (2027, 2028, 2029)] == [3.0, 4.0, 5.0]
    assert rm.rows.set_index("year")["r16_returned"].to_dict() == {2027: 0, 2028: 0, 2029: 1}

    # the bundle: honoured in year 2
    assert plans[2027].at["B", "move"] == "stay"
    assert (staff[2028].at["B", "contract_period"], staff[2028].at["B", "period_years"]) == (1, 3)
    assert staff[2028].at["B", "bundle_school"] == "R2"
    assert (plans[2028].at["B", "move"], plans[2028].at["B", "to_school"]) == ("bundle_second", "R2")
    assert (staff[2029].at["B", "contract_period"], staff[2029].at["B", "period_years"],
            staff[2029].at["B", "bundle_school"]) == (2, 1, "")
    # the new hire: period 1 started, bundled as the 2027 plan said
    n27 = plans[2027].loc["N"]
    assert n27["move"] == "place_new" and n27["period2_school"]
    assert (staff[2028].at["N", "school_id"], staff[2028].at["N", "bundle_school"]) == (n27["to_school"],
                                                                                          n27["period2_school"])
    assert (staff[2028].at["N", "contract_period"], staff[2028].at["N", "period_years"],
            staff[2028].at["N", "years_at_school"], staff[2028].at["N", "teaching_years"]) == (1, 1, 1, 1)

    # the retiree of the 2025 schedule: 55 years 9 months, on 2028-09-15, so in the 2029 plan
    assert plans[2027].at["W", "move"] != "retire" and plans[2028].at["W", "move"] != "retire"
    assert (plans[2029].at["W", "move"], plans[2029].at["W", "retire_date"]) == ("retire", "2028-09-15")
    assert "W" in staff[2029].index
    assert rm.rows.set_index("year")["retirements"].to_dict() == {2027: 0, 2028: 0, 2029: 1}

    # every yearly plan is checkable and passes the validator, with the scenario it records
    for y in (2027, 2028, 2029):
        opened = open_plan(tmp_path / "roadmap" / str(y))
        assert opened.scenario.policy.plan_year == y
        assert not [v for v in check_plan(opened.scenario, opened.plan) if v.hard]

    # the figures are the plans' own; the roadmap is stored with its yearly runs
    for y in (2027, 2028, 2029):
        kpis = pd.read_json(tmp_path / "roadmap" / str(y) / "kpis.json", typ="series")["after"]
        row = rm.rows.set_index("year").loc[y]
        assert row["moves"] == kpis["moves"] and row["degree_ratio_urban_rural"] == kpis["degree_ratio_urban_rural"]
    stored = History(db).get_roadmap(rm.roadmap_id)
    assert [r["year"] for r in stored["years"]] == [2027, 2028, 2029]
    runs = History(db).runs(sweep=f"roadmap:{rm.name}")
    assert list(runs["run_id"]) == [r["run_id"] for r in stored["years"]]
    # everyone holds a bachelor degree (R10: ratio 1) and one of the two rural leaders is 45 or under (R3: 50%)
    assert rm.first_met == 2027 and "both met first in 2027" in rm.verdict
    page = (tmp_path / "roadmap" / "roadmap.html").read_text(encoding="utf-8")
    assert "<svg" in page and "R10 urban/rural bachelor ratio" in page and "http" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_the_same_roadmap_again_replaces_the_folder_rotaplan_wrote(tmp_path):
    sc0 = district()
    sc0.write(tmp_path / "district")
    req = RoadmapRequest(scenario=str(tmp_path / "district"), until=2027, out=str(tmp_path / "roadmap"),
                         params=SolveParams(time_limit=2, workers=1, seed=0), store=False)
    first = run_roadmap(req)
    again = run_roadmap(req)
    assert list(first.rows["moves"]) == list(again.rows["moves"])
    (tmp_path / "roadmap" / "notes.txt").write_text("mine", encoding="utf-8")
    import pytest

    from rotaplan.models.outputs import OutputError

    with pytest.raises(OutputError):
        run_roadmap(req)
    assert (tmp_path / "roadmap" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_two_roadmaps_compared_year_by_year(tmp_path):
    """A hiring plan of bachelor-degree math teachers for the rural district against none: compare shows both
    roadmaps' figures, year by year, as their plans report them."""
    from click.testing import CliRunner

    from rotaplan.cli import main

    sc0 = district()
    sc0.write(tmp_path / "district")
    (tmp_path / "hiring.yaml").write_text("hires:\n  - {subject: math, count: 2, degree: bachelor}\n",
                                          encoding="utf-8")
    db = str(tmp_path / "runs.sqlite")
    run = CliRunner()
    for name, extra in (("none", []), ("hire", ["--hiring", str(tmp_path / "hiring.yaml")])):
        r = run.invoke(main, ["roadmap", str(tmp_path / "district"), "--until", "2028", "--out", str(tmp_path / name),
                              "--time-limit", "2", "--workers", "1", "--db", db, *extra])
        assert r.exit_code == 0, r.output
        assert "both met first in 2027" in r.output and "stored as roadmap RM" in r.output
    r = run.invoke(main, ["roadmaps", "--db", db])
    assert r.exit_code == 0 and "RM1" in r.output and "RM2" in r.output
    r = run.invoke(main, ["compare", "RM1", "RM2", "--db", db, "--html", str(tmp_path / "cmp.html")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert "RM1 none" in page and "RM2 hire" in page and page.count("<svg") == 8
    # the 2028 staff figure of each roadmap is its own plan's: 2 hires more with the hiring plan
    staff = {n: json.loads((tmp_path / n / "2028" / "kpis.json").read_text(encoding="utf-8"))["after"]["staff"]
             for n in ("none", "hire")}
    assert staff["hire"] == staff["none"] + 2
    r = run.invoke(main, ["compare", str(tmp_path / "none"), str(tmp_path / "hire"), "--html",
                          str(tmp_path / "cmp2.html")])
    assert r.exit_code == 0, r.output


def test_not_by_the_last_year_says_the_binding_reason_in_numbers():
    from rotaplan.models import Policy
    from rotaplan.runs.roadmap import summarise

    rows = pd.DataFrame([{"year": 2027, "status": "ok", "R10": "not_met", "R3": "met",
                          "compulsory_teachers_rural": 100, "bachelor_teachers_rural": 70,
                          "bachelor_share_rural": 0.70, "bachelor_share_urban": 0.90,
                          "degree_ratio_urban_rural": 1.2857,
                          "rural_leaders": 10, "young_rural_leaders": 5, "young_rural_leader_share": 0.5},
                         {"year": 2028, "status": "ok", "R10": "not_met", "R3": "not_met",
                          "compulsory_teachers_rural": 100, "bachelor_teachers_rural": 72,
                          "bachelor_share_rural": 0.72, "bachelor_share_urban": 0.90, "degree_ratio_urban_rural": 1.25,
                          "rural_leaders": 10, "young_rural_leaders": 3, "young_rural_leader_share": 0.3}])
    rm = summarise("x", rows, Policy(), 2028, None)
    assert rm.first_met is None and rm.first == {"R10": None, "R3": 2027}
    # R10: 0.90 / 1.05 x 100 = 85.7, so 86 bachelor-degree rural teachers: 14 more than 72; R3: 5 of 10, 2 more
    assert "not both met by 2028" in rm.verdict
    assert "about 14 more bachelor-degree teachers" in rm.verdict and "about 2 more rural leaders" in rm.verdict
    zh = summarise("x", rows, Policy(), 2028, None, lang="zh")
    assert "约14名本科及以上教师" in zh.verdict


def test_one_roadmap_per_hiring_plan_in_parallel_on_dask(tmp_path):
    from rotaplan.runs.roadmap import run_roadmaps

    sc0 = district()
    sc0.write(tmp_path / "district")
    (tmp_path / "none.yaml").write_text("hires: []\n", encoding="utf-8")
    (tmp_path / "two.yaml").write_text("hires:\n  - {subject: math, count: 2}\n", encoding="utf-8")
    base = RoadmapRequest(scenario=str(tmp_path / "district"), until=2028, out=str(tmp_path / "both"),
                          params=SolveParams(time_limit=2, workers=1, seed=0), db=str(tmp_path / "runs.sqlite"))
    done = run_roadmaps(base, [str(tmp_path / "none.yaml"), str(tmp_path / "two.yaml")], n_workers=2)
    assert [r["name"] for r in done] == ["1-none", "2-two"] and all(r["ok"] for r in done)
    staff = {r["name"]: {row["year"]: row["staff"] for row in r["rows"]} for r in done}
    assert staff["2-two"][2028] == staff["1-none"][2028] + 2 and staff["2-two"][2027] == staff["1-none"][2027]
    assert (tmp_path / "both" / "compare.html").exists()
    assert (tmp_path / "both" / "2-two" / "2028" / "kpis.json").exists()
    assert len(History(tmp_path / "runs.sqlite").roadmaps()) == 2


def test_a_year_without_a_plan_ends_the_roadmap_and_says_why(tmp_path):
    # every seat is taken (staff_quota 1 and one teacher at each school); the hiring plan adds two teachers a year
    sc0 = build([school("U", area="urban", is_township_seat=True, staff_quota=1, vice_principal_posts=0),
                 school("R", area="rural", township="T2", is_township_seat=True, staff_quota=1,
                        vice_principal_posts=0)],
                [person("PU", role="principal", school_id="U"), person("PR", role="principal", school_id="R"),
                 person("Y", school_id="U"), person("T", school_id="R")],
                [("U", "math", 16), ("R", "math", 16)], exchange_share=0.0, exchange_backbone_share=0.0,
                young_backbone_training_count=0)
    sc0.write(tmp_path / "full")
    (tmp_path / "hiring.yaml").write_text("hires:\n  - {subject: math, count: 2}\n", encoding="utf-8")
    req = RoadmapRequest(scenario=str(tmp_path / "full"), until=2029, out=str(tmp_path / "roadmap"),
                         hiring=Hiring.read(tmp_path / "hiring.yaml"),
                         params=SolveParams(time_limit=2, workers=1, seed=0), store=False)
    rm = run_roadmap(req)
    assert list(rm.rows["status"]) == ["ok", "infeasible"]  # 2029 is not planned
    assert "the 2028 plan breaks hard rules (R8" in rm.verdict
    assert not (tmp_path / "roadmap" / "2028").exists() and (tmp_path / "roadmap" / "2027" / "kpis.json").exists()
