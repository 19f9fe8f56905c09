"""`rotaplan plan --lock EDITED_PLAN`: hand edits that keep the rules are kept, edits that break a hard
rule are repaired, and no more other decisions change than the repair needs."""

from __future__ import annotations

from builders import build, person, school
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Plan
from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.optimizer.replan import replan
from rotaplan.validator import check_plan

FAST = SolveParams(time_limit=5, seed=0, workers=1)


def district():
    schools = [
        school("U1", area="urban", is_township_seat=True, staff_quota=4, lat=36.20, lon=117.60),
        school("U2", area="urban", staff_quota=4, lat=36.21, lon=117.61),
        school("R1", area="rural", staff_quota=4, lat=36.26, lon=117.66),
        school("R2", area="rural", staff_quota=4, lat=36.27, lon=117.67),
    ]
    staff = [
        person("PU1", role="principal", school_id="U1", terms_at_school=2, birth_date="1976-01-01"),
        person("PU2", role="principal", school_id="U2", terms_at_school=1, birth_date="1977-01-01"),
        person("PR1", role="principal", school_id="R1", terms_at_school=2, birth_date="1978-01-01"),
        person("PR2", role="principal", school_id="R2", terms_at_school=1, birth_date="1979-01-01"),
        person("T1", school_id="U1", subject="math"),
        person("T2", school_id="U2", subject="math"),
        person("T3", school_id="R1", subject="math"),
        person("T4", school_id="R2", subject="math"),
        person("T5", school_id="U2", subject="music", itinerant_ok=False),
        person("T6", school_id="R2", subject="math"),
    ]
    demand = [("U1", "math", 16), ("U2", "math", 16), ("R1", "math", 16), ("R2", "math", 32), ("U2", "music", 16),
              ("R1", "music", 0)]
    return build(schools, staff, demand, young_backbone_training_count=0)


def edited_plan(plan):
    """Three hand edits: T6 R2 -> R1 (legal: R1 teaches math and has room); T5 (music) -> U1, where no
    music is taught (breaks R8 subject fit); the due principal PU1 back to U1 with his successor sent to
    the post PU1 had. The optimizer swapped the two due principals PU1 and PR1, so undoing it breaks R1
    for both."""
    a = plan.assignments.copy()
    idx = a.set_index("person_id").index
    row = {pid: i for pid, i in zip(idx, a.index)}
    a.loc[row["T6"], ["to_school", "move"]] = ["R1", "transfer"]
    a.loc[row["T5"], ["to_school", "move"]] = ["U1", "transfer"]
    pu1_dest = a.loc[row["PU1"], "to_school"]
    successor = a[(a["to_school"] == "U1") & (a["role_after"] == "principal") & (a["person_id"] != "PU1")]
    a.loc[row["PU1"], ["to_school", "move"]] = ["U1", "stay"]
    for i in successor.index:
        a.loc[i, ["to_school", "move"]] = [pu1_dest, "rotate" if a.loc[i, "from_school"] != pu1_dest else "stay"]
    return Plan(a, plan.itinerant, plan.kpis, plan.compliance)


def test_replan_keeps_the_legal_edit_repairs_the_illegal_ones_and_changes_few_others():
    sc = district()
    original = plan_scenario(sc, FAST).plan
    assert not [v for v in check_plan(sc, original) if v.hard]
    edited = edited_plan(original)
    broken = {(v.rule, v.person_id) for v in check_plan(sc, edited) if v.hard}
    assert ("R1", "PU1") in broken and any(p == "T5" for _, p in broken)
    plan, result, report = replan(sc, edited, check_plan(sc, edited), original, FAST)
    a = plan.assignments.set_index("person_id")
    assert not [v for v in check_plan(sc, plan) if v.hard]
    assert a.at["T6", "to_school"] == "R1"  # the legal edit is kept
    assert a.at["T5", "to_school"] != "U1"  # repaired: no music at U1
    assert a.at["PU1", "to_school"] != "U1"  # repaired: R1
    assert report.kept == ["T6"]
    assert set(report.repaired) == {"PU1", "PR1", "T5"}
    assert report.changed == []  # nobody else needs to change
    assert any("1 edit(s) kept as office locks, 3 edit(s) that broke a hard rule repaired, 0 other people "
               "changed" in n for n in result.notes), result.notes
    assert "Nobody else changed." in result.notes
    assert "kept as an office lock" in a.at["T6", "reason"]
    assert "broke R8, a hard rule, and is repaired" in a.at["T5", "reason"]


