"""report.html: one self-contained page that renders in headless Chromium with its charts and map,
no console errors and no network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from libreoffice import convert, needs_libreoffice
from plans import hand_plan, tiny_district

from rotaplan.cli import main
from rotaplan.models.plan import RULE_IDS
from rotaplan.reports.report import Projection, kpi_panels, moves_by_township, report_html, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
# Skipped where Chromium is absent, but never in CI (.ci/run installs it and sets ROTAPLAN_CI).
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("ROTAPLAN_CI"),
                                    reason="Chromium is installed by .ci/run")


def render(html_path: Path) -> tuple[str, list[str]]:
    """(DOM after scripts ran, console lines) of a page in headless Chromium with a fresh profile."""
    assert CHROMIUM, "Chromium is not installed (apt-get install chromium)"
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
             "--dump-dom", html_path.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    console = [ln for ln in p.stderr.splitlines() if ":CONSOLE" in ln or "Uncaught" in ln]
    return p.stdout, console


def test_figures_of_the_hand_plan():
    sc = tiny_district()
    plan = hand_plan(sc)
    # E1 (8 years at U1) is the one exchange-eligible teacher, a district backbone teacher, and moves.
    after = plan.kpis["after"]
    assert (after["r11_eligible"], after["r11_exchanged"], after["r11_exchange_share"],
            after["r11_backbone_share"]) == (1, 1, 1.0, 1.0)
    panels = {p["key"]: p for p in kpi_panels(plan, sc)}
    assert {"R3", "R9", "R10", "R11"} <= {p["rule"] for p in panels.values()}
    assert panels["r11_exchange_share"]["after"] == 1.0 and panels["r11_exchange_share"]["target"] == 0.1
    assert "1 eligible teachers" in panels["r11_exchange_share"]["title"]
    t = moves_by_township(plan, sc)
    assert t.loc["口镇"].to_dict() == {"urban_to_rural": 3, "rural_to_urban": 0, "same_area": 0, "new_hire": 1}
    assert t.loc["凤城街道"].to_dict() == {"urban_to_rural": 0, "rural_to_urban": 1, "same_area": 0, "new_hire": 0}


def test_equirectangular_projection_keeps_north_up_and_shrinks_longitude():
    p = Projection([36.0, 37.0], [117.0, 118.0], width=500, pad=0, max_height=1000)
    x, y = p.xy([37.0, 36.0], [117.0, 118.0])
    assert y[0] == 0 and y[1] > 0  # north at the top
    assert x[1] == pytest.approx(p.height * 0.799, rel=0.01)  # 1 degree of longitude = cos(36.5°) of latitude


def test_page_is_self_contained():
    sc = tiny_district()
    html = report_html(hand_plan(sc), sc)
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "@import" not in html and "url(http" not in html
    for section in ('id="kpi-charts"', 'id="township-chart"', 'id="map"', 'class="compliance"', 'class="solver"'):
        assert section in html
    assert "420.0" in html and "0.015" in html  # solver objective and gap


def test_every_number_of_the_page_is_tagged_with_its_figure():
    """The headline, the panels and the figures table carry kpis.json's numbers in data attributes."""
    sc = tiny_district()
    plan = hand_plan(sc)
    html = report_html(plan, sc)
    after = plan.kpis["after"]
    tagged = dict(re.findall(r'class="fig" data-figure="([^"]+)" data-part="after" data-value="([^"]*)"', html))
    assert tagged == {"staff": str(after["staff"]), "moves": "5", "leaders": str(after["leaders"]),
                      "itinerant_teachers": "1", "total_travel_minutes": repr(after["total_travel_minutes"])}
    # I1's one stop R2 (11.5 min from R1) and the way back R2 -> R1
    assert after["total_travel_minutes"] == round(11.5 + sc.travel.minutes("R2", "R1"), 1)
    cells = re.findall(r'<td data-figure="([^"]+)" data-part="(before|after|target)" data-value="([^"]*)"', html)
    assert len({k for k, _, _ in cells}) == len(set(plan.kpis["before"]) | set(after))
    assert ("r11_eligible", "after", "1") in cells and ("moves", "before", "0") in cells


@needs_chromium
def test_renders_in_headless_chromium_with_charts_map_and_no_console_errors(tmp_path):
    sc = tiny_district()
    write_report(hand_plan(sc), sc, tmp_path / "report.html")
    dom, console = render(tmp_path / "report.html")
    assert console == []
    assert 'data-rendered="yes"' in dom  # the page's script ran to its end
    assert dom.count('class="chart kpi"') == 8
    assert dom.count('class="seg ') == 3  # 口镇: urban->rural and new hire; 凤城街道: rural->urban
    svg_map = dom[dom.index('id="map"'):]
    assert svg_map.count('<circle class="school') == 4
    assert svg_map.count('<path class="move urban_to_rural') == 2  # U1->R1 (L1, E1) and U2->R2 (RS)
    assert svg_map.count('<path class="move rural_to_urban') == 1
    assert svg_map.count('<line class="route"') == 1  # I1: R1 -> R2
    assert dom.count('class="st-not_met"') >= 1


@needs_chromium
def test_console_error_detection_works(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    _, console = render(page)
    assert any("Uncaught ReferenceError" in ln for ln in console)


@needs_chromium
@needs_libreoffice
def test_sample_district_plan_xlsx_opens_in_libreoffice_and_report_renders_in_chromium(tmp_path):
    """The done-when of the issue on the built-in sample district (5,000 staff, 130 schools), through
    the command a user runs: `rotaplan plan` writes plan.xlsx and report.html into the plan folder."""
    r = CliRunner().invoke(main, ["plan", "--out", str(tmp_path / "plan"), "--time-limit", "3", "--workers", "2",
                                  "--db", str(tmp_path / "runs.sqlite")])
    assert r.exit_code == 0, r.output
    # plan.xlsx: LibreOffice opens it and every sheet reads back.
    csv = convert(tmp_path / "plan" / "plan.xlsx", tmp_path / "csv", tmp_path / "lo-profile")
    sheets = {p.stem.removeprefix("plan-"): pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in csv.glob("plan-*.csv")}
    assert set(sheets) == {"Moves", "Assignments", "Itinerant", "KPIs", "Compliance", "Unfilled", "About"}
    assert len(sheets["Assignments"]) == 5000 and len(sheets["Compliance"]) == len(RULE_IDS)
    assert len(sheets["Moves"]) > 100 and (sheets["Moves"]["to_school_name"] != "").all()
    # report.html: renders with its charts and the map, no console errors, nothing fetched.
    dom, console = render(tmp_path / "plan" / "report.html")
    assert console == []
    assert 'data-rendered="yes"' in dom
    assert dom.count('class="chart kpi"') == 8 and 'id="township-chart"' in dom
    svg_map = dom[dom.index('id="map"'):]
    assert svg_map.count('<circle class="school') == 130
    assert svg_map.count('<path class="move ') > 100 and svg_map.count('<line class="route"') > 10
