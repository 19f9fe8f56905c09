"""plan.xlsx: the plan as the office reads it in Excel (frozen header, filters, column widths)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

ZH_HEADERS = {
    "person_id": "工号", "name": "姓名", "role_before": "原岗位", "role_after": "新岗位",
    "from_school": "原学校代码", "to_school": "新学校代码", "from_school_name": "原学校",
    "to_school_name": "新学校", "from_area": "原城乡类别", "to_area": "新城乡类别", "move": "变动类型",
    "period2_school": "第二聘期学校", "director_of": "学区主任", "home_lessons": "本校周课时",
    "rules": "规则", "reason": "说明", "rural_service_years": "农村服务年限", "day": "星期", "seq": "顺序",
    "school_id": "学校代码", "subject": "学科", "lessons": "课时", "travel_minutes": "路程分钟",
    "rule": "规则", "status": "状态", "detail": "说明", "figure": "指标", "before": "调整前",
    "after": "调整后", "target": "目标", "kind": "类别", "what": "项目", "amount": "数量",
}
ZH_SHEETS = {"Moves": "调动", "Assignments": "全部人员", "Itinerant": "走教", "KPIs": "指标",
             "Compliance": "合规", "Unfilled": "未满足"}


def plan_sheets(plan, sc) -> dict[str, pd.DataFrame]:
    a = plan.assignments.copy()
    names = sc.schools.set_index("school_id")["name"]
    area = sc.schools.set_index("school_id")["area"]
    for side in ("from", "to"):
        a[f"{side}_school_name"] = a[f"{side}_school"].map(names).fillna("")
        a[f"{side}_area"] = a[f"{side}_school"].map(area).fillna("")
    moves = a[(a["from_school"] != a["to_school"]) | (a["role_before"] != a["role_after"])]
    moves = moves[["person_id", "name", "role_before", "role_after", "from_school_name", "from_area",
                   "to_school_name", "to_area", "move", "period2_school", "rules", "reason"]]
    k = plan.kpis
    keys = list(k.get("before", {})) + [x for x in k.get("after", {}) if x not in k.get("before", {})]
    kpis = pd.DataFrame([{"figure": key, "before": k["before"].get(key), "after": k["after"].get(key),
                          "target": k.get("target", {}).get(key)} for key in keys])
    unfilled = []
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    home = plan.assignments.assign(subject=plan.assignments["person_id"].map(
        sc.staff.set_index("person_id")["subject"])).groupby(["to_school", "subject"])["home_lessons"].sum()
    cov = home.rename_axis(["school_id", "subject"]).reindex(d.index, fill_value=0)
    if len(plan.itinerant):
        it = plan.itinerant.groupby(["school_id", "subject"])["lessons"].sum()
        cov = cov.add(it.reindex(d.index, fill_value=0), fill_value=0)
    gap = (d - cov).clip(lower=0)
    for (sid, subj), n in gap[gap > 0].items():
        unfilled.append({"kind": "lessons", "school_id": sid, "what": f"{names.get(sid, sid)} {subj}",
                         "amount": int(n)})
    lead = plan.assignments[plan.assignments["role_after"].isin(["principal", "vice_principal"])]
    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        held = lead[lead["role_after"] == role].groupby("to_school").size()
        posts = sc.schools.set_index("school_id")[col]
        short = (posts - held.reindex(posts.index, fill_value=0)).clip(lower=0)
        for sid, n in short[short > 0].items():
            unfilled.append({"kind": f"{role} post", "school_id": sid, "what": names.get(sid, sid), "amount": int(n)})
    return {
        "Moves": moves,
        "Assignments": plan.assignments,
        "Itinerant": plan.itinerant,
        "KPIs": kpis,
        "Compliance": plan.compliance,
        "Unfilled": pd.DataFrame(unfilled, columns=["kind", "school_id", "what", "amount"]),
    }


def write_plan_workbook(plan, sc, path: Path, lang: str = "en") -> None:
    sheets = plan_sheets(plan, sc)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            sheet = ZH_SHEETS[name] if lang == "zh" else name
            out = df.rename(columns=ZH_HEADERS) if lang == "zh" else df
            out.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes = "A2"
            if len(out.columns):
                ws.auto_filter.ref = f"A1:{get_column_letter(len(out.columns))}{max(1, len(out)) + 1}"
            for i, col in enumerate(out.columns, start=1):
                sample = [str(col)] + [str(v) for v in out[col].head(200)]
                width = max(len(s.encode("gbk", errors="replace")) for s in sample)
                ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
