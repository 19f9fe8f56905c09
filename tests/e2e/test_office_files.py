"""Office files with the faults real offices make: every one is reported by `rotaplan validate` with the
exit code, the file or sheet, the row as Excel shows it and the column, and the user's file is left untouched.

The district is generated once per module (500 staff, seed 3) and written four ways, as an office would keep
it: CSV with English headers (UTF-8), CSV with Chinese file names, headers and values (GB18030, as Chinese
Excel writes "CSV (逗号分隔)"), and two workbooks with typed cells (numbers, dates, booleans), English and
Chinese. Each case copies one of them, makes one fault, runs `validate` through click, and checks.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from rotaplan.cli import main
from rotaplan.models import Scenario
from rotaplan.models.schema import SUBJECT_ZH, TABLE_BY_NAME
from rotaplan.scenarios.generate import generate

FORMATS = ("csv-en", "csv-zh", "xlsx-en", "xlsx-zh")


# ---- the district, written as an office keeps it ---------------------------------------
def _zh_value(table: str, col: str, v: str) -> str:
    """The Chinese spelling of a canonical cell value (enum, subject, yes/no)."""
    c = TABLE_BY_NAME[table].column(col)
    if v == "":
        return v
    if c.kind == "enum" and c.enum:
        zh = c.enum[v]
        return zh[0] if zh and zh[0] else v
    if c.kind == "bool":
        return "是" if v == "true" else "否"
    if col == "subject":
        return SUBJECT_ZH.get(v, v)
    return v


def _typed(table: str, col: str, v: str, zh: bool) -> object:
    """A workbook cell as Excel holds it: numbers as numbers, dates as dates, yes/no as booleans or 是/否."""
    c = TABLE_BY_NAME[table].column(col)
    if v == "":
        return None
    if c.kind == "int":
        return int(v)
    if c.kind == "float":
        return float(v)
    if c.kind == "date":
        return dt.datetime.fromisoformat(v)
    if c.kind == "bool" and not zh:
        return v == "true"
    return _zh_value(table, col, v) if zh else v


def _localise(sc: Scenario, zh: bool) -> dict[str, tuple[str, list[str], list[list[str]]]]:
    """table -> (file/sheet name, header, text rows) in English or Chinese."""
    out = {}
    for name, df in sc.text_tables().items():
        t = TABLE_BY_NAME[name]
        header = [t.column(c).alias if zh else c for c in df.columns]
        rows = [[_zh_value(name, c, str(v)) if zh else str(v) for c, v in zip(df.columns, rec)]
                for rec in df.itertuples(index=False)]
        out[name] = (t.alias if zh else name, header, rows)
    return out


def _write_folder(sc: Scenario, path: Path, zh: bool) -> None:
    path.mkdir()
    for _name, (stem, header, rows) in _localise(sc, zh).items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n" if zh else "\n").writerows([header, *rows])
        (path / f"{stem}.csv").write_bytes(buf.getvalue().encode("gb18030" if zh else "utf-8"))
    (path / "policy.yaml").write_text(sc.policy.to_yaml(), encoding="utf-8")


def _write_book(sc: Scenario, path: Path, zh: bool) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    frames = sc.text_tables()
    for name, (title, header, _rows) in _localise(sc, zh).items():
        ws = wb.create_sheet(title)
        ws.append(header)
        df = frames[name]
        for rec in df.itertuples(index=False):
            ws.append([_typed(name, c, str(v), zh) for c, v in zip(df.columns, rec)])
    ws = wb.create_sheet("政策参数" if zh else "policy")
    ws.append(["参数", "值"] if zh else ["key", "value"])
    data = sc.policy.to_mapping()
    weights = data.pop("weights")
    for k, v in [*data.items(), *((f"weights.{k}", v) for k, v in weights.items())]:
        ws.append([k, ";".join(v) if isinstance(v, list) else v])  # a list as an office types it in one cell
    wb.save(path)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The generated district as four office files, and its typed tables (index = Excel row)."""
    frames = generate(staff=500, seed=3)
    sc = Scenario.from_frames({k: v for k, v in frames.items() if k != "policy"}, policy=frames["policy"])
    root = tmp_path_factory.mktemp("office")
    _write_folder(sc, root / "csv-en", zh=False)
    _write_folder(sc, root / "csv-zh", zh=True)
    _write_book(sc, root / "xlsx-en.xlsx", zh=False)
    _write_book(sc, root / "xlsx-zh.xlsx", zh=True)
    return root, sc


