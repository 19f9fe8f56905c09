"""LibreOffice headless for the tests that open plan.xlsx as an office user would (importable from every
test folder: conftest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

# Skipped where LibreOffice is absent, but never in CI (.ci/run installs it and sets ROTAPLAN_CI).
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("ROTAPLAN_CI"),
                                       reason="LibreOffice is installed by .ci/run")


def convert(xlsx, outdir, profile, to="csv"):
    """LibreOffice headless: every sheet of each workbook `xlsx` (a path or a list) to CSV (UTF-8, one file
    per sheet: STEM-SHEET.csv), or each workbook re-saved as xlsx."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
    filt = ('csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' if to == "csv"
            else "xlsx:Calc MS Excel 2007 XML")
    p = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", filt, *map(str, xlsx if isinstance(xlsx, list) else [xlsx]),
                        "--outdir", str(outdir)],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    return outdir
