"""The scenario input contract of DOMAIN.md as data: tables, columns, aliases, enumerations.

Readers, writers and validation all work from these tables, so a column or an accepted
Chinese value is declared exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .messages import Say

# Enumerations: canonical English value -> accepted Chinese value(s).
AREA = {"urban": ("城区", "城镇", "城市"), "rural": ("乡村", "农村")}
LEVEL = {
    "kindergarten": ("幼儿园",),
    "primary": ("小学",),
    "junior": ("初中",),
    "nine_year": ("九年一贯制",),
    "senior": ("高中",),
    "vocational": ("中职",),
}
ROLE = {"principal": ("校长",), "vice_principal": ("副校长",), "teacher": ("教师",)}
GENDER = {"M": ("男", "male"), "F": ("女", "female")}
DEGREE = {
    "doctorate": ("博士",),
    "master": ("硕士",),
    "bachelor": ("本科",),
    "associate": ("专科", "大专"),
    "secondary": ("中专及以下", "中专", "高中及以下"),
}
BACKBONE = {
    "none": ("无", ""),
    "school": ("校级",),
    "district": ("区级", "县级"),
    "city": ("市级",),
    "province": ("省级",),
}
# R14: teacher certificate (教师资格) levels; empty = the level of the current school
CERTIFICATE = {
    "kindergarten": ("幼儿园",),
    "primary": ("小学",),
    "junior": ("初中",),
    "senior": ("高中",),
    "vocational": ("中职",),
}
SUBJECT_ZH = {
    "chinese": "语文",
    "math": "数学",
    "english": "英语",
    "music": "音乐",
    "art": "美术",
    "pe": "体育",
    "science": "科学",
    "it": "信息技术",
    "moral": "道德与法治",
    "physics": "物理",
    "chemistry": "化学",
    "biology": "生物",
    "history": "历史",
    "geography": "地理",
    "politics": "政治",
    "preschool": "学前教育",
    "labor": "劳动",
    "psychology": "心理健康",
}
# Ticks and crosses are how many office sheets mark yes/no.
# Professional title (职称) of teachers, highest first (principal eligibility, contract v2).
TITLE = {
    "senior": ("正高级", "高级", "副高级", "中学高级", "小学高级"),
    "first": ("一级", "中学一级", "小学一级"),
    "second": ("二级", "中学二级", "小学二级"),
    "third": ("三级", "中学三级", "小学三级"),
    "none": ("未定级", "无"),
}
TITLE_RANK = {"none": 0, "third": 1, "second": 2, "first": 3, "senior": 4}
BOOL_TRUE = ("true", "1", "yes", "y", "是", "t", "√", "✓", "✔")
BOOL_FALSE = ("false", "0", "no", "n", "否", "f", "", "×", "✗", "✘")
# What Excel (and WPS, LibreOffice) show in a cell whose formula failed; exported to CSV as this text.
EXCEL_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")

COMPULSORY_LEVELS = ("primary", "junior", "nine_year")
LEADER_ROLES = ("principal", "vice_principal")
DEGREE_RANK = {"secondary": 0, "associate": 1, "bachelor": 2, "master": 3, "doctorate": 4}
BACKBONE_RANK = {"none": 0, "school": 1, "district": 2, "city": 3, "province": 4}


@dataclass(frozen=True)
class Column:
    """One column of the contract.

    `required`: the header must name it and every row needs a value. `needed_by`: the header must name it
    because a rule reads it (its absence would make that rule count zero: nobody due, eligible or protected),
    but a cell may be empty (then `default`). Neither: optional; when absent, `default` is used and a warning
    says so (`absent` says what the default means).
    """

    name: str
    alias: str
    kind: str  # text | int | float | bool | date | enum | ids
    required: bool = True
    default: Any = None
    enum: dict | None = None
    min: float | None = None
    max: float | None = None
    extra_aliases: tuple[str, ...] = ()
    needed_by: str = ""
    absent: str = ""

    @property
    def in_header(self) -> bool:
        """Whether a file without this column is an error."""
        return self.required or bool(self.needed_by)

    def default_text(self) -> str:
        """The default used for an absent optional column, in words."""
        if self.absent:
            return self.absent
        if self.kind == "bool":
            return "true (是)" if self.default else "false (否)"
        if self.kind == "enum" and self.default is not None:
            zh = self.enum[self.default][0] if self.enum and self.enum.get(self.default) else ""
            return f"{self.default} ({zh})" if zh else str(self.default)
        if self.default is None or self.default == "":
            return "empty"
        return str(self.default)

    def accepted(self) -> str:
        """What a user may write in this column, for error messages."""
        if self.kind == "enum":
            return " / ".join(f"{k} ({v[0]})" if v and v[0] else k for k, v in (self.enum or {}).items())
        if self.kind == "bool":
            return "true/false, 1/0, yes/no, 是/否"
        if self.kind == "date":
            return "a date YYYY-MM-DD or YYYY-MM"
        if self.kind == "int":
            if self.min is not None and self.max is not None:
                return f"a whole number from {self.min:g} to {self.max:g}"
            lo = "" if self.min is None else f" >= {self.min:g}"
            return f"a whole number{lo}"
        if self.kind == "float":
            rng = ""
            if self.min is not None and self.max is not None:
                rng = f" between {self.min:g} and {self.max:g}"
            elif self.min is not None:
                rng = f" >= {self.min:g}"
            return f"a number{rng}"
        if self.kind == "ids":
            return "school ids separated by ';'"
        return "text"

    def accepted_zh(self) -> str:
        """`accepted` in Chinese."""
        if self.kind == "enum":
            return "、".join(f"{v[0]}（{k}）" if v and v[0] else k for k, v in (self.enum or {}).items())
        if self.kind == "bool":
            return "是/否、true/false、1/0、yes/no"
        if self.kind == "date":
            return "日期，格式为YYYY-MM-DD或YYYY-MM"
        if self.kind == "int":
            if self.min is not None and self.max is not None:
                return f"{self.min:g}到{self.max:g}之间的整数"
            return "整数" if self.min is None else f"不小于{self.min:g}的整数"
        if self.kind == "float":
            if self.min is not None and self.max is not None:
                return f"{self.min:g}到{self.max:g}之间的数"
            return "数" if self.min is None else f"不小于{self.min:g}的数"
        if self.kind == "ids":
            return "学校代码，以“;”分隔"
        return "文字"

    def accepted_say(self) -> Say:
        return Say(self.accepted(), self.accepted_zh())

    def default_say(self) -> Say:
        """`default_text` in both languages."""
        en = self.default_text()
        if self.absent:
            zh = ABSENT_ZH.get(self.absent, self.absent)
        elif self.kind == "bool":
            zh = "是（true）" if self.default else "否（false）"
        elif self.kind == "enum" and self.default is not None:
            z = self.enum[self.default][0] if self.enum and self.enum.get(self.default) else ""
            zh = f"{z}（{self.default}）" if z else str(self.default)
        elif self.default is None or self.default == "":
            zh = "空"
        else:
            zh = str(self.default)
        return Say(en, zh)

    def needed_by_say(self) -> Say:
        return Say(self.needed_by, NEEDED_BY_ZH.get(self.needed_by, self.needed_by))

    def word(self) -> Say:
        """The column as a sentence names it: its contract name in English, the office's header in Chinese."""
        return Say(self.name, self.alias)