# ---- editing one copy ------------------------------------------------------------------
class Case:
    """One copy of the district in one format, edited by contract column name and Excel row."""

    def __init__(self, root: Path, fmt: str, sc: Scenario, where: Path):
        self.fmt, self.sc = fmt, sc
        self.zh = fmt.endswith("zh")
        self.book = fmt.startswith("xlsx")
        if self.book:
            self.path = where / f"{fmt}.xlsx"
            shutil.copy(root / f"{fmt}.xlsx", self.path)
            self._wb = None
        else:
            self.path = where / fmt
            shutil.copytree(root / fmt, self.path)
        self.encoding = "gb18030" if self.zh else "utf-8"

    # where the contract puts things in this copy
    def stem(self, table: str) -> str:
        return TABLE_BY_NAME[table].alias if self.zh else table

    def source(self, table: str) -> str:
        """The file or sheet as the messages name it."""
        return f"{self.path.name}, sheet {self.stem(table)}" if self.book else f"{self.stem(table)}.csv"

    def at(self, table: str, row: int, column: str) -> str:
        return f"{self.source(table)}, row {row}, column {column}"

    def header(self, table: str, column: str) -> str:
        return TABLE_BY_NAME[table].column(column).alias if self.zh else column

    def value(self, table: str, column: str, canonical: str) -> str:
        return _zh_value(table, column, canonical) if self.zh else canonical

    def file(self, table: str) -> Path:
        return self.path.parent / self.path.name if self.book else self.path / f"{self.stem(table)}.csv"

    # workbook edits
    @property
    def wb(self) -> openpyxl.Workbook:
        if self._wb is None:
            self._wb = openpyxl.load_workbook(self.path)
        return self._wb

    def ws(self, table: str):
        return self.wb[self.stem(table)]

    # CSV edits, as records
    def records(self, table: str) -> list[list[str]]:
        text = self.file(table).read_bytes().decode(self.encoding)
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]

    def put_records(self, table: str, records: list[list[str]], *, sep: str = ",", encoding: str | None = None,
                    bom: bytes = b"", name: str | None = None) -> None:
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(records)
        target = self.path / (name or f"{self.stem(table)}.csv")
        if name:
            self.file(table).unlink()
        target.write_bytes(bom + buf.getvalue().encode(encoding or self.encoding))

    def col(self, table: str, column: str) -> int:
        """0-based index of a contract column in this copy's header."""
        head = [c.value for c in self.ws(table)[1]] if self.book else self.records(table)[0]
        return head.index(self.header(table, column))

    def set(self, table: str, row: int, column: str, value: object) -> None:
        if self.book:
            self.ws(table).cell(row=row, column=self.col(table, column) + 1).value = value
        else:
            recs = self.records(table)
            recs[row - 1][self.col(table, column)] = "" if value is None else str(value)
            self.put_records(table, recs)

    def get(self, table: str, row: int, column: str) -> object:
        if self.book:
            return self.ws(table).cell(row=row, column=self.col(table, column) + 1).value
        return self.records(table)[row - 1][self.col(table, column)]

    def drop(self, table: str, *columns: str) -> None:
        for column in columns:
            i = self.col(table, column)
            if self.book:
                self.ws(table).delete_cols(i + 1)
            else:
                self.put_records(table, [r[:i] + r[i + 1:] for r in self.records(table)])

    def rename(self, table: str, column: str, header: str) -> None:
        if self.book:
            self.ws(table).cell(row=1, column=self.col(table, column) + 1).value = header
        else:
            recs = self.records(table)
            recs[0][self.col(table, column)] = header
            self.put_records(table, recs)

    def insert_blank_rows(self, table: str, before: int, n: int) -> None:
        if self.book:
            self.ws(table).insert_rows(before, n)
        else:
            recs = self.records(table)
            self.put_records(table, recs[:before - 1] + [[] for _ in range(n)] + recs[before - 1:])

    def save(self) -> None:
        if self.book and self._wb is not None:
            self._wb.save(self.path)
            self._wb = None

    # facts of the district, by Excel row
    def rows(self, table: str, **eq) -> list[int]:
        df = getattr(self.sc, table)
        mask = pd.Series(True, index=df.index)
        for k, v in eq.items():
            mask &= df[k] == v
        return [int(r) for r in df.index[mask]]

    def letter(self, table: str, column: str) -> str:
        return openpyxl.utils.get_column_letter(self.col(table, column) + 1)

    def cell(self, table: str, row: int, column: str) -> str:
        return f"{self.stem(table)}!{self.letter(table, column)}{row}"


