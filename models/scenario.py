"""The Scenario: the office's data for one plan, read from a folder of CSV files or one workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .errors import Problem, ScenarioError
from .outputs import Protected, atomic_write_dir, atomic_write_file  # noqa: F401 - atomic_* re-exported
from .policy import Policy
from .schema import DEMAND, NODES, POLICY_SHEET, ROADS, SCHOOLS, STAFF, TABLES, Table
from .tables import format_table, parse_table
from .travel import Travel

BUILTIN = Path(__file__).resolve().parent.parent / "scenarios" / "laiwu"


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
            raise ScenarioError([Problem(self.source("staff"), None, "person_id", person_id, "no such person")])
        return hit.iloc[0]

    def copy(self) -> "Scenario":
        return Scenario(
            self.schools.copy(), self.staff.copy(), self.demand.copy(), self.policy,
            None if self.roads is None else self.roads.copy(),
            None if self.nodes is None else self.nodes.copy(),
            self.name, dict(self.sources), list(self.warnings),
        )

    # ---- reading ------------------------------------------------------------------------
    @classmethod
    def read(cls, path: str | Path | None = None, check: bool = True) -> "Scenario":
        """Read a scenario folder or workbook (default: the built-in sample) and validate it."""
        path = Path(path) if path else BUILTIN
        if not path.exists():
            raise ScenarioError([Problem(str(path), None, None, None, "no such file or folder")])
        if path.is_dir():
            sc = _read_folder(path)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            sc = _read_workbook(path)
        else:
            raise ScenarioError([Problem(str(path), None, None, None,
                                         "a scenario is a folder of CSV files or one .xlsx workbook")])
        if check:
            from .validate import check_scenario

            found = check_scenario(sc)
            errors = [p for p in found if p.severity == "error"]
            sc.warnings.extend(p for p in found if p.severity == "warning")
            if errors:
                raise ScenarioError(errors)
        return sc

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
                    check: bool = False) -> "Scenario":
        """Build a scenario from plain frames (e.g. the generator's) through the same parser as files."""
        problems: list[Problem] = []
        tables = {}
        for t in TABLES:
            df = frames.get(t.name)
            if df is None:
                continue
            raw = format_table(df.reset_index(drop=True), t).astype(object)
            tables[t.name], found = parse_table(raw, t, t.file)
            problems += found
        if problems:
            raise ScenarioError(problems)
        pol = policy if isinstance(policy, Policy) else Policy.from_mapping(policy or {})
        sc = cls(tables["schools"], tables["staff"], tables["demand"], pol, tables.get("roads"),
                 tables.get("nodes"), name, {t: f"{t}.csv" for t in tables})
        if check:
            from .validate import check_scenario

            found = check_scenario(sc)
            if any(p.severity == "error" for p in found):
                raise ScenarioError(found)
            sc.warnings = [p for p in found if p.severity == "warning"]
        return sc


def _flatten_policy(policy: Policy) -> dict:
    data = policy.to_mapping()
    weights = data.pop("weights")
    data.update({f"weights.{k}": v for k, v in weights.items()})
    return data


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells, accepting UTF-8 (with or without BOM) and GB18030/GBK."""
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ScenarioError([Problem(path.name, None, None, None,
                                     "cannot read the text: save it as UTF-8 or GB18030 (GBK) CSV")])
    import io

    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ScenarioError([Problem(path.name, None, None, None, f"not a readable CSV table: {exc}")]) from None


def _read_folder(folder: Path) -> Scenario:
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    for t in TABLES:
        f = _find_file(folder, t)
        if f is None:
            if t.required:
                problems.append(Problem(f"{folder.name}/{t.file}", None, None, None,
                                        f"missing: a scenario folder needs {t.file} (or {t.alias}.csv)"))
            continue
        sources[t.name] = f.name
        try:
            raw = read_csv_text(f)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        tables[t.name], found = parse_table(raw, t, f.name)
        problems += found
    policy = Policy()
    pf = folder / "policy.yaml"
    if not pf.exists():
        pf = folder / f"{POLICY_SHEET[1]}.yaml"
    if pf.exists():
        try:
            policy = Policy.from_file(pf)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return Scenario(tables["schools"], tables["staff"], tables["demand"], policy, tables.get("roads"),
                    tables.get("nodes"), folder.name, sources)


def _find_file(folder: Path, t: Table) -> Path | None:
    for stem in (t.name, t.alias):
        p = folder / f"{stem}.csv"
        if p.exists():
            return p
    return None


def _read_workbook(path: Path) -> Scenario:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ScenarioError([Problem(path.name, None, None, None, f"cannot open the workbook: {exc}")]) from None
    by_name = {str(k).strip().lower(): k for k in sheets}
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    for t in TABLES:
        key = by_name.get(t.name) or by_name.get(t.alias)
        if key is None:
            if t.required:
                problems.append(Problem(path.name, None, None, None,
                                        f"missing sheet '{t.name}' ({t.alias})"))
            continue
        src = f"{path.name}, sheet {key}"
        sources[t.name] = src
        tables[t.name], found = parse_table(sheets[key], t, src)
        problems += found
    policy = Policy()
    key = by_name.get(POLICY_SHEET[0]) or by_name.get(POLICY_SHEET[1])
    if key is not None:
        sheet = sheets[key]
        src = f"{path.name}, sheet {key}"
        cols = [str(c).strip().lower() for c in sheet.columns]
        kcol = next((i for i, c in enumerate(cols) if c in ("key", "参数")), None)
        vcol = next((i for i, c in enumerate(cols) if c in ("value", "值")), None)
        if kcol is None or vcol is None:
            problems.append(Problem(src, 1, None, None, "the policy sheet needs two columns: key (参数), value (值)"))
        else:
            mapping = {}
            for k, v in zip(sheet.iloc[:, kcol], sheet.iloc[:, vcol]):
                if pd.isna(k) or str(k).strip() == "":
                    continue
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                mapping[str(k).strip()] = v
            try:
                policy = Policy.from_mapping(mapping, src)
            except ScenarioError as exc:
                problems += exc.problems
    elif (path.parent / "policy.yaml").exists():
        try:
            policy = Policy.from_file(path.parent / "policy.yaml")
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return Scenario(tables["schools"], tables["staff"], tables["demand"], policy, tables.get("roads"),
                    tables.get("nodes"), path.stem, sources)
