"""R16 (fixed-term postings): a posting that ends returns home, unless the teacher ranked the host first; a
posting that continues is carried; an exchange gets home_school and posting_until. Tiny scenarios whose answer
is known by hand, planned by the whole pipeline and checked by the validator."""

from builders import build, person, school

from rotaplan.optimizer.params import SolveParams
from rotaplan.optimizer.pipeline import plan_scenario
from rotaplan.validator import check_plan


def U(sid, **kw):
    return school(sid, area="urban", township="T1", lat=36.20, lon=117.60, **kw)


def R(sid, **kw):
    return school(sid, area="rural", township="T2", lat=36.40, lon=117.80, **kw)


def district(staff, **policy):
    """An urban and a rural school, each with a principal and math lessons for three teachers."""
    leaders = [person("PU", role="principal", school_id="U"), person("PR", role="principal", school_id="R")]
    return build([U("U", is_township_seat=True), R("R", is_township_seat=True)], leaders + staff,
                 [("U", "math", 48), ("R", "math", 48)], check=False,
                 **{"exchange_share": 0.0, "exchange_backbone_share": 0.0, **policy})


def plan(sc, lang="en"):
    res = plan_scenario(sc, SolveParams(time_limit=3, workers=1, seed=0, lang=lang))
    hard = [str(v) for v in check_plan(sc, res.plan) if v.hard]
    assert not hard, hard
    a = res.plan.assignments.set_index("person_id")
    comp = res.plan.compliance.set_index("rule")
    return a, comp, res.plan.kpis["after"]


def test_a_posting_that_ended_returns_home():
    # X belongs to U and has served at rural R until the 2026 school year; in 2027 the posting is over
    sc = district([person("X", school_id="R", home_school="U", posting_until=2026, years_at_school=3),
                   person("Y", school_id="U", years_at_school=2)])
    a, comp, after = plan(sc)
    x = a.loc["X"]
    assert (x["to_school"], x["move"]) == ("U", "return")
    assert "R16" in x["rules"].split(";") and "returns to the home school" in x["reason"]
    assert (x["home_school"], x["posting_until"]) == ("", "")  # no longer on a posting
    assert comp.at["R16", "status"] == "met"
    assert (after["r16_postings_ended"], after["r16_returned"], after["r16_not_returned"]) == (1, 1, 0)
    assert "1 postings ended: 1 return to their home school" in comp.at["R16", "detail"]


def test_a_teacher_who_ranked_the_host_first_stays_there_as_a_transfer():
    sc = district([person("X", school_id="R", home_school="U", posting_until=2026, years_at_school=3,
                          preferences="R;U")])
    a, comp, after = plan(sc)
    x = a.loc["X"]
    assert (x["to_school"], x["move"]) == ("R", "transfer")
    assert (x["home_school"], x["posting_until"]) == ("", "")  # the home school's seat is freed
    assert after["r16_kept_by_host"] == 1 and comp.at["R16", "status"] == "met"


def test_ranking_the_host_second_is_not_enough():
    sc = district([person("X", school_id="R", home_school="U", posting_until=2026, preferences="U;R")])
    a, _, _ = plan(sc)
    assert (a.at["X", "to_school"], a.at["X", "move"]) == ("U", "return")


def test_a_posting_that_continues_is_carried_and_keeps_the_teacher_at_the_host():
    # the host R is a rural school short of math: the teacher would be welcome anywhere, but the posting holds
    sc = district([person("X", school_id="R", home_school="U", posting_until=2028, preferences="U")])
    a, comp, after = plan(sc)
    x = a.loc["X"]
    assert (x["to_school"], x["move"], x["home_school"], x["posting_until"]) == ("R", "stay", "U", "2028")
    assert after["r16_postings_continuing"] == 1 and after["r16_postings_cut_short"] == 0
    assert comp.at["R16", "status"] == "met"


def test_an_exchange_gets_home_school_and_posting_until_plan_year_plus_exchange_years_minus_one():
    sc = district([person("E", school_id="U", years_at_school=8), person("Y", school_id="U", years_at_school=1)],
                  exchange_share=0.5, exchange_share_max=1.0, exchange_years=3)
    a, comp, after = plan(sc)
    e = a.loc["E"]
    assert (e["to_school"], e["move"]) == ("R", "exchange")
    assert (e["home_school"], e["posting_until"]) == ("U", "2029")  # 2027 + 3 - 1
    assert "until the 2029 school year" in e["reason"]
    assert after["r16_new_postings"] == 1 and after["r16_new_postings_unwritten"] == 0
    assert comp.at["R16", "status"] == "met"


def test_reasons_in_chinese():
    sc = district([person("X", school_id="R", home_school="U", posting_until=2026)])
    a, comp, _ = plan(sc, lang="zh")
    assert "返回人事关系学校" in a.at["X", "reason"]
    assert "交流期满1名" in comp.at["R16", "detail"]


