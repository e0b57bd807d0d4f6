"""The printed self-evaluation form (绩效自评表) as a PDF, with ReportLab.

``render_form(result, out_path)`` prints what the engine computed; it never
computes a score itself.  Layout (``docs/domain.md``, "The printed form"):
landscape A4; title with year; unit (project forms: 项目名称, 主管部门,
实施单位); the funds block; 年度总体目标; the indicator table with 一级 and
二级 cells merged down their rows; 总分 and 等级; the grading note; the
sign-off block with room for the seal; on a last page the findings of
severity error.  Every page carries ``第 N 页 共 M 页``, the short SHA-256
digest of the form's content (``indicators.digest``) and its QR code; the
full digest is stored in the PDF metadata (subject and keywords).

Long forms: the indicator table is built as one table per page-sized chunk
(:class:`IndicatorRows`), keeping each 一级 group on one page where it fits,
repeating the header row on every page, and splitting a row that is taller
than a page (a 2,000-character note) inside the row.

Every user string is escaped before it reaches a Paragraph, so a note with
``<img src=...>`` or ``&`` prints literally and pulls in nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from jixiao.indicators.atomic import atomic_write_bytes
from jixiao.indicators.digest import canonical_json, form_digest, short_digest
from jixiao.scoring.vocabulary import KIND_ZH, NO_GRADE, NOT_CLAIMED, fmt, percent, plain, year_label
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from .fonts import FontChoice, missing_glyphs, missing_glyphs_message, register_cjk_font

if TYPE_CHECKING:
    from jixiao.scoring.engine import Result

__all__ = [
    "render_form",
    "render_form_bytes",
    "PAGE_SIZE",
    "CLAIMED_COLOUR",
    "form_title",
    "qr_payload",
    "qr_rects",
    "printed_qr_rects",
    "QR_FORM_NAME",
]

QR_FORM_NAME = "jixiaoDigestQR"  # the form XObject of the footer's QR code (drawn once, shown on every page)

PAGE_SIZE = landscape(A4)
MARGIN_X = 12 * mm
MARGIN_TOP = 11 * mm
MARGIN_BOTTOM = 19 * mm
WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X  # ≈ 774 pt
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM

CLAIMED_COLOUR = "#B00020"  # the unit's own score where it differs from the engine's
HEAD_FILL = colors.HexColor("#EDEDED")
LABEL_FILL = colors.HexColor("#F7F7F7")
GRID = colors.HexColor("#333333")
DASH = "—"
HANG = 6.0  # room for hanging punctuation (pt): with the cell's 3 pt padding, a full 8.5 pt character

# indicator table columns: section | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因
SEC_W = 24.0
IND_WIDTHS = [SEC_W, 64.0, 84.0, 132.0, 84.0, 84.0, 42.0, 72.0]
IND_WIDTHS.append(WIDTH - sum(IND_WIDTHS))
ROW_LABEL_W = IND_WIDTHS[1] + IND_WIDTHS[2]  # funds row labels end where 二级 ends

KIND_TITLE = {kind: f"{label}绩效自评表" for kind, label in KIND_ZH.items()}
FUNDS_LABELS = {
    "total": "年度资金总额",
    "appropriation": "其中：当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}
DENOMINATOR_LABELS = {"annual": "全年预算数", "adjusted": "调整后预算数", "initial": "年初预算数"}


# --------------------------------------------------------------------- text


def form_title(form: Any) -> str:
    return f"{year_label(form.year)}{KIND_TITLE.get(form.kind, '绩效自评表')}"


def _money(value: Decimal | None) -> str:
    """Amounts (in the form's unit): two places, or more when the form gave more (89.974)."""
    if value is None:
        return ""
    exp = value.as_tuple().exponent
    if isinstance(exp, int) and exp < -2:
        return format(value.normalize(), "f")
    return fmt(value)


def _esc(text: str) -> str:
    """Escape a user string for a Paragraph; line breaks become <br/>."""
    text = escape(str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br/>")


@dataclass
class _Styles:
    font: str
    cell: ParagraphStyle
    cell_c: ParagraphStyle
    cell_r: ParagraphStyle
    head: ParagraphStyle
    small: ParagraphStyle
    sec: ParagraphStyle
    title: ParagraphStyle
    sub: ParagraphStyle
    note: ParagraphStyle


_style_cache: dict[str, _Styles] = {}


def _styles(font: str) -> _Styles:
    if font in _style_cache:
        return _style_cache[font]

    def st(name: str, size: float = 8.5, leading: float = 10.5, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, alignment=align, wordWrap="CJK", **kw
        )

    # CJK wrapping lets a closing mark (。，）”) hang past the line's end, by up to one
    # character: left-aligned text keeps that room inside the cell's padding, so the
    # last 。 of a full line never touches the rule
    s = _Styles(
        font=font,
        cell=st("cell", rightIndent=HANG),
        cell_c=st("cell_c", align=TA_CENTER),
        cell_r=st("cell_r", align=TA_RIGHT),
        head=st("head", align=TA_CENTER),
        small=st("small", size=7.5, leading=9.5),
        sec=st("sec", size=9, leading=10.5, align=TA_CENTER),
        title=st("title", size=16, leading=20, align=TA_CENTER, spaceAfter=1),
        sub=st("sub", size=8, leading=10),
        note=st("note", size=8, leading=10.5, rightIndent=HANG),
    )
    _style_cache[font] = s
    return s


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_esc(text), style)


def _cell(text: str, style: ParagraphStyle, width: float) -> Any:
    """A table cell for a user string: a plain string when it fits on one line
    (drawn as is: no markup is parsed, nothing to wrap), else a Paragraph that
    wraps.  The column's ALIGN must match the style's alignment."""
    if "\n" not in text and "\r" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 6:
        return text
    return _p(text, style)


def _vertical(label: str, style: ParagraphStyle | None = None) -> str:
    """A fixed label written top to bottom, one character a line (narrow section
    column).  A plain string: table cells draw it without the Paragraph parser."""
    return "\n".join(ch for ch in label if not ch.isspace())


def _base_cmds(font: str, size: float = 8.5) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), font, size, size + 2),
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]


