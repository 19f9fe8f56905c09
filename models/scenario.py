"""The Scenario: the office's data for one plan, read from a folder of CSV files or one workbook."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import messages
from .errors import Problem, ScenarioError
from .messages import Msg, Say
from .outputs import Protected, atomic_write_dir, atomic_write_file  # noqa: F401 - atomic_* re-exported
from .policy import Policy
from .readers import SAVE_AS_CSV, SAVE_AS_XLSX, RawTable, Workbook, read_csv, read_csv_frame
from .schema import DEMAND, NODES, POLICY_SHEET, ROADS, SCHOOLS, STAFF, TABLES
from .tables import Layout, format_table, known_headers, parse_raw
from .travel import Travel

BUILTIN = Path(__file__).resolve().parent.parent / "scenarios" / "laiwu"
CSV_SUFFIXES = (".csv", ".tsv", ".txt")  # .txt: what Excel's "Unicode Text" writes

messages.register({
    "input.no_person": ("no such person", "没有此人"),
    "input.no_path": ("no such file or folder", "文件或文件夹不存在"),
    "input.suffix": ("rotaplan reads .xlsx workbooks, not {suffix}; {fix}",
                     "rotaplan读取.xlsx工作簿，不读取{suffix}；{fix}"),
    "input.one_table": ("one table is not a scenario: give the folder that holds schools.csv, staff.csv and "
                        "demand.csv ({folder}), or one .xlsx workbook",
                        "单个表格不构成方案数据：请提供包含schools.csv、staff.csv和demand.csv的文件夹（{folder}），"
                        "或一个.xlsx工作簿"),
    "input.what_scenario": ("a scenario is a folder of CSV files or one .xlsx workbook",
                            "方案数据应为一个CSV文件夹或一个.xlsx工作簿"),
    "input.two_files": ("files {files} both hold the {what} table; keep one: delete, move or rename the other",
                        "文件{files}都是{what}表；请保留一个，删除、移走或重命名另一个"),
    "input.missing_file.book": ("; {book} is a workbook: {fix}", "；{book}是工作簿：{fix}"),
    "input.missing_file.books": ("; the folder holds {books}: give that workbook instead of the folder",
                                 "；文件夹中有{books}：请提供该工作簿，而不是文件夹"),
    "input.missing_file": ("missing: a scenario folder needs {file} (or {alias}.csv){hint}",
                           "缺少文件：方案文件夹需要{file}（或{alias}.csv）{hint}"),
    "input.two_policies": ("files {files} both hold the policy; keep one", "文件{files}都是政策参数；请保留一个"),
    "input.missing_sheet": ("missing sheet '{name}' ({alias}); the workbook has sheets {sheets}",
                            "缺少工作表“{alias}”（{name}）；工作簿中的工作表为{sheets}"),
    "input.policy_sheet_used": ("the policy sheet is used; policy.yaml beside the workbook is not read",
                                "使用政策参数工作表；工作簿旁的policy.yaml不读取"),
    "input.policy_columns": ("the policy sheet needs two columns: key (参数), value (值)",
                             "政策参数工作表需要两列：参数（key）、值（value）"),
    "input.policy_twice": ("policy key given twice: already at row {first}; keep one",
                           "政策参数重复：第{first}行已填写；请保留一个"),
})


@dataclass
class Scenario:
    """Typed tables (pandas, index = row number as Excel shows it) plus the policy."""

    schools: pd.DataFrame
    staff: pd.DataFrame
    demand: pd.DataFrame
    policy: Policy = field(default_factory=Policy)
    roads: pd.DataFrame | None = None
    nodes: pd.DataFrame | None = None
    name: str = "scenario"
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    layouts: dict[str, Layout] = field(default_factory=dict)  # where each table's columns sit in the files

    # ---- derived facts (data only, no rules) -------------------------------------------
    def source(self, table: str) -> str:
        return self.sources.get(table, f"{table}.csv")

    @cached_property
    def school_index(self) -> pd.DataFrame:
        return self.schools.set_index("school_id", drop=False)

    @cached_property
    def travel(self) -> Travel:
        return Travel(self.schools, self.roads, self.policy.detour_factor, self.policy.road_speed_kmh)

    @cached_property
    def ages(self) -> pd.Series:
        """Age in whole years on 1 September of plan_year, by staff row."""
        ref = pd.Timestamp(year=self.policy.plan_year, month=9, day=1)
        b = self.staff["birth_date"]
        years = ref.year - b.dt.year
        before_birthday = (b.dt.month > ref.month) | ((b.dt.month == ref.month) & (b.dt.day > ref.day))
        return (years - before_birthday.astype(int)).astype("Int64")

    def person(self, person_id: str) -> pd.Series:
        hit = self.staff[self.staff["person_id"] == person_id]
        if hit.empty:
            raise ScenarioError([Problem.of(self.source("staff"), None, "person_id", person_id, "input.no_person")])
        return hit.iloc[0]

    def copy(self) -> Scenario:
        return Scenario(
            self.schools.copy(), self.staff.copy(), self.demand.copy(), self.policy,
            None if self.roads is None else self.roads.copy(),
            None if self.nodes is None else self.nodes.copy(),
            self.name, dict(self.sources), list(self.warnings), dict(self.layouts),
        )

    # ---- reading ------------------------------------------------------------------------
    @classmethod
    def read(cls, path: str | Path | None = None, check: bool = True) -> Scenario:
        """Read a scenario folder or workbook (default: the built-in sample) and validate it.

        Errors (every one found, each naming file or sheet, row, column and cell) raise ScenarioError;
        warnings are kept in `warnings`.
        """
        path = Path(path) if path else BUILTIN
        if not path.exists():
            raise ScenarioError([Problem.of(str(path), None, None, None, "input.no_path")])
        suffix = path.suffix.lower()
        if path.is_dir():
            sc = _read_folder(path)
        elif suffix in (".xlsx", ".xlsm"):
            sc = _read_workbook(path)
        elif suffix in (".xls", ".et", ".ods", ".numbers", ".wps"):
            raise ScenarioError([Problem.of(path.name, None, None, None, "input.suffix", suffix=suffix,
                                            fix=SAVE_AS_XLSX)])
        elif suffix in CSV_SUFFIXES:
            raise ScenarioError([Problem.of(path.name, None, None, None, "input.one_table",
                                            folder=str(path.parent))])
        else:
            raise ScenarioError([Problem.of(str(path), None, None, None, "input.what_scenario")])
        if check:
            from .validate import check_scenario

            found = [sc.locate(p) for p in check_scenario(sc)]
            errors = [p for p in found if p.severity == "error"]
            sc.warnings.extend(p for p in found if p.severity == "warning")
            if errors:
                raise ScenarioError(errors)
        return sc

    def locate(self, p: Problem) -> Problem:
        """A problem about a table's column, with the file's header spelling and the cell filled in."""
        for layout in self.layouts.values():
            if layout.source == p.source:
                return layout.locate(p)
        return p

    # ---- writing ------------------------------------------------------------------------
    def write(self, path: str | Path, protect: Protected = (), option: str = "") -> Path:
        """Write as a folder of CSV + policy.yaml, or as one workbook when path ends in .xlsx.

        Only into a new path or over a scenario rotaplan wrote there before and nobody changed since
        (models/outputs.py), atomically: a temporary sibling is filled, then renamed into place.
        """
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            return atomic_write_file(path, self.write_workbook, "scenario", protect, option)
        return atomic_write_dir(path, self.write_files, "scenario", protect, option or "")

    def write_files(self, folder: Path) -> None:
        """The CSV files and policy.yaml into an existing folder (e.g. a plan's temporary folder)."""
        folder = Path(folder)
        folder.mkdir(exist_ok=True)
        for name, df in self.text_tables().items():
            df.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
        (folder / "policy.yaml").write_text(self.policy.to_yaml(), encoding="utf-8")

    def write_workbook(self, path: Path) -> None:
        """One workbook: a sheet per table and a policy sheet of key, value."""
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in self.text_tables().items():
                df.to_excel(xw, sheet_name=name, index=False)
            pol = _flatten_policy(self.policy)
            pd.DataFrame({"key": list(pol), "value": list(pol.values())}).to_excel(xw, sheet_name="policy", index=False)

    def text_tables(self) -> dict[str, pd.DataFrame]:
        frames = {"schools": format_table(self.schools, SCHOOLS), "staff": format_table(self.staff, STAFF),
                  "demand": format_table(self.demand, DEMAND)}
        if self.roads is not None and not self.roads.empty:
            frames["roads"] = format_table(self.roads, ROADS)
        if self.nodes is not None and not self.nodes.empty:
            frames["nodes"] = format_table(self.nodes, NODES)
        return frames

    @classmethod
    def from_frames(cls, frames: dict, policy: Policy | dict | None = None, name: str = "generated",
                    check: bool = False) -> Scenario:
        """Build a scenario from plain frames (e.g. the generator's) through the same parser as files."""
        problems: list[Problem] = []
        tables, layouts = {}, {}
        for t in TABLES:
            df = frames.get(t.name)
            if df is None:
                continue
            raw = format_table(df.reset_index(drop=True), t).astype(object)
            tables[t.name], found, layouts[t.name] = parse_raw(RawTable.from_frame(raw, t.file), t)
            problems += found
        errors, warnings = _split(problems)
        if errors:
            raise ScenarioError(errors)
        pol = policy if isinstance(policy, Policy) else Policy.from_mapping(policy or {})
        sc = cls(tables["schools"], tables["staff"], tables["demand"], pol, tables.get("roads"),
                 tables.get("nodes"), name, {t: f"{t}.csv" for t in tables}, warnings, layouts)
        if check:
            from .validate import check_scenario

            found = [sc.locate(p) for p in check_scenario(sc)]
            if any(p.severity == "error" for p in found):
                raise ScenarioError(found)
            sc.warnings += [p for p in found if p.severity == "warning"]
        return sc


def _flatten_policy(policy: Policy) -> dict:
    data = policy.to_mapping()
    weights = data.pop("weights")
    data.update({f"weights.{k}": v for k, v in weights.items()})
    return {k: ";".join(v) if isinstance(v, list) else v for k, v in data.items()}  # a list in one cell


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells in any encoding and separator Excel writes; index = row number as Excel shows it."""
    return read_csv_frame(path)


def _split(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    return [p for p in problems if p.severity == "error"], [p for p in problems if p.severity != "error"]


def _read_folder(folder: Path) -> Scenario:
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    layouts: dict[str, Layout] = {}
    files = sorted(f for f in folder.iterdir() if f.suffix.lower() in CSV_SUFFIXES and f.is_file()
                   and not f.name.startswith(("~$", ".")))
    books = sorted(f.name for f in folder.iterdir() if f.suffix.lower() in (".xlsx", ".xlsm", ".xls")
                   and not f.name.startswith(("~$", ".")))
    for t in TABLES:
        hits = [f for f in files if f.stem.strip().lower() in (t.name, t.alias)]
        if len(hits) > 1:
            problems.append(Problem.of(f"{folder.name}/", None, None, None, "input.two_files",
                                       files=Say(" and ".join(f.name for f in hits), "和".join(f.name for f in hits)),
                                       what=Say(t.name, t.alias)))
            continue
        if not hits:
            if t.required:
                hint: object = ""
                same = [b for b in books if Path(b).stem.strip().lower() in (t.name, t.alias)]
                if same:
                    hint = Msg.of("input.missing_file.book", book=same[0], fix=SAVE_AS_CSV)
                elif books:
                    hint = Msg.of("input.missing_file.books", books=Say(", ".join(books), "、".join(books)))
                problems.append(Problem.of(f"{folder.name}/{t.file}", None, None, None, "input.missing_file",
                                           file=t.file, alias=t.alias, hint=hint))
            continue
        f = hits[0]
        sources[t.name] = f.name
        try:
            raw = read_csv(f, known_headers(t))
        except ScenarioError as exc:
            problems += exc.problems
            continue
        tables[t.name], found, layouts[t.name] = parse_raw(raw, t)
        problems += found
    policy = Policy()
    found_policy = [folder / f"{stem}.yaml" for stem in POLICY_SHEET if (folder / f"{stem}.yaml").exists()]
    if len(found_policy) > 1:
        problems.append(Problem.of(f"{folder.name}/", None, None, None, "input.two_policies",
                                   files=Say(" and ".join(f.name for f in found_policy),
                                             "和".join(f.name for f in found_policy))))
    elif found_policy:
        try:
            policy = Policy.from_file(found_policy[0])
        except ScenarioError as exc:
            problems += exc.problems
    errors, warnings = _split(problems)
    if errors:
        raise ScenarioError(errors)
    return Scenario(tables["schools"], tables["staff"], tables["demand"], policy, tables.get("roads"),
                    tables.get("nodes"), folder.name, sources, warnings, layouts)


def _read_workbook(path: Path) -> Scenario:
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    layouts: dict[str, Layout] = {}
    policy = Policy()
    with Workbook(path) as wb:
        for t in TABLES:
            title, found = wb.find((t.name, t.alias), Say(t.name, t.alias))
            problems += found
            if title is None:
                if t.required and not found:
                    problems.append(Problem.of(path.name, None, None, None, "input.missing_sheet", name=t.name,
                                               alias=t.alias, sheets=Say(", ".join(f"'{s}'" for s in wb.states),
                                                                         "、".join(f"“{s}”" for s in wb.states))))
                continue
            raw = wb.read(title, known_headers(t))
            sources[t.name] = raw.source
            tables[t.name], found, layouts[t.name] = parse_raw(raw, t)
            problems += found
        title, found = wb.find(POLICY_SHEET, Say("policy", "政策参数"))
        problems += found
        if title is not None:
            try:
                policy = _policy_from_sheet(wb.read(title, set(_POLICY_HEADERS)))
            except ScenarioError as exc:
                problems += exc.problems
            if (path.parent / "policy.yaml").exists():
                problems.append(Problem.of(f"{path.name}, sheet {title}", None, None, None, "input.policy_sheet_used",
                                           severity="warning"))
        elif (path.parent / "policy.yaml").exists():
            try:
                policy = Policy.from_file(path.parent / "policy.yaml")
            except ScenarioError as exc:
                problems += exc.problems
    errors, warnings = _split(problems)
    if errors:
        raise ScenarioError(errors)
    return Scenario(tables["schools"], tables["staff"], tables["demand"], policy, tables.get("roads"),
                    tables.get("nodes"), path.stem, sources, warnings, layouts)


_POLICY_HEADERS = {"key": "key", "参数": "key", "value": "value", "值": "value"}


def _policy_from_sheet(raw: RawTable) -> Policy:
    """The two-column policy sheet (key 参数, value 值) as a Policy; problems name the key's row and cell."""
    cols = {}
    for letter, h in raw.headers.items():
        role = _POLICY_HEADERS.get(h.strip().lower())
        if role and role not in cols:
            cols[role] = letter
    if len(cols) < 2:
        raise ScenarioError([Problem.of(raw.source, raw.header_row, None, None, "input.policy_columns")])
    problems: list[Problem] = []
    mapping: dict[str, object] = {}
    where: dict[str, tuple[int, str, str]] = {}
    for row, k, v in zip(raw.frame.index, raw.frame[cols["key"]], raw.frame[cols["value"]]):
        if k is None or str(k).strip() == "":
            continue
        k = str(k).strip()
        why = raw.bad.get((int(row), cols["value"]))
        if why:
            problems.append(Problem.from_msg(raw.source, int(row), k, None, why,
                                             cell=raw.cell(int(row), cols["value"])))
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, str):
            v = v.strip()
        if k in mapping:
            problems.append(Problem.of(raw.source, int(row), k, v, "input.policy_twice", first=where[k][0]))
        mapping[k] = v
        where[k] = (int(row), cols["key"], cols["value"])
    try:
        policy = Policy.from_mapping(mapping, raw.source)
    except ScenarioError as exc:
        for p in exc.problems:
            key = p.column if p.column in where else (p.column or "").split(".")[0]
            if key in where:
                row, key_letter, value_letter = where[key]
                letter = key_letter if p.key == "policy.unknown_key" else value_letter
                p = dataclasses.replace(p, row=row, cell=raw.cell(row, letter))
            problems.append(p)
        raise ScenarioError(problems) from None
    if problems:
        raise ScenarioError(problems)
    return policy
