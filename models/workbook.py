"""plan.xlsx: the plan as the office reads it in Excel (frozen header, filters, column widths).

Sheets: Moves (only people whose school or role changes), Assignments (everyone), Itinerant (one row
per stop), KPIs (before / after / target), Compliance, Unfilled (leader posts and lessons left
uncovered), About (the scenario the plan was made from and the fingerprints of models/provenance.py, so
that a plan.xlsx copied away from its folder still knows its scenario). With ``lang="zh"`` the sheet
names, the headers and the coded values (roles, move kinds, areas, compliance status) are written in
Chinese; `read_plan_workbook` reads either language back, so a plan.xlsx edited by hand in Excel, WPS or
LibreOffice can be checked (`rotaplan check`). Assignments and Itinerant are the plan; Moves, KPIs,
Compliance and Unfilled are computed from them, and `check` refuses a value edited there (runs/source.py,
by the About sheet's fingerprints).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .figures import MEANING as FIGURE_MEANING
from .schema import LEADER_ROLES

LANGS = ("en", "zh")

# Every header of every sheet, English -> Chinese. One Chinese name per column, so a sheet reads back
# without knowing which sheet it came from.
ZH_HEADERS = {
    "person_id": "工号", "name": "姓名", "subject": "学科", "role_before": "原岗位", "role_after": "新岗位",
    "from_school": "原学校代码", "from_school_name": "原学校", "from_township": "原街道镇",
    "from_area": "原城乡类别", "to_school": "新学校代码", "to_school_name": "新学校",
    "to_township": "新街道镇", "to_area": "新城乡类别", "move": "变动类型",
    "period2_school": "第二聘期学校代码", "period2_school_name": "第二聘期学校", "director_of": "学区主任",
    "home_lessons": "本校周课时", "rules": "依据规则", "reason": "理由", "rural_service_years": "农村服务年限",
    "retire_date": "退休日期", "home_school": "人事关系学校", "posting_until": "交流截止年",
    "day": "星期", "seq": "顺序", "school_id": "学校代码", "school_name": "学校名称", "township": "街道镇",
    "lessons": "课时", "travel_minutes": "路程分钟", "rule": "规则", "status": "状态", "detail": "说明",
    "figure": "指标", "meaning": "含义", "before": "调整前", "after": "调整后", "target": "目标",
    "kind": "类别", "what": "项目", "amount": "数量", "key": "参数", "value": "值",
}
ZH_SHEETS = {"Moves": "调动", "Assignments": "全部人员", "Itinerant": "走教", "KPIs": "指标",
             "Compliance": "合规", "Unfilled": "未满足", "About": "说明"}

# Coded values written in Chinese with --lang zh (and read back from either language).
ZH_VALUES = {
    "role": {"principal": "校长", "vice_principal": "副校长", "teacher": "教师", "retired": "退休"},
    "move": {"stay": "留任", "rotate": "轮岗", "promote": "提拔", "exchange": "交流",
             "return": "交流期满返回", "place_new": "新聘", "bundle_second": "第二聘期", "transfer": "调动",
             "retire": "退休"},
    "area": {"urban": "城区", "rural": "乡村"},
    "status": {"met": "达标", "not_met": "未达标", "exempted": "豁免"},
    "kind": {"lessons": "课时", "principal post": "校长职位", "vice_principal post": "副校长职位"},
}
VALUE_KIND = {"role_before": "role", "role_after": "role", "move": "move", "from_area": "area",
              "to_area": "area", "status": "status", "kind": "kind"}

# What each KPI figure means, with its rule id (the KPIs sheet's "meaning" column): models/figures.py.
KPI_MEANING = FIGURE_MEANING

# Columns the workbook adds for reading only, per sheet; they are dropped when the workbook is read back.
DISPLAY_ONLY = {"Assignments": ("subject", "from_school_name", "to_school_name"),
                "Itinerant": ("name", "school_name")}


def _school_facts(sc) -> pd.DataFrame:
    return sc.schools.set_index("school_id")[["name", "township", "area"]]


def moves_table(plan, sc) -> pd.DataFrame:
    """People whose school or role changes from 1 September (retirements are not moves)."""
    a = plan.assignments
    s = _school_facts(sc)
    subject = a["person_id"].map(sc.staff.set_index("person_id")["subject"]).astype(object).fillna("")
    changed = ((a["from_school"] != a["to_school"]) | (a["role_before"] != a["role_after"])) & (a["move"] != "retire")
    m = a[changed]
    out = pd.DataFrame({
        "person_id": m["person_id"], "name": m["name"], "subject": subject[changed],
        "role_before": m["role_before"], "role_after": m["role_after"],
        "from_school": m["from_school"], "from_school_name": m["from_school"].map(s["name"]).astype(object).fillna(""),
        "from_township": m["from_school"].map(s["township"]).astype(object).fillna(""),
        "from_area": m["from_school"].map(s["area"]).astype(object).fillna(""),
        "to_school": m["to_school"], "to_school_name": m["to_school"].map(s["name"]).astype(object).fillna(""),
        "to_township": m["to_school"].map(s["township"]).astype(object).fillna(""),
        "to_area": m["to_school"].map(s["area"]).astype(object).fillna(""),
        "move": m["move"], "period2_school": m["period2_school"],
        "period2_school_name": m["period2_school"].map(s["name"]).astype(object).fillna(""),
        "director_of": m["director_of"], "rules": m["rules"], "reason": m["reason"],
    })
    order = {k: i for i, k in enumerate(("rotate", "promote", "place_new", "bundle_second", "exchange", "return",
                                                      "transfer"))}
    out = out.assign(_o=out["move"].map(order).fillna(99)).sort_values(["_o", "to_township", "to_school", "person_id"],
                                                                        kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def assignments_table(plan, sc) -> pd.DataFrame:
    """Everyone, the plan contract's columns first, then school names and subject for reading."""
    a = plan.assignments.copy()
    s = _school_facts(sc)
    a["subject"] = a["person_id"].map(sc.staff.set_index("person_id")["subject"]).astype(object).fillna("")
    a["from_school_name"] = a["from_school"].map(s["name"]).astype(object).fillna("")
    a["to_school_name"] = a["to_school"].map(s["name"]).astype(object).fillna("")
    return a.reset_index(drop=True)