def teacher(case: Case, k: int = 0) -> int:
    return case.rows("staff", role="teacher")[k]


# ---- the catalogue -----------------------------------------------------------------------
@dataclass(frozen=True)
class Fault:
    id: str
    fmt: str
    exit: int  # 2: an error; 0: valid with a warning
    make: Callable[[Case], list[str]]  # makes the fault, returns what the messages must say


def _missing_column(column: str, rule: str, table: str = "staff"):
    def make(c: Case):
        alias = TABLE_BY_NAME[table].column(column).alias
        c.drop(table, column)
        return [c.at(table, 1, column), alias, rule, "missing column"]
    return make


def _cell(table: str, column: str, value: object, *expect: str, row: Callable[[Case], int] = teacher):
    """Put a wrong `value` in one cell; expect its location and the `expect` texts."""
    def make(c: Case):
        r = row(c)
        c.set(table, r, column, value)
        return [c.at(table, r, column), *expect] + ([c.cell(table, r, column)] if c.book else [])
    return make


def _first_school(c: Case) -> int:
    return c.rows("schools")[3]


def _first_demand(c: Case) -> int:
    return c.rows("demand")[5]


def _formula(table: str, column: str, row: Callable[[Case], int]):
    def make(c: Case):
        r = row(c)
        c.set(table, r, column, f"={c.letter(table, column)}{r - 1}+1")
        return [c.at(table, r, column), c.cell(table, r, column), "never calculated"]
    return make


def _excel_error(table: str, column: str, err: str, row: Callable[[Case], int]):
    def make(c: Case):
        r = row(c)
        c.set(table, r, column, err)
        return [c.at(table, r, column), err] + ([c.cell(table, r, column)] if c.book else [])
    return make


def _policy_formula(c: Case):
    ws = c.wb["政策参数" if c.zh else "policy"]
    r = next(cell.row for cell in ws["A"] if cell.value == "exchange_share")
    ws.cell(row=r, column=2).value = "=0.05*2"
    sheet = "政策参数" if c.zh else "policy"
    return [f"{c.path.name}, sheet {sheet}, row {r}, column exchange_share", f"{sheet}!B{r}", "never calculated"]


def _policy_unknown_key(c: Case):
    ws = c.wb["政策参数" if c.zh else "policy"]
    ws.append(["exchange_shar", 0.2])
    sheet = "政策参数" if c.zh else "policy"
    return [f"{c.path.name}, sheet {sheet}, row {ws.max_row}, column exchange_shar", f"{sheet}!A{ws.max_row}",
            "did you mean 'exchange_share'"]


def _hidden_old_sheet(c: Case):
    old = c.wb.copy_worksheet(c.ws("staff"))
    old.title = "staff"  # an old English sheet kept, hidden, beside the current 教职工
    old.sheet_state = "hidden"
    return [c.path.name, "'staff' (hidden)", "'教职工'", "Unhide"]


