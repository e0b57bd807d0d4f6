"""The funds block: 年初预算数 / 全年预算数 / 全年执行数 per row, with rate and score."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jixiao.scoring.vocabulary import percent
from rich.text import Text

from .labels import FUNDS_COLUMNS, FUNDS_ROW_LABELS
from .result_table import ResultTable

ROWS = ("total", "appropriation", "carryover", "other")


# below this width (cells) the headers and the row names are shortened, so that the table fits 80 columns
NARROW_WIDTH = 100
NARROW_HEADERS = {"initial": "年初预算", "annual": "全年预算", "executed": "全年执行", "claimed": "填报"}
NARROW_ROWS = {"total": "资金总额", "appropriation": "其中：财政拨款", "carryover": "　　上年结转", "other": "　　其他资金"}


class FundsTable(ResultTable):
    def __init__(self, **kwargs: Any):
        super().__init__(cursor_type="cell", fixed_columns=1, **kwargs)  # the row names stay when it scrolls
        self.narrow = False
        self.unit = "万元"
        self._last: tuple[Any, ...] | None = None
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in FUNDS_COLUMNS:
            if key == "row":
                label = f"资金（{self.unit}）"
            self.add_column(NARROW_HEADERS.get(key, label) if self.narrow else label, key=key)

    def _rebuild(self) -> None:
        """The columns again (new headers), then the rows, the cursor where it was."""
        coordinate = self.cursor_coordinate
        self.clear(columns=True)
        self._shown = []
        self._add_columns()
        if self._last is not None:
            self.show(*self._last)
            self.move_cursor(row=coordinate.row, column=max(coordinate.column, 1), animate=False)

    def fit_width(self, width: int) -> None:
        """Shorter headers and row names below :data:`NARROW_WIDTH` cells, the full ones above."""
        narrow = width < NARROW_WIDTH
        if narrow == self.narrow:
            return
        self.narrow = narrow
        self._rebuild()

    def on_resize(self, event: Any) -> None:
        self.fit_width(event.size.width)

    def column_key_at(self, column: int) -> str:
        return str(self.ordered_columns[column].key.value)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.ordered_columns) if c.key.value == key)

    def _show_unit(self, unit: str) -> None:
        """The first header says the form's money unit: 资金（万元） or 资金（元）."""
        if unit != self.unit:
            self.unit = unit
            self._rebuild()

    def show(self, result: Any, fmt: Callable[[Decimal], str], given_total: dict[str, Decimal | None]) -> None:
        """``given_total``: the file's own [funds.total] values (None where absent)."""
        self._last = (result, fmt, given_total)
        row, column = self.cursor_coordinate
        rows: list[tuple[str, list[Any]]] = []
        funds = result.funds
        self._show_unit(result.form.funds.unit)
        bad = {f.loc[2] for f in result.findings if f.loc[:2] == ("funds", "total") and len(f.loc) > 2}
        for key in ROWS:
            values = funds.rows.get(key, {})
            cells: list[Any] = [Text((NARROW_ROWS if self.narrow else FUNDS_ROW_LABELS)[key])]
            for col in ("initial", "annual", "executed"):
                if key == "total":
                    value = given_total.get(col)
                    text = Text(fmt(value) if value is not None else "", justify="right")
                    if value is None and values.get(col) is not None:  # not in the file: the sum of the rows
                        text = Text(fmt(values[col]) + "（合计）", justify="right", style="dim")
                    if col in bad:
                        text.stylize("bold red")
                else:
                    value = values.get(col)
                    text = Text(fmt(value) if value is not None else "", justify="right")
                cells.append(text)
            if key == "total":
                rate = percent(funds.rate)
                claimed = Text(fmt(funds.claimed) if funds.claimed is not None else "—", justify="right")
                if funds.claimed is not None and funds.claimed.quantize(Decimal("0.01")) != funds.score:
                    claimed.stylize("bold red")
                cells += [
                    Text(fmt(funds.weight), justify="right"),
                    Text(rate, justify="right"),
                    Text(fmt(funds.score), justify="right", style="bold"),
                    claimed,
                ]
            else:
                cells += [Text("—", justify="center")] * 4
            rows.append((key, cells))
        self.fill(rows)
        self.move_cursor(row=row, column=max(column, 1), animate=False)  # never on the label column
