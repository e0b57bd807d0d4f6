"""The indicator table of the printed form: one Table per page-sized chunk
(:class:`IndicatorRows`), keeping each 一级 group on one page where it fits,
repeating the header row on every page, and splitting a row taller than a
page inside the row; and the 总分 row under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.scoring.vocabulary import fmt, plain
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from .form_style import (
    FRAME_HEIGHT,
    HEAD_FILL,
    IND_WIDTHS,
    WIDTH,
    _base_cmds,
    _cell,
    _esc,
    _Marks,
    _p,
    _Styles,
    _vertical,
)
from .rl_compat import cell_values, row_heights

__all__ = ["IndicatorRows", "indicator_rows", "totals_row", "totals_block"]

# ----------------------------------------------------------- indicators


@dataclass
class _Row:
    group: int  # index of the 一级 group (consecutive rows with the same 一级)
    run: int  # identifies the 二级 run (consecutive rows with the same 二级 in one group)
    cat: Any  # the 一级 cell where the group starts
    sub: Any  # the 二级 cell where the run starts
    cells: list[Any]  # 三级 .. 偏差原因 (6 cells)
    label: str = ""  # the 三级 name, for “（续）” on a continued row
    cat_cont: Any = None  # the 一级 label where a chunk starts inside the group
    sub_cont: Any = None
    head_g: bool = True  # this row starts its 一级 group
    head_r: bool = True  # this row starts its 二级 run

    def cat_cell(self) -> Any:
        return self.cat if self.head_g else self.cat_cont

    def sub_cell(self) -> Any:
        return self.sub if self.head_r else self.sub_cont


@dataclass
class _Layout:
    """Row heights of the full table, measured once and shared by every chunk."""

    header_h: float = 0.0
    tail_h: float = 0.0
    heights: list[float] = field(default_factory=list)
    label_h: dict[int, tuple[Any, float]] = field(default_factory=dict)  # id(label) -> (label, height)


class IndicatorRows(Flowable):
    """The indicator table, as one Table per page-sized chunk.

    ``wrap`` builds the table of all remaining rows; when it fits it is drawn
    as is.  Otherwise ``split`` takes as many whole 一级 groups as fit, else
    (a group taller than a page) as many rows as fit, else (a row taller than
    a page) one row split inside the row, its rest labelled “（续）”.  A
    group that would fit on a fresh page is moved there rather than cut.  The
    header row opens the first chunk and every chunk at the top of a page.
    """

    def __init__(
        self,
        rows: list[_Row],
        s: _Styles,
        tail: list[Any] | None = None,
        layout: _Layout | None = None,
        continued: bool = False,
    ):
        super().__init__()
        self.rows = rows
        self.s = s
        self.tail = tail  # the 总分 row, printed under the last chunk
        self.layout = layout
        self.continued = continued  # not the first chunk: header only at the top of a page
        self._table: Table | None = None
        self._table_header = True

    # -- building
    def _header(self) -> list[Any]:
        names = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
        return [_vertical("绩效指标")] + names

    def _table_for(self, rows: list[_Row], split_in_row: bool = False, header: bool = True) -> Table:
        data: list[list[Any]] = [self._header()] if header else []
        top = 1 if header else 0  # index of the first data row
        sec: Any = ""
        if split_in_row and header:  # no span over a row that ReportLab splits: the label goes in the row
            data[0][0] = ""
            sec = _vertical("绩效指标", self.s.sec)
        cmds = _base_cmds(self.s.font) + [
            ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
            ("ALIGN", (1, top), (2, -1), "CENTER"),
            ("ALIGN", (4, top), (7, -1), "CENTER"),
            ("VALIGN", (8, top), (8, -1), "TOP"),
        ]
        if header:
            cmds += [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
        if split_in_row:
            # a row taller than a page: everything at the top, so the first part shows it
            cmds.append(("VALIGN", (0, top), (-1, -1), "TOP"))
        elif rows:
            cmds.append(("SPAN", (0, 0), (0, len(rows) - 1 + top)))
        prev_group = prev_run = None
        start_g = start_r = top
        for i, row in enumerate(rows, start=top):
            new_g = row.group != prev_group
            new_r = new_g or row.run != prev_run
            if new_g:
                if i - 1 > start_g:
                    cmds.append(("SPAN", (1, start_g), (1, i - 1)))
                start_g = i
            if new_r:
                if i - 1 > start_r:
                    cmds.append(("SPAN", (2, start_r), (2, i - 1)))
                start_r = i
            data.append([sec, row.cat_cell() if new_g else "", row.sub_cell() if new_r else ""] + row.cells)
            prev_group, prev_run = row.group, row.run
        last = len(rows) - 1 + top
        if last > start_g:
            cmds.append(("SPAN", (1, start_g), (1, last)))
        if last > start_r:
            cmds.append(("SPAN", (2, start_r), (2, last)))
        if self.tail is not None and rows and rows[-1] is self.rows[-1]:
            t = last + 1
            data.append(self.tail)
            cmds += [
                ("SPAN", (1, t), (5, t)),
                ("BACKGROUND", (0, t), (5, t), HEAD_FILL),
                ("ALIGN", (1, t), (-1, t), "CENTER"),
                ("VALIGN", (0, t), (-1, t), "MIDDLE"),
            ]
        return Table(
            data,
            colWidths=IND_WIDTHS,
            style=TableStyle(cmds),
            repeatRows=1 if header else 0,
            splitByRow=1,
            splitInRow=24 if split_in_row else 0,
        )

    def _measure(self, table: Table) -> None:
        rh = row_heights(table)
        tail_h = rh.pop() if self.tail is not None else 0.0
        self.layout = _Layout(header_h=rh[0], tail_h=tail_h, heights=rh[1:])

    def _label_height(self, cell: Any, col: int) -> float:
        """The height a 一级/二级 label needs (cached: labels are shared by many rows)."""
        lay = self.layout
        assert lay is not None
        key = id(cell)
        cached = lay.label_h.get(key)
        if cached is None or cached[0] is not cell:  # (an id can be reused once its object is gone)
            width = IND_WIDTHS[col] - 6
            items = cell if isinstance(cell, (list, tuple)) else [cell]
            h = 0.0
            for item in items:
                if isinstance(item, Flowable):
                    h += item.wrap(width, 1e9)[1]
                elif item:
                    h += 10.5 * (str(item).count("\n") + 1)
            lay.label_h[key] = cached = (cell, h + 6)
        return cached[1]

    def _wants_header(self, availHeight: float) -> bool:
        return not self.continued or availHeight >= FRAME_HEIGHT - 2

    # -- Flowable protocol
    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        n = len(self.rows)
        header = self._wants_header(availHeight)
        if self.layout is not None:
            est = self._estimate(0, n, header)
            if est > availHeight:  # will be split: do not build a table of all the rows
                self._table = None
                self.width, self.height = WIDTH, est
                return self.width, self.height
        if self._table is None or self._table_header != header:
            self._table = self._table_for(self.rows, header=header)
            self._table_header = header
        w, h = self._table.wrap(availWidth, availHeight)
        if h > availHeight and self.layout is None:
            # measure every row once (ReportLab stops measuring long tables at the page end)
            if not header:
                self._table = self._table_for(self.rows)
            self._table.wrap(availWidth, 1e9)
            self._measure(self._table)
            self._table = None
            h = self._estimate(0, n, header)
        self.width, self.height = w, h
        return w, h

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)

    def _estimate(self, lo: int, hi: int, header: bool = True) -> float:
        """A height no smaller than the chunk rows[lo:hi] will take."""
        lay = self.layout
        assert lay is not None
        total = (lay.header_h if header else 0.0) + sum(lay.heights[lo:hi])
        total += lay.tail_h if hi == len(self.rows) else 0.0
        # labels shown again at the top of a chunk may need more than the rows give
        for attr, col in (("group", 1), ("run", 2)):
            run_start = lo
            for i in range(lo, hi + 1):
                if i == hi or (i > run_start and getattr(self.rows[i], attr) != getattr(self.rows[run_start], attr)):
                    first = self.rows[run_start]
                    need = self._label_height(first.cat_cell() if col == 1 else first.sub_cell(), col)
                    have = sum(lay.heights[run_start:i])
                    if need > have:
                        total += need - have
                    run_start = i
        return max(total, 60.0) if header else total

    def _rest(self, k: int, rows: list[_Row] | None = None, heights: list[float] | None = None) -> list[Flowable]:
        rows = self.rows[k:] if rows is None else rows
        if not rows:
            return []
        lay = self.layout
        assert lay is not None
        heights = lay.heights[k:] if heights is None else heights
        return [IndicatorRows(rows, self.s, self.tail, _Layout(lay.header_h, lay.tail_h, heights, lay.label_h), True)]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self.layout is None:
            self.wrap(availWidth, availHeight)
        if self.layout is None:  # it fits after all
            return [self._table] if self._table is not None else []
        n = len(self.rows)
        at_top = availHeight >= FRAME_HEIGHT - 2
        header = self._wants_header(availHeight)
        # whole 一级 groups
        bounds = [i for i in range(1, n) if self.rows[i].group != self.rows[i - 1].group] + [n]
        k = 0
        for b in bounds:
            if self._estimate(0, b, header) <= availHeight:
                k = b
            else:
                break
        if k:
            return [self._table_for(self.rows[:k], header=header)] + self._rest(k)
        first_group = bounds[0]
        if not at_top and self._estimate(0, first_group) <= FRAME_HEIGHT:
            return []  # the group fits on a fresh page: keep it together there
        # a group taller than a page (or we are at the top): whole rows
        k = 0
        for i in range(1, first_group + 1):
            if self._estimate(0, i, header) <= availHeight:
                k = i
            else:
                break
        if k:
            return [self._table_for(self.rows[:k], header=header)] + self._rest(k)
        if not at_top and self._estimate(0, 1) <= FRAME_HEIGHT:
            return []
        # one row taller than a page: split it inside the row, here
        if availHeight < 120 and not at_top:
            return []
        table = self._table_for(self.rows[:1], split_in_row=True, header=header)
        parts = table.split(availWidth, availHeight)
        if len(parts) == 1:  # it fits after all (the estimate is on the safe side)
            return list(parts) + self._rest(1)
        if len(parts) != 2:
            return []
        # the rest of the row becomes a row of its own, labelled “（续）”, so
        # each page says which indicator it continues
        row = self.rows[0]
        rest_cells = list(cell_values(parts[1])[1 if header else 0])  # (the 总分 row may follow)
        left = rest_cells[3:]
        if not _has_content(left[0]):
            name = row.label if len(row.label) <= 40 else row.label[:30] + "…"
            left[0] = Paragraph(f"{_esc(name)}<font size=\"7.5\">（续）</font>", self.s.cell)
        # a label cut by the page goes on in the continued row; otherwise the short label
        cat_left = row.head_g and _has_content(rest_cells[1])
        sub_left = row.head_r and _has_content(rest_cells[2])
        cont = _Row(
            row.group,
            row.run,
            rest_cells[1] if cat_left else row.cat_cont,
            rest_cells[2] if sub_left else row.sub_cont,
            left,
            row.label,
            row.cat_cont,
            row.sub_cont,
            head_g=cat_left,
            head_r=sub_left,
        )
        probe = self._table_for([cont], split_in_row=True, header=False)
        probe.wrap(availWidth, 1e9)
        lay = self.layout
        assert lay is not None
        heights = [row_heights(probe)[0]] + lay.heights[1:]
        return [parts[0]] + self._rest(1, [cont] + self.rows[1:], heights)


def _has_content(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_has_content(v) for v in value)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def _short_label(p: Any, text: str, style: ParagraphStyle, limit: int = 40) -> Any:
    """The label repeated where a chunk starts inside a group: the same, or cut short."""
    if len(text) <= limit:
        return p
    return Paragraph(f"{_esc(text[: limit - 10])}…（续）", style)


def indicator_rows(result: Any, s: _Styles, marks: _Marks) -> list[_Row]:
    weights = result.category_weights  # declared, else the rule set's, else the rows' sum (the engine decides)
    rows: list[_Row] = []
    group = -1
    prev_cat = prev_sub = None
    cat_p: Any = None
    sub_p: Any = None
    cat_short: Any = None
    sub_short: Any = None
    for r in result.indicators:
        new_g = r.category != prev_cat
        new_r = new_g or r.subcategory != prev_sub
        if new_g:
            group += 1
            weight = weights.get(result.rules.canonical_category(r.category), Decimal(0))
            if r.category.strip():
                cat_p = Paragraph(f"{_esc(r.category)}<br/>（{plain(weight)}分）", s.cell_c)
            else:  # real forms sometimes leave the 一级 cell blank
                cat_p = ""
            cat_short = _short_label(cat_p, r.category, s.cell_c)
        if new_r:
            sub_p = _cell(r.subcategory, s.cell_c, IND_WIDTHS[2])
            sub_short = _short_label(sub_p, r.subcategory, s.cell_c)
        target = r.target
        if r.standard.strip():  # criteria rows: the 评价标准 where the target would be
            target = (target + "\n" if target else "") + "评价标准：" + r.standard
        cells = [
            _cell(r.name, s.cell, IND_WIDTHS[3]),
            _cell(target, s.cell_c, IND_WIDTHS[4]),
            _cell(r.actual, s.cell_c, IND_WIDTHS[5]),
            fmt(r.weight),
            marks.score(r.score, r.claimed),
            _p(r.note, s.cell) if r.note else "",
        ]
        rows.append(_Row(group, id(sub_p), cat_p, sub_p, cells, r.name, cat_short, sub_short, new_g, new_r))
        prev_cat, prev_sub = r.category, r.subcategory
    return rows


def totals_row(result: Any, s: _Styles, marks: _Marks) -> list[Any]:
    """The 总分 row: weights including the funds weight, the total, the grade."""
    weight = result.funds.weight + sum((r.weight for r in result.indicators), Decimal(0))
    total = marks.score(result.total, result.claimed_total)
    if marks.show_claimed and result.claimed_total is None:
        total = ""
    return ["", "总分", "", "", "", "", fmt(weight), total, marks.grade(result.grade, result.claimed_grade)]


def totals_block(result: Any, s: _Styles, marks: _Marks) -> Table:
    """The 总分 row on its own (a form without indicators)."""
    cmds = _base_cmds(s.font) + [
        ("SPAN", (1, 0), (5, 0)),
        ("BACKGROUND", (0, 0), (5, 0), HEAD_FILL),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
    ]
    return Table([totals_row(result, s, marks)], colWidths=IND_WIDTHS, style=TableStyle(cmds))