def _both_sheet_names(c: Case):
    new = c.wb.copy_worksheet(c.ws("schools"))
    new.title = "学校"
    return [c.path.name, "'schools'", "'学校'", "both hold the schools table"]


def _both_file_names(c: Case):
    shutil.copy(c.file("staff"), c.path / "教职工.csv")
    return ["staff.csv and 教职工.csv", "both hold the staff table"]


def _missing_sheet(c: Case):
    del c.wb[c.stem("demand")]
    return [c.path.name, "missing sheet 'demand' (课时需求)", "the workbook has sheets"]


def _utf16_tab_text(c: Case):
    """Excel "Unicode Text": UTF-16 LE with a BOM, tab-separated, saved as .txt; one bad gender in it."""
    r = teacher(c, 7)
    recs = c.records("staff")
    recs[r - 1][c.col("staff", "gender")] = "男性"
    c.put_records("staff", recs, sep="\t", encoding="utf-16-le", bom=codecs.BOM_UTF16_LE, name="教职工.txt")
    return [f"教职工.txt, row {r}, column gender", "男性", "M (男) / F (女)"]


def _semicolon_blank_lines(c: Case):
    """Semicolon-separated (European Excel) with blank lines: rows keep the numbers Excel shows."""
    recs = c.records("staff")
    r = teacher(c, 30)
    recs[r - 1][c.col("staff", "degree")] = "phd"
    recs = recs[:5] + [[], [], []] + recs[5:]
    c.put_records("staff", recs, sep=";")
    return [c.at("staff", r + 3, "degree"), "phd", "doctorate (博士)"]


def _bom_gb18030(c: Case):
    """A UTF-8 byte-order mark in front of GB18030 text (some tools add one); one bad area in it."""
    recs = c.records("schools")
    r = _first_school(c)
    recs[r - 1][c.col("schools", "area")] = "城郊"
    c.put_records("schools", recs, encoding="gb18030", bom=codecs.BOM_UTF8)
    return [c.at("schools", r, "area"), "城郊", "urban (城区) / rural (乡村)"]


def _blank_rows_in_sheet(c: Case):
    r = teacher(c, 20)
    c.insert_blank_rows("staff", 6, 2)
    c.set("staff", r + 2, "gender", "X")
    return [c.at("staff", r + 2, "gender"), c.cell("staff", r + 2, "gender")]


def _title_row(c: Case):
    """A title line above the header, as office sheets often have; a bad role below it keeps its Excel row."""
    r = teacher(c, 4)
    col = c.col("staff", "role") + 1
    ws = c.ws("staff")
    ws.insert_rows(1)
    ws.cell(row=1, column=1).value = "2027年教职工花名册"
    ws.cell(row=r + 1, column=col).value = "主任"
    return [c.at("staff", r + 1, "role"), "主任", "principal (校长)"]


def _undecodable(c: Case):
    (c.path / "staff.csv").write_bytes(c.file("staff").read_bytes().replace(b"teacher", b"teach\x80r", 1))
    return ["staff.csv", "neither UTF-8, UTF-16 nor GB18030", "File > Save As > CSV UTF-8"]


def _workbook_named_csv(c: Case):
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["person_id"])
    wb.save(buf)
    c.file("staff").write_bytes(buf.getvalue())
    return ["staff.csv", "Excel workbook (.xlsx) with a .csv name", "CSV UTF-8"]


def _ragged_row(c: Case):
    r = teacher(c, 12)
    text = c.file("staff").read_text(encoding="utf-8").split("\n")
    pid = c.sc.staff.at[r, "person_id"]
    name = c.sc.staff.at[r, "name"]
    assert text[r - 1].startswith(f"{pid},{name},")
    text[r - 1] = text[r - 1].replace(f"{pid},{name},", f"{pid},{name},老师,", 1)  # an unquoted comma in a name
    c.file("staff").write_text("\n".join(text), encoding="utf-8")
    return [f"staff.csv, row {r}", "header row has", "double quotes"]


