"""Problems found in the user's input, each naming file or sheet, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    source: str  # file or sheet, e.g. "staff.csv" or "plan.xlsx, sheet staff"
    row: int | None  # row number as Excel shows it (header is row 1)
    column: str | None
    value: object
    message: str  # what is wrong and what would be right
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        val = ""
        if self.value is not None and str(self.value) != "":
            val = f" (value {str(self.value)!r})"
        return f"{where}{val}: {self.message}"


class ScenarioError(Exception):
    """Raised with every problem found in one pass; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


InputError = ScenarioError  # the project's input error: any user mistake (data, option, reference), exit 2
