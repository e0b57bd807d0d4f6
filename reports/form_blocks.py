"""The blocks of the printed form above and below the indicator table: unit,
funds (with the funds note), goal; the grading note and the sign-off with the
seal box (:func:`bottom_block`, which records where the signature fields go);
the appendices of the review print (计算过程, 复算发现的错误).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.scoring.locations import finding_place
from jixiao.scoring.vocabulary import fmt, percent, plain
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from .form_style import (
    DASH,
    DENOMINATOR_LABELS,
    FUNDS_LABELS,
    GRID,
    HEAD_FILL,
    LABEL_FILL,
    ROW_LABEL_W,
    SEC_W,
    WIDTH,
    _base_cmds,
    _esc,
    _Marks,
    _money,
    _p,
    _Styles,
    _vertical,
)
from .rl_compat import row_heights

__all__ = [
    "FieldBox",
    "SEAL_FIELD",
    "REVIEW_FIELD",
    "grading_note",
    "bottom_block",
    "unit_block",
    "funds_block",
    "funds_note_block",
    "goal_block",
    "explain_block",
    "findings_block",
]

def unit_block(form: Any, s: _Styles) -> Table:
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


def funds_block(result: Any, s: _Styles, marks: _Marks) -> Table:
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


def goal_block(form: Any, s: _Styles) -> Table:
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


def funds_note_block(form: Any, s: _Styles) -> Table | None:
    """The funds note (执行率偏低原因 …) the unit typed, under the funds block; None when there is none."""
    note = form.funds.note.strip()
    if not note:
        return None
    label_w = SEC_W + ROW_LABEL_W
    cmds = _base_cmds(s.font) + [("BACKGROUND", (0, 0), (0, 0), HEAD_FILL), ("ALIGN", (0, 0), (0, 0), "CENTER")]
    return Table(
        [["执行率偏低原因", _p(note, s.cell)]], colWidths=[label_w, WIDTH - label_w], style=TableStyle(cmds), splitInRow=24
    )


def grading_note(rules: Any, *, rules_line: bool = True) -> list[str]:
    """The 备注 lines: how the rate is computed and the grade bands of the rule set; with
    ``rules_line``, a last line naming the rule set and its hash (not on the submission copy)."""
    denom = DENOMINATOR_LABELS.get(getattr(rules.funds, "denominator", "annual"), "全年预算数")
    lines = [f"1. “执行率”=“全年执行数”/“{denom}”；资金执行率得分 = 分值 × 执行率" + ("，最高为分值。" if rules.funds.cap else "。")]
    bands = sorted(rules.grades.bands, key=lambda b: b.min, reverse=True)
    if not bands:
        lines.append("2. 总分设置为 100 分，" + ("本规则集" if rules_line else "") + "不评定等级。")
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
    if rules_line:
        lines.append(f"3. 评分规则集：{rules.id}（{rules.name}），规则内容 SHA-256 {rules.sha256[:16]}。")
    return lines


@dataclass(frozen=True)
class FieldBox:
    """Where a signature field goes: its name, the page (from 0), the box in PDF points (x1, y1, x2, y2)."""

    name: str
    page: int
    box: tuple[int, int, int, int]


SEAL_FIELD = "单位盖章"
REVIEW_FIELD = "复核"


def _fits(text: str, font: str, size: float, width: float) -> bool:
    return stringWidth(text, font, size) <= width


class _SignOff(Flowable):
    """The bottom table, kept on one page, recording where it was drawn: the boxes of
    its signature fields (columns and rows of the table) go to ``sink`` on the page."""

    def __init__(
        self, table: Table, widths: list[float], fields: list[tuple[str, int, int, int, int, float]], sink: list[FieldBox]
    ):
        super().__init__()
        self.table = table
        self.widths = widths
        self.fields = fields  # (name, first column, last column, first row, last row, left inset in points)
        self.sink = sink

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.table.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # never cut the sign-off: it moves to the next page whole

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)
        x0, y0 = self.canv.absolutePosition(0, 0)
        heights = row_heights(self.table)
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        tops = [self.height - sum(heights[:i]) for i in range(len(heights) + 1)]
        page = self.canv.getPageNumber() - 1
        for name, c0, c1, r0, r1, inset in self.fields:
            box = (x0 + lefts[c0] + inset, y0 + tops[r1 + 1], x0 + lefts[c1 + 1], y0 + tops[r0])
            self.sink.append(FieldBox(name, page, (round(box[0]), round(box[1]) + 1, round(box[2]), round(box[3]))))


def signer_pairs(form: Any) -> list[list[tuple[str, str]]]:
    """The sign-off lines in two rows: (label, value); the signer lines are 填表人, 单位负责人 or
    项目负责人, 财务负责人 (each gets a signature field of its label's name)."""
    so = form.signoff
    head = "项目负责人" if form.kind == "project" else "单位负责人"
    return [
        [("填表人", so.filled_by), ("联系电话", so.phone), ("填报日期", so.date)],
        [(head, so.head), ("财务负责人", so.finance_head), ("", "")],
    ]


SIGNERS = ("填表人", "单位负责人", "项目负责人", "财务负责人")


def bottom_block(result: Any, s: _Styles, *, review: bool, sink: list[FieldBox]) -> Flowable:
    """备注 (the grading note) and the sign-off, with the seal box on the right (and, on the
    review print, the 复核 box beside it).

    One flat table: a line of text that fits is a plain cell (no Paragraph to
    parse and wrap), anything longer a Paragraph that wraps.  Drawing it records
    the boxes of the signature fields in ``sink``.
    """
    form = result.form
    rows = [[(k, v if len(v) <= 60 else v[:56] + "…") for k, v in row] for row in signer_pairs(form)]
    font, size = s.font, 8.0
    box_w = (40 if review else 50) * mm  # the review print has two boxes: narrower, so the note keeps its lines
    boxes = [("单位（盖章）", SEAL_FIELD)] + ([("复核（签章）", REVIEW_FIELD)] if review else [])
    left_w = WIDTH - len(boxes) * (box_w + 8)
    slots = 3
    gap = 12.0  # between one signature line and the next label
    labels = [max(stringWidth(f"{row[j][0]}：", font, 9) + 1 for row in rows) for j in range(slots)]
    value_w = (left_w - sum(labels) - gap * slots) / slots
    widths: list[float] = []
    for lab in labels:
        widths += [lab, value_w, gap]
    m = len(widths)  # the first box is column m + 1 (after an 8 pt gap)
    blank = [""] * (m + 2 * len(boxes))
    data: list[list[Any]] = []
    for i, line in enumerate(grading_note(result.rules, rules_line=review)):
        text = ("备注：" if i == 0 else "　　　") + line
        cell: Any = text
        if not _fits(text, font, size, left_w):  # wraps: a hanging indent under the text, not under 备注
            indent = stringWidth("备注：", font, size)
            style = ParagraphStyle(f"note{i}", parent=s.note, leftIndent=indent, firstLineIndent=-indent if i == 0 else 0)
            cell = Paragraph(_esc(("备注：" if i == 0 else "") + line), style)
        data.append([cell] + blank[1:])
    first_sign = len(data)
    fields: list[tuple[str, int, int, int, int, float]] = []
    for row in rows:
        r = len(data)
        cells: list[Any] = []
        for j, (k, v) in enumerate(row):
            if not k:
                cells += ["", "", ""]
                continue
            cells += [f"{k}：", v if _fits(v, font, 9, value_w - 2) else Paragraph(_esc(v), s.cell), ""]
            if k in SIGNERS:  # the field starts after the printed name: a signature's look never covers it
                inset = min(stringWidth(v, font, 9) + 8, value_w * 0.45) if v else 0.0
                fields.append((k, 3 * j + 1, 3 * j + 1, r, r, inset))
        data.append(cells + blank[m:])
    last = len(data) - 1
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size, 10.5),
        ("FONT", (0, first_sign), (-1, last), font, 9, 11),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (m - 1, -1), 0),
        ("RIGHTPADDING", (0, 0), (m - 1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (1, first_sign), (m - 1, last), 2),
        # signatures go above their lines, at the bottom of each sign-off row
        ("VALIGN", (0, first_sign), (m - 1, last), "BOTTOM"),
    ]
    for i in range(first_sign):
        cmds.append(("SPAN", (0, i), (m - 1, i)))
    for r in range(first_sign, last + 1):
        for j, (k, _) in enumerate(rows[r - first_sign]):
            if k:  # the line to sign on
                cmds.append(("LINEBELOW", (3 * j + 1, r), (3 * j + 1, r), 0.5, colors.black))
    col_widths = list(widths)
    for n, (label, name) in enumerate(boxes):
        c = m + 1 + 2 * n
        data[0][c] = label
        col_widths += [8, box_w]
        cmds += [
            ("SPAN", (c, 0), (c, last)),
            ("BOX", (c, 0), (c, last), 0.6, GRID),
            ("FONT", (c, 0), (c, 0), font, 9),
            ("TOPPADDING", (c, 0), (c, 0), 4),
            ("LEFTPADDING", (c, 0), (c, 0), 4),
        ]
        fields.append((name, c, c, 0, last, 0.0))
    # the seal box is at least 28 mm high (the review print's 24 mm): the sign-off rows take the room
    note_h = 11.5 * first_sign
    sign_h = max(20.0 if review else 22.0, ((24 if review else 28) * mm - note_h) / len(rows))
    minimum = [0.0] * first_sign + [sign_h] * len(rows)
    table = Table(data, colWidths=col_widths, minRowHeights=minimum, style=TableStyle(cmds))
    return _SignOff(table, col_widths, fields, sink)


def explain_block(result: Any, s: _Styles) -> list[Flowable]:
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


def findings_block(result: Any, s: _Styles) -> list[Flowable]:
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

    names = {r.index: r.name for r in result.indicators}
    for i, f in enumerate(errors, 1):  # on paper: the title and the place on the form, no code, no file line
        title = CATALOG[f.code].title if f.code in CATALOG else f.code
        data.append([str(i), _p(title, s.cell), _p(finding_place(f, names), s.cell), _p(f.message, s.cell)])
    widths = [34.0, 120.0, 220.0]
    widths.append(WIDTH - sum(widths))
    cmds = _base_cmds(s.font) + [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    out.append(Table(data, colWidths=widths, style=TableStyle(cmds), repeatRows=1, splitInRow=24))
    return out
