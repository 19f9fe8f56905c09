"""Problems found in the user's input, each naming file or sheet, row, column and value.

A problem's sentence is a message of the catalogue (`key` and its fields, `args`), so it is shown in the
language of the command or page (`Problem.text`, `Problem.render`); `message` is its English text, kept for
logs, exceptions and the places that read it as it always was.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import messages
from .schema import column_word

messages.register({
    "input.where.sheet": ("{file}, sheet {sheet}", "{file}，工作表 {sheet}"),
    "input.where.row": (", row {row}", "，第{row}行"),
    "input.where.column": (", column {column}", "，列 {column}"),
    "input.where.header": (" ({header})", "（{header}）"),
    "input.where.value": (" (value {value})", "（值 {value}）"),
    "input.where.cell": (", cell {cell}", "，单元格 {cell}"),
    "input.where.message": ("{where}: {message}", "{where}：{message}"),
})

_SHEET = ", sheet "


@dataclass(frozen=True)
class Problem:
    source: str  # file or sheet, e.g. "staff.csv" or "plan.xlsx, sheet staff"
    row: int | None  # row number as Excel shows it (header is row 1)
    column: str | None  # the contract's column name (e.g. terms_at_school)
    value: object
    message: str  # what is wrong and what would be right (English)
    severity: str = "error"  # error | warning
    header: str | None = None  # the column's header as the file spells it, where it differs (本校连续任期数)
    cell: str | None = None  # the cell as Excel names it: "教职工!K12" in a workbook, "K12" in a CSV
    key: str | None = None  # the message of the catalogue that `message` is the English text of
    args: tuple[tuple[str, object], ...] = ()  # its fields

    @classmethod
    def of(cls, source: str, row: int | None, column: str | None, value: object, key: str, /, *,
           severity: str = "error", header: str | None = None, cell: str | None = None,
           **fields: object) -> Problem:
        """A problem whose sentence is the catalogue's message `key` with `fields` (any language)."""
        return cls(source, row, column, value, messages.text(key, "en", **fields), severity, header, cell, key,
                   tuple(fields.items()))

    @classmethod
    def from_msg(cls, source: str, row: int | None, column: str | None, value: object, msg: messages.Msg, *,
                 severity: str = "error", header: str | None = None, cell: str | None = None) -> Problem:
        """A problem whose sentence is a message built elsewhere (a cell's reason, an open error)."""
        return cls(source, row, column, value, msg.in_lang("en"), severity, header, cell, msg.key, msg.fields)

    def text(self, lang: str | None = None) -> str:
        """The problem's own sentence in `lang` (English where it has no message key)."""
        if self.key is None:
            return self.message
        return messages.text(self.key, lang, **dict(self.args))

    def source_text(self, lang: str | None = None) -> str:
        """The file or sheet in `lang`: "plan.xlsx, sheet 教职工" / "plan.xlsx，工作表 教职工"."""
        if _SHEET not in self.source or messages.check_lang(lang) == "en":
            return self.source
        file, sheet = self.source.split(_SHEET, 1)
        return messages.text("input.where.sheet", lang, file=file, sheet=sheet)

    def render(self, lang: str | None = None) -> str:
        """The whole line a person reads: where (file or sheet, row, column, value, cell), then what is wrong."""
        if messages.check_lang(lang) == "en":
            return str(self)

        def m(key: str, **f) -> str:
            return messages.text(f"input.where.{key}", lang, **f)

        where = self.source_text(lang)
        if self.row is not None:
            where += m("row", row=self.row)
        if self.column:  # the header as the office wrote it first, the contract's name after it
            header = self.header
            if header is None:  # a problem of the whole table (no cell): the contract's Chinese header
                header = column_word(self.column).zh
            if header and header != self.column:
                where += m("column", column=header) + m("header", header=self.column)
            else:
                where += m("column", column=self.column)
        if self.value is not None and str(self.value) != "":
            where += m("value", value=repr(str(self.value)))
        if self.cell:
            where += m("cell", cell=self.cell)
        return m("message", where=where, message=self.text(lang))

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
            if self.header and self.header != self.column:
                where += f" ({self.header})"
        val = ""
        if self.value is not None and str(self.value) != "":
            val = f" (value {str(self.value)!r})"
        cell = f", cell {self.cell}" if self.cell else ""
        return f"{where}{val}{cell}: {self.message}"


class ScenarioError(Exception):
    """Raised with every problem found in one pass; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


InputError = ScenarioError  # the project's input error: any user mistake (data, option, reference), exit 2
