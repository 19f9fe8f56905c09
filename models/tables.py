"""Turn a raw table (CSV text or Excel cells) into a typed table per the schema, collecting problems.

The DataFrame index of every parsed table is the row number as Excel shows it (header = row 1, blank lines
counted), so any later check can name the row a user will find; the table's `Layout` names the column
letters and the headers as the file spells them, so a problem can also name the cell.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import messages
from .errors import Problem
from .readers import RawTable, is_excel_error
from .schema import BOOL_FALSE, BOOL_TRUE, Column, Table, enum_lookup, subject_code

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")  # 19850302, 198503: common in HR exports
_BOOL = {**{v: True for v in BOOL_TRUE}, **{v: False for v in BOOL_FALSE}}
_FREE_TEXT = ("name", "township", "exempt_reason")  # kept exactly as typed; other cells are NFKC-normalised

messages.register({
    "input.two_columns": ("two columns hold {column}: {first} '{first_header}' and {letter} '{second_header}'; keep "
                          "one of them (delete or rename the other)",
                          "有两列都是{column}：{first}列“{first_header}”和{letter}列“{second_header}”；请保留其中一列"
                          "（删除另一列或改名）"),
    "input.missing.hint": ("; column {letter} is headed '{header}': did you mean {name} ({alias})?",
                           "；{letter}列的表头是“{header}”：是否应为{alias}（{name}）？"),
    "input.missing.required": ("the header row must name {name} or {alias}, and every row needs a value",
                               "表头行必须有{alias}（或{name}）一列，且每行都要填写"),
    "input.missing.needed": ("{needed_by} needs it, so it is not assumed {default} for everyone; add the column "
                             "headed {name} or {alias} (an empty cell reads as {default})",
                             "{needed_by}需要此列，因此不能默认所有人都为{default}；请添加表头为{alias}（或{name}）的一列"
                             "（空单元格按{default}处理）"),
    "input.missing": ("missing column: {what}{hint}", "缺少列：{what}{hint}"),
    "input.optional_absent": ("optional column(s) not in the header row, so defaults are used: {listed}",
                              "表头行中没有以下可选列，使用默认值：{listed}"),
    "input.column_empty": ("the column is empty in every row, so {default} is used for everyone; {needed_by} reads it",
                           "此列每行都为空，因此所有人都按{default}处理；{needed_by}要用到此列"),
    "input.required": ("a value is required here", "此处必须填写"),
    "input.required_as": ("a value is required here: {accepted}", "此处必须填写：{accepted}"),
    "input.expected": ("expected {accepted}", "应为{accepted}"),
    "input.out_of_range": ("out of range: expected {accepted}", "超出范围：应为{accepted}"),
    "input.expected_one_of": ("expected one of {accepted}", "应为以下之一：{accepted}"),
    "input.date_serial": ("expected {accepted}; this looks like an Excel date serial number: format the column as a "
                          "date in Excel (Format Cells > Date) or type the date",
                          "应为{accepted}；这像是Excel的日期序列号：请在Excel中将此列设置为日期格式"
                          "（设置单元格格式 > 日期），或直接输入日期"),
})


def _norm_header(h: object) -> str:
    """Header spelling for matching: no spaces, lower case, half-width, no required-marker '*'."""
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", str(h))).lower().strip("*")


def header_map(table: Table) -> dict[str, str]:
    """Accepted header spelling (normalised) -> canonical column name."""
    out = {}
    for c in table.columns:
        for spelling in (c.name, c.alias, *c.extra_aliases):
            out[_norm_header(spelling)] = c.name
    return out


def known_headers(table: Table) -> set[str]:
    """Normalised spellings that mark a row as this table's header row."""
    return set(header_map(table))


def _cell_text(v: object) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).strip()


def _normal_text(v: object) -> str:
    """Cell text with full-width digits, letters and signs made half-width (Ｓ００１ -> S001)."""
    t = _cell_text(v)
    return t if t.isascii() else unicodedata.normalize("NFKC", t).strip()


