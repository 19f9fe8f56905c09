"""The web application in a real browser: headless Chromium from Debian's packages driven by Selenium through
Debian's chromedriver, against the server on the loopback. Skipped where they are absent, except in CI
(.ci/run installs them and sets ROTAPLAN_CI). Screenshots of the main pages go to a temporary folder
(printed; $ROTAPLAN_SCREENSHOTS to choose it)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from webclient import PASSWORDS, make_users

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
needs_browser = pytest.mark.skipif((CHROMIUM is None or DRIVER is None) and not os.environ.get("ROTAPLAN_CI"),
                                   reason="Chromium and chromedriver are installed by .ci/run")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path):
    import uvicorn

    from rotaplan.web.app import create_app

    db = tmp_path / "runs.sqlite"
    make_users(db)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db, workers=2, plan_workers=1), host="127.0.0.1", port=port,
                                        log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(30)


@pytest.fixture()
def browser(tmp_path):
    assert CHROMIUM and DRIVER, "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
              f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.implicitly_wait(0)
    drv.downloads = downloads
    yield drv
    drv.quit()


@pytest.fixture()
def shots(tmp_path_factory):
    folder = Path(os.environ.get("ROTAPLAN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


def _wait(drv, css: str, seconds: float = 120, text: str | None = None):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    t0 = time.time()
    while time.time() - t0 < seconds:
        try:
            el = drv.find_element("css selector", css)
            if text is None or text in el.text:
                return el
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{css} {text or ''} did not appear on {drv.current_url}:\n{drv.page_source[:3000]}")


def _log_in(drv, base: str, name: str) -> None:
    drv.get(base + "/login")
    drv.find_element("id", "name").send_keys(name)
    drv.find_element("id", "password").send_keys(PASSWORDS[name])
    drv.find_element("id", "login").click()
    _wait(drv, "#logout")


def _plan(drv, base: str, upload_id: int, label: str, policy: str = "") -> str:
    from selenium.webdriver.support.ui import Select

    drv.get(f"{base}/runs?upload={upload_id}")
    if policy:
        Select(drv.find_element("id", "policy_id")).select_by_visible_text(policy)
    limit = drv.find_element("id", "time_limit")
    limit.clear()
    limit.send_keys("3")
    drv.find_element("id", "label").send_keys(label)
    drv.find_element("id", "start-plan").click()
    _wait(drv, "#progress")
    return drv.current_url


@needs_browser
def test_the_office_works_through_the_application_in_a_browser(server, browser, shots, workbook, broken_workbook):
    from selenium.webdriver.support.ui import Select

    drv, base = browser, server
    _log_in(drv, base, "cleo")
    assert "退出" in drv.page_source  # Chinese by default
    # upload the district's workbook and see its summary
    drv.find_element("id", "file").send_keys(str(workbook))
    drv.find_element("id", "upload").click()
    summary = _wait(drv, "#summary")
    assert "教职工数" in summary.text and "500" in summary.text or "教职工" in summary.text
    drv.save_screenshot(str(shots / "upload-summary.png"))
    # a broken workbook: the located error
    drv.get(base + "/uploads")
    drv.find_element("id", "file").send_keys(str(broken_workbook))
    drv.find_element("id", "upload").click()
    problems = _wait(drv, "#problems")
    row = [tr for tr in problems.find_elements("css selector", "tr") if "S9999" in tr.text][0]
    cells = [td.text for td in row.find_elements("css selector", "td")]
    assert "staff" in cells[0] and cells[1] == "5" and cells[2].startswith("school_id")
    drv.save_screenshot(str(shots / "upload-problems.png"))
    # the policy: set a value and save it as a named policy
    drv.get(base + "/policy?upload=1")
    box = drv.find_element("id", "p.rotation_terms")
    box.clear()
    box.send_keys("1")
    drv.find_element("id", "policy-name").clear()
    drv.find_element("id", "policy-name").send_keys("一届即轮岗")
    drv.find_element("id", "save-policy").click()
    assert "一届即轮岗" in _wait(drv, "#saved").text
    assert drv.find_element("id", "p.rotation_terms").get_attribute("value") == "1"
    drv.save_screenshot(str(shots / "policy.png"))
    # a plan: watch it finish
    _plan(drv, base, 1, "基准")
    drv.save_screenshot(str(shots / "progress.png"))
    _wait(drv, "#kpis", 180)
    plan_url = drv.current_url
    assert "R1" in drv.find_element("id", "compliance").text
    drv.save_screenshot(str(shots / "plan.png"))
    # search a person by id, read the explanation
    first = drv.find_element("css selector", "#people a.person")
    pid = first.text.split("(")[-1].rstrip(")")
    drv.find_element("id", "q").send_keys(pid)
    _wait(drv, "#people-count", 20, text="共1人")
    drv.find_element("css selector", "#people a.person").click()
    explanation = _wait(drv, "#explanation")
    assert pid in explanation.text and "规则" in explanation.text
    drv.save_screenshot(str(shots / "person.png"))
    # change the decision: another school, re-plan, see who else changed
    choice = Select(drv.find_element("id", "to_school"))
    now = choice.first_selected_option.get_attribute("value")
    other = [o.get_attribute("value") for o in choice.options if o.get_attribute("value") not in ("__keep__", now)][0]
    choice.select_by_value(other)
    drv.find_element("id", "replan").click()
    _wait(drv, "#changed", 180)
    assert pid in drv.find_element("id", "locked").text  # their outcome before and after, then who else changed
    drv.save_screenshot(str(shots / "replan.png"))
    # compare the two plans
    drv.get(base + "/compare?job=1&job=2")
    assert "R1" in _wait(drv, "#cmp-compliance").text
    assert _wait(drv, "#cmp-kpis").find_elements("css selector", "tr")
    assert "runs-web" not in drv.page_source  # the server's folders are not shown
    drv.save_screenshot(str(shots / "compare.png"))
    # download plan.xlsx and open it
    drv.get(plan_url)
    drv.find_element("id", "dl-xlsx-zh").click()
    t0 = time.time()
    while time.time() - t0 < 30 and not list(drv.downloads.glob("*.xlsx")):
        time.sleep(0.2)
    got = list(drv.downloads.glob("*.xlsx"))
    assert got, "plan.xlsx was not downloaded"
    wb = openpyxl.load_workbook(got[0], read_only=True)
    assert "全部人员" in wb.sheetnames
    # the English switch
    drv.find_element("id", "lang-switch").click()
    assert "Log out" in _wait(drv, "#logout").text
    assert "Compliance by rule" in drv.find_element("id", "compliance").text
    drv.save_screenshot(str(shots / "plan-en.png"))
    drv.find_element("id", "lang-switch").click()
    _wait(drv, "#logout", text="退出")
    drv.find_element("id", "logout").click()
    # a viewer: no run form, and a run forced through is refused by the server
    _log_in(drv, base, "vic")
    drv.get(base + "/runs")
    assert not drv.find_elements("id", "run-form")
    status = drv.execute_script(
        "const t = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];"
        "const f = new FormData(); f.append('csrf', t); f.append('upload_id', '1'); f.append('time_limit', '2');"
        "const x = new XMLHttpRequest(); x.open('POST', '/runs', false); x.send(f); return x.status;")
    assert status == 403
    drv.save_screenshot(str(shots / "viewer-runs.png"))


@needs_browser
def test_a_clerk_starts_a_short_roadmap_and_reads_it_in_a_browser(server, browser, shots, workbook):
    from rotaplan.models import Scenario

    drv, base = browser, server
    year = int(Scenario.read(workbook).policy.plan_year)
    _log_in(drv, base, "cleo")
    drv.find_element("id", "file").send_keys(str(workbook))
    drv.find_element("id", "upload").click()
    _wait(drv, "#summary")
    drv.find_element("id", "nav-roadmaps").click()
    until = _wait(drv, "#rm-until")
    until.clear()
    until.send_keys(str(year + 1))
    limit = drv.find_element("id", "rm-time-limit")
    limit.clear()
    limit.send_keys("3")
    drv.find_element("id", "rm-label").send_keys("两年")
    drv.find_element("id", "start-roadmap").click()
    steps = _wait(drv, "#rm-years")  # one step per year from the start, the year being planned in bold
    assert f"{year}年" in steps.text and f"{year + 1}年" in steps.text
    drv.save_screenshot(str(shots / "roadmap-progress.png"))
    table = _wait(drv, "#rm-table", 300)  # the progress box refreshes the page when the roadmap is done
    years = [tr.find_elements("css selector", "td")[0].text for tr in table.find_elements("css selector", "tr")[1:]]
    assert years == [str(year), str(year + 1)]
    verdict = drv.find_element("id", "verdict").text
    assert "R10" in verdict and "R3" in verdict
    assert len(drv.find_elements("css selector", "#rm-first li")) == 2
    drv.switch_to.frame(drv.find_element("id", "rm-chart"))
    assert _wait(drv, "svg") is not None  # reports/roadmap.py's charts, in the frame
    drv.switch_to.default_content()
    drv.save_screenshot(str(shots / "roadmap.png"))
    drv.find_elements("css selector", "a.year-plan")[1].click()
    _wait(drv, "#kpis")
    assert drv.find_element("id", "of-roadmap").text.startswith("路线图")
    drv.save_screenshot(str(shots / "roadmap-year-plan.png"))
