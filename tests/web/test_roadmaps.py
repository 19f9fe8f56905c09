"""Roadmaps in the web application (runs/roadmap.py run in a worker): started by a clerk from an uploaded
scenario with a hiring plan, read year by year and compared by everyone, refused to a viewer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webclient import csrf_of, finished, log_in, make_users, wait_job

from rotaplan.web.app import create_app
from rotaplan.web.jobs import ROADMAP_STEPS

HIRING = b"hires:\n  - {subject: math, count: 3, degree: bachelor, certificate: junior}\n"


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "runs.sqlite"
    make_users(path)
    return path


@pytest.fixture()
def plan_year(workbook) -> int:
    from rotaplan.models import Scenario

    return int(Scenario.read(workbook).policy.plan_year)


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)]
            for tr in body.split("<tr>")[2:]]


def _start(c: TestClient, csrf: str, until: int, hiring: bytes | None = None, label: str = ""):
    files = {"hiring": ("hiring.yaml", hiring)} if hiring is not None else None
    return c.post("/roadmaps", data={"csrf": csrf, "upload_id": "1", "until": str(until), "time_limit": "3",
                                     "label": label}, files=files, follow_redirects=False)


def test_a_clerk_starts_a_roadmap_everyone_reads_it_year_by_year_and_compares_two(db, workbook, plan_year):
    with TestClient(create_app(db, workers=2, plan_workers=1)) as c:
        csrf = log_in(c, "cleo")
        c.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
        assert 'id="roadmap-form"' in c.get("/roadmaps").text
        r = _start(c, csrf, plan_year + 1, HIRING, "三名数学")
        assert r.status_code == 303 and r.headers["location"] == "/roadmaps/1"
        r2 = _start(c, csrf, plan_year, None, "不招聘")  # a second roadmap, one year, to compare with
        second = int(r2.headers["location"].rsplit("/", 1)[1])
        st = c.app.state.store
        job = wait_job(st, 1, finished)
        assert job["status"] == "done", job["error"]
        assert wait_job(st, second, finished)["status"] == "done"
        assert job["stage_total"] == 2 * len(ROADMAP_STEPS)  # progress counted over both years
        progress = c.get("/roadmaps/1/progress").text
        assert f"{plan_year}年" in progress and f"{plan_year + 1}年" in progress and "完成" in progress

        page = c.get("/roadmaps/1").text
        data = json.loads((Path(job["plan_dir"]) / "roadmap.json").read_text(encoding="utf-8"))
        assert data["verdict"] in page  # runs/roadmap.py's sentence: the first year both are met, or why not
        first = page.split('id="rm-first"')[1].split("</ul>")[0]
        for rule in ("R10", "R3"):
            year = data["first"][rule]
            assert (f"{rule}：{year}年首次达到" if year else f"{rule}：到{plan_year + 1}年仍未达到") in first
        rows = _cells(page, "rm-table")
        assert [r[0] for r in rows] == [str(plan_year), str(plan_year + 1)]
        assert [r[1] for r in rows] == ["已编制", "已编制"]  # both years planned within the hard rules
        links = re.findall(r'class="year-plan" href="/runs/(\d+)"', page)
        assert len(links) == 2
        # each year's figure is the one of that year's own plan (kpis.json)
        head = re.findall(r"<th>(.*?)</th>", page.split('id="rm-table"')[1].split("</tr>")[0])
        col = next(i for i, h in enumerate(head) if h.startswith("R10 "))
        for row, link in zip(rows, links):
            year_job = st.job(int(link))
            assert year_job["roadmap_job"] == 1 and year_job["year"] == int(row[0])
            kpis = json.loads((Path(year_job["plan_dir"]) / "kpis.json").read_text(encoding="utf-8"))
            assert row[col] == f"{kpis['after']['degree_ratio_urban_rural']:.4g}"
        year2 = c.get(f"/runs/{links[1]}").text  # the yearly plan opens as any plan does
        assert 'id="kpis"' in year2 and 'href="/roadmaps/1"' in year2
        hired = c.get(f"/runs/{links[1]}/people", params={"q": f"H{plan_year + 1}-"}).text
        assert "共3人" in hired  # the hiring plan's three teachers joined in the second year
        c.cookies.set("rotaplan_lang", "en")  # the same sentence in English, from the same figures
        english = c.get("/roadmaps/1").text.split('id="verdict">')[1].split("<")[0]
        assert ("met first in" in english or "are not both met by" in english) and "R10" in english
        assert english.replace("&#39;", "'") != data["verdict"]
        c.cookies.set("rotaplan_lang", "zh")
        chart = c.get("/roadmaps/1/chart").text
        assert "<svg" in chart and data["verdict"] in chart  # reports/roadmap.py's page
        assert c.get("/roadmaps/1/roadmap.html").headers["content-disposition"].startswith("attachment")
        runs = st.all("SELECT run_id, sweep FROM runs WHERE sweep LIKE 'roadmap:%' ORDER BY run_id")
        assert len(runs) == 3 and {st.job(int(x))["run_id"] for x in links} <= {r["run_id"] for r in runs}
        c.post("/logout", data={"csrf": csrf})

        csrf = log_in(c, "vic")  # a viewer reads and compares, but may not start one
        assert 'id="roadmap-form"' not in c.get("/roadmaps").text
        assert _start(c, csrf, plan_year + 1).status_code == 403
        assert data["verdict"] in c.get("/roadmaps/1").text
        cmp = c.get(f"/roadmaps/compare?rm=1&rm={second}").text
        assert "路线图 1 三名数学" in cmp and f"路线图 {second} 不招聘" in cmp
        assert data["verdict"] in cmp.split('id="rm-verdicts"')[1].split("</ul>")[0]
        first_year = [r for r in _cells(cmp, "rm-cmp-table") if r[0] == str(plan_year)]
        assert first_year and all(len(r) == 4 for r in first_year)
        assert [r for r in _cells(cmp, "rm-cmp-table") if r[0] == str(plan_year + 1)][0][3] == "-"
        assert "<svg" in c.get(f"/roadmaps/compare/chart?rm=1&rm={second}").text
        assert "请至少选择两个" in c.get("/roadmaps/compare?rm=1").text
        for path in ("/roadmaps", "/roadmaps/1", "/roadmaps/1/chart", f"/roadmaps/compare?rm=1&rm={second}",
                     f"/roadmaps/compare/chart?rm=1&rm={second}"):  # nothing loaded from another host
            assert not re.findall(r"(?:src|href)=\"https?://", c.get(path).text), path
        audit = st.all("SELECT user, action, object FROM web_audit")
        assert [a["object"] for a in audit if a["action"] == "roadmap"] == ["roadmap 1", f"roadmap {second}"]
        assert any(a["action"] == "download" and a["object"] == "roadmap 1" for a in audit)
        assert st.all("SELECT * FROM web_jobs WHERE kind = 'roadmap'")[0]["user"] == "cleo"


def test_the_roadmap_form_refuses_a_wrong_year_and_a_wrong_hiring_plan(db, workbook, plan_year):
    with TestClient(create_app(db, workers=1, plan_workers=1)) as c:
        csrf = log_in(c, "cleo")
        c.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
        for until in (str(plan_year - 1), "2099", "next year"):
            r = c.post("/roadmaps", data={"csrf": csrf, "upload_id": "1", "until": until})
            assert r.status_code == 400 and f"{plan_year}至" in r.text, until
        r = _start(c, csrf, plan_year + 1, b"hires:\n  - {subject: math, count: 3}\nhiers: []\n")
        assert r.status_code == 400 and "hiers" in r.text and "unknown key" in r.text
        assert "runs-web" not in r.text  # the server's folders are not shown
        r = _start(c, csrf, plan_year + 1, b"sheet: named.csv\n")  # named people lie beside the file: not here
        assert r.status_code == 400 and "named.csv" in r.text and "runs-web" not in r.text
        r = _start(c, csrf, plan_year + 1, b"x" * (300 * 1024))
        assert r.status_code == 413 and "KB" in r.text
        assert c.app.state.store.all("SELECT * FROM web_jobs") == []
        assert "roadmap" not in {a["action"] for a in c.app.state.store.all("SELECT action FROM web_audit")}
        assert csrf_of(c.get("/roadmaps").text) == csrf
