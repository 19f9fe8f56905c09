import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same random scenarios every run (a failure there is reproducible); a developer's runs explore
# new ones each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("ROTAPLAN_CI") == "1":
    settings.load_profile("ci")

sys.path.insert(0, str(Path(__file__).parent))

from builders import build, person, school  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _private_run_history(tmp_path_factory):
    """Every `rotaplan plan` in the tests stores its run in a temporary history, never the user's."""
    old = os.environ.get("ROTAPLAN_DB")
    os.environ["ROTAPLAN_DB"] = str(tmp_path_factory.mktemp("history") / "runs.sqlite")
    yield
    if old is None:
        os.environ.pop("ROTAPLAN_DB", None)
    else:
        os.environ["ROTAPLAN_DB"] = old


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch):
    """A developer's ROTAPLAN_LANG must not change what the tests read; language tests set it themselves."""
    monkeypatch.delenv("ROTAPLAN_LANG", raising=False)


@pytest.fixture()
def tiny():
    """Two townships, an urban and a rural seat school, a principal each, two teachers and a new hire."""
    return build([school("U1", is_township_seat=True),
                  school("R1", area="rural", township="T2", is_township_seat=True)],
                 [person("L1", role="principal", school_id="U1"), person("L2", role="principal", school_id="R1"),
                  person("T1", school_id="U1", years_at_school=8), person("T2", school_id="R1"),
                  person("H1", school_id="", contract_period=0)],
                 [("U1", "math", 16), ("R1", "math", 16)])


# The web application's tests (tests/web): the office's workbook of a small generated district, and a broken copy.
@pytest.fixture(scope="session")
def workbook(tmp_path_factory):
    """A generated district of about 500 staff written as one .xlsx workbook (as `rotaplan generate` does)."""
    from rotaplan.models import Scenario
    from rotaplan.scenarios.generate import generate

    frames = generate(staff=500, seed=3)
    sc = Scenario.from_frames({k: v for k, v in frames.items() if k != "policy"}, policy=frames["policy"],
                              name="small")
    path = tmp_path_factory.mktemp("wb") / "small.xlsx"
    sc.write(path)
    return path


@pytest.fixture(scope="session")
def broken_workbook(workbook, tmp_path_factory):
    """The workbook with one staff member's school_id set to a school that does not exist (row 5)."""
    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    ws = wb["staff"]
    header = [c.value for c in ws[1]]
    ws.cell(row=5, column=header.index("school_id") + 1, value="S9999")
    path = tmp_path_factory.mktemp("broken") / "broken.xlsx"
    wb.save(path)
    return path
