"""Office files -> raw tables: CSV in the encodings and separators Excel and WPS write, workbook sheets cell by cell.

A raw table keeps what a later check needs to point at the cell a user will find: the row number Excel shows
(header = row 1, blank lines included), the column letter, and the cells whose value cannot be trusted
(a formula Excel never calculated, an Excel error value such as #N/A). Nothing here knows the rules; the
schema is used only to recognise a header row below a title line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from .errors import Problem, ScenarioError
from .schema import EXCEL_ERRORS

SAVE_AS_CSV = "save it from Excel as CSV UTF-8: File > Save As > CSV UTF-8 (Comma delimited) (*.csv)"
SAVE_AS_XLSX = "open it in Excel or WPS and save it as an Excel workbook: File > Save As > Excel Workbook (*.xlsx)"
_ERRORS = {e.upper() for e in EXCEL_ERRORS}
_SEPARATORS = {",": "comma", "\t": "tab", ";": "semicolon"}
_HEADER_SCAN = 10  # a header row is looked for this far down (title lines above it are common)


@dataclass
class RawTable:
    """Cells of one CSV file or sheet, as text or Excel values, with where each came from.

    `frame`: columns are the column letters (A, B, ...), the index is the row number Excel shows.
    `headers`: letter -> the header cell as written. `bad`: (row, letter) -> why the cell has no usable value.
    """

    source: str
    frame: pd.DataFrame
    headers: dict[str, str]
    sheet: str | None = None  # for cell names like 教职工!K12
    header_row: int = 1
    bad: dict[tuple[int, str], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, row: int | None, letter: str | None) -> str | None:
        """The cell as Excel names it in a workbook (教职工!K12); None for a CSV, where row and column say it all."""
        if row is None or not letter or not self.sheet:
            return None
        return f"{self.sheet}!{letter}{row}"

    @classmethod
    def from_frame(cls, df: pd.DataFrame, source: str) -> RawTable:
        """A raw table from a plain frame whose first row is row 2 (the generator's, a test's)."""
        letters = [get_column_letter(i + 1) for i in range(len(df.columns))]
        frame = pd.DataFrame(df.to_numpy(dtype=object), columns=letters, index=pd.RangeIndex(2, len(df) + 2))
        return cls(source, frame, dict(zip(letters, (str(c) for c in df.columns))))


def is_excel_error(v: object) -> bool:
    return isinstance(v, str) and v.strip().upper() in _ERRORS


def _norm(h: object) -> str:
    return re.sub(r"\s+", "", str(h)).lower()


def _find_header_row(records: Sequence[Sequence[object]], known: Set[str]) -> int:
    """Index of the header record: the first of the first rows naming two known columns, else the first non-empty."""
    first = next((i for i, r in enumerate(records) if any(_text(v) for v in r)), 0)
    if known:
        for i, rec in enumerate(records[:_HEADER_SCAN]):
            if sum(_norm(v) in known for v in rec if v is not None) >= 2:
                return i
    return first


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def _build(source: str, records: Sequence[Sequence[object]], known: Set[str], sheet: str | None,
           problems: list[Problem], bad: dict[tuple[int, str], str] | None = None,
           sep: str | None = None) -> RawTable:
    """Records (row 1 first) -> a raw table, keeping every row's Excel number."""
    h = _find_header_row(records, known)
    header = list(records[h]) if records else []
    written = len(header)  # a CSV row longer than its header row is shifted by a stray separator
    while header and not _text(header[-1]):
        header.pop()
    width = len(header)
    letters = [get_column_letter(i + 1) for i in range(width)]
    header_row = h + 1
    skipped = [i + 1 for i in range(h) if any(_text(v) for v in records[i])]
    if skipped:
        problems.append(Problem(source, header_row, None, None,
                                f"the header row is row {header_row}; row(s) {', '.join(map(str, skipped))} above it "
                                "(a title?) are not read", severity="warning"))
    rows, index = [], []
    for i in range(h + 1, len(records)):
        rec = list(records[i])
        if sep and len(rec) > written and any(_text(v) for v in rec):
            extra = [_text(v) for v in rec[width:] if _text(v)]
            problems.append(Problem(
                source, i + 1, None, "; ".join(extra[:3]) or None,
                f"this row has {len(rec)} cells but the header row has {written}: a value probably contains a "
                f"{_SEPARATORS[sep]}, which shifts the cells after it; put that value in double quotes, or "
                f"{SAVE_AS_CSV}"))
            rec = []  # its cells are not where their headers say; reported once, not column by column
        rec = rec[:width]
        rows.append(rec + [None] * (width - len(rec)))
        index.append(i + 1)
    frame = pd.DataFrame(rows, columns=letters, index=pd.Index(index, dtype="int64"), dtype=object)
    headers = {}
    for letter, v in zip(letters, header):
        headers[letter] = _text(v)
    if bad:
        bad = {k: v for k, v in bad.items() if k[0] > header_row and k[1] in headers}
    return RawTable(source, frame, headers, sheet, header_row, bad or {}, problems)


