"""Reading, writing and validating scenarios: what an office user sees on good and bad files."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile

import openpyxl
import openpyxl.styles
import pandas as pd
import pytest
from builders import build, person, school

from rotaplan.models import Policy, Scenario, ScenarioError


def tiny():
    return build(
        [school("A", township="T1", is_township_seat=True, staff_quota=5, lat=36.20, lon=117.60),
         school("B", township="T1", area="rural", level="primary", mountainous=True, lat=36.25, lon=117.65),
         school("K", township="T1", area="rural", level="kindergarten", lat=36.22, lon=117.62)],
        [person("P1", role="principal", school_id="A", terms_at_school=2, years_at_school=6, birth_date="1975-03-02",
                home_lat=36.2, home_lon=117.6),
         person("P2", school_id="A", subject="music", degree="master", backbone="district", preferences="B;K",
                home_lat=36.2, home_lon=117.6),
         person("P3", school_id="B", gender="F", birth_date="1990-07", public_funded=True,
                rural_service_years=2.5, home_lat=36.25, home_lon=117.65),
         person("N1", school_id="", contract_period=0, period_years=0, years_at_school=0, home_lat=36.2,
                home_lon=117.61)],
        [("A", "math", 16), ("A", "music", 8), ("B", "math", 12), ("K", "preschool", 20)],
        roads=[("A", "X1", 5.0), ("X1", "B", 7.5), ("B", "K", 4.0)],
        nodes=[("X1", 36.23, 117.62)],
    )


def frames_equal(a: Scenario, b: Scenario):
    for t in ("schools", "staff", "demand", "roads", "nodes"):
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), check_dtype=True)
    assert a.policy == b.policy


@pytest.fixture
def folder(tmp_path):
    sc = tiny()
    path = tmp_path / "sc"
    sc.write(path)
    return path


def messages(path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        Scenario.read(path)
    return [str(p) for p in exc.value.problems]


def edit_csv(path, name, fn):
    df = pd.read_csv(path / name, dtype=str, keep_default_na=False)
    df = fn(df)
    df.to_csv(path / name, index=False)


# ---- round trips ------------------------------------------------------------------------
def test_folder_round_trip(folder):
    frames_equal(Scenario.read(folder), tiny())


def test_workbook_round_trip(tmp_path):
    sc = tiny()
    sc.write(tmp_path / "sc.xlsx")
    back = Scenario.read(tmp_path / "sc.xlsx")
    frames_equal(back, sc)
    back.write(tmp_path / "again")
    frames_equal(Scenario.read(tmp_path / "again"), sc)


def test_builtin_sample_round_trips_through_a_workbook(tmp_path):
    sc = Scenario.read()
    sc.write(tmp_path / "laiwu.xlsx")
    frames_equal(Scenario.read(tmp_path / "laiwu.xlsx"), sc)


def test_chinese_headers_and_values(folder):
    zh = {"school_id": "学校代码", "name": "学校名称", "township": "街道镇", "area": "城乡类别", "level": "学段",
          "is_township_seat": "是否驻地学校", "mountainous": "是否山区", "lat": "纬度", "lon": "经度",
          "principal_posts": "校长职数", "vice_principal_posts": "副校长职数", "staff_quota": "编制数"}
    edit_csv(folder, "schools.csv", lambda d: d.assign(
        area=d["area"].map({"urban": "城区", "rural": "乡村"}),
        level=d["level"].map({"primary": "小学", "kindergarten": "幼儿园"}),
        is_township_seat=d["is_township_seat"].map({"true": "是", "false": "否"})).rename(columns=zh))
    edit_csv(folder, "staff.csv", lambda d: d.assign(
        gender=d["gender"].map({"M": "男", "F": "女"}), role=d["role"].map({"principal": "校长", "teacher": "教师"}),
        degree=d["degree"].map({"bachelor": "本科", "master": "硕士"}),
        subject=d["subject"].map({"math": "数学", "music": "音乐", "": ""}),
        backbone=d["backbone"].map({"none": "无", "district": "区级"})).rename(
        columns={"person_id": "工号", "name": "姓名", "gender": "性别", "birth_date": "出生日期", "role": "岗位",
                 "school_id": "现任学校代码", "subject": "学科", "degree": "学历", "backbone": "骨干级别"}))
    (folder / "demand.csv").rename(folder / "课时需求.csv")
    frames_equal(Scenario.read(folder), tiny())


def test_gb18030_csv(folder):
    df = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    df["name"] = ["张三", "李四", "王五", "赵六"]
    df.rename(columns={"name": "姓名"}).to_csv(folder / "staff.csv", index=False, encoding="gb18030")
    assert (folder / "staff.csv").read_bytes().decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        (folder / "staff.csv").read_bytes().decode("utf-8")
    assert list(Scenario.read(folder).staff["name"]) == ["张三", "李四", "王五", "赵六"]


def test_utf8_bom_csv(folder):
    text = (folder / "demand.csv").read_text(encoding="utf-8")
    (folder / "demand.csv").write_text(text, encoding="utf-8-sig")
    assert len(Scenario.read(folder).demand) == 4


def test_excel_date_cells_and_month_dates(tmp_path):
    sc = tiny()
    sc.write(tmp_path / "sc.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "sc.xlsx")
    ws = wb["staff"]
    header = [c.value for c in ws[1]]
    col = header.index("birth_date") + 1
    ws.cell(row=2, column=col).value = dt.datetime(1975, 3, 2)
    ws.cell(row=3, column=col).value = "1982-11"
    wb.save(tmp_path / "sc.xlsx")
    st = Scenario.read(tmp_path / "sc.xlsx").staff
    assert st.at[2, "birth_date"] == pd.Timestamp("1975-03-02")
    assert st.at[3, "birth_date"] == pd.Timestamp("1982-11-01")


def test_policy_yaml_beside_a_workbook_and_policy_sheet(tmp_path):
    sc = tiny()
    sc.policy = Policy.from_mapping({"plan_year": 2028, "exchange_share": 0.2})
    sc.write(tmp_path / "sc.xlsx")
    assert Scenario.read(tmp_path / "sc.xlsx").policy.exchange_share == 0.2


def test_writing_is_atomic_and_leaves_inputs_alone(folder, tmp_path):
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    sc = Scenario.read(folder)
    sc.write(tmp_path / "copy")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ---- validation errors ------------------------------------------------------------------
def test_missing_required_column(folder):
    edit_csv(folder, "staff.csv", lambda d: d.drop(columns=["gender"]))
    (msg,) = messages(folder)
    assert msg.startswith("staff.csv, row 1, column gender (性别)") and "missing" in msg


def test_missing_column_a_rule_needs_is_an_error_not_a_zero(folder):
    edit_csv(folder, "staff.csv", lambda d: d.drop(columns=["terms_at_school", "public_funded"]))
    msgs = messages(folder)
    assert len(msgs) == 2
    assert msgs[0].startswith("staff.csv, row 1, column terms_at_school (本校连续任期数): missing column: R1")
    assert msgs[1].startswith("staff.csv, row 1, column public_funded (是否公费师范生): missing column: R6")


def test_missing_optional_columns_are_one_warning_with_their_defaults(folder):
    edit_csv(folder, "staff.csv", lambda d: d.drop(columns=["itinerant_ok", "locked_school"]))
    sc = Scenario.read(folder)
    (w,) = [str(w) for w in sc.warnings if "optional" in str(w)]
    assert w.startswith("staff.csv, row 1: optional column(s) not in the header row, so defaults are used: ")
    assert "itinerant_ok (是否可走教) = true (是)" in w and "locked_school (锁定学校) = empty" in w
    assert sc.staff["itinerant_ok"].all()


def test_a_needed_column_empty_throughout_is_a_warning(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(terms_at_school=""))
    (w,) = [str(w) for w in Scenario.read(folder).warnings if "every row" in str(w)]
    assert w.startswith("staff.csv, row 1, column terms_at_school: the column is empty in every row, so 0 is used")
    assert "R1" in w


def test_which_columns_a_file_must_have():
    """Required: every rule that reads the column would silently count zero without it (DOMAIN.md)."""
    from rotaplan.models.schema import SCHOOLS, STAFF

    must = {c.name for c in STAFF.columns if c.in_header}
    assert must == {"person_id", "name", "gender", "birth_date", "role", "school_id", "subject", "degree",
                    "backbone", "years_at_school", "terms_at_school", "contract_period", "period_years",
                    "rural_service_years", "public_funded", "reserve_leader"}
    assert {c.name for c in SCHOOLS.columns if not c.in_header} == {
        "mountainous", "principal_posts", "vice_principal_posts", "staff_quota", "dorm_beds"}
    for c in STAFF.columns:
        if c.needed_by and c.name != "school_id":
            assert re.match(r"R\d+", c.needed_by), c.name  # says which rule reads it


def test_duplicate_ids(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(person_id=["P1", "P2", "P2", "N1"]))
    (msg,) = messages(folder)
    assert "staff.csv, row 4, column person_id (value 'P2')" in msg and "row 3" in msg


def test_unknown_school_ids_everywhere(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(
        school_id=["A", "A", "ZZ", ""], preferences=["", "B;QQ", "", ""], locked_school=["", "", "", "YY"]))
    edit_csv(folder, "demand.csv", lambda d: d.assign(school_id=["A", "A", "B", "XX"]))
    msgs = "\n".join(messages(folder))
    assert "staff.csv, row 4, column school_id (value 'ZZ'): unknown school id" in msgs
    assert "staff.csv, row 3, column preferences (value 'QQ')" in msgs
    assert "staff.csv, row 5, column locked_school (value 'YY')" in msgs
    assert "demand.csv, row 5, column school_id (value 'XX')" in msgs


def test_bad_enumeration_date_and_numbers(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(
        gender=["M", "X", "F", "M"], birth_date=["1975-03-02", "1980-01-01", "1990-13", "yesterday"],
        years_at_school=["1", "-2", "three", "0"]))
    edit_csv(folder, "schools.csv", lambda d: d.assign(lat=["36.2", "136.2", "36.22"]))
    msgs = "\n".join(messages(folder))
    assert "staff.csv, row 3, column gender (value 'X'): expected one of M (男) / F (女)" in msgs
    assert "staff.csv, row 4, column birth_date (value '1990-13')" in msgs
    assert "staff.csv, row 5, column birth_date (value 'yesterday')" in msgs
    assert ("staff.csv, row 3, column years_at_school (value '-2'): out of range: expected a whole number "
            "from 0 to 60") in msgs
    assert "staff.csv, row 4, column years_at_school (value 'three')" in msgs
    assert "schools.csv, row 3, column lat (value '136.2'): out of range: expected a number between -90 and 90" \
        in msgs


def test_more_leaders_than_posts(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(role=["principal", "principal", "teacher", "teacher"]))
    (msg,) = messages(folder)
    assert msg.startswith("staff.csv, row 3, column role (value 'principal'): school A has 2 principal")
    assert "principal_posts is 1" in msg


def test_roads_naming_unknown_nodes_and_unreachable_school(folder):
    edit_csv(folder, "roads.csv", lambda d: d.assign(to=["X1", "B", "NOPE"]))
    msgs = messages(folder)
    assert any(m.startswith("roads.csv, row 4, column to (value 'NOPE'): unknown node") for m in msgs)
    assert any(m.startswith("schools.csv, row 4, column school_id (value 'K'): school is unreachable") for m in msgs)


def test_township_without_seat_school(folder):
    edit_csv(folder, "schools.csv", lambda d: d.assign(township=["T1", "T2", "T1"]))
    msgs = messages(folder)
    assert any(m.startswith("schools.csv, row 3, column is_township_seat (value 'T2'): township T2 has no seat")
               for m in msgs)


def test_all_problems_reported_in_one_pass(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(gender=["M", "X", "Y", "M"], degree=["phd", "bachelor",
                                                                                          "bachelor", "x"]))
    assert len(messages(folder)) == 4


def test_unknown_policy_key_suggests_the_closest(folder):
    (folder / "policy.yaml").write_text("plan_year: 2027\nexchange_shar: 0.2\n", encoding="utf-8")
    (msg,) = messages(folder)
    assert "policy.yaml" in msg and "exchange_shar" in msg and "did you mean 'exchange_share'" in msg


def test_policy_out_of_range(folder):
    (folder / "policy.yaml").write_text("young_rural_leader_share: 1.5\n", encoding="utf-8")
    (msg,) = messages(folder)
    assert "young_rural_leader_share" in msg and "less than or equal to 1" in msg


def test_missing_home_coordinates_is_only_a_warning(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(home_lat=["", "36.2", "36.25", "36.2"]))
    sc = Scenario.read(folder)
    warnings = [w for w in sc.warnings if w.header != "certificate"]  # tiny's new hire has none (R14 warns)
    assert len(warnings) == 1 and "row 2" in str(warnings[0]) and "home coordinates missing" in str(warnings[0])


# ---- travel ----------------------------------------------------------------------------
def test_travel_on_roads_is_shortest_path(folder):
    sc = Scenario.read(folder)
    assert sc.travel.minutes("A", "B") == 12.5
    assert sc.travel.minutes("A", "K") == 16.5
    assert sc.travel.minutes("K", "A") == 16.5


def test_travel_without_roads_is_estimated_from_coordinates(folder):
    (folder / "roads.csv").unlink()
    (folder / "nodes.csv").unlink()
    sc = Scenario.read(folder)
    m = sc.travel.minutes("A", "B")
    # ~7.1 km great circle x 1.3 detour / 40 km/h
    assert 13 < m < 15 and m == sc.travel.minutes("B", "A")


def test_sample_travel_symmetric_finite_and_shortest():
    import itertools

    sc = Scenario.read()
    for town in sc.schools["township"].unique():
        m = sc.travel.township_minutes(town)
        ids = sorted({a for a, _ in m})
        for a, b in itertools.product(ids, ids):
            assert m[(a, b)] == pytest.approx(m[(b, a)])
            assert m[(a, b)] < float("inf")
        for a, b, c in itertools.product(ids[:6], ids[:6], ids[:6]):
            assert m[(a, c)] <= m[(a, b)] + m[(b, c)] + 1e-9


# ---- office files ---------------------------------------------------------------------
def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def test_blank_lines_keep_the_row_numbers_excel_shows(folder):
    lines = _lines(folder / "staff.csv")
    lines.insert(2, "")
    lines.insert(2, ",,,,")
    lines[5] = lines[5].replace(",F,", ",X,")  # P3, now on row 6
    (folder / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (msg,) = messages(folder)
    assert msg.startswith("staff.csv, row 6, column gender (value 'X')")


def test_a_title_line_above_the_header_is_skipped_with_a_warning(folder):
    lines = _lines(folder / "demand.csv")
    (folder / "demand.csv").write_text("\n".join(["2027年课时需求表,,", *lines]) + "\n", encoding="utf-8")
    sc = Scenario.read(folder)
    assert list(sc.demand.index) == [3, 4, 5, 6]
    assert any(str(w).startswith("demand.csv, row 2: the header row is row 2; row(s) 1 above it") for w in sc.warnings)


def test_utf16_without_bom_and_tab_separated_txt(folder):
    text = (folder / "staff.csv").read_text(encoding="utf-8").replace(",", "\t")
    (folder / "staff.csv").unlink()
    (folder / "教职工.txt").write_bytes(text.encode("utf-16-le"))
    assert list(Scenario.read(folder).staff["person_id"]) == ["P1", "P2", "P3", "N1"]


def test_office_spellings_ticks_compact_dates_full_width_digits(folder):
    edit_csv(folder, "staff.csv", lambda d: d.assign(
        public_funded=["×", "×", "√", "×"], birth_date=["19750302", "1980-01-01", "1990年7月", "1980-01-01"],
        years_at_school=["６", "1", "1", "0"]))
    frames_equal(Scenario.read(folder), tiny())


def test_plan_folders_read_their_csv_through_the_same_reader(tmp_path):
    from rotaplan.models.scenario import read_csv_text

    f = tmp_path / "assignments.csv"
    f.write_bytes(codecs.BOM_UTF8 + b"person_id;move\n\nP1;stay\nP2;rotate\n")
    df = read_csv_text(f)
    assert list(df.columns) == ["person_id", "move"] and list(df.index) == [3, 4]
    assert list(df["move"]) == ["stay", "rotate"]


def _workbook(tmp_path):
    tiny().write(tmp_path / "sc.xlsx")
    return tmp_path / "sc.xlsx"


def test_styled_empty_cells_are_empty_not_formulas(tmp_path):
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["staff"]
    col = [c.value for c in ws[1]].index("exempt_reason") + 1
    for r in range(2, 20):  # formatted but empty, as office templates are
        ws.cell(row=r, column=col).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    ws.cell(row=3, column=ws.max_column + 2).value = "=1+1"  # a formula in a remarks column: not read
    wb.save(path)
    frames_equal(Scenario.read(path), tiny())


def test_a_formula_excel_calculated_is_read_as_its_value(tmp_path):
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["staff"]
    col = [c.value for c in ws[1]].index("years_at_school") + 1
    ws.cell(row=3, column=col).value = "=0+1"
    wb.save(path)
    # What Excel saves: the formula and its last result. openpyxl writes no result, so add it.
    tmp = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<f>0+1</f>" in data:
                data = re.sub(rb"<f>0\+1</f><v\s*/?>(</v>)?", b"<f>0+1</f><v>1</v>", data)
                assert b"<v>1</v>" in data
            dst.writestr(item, data)
    frames_equal(Scenario.read(tmp), tiny())
    with pytest.raises(ScenarioError) as exc:
        Scenario.read(path)
    (msg,) = [str(p) for p in exc.value.problems]
    assert msg.startswith(f"sc.xlsx, sheet staff, row 3, column years_at_school, cell staff!{_letter(col)}3: ")


def _letter(col):
    return openpyxl.utils.get_column_letter(col)


def test_a_hidden_sheet_alone_is_read_with_a_warning(tmp_path):
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["demand"].sheet_state = "hidden"
    wb.save(path)
    sc = Scenario.read(path)
    assert len(sc.demand) == 4 and any("the demand sheet is hidden" in str(w) for w in sc.warnings)


@pytest.mark.parametrize("name, expect", [
    ("sc.xls", "File > Save As > Excel Workbook (*.xlsx)"), ("sc.ods", "Excel Workbook (*.xlsx)"),
    ("staff.csv", "give the folder that holds schools.csv"),
])
def test_files_that_are_not_a_scenario_name_the_fix(tmp_path, name, expect):
    (tmp_path / name).write_bytes(b"x")
    (msg,) = messages(tmp_path / name)
    assert msg.startswith(name) and expect in msg


def test_a_folder_holding_only_a_workbook_points_at_it(tmp_path):
    tiny().write(tmp_path / "sc.xlsx")
    msgs = messages(tmp_path)
    assert any("the folder holds sc.xlsx: give that workbook" in m for m in msgs)


def test_a_csv_that_is_really_text_named_xlsx(tmp_path):
    (tmp_path / "sc.xlsx").write_text("school_id,name\n", encoding="utf-8")
    (msg,) = messages(tmp_path / "sc.xlsx")
    assert "not an Excel workbook" in msg and "Save As" in msg


@pytest.mark.parametrize("typed, code", [("体肓", "pe"), ("maths", "math"), ("数学课", "math"), ("Musik", "music"),
                                         ("化学", "chemistry"), ("zzz", None)])
def test_closest_subject_in_english_and_chinese(typed, code):
    from rotaplan.models.schema import SUBJECT_ZH
    from rotaplan.models.validate import closest_subject

    assert closest_subject(typed, list(SUBJECT_ZH)) == code


def test_the_builtin_sample_has_no_column_or_subject_warnings():
    sc = Scenario.read()
    # until the sample is regenerated with the contract-v2 columns, the optional-columns warning names only those
    v2 = [w for w in sc.warnings if w.column is None and "optional column(s) not in the header row" in w.message]
    for w in v2:
        named = {part.split(" (")[0].strip() for part in w.message.split(": ", 1)[1].split("; ")}
        assert named <= {"certificate", "bundle_school", "home_school", "posting_until", "dorm_beds",
                         "spouse_id"}, named
    assert [w.column for w in sc.warnings if w not in v2] == ["home_lat/home_lon"]


def test_two_policy_files_are_an_error_a_sheet_and_a_file_a_warning(folder, tmp_path):
    (folder / "政策参数.yaml").write_text("plan_year: 2027\n", encoding="utf-8")
    (msg,) = messages(folder)
    assert "policy.yaml and 政策参数.yaml both hold the policy" in msg
    book = tmp_path / "book"
    book.mkdir()
    tiny().write(book / "sc.xlsx")
    (book / "policy.yaml").write_text("plan_year: 2030\n", encoding="utf-8")
    sc = Scenario.read(book / "sc.xlsx")
    assert sc.policy.plan_year == 2027
    assert any("policy.yaml beside the workbook is not read" in str(w) for w in sc.warnings)
