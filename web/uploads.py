"""Uploaded scenarios: a workbook (.xlsx) or a zip of the scenario's CSV files, checked before anything reads
them, stored under names the server chooses, then read and validated as `rotaplan validate` does.

An upload is refused with a message (never extracted) when it is larger than `Limits.upload_bytes`, or when
its zip directory promises too many members, too many uncompressed bytes or (a workbook) a sheet with more
rows than `Limits.rows`. A member's own name never becomes a path: a zip's members are matched against the
scenario's table names (schools.csv, 教职工.csv ...) and written under the table's canonical file name.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..models import Scenario, ScenarioError
from ..models.errors import Problem
from ..models.schema import POLICY_SHEET, TABLES
from ..models.summary import summary


@dataclass(frozen=True)
class Limits:
    upload_bytes: int = 50 * 1024 * 1024  # the file as sent
    unpacked_bytes: int = 400 * 1024 * 1024  # every member uncompressed, as the zip directory says
    members: int = 400  # zip entries (a workbook has some dozens)
    rows: int = 300_000  # rows of one sheet (a district of 100,000 staff has about that many demand lines)
    hiring_bytes: int = 256 * 1024  # a hiring plan (hiring.yaml) for a roadmap: a short text


class Refused(Exception):
    """An upload the server will not open; `key` names the message, `fields` fill it."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


def kind_of(filename: str) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".zip":
        return "zip"
    raise Refused("web.upload.kind")


def _directory(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused("web.upload.not_zip") from None
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise Refused("web.upload.members", n=len(infos), most=limits.members)
    total = sum(i.file_size for i in infos)
    if total > limits.unpacked_bytes:
        raise Refused("web.upload.unpacked", mb=total // 2**20, most=limits.unpacked_bytes // 2**20)
    return zf


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A member's bytes, read no further than the limit (the directory's sizes can lie)."""
    with zf.open(info) as f:
        out = f.read(limits.unpacked_bytes + 1)
    if len(out) > limits.unpacked_bytes:
        raise Refused("web.upload.unpacked", mb=len(out) // 2**20, most=limits.unpacked_bytes // 2**20)
    return out


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:?[A-Z]*(\d*)\"")
_ROW = re.compile(rb"<(?:\w+:)?row\b")


def check_xlsx(data: bytes, limits: Limits) -> None:
    """A workbook's zip directory and each sheet's row count (its dimension, else its rows counted)."""
    zf = _directory(data, limits)
    total = 0
    for info in zf.infolist():
        if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
            continue
        raw = _read_member(zf, info, limits)
        total += len(raw)
        if total > limits.unpacked_bytes:
            raise Refused("web.upload.unpacked", mb=total // 2**20, most=limits.unpacked_bytes // 2**20)
        m = _DIMENSION.search(raw[:4096])
        rows = int(m.group(1)) if m and m.group(1) else 0
        rows = max(rows, len(_ROW.findall(raw)))
        if rows > limits.rows:
            raise Refused("web.upload.rows", rows=rows, most=limits.rows)


def _table_file(name: str) -> str | None:
    """The canonical file name of the scenario table a zip member holds (by its base name), else None."""
    p = PurePosixPath(name.replace("\\", "/"))
    stem, suffix = p.stem.strip().lower(), p.suffix.lower()
    if p.name.startswith(("~$", ".")) or "__MACOSX" in p.parts:
        return None
    if suffix == ".csv":
        for t in TABLES:
            if stem in (t.name, t.alias):
                return f"{t.name}.csv"
    if suffix in (".yaml", ".yml") and stem in POLICY_SHEET:
        return "policy.yaml"
    return None


def store_zip(data: bytes, folder: Path, limits: Limits) -> Path:
    """The zip's scenario files written into `folder/scenario/` under canonical names; others ignored."""
    zf = _directory(data, limits)
    out = folder / "scenario"
    out.mkdir()
    seen: dict[str, str] = {}
    for info in zf.infolist():
        if info.is_dir():
            continue
        target = _table_file(info.filename)
        if target is None:
            continue
        if target in seen:
            raise Refused("web.upload.twice", a=seen[target], b=info.filename, table=target)
        seen[target] = info.filename
        (out / target).write_bytes(_read_member(zf, info, limits))
    if not seen:
        raise Refused("web.upload.no_tables")
    return out


def store(data: bytes, filename: str, folder: Path, limits: Limits) -> tuple[str, Path]:
    """Check and store an upload in `folder` (the server's). Returns (kind, the scenario's path)."""
    if len(data) > limits.upload_bytes:
        raise Refused("web.upload.size", mb=len(data) // 2**20, most=limits.upload_bytes // 2**20)
    kind = kind_of(filename)
    if kind == "xlsx":
        check_xlsx(data, limits)
        path = folder / "scenario.xlsx"
        path.write_bytes(data)
        return kind, path
    return kind, store_zip(data, folder, limits)


def problem_dict(p: Problem) -> dict:
    """A problem as the pages show it; the sentence in both languages (the page picks its own)."""
    return {"source": p.source, "row": p.row, "column": p.column or "", "header": p.header or "",
            "cell": p.cell or "", "value": "" if p.value is None else str(p.value), "message": p.text("en"),
            "message_zh": p.text("zh"), "severity": p.severity}


def validate(path: Path, display_name: str) -> tuple[list[dict], dict]:
    """(problems, summary) of a stored scenario: every problem `rotaplan validate` lists, or its summary.

    The server's file name is replaced by the name the office gave the file in what is shown."""
    try:
        sc = Scenario.read(path)
    except ScenarioError as exc:
        return [_named(problem_dict(p), path, display_name) for p in exc.problems], {}
    s = summary(sc)
    s["rule_figures"] = [list(r) for r in s["rule_figures"]]
    s["name"] = display_name
    s["plan_year"] = sc.policy.plan_year
    s["warnings"] = [_named(problem_dict(w), path, display_name) for w in sc.warnings if isinstance(w, Problem)]
    return [], s


def _named(d: dict, path: Path, display_name: str) -> dict:
    d["source"] = d["source"].replace(path.name, display_name) if path.suffix else d["source"]
    return d