# ------------------------------------------------------------ score cells


@dataclass
class _Marks:
    """How scores are printed: the engine's (default) or the unit's own."""

    show_claimed: bool
    s: _Styles

    def score(self, computed: Decimal, claimed: Decimal | None) -> Any:
        if self.show_claimed:
            return fmt(claimed) if claimed is not None else ""
        if claimed is None or fmt(claimed) == fmt(computed):
            return fmt(computed)
        return Paragraph(
            f'{fmt(computed)}<br/><font color="{CLAIMED_COLOUR}" size="8">（填报 {escape(fmt(claimed))}）</font>',
            self.s.cell_c,
        )

    def grade(self, computed: str, claimed: str) -> Any:
        if len(claimed) > 20:  # a grade is a word; never let it outgrow the row
            claimed = claimed[:16] + "…"
        if self.show_claimed:
            return f"等级：{claimed or NOT_CLAIMED}"  # a plain cell string: no markup is parsed
        if not claimed or claimed == computed:
            return f"等级：{computed or NO_GRADE}"
        return Paragraph(
            f"等级：{_esc(computed or NO_GRADE)}"
            f'<br/><font color="{CLAIMED_COLOUR}" size="8">（填报 {_esc(claimed)}）</font>',
            self.s.cell_c,
        )


# --------------------------------------------------------------- blocks


def _unit_block(form: Any, s: _Styles) -> Table:
    label_w = SEC_W + ROW_LABEL_W
    unit = form.unit
    cmds = _base_cmds(s.font) + [("BACKGROUND", (0, 0), (0, -1), LABEL_FILL), ("ALIGN", (0, 0), (0, -1), "CENTER")]
    if form.kind == "project":
        half = (WIDTH - 2 * label_w) / 2
        data = [
            ["项目名称", _p(unit.project, s.cell), "", ""],
            ["主管部门", _p(unit.supervisor, s.cell), "实施单位", _p(unit.implementer or unit.name, s.cell)],
        ]
        cmds += [
            ("SPAN", (1, 0), (3, 0)),
            ("BACKGROUND", (2, 1), (2, 1), LABEL_FILL),
            ("ALIGN", (2, 1), (2, 1), "CENTER"),
        ]
        return Table(data, colWidths=[label_w, half, label_w, half], style=TableStyle(cmds))
    data = [["部门名称", _p(unit.name, s.cell)]]
    return Table(data, colWidths=[label_w, WIDTH - label_w], style=TableStyle(cmds))


