"""Reading a plan as the office leaves it: fingerprints that ignore row order and added columns, the move
kind derived from the data (models.plan.derive_moves), Chinese workbooks read back."""

from __future__ import annotations

import dataclasses

import pandas as pd
from openpyxl import load_workbook
from plans import hand_plan, tiny_district

from rotaplan.models import Plan
from rotaplan.models.plan import derive_moves
from rotaplan.models.provenance import placement_fingerprint, plan_fingerprint, stamp
from rotaplan.models.workbook import about_from_sheet, write_plan_workbook
from rotaplan.optimizer import SolveParams, plan_scenario


def test_plan_fingerprint_ignores_row_order_and_added_columns_but_not_a_school():
    sc = tiny_district()
    plan = hand_plan(sc)
    shuffled = Plan(plan.assignments.sample(frac=1, random_state=1).assign(note="checked"), plan.itinerant)
    assert plan_fingerprint(shuffled) == plan_fingerprint(plan)
    assert placement_fingerprint(shuffled) == placement_fingerprint(plan)
    moved = plan.assignments.copy()
    moved.loc[moved["person_id"] == "S1", "to_school"] = "U1"
    assert plan_fingerprint(Plan(moved, plan.itinerant)) != plan_fingerprint(plan)
    lessons = plan.assignments.copy()
    lessons.loc[lessons["person_id"] == "S1", "home_lessons"] = 8
    assert plan_fingerprint(Plan(lessons, plan.itinerant)) != plan_fingerprint(plan)
    assert placement_fingerprint(Plan(lessons, plan.itinerant)) == placement_fingerprint(plan)


def test_chinese_workbook_sorted_with_a_column_added_reads_back_to_the_same_decisions(tmp_path):
    sc = tiny_district()
    plan = hand_plan(sc)
    write_plan_workbook(plan, sc, tmp_path / "plan.xlsx", lang="zh", about=stamp(sc, None))
    wb = load_workbook(tmp_path / "plan.xlsx")
    ws = wb["全部人员"]
    rows = sorted(([c.value for c in r] for r in ws.iter_rows(min_row=2)), key=lambda r: str(r[0]), reverse=True)
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(r, start=1):
            ws.cell(row=i, column=j).value = v
    ws.cell(row=1, column=ws.max_column + 1).value = "备注"
    wb.save(tmp_path / "plan.xlsx")
    back = Plan.read(tmp_path / "plan.xlsx")
    assert plan_fingerprint(back) == plan_fingerprint(plan)
    assert "备注" in back.assignments.columns
    about = about_from_sheet(back.side_sheets["About"])
    assert about["scenario"] == "builtin:laiwu" and about["plan_fingerprint"] == plan_fingerprint(plan)
    assert back.side_sheets["sheet_names"]["Moves"] == "调动"


def test_move_kinds_derived_from_the_data_are_the_optimizers_own():
    sc = tiny_district()
    hand = hand_plan(sc)
    assert derive_moves(hand.assignments, sc).tolist() == hand.assignments["move"].tolist()
    # E1 is the one eligible teacher: R11's ceiling (15 % of 1 = 0) would forbid posting them, so it is raised;
    # E1 is the one urban district+ backbone teacher, whom R15 keeps in town unless it is lifted
    sc = dataclasses.replace(sc, policy=sc.policy.with_overrides({"exchange_share_max": 1.0,
                                                                  "max_urban_share_drop": 1.0}))
    plan = plan_scenario(sc, SolveParams(time_limit=5, seed=0, workers=1)).plan
    assert derive_moves(plan.assignments, sc).tolist() == plan.assignments["move"].tolist()
    assert {"rotate", "exchange", "place_new", "retire", "promote"} <= set(plan.assignments["move"])


def test_a_clerks_move_cell_is_not_trusted():
    sc = tiny_district()
    a = hand_plan(sc).assignments.set_index("person_id")
    a.loc["S1", "to_school"] = "U1"  # moved by hand, move left as 'stay'
    a.loc["E1", ["to_school", "move"]] = ["R2", "transfer"]  # eligible for exchange (8 years): an exchange
    a.loc["L1", ["to_school", "move"]] = ["R2", "stay"]  # due under R1, moved: a rotation
    a.loc["N1", "move"] = "transfer"  # a new hire is placed, whatever the cell says
    a.loc["I1", "move"] = "退休"  # stays at the same school in the same role
    got = pd.Series(derive_moves(a.reset_index(), sc).to_numpy(), index=a.index)
    assert got[["S1", "E1", "L1", "N1", "I1", "V1", "RS"]].tolist() == [
        "transfer", "exchange", "rotate", "place_new", "stay", "retire", "promote"]
