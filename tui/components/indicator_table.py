"""The indicator table: one row per indicator, grouped by 一级 and 二级 like the printed form."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rich.text import Text

from ..terminal import visible
from ..textable import truncate
from .labels import INDICATOR_COLUMNS, SEVERITY_MARK
from .result_table import ResultTable

WIDTHS = {"category": 14, "subcategory": 12, "name": 20, "target": 12, "actual": 12, "tier": 8, "note": 24}
SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "dim"}
TIER_SHORT = {"achieved": "达成", "partial": "部分达成", "failed": "未达成"}
ORDER = {"error": 0, "warning": 1, "info": 2}


def worst(findings: list[Any]) -> str | None:
    if not findings:
        return None
    return min((f.severity for f in findings), key=ORDER.__getitem__)


class IndicatorTable(ResultTable):
    """Shows ``result.indicators``; row keys are indicator indices, column keys the form's keys."""

    def __init__(self, **kwargs: Any):
        super().__init__(cursor_type="cell", zebra_stripes=True, fixed_columns=1, **kwargs)
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in INDICATOR_COLUMNS:
            self.add_column(label, key=key)

    def column_key_at(self, column: int) -> str:
        return str(self.ordered_columns[column].key.value)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.ordered_columns) if c.key.value == key)

    def show(self, result: Any, fmt: Callable[[Decimal], str], category_weight: Callable[[str], Decimal | None]) -> None:
        row, column = self.cursor_coordinate
        rows: list[tuple[str, list[Any]]] = []
        previous_cat: str | None = None
        previous_sub: str | None = None
        for r in result.indicators:
            severity = worst(r.findings)
            number = Text(justify="right")
            if severity:
                number.append(SEVERITY_MARK[severity], style=SEVERITY_STYLE[severity])
            number.append(f"{r.index + 1:>3}")
            cat = sub = ""
            if r.category != previous_cat:
                weight = category_weight(r.category)
                cat = r.category + (f"({fmt(weight).removesuffix('.00')})" if weight is not None else "")
                previous_sub = None
            if r.subcategory != previous_sub or cat:
                sub = r.subcategory
            previous_cat, previous_sub = r.category, r.subcategory
            mismatch = r.claimed is not None and r.claimed.quantize(Decimal("0.01")) != r.score
            claimed = Text(fmt(r.claimed) if r.claimed is not None else "—", justify="right")
            if mismatch:
                claimed.stylize("bold red")
            cells = [
                number,
                Text(truncate(visible(cat), WIDTHS["category"])),
                Text(truncate(visible(sub), WIDTHS["subcategory"])),
                Text(truncate(visible(r.name), WIDTHS["name"])),
                Text(truncate(visible(r.target), WIDTHS["target"])),
                Text(truncate(visible(r.actual), WIDTHS["actual"])),
                Text(fmt(r.weight), justify="right"),
                Text(fmt(r.score), justify="right", style="bold"),
                claimed,
                Text(TIER_SHORT.get(r.tier, r.tier) if r.method == "qualitative" else ""),
                Text(truncate(visible(r.note.replace("\n", " ")), WIDTHS["note"])),
            ]
            rows.append((str(r.index), cells))
        self.fill(rows)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), column=column, animate=False)