def test_the_validator_finds_a_teacher_kept_at_the_host_after_the_posting():
    from plans import staying_plan

    sc = district([person("X", school_id="R", home_school="U", posting_until=2026)])
    p = staying_plan(sc, {})
    bad = [v for v in check_plan(sc, p) if v.rule == "R16"]
    assert bad and bad[0].person_id == "X" and "not back at U" in bad[0].message
    sc2 = district([person("Y", school_id="R")])
    bad = [v for v in check_plan(sc2, staying_plan(sc2, {"Y": ("return", "U")})) if v.rule == "R16"]
    assert bad and bad[0].person_id == "Y" and "not the end of a posting" in bad[0].message
    exch = district([person("E", school_id="U", years_at_school=8)], exchange_share_max=1.0)
    p = staying_plan(exch, {"E": ("exchange", "R")})
    bad = [v for v in check_plan(exch, p) if v.rule == "R16"]
    assert bad and "posting_until = 2029" in bad[0].message


def test_posting_quota_at_home_counts_a_posted_teacher_at_the_home_school():
    # U may hold 2 teachers: Y, and X who belongs to U but serves at R until 2028. A new hire N of math would
    # fill U's math gap; where X counts decides whether U has a seat for N.
    def case(at):
        return build([U("U", is_township_seat=True, staff_quota=2), R("R", is_township_seat=True)],
                     [person("PU", role="principal", school_id="U"), person("PR", role="principal", school_id="R"),
                      person("Y", school_id="U"), person("X", school_id="R", home_school="U", posting_until=2028),
                      person("N", school_id="", contract_period=0, period_years=0, birth_date="2003-01-01")],
                     [("U", "math", 48), ("R", "math", 16)], check=False, exchange_share=0.0,
                     exchange_backbone_share=0.0, posting_quota_at=at)
    host, _, host_after = plan(case("host"))
    home, _, home_after = plan(case("home"))
    assert host.at["N", "to_school"] == "U"  # X counts at R: U has a free seat and a math gap
    assert home.at["N", "to_school"] == "R"  # X counts at U: U is full (Y and X)
    assert host_after["schools_above_staff_quota"] == home_after["schools_above_staff_quota"] == 0


def test_posting_quota_at_home_a_new_posting_keeps_its_home_seat():
    # U may hold 2 teachers: E (eligible, R11 asks for one posting) and Y. A new math hire N would fill U's math gap.
    # With host, E's posting to R frees U's seat for N. With home, E counts at U whether posted or not, so U
    # is full either way: N goes to R, and U is never above its quota.
    def case(at):
        return build([U("U", is_township_seat=True, staff_quota=2), R("R", is_township_seat=True)],
                     [person("PU", role="principal", school_id="U"), person("PR", role="principal", school_id="R"),
                      person("E", school_id="U", years_at_school=8), person("Y", school_id="U", years_at_school=1),
                      person("N", school_id="", contract_period=0, period_years=0, birth_date="2003-01-01")],
                     [("U", "math", 48), ("R", "math", 16)], check=False, exchange_share=1.0,
                     exchange_share_max=1.0, exchange_backbone_share=0.0, posting_quota_at=at,
                     weights={"r11_exchange": 100.0})
    host, _, _ = plan(case("host"))
    assert (host.at["E", "move"], host.at["N", "to_school"]) == ("exchange", "U")
    home, comp, after = plan(case("home"))  # plan() asserts that the validator finds no hard violation
    assert home.at["N", "to_school"] == "R"
    assert after["schools_above_staff_quota"] == 0 and comp.at["R8", "status"] == "met"


def test_r6_wins_over_the_return_of_a_public_funded_teacher_who_owes_rural_years():
    # P belongs to U, is public-funded with 4 of 6 rural years, and ends a posting at rural R: returning to town
    # would break R6, so R keeps P (transfer), as if P had ranked it first; Q has served the six years
    sc = district([person("P", school_id="R", home_school="U", posting_until=2026, public_funded=True,
                          rural_service_years=4.0),
                   person("Q", school_id="R", home_school="U", posting_until=2026, public_funded=True,
                          rural_service_years=6.0)])
    a, comp, after = plan(sc)
    assert (a.at["P", "to_school"], a.at["P", "move"], a.at["P", "home_school"]) == ("R", "transfer", "")
    assert "owes rural years (R6)" in a.at["P", "reason"]
    assert (a.at["Q", "to_school"], a.at["Q", "move"]) == ("U", "return")
    assert (after["r16_kept_by_host"], after["r16_returned"]) == (1, 1) and comp.at["R16", "status"] == "met"


def test_a_return_that_fills_the_home_school_makes_room_there():
    # U may hold 2 teachers and has Y and Z; X's posting at R ends and X returns to U: one of Y and Z must go
    sc = build([U("U", is_township_seat=True, staff_quota=2), R("R", is_township_seat=True)],
               [person("PU", role="principal", school_id="U"), person("PR", role="principal", school_id="R"),
                person("Y", school_id="U", years_at_school=2), person("Z", school_id="U", years_at_school=2),
                person("X", school_id="R", home_school="U", posting_until=2026)],
               [("U", "math", 32), ("R", "math", 32)], check=False, exchange_share=0.0,
               exchange_backbone_share=0.0)
    a, comp, after = plan(sc)
    assert (a.at["X", "to_school"], a.at["X", "move"]) == ("U", "return")
    # at least one makes room (both may go: R, left without X, needs two math teachers and counts double)
    assert "R" in set(a.loc[["Y", "Z"], "to_school"]) and (a.loc[["X", "Y", "Z"], "to_school"] == "U").sum() <= 2
    assert after["schools_above_staff_quota"] == 0 and comp.at["R8", "status"] == "met"