def _duplicate_header(c: Case):
    recs = c.records("staff")
    recs[0].append("name")  # 姓名 already there: a second name column pasted at the end
    for rec in recs[1:]:
        if rec:
            rec.append("x")
    c.put_records("staff", recs)
    return [c.at("staff", 1, "name"), "two columns hold name", "'姓名'"]


def _header_typo(c: Case):
    c.rename("staff", "terms_at_school", "terms_at_scool")
    return [c.at("staff", 1, "terms_at_school"), "R1", "did you mean terms_at_school"]


def _optional_absent(table: str, *columns: str):
    def make(c: Case):
        c.drop(table, *columns)
        return [f"{c.source(table)}, row 1", "optional column(s)", "defaults are used",
                *(f"{col} ({TABLE_BY_NAME[table].column(col).alias})" for col in columns)]
    return make


def _subject_typo(value: str, meant: str):
    def make(c: Case):
        code = [k for k, v in SUBJECT_ZH.items() if v == meant or k == meant][0]
        r = c.rows("staff", role="teacher", subject=code)[2]
        c.set("staff", r, "subject", value)
        both = f"{code} ({SUBJECT_ZH[code]})" if value.isascii() else f"{SUBJECT_ZH[code]} ({code})"
        return [c.at("staff", r, "subject"), value, f"did you mean {both}"]
    return make


def _demand_subject_typo(c: Case):
    r = c.rows("demand", subject="pe")[0]
    c.set("demand", r, "subject", "体肓")
    return [c.at("demand", r, "subject"), "体肓", "did you mean 体育 (pe)", "uncovered"]


def _hidden_only_sheet(c: Case):
    c.ws("staff").sheet_state = "hidden"
    return [c.source("staff"), "hidden", "read all the same"]


def _duplicate(table: str, column: str, k: int = 4):
    def make(c: Case):
        rows = c.rows(table)
        first, dup = rows[k], rows[k + 3]
        c.set(table, dup, column, c.get(table, first, column))
        return [c.at(table, dup, column), f"already used at row {first}"]
    return make


def _duplicate_demand(c: Case):
    rows = c.rows("demand")
    first, dup = rows[0], rows[1]
    for col in ("school_id", "subject"):
        c.set("demand", dup, col, c.get("demand", first, col))
    return [f"{c.source('demand')}, row {dup}, column school_id+subject", f"already used at row {first}"]


def _two_principals(c: Case):
    head = c.rows("staff", role="principal")[0]
    sid = c.sc.staff.at[head, "school_id"]
    r = [r for r in c.rows("staff", role="teacher", school_id=sid) if r > head][0]  # reported: the second one
    c.set("staff", r, "role", c.value("staff", "role", "principal"))
    return [c.at("staff", r, "role"), f"school {sid} has 2 principal", "principal_posts is 1"]


def _no_seat(c: Case):
    town = c.sc.schools["township"].iloc[0]
    rows = c.rows("schools", township=town)
    for r in rows:
        c.set("schools", r, "is_township_seat", "否" if c.zh else "false")
    return [c.at("schools", rows[0], "is_township_seat"), f"township {town} has no seat school"]


def _teacher_without_subject(c: Case):
    r = teacher(c, 9)
    c.set("staff", r, "subject", None)
    return [c.at("staff", r, "subject"), "a teacher needs a subject"]


def _empty_required(c: Case):
    r = teacher(c, 15)
    c.set("staff", r, "person_id", None)
    return [c.at("staff", r, "person_id"), "a value is required"]


def _unknown_school(table: str, column: str, row: Callable[[Case], int]):
    def make(c: Case):
        r = row(c)
        c.set(table, r, column, "S9999")
        return [c.at(table, r, column), "S9999", "unknown school id"]
    return make