def _funds_block(result: Any, s: _Styles, marks: _Marks) -> Table:
    funds = result.funds
    value_w = (WIDTH - SEC_W - ROW_LABEL_W) / 6
    head = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分（分值×执行率）"]
    data: list[list[Any]] = [[_vertical("资金情况"), f"资金来源（{result.form.funds.unit}）"] + head]
    named = [(key, key) for key in funds.rows if key not in FUNDS_LABELS]  # named extra rows (财政专户管理资金 …)
    for key, label in list(FUNDS_LABELS.items()) + named:
        row = funds.rows.get(key) or {}
        cells: list[Any] = [_money(row.get(c)) for c in ("initial", "annual", "executed")]
        if key == "total":
            cells += [fmt(funds.weight), percent(funds.rate, DASH), marks.score(funds.score, funds.claimed)]
        else:
            cells += [DASH, DASH, DASH]
        data.append(["", label] + cells)
    cmds = _base_cmds(s.font) + [
        ("SPAN", (0, 0), (0, -1)),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("BACKGROUND", (0, 0), (1, -1), HEAD_FILL),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ("ALIGN", (2, 1), (4, -1), "RIGHT"),
        ("ALIGN", (5, 1), (-1, -1), "CENTER"),
    ]
    return Table(data, colWidths=[SEC_W, ROW_LABEL_W] + [value_w] * 6, style=TableStyle(cmds))


def _goal_block(form: Any, s: _Styles) -> Table:
    half = (WIDTH - SEC_W) / 2
    data = [
        [_vertical("年度总体目标", s.sec), "预期目标", "实际完成情况"],
        ["", _p(form.goal.expected, s.cell), _p(form.goal.achieved, s.cell)],
    ]
    cmds = _base_cmds(s.font) + [
        ("SPAN", (0, 0), (0, -1)),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ("VALIGN", (1, 1), (-1, -1), "TOP"),
    ]
    return Table(data, colWidths=[SEC_W, half, half], style=TableStyle(cmds), repeatRows=1, splitInRow=24)


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
        rh = list(table._rowHeights)
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
        rest_cells = list(parts[1]._cellvalues[1 if header else 0])  # (the 总分 row may follow)
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
        heights = [probe._rowHeights[0]] + lay.heights[1:]
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


def _indicator_rows(result: Any, s: _Styles, marks: _Marks) -> list[_Row]:
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


def _totals_row(result: Any, s: _Styles, marks: _Marks) -> list[Any]:
    """The 总分 row: weights including the funds weight, the total, the grade."""
    weight = result.funds.weight + sum((r.weight for r in result.indicators), Decimal(0))
    total = marks.score(result.total, result.claimed_total)
    if marks.show_claimed and result.claimed_total is None:
        total = ""
    return ["", "总分", "", "", "", "", fmt(weight), total, marks.grade(result.grade, result.claimed_grade)]


def _totals_block(result: Any, s: _Styles, marks: _Marks) -> Table:
    """The 总分 row on its own (a form without indicators)."""
    cmds = _base_cmds(s.font) + [
        ("SPAN", (1, 0), (5, 0)),
        ("BACKGROUND", (0, 0), (5, 0), HEAD_FILL),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
    ]
    return Table([_totals_row(result, s, marks)], colWidths=IND_WIDTHS, style=TableStyle(cmds))


