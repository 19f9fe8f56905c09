"""plan.xlsx as the office reads it: six sheets, frozen header, filters, widths, English or Chinese,
read back (also after LibreOffice saved it) into the same plan."""

from __future__ import annotations

import pandas as pd
from libreoffice import convert, needs_libreoffice
from openpyxl import load_workbook
from plans import hand_plan, tiny_district

from rotaplan.models import Plan
from rotaplan.models.workbook import ZH_SHEETS, moves_table, write_plan_workbook


def test_sheets_frozen_filtered_and_sized(tmp_path):
    sc = tiny_district()
    write_plan_workbook(hand_plan(sc), sc, tmp_path / "plan.xlsx")
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames == ["Moves", "Assignments", "Itinerant", "KPIs", "Compliance", "Unfilled", "About"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
    # Moves: only people who move (retirees and stayers are not moves), with school names and areas.
    moves = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Moves", dtype=str, keep_default_na=False)
    assert sorted(moves["person_id"]) == ["E1", "L1", "L2", "N1", "RS"]
    l1 = moves.set_index("person_id").loc["L1"]
    assert (l1["from_school_name"], l1["from_area"], l1["to_school_name"], l1["to_area"]) == \
        ("城区一小", "urban", "口镇中心小学", "rural")
    assert l1["rules"] == "R1;R1x;R4" and "rotates" in l1["reason"]
    assert len(pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Assignments")) == len(sc.staff)
    it = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Itinerant")
    assert list(it["school_name"]) == ["口镇二小"]
    kpis = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="KPIs", keep_default_na=False).set_index("figure")
    assert kpis.at["moves", "after"] == 5 and kpis.at["degree_ratio_urban_rural", "rule"] == "R10"
    # Unfilled: U2 and R2 have no principal; R2's vice-principal post (V1 retired) went to RS.
    un = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Unfilled", keep_default_na=False)
    posts = set(zip(un["kind"], un["school_id"]))
    assert ("principal post", "U2") in posts and ("principal post", "R2") in posts
    assert ("vice_principal post", "R2") not in posts  # RS was promoted into it
    lessons = un[un["kind"] == "lessons"].set_index(["school_id", "what"])["amount"]
    # E1 left U1's math and RS left U2's math; R2's music is covered by I1's itinerant stop.
    assert lessons.to_dict() == {("U1", "math"): 16, ("U2", "math"): 16}


def test_chinese_workbook_reads_back_to_the_same_plan(tmp_path):
    sc = tiny_district()
    plan = hand_plan(sc)
    write_plan_workbook(plan, sc, tmp_path / "plan.xlsx", lang="zh")
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames == list(ZH_SHEETS.values())
    header = [c.value for c in wb["调动"][1]]
    assert header[:4] == ["工号", "姓名", "学科", "原岗位"] and "理由" in header and "依据规则" in header
    moves = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="调动", dtype=str, keep_default_na=False)
    assert set(moves["变动类型"]) == {"轮岗", "提拔", "新聘", "交流"}
    assert set(moves["新城乡类别"]) == {"城区", "乡村"}
    back = Plan.read(tmp_path / "plan.xlsx")
    cols = ["person_id", "role_before", "role_after", "from_school", "to_school", "move", "period2_school",
            "director_of", "home_lessons", "rules", "reason"]
    assert back.assignments[cols].reset_index(drop=True).equals(plan.assignments[cols].astype(
        {"home_lessons": int}).reset_index(drop=True))
    assert back.itinerant[["person_id", "day", "school_id", "lessons"]].values.tolist() == [["I1", 2, "R2", 4]]
    assert back.compliance.set_index("rule").at["R3", "status"] == "not_met"
    assert back.kpis["after"]["moves"] == 5


def test_moves_table_counts_promotion_at_own_school(tmp_path):
    sc = tiny_district()
    plan = hand_plan(sc)
    a = plan.assignments.set_index("person_id")
    a.loc["S1", ["role_after", "move"]] = ["vice_principal", "promote"]
    plan.assignments = a.reset_index()
    assert "S1" in set(moves_table(plan, sc)["person_id"])


@needs_libreoffice
def test_libreoffice_opens_plan_xlsx_and_reads_every_sheet(tmp_path):
    sc = tiny_district()
    for lang in ("en", "zh"):
        write_plan_workbook(hand_plan(sc), sc, tmp_path / f"plan-{lang}.xlsx", lang=lang)
    csv = convert([tmp_path / "plan-en.xlsx", tmp_path / "plan-zh.xlsx"], tmp_path / "csv", tmp_path / "lo-profile")
    for lang, names, sheet, name in (("en", ZH_SHEETS, "Assignments", "name"),
                                     ("zh", ZH_SHEETS.values(), "全部人员", "姓名")):
        assert sorted(p.name for p in csv.glob(f"plan-{lang}-*.csv")) == sorted(f"plan-{lang}-{n}.csv" for n in names)
        a = pd.read_csv(csv / f"plan-{lang}-{sheet}.csv", dtype=str, keep_default_na=False)
        assert len(a) == len(sc.staff) and "王校长" in set(a[name])
