"""Users and helpers of the web application's tests: one user of each role, logging in, the CSRF token of a page
(importable from every test folder: conftest puts tests/ on sys.path)."""

from __future__ import annotations

import re

PASSWORDS = {"ada": "admin-pass-4417", "cleo": "clerk-pass-8821", "vic": "viewer-pass-3390"}
ROLES = {"ada": "admin", "cleo": "clerk", "vic": "viewer"}


def make_users(db) -> None:
    from rotaplan.web.security import add_user
    from rotaplan.web.store import WebStore

    st = WebStore(db)
    for name, pw in PASSWORDS.items():
        add_user(st, name, ROLES[name], pw)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def log_in(client, name: str) -> str:
    """Log `name` in on a TestClient; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"csrf": token, "name": name, "password": PASSWORDS[name]})
    assert r.status_code == 200 and "/uploads" in str(r.url), r.text[:500]
    return csrf_of(r.text)


def wait_job(store, job_id: int, until, seconds: float = 300):
    """The job's row once `until(row)` holds (polling its row); fails the test after `seconds`."""
    import time

    t0 = time.time()
    while time.time() - t0 < seconds:
        job = store.job(job_id)
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not get there: {store.job(job_id)}")


def finished(job) -> bool:
    return job is not None and job["status"] in ("done", "failed")