def grading_note(rules: Any) -> list[str]:
    """The 备注 lines: how the rate is computed and the grade bands of the rule set."""
    denom = DENOMINATOR_LABELS.get(getattr(rules.funds, "denominator", "annual"), "全年预算数")
    lines = [f"1. “执行率”=“全年执行数”/“{denom}”；资金执行率得分 = 分值 × 执行率" + ("，最高为分值。" if rules.funds.cap else "。")]
    bands = sorted(rules.grades.bands, key=lambda b: b.min, reverse=True)
    if not bands:
        lines.append("2. 总分设置为 100 分，本规则集不评定等级。")
    else:
        parts = []
        upper: Decimal | None = None
        for band in bands:
            if upper is None:
                parts.append(f"{plain(band.min)} 分（含）—100 分为{band.grade}")
            elif band.min <= 0:
                parts.append(f"{plain(upper)} 分以下为{band.grade}")
            else:
                parts.append(f"{plain(band.min)} 分（含）—{plain(upper)} 分为{band.grade}")
            upper = band.min
        if upper is not None and upper > 0:
            parts.append(f"{plain(upper)} 分以下不评等级")
        lines.append("2. 总分设置为 100 分，等级划分为：" + "，".join(parts) + "。")
    lines.append(f"3. 评分规则集：{rules.id}（{rules.name}），规则内容 SHA-256 {rules.sha256[:16]}。")
    return lines


def _fits(text: str, font: str, size: float, width: float) -> bool:
    return stringWidth(text, font, size) <= width


def _bottom_block(result: Any, s: _Styles) -> Table:
    """备注 (the grading note) and the sign-off, with the seal box on the right.

    One flat table: a line of text that fits is a plain cell (no Paragraph to
    parse and wrap), anything longer a Paragraph that wraps.
    """
    form = result.form
    so = form.signoff
    if form.kind == "project":
        pairs = [("填表人", so.filled_by), ("联系电话", so.phone), ("项目负责人", so.head), ("财务负责人", so.finance_head)]
    else:
        pairs = [("填表人", so.filled_by), ("联系电话", so.phone), ("单位负责人", so.head)]
    pairs.append(("填报日期", so.date))
    # names, a phone number, a date: cut anything absurdly long so the block keeps its place
    pairs = [(k, v if len(v) <= 60 else v[:56] + "…") for k, v in pairs]
    n = len(pairs)
    seal_w = 58 * mm
    left_w = WIDTH - seal_w - 8
    per = left_w / n
    gap = 12.0  # between one signature line and the next label
    font, size = s.font, 8.0

    # per sign-off pair three columns: the label, the line to sign on, a gap
    labels = [stringWidth(f"{k}：", font, 9) + 1 for k, _ in pairs]
    need = [max(stringWidth(v, font, 9) + 6, 50.0) for _, v in pairs]
    spare = left_w - sum(labels) - gap * n - sum(need)
    if spare >= 0:  # each line as long as its value needs, the rest shared out
        values = [w + spare / n for w in need]
    else:
        values = [per - lab - gap for lab in labels]
    widths: list[float] = []
    for lab, val in zip(labels, values):
        widths += [lab, val, gap]
    m = len(widths)  # the seal box is column m + 1 (after an 8 pt gap)
    data: list[list[Any]] = []
    for i, line in enumerate(grading_note(result.rules)):
        text = ("备注：" if i == 0 else "　　　") + line
        cell: Any = text if _fits(text, font, size, left_w) else Paragraph(_esc(text), s.note)
        data.append([cell] + [""] * (m - 1) + ["", ""])
    sign_row: list[Any] = []
    for j, (k, v) in enumerate(pairs):
        value_w = widths[3 * j + 1]
        sign_row += [f"{k}：", v if _fits(v, font, 9, value_w - 2) else Paragraph(_esc(v), s.cell), ""]
    data.append(sign_row + ["", ""])
    last = len(data) - 1
    data[0][m + 1] = "单位（盖章）"
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size, 10.5),
        ("FONT", (0, last), (-1, last), font, 9, 11),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (m - 1, -1), 0),
        ("RIGHTPADDING", (0, 0), (m - 1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (1, last), (m - 1, last), 2),
        ("SPAN", (m + 1, 0), (m + 1, last)),
        ("BOX", (m + 1, 0), (m + 1, last), 0.6, GRID),
        ("FONT", (m + 1, 0), (m + 1, 0), font, 9),
        ("TOPPADDING", (m + 1, 0), (m + 1, 0), 4),
        ("LEFTPADDING", (m + 1, 0), (m + 1, 0), 4),
        # the seal box is at least 32 mm high: the signature row takes the room
        # (signatures go above their lines, at the bottom of the block)
        ("VALIGN", (0, last), (m - 1, last), "BOTTOM"),
    ]
    for i in range(last):
        cmds.append(("SPAN", (0, i), (m - 1, i)))
    for j in range(n):  # the line to sign on
        cmds.append(("LINEBELOW", (3 * j + 1, last), (3 * j + 1, last), 0.5, colors.black))
    minimum = [0.0] * last + [32 * mm - 12.5 * last]
    return Table(data, colWidths=widths + [8, seal_w], minRowHeights=minimum, style=TableStyle(cmds))


