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

from . import messages
from .errors import Problem, ScenarioError
from .messages import Msg, Say
from .schema import EXCEL_ERRORS

messages.register({
    "input.save_as_csv": ("save it from Excel as CSV UTF-8: File > Save As > CSV UTF-8 (Comma delimited) (*.csv)",
                          "请在Excel中另存为CSV UTF-8：文件 > 另存为 > CSV UTF-8（逗号分隔）（*.csv）"),
    "input.save_as_xlsx": ("open it in Excel or WPS and save it as an Excel workbook: File > Save As > Excel "
                           "Workbook (*.xlsx)",
                           "请用Excel或WPS打开，另存为Excel工作簿：文件 > 另存为 > Excel工作簿（*.xlsx）"),
    "input.header_below": ("the header row is row {row}; row(s) {rows} above it (a title?) are not read",
                           "表头行是第{row}行；其上方的第{rows}行（标题？）不读取"),
    "input.shifted_row": ("this row has {cells} cells but the header row has {written}: a value probably contains a "
                          "{sep}, which shifts the cells after it; put that value in double quotes, or {fix}",
                          "此行有{cells}个单元格，而表头行只有{written}个：某个值中可能含有{sep}，使其后的单元格错位；"
                          "请给该值加上英文双引号，或{fix}"),
    "input.sep.comma": ("comma", "逗号"),
    "input.sep.tab": ("tab", "制表符"),
    "input.sep.semicolon": ("semicolon", "分号"),
    "input.xlsx_as_csv": ("this is an Excel workbook (.xlsx) with a .csv name; rename it to .xlsx and give the "
                          "workbook, or {fix}",
                          "这是一个Excel工作簿（.xlsx），却以.csv命名；请改名为.xlsx后提供该工作簿，或{fix}"),
    "input.xls_as_csv": ("this is an old Excel .xls (or a password-protected) workbook, not CSV text; {fix}",
                         "这是旧版Excel .xls工作簿（或有密码保护的工作簿），不是CSV文本；{fix}"),
    "input.bad_utf16": ("starts as UTF-16 text but byte {byte} is not; {fix}",
                        "文件以UTF-16文本开头，但第{byte}字节不是UTF-16；{fix}"),
    "input.bad_bom": ("starts with a UTF-8 mark but the text is neither UTF-8 nor GB18030; {fix}",
                      "文件以UTF-8标记开头，但文本既不是UTF-8也不是GB18030；{fix}"),
    "input.bom_gb18030": ("starts with a UTF-8 mark (BOM) but the text is GB18030 (GBK); read as GB18030. "
                          "To avoid the doubt, {fix}",
                          "文件以UTF-8标记（BOM）开头，但文本是GB18030（GBK）编码，已按GB18030读取。为避免歧义，{fix}"),
    "input.zero_bytes": ("not text (it holds zero bytes); {fix}", "不是文本文件（含有零字节）；{fix}"),
    "input.bad_encoding": ("cannot read the text: it is neither UTF-8, UTF-16 nor GB18030 (GBK); {fix}",
                           "无法读取文本：既不是UTF-8、UTF-16，也不是GB18030（GBK）编码；{fix}"),
    "input.is_folder": ("it is a folder, not a file", "这是文件夹，不是文件"),
    "input.no_file": ("no such file", "文件不存在"),
    "input.cannot_read": ("cannot read the file: {why}", "无法读取文件：{why}"),
    "input.empty_file": ("the file is empty: row 1 must be the header row", "文件为空：第1行必须是表头行"),
    "input.bad_csv": ("not a readable CSV table ({why}); {fix}", "不是可读取的CSV表格（{why}）；{fix}"),
    "input.old_xls": ("this is an old .xls workbook or a password-protected one; remove the password (File > Info > "
                      "Protect Workbook) and {fix}",
                      "这是旧版.xls工作簿或有密码保护的工作簿；请取消密码（文件 > 信息 > 保护工作簿），并{fix}"),
    "input.not_xlsx": ("not an Excel workbook (it looks like text: a CSV named .xlsx?); {fix}",
                       "不是Excel工作簿（看起来是文本：是否为以.xlsx命名的CSV？）；{fix}"),
    "input.cannot_open": ("cannot open the workbook ({why}); {fix}", "无法打开工作簿（{why}）；{fix}"),
    "input.hidden": (" (hidden)", "（隐藏）"),
    "input.sheet_and": (" and ", "和"),
    "input.two_sheets": ("sheets {shown} both hold the {what} table; keep one: delete or rename the other{hidden}",
                         "工作表{shown}都是{what}表；请保留一个，删除或重命名另一个{hidden}"),
    "input.two_sheets.hidden": (" (a hidden sheet is read too: right-click a sheet tab > Unhide to see it)",
                                "（隐藏的工作表也会读取：右键单击工作表标签 > 取消隐藏即可看到）"),
    "input.sheet_hidden": ("the {what} sheet is hidden; it is read all the same", "{what}工作表是隐藏的，照样读取"),
    "input.excel_error": ("the cell shows the Excel error {error}: its formula failed; fix the formula or type the "
                          "value", "单元格显示Excel错误{error}：其公式计算失败；请修正公式或直接填写数值"),
    "input.uncalculated": ("the cell holds a formula that was never calculated (no saved value); open the file in "
                           "Excel or WPS, let it calculate and save, or type the value",
                           "单元格中的公式从未计算（没有保存的值）；请用Excel或WPS打开文件，计算后保存，或直接填写数值"),
})

