"""`rotaplan explain`: the sentences a person reads about their own decision, on tiny scenarios whose
answer is known by hand (a rotated principal, a promoted reserve leader, a new hire, an exchanged
teacher, an itinerant teacher, someone who stays, a retiree), and what blocked each ranked school."""

from __future__ import annotations

import json

from builders import build, person, school
from click.testing import CliRunner
from plans import hand_plan, tiny_district

from rotaplan.cli import main
from rotaplan.optimizer.pipeline import assemble
from rotaplan.optimizer.state import PlanState
from rotaplan.reports.explain import explain


def text(sc, plan, pid) -> str:
    return explain(sc, plan, pid).text()


def plan_of(sc, decisions: dict) -> object:
    """A plan by hand: everyone stays unless `decisions` says otherwise."""
    st = PlanState(sc)
    for pid, fields in decisions.items():
        st.set(pid, **fields)
    return assemble(sc, st)


# ---- the hand plan of the tiny district: one person of each kind ---------------------------------
def test_rotated_principal_r1_r1x_r4():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "L1")
    assert t.startswith("王校长 (L1), principal at 城区一小 (U1, urban, 凤城街道): from 1 September 2027 rotates to "
                        "口镇中心小学 (R1, rural, 口镇) as principal.")
    assert "Rules behind this decision: R1, R1x, R4." in t
    assert ("R1: 2 consecutive terms at 城区一小 (U1), and rotation_terms is 2 (terms of 3 years), so they are due "
            "to rotate to another school, keeping a leader role. They rotate to 口镇中心小学 (R1) as principal.") in t
    assert "R1x: urban → rural: the move crosses the urban–rural line" in t
    assert ("R4: as principal of 口镇中心小学 (R1), a seat school of township 口镇, they are the district director "
            "(学区主任) of 口镇.") in t
    assert "R3: aged 47, over young_age = 45, so at a rural school they do not count as a young rural leader" in t
    assert "rotation_terms = 2" in t and "weights.r1x_crossing = 200" in t


def test_promoted_reserve_leader_r2_names_who_freed_the_post():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "RS")
    assert "is promoted to vice-principal at 口镇二小 (R2, rural, 口镇)." in t
    assert ("R2: a reserve leader at 城区二中 (U2, urban, 凤城街道); "
            "the vice-principal post at 口镇二小 (R2, rural, 口镇) "
            "was open because 赵副校长 (V1) retires (R12); R2 gives vacant rural leader posts to reserve leaders from "
            "urban schools first (weights.r2_urban_reserve = 60 per post).") in t
    assert "R3: aged 37, at or under young_age = 45, so at a rural school they count as a young rural leader" in t


def test_new_hire_r5_bundle_and_demand():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "N1")
    assert "周新 (N1), a new math teacher to place" in t
    assert ("R5: a new hire: contract period 1 at 口镇二小 (R2, rural, 口镇), "
            "bundled with 城区二中 (U2, urban, 凤城街道) "
            "for period 2. 口镇二小 (R2) needs 16 weekly math lessons and its own teachers could cover 0 of them "
            "before this plan.") in t


def test_exchanged_teacher_r11():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "E1")
    assert ("R11: 8 years at 城区一小 (U1), an urban school, at least exchange_after_years = 6, not exempt, below "
            "exchange_exempt_age_male = 55 and not finishing contract period 1, so eligible for a posting to a rural "
            "school; R11 asks that at least 10% of the 1 eligible teachers go (1) this year and at most 15% (0), "
            "district-level-or-above backbone teachers being at least 20% of them.") in t
    assert ("They are one of the 1 eligible teachers posted to a rural school, and as a district-level backbone "
            "teacher one of the 1 district-level-or-above backbone teachers among them.") in t
    zh = explain(sc, hand_plan(sc), "E1", lang="zh").text()
    assert ("R11：在城区学校城区一小（U1）任职8年，达到exchange_after_years = 6，未免交流，低于"
            "exchange_exempt_age_male = 55，且不在第一聘期期满之时，符合到乡村学校交流的条件；") in zh


