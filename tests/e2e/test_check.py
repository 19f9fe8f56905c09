"""`rotaplan check`: a plan.xlsx edited by hand (in Excel, LibreOffice or openpyxl) is checked against
every rule by the validator; each violation names the person, the rule and a fix; exit 1 on a broken
hard rule."""

from __future__ import annotations

import json
import os
import re
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from libreoffice import convert
from openpyxl import load_workbook

from rotaplan.cli import main
from rotaplan.models import Plan, Scenario
from rotaplan.models.provenance import plan_stamp, stamp
from rotaplan.models.workbook import write_plan_workbook
from rotaplan.optimizer import SolveParams, plan_scenario
from rotaplan.validator import check_plan


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """The built-in sample district, planned once (one worker, seed 0, short time limits) and written as
    a plan folder with plan.xlsx and meta.json. (Small generated districts are faster but their few leader
    posts per school level leave some R1 moves impossible, which the plan reports as relaxed.)"""
    root = tmp_path_factory.mktemp("check")
    sc = Scenario.read()
    plan = plan_scenario(sc, SolveParams(time_limit=3, seed=0, workers=1)).plan
    about = stamp(sc, None)  # builtin:laiwu and its fingerprint
    plan.write(root / "plan", extra_files={
        "plan.xlsx": lambda p: write_plan_workbook(plan, sc, p, about=about),
        "meta.json": lambda p: p.write_text(json.dumps({**about, **plan_stamp(plan)}))})
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

    r = CliRunner().invoke(main, ["check", str(xlsx)])  # the built-in sample district, from the About sheet
    assert r.exit_code == 1, r.output
    found = [re.match(r"- \[(\w+), (hard|target)\] ?(\S*?):? (.*)", ln) for ln in r.output.splitlines()]
    found = [m.groups() for m in found if m]
    hard = [(rule, pid) for rule, kind, pid, _ in found if kind == "hard"]
    assert sorted(hard) == sorted([("R1", leader), ("R8", teacher)]), r.output
    assert all("Fix:" in text for _, kind, _, text in found if kind == "hard")
    assert "2 hard-rule violation(s)" in r.output
    # Besides, only the lessons the teacher no longer teaches at home may show up (a coverage target).
    new = [(rule, pid) for rule, kind, pid, _ in found
           if kind == "target" and (rule, pid, False) not in keyed(before)]
    assert all(rule in ("coverage", "R7") for rule, _ in new), new


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