def _serial_date(c: Case):
    """A date typed into a cell formatted as a number: Excel shows 30000, not 1982-02-18."""
    r = teacher(c, 6)
    c.set("staff", r, "birth_date", 30000)
    c.ws("staff").cell(row=r, column=c.col("staff", "birth_date") + 1).number_format = "General"
    return [c.at("staff", r, "birth_date"), c.cell("staff", r, "birth_date"), "Excel date serial number"]


def _too_old(c: Case):
    r = teacher(c, 3)
    c.set("staff", r, "birth_date", dt.datetime(1890, 5, 1) if c.book else "1890-05-01")
    return [c.at("staff", r, "birth_date"), "gives age 137", "expected 16 to 100"]


def _too_young(c: Case):
    r = teacher(c, 3)
    c.set("staff", r, "birth_date", dt.datetime(2020, 5, 1) if c.book else "2020-05-01")
    return [c.at("staff", r, "birth_date"), "expected 16 to 100"]


CATALOGUE = [
    # columns a rule needs, absent: an error naming the rule and the Chinese header
    Fault("no-terms_at_school", "csv-en", 2, _missing_column("terms_at_school", "R1")),
    Fault("no-本校连续任期数", "xlsx-zh", 2, _missing_column("terms_at_school", "R1")),
    Fault("no-骨干级别", "csv-zh", 2, _missing_column("backbone", "R9")),
    Fault("no-public_funded", "xlsx-en", 2, _missing_column("public_funded", "R6")),
    Fault("no-reserve_leader", "csv-en", 2, _missing_column("reserve_leader", "R2")),
    Fault("no-聘期序号", "xlsx-zh", 2, _missing_column("contract_period", "R5")),
    Fault("no-years_at_school", "xlsx-en", 2, _missing_column("years_at_school", "R11")),
    Fault("no-性别", "csv-zh", 2, _missing_column("gender", "every row needs a value")),
    Fault("no-lat", "xlsx-en", 2, _missing_column("lat", "every row needs a value", table="schools")),
    Fault("header-typo", "csv-en", 2, _header_typo),
    Fault("two-name-columns", "csv-zh", 2, _duplicate_header),
    # optional columns absent: a warning naming them and the default
    Fault("no-mountainous", "csv-en", 0, _optional_absent("schools", "mountainous", "staff_quota")),
    Fault("no-志愿学校-锁定学校", "xlsx-zh", 0, _optional_absent("staff", "preferences", "locked_school")),
    Fault("no-itinerant_ok", "xlsx-en", 0, _optional_absent("staff", "itinerant_ok", "exempt_reason")),
    # cells without a trustworthy value
    Fault("uncached-formula-staff", "xlsx-en", 2, _formula("staff", "years_at_school", lambda c: teacher(c, 10))),
    Fault("uncached-formula-学校", "xlsx-zh", 2, _formula("schools", "lat", _first_school)),
    Fault("uncached-formula-policy", "xlsx-en", 2, _policy_formula),
    Fault("#N/A-staff", "xlsx-en", 2, _excel_error("staff", "degree", "#N/A", lambda c: teacher(c, 11))),
    Fault("#REF!-课时需求", "xlsx-zh", 2, _excel_error("demand", "weekly_lessons", "#REF!", _first_demand)),
    Fault("#VALUE!-schools", "xlsx-en", 2, _excel_error("schools", "is_township_seat", "#VALUE!", _first_school)),
    Fault("#DIV/0!-csv", "csv-en", 2, _excel_error("staff", "rural_service_years", "#DIV/0!", teacher)),
    Fault("#NAME?-csv", "csv-zh", 2, _excel_error("staff", "birth_date", "#NAME?", teacher)),
    # sheets and files: which one holds the table
    Fault("hidden-old-staff-sheet", "xlsx-zh", 2, _hidden_old_sheet),
    Fault("schools-and-学校-sheets", "xlsx-en", 2, _both_sheet_names),
    Fault("staff.csv-and-教职工.csv", "csv-en", 2, _both_file_names),
    Fault("no-demand-sheet", "xlsx-en", 2, _missing_sheet),
    Fault("hidden-staff-sheet", "xlsx-en", 0, _hidden_only_sheet),
    # encodings, separators, blank lines, title rows: read, with the rows Excel shows
    Fault("utf16-unicode-text", "csv-zh", 2, _utf16_tab_text),
    Fault("semicolons-blank-lines", "csv-en", 2, _semicolon_blank_lines),
    Fault("bom-plus-gb18030", "csv-zh", 2, _bom_gb18030),
    Fault("blank-rows-in-sheet", "xlsx-en", 2, _blank_rows_in_sheet),
    Fault("title-row-above-header", "xlsx-zh", 2, _title_row),
    Fault("undecodable-bytes", "csv-en", 2, _undecodable),
    Fault("workbook-named-csv", "csv-en", 2, _workbook_named_csv),
    Fault("unquoted-comma", "csv-en", 2, _ragged_row),
    # values: enumerations (allowed values in English and Chinese), numbers, dates
    Fault("gender-X", "csv-en", 2, _cell("staff", "gender", "X", "M (男) / F (女)")),
    Fault("area-城郊", "xlsx-zh", 2,
          _cell("schools", "area", "城郊", "urban (城区) / rural (乡村)", row=_first_school)),
    Fault("level-高职", "csv-zh", 2, _cell("schools", "level", "高职", "vocational (中职)", row=_first_school)),
    Fault("degree-phd", "xlsx-en", 2, _cell("staff", "degree", "phd", "doctorate (博士)")),
    Fault("role-主任", "csv-zh", 2, _cell("staff", "role", "主任", "principal (校长)")),
    Fault("backbone-国家级", "xlsx-zh", 2, _cell("staff", "backbone", "国家级", "province (省级)")),
    Fault("seat-maybe", "csv-en", 2, _cell("schools", "is_township_seat", "maybe", "是/否", row=_first_school)),
    Fault("public_funded-有", "xlsx-zh", 2, _cell("staff", "public_funded", "有", "true/false")),
    Fault("birth-month-13", "csv-en", 2, _cell("staff", "birth_date", "1985-13-01", "YYYY-MM-DD")),
    Fault("birth-不详", "xlsx-zh", 2, _cell("staff", "birth_date", "不详", "YYYY-MM-DD")),
    Fault("birth-serial-number", "xlsx-en", 2, _serial_date),
    Fault("birth-1890", "csv-zh", 2, _too_old),
    Fault("birth-2020", "xlsx-en", 2, _too_young),
    Fault("years-negative", "xlsx-en", 2, _cell("staff", "years_at_school", -3, "out of range", "0 to 60")),
    Fault("terms-1.5", "csv-en", 2, _cell("staff", "terms_at_school", "1.5", "a whole number")),
    Fault("lat-136", "xlsx-zh", 2, _cell("schools", "lat", 136.2, "between -90 and 90", row=_first_school)),
    Fault("lessons-abc", "csv-zh", 2, _cell("demand", "weekly_lessons", "abc", "a whole number", row=_first_demand)),
    Fault("person_id-empty", "csv-en", 2, _empty_required),
    Fault("teacher-no-subject", "xlsx-zh", 2, _teacher_without_subject),
    # ids and cross-table facts
    Fault("duplicate-person_id", "csv-en", 2, _duplicate("staff", "person_id")),
    Fault("duplicate-学校代码", "xlsx-zh", 2, _duplicate("schools", "school_id")),
    Fault("duplicate-demand-line", "csv-en", 2, _duplicate_demand),
    Fault("unknown-school-staff", "xlsx-en", 2, _unknown_school("staff", "school_id", teacher)),
    Fault("unknown-school-demand", "csv-zh", 2, _unknown_school("demand", "school_id", _first_demand)),
    Fault("unknown-preference", "csv-en", 2, _unknown_school("staff", "preferences", lambda c: teacher(c, 2))),
    Fault("two-principals", "xlsx-en", 2, _two_principals),
    Fault("township-without-seat", "csv-zh", 2, _no_seat),
    Fault("policy-unknown-key", "xlsx-zh", 2, _policy_unknown_key),
    # subjects taught nowhere: a warning naming the row, with the likely subject
    Fault("subject-体肓", "csv-zh", 0, _subject_typo("体肓", "体育")),
    Fault("subject-maths", "xlsx-en", 0, _subject_typo("maths", "math")),
    Fault("subject-体肓-xlsx", "xlsx-zh", 0, _subject_typo("体肓", "体育")),
    Fault("demand-subject-体肓", "csv-zh", 0, _demand_subject_typo),
]


