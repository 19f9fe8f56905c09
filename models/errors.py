"""Problems found in the user's input, each naming file or sheet, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    source: str  # file or sheet, e.g. "staff.csv" or "plan.xlsx, sheet staff"
    row: int | None  # row number as Excel shows it (header is row 1)
    column: str | None  # the contract's column name (e.g. terms_at_school)
    value: object
    message: str  # what is wrong and what would be right
    severity: str = "error"  # error | warning
    header: str | None = None  # the column's header as the file spells it, where it differs (本校连续任期数)
    cell: str | None = None  # the cell as Excel names it: "教职工!K12" in a workbook, "K12" in a CSV

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
