"""What a person cannot see is not scored: hidden rows and columns of a sheet.

A reader that knows which rows and columns of a sheet are hidden (the
.xlsx ``<row hidden="1">`` and ``<col hidden="1">``, or a zero height or
width; xlrd's ``rowinfo_map``/``colinfo_map`` for .xls) passes them to
:func:`blank_hidden`: their cells are blanked in the grid, so that the
recogniser never reads them, and each hidden row or column that held
something is told with its place (``自评表!C:C 隐藏列``) as a ``problem``:
the review shows it as an error finding, since a form whose hidden cells
say something else than what is shown is what a person must look at.
"""

from __future__ import annotations

from ..grid import Cell

__all__ = ["blank_hidden", "hidden_sheet_note", "MAX_HIDDEN_NOTES"]

MAX_HIDDEN_NOTES = 10  # hidden rows/columns told one by one; the rest in one line
_QUOTE = 20  # characters of a hidden cell's text quoted in the note


def _letters(col: int) -> str:
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def _visible_part(cell: Cell, hidden_rows: set[int], hidden_cols: set[int]) -> bool:
    """A merged range that reaches a visible row and column shows its text there."""
    if not cell.merged:
        return False
    top, left, bottom, right = cell.merged
    rows_shown = any(r not in hidden_rows for r in range(top, bottom + 1))
    cols_shown = any(c not in hidden_cols for c in range(left, right + 1))
    return rows_shown and cols_shown


def blank_hidden(
    rows: list[list[Cell]], name: str, hidden_rows: set[int], hidden_cols: set[int]
) -> list[tuple[str, str, str]]:
    """Blank the cells of hidden rows and columns in place; the notes (address, message, kind) of those with content."""
    if not hidden_rows and not hidden_cols:
        return []
    found: list[tuple[str, Cell]] = []  # (the row's or column's place, its first cell with content)
    seen: set[str] = set()
    for r, row in enumerate(rows):
        row_hidden = r in hidden_rows
        for c, cell in enumerate(row):
            if not (row_hidden or c in hidden_cols):
                continue
            if cell.blank and not cell.problem:
                continue
            if _visible_part(cell, hidden_rows, hidden_cols):
                continue
            place = f"{name}!{r + 1}:{r + 1} 隐藏行" if row_hidden else f"{name}!{_letters(c)}:{_letters(c)} 隐藏列"
            if place not in seen:
                seen.add(place)
                found.append((place, cell))
            row[c] = Cell(merged=cell.merged, address=cell.address)
    notes: list[tuple[str, str, str]] = []
    for place, cell in found[:MAX_HIDDEN_NOTES]:
        text = cell.text if len(cell.text) <= _QUOTE else cell.text[:_QUOTE] + "…"
        notes.append((
            place.split(" ")[0],
            f"{place}有内容（如 {cell.address.split('!')[-1]} “{text}”），表格上看不见，未计入评分。"
            "请核对：表格显示的内容才是自评内容；如确需计入，请取消隐藏后重新提交。",
            "problem",
        ))
    if len(found) > MAX_HIDDEN_NOTES:
        rest = "、".join(p for p, _ in found[MAX_HIDDEN_NOTES : MAX_HIDDEN_NOTES + 20])
        notes.append((found[MAX_HIDDEN_NOTES][0].split(" ")[0],
                      f"另有 {len(found) - MAX_HIDDEN_NOTES} 处隐藏的行或列有内容，均未计入评分：{rest}。", "problem"))
    return notes


def hidden_sheet_note(name: str) -> tuple[str, str, str]:
    """The note of a hidden sheet, which is not read (on every other sheet of the workbook)."""
    return (f"{name}!A1", f"工作表“{name}”是隐藏的，表格上看不见，未读取、未计入评分。", "ignored")