def itinerant_table(plan, sc) -> pd.DataFrame:
    it = plan.itinerant.copy()
    if it.empty:
        return it.reindex(columns=[*it.columns, "name", "school_name"])
    s = _school_facts(sc)
    it["name"] = it["person_id"].map(plan.assignments.set_index("person_id")["name"]).astype(object).fillna("")
    it["school_name"] = it["school_id"].map(s["name"]).astype(object).fillna("")
    return it.sort_values(["person_id", "day", "seq"], kind="stable").reset_index(drop=True)


def kpi_table(plan, lang: str = "en") -> pd.DataFrame:
    k = plan.kpis or {}
    before, after, target = k.get("before", {}), k.get("after", {}), k.get("target", {})
    keys = list(before) + [x for x in after if x not in before]
    rows = []
    for key in keys:
        rule, en, zh = KPI_MEANING.get(key, ("", "", ""))
        rows.append({"figure": key, "rule": rule, "meaning": zh if lang == "zh" else en,
                     "before": before.get(key), "after": after.get(key), "target": target.get(key)})
    return pd.DataFrame(rows, columns=["figure", "rule", "meaning", "before", "after", "target"])


def unfilled_table(plan, sc) -> pd.DataFrame:
    """Lessons no teacher covers (home lessons + itinerant stops) and leader posts nobody holds."""
    names = sc.schools.set_index("school_id")["name"]
    a = plan.assignments
    rows = []
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    subj = a["person_id"].map(sc.staff.set_index("person_id")["subject"]).astype(object).fillna("")
    home = (a.assign(subject=subj, lessons=pd.to_numeric(a["home_lessons"], errors="coerce").fillna(0))
            .groupby(["to_school", "subject"])["lessons"].sum().rename_axis(["school_id", "subject"]))
    cov = home.reindex(d.index, fill_value=0)
    if len(plan.itinerant):
        it = plan.itinerant.groupby(["school_id", "subject"])["lessons"].sum()
        cov = cov.add(it.reindex(d.index, fill_value=0), fill_value=0)
    gap = (d - cov).clip(lower=0)
    for (sid, s), n in gap[gap > 0].items():
        rows.append({"kind": "lessons", "school_id": sid, "school_name": names.get(sid, sid), "what": s,
                     "amount": int(n)})
    lead = a[a["role_after"].isin(LEADER_ROLES)]
    sch = sc.schools.set_index("school_id")
    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        held = lead[lead["role_after"] == role].groupby("to_school").size()
        posts = pd.to_numeric(sch[col], errors="coerce").fillna(0)
        short = (posts - held.reindex(posts.index, fill_value=0)).clip(lower=0)
        for sid, n in short[short > 0].items():
            rows.append({"kind": f"{role} post", "school_id": sid, "school_name": names.get(sid, sid),
                         "what": role, "amount": int(n)})
    return pd.DataFrame(rows, columns=["kind", "school_id", "school_name", "what", "amount"])


