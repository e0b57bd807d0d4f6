"""A DataTable that is shown a new result on every edit: only changed cells are redrawn."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable


class ResultTable(DataTable[Any]):
    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._shown: list[tuple[str, list[Any]]] = []

    def fill(self, rows: list[tuple[str, list[Any]]]) -> None:
        """Show ``rows`` (row key, cells): update changed cells in place, rebuild when the rows differ."""
        if [k for k, _ in rows] == [k for k, _ in self._shown] and self.row_count == len(rows):
            keys = [c.key for c in self.ordered_columns]
            for (row_key, cells), (_, before) in zip(rows, self._shown):
                for column_key, new, old in zip(keys, cells, before):
                    if new != old:
                        self.update_cell(row_key, column_key, new, update_width=True)
        else:
            self.clear()
            for row_key, cells in rows:
                self.add_row(*cells, key=row_key)
        self._shown = rows
