"""The printed form's shared pieces: page geometry, colours, paragraph styles,
text helpers and how a score cell is printed (:class:`_Marks`).

Used by :mod:`form_blocks`, :mod:`form_indicators` and :mod:`form_pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from jixiao.indicators.schema import FUNDS_ROW_HEADINGS
from jixiao.scoring.vocabulary import KIND_ZH, NO_GRADE, fmt, year_label
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

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
FUNDS_LABELS = FUNDS_ROW_HEADINGS  # the funds rows as the printed table heads them (其中：当年财政拨款)
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
    """How scores are printed: the unit's own as filled (the submission copy,
    ``show_claimed``), or the engine's with the unit's marked where it differs
    (the review print)."""

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
            return f"等级：{claimed}"  # as filled (blank when not filled); a plain cell string: no markup is parsed
        if not claimed or claimed == computed:
            return f"等级：{computed or NO_GRADE}"
        return Paragraph(
            f"等级：{_esc(computed or NO_GRADE)}"
            f'<br/><font color="{CLAIMED_COLOUR}" size="8">（填报 {_esc(claimed)}）</font>',
            self.s.cell_c,
        )