# ---- CSV ---------------------------------------------------------------------------------
def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """The text of a CSV file in any encoding Excel or WPS writes; a refusal names the fix."""
    problems: list[Problem] = []
    if data[:4] == b"PK\x03\x04":
        raise ScenarioError([Problem(name, None, None, None,
                                     "this is an Excel workbook (.xlsx) with a .csv name; rename it to .xlsx and "
                                     f"give the workbook, or {SAVE_AS_CSV}")])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ScenarioError([Problem(name, None, None, None,
                                     f"this is an old Excel .xls (or a password-protected) workbook, not CSV text; "
                                     f"{SAVE_AS_CSV}")])
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        # Excel's "Unicode Text (*.txt)" is UTF-16 LE with a BOM and tabs between cells.
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                return data[len(bom):].decode(enc), problems
            except UnicodeDecodeError as exc:
                raise ScenarioError([Problem(name, None, None, None,
                                             f"starts as UTF-16 text but byte {exc.start} is not; {SAVE_AS_CSV}")]) \
                    from None
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        try:
            return body.decode("utf-8"), problems
        except UnicodeDecodeError:
            try:
                text = body.decode("gb18030")
            except UnicodeDecodeError:
                raise ScenarioError([Problem(name, None, None, None,
                                             f"starts with a UTF-8 mark but the text is neither UTF-8 nor GB18030; "
                                             f"{SAVE_AS_CSV}")]) from None
            problems.append(Problem(name, None, None, None,
                                    "starts with a UTF-8 mark (BOM) but the text is GB18030 (GBK); read as GB18030. "
                                    f"To avoid the doubt, {SAVE_AS_CSV}", severity="warning"))
            return text, problems
    head = data[:4000]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: the zero bytes sit at odd (LE) or even (BE) positions for ASCII text.
        enc = "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
        try:
            return data.decode(enc), problems
        except UnicodeDecodeError:
            pass
        raise ScenarioError([Problem(name, None, None, None, f"not text (it holds zero bytes); {SAVE_AS_CSV}")])
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), problems
        except UnicodeDecodeError:
            continue
    raise ScenarioError([Problem(name, None, None, None,
                                 "cannot read the text: it is neither UTF-8, UTF-16 nor GB18030 (GBK); "
                                 + SAVE_AS_CSV)])


def sniff_separator(text: str) -> str:
    """Comma, semicolon or tab, whichever the header line uses most (outside quotes)."""
    lines = [ln for ln in text.splitlines()[:_HEADER_SCAN] if ln.strip()]
    for line in lines:
        unquoted = re.sub(r'"[^"]*"', "", line)
        counts = {s: unquoted.count(s) for s in _SEPARATORS}
        best = max(counts, key=lambda s: counts[s])
        if counts[best]:
            return best
    return ","


