"""The web application at the HTTP level (FastAPI's TestClient): sessions, CSRF, roles, uploads, jobs."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webclient import PASSWORDS, csrf_of, log_in, make_users

from rotaplan.web.app import create_app
from rotaplan.web.store import WebStore
from rotaplan.web.uploads import Limits

SMALL = Limits(upload_bytes=2 * 2**20, unpacked_bytes=8 * 2**20, members=50, rows=20_000)


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "runs.sqlite"
    make_users(path)
    return path


@pytest.fixture()
def client(db):
    with TestClient(create_app(db, limits=SMALL, workers=1, plan_workers=1)) as c:
        yield c


def _post_routes(app) -> list[str]:
    out = []
    for r in app.routes:
        if "POST" in getattr(r, "methods", set()) and r.path != "/login":
            out.append(re.sub(r"\{\w+_id\}", "1", r.path.replace("{person_id}", "P000001")))
    return out


def test_every_state_changing_request_needs_a_session_and_the_csrf_token(client):
    posts = _post_routes(client.app)
    assert {"/uploads", "/policy", "/runs", "/logout", "/admin/users", "/runs/1/people/P000001/lock"} <= set(posts)
    for path in posts:  # no session: 401
        assert client.post(path, data={"csrf": "x"}).status_code == 401, path
    log_in(client, "ada")  # an admin may do everything, but not without the token
    for path in posts:
        assert client.post(path, data={}).status_code == 403, path
        assert client.post(path, data={"csrf": "forged"}).status_code == 403, path
        assert client.post(path, data={}, headers={"X-CSRF-Token": "forged"}).status_code == 403, path
    csrf = csrf_of(client.get("/uploads").text)  # the token in the header, as HTMX sends it, is accepted
    assert client.post("/logout", headers={"X-CSRF-Token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/uploads", follow_redirects=False).status_code == 303  # logged out: to the login page
    # the login form has its own token (a cookie and the form's field must match)
    client.cookies.clear()
    assert client.post("/login", data={"name": "ada", "password": PASSWORDS["ada"]}).status_code == 403


def test_a_viewer_may_read_but_not_run_upload_or_edit(client, workbook):
    csrf = log_in(client, "cleo")
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
    assert r.status_code == 200 and 'id="summary"' in r.text
    client.post("/logout", data={"csrf": csrf})
    csrf = log_in(client, "vic")
    assert client.get("/uploads/1").status_code == 200
    assert 'id="run-form"' not in client.get("/runs").text  # no menu, and the server refuses all the same
    r = client.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": "2"})
    assert r.status_code == 403
    assert "查看者" in r.text  # the page says why: the role
    assert client.post("/runs", data={}, headers={"X-CSRF-Token": csrf, "upload_id": "1"}).status_code == 403
    for path in ("/uploads", "/policy", "/runs/1/people/P000001/lock", "/admin/users"):
        assert client.post(path, data={"csrf": csrf}).status_code == 403, path
    assert client.get("/admin").status_code == 403
    assert WebStore(client.app.state.store.path).all("SELECT * FROM web_jobs") == []


def test_passwords_are_hashed_never_stored_or_logged_in_clear(db, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(db, limits=SMALL, workers=1)) as c:
        log_in(c, "ada")
        c.cookies.clear()
        token = csrf_of(c.get("/login").text)
        c.post("/login", data={"csrf": token, "name": "cleo", "password": "wrong-Secret-5512"})
        csrf = log_in(c, "ada")
        c.post("/admin/users", data={"csrf": csrf, "name": "dora", "role": "clerk", "password": "dora-Secret-7781"})
        assert "dora" in c.get("/admin").text
    raw = b"".join(p.read_bytes() for p in Path(db).parent.glob(f"{Path(db).name}*"))
    logged = caplog.text + "".join(capfd.readouterr())
    for pw in (*PASSWORDS.values(), "wrong-Secret-5512", "dora-Secret-7781"):
        assert pw.encode() not in raw
        assert pw not in logged
    with sqlite3.connect(db) as con:
        hashes = [h for (h,) in con.execute("SELECT pw_hash FROM web_users")]
        audit = " ".join(str(r) for r in con.execute("SELECT * FROM web_audit"))
    assert len(hashes) == 4 and all(h.startswith("$argon2id$") for h in hashes)
    assert "login failed" in audit and "Secret" not in audit


def test_login_attempts_are_rate_limited_per_user_and_address(client):
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        r = client.post("/login", data={"csrf": token, "name": "cleo", "password": "nope-nope-nope"})
        assert r.status_code == 401
    r = client.post("/login", data={"csrf": token, "name": "cleo", "password": PASSWORDS["cleo"]})
    assert r.status_code == 429 and "分钟" in r.text  # even the right password waits
    r = client.post("/login", data={"csrf": token, "name": "vic", "password": PASSWORDS["vic"]})
    assert r.status_code == 200 and "/uploads" in str(r.url)  # another user is not held up


def test_session_cookie_is_httponly_and_samesite_and_logout_ends_it(client):
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"csrf": token, "name": "cleo", "password": PASSWORDS["cleo"]},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "rotaplan_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    csrf = csrf_of(client.get("/uploads").text)
    client.post("/logout", data={"csrf": csrf})
    assert client.get("/uploads", follow_redirects=False).status_code == 303


def test_broken_workbook_shows_located_problems(client, broken_workbook):
    csrf = log_in(client, "cleo")
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("区县数据.xlsx", broken_workbook.read_bytes())})
    assert r.status_code == 200
    table = r.text.split('id="problems"')[1].split("</table>")[0]
    row = [tr for tr in table.split("<tr>") if "S9999" in tr]
    assert row, table[:2000]
    cells = re.findall(r"<td>(.*?)</td>", row[0], flags=re.S)
    assert "区县数据.xlsx" in cells[0] and "staff" in cells[0]  # the office's file name, never the server's
    assert cells[1] == "5" and cells[2].startswith("school_id") and cells[4] == "S9999"
    assert "学校代码不存在" in cells[5]  # Chinese by default, as the office reads it
    client.get("/lang/en?next=/uploads")
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("区县数据.xlsx", broken_workbook.read_bytes())})
    table = r.text.split('id="problems"')[1].split("</table>")[0]
    row = [tr for tr in table.split("<tr>") if "S9999" in tr]
    assert "unknown school id" in re.findall(r"<td>(.*?)</td>", row[0], flags=re.S)[5]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_huge_sheet_and_oversize_upload_are_refused_with_a_message(client):
    csrf = log_in(client, "cleo")
    bomb = _zip({"staff.csv": b"0" * (20 * 2**20)})  # 20 MB of zeros in about 20 KB
    assert len(bomb) < SMALL.upload_bytes
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("data.zip", bomb)})
    assert r.status_code == 400 and "压缩炸弹" in r.text
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<dimension ref="A1:C1000000000"/><sheetData/></worksheet>')
    r = client.post("/uploads", data={"csrf": csrf},
                    files={"file": ("big.xlsx", _zip({"xl/worksheets/sheet1.xml": sheet}))})
    assert r.status_code == 400 and "1000000000" in r.text
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("big.zip", os.urandom(3 * 2**20))})
    assert r.status_code == 413
    chunked = client.post("/uploads", content=iter([b"--x\r\n", b"0" * 1024]), headers={
        "X-CSRF-Token": csrf, "Content-Type": "multipart/form-data; boundary=x"})
    assert chunked.status_code == 411  # no length: not read at all
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("notes.txt", b"hello")})
    assert r.status_code == 400 and ".xlsx" in r.text
    rows = WebStore(client.app.state.store.path).all("SELECT status FROM web_uploads")
    assert [r["status"] for r in rows] == ["refused", "refused", "refused"]


def test_zip_member_names_never_become_paths(client, workbook, tmp_path):
    from rotaplan.models import Scenario

    sc = Scenario.read(workbook)
    folder = tmp_path / "csv"
    sc.write(folder)
    members = {f"../../evil/{p.name}": p.read_bytes() for p in folder.iterdir() if p.suffix in (".csv", ".yaml")}
    members["../../evil/run.sh"] = b"rm -rf /"
    csrf = log_in(client, "cleo")
    r = client.post("/uploads", data={"csrf": csrf}, files={"file": ("../../x<b>.zip", _zip(members))})
    assert r.status_code == 200 and 'id="summary"' in r.text
    data = client.app.state.store.data
    assert not (data.parent / "evil").exists() and not (tmp_path / "evil").exists()
    stored = WebStore(client.app.state.store.path).upload(1)
    assert Path(stored["path"]).parent.parent == data / "uploads"
    assert sorted(p.name for p in Path(stored["path"]).iterdir()) == sorted(
        p.name for p in folder.iterdir() if p.suffix in (".csv", ".yaml"))
    assert stored["filename"] == "x<b>.zip"  # shown as the office named it, escaped
    assert "x&lt;b&gt;.zip" in client.get("/uploads").text and "x<b>" not in client.get("/uploads").text


def test_jobs_left_running_are_failed_when_the_server_starts_again(db):
    st = WebStore(db)
    st.write("INSERT INTO web_jobs (created, user, status) VALUES ('2026-01-01', 'cleo', 'running')")
    st.write("INSERT INTO web_jobs (created, user, status, outcome) VALUES ('2026-01-01', 'cleo', 'done', 'ok')")
    with TestClient(create_app(db, workers=1)) as c:
        log_in(c, "cleo")
        assert "失败" in c.get("/runs/1").text
    jobs = st.all("SELECT status, error FROM web_jobs ORDER BY job_id")
    assert jobs[0]["status"] == "failed" and "stopped" in jobs[0]["error"]
    assert jobs[1]["status"] == "done"


def _wait(store: WebStore, job_id: int, until, seconds: float = 180):
    t0 = time.time()
    while time.time() - t0 < seconds:
        job = store.job(job_id)
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not get there: {store.job(job_id)}")


def test_a_killed_plan_worker_marks_its_job_failed_and_the_next_plan_runs(client, workbook):
    csrf = log_in(client, "cleo")
    client.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
    st = client.app.state.store
    r = client.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": "30"}, follow_redirects=False)
    job = int(r.headers["location"].rsplit("/", 1)[1])
    running = _wait(st, job, lambda j: j["pid"] is not None)
    os.kill(running["pid"], signal.SIGKILL)
    failed = _wait(st, job, lambda j: j["status"] == "failed")
    assert "worker process stopped" in failed["error"]
    assert "失败" in client.get(f"/runs/{job}").text
    r = client.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": "2"}, follow_redirects=False)
    again = _wait(st, int(r.headers["location"].rsplit("/", 1)[1]), lambda j: j["status"] in ("done", "failed"))
    assert again["status"] == "done" and again["outcome"] == "ok", again["error"]
    audit = [a["action"] for a in st.all("SELECT action FROM web_audit")]
    assert audit.count("plan") == 2 and "upload" in audit
    assert json.loads(again["spec"])["scenario"].startswith(str(st.data / "uploads"))


_URL = re.compile(r"https?://[^\s\"'<>)]+")


def _foreign(text: str) -> list[str]:
    """http(s) links to any host but this one (the tests' own `testserver`)."""
    return [u for u in _URL.findall(text) if not u.startswith(("http://testserver", "http://127.0.0.1"))]


def test_pages_and_static_files_link_to_no_other_host(client, workbook):
    from rotaplan.web.app import HERE

    csrf = log_in(client, "ada")
    client.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
    st = client.app.state.store
    r = client.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": "2"}, follow_redirects=False)
    job = _wait(st, int(r.headers["location"].rsplit("/", 1)[1]), lambda j: j["status"] in ("done", "failed"))
    assert job["status"] == "done", job["error"]
    plan = client.get("/runs/1").text
    person = re.search(r'href="(/runs/1/people/[^"]+)"', plan).group(1)
    pages = ["/login", "/uploads", "/uploads/1", "/policy", "/runs", "/runs/1", "/runs/1/people?q=P", person,
             "/compare", "/compare?job=1&job=1", "/admin", "/runs/1/report"]
    for lang, word in (("zh", "退出"), ("en", "Log out")):  # both languages of the one catalogue
        client.cookies.set("rotaplan_lang", lang)
        for path in pages:
            r = client.get(path)
            assert r.status_code == 200, path
            assert path in ("/runs/1/report", "/runs/1/people?q=P") or word in r.text, (lang, path)
            assert not _foreign(r.text), (path, _foreign(r.text))
    static = list((HERE / "static").iterdir())
    assert {"htmx.min.js", "htmx.LICENSE", "style.css"} <= {p.name for p in static}
    for p in static:
        assert not _foreign(p.read_text(encoding="utf-8")), p.name


def test_policy_form_names_a_wrong_value_and_a_saved_policy_is_what_the_plan_runs_with(client, workbook):
    from rotaplan.web.labels import field_list

    csrf = log_in(client, "cleo")
    client.post("/uploads", data={"csrf": csrf}, files={"file": ("small.xlsx", workbook.read_bytes())})
    form = client.get("/policy?upload=1").text
    keys = [f["key"] for f in field_list()]
    assert len(keys) > 50 and all(f'name="p.{k}"' in form for k in keys)  # every key of the policy, weights too
    assert "轮岗任期数（R1）" in form and "0 – 1" in form  # Chinese label, range
    values = dict(re.findall(r'name="p\.([\w.]+)" id="[^"]+" value="([^"]*)"', form))
    values.update({k: v for k, v in re.findall(r'<select name="p\.([\w.]+)"[^>]*>.*?<option value="([^"]+)" selected',
                                                form, flags=re.S)})
    data = {f"p.{k}": v for k, v in values.items()}
    r = client.post("/policy", data={**data, "csrf": csrf, "name": "bad", "p.exchange_share": "1.5"})
    assert r.status_code == 400 and "exchange_share" in r.text and "1.5" in r.text
    r = client.post("/policy", data={**data, "csrf": csrf, "name": "一届即轮岗", "p.rotation_terms": "1",
                                     "upload_id": "1"})
    assert r.status_code == 200 and "一届即轮岗" in r.text
    assert 'id="p.rotation_terms" value="1"' in r.text
    r = client.post("/runs", data={"csrf": csrf, "upload_id": "1", "policy_id": "1", "time_limit": "2"},
                    follow_redirects=False)
    st = client.app.state.store
    job = _wait(st, int(r.headers["location"].rsplit("/", 1)[1]), lambda j: j["status"] in ("done", "failed"))
    assert job["status"] == "done", job["error"]
    assert json.loads(job["spec"])["whatif"] == {"name": "一届即轮岗", "policy": {"rotation_terms": 1}}
    stored = st.one("SELECT policy, whatif_name FROM runs WHERE run_id = ?", (job["run_id"],))
    assert "rotation_terms: 1\n" in stored["policy"] and stored["whatif_name"] == "一届即轮岗"
    assert "R1" in client.get(f"/runs/{job['job_id']}").text


def test_every_word_the_templates_show_is_in_the_catalogue_in_both_languages():
    from rotaplan.models import messages
    from rotaplan.web import labels
    from rotaplan.web.app import HERE
    from rotaplan.web.jobs import STAGES
    from rotaplan.web.store import ROLES

    assert labels.field_list()  # importing web/labels.py registers the web's messages
    cat = messages.catalogue()
    used = set()
    for p in (HERE / "templates").glob("*.html"):
        used |= set(re.findall(r"t\('(web\.[\w.]+)'", p.read_text(encoding="utf-8")))
    used = {k for k in used if not k.endswith(".")}  # 'web.role.' ~ role: composed, listed below
    assert len(used) > 80
    composed = ({f"web.role.{r}" for r in ROLES}
                | {f"web.job.stage.{s}" for s in (*STAGES, "reading", "rollover", "done")}
                | {f"web.job.{s}" for s in ("queued", "running", "done", "failed")}
                | {f"web.outcome.{s}" for s in ("ok", "draft", "infeasible")}
                | {f"web.status.{s}" for s in ("valid", "invalid", "refused")})
    missing = sorted(k for k in used | composed if k not in cat)
    assert not missing
    assert all(cat[k].en and cat[k].zh and cat[k].en != cat[k].zh for k in used if k != "web.plan.report")


def test_two_clerks_plan_at_once_in_two_worker_processes_and_the_people_table_pages_and_filters(db, workbook):
    from rotaplan.models import Scenario

    with TestClient(create_app(db, limits=SMALL, workers=2, plan_workers=1)) as a, \
            TestClient(create_app(db, limits=SMALL, workers=2, plan_workers=1)) as b:
        csrf_a, csrf_b = log_in(a, "cleo"), log_in(b, "ada")
        a.post("/uploads", data={"csrf": csrf_a}, files={"file": ("small.xlsx", workbook.read_bytes())})
        st = a.app.state.store
        ids = []
        for c, csrf in ((a, csrf_a), (b, csrf_b)):
            r = c.post("/runs", data={"csrf": csrf, "upload_id": "1", "time_limit": "3"}, follow_redirects=False)
            ids.append(int(r.headers["location"].rsplit("/", 1)[1]))
        jobs = [_wait(st, i, lambda j: j["status"] in ("done", "failed")) for i in ids]
        assert [j["status"] for j in jobs] == ["done", "done"], [j["error"] for j in jobs]
        assert jobs[0]["pid"] != jobs[1]["pid"] and {j["user"] for j in jobs} == {"cleo", "ada"}
        first = a.get("/runs/1/people").text
        total = int(re.search(r"共(\d+)人，第1/(\d+)页", first).group(1))
        pages = -(-total // 50)
        assert total == len(Scenario.read(workbook).staff) and f"第1/{pages}页" in first
        second = a.get("/runs/1/people?page_no=2").text
        assert f"第2/{pages}页" in second
        def names(html: str) -> list[str]:
            return re.findall(r'class="person" href="[^"]+">([^<]+)</a>', html)

        assert len(names(first)) == len(names(second)) == 50 and not set(names(first)) & set(names(second))
        moved = a.get("/runs/1/people?move=rotate").text
        rows = re.findall(r"<tr><td><a class=\"person\".*?</tr>", moved, flags=re.S)
        assert rows and all("轮岗" in r for r in rows)
        town = re.search(r'<select name="township" id="f-township"><option value="">[^<]*</option><option>([^<]+)<',
                         a.get("/runs/1").text).group(1)
        in_town = a.get("/runs/1/people", params={"township": town}).text
        n = int(re.search(r"共(\d+)人", in_town).group(1))
        assert 0 < n < total
        r1 = a.get("/runs/1/people?rule=R1").text
        assert all("R1" in r for r in re.findall(r"<tr><td><a class=\"person\".*?</tr>", r1, flags=re.S))