def test_r11_says_why_a_long_serving_teacher_is_not_eligible_in_contract_v2_terms():
    """DOMAIN.md R11: only urban teachers, below the exemption age, not finishing contract period 1."""
    sc = build([school("U1", area="urban", is_township_seat=True),
                school("R1", area="rural", township="T2", is_township_seat=True)],
               [person("OLD", school_id="U1", years_at_school=9, gender="F", birth_date="1975-01-01"),
                person("P1", school_id="U1", years_at_school=9, contract_period=1, period_years=3),
                person("RU", school_id="R1", years_at_school=9),
                person("SB", school_id="U1", years_at_school=9, backbone="school")],
               [("U1", "math", 48), ("R1", "math", 32)])
    plan = plan_of(sc, {"P1": dict(to_school="R1", move="bundle_second", home_lessons=16),
                        "SB": dict(to_school="R1", move="exchange", home_lessons=16)})
    assert ("R11: aged 52, not below exchange_exempt_age_female = 50: exempt from exchange by age, so not "
            "eligible.") in text(sc, plan, "OLD")
    zh = explain(sc, plan, "OLD", lang="zh").text()
    assert "R11：现年52岁，未低于exchange_exempt_age_female = 50：按年龄免交流" in zh
    assert ("R11: finishing contract period 1 (3 of term_years = 3 years): they serve period 2 in the other area "
            "under R5, not on an exchange posting") in text(sc, plan, "P1")
    rural = text(sc, plan, "RU")
    assert "R11: School R1 (R1) is a rural school; an exchange is a posting from an urban school" in rural
    assert "exchange_after_years" not in rural  # years at a rural school do not matter to R11
    sb = text(sc, plan, "SB")
    assert "so eligible for a posting to a rural school" in sb
    assert "a school-level backbone teacher, whom R11 does not count as backbone (district level or above)" in sb
    assert plan.kpis["after"]["r11_eligible"] == 1 and plan.kpis["after"]["r11_exchanged_backbone"] == 0


def test_itinerant_teacher_r7_lists_weekly_stops():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "I1")
    assert ("R7: an itinerant teacher of township 口镇: besides their home lessons at 口镇中心小学 (R1) they teach 4 "
            "lessons a week at other schools") in t
    assert "day 2: 口镇二小 (R2) (4 music lessons, 11.5 min)" in t
    assert "max_schools_per_day = 2" in t and "max_travel_minutes_per_day = 90" in t


def test_stayer_is_told_why_no_move_was_needed():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "S1")
    assert "stays at 城区二中 (U2, urban, 凤城街道) as teacher." in t
    assert ("Why no move was needed: they are not finishing contract period 1 (R5); 3 years at their school is "
            "fewer than exchange_after_years = 6 (R11); 城区二中 (U2) still needs them: 16 weekly chinese "
            "lessons.") in t


def test_retiree_r12():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "V1")
    # born 1965-03: 2 months after January 1965 -> 2 // 4 + 1 = 1 month later -> 60 years 1 month -> 2025-04-01
    assert ("R12: aged 62 on 1 September 2027; the statutory retirement date for men (2025 schedule) is 2025-04-01, "
            "on or before 1 September: they retire and their post becomes a vacancy.") in t


def test_public_funded_teacher_r6_blocks_ranked_urban_school():
    sc = tiny_district()
    t = text(sc, hand_plan(sc), "P1")
    assert ("Priority points: 2 rural years × 1 + backbone level none (0) × 2 + 1 years at their school × 0.5 + a "
            "mountainous school × 3 = 5.5 points.") in t
    assert ("Choice 1, 城区一小 (U1): not given — hard rule R6: a public-funded teacher with 2 of 6 rural years may "
            "not move from a rural to an urban school.") in t