def unreadable(exc: OSError) -> str:
    """Why a file could not be opened, in words."""
    if isinstance(exc, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return f"cannot read the file: {exc.strerror}"


def read_csv(path: Path, known: Set[str] = frozenset(), name: str | None = None) -> RawTable:
    """Read a CSV (or Excel "Unicode text") file into a raw table; blank lines keep their row numbers."""
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, None, None, None, unreadable(exc))]) from None
    text, problems = decode(data, name)
    if not text.strip():
        raise ScenarioError([Problem(name, None, None, None, "the file is empty: row 1 must be the header row")])
    sep = sniff_separator(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise ScenarioError([Problem(name, None, None, None, f"not a readable CSV table ({exc}); {SAVE_AS_CSV}")]) \
            from None
    records = [[v.strip() for v in r] for r in records]
    return _build(name, records, known, None, problems, sep=sep)


def read_csv_frame(path: Path) -> pd.DataFrame:
    """A CSV as a frame of text cells with its header names; blank rows dropped, index = Excel row number."""
    raw = read_csv(path)
    frame = raw.frame.fillna("").astype(str)
    frame.columns = [raw.headers[c] for c in frame.columns]
    return frame[(frame != "").any(axis=1)] if len(frame.columns) else frame


# ---- workbooks ---------------------------------------------------------------------------
class Workbook:
    """An .xlsx opened for reading its values cell by cell, telling empty cells from uncalculated formulas."""

    def __init__(self, path: Path):
        import openpyxl

        self.path = Path(path)
        self.name = self.path.name
        try:
            head = self.path.read_bytes()[:8]
        except OSError as exc:
            raise ScenarioError([Problem(self.name, None, None, None, unreadable(exc))]) from None
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            raise ScenarioError([Problem(self.name, None, None, None,
                                         "this is an old .xls workbook or a password-protected one; remove the "
                                         f"password (File > Info > Protect Workbook) and {SAVE_AS_XLSX[0].lower()}"
                                         f"{SAVE_AS_XLSX[1:]}")])
        if not head.startswith(b"PK"):
            raise ScenarioError([Problem(self.name, None, None, None,
                                         "not an Excel workbook (it looks like text: a CSV named .xlsx?); "
                                         f"{SAVE_AS_XLSX}")])
        try:
            self._values = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ScenarioError([Problem(self.name, None, None, None,
                                         f"cannot open the workbook ({type(exc).__name__}: {exc}); {SAVE_AS_XLSX}")]) \
                from None
        self._formulas: Any = None  # the formula view, opened only when a sheet has formulas
        self.states = {ws.title: ws.sheet_state for ws in self._values.worksheets}

    def close(self) -> None:
        self._values.close()
        if self._formulas is not None:
            self._formulas.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def find(self, names: tuple[str, ...], what: str) -> tuple[str | None, list[Problem]]:
        """The one sheet holding a table (English or Chinese name); two candidates are an error naming both."""
        wanted = {_norm(n) for n in names}
        hits = [t for t in self.states if _norm(t) in wanted]
        if len(hits) > 1:
            shown = " and ".join(f"'{t}'" + (" (hidden)" if self.states[t] != "visible" else "") for t in hits)
            hidden = any(self.states[t] != "visible" for t in hits)
            return None, [Problem(self.name, None, None, None,
                                  f"sheets {shown} both hold the {what} table; keep one: delete or rename the other"
                                  + (" (a hidden sheet is read too: right-click a sheet tab > Unhide to see it)"
                                     if hidden else ""))]
        if not hits:
            return None, []
        problems = []
        if self.states[hits[0]] != "visible":
            problems.append(Problem(f"{self.name}, sheet {hits[0]}", None, None, None,
                                    f"the {what} sheet is hidden; it is read all the same", severity="warning"))
        return hits[0], problems

    def _has_formulas(self, title: str) -> bool:
        ws = self._values[title]
        try:
            xml = self._values._archive.read(ws._worksheet_path)
        except (AttributeError, KeyError, zipfile.BadZipFile):
            return True
        return b"<f>" in xml or b"<f " in xml or b":f>" in xml or b":f " in xml

    def _formula_cells(self, title: str, wanted: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """Of the cells without a value, those that hold a formula (Excel saved no result for it)."""
        import openpyxl

        if not wanted or not self._has_formulas(title):
            return set()
        if self._formulas is None:
            self._formulas = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
        formulas = self._formulas
        found = set()
        last = max(r for r, _ in wanted)
        for r, row in enumerate(formulas[title].iter_rows(max_row=last), start=1):
            for c, cell in enumerate(row, start=1):
                if (r, c) in wanted and cell.value is not None and cell.data_type == "f":
                    found.add((r, c))
        return found

    def read(self, title: str, known: Set[str] = frozenset()) -> RawTable:
        """A sheet as a raw table; uncalculated formulas and error values are marked bad with their cell."""
        from openpyxl.cell.read_only import EmptyCell

        records: list[list[object]] = []
        errors: dict[tuple[int, int], str] = {}
        blank_cells: set[tuple[int, int]] = set()
        for r, row in enumerate(self._values[title].iter_rows(), start=1):
            rec = []
            for c, cell in enumerate(row, start=1):
                v = cell.value
                if v is None and not isinstance(cell, EmptyCell):
                    blank_cells.add((r, c))
                elif cell.data_type == "e" or is_excel_error(v):
                    errors[(r, c)] = str(v).strip()
                    v = None
                rec.append(v)
            records.append(rec)
        while records and not any(_text(v) for v in records[-1]):
            records.pop()
        bad = {(r, get_column_letter(c)): f"the cell shows the Excel error {e}: its formula failed; fix the formula "
                                          "or type the value" for (r, c), e in errors.items()}
        for r, c in self._formula_cells(title, {k for k in blank_cells if k[0] <= len(records)}):
            bad[(r, get_column_letter(c))] = ("the cell holds a formula that was never calculated (no saved value); "
                                             "open the file in Excel or WPS, let it calculate and save, or type the "
                                             "value")
        return _build(f"{self.name}, sheet {title}", records, known, title, [], bad)