def _explain_block(result: Any, s: _Styles) -> list[Flowable]:
    """The appendix of ``jixiao pdf --explain``: each score's arithmetic, so a reviewer can check any number."""
    out: list[Flowable] = [PageBreak(), Paragraph("计算过程", s.title)]
    out.append(_p(f"以下为按规则集 {result.rules.id} 复算各项得分的算式（金额单位：万元；得分四舍五入到两位小数）。", s.note))
    out.append(Spacer(1, 4))
    data: list[list[Any]] = [["序号", "指标", "分值", "复算得分", "计算过程"]]
    funds = result.funds
    data.append(["—", _p("资金执行率", s.cell), fmt(funds.weight), fmt(funds.score), _p(funds.explain, s.cell)])
    for r in result.indicators:
        data.append([str(r.index + 1), _p(r.name, s.cell), fmt(r.weight), fmt(r.score), _p(r.explain, s.cell)])
    data.append(["", _p("总分与等级", s.cell), "", fmt(result.total), _p(result.explain, s.cell)])
    widths = [34.0, 170.0, 48.0, 56.0]
    widths.append(WIDTH - sum(widths))
    cmds = _base_cmds(s.font) + [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (2, 1), (3, -1), "RIGHT"),
    ]
    out.append(Table(data, colWidths=widths, style=TableStyle(cmds), repeatRows=1, splitInRow=24))
    return out


