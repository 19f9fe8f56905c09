"""The person page shows contract v2's facts of the plan (period-2 school, posting, dormitory bed, spouse's
school) and the itinerant week as a table, each as the plan's files hold it."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from webclient import finished, log_in, make_users, wait_job

from rotaplan.web.app import create_app


@pytest.fixture(scope="module")
def near_workbook(tmp_path_factory):
    """The 500-staff district with a 10-minute commute limit, so some arrivals at rural schools need a
    dormitory bed (R17)."""
    from rotaplan.models import Scenario
    from rotaplan.scenarios.generate import generate

    frames = generate(staff=500, seed=3)
    sc = Scenario.from_frames({k: v for k, v in frames.items() if k != "policy"},
                              policy={**frames["policy"], "commute_minutes_max": 10}, name="near")
    path = tmp_path_factory.mktemp("near") / "near.xlsx"
    sc.write(path)
    return path


def _facts(html: str) -> dict[str, str]:
    body = html.split('id="facts-table"')[1].split("</table>")[0] if 'id="facts-table"' in html else ""
    return {k: re.sub(r"<[^>]+>", "", v) for k, v in re.findall(r'<td class="fact-(\w+)">(.*?)</td>', body)}


def test_the_person_page_shows_the_v2_facts_and_the_itinerant_week_as_a_table(tmp_path, near_workbook):
    from rotaplan.models.figures import people
    from rotaplan.web.views import PlanCache

    db = tmp_path / "runs.sqlite"
    make_users(db)
    with TestClient(create_app(db, workers=1, plan_workers=1)) as c:
        csrf = log_in(c, "cleo")
        c.post("/uploads", data={"csrf": csrf}, files={"file": ("near.xlsx", near_workbook.read_bytes())})
        r = c.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": "3"}, follow_redirects=False)
        job = wait_job(c.app.state.store, int(r.headers["location"].rsplit("/", 1)[1]), finished)
        assert job["status"] == "done", job["error"]
        folder = job["plan_dir"]
        a = pd.read_csv(f"{folder}/assignments.csv", dtype=str, keep_default_na=False).set_index("person_id")

        def page(pid: str) -> str:
            r = c.get(f"/runs/{job['job_id']}/people/{pid}")
            assert r.status_code == 200
            return r.text

        p2 = a[a["period2_school"] != ""].index[0]
        assert f"（{a.at[p2, 'period2_school']}）" in _facts(page(p2))["period2"]
        posted = a[a["home_school"] != ""].index[0]
        facts = _facts(page(posted))
        assert f"（{a.at[posted, 'home_school']}）" in facts["home"]
        assert facts["until"] == a.at[posted, "posting_until"].removesuffix(".0")
        op = PlanCache().get(folder)
        staff = op.scenario.staff.set_index("person_id")
        couple = next(p for p in staff.index if staff.at[p, "spouse_id"] and staff.at[p, "spouse_id"] in a.index)
        spouse = staff.at[couple, "spouse_id"]
        shown = _facts(page(couple))["spouse"]
        assert spouse in shown and f"（{a.at[spouse, 'to_school']}）" in shown
        far = people(op.scenario, op.plan.assignments)
        far = far[far["r17_far_arrival"].astype(bool)]
        assert len(far), "the 10-minute commute limit gives far arrivals"
        pid = far.index[0] if far.index.name == "person_id" else far["person_id"].iloc[0]
        school = a.at[pid, "to_school"]
        beds = op.scenario.schools.set_index("school_id").at[school, "dorm_beds"]
        assert _facts(page(pid))["bed"] == f"{op.school(school, 'zh')}的床位（该校共{int(beds)}张）"
        plain = a[(a["period2_school"] == "") & (a["home_school"] == "")].index
        assert not any(k in _facts(page(p)) for p in plain[:1] for k in ("period2", "home", "until"))

        it = op.plan.itinerant
        teacher = str(it["person_id"].iloc[0])
        html = page(teacher)
        table = html.split('id="week-table"')[1].split("</table>")[0]
        stops = re.findall(r'<tr class="week-stop">(.*?)</tr>', table, flags=re.S)
        mine = it[it["person_id"].astype(str) == teacher]
        assert len(stops) == len(mine)
        assert len(re.findall(r'<tr class="week-back">', table)) == mine["day"].nunique()
        total = int(pd.to_numeric(mine["lessons"]).sum())
        assert f"走教{total}节，共{mine['day'].nunique()}天" in html.split('id="week-total"')[1]