# ---- ranked schools: hard rule, quota, someone with more points -------------------------------------
def ranked_district():
    schools = [
        school("U1", area="urban", staff_quota=2, is_township_seat=True),
        school("U2", area="urban"),
        school("R1", area="rural", township="T2", lat=36.3, is_township_seat=True),
        school("R2", area="rural", township="T2", lat=36.31),
        school("R3", area="rural", township="T2", lat=36.33),
        school("K1", area="rural", township="T2", level="kindergarten", lat=36.32),
    ]
    staff = [
        person("A", school_id="U1", years_at_school=2),
        person("B", school_id="R1", rural_service_years=10, years_at_school=8),  # 10 + 4 = 14 points
        person("C", school_id="R2", rural_service_years=6, years_at_school=2),  # 6 + 1 = 7 points
        person("D", school_id="R3", years_at_school=3),
        person("N", school_id="", contract_period=0, period_years=0, years_at_school=0, preferences="U1;U2;R3;K1"),
        person("M", school_id="R1", subject="music", preferences="R2"),
        person("Q", school_id="U2", contract_period=1, period_years=3, preferences="U1;R2"),
    ]
    demand = [("U1", "math", 32), ("U2", "math", 32), ("R1", "math", 32), ("R2", "math", 16), ("R3", "math", 16),
              ("R1", "music", 16), ("K1", "preschool", 16)]
    sc = build(schools, staff, demand)
    plan = plan_of(sc, {
        "A": dict(home_lessons=16),
        "B": dict(to_school="U1", move="exchange", rules="R11", home_lessons=16),
        "C": dict(to_school="U2", move="exchange", rules="R11", home_lessons=16),
        "N": dict(to_school="R1", move="place_new", period2_school="U2", rules="R5", home_lessons=16),
        "D": dict(home_lessons=16),
        "M": dict(home_lessons=16),
        "Q": dict(to_school="R2", move="bundle_second", rules="R5", home_lessons=16),
    })
    return sc, plan


def test_each_ranked_school_names_what_blocked_it():
    sc, plan = ranked_district()
    t = text(sc, plan, "N")
    assert ("Choice 1, School U1 (U1): not given — quota full: School U1 (U1) may hold 2 teachers (staff_quota) and "
            "holds 2 after the plan, 1 who stay and 1 placed by this plan: Person B (B, 14 points) (Person B (B) with "
            "more priority points than their 0).") in t
    assert ("Choice 2, School U2 (U2): not given — Person C (C, 7 points), with more priority points than their 0, "
            "got the math place(s) there.") in t
    assert ("Choice 3, School R3 (R3): not given — its 16 weekly math lessons are all covered by the teachers it "
            "has, so a move there adds no lessons (weights.coverage = 1 per lesson) and costs a move "
            "(weights.move = 10).") in t
    assert ("Choice 4, School K1 (K1): not given — hard rule: a kindergarten takes only preschool teachers, "
            "not math.") in t
    assert "None of their ranked schools could be given; they go to School R1 (R1)." in t


def test_ranked_school_without_demand_for_the_subject_is_a_hard_rule():
    sc, plan = ranked_district()
    t = text(sc, plan, "M")
    assert ("Choice 1, School R2 (R2): not given — hard rule: School R2 (R2) has no demand for music lessons "
            "(R8 subject fit).") in t


def test_period_one_finisher_ranked_same_area_is_blocked_by_r5_and_gets_the_next_choice():
    sc, plan = ranked_district()
    t = text(sc, plan, "Q")
    assert ("R5: finished contract period 1 (3 of term_years = 3 years) at School U2 (U2, urban, T1), so period 2 "
            "must be at a school of the other area. They go to School R2 (R2, rural, T2).") in t
    assert ("Choice 1, School U1 (U1): not given — hard rule R5: their period 2 must be at a school of the other "
            "area, and it is urban.") in t
    assert "Choice 2, School R2 (R2): granted." in t


