"""The validator catches hand-broken plans for R11 (direction, eligibility, ceiling, rural teachers into town)
and R14 (certificate levels of placements and period-2 bundles), from its own arithmetic."""

import pytest
from builders import build, person, school
from plans import with_edits
from teacher_helpers import run_teachers

from rotaplan.models.figures import plan_figures
from rotaplan.validator import check_plan, figures


def _sc():
    return build(
        [school("U", area="urban", is_township_seat=True),
         school("UJ", area="urban", level="junior"),
         school("R", area="rural", township="T2", is_township_seat=True, lat=36.4, lon=117.8),
         school("RJ", area="rural", township="T2", level="junior", lat=36.4, lon=117.8)],
        [person(f"E{i}", school_id="U", years_at_school=8 + i, certificate="primary") for i in range(10)]
        + [person("OLD", school_id="U", years_at_school=20, birth_date="1970-01-01"),  # 57: exempt by age
           person("RB", school_id="R", years_at_school=9),
           person("RP", school_id="R", years_at_school=9, preferences="U"),
           person("N", school_id="", contract_period=0, period_years=0, certificate="primary")],
        [("U", "math", 160), ("UJ", "math", 16), ("R", "math", 48), ("RJ", "math", 16)], check=False,
        exchange_share=0.1, exchange_share_max=0.2, exchange_backbone_share=0)


@pytest.fixture(scope="module")
def good():
    sc = _sc()
    _, plan, _ = run_teachers(sc)
    return sc, plan


def _broken(good, edits):
    sc, plan = good
    return sc, with_edits(plan, edits)


def _hard(sc, plan):
    return {(v.rule, v.person_id) for v in check_plan(sc, plan) if v.hard and v.rule in ("R11", "R14")}


def test_the_optimizer_plan_is_clean(good):
    assert _hard(*good) == set()


def test_rural_to_urban_exchange_is_caught(good):
    sc, plan = _broken(good, {"RP": {"to_school": "UJ", "move": "exchange"}})
    assert ("R11", "RP") in _hard(sc, plan)  # marked exchange, rural -> urban (and UJ was not ranked)


def test_rural_teacher_moved_to_an_unranked_urban_school_is_caught_a_ranked_one_is_not(good):
    assert ("R11", "RB") in _hard(*_broken(good, {"RB": {"to_school": "U", "move": "transfer"}}))
    assert ("R11", "RP") not in _hard(*_broken(good, {"RP": {"to_school": "U", "move": "transfer"}}))


def test_exchanging_a_teacher_over_the_age_limit_is_caught(good):
    assert ("R11", "OLD") in _hard(*_broken(good, {"OLD": {"to_school": "R", "move": "exchange"}}))


def test_exchanges_above_the_ceiling_are_caught(good):
    sc, plan = _broken(good, {f"E{i}": {"to_school": "R", "move": "exchange"} for i in range(10)})
    assert ("R11", "") in _hard(sc, plan)  # 10 of 10 eligible, ceiling floor(20 %) = 2
    a = figures(sc, plan)["after"]
    assert (a["r11_exchanged"], a["r11_eligible"], a["r11_exchange_ceiling"]) == (10, 10, 2)


def test_placement_outside_the_certificate_is_caught_and_counted_alike(good):
    sc, plan = _broken(good, {"E0": {"to_school": "RJ", "move": "exchange"}})
    assert ("R14", "E0") in _hard(sc, plan)
    # the validator's count and the plan's figures (models/figures.py) give the same number
    assert figures(sc, plan)["after"]["r14_placed_uncovered"] == 1
    assert plan_figures(sc, plan.assignments)["after"]["r14_placed_uncovered"] == 1


def test_period2_bundle_outside_the_certificate_is_caught(good):
    sc, plan = good
    assert plan.assignments.set_index("person_id").at["N", "period2_school"] in ("U", "R")
    assert ("R14", "N") in _hard(*_broken(good, {"N": {"period2_school": "RJ" if plan.assignments.set_index(
        "person_id").at["N", "to_school"] == "U" else "UJ"}}))
