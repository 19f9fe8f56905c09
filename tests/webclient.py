"""Users, fixtures and helpers of the web application's tests: a small generated district as the office's workbook,
a broken copy of it, users of each role (importable from every test folder: conftest puts tests/ on
sys.path)."""

from __future__ import annotations

import re

import openpyxl
import pytest

from rotaplan.models import Scenario
from rotaplan.scenarios.generate import generate

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


@pytest.fixture(scope="session")
def workbook(tmp_path_factory):
    """A generated district of about 500 staff written as one .xlsx workbook (as `rotaplan generate` does)."""
    frames = generate(staff=500, seed=3)
    sc = Scenario.from_frames({k: v for k, v in frames.items() if k != "policy"}, policy=frames["policy"],
                              name="small")
    path = tmp_path_factory.mktemp("wb") / "small.xlsx"
    sc.write(path)
    return path


@pytest.fixture(scope="session")
def broken_workbook(workbook, tmp_path_factory):
    """The workbook with one staff member's school_id set to a school that does not exist (row 5)."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["staff"]
    header = [c.value for c in ws[1]]
    ws.cell(row=5, column=header.index("school_id") + 1, value="S9999")
    path = tmp_path_factory.mktemp("broken") / "broken.xlsx"
    wb.save(path)
    return path