# ---- leaders who stay within their area, and a leader's ranked school -------------------------------
def test_due_leader_within_area_is_told_no_post_across_the_line_was_left():
    schools = [school("U1", area="urban", is_township_seat=True), school("U2", area="urban"),
               school("R1", area="rural", township="T2", is_township_seat=True)]
    staff = [
        person("L", name="Due Leader", role="principal", school_id="U1", terms_at_school=2, preferences="R1"),
        person("K", name="Kept Leader", role="principal", school_id="R1", terms_at_school=1),
    ]
    sc = build(schools, staff, [])
    plan = plan_of(sc, {"L": dict(to_school="U2", move="rotate", rules="R1")})
    t = text(sc, plan, "L")
    assert ("R1x: they stay within the urban area. Of the 1 principal post at rural schools, 1 is held by leaders "
            "who stay there: no post across the line was left for them.") in t
    assert ("Choice 1, School R1 (R1): not given — its 1 principal post is held by Kept Leader (K), who stays "
            "(not due to rotate).") in t


def test_due_leader_kept_at_own_school_is_told_r1_is_broken():
    sc = tiny_district()
    plan = hand_plan(sc)
    a = plan.assignments.set_index("person_id", drop=False)
    a.loc["L1", ["to_school", "move", "director_of"]] = ["U1", "stay", ""]
    plan.assignments = a.reset_index(drop=True)
    t = text(sc, plan, "L1")
    assert "They stay although due: this plan breaks R1, a hard rule." in t


# ---- the command ------------------------------------------------------------------------------------
def test_cli_explain_reads_plan_folder_and_xlsx_and_names_unknown_people(tmp_path):
    sc = tiny_district()
    sc.write(tmp_path / "scenario")
    plan = hand_plan(sc)
    from rotaplan.models.workbook import write_plan_workbook

    plan.write(tmp_path / "plan", extra_files={
        "plan.xlsx": lambda p: write_plan_workbook(plan, sc, p, lang="zh"),
        "meta.json": lambda p: p.write_text(json.dumps({"scenario": str(tmp_path / "scenario")}))})
    for where in ("plan", "plan/plan.xlsx"):
        r = CliRunner().invoke(main, ["explain", "RS", str(tmp_path / where)])
        assert r.exit_code == 0, r.output
        assert "赵副校长 (V1) retires (R12)" in r.output
    r = CliRunner().invoke(main, ["explain", "NOBODY", str(tmp_path / "plan")])
    assert r.exit_code == 2 and "NOBODY" in r.output and "Traceback" not in r.output


# ---- precedence: a lock wins over R6 and R11 (DOMAIN.md), as `check` says ---------------------------
def test_locked_public_funded_teacher_moved_to_town_is_exempted_by_the_lock_not_told_r6_is_broken():
    from rotaplan.validator import check_plan

    sc = build([school("U1", area="urban", is_township_seat=True),
                school("R1", area="rural", township="T2", is_township_seat=True)],
               [person("P", school_id="R1", public_funded=True, rural_service_years=2, years_at_school=2,
                       locked_school="U1"),
                person("Q", school_id="R1", public_funded=True, rural_service_years=2, years_at_school=2)],
               [("U1", "math", 16), ("R1", "math", 32)])
    plan = plan_of(sc, {"P": dict(to_school="U1", move="transfer", home_lessons=16),
                        "Q": dict(to_school="U1", move="transfer", home_lessons=0)})
    t = text(sc, plan, "P")
    assert "a lock wins over R6, so this move is exempted by the lock" in t and "breaks R6" not in t
    assert "This plan moves them rural → urban: that breaks R6." in text(sc, plan, "Q")
    r6 = [v.person_id for v in check_plan(sc, plan) if v.rule == "R6"]
    assert r6 == ["Q"]
    row = plan.compliance.set_index("rule").loc["R6"]
    assert row["status"] == "not_met" and "2 public-funded teachers short of 6 rural years: 1 moved rural -> urban " \
        "outside their own bundle; 1 exempted by a lock" in row["detail"]