@dataclass(frozen=True)
class Table:
    name: str  # canonical sheet / file stem
    alias: str  # Chinese sheet name
    columns: tuple[Column, ...]
    required: bool = True
    key: tuple[str, ...] = field(default=())

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column
SCHOOLS = Table(
    "schools",
    "学校",
    (
        C("school_id", "学校代码", "text"),
        C("name", "学校名称", "text"),
        C("township", "街道镇", "text", extra_aliases=("街道(镇)", "乡镇")),
        C("area", "城乡类别", "enum", enum=AREA),
        C("level", "学段", "enum", enum=LEVEL),
        C("is_township_seat", "是否驻地学校", "bool"),
        C("mountainous", "是否山区", "bool", required=False, default=False),
        C("lat", "纬度", "float", min=-90, max=90),
        C("lon", "经度", "float", min=-180, max=180),
        C("principal_posts", "校长职数", "int", required=False, default=1, min=0, max=10),
        C("vice_principal_posts", "副校长职数", "int", required=False, default=1, min=0, max=20),
        C("staff_quota", "编制数", "int", required=False, default=None, min=0, max=100000,
          absent="no quota (R8 is not checked against 编制)"),
        # contract v2: R17 dormitory beds (周转宿舍)
        C("dorm_beds", "周转宿舍床位", "int", required=False, default=None, min=0, max=10000,
          absent="none given (R17 is not checked)"),
    ),
    key=("school_id",),
)
STAFF = Table(
    "staff",
    "教职工",
    (
        C("person_id", "工号", "text"),
        C("name", "姓名", "text"),
        C("gender", "性别", "enum", enum=GENDER),
        C("birth_date", "出生日期", "date"),
        C("role", "岗位", "enum", enum=ROLE),
        C("school_id", "现任学校代码", "text", required=False, default="",
          needed_by="every rule (the current school; empty only for a new hire to place)"),
        C("subject", "学科", "text", required=False, default="",
          needed_by="R7 and R8 (a teacher is placed only where their subject is taught)"),
        C("degree", "学历", "enum", enum=DEGREE),
        C("backbone", "骨干级别", "enum", required=False, default="none", enum=BACKBONE,
          needed_by="R9, R11 and R13 (backbone shares, backbone exchanges, training)"),
        C("years_at_school", "本校连续任职年限", "int", required=False, default=0, min=0, max=60,
          needed_by="R11 (who has served long enough at an urban school to be eligible for exchange)"),
        C("terms_at_school", "本校连续任期数", "int", required=False, default=0, min=0, max=20,
          needed_by="R1 (which leaders have completed their terms and are due to rotate)"),
        C("contract_period", "聘期序号", "int", required=False, default=0, min=0, max=30,
          needed_by="R5 (bundled hiring: who is in contract period 1)"),
        C("period_years", "本聘期已满年数", "int", required=False, default=0, min=0, max=60,
          needed_by="R5 (who finishes contract period 1 this year)"),
        C("rural_service_years", "农村服务年限", "float", required=False, default=0.0, min=0, max=60,
          needed_by="R6 (public-funded teachers' accumulated rural years)"),
        C("public_funded", "是否公费师范生", "bool", required=False, default=False,
          needed_by="R6 (public-funded teachers are not moved to town before their rural years)"),
        C("reserve_leader", "是否后备干部", "bool", required=False, default=False,
          needed_by="R2 (reserve leaders for vacant rural leader posts)"),
        C("itinerant_ok", "是否可走教", "bool", required=False, default=True),
        C("exempt_reason", "免交流原因", "text", required=False, default="",
          absent="empty (nobody is exempt from R1 or R11)"),
        C("home_lat", "住址纬度", "float", required=False, default=None, min=-90, max=90,
          absent="unknown (commutes are not counted)"),
        C("home_lon", "住址经度", "float", required=False, default=None, min=-180, max=180,
          absent="unknown (commutes are not counted)"),
        C("preferences", "志愿学校", "ids", required=False, default="", absent="empty (no ranked wishes)"),
        C("locked_school", "锁定学校", "text", required=False, default="", absent="empty (no one is locked)"),
        # contract v2: principal eligibility (R2 and any promotion to principal), R13 selection
        C("title", "职称", "enum", required=False, default="", enum=TITLE,
          absent="unknown (principal eligibility does not check titles)"),
        C("teaching_years", "教龄", "int", required=False, default=None, min=0, max=60,
          absent="years_at_school (principal eligibility counts years at the current school)"),
        C("evaluation_score", "考核分", "float", required=False, default=None, min=0, max=1000,
          absent="none (R13 selects by area and years at school)"),
        # contract v2: R14 certificate, R16 postings
        C("certificate", "教师资格", "enum", required=False, default="", enum=CERTIFICATE,
          absent="the level of each teacher's current school (R14), any level for new hires"),
        C("bundle_school", "捆绑学校", "text", required=False, default="",
          absent="empty (R5: period 2 goes to a school of the other area the plan chooses)"),
        C("home_school", "人事关系学校", "text", required=False, default="",
          absent="empty (nobody is on a posting, R16)"),
        C("posting_until", "交流截止年", "int", required=False, default=None, min=2000, max=2100,
          absent="empty (nobody is on a posting, R16)"),
        # contract v2: couples (a soft goal)
        C("spouse_id", "配偶工号", "text", required=False, default="",
          absent="empty (no couples are kept together)"),
    ),
    key=("person_id",),
)
DEMAND = Table(
    "demand",
    "课时需求",
    (
        C("school_id", "学校代码", "text"),
        C("subject", "学科", "text"),
        C("weekly_lessons", "周课时", "int", min=0, max=10000),
    ),
    key=("school_id", "subject"),
)
ROADS = Table(
    "roads",
    "道路",
    (
        C("from", "起点", "text"),
        C("to", "终点", "text"),
        C("minutes", "分钟", "float", min=0),
    ),
    required=False,
)
NODES = Table(
    "nodes",
    "节点",
    (
        C("node_id", "节点", "text", extra_aliases=("节点代码", "节点编号")),
        C("lat", "纬度", "float", min=-90, max=90),
        C("lon", "经度", "float", min=-180, max=180),
    ),
    required=False,
    key=("node_id",),
)
TABLES = (SCHOOLS, STAFF, DEMAND, ROADS, NODES)
TABLE_BY_NAME = {t.name: t for t in TABLES}