def _flat(text: str) -> str:
    """Messages as one line (the console wraps long ones)."""
    return " ".join(text.split())


def _snapshot(path: Path) -> dict[str, bytes]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): p.read_bytes() for p in files}


def test_catalogue_is_broad():
    assert len(CATALOGUE) >= 40
    assert {f.fmt for f in CATALOGUE} == set(FORMATS)
    assert len({f.id for f in CATALOGUE}) == len(CATALOGUE)
    assert sum(f.exit == 0 for f in CATALOGUE) >= 5


@pytest.mark.parametrize("fault", CATALOGUE, ids=lambda f: f"{f.fmt}:{f.id}")
def test_office_file_fault(fault: Fault, district, tmp_path):
    root, sc = district
    case = Case(root, fault.fmt, sc, tmp_path)
    expected = fault.make(case)
    case.save()
    before = _snapshot(case.path)
    r = CliRunner().invoke(main, ["validate", str(case.path)])
    out = _flat(r.stderr)
    assert r.exit_code == fault.exit, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output  # no traceback
    if fault.exit == 0:
        assert "valid" in r.stdout and "warning" in out
    for text in expected:
        assert _flat(text) in out, f"{text!r} not in:\n{r.stderr}"
    assert _snapshot(case.path) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_office_form_of_the_district_reads_the_same(fmt, district):
    root, sc = district
    path = root / (f"{fmt}.xlsx" if fmt.startswith("xlsx") else fmt)
    back = Scenario.read(path)
    for t in ("schools", "staff", "demand", "roads", "nodes"):
        pd.testing.assert_frame_equal(getattr(back, t), getattr(sc, t), check_dtype=True)
    assert back.policy == sc.policy