def test_locked_long_serving_teacher_is_exempted_from_r11_by_the_lock():
    sc = build([school("U1", area="urban", is_township_seat=True), school("U2", area="urban"),
                school("R1", area="rural", township="T2", is_township_seat=True)],
               [person("L", school_id="U1", years_at_school=9, locked_school="U2"),
                person("E", school_id="U1", years_at_school=8)],
               [("U1", "math", 16), ("U2", "math", 16), ("R1", "math", 16)])
    plan = plan_of(sc, {"L": dict(to_school="U2", move="transfer", home_lessons=16),
                        "E": dict(to_school="R1", move="exchange", home_lessons=16)})
    assert "a lock wins over R11, so they are exempted by the lock" in text(sc, plan, "L")
    assert "of the 1 eligible teachers go (1) this year" in text(sc, plan, "E")
    assert plan.kpis["after"]["r11_exempt_by_lock"] == 1 and plan.kpis["after"]["r11_eligible"] == 1


# ---- R5: bundle_school and period2_school ---------------------------------------------------------
def _bundled_district():
    schools = [school("U1", name="城区一小", township="凤城街道", is_township_seat=True),
               school("R1", name="口镇中心小学", township="口镇", area="rural", is_township_seat=True, lat=36.3),
               school("R2", name="口镇二小", township="口镇", area="rural", lat=36.33)]
    staff = [person("F", name="冯满期", school_id="U1", contract_period=1, period_years=3, bundle_school="R2"),
             person("C", name="陈续聘", school_id="U1", contract_period=1, period_years=1, bundle_school="R1")]
    return build(schools, staff, [("U1", "math", 16), ("R1", "math", 16), ("R2", "math", 16)])


def test_period_one_finisher_is_told_the_bundle_school_named_at_hiring():
    sc = _bundled_district()
    plan = plan_of(sc, {"F": {"to_school": "R2", "move": "bundle_second"}, "C": {"period2_school": "R1"}})
    t = text(sc, plan, "F")
    assert ("so period 2 must be at a school of the other area. The bundle school named at hiring is 口镇二小 (R2, "
            "rural, 口镇). They go to it.") in t


def test_teacher_continuing_period_one_is_told_their_period_two_school():
    sc = _bundled_district()
    plan = plan_of(sc, {"F": {"to_school": "R2", "move": "bundle_second"}, "C": {"period2_school": "R1"}})
    t = text(sc, plan, "C")
    assert ("R5: in contract period 1 (1 of 3 years served): no period change this year. Period 2 at 口镇中心小学 "
            "(R1, rural, 口镇).") in t
    zh = explain(sc, plan, "C", lang="zh").text()
    assert "第二聘期在口镇中心小学" in zh


def test_period_one_finisher_elsewhere_is_told_why_the_bundle_school_could_not_take_them():
    sc = build([school("U1", name="城区一小", township="凤城街道", is_township_seat=True),
                school("R1", name="口镇中心小学", township="口镇", area="rural", is_township_seat=True, lat=36.3,
                       staff_quota=1),
                school("R2", name="口镇二小", township="口镇", area="rural", lat=36.33),
                school("R3", name="口镇中学", township="口镇", area="rural", level="junior", lat=36.34)],
               [person("F", school_id="U1", contract_period=1, period_years=3, bundle_school="R1"),
                person("G", school_id="U1", contract_period=1, period_years=3, bundle_school="R3",
                       certificate="primary"),
                person("H", school_id="R1")],
               [("U1", "math", 16), ("R1", "math", 16), ("R2", "math", 32), ("R3", "math", 16)])
    plan = plan_of(sc, {"F": {"to_school": "R2", "move": "bundle_second"},
                        "G": {"to_school": "R2", "move": "bundle_second"}})
    assert ("The bundle school named at hiring is 口镇中心小学 (R1, rural, 口镇). It is full in this plan (staff "
            "quota, R8), so they go to 口镇二小 (R2, rural, 口镇).") in text(sc, plan, "F")
    assert "It cannot take them" in text(sc, plan, "G")
    plan = plan_of(sc, {"F": {"to_school": "R2", "move": "bundle_second"}, "H": {"to_school": "R2",
                                                                               "move": "transfer"}})
    assert "It could take them: going elsewhere breaks R5, a hard rule." in text(sc, plan, "F")