def column_word(name: str, table: str | None = None) -> Say:
    """A column named in a sentence (`school_id` / `学校代码`); several joined by '/' or '+' are each named."""
    for sep in ("+", "/"):
        if sep in name:
            parts = [column_word(n, table) for n in name.split(sep)]
            return Say(sep.join(p.en for p in parts), sep.join(p.zh for p in parts))
    for t in ([TABLE_BY_NAME[table]] if table in TABLE_BY_NAME else []) + list(TABLES):
        try:
            return t.column(name).word()
        except KeyError:
            continue
    return Say(name, name)
POLICY_SHEET = ("policy", "政策参数")


def subject_code(value: str) -> str:
    """Canonical subject code for an English or Chinese subject name."""
    v = str(value).strip()
    low = v.lower()
    if low in SUBJECT_ZH:
        return low
    for code, zh in SUBJECT_ZH.items():
        if v == zh:
            return code
    return low


def enum_lookup(enum: dict) -> dict[str, str]:
    """Every accepted spelling (lower-cased) -> canonical value."""
    out: dict[str, str] = {}
    for canon, zh in enum.items():
        out[canon.lower()] = canon
        for z in zh:
            out[z.lower()] = canon
    return out


# The Chinese of Column.needed_by and Column.absent (input problems in the office's language).
NEEDED_BY_ZH = {
    "every rule (the current school; empty only for a new hire to place)":
        "所有规则（现任学校；仅待分配的新教师可为空）",
    "R7 and R8 (a teacher is placed only where their subject is taught)": "R7和R8（教师只安排到开设其学科的学校）",
    "R9, R11 and R13 (backbone shares, backbone exchanges, training)": "R9、R11和R13（骨干教师比例、骨干交流、培训）",
    "R11 (who has served long enough at an urban school to be eligible for exchange)":
        "R11（在城区学校任职满规定年限、可参加交流的人员）",
    "R1 (which leaders have completed their terms and are due to rotate)": "R1（任期届满、应当轮岗的校级干部）",
    "R5 (bundled hiring: who is in contract period 1)": "R5（捆绑招聘：处于第一聘期的人员）",
    "R5 (who finishes contract period 1 this year)": "R5（本年第一聘期届满的人员）",
    "R6 (public-funded teachers' accumulated rural years)": "R6（公费师范生累计农村服务年限）",
    "R6 (public-funded teachers are not moved to town before their rural years)":
        "R6（公费师范生农村服务年限未满前不调入城区）",
    "R2 (reserve leaders for vacant rural leader posts)": "R2（乡村学校空缺领导岗位的后备干部）",
}
ABSENT_ZH = {
    "no quota (R8 is not checked against 编制)": "无编制数（R8不按编制核查）",
    "none given (R17 is not checked)": "未填写（不核查R17）",
    "empty (nobody is exempt from R1 or R11)": "空（无人免于R1或R11）",
    "unknown (commutes are not counted)": "未知（不计算通勤）",
    "empty (no ranked wishes)": "空（无志愿排序）",
    "empty (no one is locked)": "空（无人锁定）",
    "unknown (principal eligibility does not check titles)": "未知（校长任职资格不核查职称）",
    "years_at_school (principal eligibility counts years at the current school)":
        "本校连续任职年限（校长任职资格按现任学校年限计算）",
    "none (R13 selects by area and years at school)": "无（R13按城乡和本校年限选人）",
    "the level of each teacher's current school (R14), any level for new hires":
        "各教师现任学校的学段（R14），新教师不限学段",
    "empty (R5: period 2 goes to a school of the other area the plan chooses)":
        "空（R5：第二聘期由方案在另一类地区选校）",
    "empty (nobody is on a posting, R16)": "空（无人外派，R16）",
    "empty (no couples are kept together)": "空（不安排夫妻同校）",
}
