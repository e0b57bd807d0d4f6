"""The indicator table: one row per indicator, grouped by 一级 and 二级 like the printed form."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.geometry import Offset, Region
from textual.strip import Strip

from ..terminal import visible
from ..textable import cell_width, truncate
from .labels import INDICATOR_COLUMNS, SEVERITY_MARK
from .result_table import ResultTable

# the widest each text column is shown, in cells (a Chinese character is two); the full text is in the detail line
WIDTHS = {"category": 14, "subcategory": 12, "name": 20, "target": 12, "actual": 12, "tier": 8, "note": 24}
# on a narrow terminal the text columns are narrowed, down to these, so that 序号, 三级指标, 分值, 得分 and
# 填报 fit in 80 columns; the room above the minimum goes first to 三级指标, then to the values, then to 一级/二级
NARROW = {"category": 6, "subcategory": 6, "name": 14, "target": 6, "actual": 6}
GROW_ORDER = (("name",), ("target", "actual"), ("category", "subcategory"))
# the headers of narrowed columns, when the full header is wider than the column
SHORT_LABELS = {"category": "一级", "subcategory": "二级", "target": "指标值", "actual": "完成值"}
NUMBER_COLUMNS = ("weight", "score", "claimed")
NUMBER_WIDTH = 5  # 12.50: an indicator's weight and scores are below 100
NO_WIDTH = 4  # a severity mark and three digits
SCROLLBAR = 1  # the vertical scroll bar (app.tcss)
PADDING = 2  # DataTable's cell padding, both sides


def text_widths(width: int) -> dict[str, int]:
    """How wide each text column is shown on a table ``width`` cells wide."""
    fixed = SCROLLBAR + NO_WIDTH + PADDING + len(NUMBER_COLUMNS) * (NUMBER_WIDTH + PADDING) + len(NARROW) * PADDING
    room = width - fixed - sum(NARROW.values())
    widths = dict(WIDTHS)
    if room >= sum(WIDTHS[k] for k in NARROW) - sum(NARROW.values()):
        return widths
    widths.update(NARROW)
    for group in GROW_ORDER:  # a cell at a time, in turn within a group
        while room > 0 and any(widths[k] < WIDTHS[k] for k in group):
            for key in group:
                if room > 0 and widths[key] < WIDTHS[key]:
                    widths[key] += 1
                    room -= 1
    return widths


def column_labels(widths: dict[str, int]) -> list[tuple[str, str]]:
    """(key, header) of each column: a header wider than its column is shortened."""
    return [
        (key, SHORT_LABELS[key] if key in SHORT_LABELS and cell_width(label) > widths.get(key, 99) else label)
        for key, label in INDICATOR_COLUMNS
    ]
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
        self.widths = dict(WIDTHS)
        self._last: tuple[Any, ...] | None = None  # the last show()'s arguments, to show again at a new width
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in column_labels(self.widths):
            self.add_column(label, key=key)

    def fit_width(self, width: int) -> None:
        """Narrow or widen the text columns for a table ``width`` cells wide (the headers with them)."""
        widths = text_widths(width)
        if widths == self.widths:
            return
        self.widths = widths
        coordinate = self.cursor_coordinate
        self.clear(columns=True)
        self._shown = []
        self._add_columns()
        if self._last is not None:
            self.show(*self._last)
        if self.row_count:
            self.move_cursor(row=coordinate.row, column=coordinate.column, animate=False)

    def on_resize(self, event: Any) -> None:
        self.fit_width(event.size.width)

    # ------------------------------------------------------------ scrolling by whole columns
    #
    # DataTable scrolls sideways by terminal cells, so on a narrow terminal the
    # left edge of the scrolled part can fall inside a column (the header then
    # reads "序号 指标 三级指标").  Here the scrolled part always starts at a
    # column's left edge, and it can scroll far enough that the last column is
    # shown whole at that edge too.

    def _column_starts(self) -> tuple[list[int], list[int], int]:
        """(x of each column, width of each column, width of the fixed part), in cells."""
        widths = [c.get_render_width(self) for c in self.ordered_columns]
        starts = [sum(widths[:i]) for i in range(len(widths))]  # no row labels: the 序号 column is the first
        fixed = sum(widths[: self.fixed_columns])
        return starts, widths, fixed

    def _view_width(self) -> int:
        return max(1, self.container_size.width - self.scrollbar_size_vertical)

    def _snap_points(self) -> list[int]:
        """The scroll positions at which the scrolled part starts with a whole column."""
        starts, _, fixed = self._column_starts()
        return [starts[i] - fixed for i in range(self.fixed_columns, len(starts))] or [0]

    def _scroll_for_column(self, column: int, current: float) -> int:
        """The snap point that shows ``column`` whole, moving as little as possible from ``current``."""
        starts, widths, fixed = self._column_starts()
        points = self._snap_points()
        now = max((p for p in points if p <= current + 0.5), default=0)
        if column < self.fixed_columns or not starts:
            return now
        view = self._view_width() - fixed
        left = starts[column] - fixed
        right = left + widths[column]
        if left < now:
            return left
        if right <= now + view:
            return now
        return min((p for p in points if right <= p + view and p <= left), default=left)

    @property
    def max_scroll_x(self) -> int:
        base = super().max_scroll_x
        if not self.ordered_columns:
            return base
        last = len(self.ordered_columns) - 1
        return max(base, self._scroll_for_column(last, base))

    def scroll_to_region(self, region: Region, *args: Any, **kwargs: Any) -> Offset:
        """Scroll the cell at ``region`` into view: the table calls this when its cursor moves
        (Textual's public scrolling method, overridden here); sideways, to a whole column."""
        if self.cursor_type != "cell" or not self.ordered_columns:
            return super().scroll_to_region(region, *args, **kwargs)
        before = self.scroll_x
        kwargs["animate"] = False
        moved = super().scroll_to_region(region, *args, **kwargs)
        self.scroll_to(x=self._scroll_for_column(self.cursor_column, before), animate=False, force=True)
        return moved

    def render_line(self, y: int) -> Strip:
        """A line of the table with any column that is only partly in view left blank.

        The keyboard always scrolls to whole columns; this covers the mouse and the
        scroll bar, and the column cut by the right edge.
        """
        strip = super().render_line(y)
        starts, widths, fixed = self._column_starts()
        scroll_x, view = int(self.scroll_x), self._view_width()
        for i in range(self.fixed_columns, len(starts)):
            x0 = starts[i] - scroll_x
            x1 = x0 + widths[i]
            if x1 <= fixed or x0 >= view or (x0 >= fixed and x1 <= view):
                continue  # out of view, or wholly in view
            a, b = max(x0, fixed), min(x1, strip.cell_length)
            style = next(iter(strip.crop(a, a + 1)), None)
            blank = Strip.blank(b - a, style.style if style is not None else self.rich_style)
            strip = Strip.join([strip.crop(0, a), blank, strip.crop(b, strip.cell_length)])
        return strip

    def column_key_at(self, column: int) -> str:
        return str(self.ordered_columns[column].key.value)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.ordered_columns) if c.key.value == key)

    def show(self, result: Any, fmt: Callable[[Decimal], str], category_weight: Callable[[str], Decimal | None]) -> None:
        self._last = (result, fmt, category_weight)
        widths = self.widths
        row, column = self.cursor_coordinate
        rows: list[tuple[str, list[Any]]] = []
        previous_cat: str | None = None
        previous_sub: str | None = None
        about: dict[int, list[Any]] = {}  # each row's findings, and the form's findings about it
        for f in result.findings:
            if f.loc[:1] == ("indicators",) and len(f.loc) > 1 and isinstance(f.loc[1], int):
                about.setdefault(f.loc[1], []).append(f)
        for r in result.indicators:
            severity = worst(about.get(r.index, r.findings))
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
                Text(truncate(visible(cat), widths["category"])),
                Text(truncate(visible(sub), widths["subcategory"])),
                Text(truncate(visible(r.name), widths["name"])),
                Text(truncate(visible(r.target), widths["target"])),
                Text(truncate(visible(r.actual), widths["actual"])),
                Text(fmt(r.weight), justify="right"),
                Text(fmt(r.score), justify="right", style="bold"),
                claimed,
                Text(TIER_SHORT.get(r.tier, r.tier) if r.method == "qualitative" else ""),
                Text(truncate(visible(r.note.replace("\n", " ")), widths["note"])),
            ]
            rows.append((str(r.index), cells))
        self.fill(rows)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), column=column, animate=False)