def _recode(text: str, how: str) -> bytes:
    """A UTF-8 comma-separated CSV re-saved as another office tool would (quoting redone by the csv module)."""
    sep = {"utf-16-le-tab": "\t", "utf-16-be-tab": "\t", "semicolon": ";"}.get(how, ",")
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n" if how == "crlf" else "\n").writerows(
        csv.reader(io.StringIO(text, newline="")))
    text = buf.getvalue()
    if how == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if how == "gb18030":
        return text.encode("gb18030")
    if how == "bom+gb18030":
        return codecs.BOM_UTF8 + text.encode("gb18030")
    if how == "utf-16-le-tab":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if how == "utf-16-be-tab":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode("utf-8")


@pytest.mark.parametrize("how", ["utf-8-bom", "gb18030", "bom+gb18030", "utf-16-le-tab", "utf-16-be-tab",
                                 "semicolon", "crlf"])
def test_csv_in_every_encoding_and_separator_excel_writes(how, district, tmp_path):
    root, sc = district
    folder = tmp_path / "sc"
    shutil.copytree(root / "csv-en", folder)
    for f in folder.glob("*.csv"):
        f.write_bytes(_recode(f.read_text(encoding="utf-8"), how))
    back = Scenario.read(folder)
    for t in ("schools", "staff", "demand"):
        pd.testing.assert_frame_equal(getattr(back, t), getattr(sc, t), check_dtype=True)