def _findings_block(result: Any, s: _Styles) -> list[Flowable]:
    errors = [f for f in result.findings if f.severity == "error"]
    if not errors:
        return []
    others = len(result.findings) - len(errors)
    out: list[Flowable] = [PageBreak(), Paragraph(f"复算发现的错误（{len(errors)} 条）", s.title)]
    intro = (
        f"以下为按规则集 {result.rules.id} 复算时发现的严重程度为“错误”的问题，供填报单位和财政部门核对。"
        + (f"另有警告、提示 {others} 条，可用 jixiao check 查看。" if others else "")
    )
    out.append(_p(intro, s.note))
    out.append(Spacer(1, 4))
    data: list[list[Any]] = [["序号", "问题", "位置", "说明"]]
    from jixiao.scoring.findings import CATALOG
    from jixiao.scoring.locations import finding_place

    names = {r.index: r.name for r in result.indicators}
    for i, f in enumerate(errors, 1):  # on paper: the title and the place on the form, no code, no file line
        title = CATALOG[f.code].title if f.code in CATALOG else f.code
        data.append([str(i), _p(title, s.cell), _p(finding_place(f, names), s.cell), _p(f.message, s.cell)])
    widths = [34.0, 120.0, 220.0]
    widths.append(WIDTH - sum(widths))
    cmds = _base_cmds(s.font) + [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    out.append(Table(data, colWidths=widths, style=TableStyle(cmds), repeatRows=1, splitInRow=24))
    return out


# --------------------------------------------------------------- pages


def _qr_modules(text: str, best_mask: bool = False) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark/light modules (top row first).

    Encoded by ReportLab's ``QrCodeWidget`` (error correction level M).  Any
    of the eight mask patterns gives a valid code (the pattern is written in
    the code's format bits); choosing the "best" one by the standard's penalty
    rules (``best_mask=True``) takes ReportLab ~15 ms, more than the rest of a
    one-page form, so pattern 0 is used.
    """
    widget = QrCodeWidget(text, barLevel="M")
    qr = widget.qr
    if best_mask:
        qr.make()
    else:
        if qr.version is None:
            qr.version = qr.calculate_version()
        qr.makeImpl(False, 0)
    return [[bool(m) for m in row] for row in qr.modules]


def qr_rects(modules: list[list[bool]], quiet: int = 2) -> list[tuple[int, int, int]]:
    """The dark modules as runs: (x, y, width) in module units, y up from the bottom,
    with a ``quiet`` zone; how :func:`_draw_qr` draws them and ``jixiao verify`` reads them back."""
    n = len(modules)
    out: list[tuple[int, int, int]] = []
    for r, row in enumerate(modules):
        y = n + quiet - 1 - r
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append((start + quiet, y, c - start))
            else:
                c += 1
    return out


def printed_qr_rects(digest: str) -> list[frozenset[tuple[int, int, int]]]:
    """The rectangles of the QR code jixiao draws for ``digest`` (mask 0, and the standard's best
    mask): what the footer of every page of a PDF printed for that digest must show."""
    text = qr_payload(digest)
    return [frozenset(qr_rects(_qr_modules(text))), frozenset(qr_rects(_qr_modules(text, best_mask=True)))]


def _draw_qr(canv: Canvas, modules: list[list[bool]], size: float, quiet: int = 2) -> None:
    """Draw the modules as one filled path: runs of dark modules as rectangles
    in module units (integers, written straight into the content stream under
    one scaling transform: a few hundred ``re`` operators cost next to nothing)."""
    n = len(modules)
    box = size / (n + 2 * quiet)
    ops = [f"{x} {y} {w} 1 re" for x, y, w in qr_rects(modules, quiet)]
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.transform(box, 0, 0, box, 0, 0)
    canv.addLiteral("\n".join(ops) + "\nf")
    canv.restoreState()


def qr_payload(digest: str) -> str:
    """What the footer's QR code says: the full digest, tagged.  Upper case, so
    the code uses the QR alphanumeric mode: version 4 (33×33 modules) instead
    of 5, larger modules at the same printed size.  ``jixiao verify`` accepts it
    as scanned."""
    return f"JIXIAO:SHA256:{digest.upper()}"


def _canvas_class(font: str, digest: str, rules_id: str, running_title: str) -> type[Canvas]:
    """A canvas that holds the pages back until the count is known, then draws
    the footer (page N of M, digest, QR code) on each."""
    short = short_digest(digest)
    qr_size = 15 * mm
    qr_text = qr_payload(digest)

    class FormCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []
            self._qr_ready = [False]  # a list: page states restored by save() must not reset it

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._footer(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _footer(self, total: int) -> None:
            page = self._pageNumber
            w, _ = PAGE_SIZE
            if not self._qr_ready[0]:
                self.beginForm(QR_FORM_NAME)
                _draw_qr(self, _qr_modules(qr_text), qr_size)
                self.endForm()
                self._qr_ready[0] = True
            self.saveState()
            self.setFillColor(colors.black)
            y = 8 * mm
            self.setFont(font, 9)
            self.drawCentredString(w / 2, y, f"第 {page} 页 共 {total} 页")
            self.setFont(font, 7.5)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN_X, y + 3.2 * mm, f"内容摘要 SHA-256：{short}")
            self.drawString(
                MARGIN_X, y, f"核对：jixiao verify 表单文件 {short}    规则集：{rules_id}    由 jixiao 生成"
            )
            self.translate(w - MARGIN_X - qr_size, 3.5 * mm)
            self.doForm(QR_FORM_NAME)
            self.restoreState()
            if page > 1:
                self.saveState()
                self.setFont(font, 8)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawString(MARGIN_X, PAGE_SIZE[1] - MARGIN_TOP + 3.5 * mm, f"{running_title}（续）")
                self.restoreState()

    return FormCanvas


# --------------------------------------------------------------- public


def _frame() -> Frame:
    # no padding: the tables are exactly WIDTH wide and FRAME_HEIGHT is the real space
    return Frame(
        MARGIN_X, MARGIN_BOTTOM, WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body"
    )


def render_form_bytes(
    result: Result, *, font: str | None = None, show_claimed: bool = False, findings: bool = True, explain: bool = False
) -> tuple[bytes, list[str]]:
    """The PDF of one scored form, and the warnings to show (font fallback)."""
    choice: FontChoice = register_cjk_font(font)
    warnings = [choice.warning] if choice.warning else []
    form = result.form
    # every character printed must have a glyph, or it prints as a box: the
    # form's own text (all of it is in its canonical JSON), the rule set's
    # name and grades, the findings
    printed = [canonical_json(form), result.rules.id, result.rules.name or "", *grading_note(result.rules)]
    if findings:
        printed += [f"{f.where}{f.message}" for f in result.findings]
    lacking = missing_glyphs(choice, printed)
    if lacking:
        raise ValueError(missing_glyphs_message(str(choice.path), lacking))
    s = _styles(choice.name)
    marks = _Marks(show_claimed, s)
    digest = form_digest(form)
    title = form_title(form)
    who = form.unit.project if form.kind == "project" and form.unit.project else form.unit.name

    story: list[Flowable] = [Paragraph(_esc(title), s.title)]
    if show_claimed:
        mode = (
            f'<font color="{CLAIMED_COLOUR}">本表得分为填报单位自评的得分（按填报原样打印，未经复算）。</font>'
            f"复算结果：总分 {fmt(result.total)}，等级 {_esc(result.grade or NO_GRADE)}。"
        )
    else:
        mode = (
            f"本表得分为按规则集 {_esc(result.rules.id)} 复算的得分；"
            f'与单位填报不同之处以<font color="{CLAIMED_COLOUR}">（填报 …）</font>标出。'
        )
    head = Table(
        [[Paragraph(mode, s.sub), Paragraph(f"金额单位：{form.funds.unit}", s.sub)]],
        colWidths=[WIDTH - 90, 90],
        style=TableStyle([("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]),
    )
    story.append(head)
    story.append(_unit_block(form, s))
    story.append(_funds_block(result, s, marks))
    story.append(_goal_block(form, s))
    rows = _indicator_rows(result, s, marks)
    if rows:
        story.append(IndicatorRows(rows, s, tail=_totals_row(result, s, marks)))
    else:
        story.append(_totals_block(result, s, marks))
    story.append(Spacer(1, 2))
    story.append(_bottom_block(result, s))
    if explain:
        story.extend(_explain_block(result, s))
    if findings:
        story.extend(_findings_block(result, s))

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        pageTemplates=[PageTemplate("form", [_frame()])],
        title=f"{title} · {who}",
        author=form.unit.name,
        subject=f"jixiao form sha256={digest}",
        keywords=[f"jixiao-sha256:{digest}", f"rules:{result.rules.id}", f"rules-sha256:{result.rules.sha256}"],
        creator="jixiao",
    )
    try:
        doc.build(story, canvasmaker=_canvas_class(choice.name, digest, result.rules.id, f"{title} · {who}"))
    except LayoutError as exc:  # should not happen: every block can break across pages
        raise RuntimeError(f"{result.file or who}：排版失败，无法生成 PDF（{exc}）。这是 jixiao 的错误，请报告。") from exc
    return buf.getvalue(), warnings


def render_form(
    result: Result,
    out_path: str | Path,
    *,
    font: str | None = None,
    show_claimed: bool = False,
    findings: bool = True,
    explain: bool = False,
) -> list[str]:
    """Render one scored form (a ``scoring.engine.Result``) to ``out_path``.

    The file is written atomically: a failure leaves any previous file intact.
    Returns the warnings to show the user (e.g. the font fallback); raises
    ``ValueError`` with a Chinese message when ``font`` cannot be used, and
    ``OSError`` when the file cannot be written.
    """
    data, warnings = render_form_bytes(result, font=font, show_claimed=show_claimed, findings=findings, explain=explain)
    atomic_write_bytes(out_path, data)
    return warnings
