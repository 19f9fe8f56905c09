import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _private_run_history(tmp_path, monkeypatch):
    """Every `rotaplan plan` in the tests stores its run in a temporary history, never the user's."""
    monkeypatch.setenv("ROTAPLAN_DB", str(tmp_path / "runs.sqlite"))