def test_cli_plan_lock_on_an_edited_plan_folder(tmp_path):
    sc = district()
    original = plan_scenario(sc, FAST).plan
    sc.write(tmp_path / "sc")
    original.write(tmp_path / "orig")
    edited_plan(original).write(tmp_path / "edited")
    r = CliRunner().invoke(main, ["plan", str(tmp_path / "sc"), "--lock", str(tmp_path / "edited"), "--out",
                                  str(tmp_path / "fixed"), "--time-limit", "5", "--workers", "1",
                                  "--db", str(tmp_path / "runs.sqlite")])
    assert r.exit_code == 0, r.output
    # A plan folder written without meta.json records no original: no edit can be locked, every decision is
    # kept where the rules allow, and the output says so.
    assert "the edits cannot be told apart" in " ".join(r.output.split()), r.output
    assert "The validator found no hard-rule violation." in r.output


# ---- the teacher stage keeps a reference plan (minimal change) ------------------------------------
def exchange_district():
    """Four math schools with room; TX (8 years at U1) is exchange-eligible, TP finishes contract period 1 at
    rural R1 and must serve period 2 in the urban area (R5)."""
    schools = [school(s, area=area, staff_quota=4, lat=lat, lon=lon, is_township_seat=s == "U1")
               for s, area, lat, lon in (("U1", "urban", 36.20, 117.60), ("U2", "urban", 36.21, 117.61),
                                         ("R1", "rural", 36.26, 117.66), ("R2", "rural", 36.30, 117.70))]
    staff = [person(f"P{s}", role="principal", school_id=s, terms_at_school=1) for s in ("U1", "U2", "R1", "R2")]
    staff += [
        person("TX", school_id="U1", years_at_school=8),
        person("TU1", school_id="U1"),
        person("TU2", school_id="U2"),
        person("TR1", school_id="R1"),
        person("TR2", school_id="R2"),
        person("TP", school_id="R1", contract_period=1, period_years=3),
    ]
    demand = [(s, "math", 48) for s in ("U1", "U2", "R1", "R2")]
    # exchange_share_max 1: TX is the one eligible teacher (15% of 1 is 0); max_moves_share 1: 12 % of ten people
    # is a budget of one move, which TP's period-2 move (R5) takes
    return build(schools, staff, demand, young_backbone_training_count=0, exchange_share_max=1.0,
                 max_moves_share=1.0)


def reference_of(plan, **changes):
    ref = {p: (r, s) for p, r, s in zip(plan.assignments["person_id"], plan.assignments["role_after"],
                                        plan.assignments["to_school"])}
    for pid, school_id in changes.items():
        ref[pid] = ("teacher", school_id)
    return ref


def test_teacher_stage_follows_a_legal_reference_that_is_not_a_lock():
    sc = exchange_district()
    original = plan_scenario(sc, FAST).plan
    a0 = original.assignments.set_index("person_id")
    assert a0.at["TX", "move"] == "exchange"  # R11 moves the only eligible teacher
    other = next(s for s in ("R2", "R1", "U2") if s != a0.at["TX", "to_school"])
    result = plan_scenario(sc, FAST, reference=reference_of(original, TX=other))
    plan = result.plan
    a = plan.assignments.set_index("person_id")
    assert not [v for v in check_plan(sc, plan) if v.hard]
    assert a.at["TX", "to_school"] == other
    assert "as in the reference plan" in a.at["TX", "reason"].lower()
    assert result.stages["teachers"].kpis["teachers_changed_from_reference"] == 0
    assert (a["to_school"].drop("TX") == a0["to_school"].drop("TX")).all()


def test_teacher_reference_breaking_r5_is_repaired_and_nobody_else_changes():
    sc = exchange_district()
    original = plan_scenario(sc, FAST).plan
    a0 = original.assignments.set_index("person_id")
    assert a0.at["TP", "move"] == "bundle_second"
    result = plan_scenario(sc, FAST, reference=reference_of(original, TP="R1"))  # kept rural: breaks R5
    plan = result.plan
    a = plan.assignments.set_index("person_id")
    assert not [v for v in check_plan(sc, plan) if v.hard]
    assert a.at["TP", "to_school"] in ("U1", "U2")  # repaired: period 2 in the urban area
    assert "Differs from the reference plan (School R1 (R1))" in a.at["TP", "reason"] and "(R5)" in a.at["TP", "reason"]
    assert result.stages["teachers"].kpis["teachers_changed_from_reference"] == 1
    assert (a["to_school"].drop("TP") == a0["to_school"].drop("TP")).all()
    assert any("Reference plan: 1 of" in n and "TP" in n for n in result.notes)
