"""Turn a raw table (CSV text or Excel cells) into a typed table per the schema, collecting problems.

The DataFrame index of every parsed table is the row number as Excel shows it (header = row 1),
so any later check can name the row a user will find.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from .errors import Problem
from .schema import BOOL_FALSE, BOOL_TRUE, Column, Table, enum_lookup, subject_code

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
_BOOL = {**{v: True for v in BOOL_TRUE}, **{v: False for v in BOOL_FALSE}}


def _norm_header(h: object) -> str:
    return re.sub(r"\s+", "", str(h)).lower()


def header_map(table: Table) -> dict[str, str]:
    """Accepted header spelling (normalised) -> canonical column name."""
    out = {}
    for c in table.columns:
        for spelling in (c.name, c.alias, *c.extra_aliases):
            out[_norm_header(spelling)] = c.name
    return out


def _cell_text(v: object) -> str:
    if v is None:
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


def parse_table(raw: pd.DataFrame, table: Table, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse one raw table. `raw` holds strings (CSV) or Excel cell values; its first row is row 2."""
    problems: list[Problem] = []
    hmap = header_map(table)
    rename: dict[object, str] = {}
    for h in raw.columns:
        canon = hmap.get(_norm_header(h))
        if canon is not None and canon not in rename.values():
            rename[h] = canon
    raw = raw.rename(columns=rename)
    missing = [c for c in table.columns if c.required and c.name not in raw.columns]
    for c in missing:
        problems.append(Problem(source, 1, c.name, None,
                                f"required column '{c.name}' ({c.alias}) is missing; the header row must name it"))
    if missing:
        return pd.DataFrame(), problems
    raw = raw.reset_index(drop=True)
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    # Drop rows that are entirely empty (Excel often has trailing blank rows).
    text = pd.DataFrame({col: _texts(raw[col]) for col in raw.columns}, index=raw.index)
    if len(text.columns):
        text = text[(text != "").any(axis=1)]
        raw = raw.loc[text.index]
    out = pd.DataFrame(index=text.index)
    for c in table.columns:
        if c.name not in text.columns:
            out[c.name] = _default_series(c, text.index)
            continue
        out[c.name] = _parse_column(c, text[c.name], raw[c.name], source, problems)
    extras = [h for h in text.columns if h not in out.columns]
    for h in extras:
        out[h] = text[h]
    return out, problems


def _texts(s: pd.Series) -> pd.Series:
    if s.dtype == object and not s.map(lambda v: isinstance(v, str)).all():
        return s.map(_cell_text).astype(object)
    if s.dtype != object and not pd.api.types.is_string_dtype(s):
        return s.map(_cell_text).astype(object)
    return s.fillna("").astype(str).str.strip().astype(object)


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


def _bad(problems, source, c: Column, s: pd.Series, mask: pd.Series, what: str):
    for row, val in s[mask].items():
        problems.append(Problem(source, int(row), c.name, val, what))


def _parse_column(c: Column, s: pd.Series, raw: pd.Series, source: str, problems: list[Problem]) -> pd.Series:
    empty = s == ""
    if c.required and c.kind != "bool":
        for row in s.index[empty]:
            problems.append(Problem(source, int(row), c.name, None, f"a value is required here: {c.accepted()}"))
    if c.kind == "text":
        if c.name == "subject":
            uniq = {v: subject_code(v) for v in s.unique()}
            return s.map(uniq).astype(object)
        return s.astype(object)
    if c.kind == "ids":
        return s.map(lambda v: ";".join(p.strip() for p in re.split(r"[;；,，、]", v) if p.strip())).astype(object)
    if c.kind in ("int", "float"):
        num = pd.to_numeric(s.where(~empty, None), errors="coerce")
        bad = ~empty & num.isna()
        if c.kind == "int":
            bad |= ~empty & num.notna() & (num != np.floor(num.fillna(0)))
        if c.min is not None:
            bad_min = ~bad & num.notna() & (num < c.min)
        else:
            bad_min = pd.Series(False, index=s.index)
        if c.max is not None:
            bad_min |= ~bad & num.notna() & (num > c.max)
        _bad(problems, source, c, s, bad | bad_min, f"expected {c.accepted()}")
        num = num.where(~(bad | bad_min))
        if c.kind == "int":
            if c.default is None:
                return num.round().astype("Int64")
            return num.fillna(c.default).round().astype("int64")
        return num.fillna(np.nan if c.default is None else c.default).astype("float64")
    if c.kind == "bool":
        low = s.str.lower()
        val = low.map(_BOOL)
        bad = val.isna()
        _bad(problems, source, c, s, bad, f"expected {c.accepted()}")
        val = val.where(~empty, bool(c.default) if c.default is not None else False)
        return val.fillna(False).astype(bool)
    if c.kind == "enum":
        lookup = enum_lookup(c.enum)
        val = s.str.lower().map(lookup)
        bad = val.isna() & ~empty
        _bad(problems, source, c, s, bad, f"expected one of {c.accepted()}")
        if c.default is not None:
            val = val.where(~empty, c.default)
        return val.fillna("").astype(object)
    if c.kind == "date":
        return _parse_dates(c, s, raw, source, problems)
    raise AssertionError(c.kind)


def _parse_dates(c: Column, s: pd.Series, raw: pd.Series, source: str, problems: list[Problem]) -> pd.Series:
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    is_dt = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt].map(lambda v: pd.Timestamp(v).normalize()))
    rest = ~is_dt & (s != "")
    parts = s[rest].str.extract(_DATE_RE)
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
    bad_rows = rest[rest].index[~ok.values]
    _bad(problems, source, c, s, s.index.isin(bad_rows), f"expected {c.accepted()}")
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
