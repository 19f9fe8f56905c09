"""Which plan and which scenario a command reads: one answer for `check`, `explain`, `routes` and `plan --lock`.

A plan folder holds the plan twice, as CSV files and as plan.xlsx, and the office edits the workbook in
Excel or WPS (or, now and then, the CSV files). meta.json and the workbook's About sheet record the
scenario (path and content fingerprint) and the fingerprint of the decisions rotaplan wrote
(models/provenance.py), so that:

* the edited copy is the one read, and the other one is the plan as rotaplan wrote it (the *original*,
  which `plan --lock` needs to tell the office's edits from its own decisions); both edited differently
  is refused, naming the two files;
* a plan.xlsx copied away from its folder still finds its scenario (About sheet), and its original
  (rebuilt from the Moves and Assignments sheets and verified by the fingerprint);
* a scenario whose content differs from the recorded fingerprint is refused, and a plan that records no
  scenario is refused unless one is given: never the built-in sample in its place;
* an edit in the derived sheet Moves is refused, naming the sheet to edit instead;
* the move kind of every row is derived from its data (`models.plan.derive_moves`), whatever its cell says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.messages import Msg, Say
from ..models.plan import Plan, derive_moves
from ..models.provenance import (
    BUILTIN_NAME,
    fingerprint,
    placement_fingerprint,
    plan_fingerprint,
    short,
    workbook_stamp,
)
from ..models.scenario import Scenario

_OUTCOME = ["role_after", "to_school", "period2_school", "director_of"]


@dataclass
class OpenedPlan:
    """A plan as a command reads it, with the scenario it was made from."""

    plan: Plan  # the plan to use: the edited copy where the office edited one; moves derived from the data
    scenario: Scenario
    what_was_read: str  # one sentence for the user: which file, which scenario
    original: Plan | None = None  # the plan as rotaplan wrote it, where known (plan --lock tells edits by it)
    file: str = ""  # the file the plan was read from
    notes: list[str] = field(default_factory=list)  # further facts worth printing


def open_plan(plan_path, scenario: str | Path | Scenario | None = None,
              read_scenario: Callable[[str | None], Scenario] = Scenario.read,
              how_to_pass: str = "pass the scenario it was made from as SCENARIO",
              lang: str | None = None) -> OpenedPlan:
    """The plan at `plan_path` (a plan folder, its plan.xlsx or assignments.csv, or a plan.xlsx anywhere) and
    its scenario: `scenario` when given (a path or an already read Scenario), else the recorded one.

    Raises ScenarioError (exit 2) for a scenario whose fingerprint differs from the recorded one, a plan
    that records no scenario and gets none, both copies edited differently, or an edit in the Moves sheet.
    `lang`: the language of `what_was_read` and the notes (English by default)."""
    path = Path(plan_path)
    if not path.exists():
        raise ScenarioError([Problem.of(str(path), None, None, None, "plan_source.no_plan")])
    src = _Sources.find(path)
    notes: list[str] = []
    chosen, original = src.choose(notes, lang)
    if src.xlsx is not None and not src.workbook_as_written:  # where the office edits, whichever copy is read
        _check_computed_sheets(src, src.plan("xlsx"))
        original = _check_moves_sheet(src, src.plan("xlsx"), chosen, original, notes, lang)
    what = src.what(chosen, original, lang)
    if original is not None and original is not chosen:
        notes += _clear_stale_figures(chosen, original, lang)
    sc, sc_what = _scenario(src, scenario, read_scenario, how_to_pass, notes, lang)
    notes += _derive(chosen, sc, src.label(chosen), lang)
    return OpenedPlan(chosen, sc, messages.text("plan_source.read", lang, what=what, scenario=sc_what), original,
                      src.label(chosen), notes)


def changed_people(plan: Plan, other: Plan, columns=_OUTCOME) -> list[str]:
    """People whose `columns` differ between two plans (a person missing from `other` counts as changed)."""
    a = _outcomes(plan, columns)
    b = _outcomes(other, columns).reindex(a.index)
    diff = (a != b).any(axis=1)
    return list(a.index[diff])


def _outcomes(plan: Plan, columns) -> pd.DataFrame:
    a = plan.assignments.drop_duplicates("person_id").set_index("person_id")
    return a[list(columns)].fillna("").astype(str)


def _names(ids: list[str], n: int = 8) -> str:
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "")


def _names_say(ids: list[str], n: int = 8) -> Say:
    zh = "、".join(ids[:n]) + (f"等，另有{len(ids) - n}人" if len(ids) > n else "")
    return Say(_names(ids, n), zh)


messages.register({
    "plan_source.no_plan": ("no such plan: run `rotaplan plan --out DIR` first",
                            "方案不存在：请先运行`rotaplan plan --out DIR`"),
    "plan_source.not_folder": ("not a plan folder: it has neither assignments.csv nor plan.xlsx",
                               "不是方案文件夹：其中既没有assignments.csv也没有plan.xlsx"),
    "plan_source.what": ("a plan is a folder, its plan.xlsx or its assignments.csv",
                         "方案应为一个文件夹、其中的plan.xlsx或assignments.csv"),
    "plan_source.bad_json": ("not readable JSON ({why}); it names the plan's scenario",
                             "不是可读取的JSON（{why}）；该文件记录方案所依据的方案数据"),
    "plan_source.not_object": ("not a JSON object", "不是JSON对象"),
    "plan_source.both_changed": ("plan.xlsx and assignments.csv were both changed since rotaplan wrote them, and they "
                                 "differ ({n} people: {names}): say which one to read, `{xlsx}` or `{csv}`",
                                 "plan.xlsx和assignments.csv在rotaplan写入后都被修改过，且两者不同（{n}人：{names}）："
                                 "请指明读取哪一个，`{xlsx}`或`{csv}`"),
    "plan_source.moves_person": ("no such person in the plan; sheet {sheet} only lists the plan's moves: add or "
                                 "change people in sheet {assign}",
                                 "方案中没有此人；工作表{sheet}只列出方案中的调动：请在工作表{assign}中添加或修改人员"),
    "plan_source.moves_edit": ("{pid}: differs from the plan ({was}); sheet {sheet} is computed from sheet {assign} "
                               "and is not read: make the change in sheet {assign} and leave sheet {sheet} as it was",
                               "{pid}：与方案不同（方案为{was}）；工作表{sheet}由工作表{assign}生成，不会读取：请在工作表"
                               "{assign}中修改，工作表{sheet}保持原样"),
    "plan_source.empty": ("empty", "空"),
    "plan_source.computed": ("changed by hand, but sheet {sheet} is computed from the plan and is not read (`rotaplan "
                             "check` computes it again): make changes in sheet {assign} and leave sheet {sheet} as "
                             "rotaplan wrote it",
                             "被手工修改过，但工作表{sheet}由方案生成，不会读取（`rotaplan check`会重新计算）："
                             "请在工作表{assign}中修改，工作表{sheet}保持rotaplan写入时的样子"),
    "plan_source.no_record": ("the plan does not say which scenario it was made from (no meta.json beside it and no "
                              "About sheet in a plan.xlsx): {how}",
                              "方案没有记录所依据的方案数据（旁边没有meta.json，plan.xlsx中也没有“关于”工作表）：{how}"),
    "plan_source.gone": ("the plan was made from the scenario {rec} ({where}), which is not there any more: {how}",
                         "方案依据的方案数据{rec}（{where}）已不存在：{how}"),
    "plan_source.fingerprint": ("the plan was made from {made_from} (fingerprint {recorded}, {where}), but {used} has "
                                "fingerprint {actual}: its data or policy differ. {how}, or make a new plan from this "
                                "scenario with `rotaplan plan`",
                                "方案依据的是{made_from}（指纹{recorded}，{where}），而{used}的指纹为{actual}：两者的数据"
                                "或政策参数不同。{how}，或用`rotaplan plan`按此方案数据重新编制方案"),
    "plan_source.another": ("another scenario", "另一份方案数据"),
    "plan_source.recorded_meta": ("as recorded in {path}", "记录于{path}"),
    "plan_source.recorded_about": ("as recorded in the About sheet of {path}", "记录于{path}的“关于”工作表"),
    # what was read (the first line of check, explain, routes, plan --lock) and the notes about it
    "plan_source.read": ("{what}; {scenario}.", "{what}；{scenario}。"),
    "plan_source.read_unedited": ("Read {name} (unedited: the plan as rotaplan wrote it{same})",
                                  "读取{name}（未修改：即rotaplan写入的方案{same}）"),
    "plan_source.same": ("; {other} holds the same decisions", "；{other}中的决定与之相同"),
    "plan_source.read_unlisted": ("Read {name} (edited by hand; the plan as rotaplan wrote it is not beside it, so "
                                  "the edits cannot be listed)",
                                  "读取{name}（经手工修改；旁边没有rotaplan写入的原方案，无法列出修改之处）"),
    "plan_source.read_plain": ("Read {name}", "读取{name}"),
    "plan_source.was_moves": ("the plan as rotaplan wrote it (rebuilt from sheet Moves)",
                              "rotaplan写入的方案（由工作表Moves重建）"),
    "plan_source.was_file": ("{file}, the plan as rotaplan wrote it", "{file}，即rotaplan写入的方案"),
    "plan_source.read_lessons": ("Read {name} (edited by hand: home lessons or itinerant stops differ from {was})",
                                 "读取{name}（经手工修改：本校课时或走教安排与{was}不同）"),
    "plan_source.read_edited": ("Read {name} (edited by hand: {n} people differ from {was}: {names})",
                                "读取{name}（经手工修改：{n}人与{was}不同：{names}）"),
    "plan_source.old_plan": ("{label} records no plan fingerprint (a plan of an older rotaplan): hand edits cannot "
                             "be told apart from the plan as rotaplan wrote it.",
                             "{label}没有记录方案指纹（旧版rotaplan编制的方案）：无法区分手工修改与rotaplan写入的方案。"),
    "plan_source.old_meta": ("meta.json records no plan fingerprint (a plan of an older rotaplan): plan.xlsx differs "
                             "from assignments.csv and is taken as the edited copy, assignments.csv as the plan as "
                             "written.",
                             "meta.json没有记录方案指纹（旧版rotaplan编制的方案）：plan.xlsx与assignments.csv不同，"
                             "将plan.xlsx视为修改后的文件，assignments.csv视为写入时的方案。"),
    "plan_source.old_book": ("{book} has no About sheet with a placement fingerprint (an older workbook): edits in "
                             "sheet {sheet} cannot be detected; only sheet {assign} is read.",
                             "{book}没有含安排指纹的“关于”工作表（旧版工作簿）：无法发现工作表{sheet}中的修改；"
                             "只读取工作表{assign}。"),
    "plan_source.stale": ("{n} people moved by hand ({names}) keep the home lessons and itinerant stops of their old "
                          "post in the file; these are read as none: rotaplan assigns lessons again with `rotaplan "
                          "plan --lock`.",
                          "{n}名手工调动的人员（{names}）在文件中仍保留原岗位的本校课时和走教安排，这些按无安排读取："
                          "用`rotaplan plan --lock`由rotaplan重新安排课时。"),
    "plan_source.old_scenario": ("{plan} records no scenario fingerprint (a plan of an older rotaplan): it cannot be "
                                 "verified that {used} is the scenario it was made from.",
                                 "{plan}没有记录方案数据指纹（旧版rotaplan编制的方案）：无法核实{used}就是其所依据的"
                                 "方案数据。"),
    "plan_source.sc_unverified": ("scenario {used} (not verified: no fingerprint recorded)",
                                  "方案数据{used}（未核实：没有记录指纹）"),
    "plan_source.sc_verified": ("scenario {used} (fingerprint {fp}, as the plan records)",
                                "方案数据{used}（指纹{fp}，与方案记录一致）"),
    "plan_source.derived": ("{file}: {n} row(s) whose move does not match their schools and roles; the move is read "
                            "from the data: {shown}{more}.",
                            "{file}：{n}行的调动类型与其学校和职务不符，调动类型按数据读取：{shown}{more}。"),
    "plan_source.derived_row": ("{pid} (row {row}: '{given}' read as '{derived}')",
                                "{pid}（第{row}行：“{given}”按“{derived}”读取）"),
    "plan_source.more": (" and {n} more", "等，另有{n}行"),
})

# The Chinese of the hints the faces pass as `how_to_pass` (another is shown as given).
_HOW_ZH = {
    "pass the scenario it was made from as SCENARIO": "请将其所依据的方案数据作为SCENARIO给出",
    "pass the scenario it was made from as SCENARIO (`rotaplan plan SCENARIO --lock PLAN`)":
        "请将其所依据的方案数据作为SCENARIO给出（`rotaplan plan SCENARIO --lock PLAN`）",
    "pass the scenario it was made from as SCENARIO (`rotaplan check PLAN SCENARIO`)":
        "请将其所依据的方案数据作为SCENARIO给出（`rotaplan check PLAN SCENARIO`）",
    "pass the scenario it was made from with --scenario": "请用--scenario给出其所依据的方案数据",
}


def _how(how_to_pass: str, capital: bool = False) -> Say:
    en = how_to_pass[0].upper() + how_to_pass[1:] if capital and how_to_pass else how_to_pass
    return Say(en, _HOW_ZH.get(how_to_pass, how_to_pass))


# ---- which files --------------------------------------------------------------------------------
@dataclass
class _Sources:
    """The copies of one plan found at a path: CSV files, workbook, meta.json, and what they record."""

    named: str  # "folder", "xlsx" or "csv": what the user pointed at
    folder: Path
    csv: Path | None
    xlsx: Path | None
    meta: dict
    meta_path: Path | None
    _plans: dict = field(default_factory=dict)
    _as_written: bool | None = None

    @classmethod
    def find(cls, path: Path) -> _Sources:
        if path.is_dir():
            folder, named, csv, xlsx = path, "folder", path / "assignments.csv", path / "plan.xlsx"
            if not csv.exists() and not xlsx.exists():
                raise ScenarioError([Problem.of(str(path), None, None, None, "plan_source.not_folder")])
        elif path.suffix.lower() == ".xlsx":
            folder, named, csv, xlsx = path.parent, "xlsx", path.parent / "assignments.csv", path
        elif path.name.lower() == "assignments.csv":
            folder, named, csv, xlsx = path.parent, "csv", path, path.parent / "plan.xlsx"
        else:
            raise ScenarioError([Problem.of(str(path), None, None, None, "plan_source.what")])
        meta_path = folder / "meta.json"
        meta: dict = {}
        if meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ScenarioError([Problem.of(str(meta_path), None, None, None, "plan_source.bad_json",
                                                why=str(exc))]) from None
            if not isinstance(meta, dict):
                raise ScenarioError([Problem.of(str(meta_path), None, None, None, "plan_source.not_object")])
        src = cls(named, folder, csv if csv.exists() else None, xlsx if xlsx.exists() else None, meta,
                  meta_path if meta_path.exists() else None)
        if src.xlsx is not None and not src._workbook_of_this_folder():
            if named == "xlsx":  # a workbook copied beside another plan's files: it stands alone
                src.csv, src.meta, src.meta_path = None, {}, None
            else:  # a workbook of another plan dropped into this folder: not this plan's copy
                src.xlsx = None
        return src

    def plan(self, which: str) -> Plan:
        if which not in self._plans:
            path = self.csv if which == "csv" else self.xlsx
            assert path is not None, which  # only copies that exist are read
            self._plans[which] = Plan.read(path)
        return self._plans[which]

    def about(self) -> dict:
        from ..models.workbook import about_from_sheet

        if self.xlsx is None or self.workbook_as_written:  # then meta.json says the same
            return {}
        return about_from_sheet(self.plan("xlsx").side_sheets.get("About"))

    @property
    def workbook_as_written(self) -> bool:
        """The workbook's bytes are those rotaplan wrote (meta.json's workbook_sha256): unedited, unread."""
        if self._as_written is None:
            rec = self.meta.get("workbook_sha256")
            self._as_written = bool(rec) and self.xlsx is not None and \
                workbook_stamp(self.xlsx).get("workbook_sha256") == rec
        return self._as_written

    def _workbook_of_this_folder(self) -> bool:
        """Whether the workbook belongs to the meta.json (and CSV files) of its folder."""
        if self.workbook_as_written:
            return True
        if self.meta_path is None:
            return self.csv is None or self.named != "xlsx"
        about = self.about()
        if not about:  # an older workbook: only the folder's own plan.xlsx
            return self.xlsx is not None and self.xlsx.name.lower() == "plan.xlsx"
        keys = ("fingerprint", "plan_fingerprint")
        return all(about.get(k) == self.meta.get(k) for k in keys if self.meta.get(k))

    @property
    def record(self) -> dict:
        """scenario, fingerprints as recorded (meta.json first, else the About sheet)."""
        out = {k: v for k, v in self.about().items() if k != "edit"}
        out.update({k: v for k, v in self.meta.items() if k in _RECORDED and v})
        return out

    def where_recorded(self) -> Msg:
        if self.meta_path is not None and self.meta.get("scenario"):
            return Msg.of("plan_source.recorded_meta", path=str(self.meta_path))
        return Msg.of("plan_source.recorded_about", path=str(self.xlsx))

    def is_xlsx(self, plan: Plan) -> bool:
        return self.xlsx is not None and "xlsx" in self._plans and plan is self._plans["xlsx"]

    def label(self, plan: Plan) -> str:
        return str(self.xlsx if self.is_xlsx(plan) else self.csv)

    def choose(self, notes: list[str], lang: str | None = None) -> tuple[Plan, Plan | None]:
        """The copy to read and the original (the plan as rotaplan wrote it) where known."""
        recorded = self.record.get("plan_fingerprint", "")
        have = [k for k, f in (("csv", self.csv), ("xlsx", self.xlsx)) if f is not None]
        # A workbook with the bytes rotaplan wrote holds the recorded decisions; it is read only if needed.
        fp = {k: recorded if k == "xlsx" and self.workbook_as_written and recorded else plan_fingerprint(self.plan(k))
              for k in have}
        pristine = {k for k, f in fp.items() if f == recorded}
        if len(have) == 1:
            key = have[0]
            chosen = self.plan(key)
            if not recorded:
                notes.append(messages.text("plan_source.old_plan", lang, label=self.label(chosen)))
            return chosen, (chosen if key in pristine else None)
        if self.named in ("xlsx", "csv"):
            key = self.named
        elif fp["csv"] == fp["xlsx"]:
            key = "csv"
        elif "csv" in pristine:
            key = "xlsx"
        elif "xlsx" in pristine:
            key = "csv"
        elif recorded:
            n = changed_people(self.plan("xlsx"), self.plan("csv"))
            raise ScenarioError([Problem.of(str(self.folder), None, None, None, "plan_source.both_changed",
                                            n=len(n), names=_names_say(n), xlsx=str(self.xlsx), csv=str(self.csv))])
        else:
            key = "xlsx"
            notes.append(messages.text("plan_source.old_meta", lang))
        other = "csv" if key == "xlsx" else "xlsx"
        if key in pristine:
            return self.plan(key), self.plan(key)
        if other in pristine or not recorded:
            return self.plan(key), self.plan(other)
        return self.plan(key), None

    def what(self, chosen: Plan, original: Plan | None, lang: str | None = None) -> str:
        """Which file is read and how it relates to the plan as rotaplan wrote it, in one sentence (in `lang`)."""
        def t(key: str, **f: object) -> str:
            return messages.text(f"plan_source.{key}", lang, **f)

        recorded = self.record.get("plan_fingerprint", "")
        name = self.label(chosen)
        if original is chosen:
            other = self.csv if self.is_xlsx(chosen) else self.xlsx
            same = t("same", other=Path(other).name) if other is not None and self.named == "folder" else ""
            return t("read_unedited", name=name, same=same)
        if original is None:
            if recorded:
                return t("read_unlisted", name=name)
            return t("read_plain", name=name)
        n = changed_people(chosen, original)
        if original.source.endswith("(as written)"):
            was = t("was_moves")
        else:
            was = t("was_file", file=Path(self.label(original)).name)
        if not n:
            return t("read_lessons", name=name, was=was)
        return t("read_edited", name=name, n=len(n), was=was, names=_names_say(n))


_RECORDED = ("scenario", "fingerprint", "plan_fingerprint", "placement_fingerprint")




# ---- figures a hand edit leaves stale ------------------------------------------------------------
def _clear_stale_figures(plan: Plan, original: Plan, lang: str | None = None) -> list[str]:
    """Home lessons and itinerant stops of people whose school or role was edited, where the edit left them
    as they were: they describe the old post, so they are read as none (rotaplan assigns them again when it
    re-plans). Figures the office edited too are kept as edited."""
    moved = changed_people(plan, original, ["role_after", "to_school"])
    if not moved:
        return []
    a = plan.assignments
    was = original.assignments.drop_duplicates("person_id").set_index("person_id")["home_lessons"]
    stale = a["person_id"].isin(moved) & (a["home_lessons"] == a["person_id"].map(was)) & (a["home_lessons"] != 0)
    a.loc[stale, "home_lessons"] = 0
    it, it0 = plan.itinerant, original.itinerant
    cols = ["day", "seq", "school_id", "subject", "lessons"]
    same_stops = [p for p in moved if (p in set(it["person_id"]))
                  and it[it["person_id"] == p][cols].astype(str).sort_values(cols).to_numpy().tolist()
                  == it0[it0["person_id"] == p][cols].astype(str).sort_values(cols).to_numpy().tolist()]
    if same_stops:
        plan.itinerant = it[~it["person_id"].isin(same_stops)].reset_index(drop=True)
    who = sorted(set(a.loc[stale, "person_id"]) | set(same_stops))
    if not who:
        return []
    return [messages.text("plan_source.stale", lang, n=len(who), names=_names_say(who))]


# ---- the Moves sheet: derived from Assignments, so an edit there is refused ------------------------
def _check_moves_sheet(src: _Sources, workbook: Plan, chosen: Plan, original: Plan | None,
                       notes: list[str], lang: str | None = None) -> Plan | None:
    """Refuse hand edits in the workbook's Moves sheet (they would be silently lost); return the original,
    rebuilt from Moves and Assignments for a lone workbook when the recorded fingerprint proves it right."""
    moves = workbook.side_sheets.get("Moves")
    names = workbook.side_sheets.get("sheet_names", {})
    sheet, assign_sheet = names.get("Moves", "Moves"), names.get("Assignments", "Assignments")
    if moves is None or "person_id" not in moves.columns:
        return original
    moves = moves.rename(columns=lambda c: str(c).strip()).fillna("").astype(str)
    moves.index = pd.RangeIndex(2, len(moves) + 2)
    moves = moves[moves["person_id"].str.strip() != ""]
    record = src.record
    book = src.xlsx.name if src.xlsx is not None else "plan.xlsx"
    if original is None and workbook is chosen and record.get("placement_fingerprint"):
        rebuilt = _rebuild_original(chosen, moves)
        if rebuilt is not None and placement_fingerprint(rebuilt) == record["placement_fingerprint"]:
            original = rebuilt
    if original is None and not record.get("placement_fingerprint"):
        notes.append(messages.text("plan_source.old_book", lang, book=book, sheet=sheet, assign=assign_sheet))
        return original
    ref = _outcomes(original if original is not None else workbook, _OUTCOME)
    where = f"{book}, sheet {sheet}"
    problems = []
    for row, r in moves.iterrows():
        pid = r["person_id"].strip()
        if pid not in ref.index:
            problems.append(Problem.of(where, row, "person_id", pid, "plan_source.moves_person", sheet=sheet,
                                       assign=assign_sheet))
            continue
        for c in _OUTCOME:
            if c in moves.columns and r[c].strip() != ref.at[pid, c]:
                problems.append(Problem.of(
                    where, row, c, r[c], "plan_source.moves_edit", pid=pid,
                    was=ref.at[pid, c] or Msg.of("plan_source.empty"), sheet=sheet, assign=assign_sheet))
    if problems:
        raise ScenarioError(problems)
    return original


def _check_computed_sheets(src: _Sources, workbook: Plan) -> None:
    """Refuse value edits in KPIs, Compliance and Unfilled: computed from the plan, they are not read (every
    check computes them again), so an edit there would be lost without a word."""
    from ..models.workbook import COMPUTED_SHEETS, sheet_fingerprint

    recorded = dict(part.split(":", 1) for part in src.about().get("sheet_fingerprints", "").split(";") if ":" in part)
    names = workbook.side_sheets.get("sheet_names", {})
    assign = names.get("Assignments", "Assignments")
    book = src.xlsx.name if src.xlsx is not None else "plan.xlsx"
    problems = []
    for key, columns in COMPUTED_SHEETS.items():
        df = workbook.side_sheets.get(key)
        if key in recorded and df is not None and sheet_fingerprint(df, columns) != recorded[key]:
            sheet = names.get(key, key)
            problems.append(Problem.of(f"{book}, sheet {sheet}", None, None, None, "plan_source.computed",
                                       sheet=sheet, assign=assign))
    if problems:
        raise ScenarioError(problems)


def _rebuild_original(plan: Plan, moves: pd.DataFrame) -> Plan | None:
    """The placements as written, from a workbook: sheet Moves lists everyone whose school or role changes;
    everyone else keeps school and role (or retires). Trusted only when its placement fingerprint matches."""
    if not set(_OUTCOME) <= set(moves.columns):
        return None
    a = plan.assignments.copy()
    by_pid = moves.assign(person_id=moves["person_id"].str.strip()).drop_duplicates("person_id").set_index("person_id")
    listed = a["person_id"].isin(by_pid.index)
    kept = ~listed & (a["role_after"] != "retired")
    a.loc[kept, "role_after"] = a.loc[kept, "role_before"]
    a.loc[kept, "to_school"] = a.loc[kept, "from_school"]
    for c in _OUTCOME:
        a.loc[listed, c] = a.loc[listed, "person_id"].map(by_pid[c].str.strip()).to_numpy()
    return Plan(a, plan.itinerant, plan.kpis, plan.compliance, plan.source + " (as written)")


# ---- which scenario ------------------------------------------------------------------------------
def recorded_scenario(plan_path, how_to_pass: str = "pass the scenario it was made from as SCENARIO") -> str | None:
    """The path of the scenario a plan records (None: the built-in sample, recorded as builtin:laiwu).

    Raises ScenarioError when the plan records none or the recorded one is not there: never the sample
    in its place."""
    path = Path(plan_path)
    if not path.exists():
        raise ScenarioError([Problem.of(str(path), None, None, None, "plan_source.no_plan")])
    return _recorded_path(_Sources.find(path), how_to_pass)


def _plan_name(src: _Sources) -> str:
    return str(src.xlsx if src.named == "xlsx" else src.folder if src.named == "folder" else src.csv)


def _recorded_path(src: _Sources, how_to_pass: str) -> str | None:
    rec = src.record.get("scenario", "")
    if not rec:
        raise ScenarioError([Problem.of(_plan_name(src), None, None, None, "plan_source.no_record",
                                        how=_how(how_to_pass))])
    if rec == BUILTIN_NAME:
        return None
    path = Path(rec)
    beside = src.folder / "scenario"  # a what-if plan carries its changed scenario with it
    if not path.exists() and src.meta.get("whatif") and beside.exists():
        path = beside
    if not path.exists():
        raise ScenarioError([Problem.of(_plan_name(src), None, None, None, "plan_source.gone", rec=rec,
                                        where=src.where_recorded(), how=_how(how_to_pass))])
    return str(path)


def _scenario(src: _Sources, scenario, read_scenario, how_to_pass: str, notes: list[str],
              lang: str | None = None) -> tuple[Scenario, str]:
    """The scenario given, else the recorded one; refused when its fingerprint differs from the recorded one."""
    record = src.record
    recorded_fp = record.get("fingerprint", "")
    if isinstance(scenario, Scenario):
        sc, used = scenario, f"'{scenario.name}'"
    elif scenario:
        sc, used = read_scenario(str(scenario)), str(scenario)
    else:
        path = _recorded_path(src, how_to_pass)
        sc = read_scenario(path)
        used = path or BUILTIN_NAME
    actual = fingerprint(sc)
    if recorded_fp and actual != recorded_fp:
        made_from = record.get("scenario") or Msg.of("plan_source.another")
        raise ScenarioError([Problem.of(_plan_name(src), None, None, None, "plan_source.fingerprint",
                                        made_from=made_from, recorded=short(recorded_fp), where=src.where_recorded(),
                                        used=used, actual=short(actual), how=_how(how_to_pass, capital=True))])
    if not recorded_fp:
        notes.append(messages.text("plan_source.old_scenario", lang, plan=_plan_name(src), used=used))
        return sc, messages.text("plan_source.sc_unverified", lang, used=used)
    return sc, messages.text("plan_source.sc_verified", lang, used=used, fp=short(actual))


# ---- move kinds from the data ----------------------------------------------------------------------
def _derive(plan: Plan, sc: Scenario, label: str, lang: str | None = None) -> list[str]:
    """Set every row's move from its data; a note names the rows whose cell said otherwise."""
    a = plan.assignments
    derived = derive_moves(a, sc)
    differ = a.index[(a["move"] != derived) & (a["move"] != "")]
    notes = []
    if len(differ):
        shown = [messages.text("plan_source.derived_row", lang, pid=a.at[i, "person_id"], row=i, given=a.at[i, "move"],
                               derived=derived[i]) for i in differ[:10]]
        more = messages.text("plan_source.more", lang, n=len(differ) - 10) if len(differ) > 10 else ""
        notes.append(messages.text("plan_source.derived", lang, file=Path(label).name, n=len(differ),
                                   shown=("、" if messages.check_lang(lang) == "zh" else ", ").join(shown), more=more))
    plan.assignments["move"] = derived.to_numpy()
    return notes