# The About sheet: key -> what it means (English, Chinese). Keys stay English in both languages: they are read.
ABOUT_KEYS = {
    # only in a draft (plan --allow-violations): why it is not a plan; a draft's workbook opens on this sheet
    "draft": ("this workbook is a draft that breaks hard rules, not a plan", "本工作簿是违反硬性规则的草稿，不是方案"),
    "scenario": ("the scenario the plan was made from (a path, or builtin:laiwu)", "制定本方案所用的情景数据"),
    "fingerprint": ("fingerprint of that scenario's content: check and --lock refuse a scenario that differs",
                    "情景数据内容指纹：数据不同则拒绝检查"),
    "plan_fingerprint": ("fingerprint of the decisions as rotaplan wrote them: tells a hand edit from the plan",
                         "方案原始决定的指纹：用于识别手工修改"),
    "placement_fingerprint": ("fingerprint of who goes where as rotaplan wrote it (what sheet Moves shows)",
                              "原始人员安排的指纹（与“调动”工作表对应）"),
    "sheet_fingerprints": ("fingerprints of the computed sheets KPIs, Compliance and Unfilled as written",
                           "“指标”“合规”“未满足”工作表的内容指纹"),
    "edit": ("Edit the sheet Assignments (and Itinerant); Moves, KPIs, Compliance and Unfilled are computed "
             "from it, and `rotaplan check` refuses edits there.",
             "请在“全部人员”（及“走教”）工作表中修改；“调动”“指标”“合规”“未满足”由其生成，在其中修改会被拒绝。"),
}
SIDE_SHEETS = ("Moves", "About", "Unfilled")
# The computed sheets whose content the About sheet fingerprints, by the columns that hold a figure (the
# KPIs' "meaning" and school names are words for the reader, in either language).
COMPUTED_SHEETS = {"KPIs": ("figure", "before", "after", "target"), "Compliance": ("rule", "status", "detail"),
                   "Unfilled": ("kind", "school_id", "what", "amount")}


def _canonical_cell(v) -> str:
    """A cell as text that survives Excel, WPS or LibreOffice saving it again (numbers to 6 digits)."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    t = str(v).strip()
    try:
        return f"{float(t):.6g}"
    except ValueError:
        return _EN_VALUES["role"].get(t, t)  # Unfilled's "what" is a role word


def sheet_fingerprint(df: pd.DataFrame | None, columns) -> str:
    """sha256 (16 hex digits) over a sheet's figures, whatever the row order or added columns."""
    import hashlib

    if df is None:
        return ""
    rows = sorted("\x1f".join(_canonical_cell(v) for v in r)
                  for r in df.reindex(columns=list(columns)).astype(object).itertuples(index=False, name=None))
    return hashlib.sha256("\n".join([*columns, *rows]).encode("utf-8")).hexdigest()[:16]


def sheet_fingerprints(sheets: dict[str, pd.DataFrame]) -> str:
    """"KPIs:...;Compliance:...;Unfilled:..." for the About sheet (English headers and values)."""
    return ";".join(f"{k}:{sheet_fingerprint(sheets.get(k), cols)}" for k, cols in COMPUTED_SHEETS.items())


def about_table(plan, about: dict | None, lang: str = "en", computed: dict | None = None) -> pd.DataFrame:
    """The About sheet: the scenario stamp (models/provenance.py), the plan's own fingerprints and those of
    the computed sheets (`computed`: the English sheets as written)."""
    from .provenance import plan_stamp

    values = {**(about or {}), **plan_stamp(plan), "sheet_fingerprints": sheet_fingerprints(computed or {}),
              "edit": ""}
    rows = [{"key": k, "value": str(values.get(k, "") or ""), "meaning": m[1] if lang == "zh" else m[0]}
            for k, m in ABOUT_KEYS.items() if k != "draft" or values.get(k)]
    return pd.DataFrame(rows, columns=["key", "value", "meaning"])


def about_from_sheet(df: pd.DataFrame | None) -> dict:
    """The About sheet back to {key: value} (English or Chinese headers); {} without one."""
    if df is None or df.empty or not {"key", "value"} <= set(df.columns):
        return {}
    return {str(k).strip(): str(v).strip() for k, v in zip(df["key"], df["value"])
            if str(k).strip() in ABOUT_KEYS and str(v).strip()}


def plan_sheets(plan, sc, lang: str = "en", about: dict | None = None) -> dict[str, pd.DataFrame]:
    """The seven sheets of plan.xlsx with English headers and values (see `localise`)."""
    sheets = {
        "Moves": moves_table(plan, sc),
        "Assignments": assignments_table(plan, sc),
        "Itinerant": itinerant_table(plan, sc),
        "KPIs": kpi_table(plan, lang),
        "Compliance": plan.compliance.reset_index(drop=True),
        "Unfilled": unfilled_table(plan, sc),
    }
    sheets["About"] = about_table(plan, about, lang, computed=sheets)
    return sheets