def _map_unique(s: pd.Series, f) -> pd.Series:
    """`s.map(f)`, computing f once per distinct value (a column repeats few values)."""
    values = s.to_numpy(dtype=object)
    lookup: dict = {}
    out = []
    for v in values:
        try:
            t = lookup[v]
        except KeyError:
            t = lookup[v] = f(v)
        except TypeError:  # unhashable: compute
            t = f(v)
        out.append(t)
    return pd.Series(out, index=s.index, dtype=object)


@dataclass
class Layout:
    """Where a parsed table's columns sit in the user's file: for problems that name a cell."""

    source: str
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)  # column -> letter
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as written
    absent: tuple[str, ...] = ()  # optional columns the file does not have

    def locate(self, p: Problem) -> Problem:
        """The problem with the file's header spelling and the cell name filled in."""
        if p.source != self.source or not p.column:
            return p
        letter = self.letters.get(p.column)
        header = p.header or self.headers.get(p.column)
        cell = p.cell
        if cell is None and letter and self.sheet and p.row is not None and p.row > 1:
            cell = f"{self.sheet}!{letter}{p.row}"
        return dataclasses.replace(p, header=header, cell=cell)


def parse_table(raw: pd.DataFrame | RawTable, table: Table, source: str | None = None
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse one raw table (a frame whose first row is row 2, or a RawTable from a reader)."""
    df, problems, _ = parse_raw(raw if isinstance(raw, RawTable) else RawTable.from_frame(raw, source or table.file),
                                table)
    return df, problems


def _resolve(raw: RawTable, table: Table, problems: list[Problem]) -> tuple[dict[str, str], dict[str, str]]:
    """Header cells -> (column -> letter, letter -> extra header). Two headers for one column are an error."""
    hmap = header_map(table)
    letters: dict[str, str] = {}
    extras: dict[str, str] = {}
    for letter, h in raw.headers.items():
        canon = hmap.get(_norm_header(h)) if h else None
        if canon is None:
            extras[letter] = h
        elif canon in letters:
            first = letters[canon]
            problems.append(Problem.of(raw.source, raw.header_row, canon, None, "input.two_columns", header=h,
                                       column=table.column(canon).word(), first=first,
                                       first_header=raw.headers[first], letter=letter, second_header=h))
            extras[letter] = h
        else:
            letters[canon] = letter
    return letters, extras


def _missing(raw: RawTable, table: Table, letters: dict[str, str], extras: dict[str, str],
             problems: list[Problem]) -> list[Column]:
    """Errors for absent columns that a rule needs; one warning listing the absent optional ones."""
    absent_optional = []
    unknown = {h: letter for letter, h in extras.items() if h}
    for c in table.columns:
        if c.name in letters:
            continue
        if not c.in_header:
            absent_optional.append(c)
            continue
        close = difflib.get_close_matches(_norm_header(c.name), [_norm_header(h) for h in unknown], n=1, cutoff=0.75) \
            or difflib.get_close_matches(_norm_header(c.alias), [_norm_header(h) for h in unknown], n=1, cutoff=0.6)
        hint: object = ""
        if close:
            h = next(h for h in unknown if _norm_header(h) == close[0])
            hint = messages.Msg.of("input.missing.hint", letter=unknown[h], header=h, name=c.name, alias=c.alias)
        if c.required:
            what = messages.Msg.of("input.missing.required", name=c.name, alias=c.alias)
        else:
            what = messages.Msg.of("input.missing.needed", needed_by=c.needed_by_say(), default=c.default_say(),
                                   name=c.name, alias=c.alias)
        problems.append(Problem.of(raw.source, raw.header_row, c.name, None, "input.missing", header=c.alias,
                                   what=what, hint=hint))
    if absent_optional:
        listed = messages.Say("; ".join(f"{c.name} ({c.alias}) = {c.default_text()}" for c in absent_optional),
                              "；".join(f"{c.alias}（{c.name}）= {c.default_say().zh}" for c in absent_optional))
        problems.append(Problem.of(raw.source, raw.header_row, None, None, "input.optional_absent",
                                   severity="warning", listed=listed))
    return absent_optional


def parse_raw(raw: RawTable, table: Table) -> tuple[pd.DataFrame, list[Problem], Layout]:
    """Parse a raw table: typed columns, extra columns kept as text, every problem located."""
    problems: list[Problem] = list(raw.problems)
    letters, extras = _resolve(raw, table, problems)
    absent = _missing(raw, table, letters, extras, problems)
    layout = Layout(raw.source, raw.sheet, letters, {c: raw.headers[letter] for c, letter in letters.items()},
                    tuple(c.name for c in absent))
    frame = raw.frame
    text = pd.DataFrame(index=frame.index)
    bad_rows: dict[str, set[int]] = {}
    for c in table.columns:
        letter = letters.get(c.name)
        if letter is None:
            continue
        col = _map_unique(frame[letter], _cell_text if c.name in _FREE_TEXT else _normal_text)
        bad = {r: why for (r, lt), why in raw.bad.items() if lt == letter}
        hashed = col[col.str.startswith("#")]
        for r, v in hashed[hashed.map(is_excel_error)].items():
            bad[int(r)] = messages.Msg.of("input.excel_error", error=v)
        for r, why in sorted(bad.items()):
            problems.append(Problem.from_msg(raw.source, int(r), c.name, None, why, header=raw.headers[letter],
                                             cell=raw.cell(int(r), letter)))
        if bad:
            col[col.index.isin(list(bad))] = ""
            bad_rows[c.name] = set(bad)
        text[c.name] = col
    extra_text = {}
    for letter, h in extras.items():
        name = h if h and h not in text.columns and h not in extra_text else f"{h or 'column'} ({letter})"
        extra_text[name] = _map_unique(frame[letter], _cell_text)
    # Drop rows that are entirely empty (blank lines, Excel's trailing blank rows); the others keep their number.
    filled = pd.Series(False, index=frame.index)
    for s in (*(text[c] for c in text.columns), *extra_text.values()):
        filled |= s != ""
    for rows in bad_rows.values():
        filled |= frame.index.isin(list(rows))
    text = text[filled]
    out = pd.DataFrame(index=text.index)

    def report(c: Column):
        letter = letters.get(c.name)

        def add(row, value, message: messages.Msg, severity="error"):
            problems.append(Problem.from_msg(raw.source, int(row), c.name, value, message, severity=severity,
                                             header=raw.headers.get(letter) if letter else None,
                                             cell=raw.cell(int(row), letter)))
        return add

    for c in table.columns:
        if c.name not in text.columns:
            out[c.name] = _default_series(c, text.index)
            continue
        raw_col = frame.loc[text.index, letters[c.name]]
        out[c.name] = _parse_column(c, text[c.name], raw_col, report(c), bad_rows.get(c.name, set()))
    for name, s in extra_text.items():
        out[name] = s[filled]
    for c in table.columns:  # a column that is there but empty throughout is as silent as an absent one
        if c.needed_by and c.name in text.columns and len(text) and (text[c.name] == "").all():
            problems.append(Problem.of(raw.source, raw.header_row, c.name, None, "input.column_empty",
                                       severity="warning", header=raw.headers[letters[c.name]],
                                       default=c.default_say(), needed_by=c.needed_by_say()))
    return out, problems, layout


def _default_series(c: Column, index) -> pd.Series:
    if c.kind in ("int",):
        if c.default is None:
            return pd.Series(pd.NA, index=index, dtype="Int64")
        return pd.Series(int(c.default), index=index, dtype="int64")
    if c.kind == "float":
        return pd.Series(np.nan if c.default is None else float(c.default), index=index, dtype="float64")
    if c.kind == "bool":
        return pd.Series(bool(c.default), index=index, dtype=bool)
    return pd.Series("" if c.default is None else c.default, index=index, dtype=object)


def _parse_column(c: Column, s: pd.Series, raw: pd.Series, add, skip: set[int]) -> pd.Series:
    """Typed values of one column; `add(row, value, message)` reports a bad cell; rows in `skip` are reported."""
    empty = s == ""

    def bad(mask: pd.Series, what: messages.Msg):
        for row, val in s[mask].items():
            add(row, val, what)

    if c.required and c.kind != "bool":
        for row in s.index[empty]:
            if int(row) not in skip:
                add(row, None, messages.Msg.of("input.required") if c.kind == "text" else
                    messages.Msg.of("input.required_as", accepted=c.accepted_say()))
    if c.kind == "text":
        if c.name == "subject":
            uniq = {v: subject_code(v) for v in s.unique()}
            return s.map(uniq).astype(object)
        return s.astype(object)
    if c.kind == "ids":
        return s.map(lambda v: ";".join(p.strip() for p in re.split(r"[;；,，、]", v) if p.strip())).astype(object)
    if c.kind in ("int", "float"):
        num = pd.to_numeric(s.where(~empty, None), errors="coerce")
        wrong = ~empty & num.isna()
        if c.kind == "int":
            wrong |= ~empty & num.notna() & (num != np.floor(num.fillna(0)))
        out_of_range = pd.Series(False, index=s.index)
        if c.min is not None:
            out_of_range |= ~wrong & num.notna() & (num < c.min)
        if c.max is not None:
            out_of_range |= ~wrong & num.notna() & (num > c.max)
        bad(wrong, messages.Msg.of("input.expected", accepted=c.accepted_say()))
        bad(out_of_range, messages.Msg.of("input.out_of_range", accepted=c.accepted_say()))
        num = num.where(~(wrong | out_of_range))
        if c.kind == "int":
            if c.default is None:
                return num.round().astype("Int64")
            return num.fillna(c.default).round().astype("int64")
        return num.fillna(np.nan if c.default is None else c.default).astype("float64")
    if c.kind == "bool":
        low = s.str.lower()
        val = low.map(_BOOL)
        bad(val.isna(), messages.Msg.of("input.expected", accepted=c.accepted_say()))
        val = val.where(~empty, bool(c.default) if c.default is not None else False)
        return val.fillna(False).astype(bool)
    if c.kind == "enum":
        lookup = enum_lookup(c.enum or {})
        val = s.str.lower().map(lookup)
        bad(val.isna() & ~empty, messages.Msg.of("input.expected_one_of", accepted=c.accepted_say()))
        if c.default is not None:
            val = val.where(~empty, c.default)
        return val.fillna("").astype(object)
    if c.kind == "date":
        return _parse_dates(c, s, raw, bad)
    raise AssertionError(c.kind)


def _parse_dates(c: Column, s: pd.Series, raw: pd.Series, bad) -> pd.Series:
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    is_dt = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt].map(lambda v: pd.Timestamp(v).normalize()))
    rest = ~is_dt & (s != "")
    txt = s[rest]
    parts = txt.str.extract(_DATE_RE)
    compact = txt.str.extract(_COMPACT_DATE_RE)
    use_compact = parts[0].isna() & compact[0].notna()
    parts[use_compact] = compact[use_compact]
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    day = pd.to_numeric(parts[2], errors="coerce").fillna(1)
    ok = year.notna() & month.between(1, 12) & day.between(1, 31)
    parsed = pd.to_datetime(
        pd.DataFrame({"year": year.where(ok, 2000), "month": month.where(ok, 1), "day": day.where(ok, 1)}),
        errors="coerce",
    )
    ok &= parsed.notna()
    out[rest[rest].index[ok.values]] = parsed[ok]
    wrong = pd.Series(False, index=s.index)
    wrong[rest[rest].index[~ok.values]] = True
    serial = wrong & s.str.fullmatch(r"\d{5}(\.0+)?")
    bad(wrong & ~serial, messages.Msg.of("input.expected", accepted=c.accepted_say()))
    bad(serial, messages.Msg.of("input.date_serial", accepted=c.accepted_say()))
    return out


def format_table(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The canonical text form of a typed table, as written to CSV or a sheet."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        try:
            c = table.column(col)
        except KeyError:
            out[col] = s
            continue
        if c.kind == "date" and pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif c.kind == "bool":
            out[col] = s.map(lambda v: "true" if v is True or v is np.True_ else
                             "false" if v is False or v is np.False_ else _cell_text(v))
        elif c.kind == "int" and pd.api.types.is_numeric_dtype(s):
            out[col] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif c.kind == "float" and pd.api.types.is_numeric_dtype(s):
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:.10g}")
        else:
            out[col] = s.map(_cell_text).astype(object)
    return out
