"""`rotaplan check`: a plan.xlsx edited by hand (in Excel, LibreOffice or openpyxl) is checked against
every rule by the validator; each violation names the person, the rule and a fix; exit 1 on a broken
hard rule."""

from __future__ import annotations

import json
import os
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_workbook import convert

from rotaplan.cli import main
from rotaplan.models import Plan, Scenario
from rotaplan.models.workbook import write_plan_workbook
from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.scenarios.generate import generate
from rotaplan.validator import check_plan


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A small generated district, planned once (deterministic: one worker, seed 0), written to disk
    as a scenario folder and a plan folder with plan.xlsx and meta.json."""
    root = tmp_path_factory.mktemp("check")
    d = generate(staff=800, seed=0)
    sc = Scenario.from_frames({k: v for k, v in d.items() if k != "policy"}, policy=d["policy"], check=False)
    sc.write(root / "scenario")
    sc = Scenario.read(root / "scenario")
    plan, _ = plan_scenario(sc, SolveParams(time_limit=5, seed=0, workers=1))
    plan.write(root / "plan", extra_files={
        "plan.xlsx": lambda p: write_plan_workbook(plan, sc, p),
        "meta.json": lambda p: p.write_text(json.dumps({"scenario": str(root / "scenario")}))})
    return sc, plan, root, check_plan(sc, plan)


def keyed(violations) -> set:
    return {(v.rule, v.person_id, v.hard) for v in violations}


def pick_edits(sc, plan):
    """A teacher to send to a school without demand for their subject, and a due leader to send back to
    their own school, chosen so the edit breaks nothing else: the teacher stays in their area and kind of
    school (R9/R10 unchanged), is not itinerant and bound by no R5/R6/R11 rule."""
    a = plan.assignments.set_index("person_id", drop=False)
    st = sc.staff.set_index("person_id")
    sch = sc.schools.set_index("school_id")
    pol = sc.policy
    demand = set(zip(sc.demand["school_id"], sc.demand["subject"]))
    after = a[(a["role_after"] == "teacher")].groupby("to_school").size()
    itinerant = set(plan.itinerant["person_id"])
    compulsory = sch["level"].isin(["primary", "junior", "nine_year"])
    teacher = target = None
    cand = a[(a["move"] == "stay") & (a["role_after"] == "teacher") & ~a["person_id"].isin(itinerant)]
    s = st.loc[cand.index]
    cand = cand[~s["public_funded"] & ~s["reserve_leader"] & (s["contract_period"] != 1) & (s["subject"] != "")
                & (s["years_at_school"] < pol.exchange_after_years) & (s["backbone"] == "none")]
    # Every lesson a teacher teaches is needed where they are; the one with the fewest home lessons leaves
    # the fewest uncovered (a coverage target, not a hard rule).
    for pid in cand.sort_values("home_lessons", kind="stable").index:
        home, subject = a.at[pid, "to_school"], st.at[pid, "subject"]
        for sid, x in sch.iterrows():
            quota = pd.to_numeric(x["staff_quota"], errors="coerce")
            if (sid != home and (sid, subject) not in demand and x["area"] == sch.at[home, "area"]
                    and compulsory[sid] == compulsory[home] and x["level"] != "kindergarten"
                    and (pd.isna(quota) or after.get(sid, 0) < quota)):
                teacher, target = pid, sid
                break
        if teacher:
            break
    # The leader: rotated within their area and no district director, so that R1x, R3 and R4 stay as they
    # are. If their old post went to someone else (B), B takes the post the leader leaves free instead;
    # otherwise their old school would hold one leader too many (R8) besides the broken R1.
    leader = swap = None
    for pid, r in a[a["move"] == "rotate"].iterrows():
        role, own, went = r["role_before"], r["from_school"], r["to_school"]
        if (st.at[pid, "terms_at_school"] < pol.rotation_terms or r["role_after"] != role or r["director_of"]
                or sch.at[own, "area"] != sch.at[went, "area"]):
            continue
        col = "principal_posts" if role == "principal" else "vice_principal_posts"
        took = a[(a["to_school"] == own) & (a["role_after"] == role)]
        if len(took) < int(sch.at[own, col]):
            leader, swap = pid, None
            break
        took = took[(took["from_school"] != own) & (took["from_school"] != went) & (took["director_of"] == "")]
        if len(took):
            leader, swap = pid, took.index[0]
            break
    assert teacher and leader, f"no suitable teacher ({teacher}) or leader ({leader}) to edit"
    return teacher, target, leader, swap


def edit_xlsx(path, changes: dict) -> None:
    """Edit cells of the Assignments sheet as a user would: {person_id: {column: value}}."""
    wb = load_workbook(path)
    ws = wb["Assignments"]
    col = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        pid = row[col["person_id"] - 1].value
        for k, v in changes.get(pid, {}).items():
            ws.cell(row=row[0].row, column=col[k], value=v)
    wb.save(path)


def test_check_reports_exactly_the_two_hand_edits_and_exits_1(planned, tmp_path):
    sc, plan, root, before = planned
    assert not [v for v in before if v.hard], [str(v) for v in before if v.hard]
    teacher, target, leader, swap = pick_edits(sc, plan)
    xlsx = tmp_path / "plan.xlsx"
    shutil.copy(root / "plan" / "plan.xlsx", xlsx)
    a = plan.assignments.set_index("person_id")
    edits = {teacher: {"to_school": target, "move": "transfer", "home_lessons": 0},
             leader: {"to_school": a.at[leader, "from_school"], "move": "stay"}}
    if swap:
        edits[swap] = {"to_school": a.at[leader, "to_school"]}
    edit_xlsx(xlsx, edits)

    after = check_plan(sc, Plan.read(xlsx))
    hard = [v for v in after if v.hard]
    assert sorted((v.rule, v.person_id) for v in hard) == sorted([("R1", leader), ("R8", teacher)]), \
        [str(v) for v in hard]
    assert all(v.fix for v in hard)
    # Besides, only the lessons the teacher no longer teaches at home may show up (a coverage target).
    new = [v for v in after if not v.hard and (v.rule, v.person_id, v.hard) not in keyed(before)]
    assert all(v.rule in ("coverage", "R7") for v in new), [str(v) for v in new]

    r = CliRunner().invoke(main, ["check", str(xlsx), str(root / "scenario")])
    assert r.exit_code == 1, r.output
    lines = [ln for ln in r.output.splitlines() if ", hard]" in ln]
    assert len(lines) == 2 and any(leader in ln and "[R1," in ln for ln in lines) \
        and any(teacher in ln and "[R8," in ln for ln in lines), r.output
    assert "Fix:" in lines[0] and "2 hard-rule violation(s)" in r.output


def test_unedited_plan_passes_check_in_folder_and_after_libreoffice_resaves_it(planned, tmp_path):
    sc, plan, root, before = planned
    r = CliRunner().invoke(main, ["check", str(root / "plan")])  # the scenario from meta.json
    assert r.exit_code == 0, r.output
    assert "0 hard-rule violation(s)" in r.output
    if shutil.which("soffice") is None and not os.environ.get("ROTAPLAN_CI"):
        pytest.skip("LibreOffice is installed by .ci/run")
    zh = tmp_path / "zh"
    zh.mkdir()
    write_plan_workbook(plan, sc, zh / "plan.xlsx", lang="zh")
    convert(zh / "plan.xlsx", tmp_path / "resaved", tmp_path / "lo-profile", to="xlsx")
    back = Plan.read(tmp_path / "resaved" / "plan.xlsx")
    assert len(back.assignments) == len(plan.assignments)
    assert keyed(check_plan(sc, back)) == keyed(before)
