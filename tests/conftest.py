import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


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
