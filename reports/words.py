"""The office's words for coded values and names, shared by explain, routes, report and compare pages.

Coded values (role, move, area, level, degree, backbone, subject, status) are shown in the chosen language
from the contract's own tables (models/schema.py, models/workbook.py), so a Chinese page says 副校长 where
the plan's files say `vice_principal`. Schools are named by name with their code in brackets.
"""

from __future__ import annotations

from ..models import messages
from ..models.schema import AREA, BACKBONE, DEGREE, LEVEL, SUBJECT_ZH
from ..models.workbook import ZH_VALUES

messages.register({
    "words.and": ("{a} and {b}", "{a}和{b}"),
    "words.more": ("{n} more", "另{n}人"),
    "words.list_sep": (", ", "、"),
    "words.part_sep": ("; ", "；"),
    "words.no_school": ("no school", "无学校"),
    "words.not_a_school": ("{sid} (not a school of the scenario)", "{sid}（情景数据中无此学校）"),
    "words.school": ("{name} ({sid})", "{name}（{sid}）"),
    "words.school_area": ("{name} ({sid}, {area}, {township})", "{name}（{sid}，{area}，{township}）"),
    "words.person": ("{name} ({pid})", "{name}（{pid}）"),
})

# Chinese words of coded values, by kind: the contract's first Chinese value of each enumeration.
_ZH: dict[str, dict[str, str]] = {
    "role": {**ZH_VALUES["role"], "vice_principal": "副校长"},
    "move": ZH_VALUES["move"],
    "area": {k: v[0] for k, v in AREA.items()},
    "level": {k: v[0] for k, v in LEVEL.items()},
    "degree": {k: v[0] for k, v in DEGREE.items()},
    "backbone": {k: (v[0] or "无") for k, v in BACKBONE.items()},
    "subject": dict(SUBJECT_ZH),
    "status": ZH_VALUES["status"],
    "gender": {"M": "男", "F": "女"},
}
_EN: dict[str, dict[str, str]] = {
    "role": {"principal": "principal", "vice_principal": "vice-principal", "teacher": "teacher",
             "retired": "retired"},
}

# The font stack of every HTML page: system fonts only (nothing is loaded from outside the machine), with
# the Chinese fonts of Windows, macOS, Linux and WPS machines before the generic family.
FONT_STACK = ('system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei",'
              '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",SimSun,sans-serif')


def word(kind: str, value: object, lang: str | None = None) -> str:
    """A coded value in the chosen language (unknown values as they are)."""
    v = "" if value is None else str(value)
    table = _ZH if messages.check_lang(lang) == "zh" else _EN
    return table.get(kind, {}).get(v, v)


_WEEKDAYS_ZH = "一二三四五六日"


def weekday(day: object, lang: str | None = None) -> str:
    """Day 1..7 of an itinerant week: '2' in English (day 2), '二' in Chinese (星期二)."""
    try:
        n = int(str(day))
    except ValueError:
        return str(day)
    if messages.check_lang(lang) == "zh" and 1 <= n <= 7:
        return _WEEKDAYS_ZH[n - 1]
    return str(n)


def html_lang(lang: str | None) -> str:
    """The `lang` attribute of an HTML page."""
    return "zh-CN" if messages.check_lang(lang) == "zh" else "en"


def t(key: str, lang: str | None, **fields: object) -> str:
    return messages.text(key, lang, **fields)


def names(items: list[str], lang: str | None = None, most: int = 5) -> str:
    """'a, b and c' / 'a、b和c'; beyond `most` the rest are counted."""
    items = list(items)
    if not items:
        return ""
    if len(items) > most:
        items = items[:most] + [t("words.more", lang, n=len(items) - most)]
    if len(items) == 1:
        return items[0]
    return t("words.and", lang, a=t("words.list_sep", lang).join(items[:-1]), b=items[-1])


def parts(items: list[str], lang: str | None = None) -> str:
    """Clauses joined with '; ' / '；'."""
    return t("words.part_sep", lang).join(x for x in items if x)


def school(sid: object, schools, lang: str | None = None, area: bool = False) -> str:
    """A school by name with its code in brackets (and its area and township with `area`).

    `schools`: the scenario's schools indexed by school_id."""
    sid = "" if sid is None else str(sid)
    if not sid:
        return t("words.no_school", lang)
    if sid not in schools.index:
        return t("words.not_a_school", lang, sid=sid)
    s = schools.loc[sid]
    if area:
        return t("words.school_area", lang, name=s["name"], sid=sid, area=word("area", s["area"], lang),
                 township=s["township"])
    return t("words.school", lang, name=s["name"], sid=sid)