def localise(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Headers and coded values in the chosen language."""
    if lang != "zh":
        return df
    out = df.copy()
    for col, kind in VALUE_KIND.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, m=ZH_VALUES[kind]: m.get(v, v))
    if "what" in out.columns:
        out["what"] = out["what"].map(lambda v: ZH_VALUES["role"].get(v, v))
    return out.rename(columns=ZH_HEADERS)


def write_plan_workbook(plan, sc, path: Path, lang: str = "en", about: dict | None = None) -> None:
    """Write plan.xlsx. openpyxl's write-only mode streams the rows, so 100,000 staff stay fast.

    `about`: the scenario stamp (models/provenance.py `stamp`: scenario, fingerprint) for the About sheet."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    wb = Workbook(write_only=True)
    sheets = plan_sheets(plan, sc, lang, about)
    if (about or {}).get("draft"):  # a draft opens on the About sheet, whose first row says it is not a plan
        sheets = {"About": sheets.pop("About"), **sheets}
    for name, df in sheets.items():
        out = localise(df, lang)
        ws = wb.create_sheet(ZH_SHEETS[name] if lang == "zh" else name)
        ws.freeze_panes = "A2"
        n_cols = len(out.columns)
        for i, col in enumerate(out.columns, start=1):
            sample = [str(col)] + [str(v) for v in out[col].head(200)]
            # GBK bytes: a Chinese character is about two Latin characters wide in Excel.
            width = max(len(s.encode("gbk", errors="replace")) for s in sample)
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
        if n_cols:
            ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{max(1, len(out)) + 1}"
        header = []
        for col in out.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        cells = out.astype(object).where(out.notna(), None)
        for row in cells.itertuples(index=False, name=None):
            ws.append([_plain(v) for v in row])
    wb.save(path)


def _plain(v):
    """A value openpyxl writes as a number or text (numpy scalars to Python ones)."""
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


# ---- reading back (a plan.xlsx possibly edited by hand, English or Chinese) -------------------
_EN_HEADERS = {v: k for k, v in ZH_HEADERS.items()}
_EN_SHEETS = {v: k for k, v in ZH_SHEETS.items()}
_EN_VALUES = {kind: {zh: en for en, zh in m.items()} for kind, m in ZH_VALUES.items()}
# "退休" is both the role "retired" and the move "retire": the column decides.
_EN_VALUES["role"]["退休"] = "retired"
_EN_VALUES["move"]["退休"] = "retire"


def english(df: pd.DataFrame) -> pd.DataFrame:
    """Headers and coded values back to English; unknown headers and values are kept as they are."""
    out = df.rename(columns=lambda c: _EN_HEADERS.get(str(c).strip(), str(c).strip()))
    for col, kind in VALUE_KIND.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, m=_EN_VALUES[kind]: m.get(str(v).strip(), v) if isinstance(v, str) else v)
    return out


READ_SHEETS = ("Assignments", "Itinerant", "KPIs", "Compliance")


def read_plan_workbook(path: Path, sheets=READ_SHEETS) -> dict[str, pd.DataFrame]:
    """The sheets of a plan.xlsx by English sheet name, with English headers and values, as text cells.

    Only `sheets` are read (Unfilled, KPIs and Compliance are recomputed by every check; Moves and About are
    read by runs/source.py to refuse edits in Moves and to find the scenario). Display-only columns
    (school names, subject) are dropped: the codes are what count, so a hand edit of a school code is
    what the check sees.
    """
    out: dict[str, pd.DataFrame] = {}
    with pd.ExcelFile(path) as xf:
        for name in xf.sheet_names:
            key = _EN_SHEETS.get(str(name).strip(), str(name).strip())
            key = {k.lower(): k for k in ZH_SHEETS}.get(key.lower(), key)
            if key == "分配":  # an older name of the Assignments sheet
                key = "Assignments"
            if key not in sheets or key in out:
                continue
            df = english(pd.read_excel(xf, sheet_name=name, dtype=str, keep_default_na=False))
            out[key] = df.drop(columns=[c for c in DISPLAY_ONLY.get(key, ()) if c in df.columns])
            out[key].attrs["sheet"] = str(name)  # as the workbook names it, for messages
    return out


def kpis_from_sheet(df: pd.DataFrame | None) -> dict:
    """kpis.json's before / after / target from a KPIs sheet (text cells back to numbers)."""
    if df is None or df.empty or "figure" not in df.columns:
        return {}

    def num(v):
        if v is None or str(v).strip() == "":
            return None
        try:
            f = float(v)
        except ValueError:
            return v
        return int(f) if f.is_integer() and "." not in str(v) else f

    return {part: {str(r["figure"]): num(r.get(part)) for _, r in df.iterrows()}
            for part in ("before", "after", "target") if part in df.columns}
