"""plan.xlsx as the office reads it: six sheets, frozen header, filters, widths, English or Chinese,
read back (also after LibreOffice saved it) into the same plan."""

from __future__ import annotations

import os
import shutil
import subprocess

import pandas as pd
import pytest
from builders import build, person, school
from openpyxl import load_workbook

from rotaplan.models import Plan
from rotaplan.models.workbook import ZH_SHEETS, moves_table, write_plan_workbook
from rotaplan.optimizer.pipeline import assemble
from rotaplan.optimizer.state import PlanState


def tiny_district():
    """Two urban and two rural schools in two townships, with one person of each kind of decision."""
    schools = [
        school("U1", name="城区一小", township="凤城街道", area="urban", level="primary", is_township_seat=True,
               lat=36.20, lon=117.60, staff_quota=3),
        school("U2", name="城区二中", township="凤城街道", area="urban", level="junior", lat=36.21, lon=117.63),
        school("R1", name="口镇中心小学", township="口镇", area="rural", level="primary", is_township_seat=True,
               mountainous=True, lat=36.30, lon=117.50),
        school("R2", name="口镇二小", township="口镇", area="rural", level="primary", lat=36.33, lon=117.45),
    ]
    staff = [
        person("L1", name="王校长", role="principal", school_id="U1", terms_at_school=2, birth_date="1980-03-01"),
        person("L2", name="李校长", role="principal", school_id="R1", terms_at_school=2, birth_date="1970-03-01"),
        person("V1", name="赵副校长", role="vice_principal", school_id="R2", birth_date="1965-03-01"),
        person("RS", name="孙后备", school_id="U2", reserve_leader=True, birth_date="1990-05-01", subject="math"),
        person("N1", name="周新", school_id="", subject="math", contract_period=0, period_years=0,
               birth_date="2000-01-01"),
        person("E1", name="吴交流", school_id="U1", subject="math", years_at_school=8, backbone="district"),
        person("I1", name="郑走教", school_id="R1", subject="music", years_at_school=2),
        person("S1", name="钱留任", school_id="U2", subject="chinese", years_at_school=3),
        person("P1", name="冯公费", school_id="R1", subject="math", public_funded=True, rural_service_years=2.0,
               preferences="U1"),
    ]
    demand = [("U1", "math", 16), ("U2", "math", 16), ("U2", "chinese", 16), ("R1", "math", 32),
              ("R1", "music", 12), ("R2", "math", 16), ("R2", "music", 4)]
    return build(schools, staff, demand)


def hand_plan(sc) -> Plan:
    """A plan written by hand (not by the optimizer), one decision of each kind."""
    st = PlanState(sc)
    st.set("L1", to_school="R1", move="rotate", rules="R1;R1x;R4", director_of="口镇",
           reason="Served 2 terms at 城区一小; rotates to the rural seat school and leads the school district.")
    st.set("L2", to_school="U1", move="rotate", rules="R1;R1x", reason="Served 2 terms; rotates to an urban school.")
    st.set("V1", to_school="", role_after="retired", move="retire", rules="R12", reason="Reaches retirement age.")
    st.set("RS", to_school="R2", role_after="vice_principal", move="promote", rules="R2;R3",
           reason="Urban reserve leader fills the vacant rural vice-principal post.")
    st.set("N1", to_school="R2", move="place_new", period2_school="U2", rules="R5", home_lessons=16,
           reason="New hire: period 1 at 口镇二小, bundled with 城区二中 for period 2.")
    st.set("E1", to_school="R1", move="exchange", rules="R11", home_lessons=16,
           reason="Eight years at one school: exchanged to a rural school.")
    st.set("I1", home_lessons=12, rules="R7", reason="Stays and teaches music at 口镇二小 on Tuesdays.")
    st.set("S1", home_lessons=16, reason="Stays: no rule requires a move.")
    st.set("P1", home_lessons=16, rules="R6", reason="Public-funded with 2 of 6 rural years: stays rural.")
    st.itinerant = pd.DataFrame([{"person_id": "I1", "day": 2, "seq": 1, "school_id": "R2", "subject": "music",
                                  "lessons": 4, "travel_minutes": 11.5}])
    st.solver["leaders"] = {"status": "OPTIMAL", "objective": 420.0, "bound": 420.0, "gap": 0.0, "solve_seconds": 0.02}
    st.solver["teachers"] = {"status": "FEASIBLE", "objective": 97.5, "bound": 99.0, "gap": 0.015, "solve_seconds": 1.5}
    for rule in ("R1", "R4", "R5"):
        st.comply(rule, "met", "by hand")
    st.comply("R3", "not_met", "one young rural leader of three")
    return assemble(sc, st)


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


# Skipped where LibreOffice is absent, but never in CI (.ci/run installs it and sets ROTAPLAN_CI).
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("ROTAPLAN_CI"),
                                       reason="LibreOffice is installed by .ci/run")


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


def convert(xlsx, outdir, profile, to="csv"):
    """LibreOffice headless: every sheet of each workbook `xlsx` (a path or a list) to CSV (UTF-8, one file
    per sheet: STEM-SHEET.csv), or each workbook re-saved as xlsx."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
    filt = ('csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' if to == "csv"
            else "xlsx:Calc MS Excel 2007 XML")
    p = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", filt, *map(str, xlsx if isinstance(xlsx, list) else [xlsx]),
                        "--outdir", str(outdir)],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    return outdir