SAVE_AS_CSV = Msg.of("input.save_as_csv")
SAVE_AS_XLSX = Msg.of("input.save_as_xlsx")
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
    bad: dict[tuple[int, str], Msg] = field(default_factory=dict)
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
           problems: list[Problem], bad: dict[tuple[int, str], Msg] | None = None,
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
        above = Say(", ".join(map(str, skipped)), "、".join(map(str, skipped)))
        problems.append(Problem.of(source, header_row, None, None, "input.header_below", severity="warning",
                                   row=header_row, rows=above))
    rows, index = [], []
    for i in range(h + 1, len(records)):
        rec = list(records[i])
        if sep and len(rec) > written and any(_text(v) for v in rec):
            extra = [_text(v) for v in rec[width:] if _text(v)]
            problems.append(Problem.of(source, i + 1, None, "; ".join(extra[:3]) or None, "input.shifted_row",
                                       cells=len(rec), written=written, sep=Msg.of(f"input.sep.{_SEPARATORS[sep]}"),
                                       fix=SAVE_AS_CSV))
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
        raise ScenarioError([Problem.of(name, None, None, None, "input.xlsx_as_csv", fix=SAVE_AS_CSV)])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ScenarioError([Problem.of(name, None, None, None, "input.xls_as_csv", fix=SAVE_AS_CSV)])
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        # Excel's "Unicode Text (*.txt)" is UTF-16 LE with a BOM and tabs between cells.
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                return data[len(bom):].decode(enc), problems
            except UnicodeDecodeError as exc:
                raise ScenarioError([Problem.of(name, None, None, None, "input.bad_utf16", byte=exc.start,
                                                fix=SAVE_AS_CSV)]) from None
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        try:
            return body.decode("utf-8"), problems
        except UnicodeDecodeError:
            try:
                text = body.decode("gb18030")
            except UnicodeDecodeError:
                raise ScenarioError([Problem.of(name, None, None, None, "input.bad_bom", fix=SAVE_AS_CSV)]) from None
            problems.append(Problem.of(name, None, None, None, "input.bom_gb18030", severity="warning",
                                       fix=SAVE_AS_CSV))
            return text, problems
    head = data[:4000]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: the zero bytes sit at odd (LE) or even (BE) positions for ASCII text.
        enc = "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
        try:
            return data.decode(enc), problems
        except UnicodeDecodeError:
            pass
        raise ScenarioError([Problem.of(name, None, None, None, "input.zero_bytes", fix=SAVE_AS_CSV)])
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), problems
        except UnicodeDecodeError:
            continue
    raise ScenarioError([Problem.of(name, None, None, None, "input.bad_encoding", fix=SAVE_AS_CSV)])


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


def unreadable(exc: OSError) -> Msg:
    """Why a file could not be opened, in words (a message: `str()` of it is the English)."""
    if isinstance(exc, IsADirectoryError):
        return Msg.of("input.is_folder")
    if isinstance(exc, FileNotFoundError):
        return Msg.of("input.no_file")
    return Msg.of("input.cannot_read", why=exc.strerror)


def unreadable_problem(name: str, exc: OSError) -> Problem:
    return Problem.from_msg(name, None, None, None, unreadable(exc))


def read_csv(path: Path, known: Set[str] = frozenset(), name: str | None = None) -> RawTable:
    """Read a CSV (or Excel "Unicode text") file into a raw table; blank lines keep their row numbers."""
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([unreadable_problem(name, exc)]) from None
    text, problems = decode(data, name)
    if not text.strip():
        raise ScenarioError([Problem.of(name, None, None, None, "input.empty_file")])
    sep = sniff_separator(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise ScenarioError([Problem.of(name, None, None, None, "input.bad_csv", why=str(exc), fix=SAVE_AS_CSV)]) \
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
            raise ScenarioError([unreadable_problem(self.name, exc)]) from None
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            raise ScenarioError([Problem.of(self.name, None, None, None, "input.old_xls", fix=SAVE_AS_XLSX)])
        if not head.startswith(b"PK"):
            raise ScenarioError([Problem.of(self.name, None, None, None, "input.not_xlsx", fix=SAVE_AS_XLSX)])
        try:
            self._values = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ScenarioError([Problem.of(self.name, None, None, None, "input.cannot_open",
                                            why=f"{type(exc).__name__}: {exc}", fix=SAVE_AS_XLSX)]) from None
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

    def find(self, names: tuple[str, ...], what: str | Say) -> tuple[str | None, list[Problem]]:
        """The one sheet holding a table (English or Chinese name); two candidates are an error naming both."""
        wanted = {_norm(n) for n in names}
        hits = [t for t in self.states if _norm(t) in wanted]
        if len(hits) > 1:
            def shown(lang: str) -> str:
                return messages.text("input.sheet_and", lang).join(
                    (f"'{t}'" if lang == "en" else f"“{t}”")
                    + (messages.text("input.hidden", lang) if self.states[t] != "visible" else "") for t in hits)
            hidden = any(self.states[t] != "visible" for t in hits)
            return None, [Problem.of(self.name, None, None, None, "input.two_sheets",
                                     shown=Say(shown("en"), shown("zh")), what=what,
                                     hidden=Msg.of("input.two_sheets.hidden") if hidden else "")]
        if not hits:
            return None, []
        problems = []
        if self.states[hits[0]] != "visible":
            problems.append(Problem.of(f"{self.name}, sheet {hits[0]}", None, None, None, "input.sheet_hidden",
                                       severity="warning", what=what))
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
        bad = {(r, get_column_letter(c)): Msg.of("input.excel_error", error=e) for (r, c), e in errors.items()}
        for r, c in self._formula_cells(title, {k for k in blank_cells if k[0] <= len(records)}):
            bad[(r, get_column_letter(c))] = Msg.of("input.uncalculated")
        return _build(f"{self.name}, sheet {title}", records, known, title, [], bad)
