"""A two-column table of single fields (unit, year, rule set, goal, sign-off...)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ..terminal import visible
from ..textable import cell_width, truncate
from .result_table import ResultTable

Loc = tuple[Any, ...]


class FieldsTable(ResultTable):
    """Rows are (loc, label, value, remark); row keys are the dotted locations."""

    def __init__(self, value_width: int = 60, **kwargs: Any):
        super().__init__(cursor_type="row", **kwargs)
        self._add_columns()
        self.value_width = value_width
        self.locs: list[Loc] = []
        self._rows: list[tuple[Loc, str, str, Text | str]] = []

    def _add_columns(self) -> None:
        self.add_column("项目", key="label")
        self.add_column("内容", key="value")
        self.add_column("", key="remark")

    def _value_limit(self, rows: list[tuple[Loc, str, str, Text | str]]) -> int:
        """How wide a value is shown: ``value_width``, or less so that the row fits the table's width."""
        width = self.size.width or self.app.size.width
        if not width or not rows:
            return self.value_width
        labels = max(cell_width(label) for _, label, _, _ in rows)
        remarks = max(cell_width(str(remark)) for _, _, _, remark in rows)
        room = width - labels - remarks - 3 * 2 - 2  # the cells' padding, the scroll bar
        return max(12, min(self.value_width, room))

    def on_resize(self, event: Any) -> None:
        if self._rows:
            self.show(self._rows)

    def show(self, rows: list[tuple[Loc, str, str, Text | str]]) -> None:
        self._rows = rows
        limit = self._value_limit(rows)
        row = self.cursor_row
        self.locs = []
        shown: list[tuple[str, list[Any]]] = []
        for loc, label, value, remark in rows:
            value_text = truncate(visible(value.replace("\n", " ")), limit) if value else ""
            cells = [Text(label), Text(value_text), Text(visible(remark)) if isinstance(remark, str) else remark]
            shown.append((".".join(str(x) for x in loc), cells))
            self.locs.append(loc)
        self.fill(shown)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    def loc_at(self, row: int) -> Loc | None:
        return self.locs[row] if 0 <= row < len(self.locs) else None

    def row_of(self, loc: Loc) -> int | None:
        try:
            return self.locs.index(loc)
        except ValueError:
            return None
