"""The form in the official layout as an Excel workbook (``jixiao export``), with openpyxl.

``export_form(result, out_path, scores="claimed")`` writes three sheets:

* **自评表**: the form as the unit fills it in, the same blocks as the PDF
  (``reports/form_pdf.py``): the title with the year; 部门名称 (projects:
  项目名称, 主管部门, 实施单位); 金额单位 and the funds block 资金情况（万元）
  (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 over 年度资金总额 /
  其中：当年财政拨款 / 上年结转资金 / 其他资金); 年度总体目标 (预期目标 | 实际完成情况);
  the indicator table (一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 |
  得分 | 偏差原因分析及改进措施) with 一级 (``产出指标（50分）``) and 二级 merged down
  their rows; 总分 and 等级：…; the sign-off (填表人, 联系电话, 单位负责人 or
  项目负责人 and 财务负责人, 填报日期, 单位（盖章）).  Thin borders, numbers as
  numbers (``0.00``, more places when the form gave more; rates ``0.00%``),
  wrapped text, A4 landscape fitted to the page width, the indicator header
  row repeated on every printed page.  ``scores="claimed"`` (default) puts the
  unit's own 得分 in the score cells (blank where the form gives none), so the
  sheet is the unit's form; ``"computed"`` puts the engine's.
* **复算**: per row the claimed against the computed score and the difference,
  the funds row, the total and the grade, then the findings (代码, 严重程度,
  位置 第N项, 说明) and the grading note of the rule set.
* **jixiao** (hidden): the whole form and what the first sheet shows, for the
  importer (:mod:`indicators.embedded`), so that export → import keeps the keys
  the layout has no place for.

User text is never a formula: a text starting with ``= + - @`` is stored as a
string cell with Excel's quote prefix (as ``scoring.batch`` keeps its xlsx
text as text), and reads back exactly as written.  The file is written
atomically.
"""

from __future__ import annotations

import io
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.indicators.atomic import atomic_write_bytes
from jixiao.indicators.embedded import NOTE as EMBED_NOTE
from jixiao.indicators.embedded import SHEET as EMBED_SHEET
from jixiao.indicators.embedded import cells_fingerprint, payload_rows
from jixiao.scoring.engine import fmt, plain
from jixiao.scoring.vocabulary import NO_GRADE, NOT_CLAIMED, SEVERITY_ZH, percent
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .form_pdf import FUNDS_LABELS, form_title, grading_note

if TYPE_CHECKING:
    from jixiao.scoring.engine import Result

__all__ = ["export_form", "export_form_bytes", "shown_values", "FORM_SHEET", "CHECK_SHEET", "COLUMNS", "SCORE_MODES"]

FORM_SHEET = "自评表"
CHECK_SHEET = "复算"
SCORE_MODES = ("claimed", "computed")
FONT_NAME = "宋体"
DASH = "—"

# A: section | B 一级 | C 二级 | D 三级 | E 年度指标值 | F 实际完成值 | G 分值 | H 得分 | I 偏差原因
COLUMNS = ["", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
WIDTHS: list[float] = [6.5, 16, 16, 28, 17, 17, 9, 11, 38]
FUNDS_HEAD = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分（分值×执行率）"]
CHECK_WIDTHS: list[float] = [7, 14, 16, 30, 10, 11, 11, 11, 40]

_FORMULA_START = ("=", "+", "-", "@")
_THIN = Side(style="thin", color="333333")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EDEDED")
_LABEL_FILL = PatternFill("solid", fgColor="F7F7F7")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)
_BOTTOM_LEFT = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
_BOTTOM_RIGHT = Alignment(horizontal="right", vertical="bottom", wrap_text=True)
_LINE_PT = 14.0  # one line of 10.5 pt text


# ------------------------------------------------------------------ cells


def _places(value: Decimal) -> int:
    exp = value.normalize().as_tuple().exponent
    return max(2, -exp if isinstance(exp, int) else 2)


def number_format(value: Decimal) -> str:
    """``0.00``, or as many places as the value has beyond two (89.974 → ``0.000``): the sheet shows what the form says."""
    return "0." + "0" * _places(value)


def _text_width(text: str) -> float:
    """Width in Excel column units: a CJK character counts two."""
    return sum(1.65 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 2.0)
    return sum(max(1, -(-int(_text_width(part) + 0.999) // int(usable))) for part in str(text).split("\n"))


class _Sheet:
    """A worksheet written row by row, with the cell styles of the form."""

    def __init__(self, ws: Worksheet, widths: list[float]):
        self.ws = ws
        self.widths = widths
        self.heights: dict[int, float] = {}
        self.texts: dict[str, str] = {}  # cell -> the text it shows (the fingerprint of the sheet)
        self.replaced: list[str] = []  # cells whose text had characters a workbook cannot hold
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        *,
        align: Alignment = _CENTER,
        fill: PatternFill | None = None,
        fmt_: str | None = None,
        span: int = 1,
        down: int = 1,
        border: bool = True,
        bold: bool = False,
        size: float = 10.5,
        fit: bool = True,
        shown: bool = True,
    ) -> None:
        """Write one value at (row, col) (1-based), merged over ``span`` columns and ``down`` rows.
        ``shown=False``: a computed cell that is not part of the sheet's fingerprint (the rate)."""
        ws = self.ws
        cell = ws.cell(row=row, column=col)
        text = ""
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                self.replaced.append(cell.coordinate)
            cell.value = text = value
            if value.startswith(_FORMULA_START):
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        elif value is not None:
            cell.value = value
            cell.number_format = fmt_ or (number_format(value) if isinstance(value, Decimal) else "General")
            if isinstance(value, Decimal):
                text = "" if fmt_ else format(value, f".{_places(value)}f")  # as the 0.00… format shows it
            else:
                text = str(value)
        if text and shown:
            self.texts[cell.coordinate] = text
        cell.alignment = align
        cell.font = Font(name=FONT_NAME, size=size, bold=bold)
        if fill is not None:
            cell.fill = fill
        if span > 1 or down > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + down - 1, end_column=col + span - 1)
        if border:
            for r in range(row, row + down):
                for c in range(col, col + span):
                    ws.cell(row=r, column=c).border = _BORDER
        if fit and isinstance(value, str) and value and down == 1:
            width = sum(self.widths[col - 1 : col - 1 + span])
            need = _lines(value, width) * _LINE_PT * size / 10.5 + 6
            self.heights[row] = max(self.heights.get(row, 0.0), need)

    def finish(self) -> None:
        for row, height in self.heights.items():
            self.ws.row_dimensions[row].height = min(max(height, 20.0), 409.0)  # Excel's largest row


# ------------------------------------------------------------------ what is shown


def _category_weights(result: Result) -> dict[str, Decimal]:
    """The weight printed beside each 一级, in the order of the rows: the engine's (declared, else the rule
    set's, else the sum of its rows), as the PDF and the editor show it."""
    canonical = result.rules.canonical_category
    out: dict[str, Decimal] = {}
    for r in result.indicators:
        key = canonical(r.category)
        if key not in out:
            out[key] = result.category_weights.get(key, Decimal(0))
    return out


def _signoff_pairs(form: Any) -> list[tuple[str, str, str]]:
    so = form.signoff
    if form.kind == "project":
        return [
            ("填表人", "filled_by", so.filled_by),
            ("联系电话", "phone", so.phone),
            ("项目负责人", "head", so.head),
            ("财务负责人", "finance_head", so.finance_head),
            ("填报日期", "date", so.date),
        ]
    return [("填表人", "filled_by", so.filled_by), ("联系电话", "phone", so.phone), ("单位负责人", "head", so.head),
            ("填报日期", "date", so.date)]


def _claimed_mode(scores: str) -> bool:
    if scores not in SCORE_MODES:
        raise ValueError(f"--scores 只能是 claimed（填报得分）或 computed（复算得分），现在是 “{scores}”。")
    return scores == "claimed"


def shown_values(result: Result, scores: str = "claimed") -> dict[str, Any]:
    """Every value of the form that the 自评表 sheet carries, flattened as :func:`indicators.embedded.flatten`
    names them, as the sheet shows it.  In ``computed`` mode the score cells hold the engine's scores, so the
    claimed keys are not among them."""
    claimed = _claimed_mode(scores)
    form = result.form
    out: dict[str, Any] = {"format": 1, "kind": form.kind, "year": form.year}
    if form.kind == "project":
        out["unit.project"] = form.unit.project
        out["unit.supervisor"] = form.unit.supervisor
        out["unit.implementer"] = form.unit.implementer or form.unit.name
    else:
        out["unit.name"] = form.unit.name
    funds = result.funds
    out["funds.unit"] = form.funds.unit
    out["funds.weight"] = funds.weight
    if claimed:
        out["funds.claimed"] = funds.claimed
    for key in FUNDS_LABELS:
        values = _funds_row(result, key)
        for col, value in zip(("initial", "annual", "executed"), values):
            out[f"funds.{key}.{col}"] = value
    out["goal.expected"] = form.goal.expected
    out["goal.achieved"] = form.goal.achieved
    for cat, weight in _category_weights(result).items():
        if cat:
            out[f"categories.{cat}"] = weight
    for i, ind in enumerate(form.indicators, 1):
        for key in ("category", "subcategory", "name", "target", "actual", "weight", "note"):
            out[f"indicators[{i}].{key}"] = getattr(ind, key)
        if claimed:
            out[f"indicators[{i}].claimed"] = ind.claimed
    if claimed:
        out["claimed.total"] = form.claimed.total
        out["claimed.grade"] = form.claimed.grade
    for _label, key, text in _signoff_pairs(form):
        out[f"signoff.{key}"] = text
    return out


def _funds_row(result: Result, key: str) -> list[Decimal | None]:
    """The amounts printed on a funds row: the form's own; the total row as given, else the sum of the rows."""
    row = getattr(result.form.funds, key)
    if row is not None and (key != "total" or any(getattr(row, c) is not None for c in ("initial", "annual", "executed"))):
        return [row.initial, row.annual, row.executed]
    effective = result.funds.rows.get(key) or {}
    return [effective.get(c) for c in ("initial", "annual", "executed")]


# ------------------------------------------------------------------ the form sheet


def _form_sheet(ws: Worksheet, result: Result, claimed: bool) -> _Sheet:
    """Write the form; returns the sheet writer (the text of every cell written, for the fingerprint)."""
    form = result.form
    s = _Sheet(ws, WIDTHS)
    ncol = len(WIDTHS)
    r = 1
    s.put(r, 1, form_title(form), span=ncol, border=False, bold=True, size=16, fit=False)
    ws.row_dimensions[r].height = 32
    r += 1
    s.put(r, 7, f"金额单位：{form.funds.unit}", span=3, border=False, align=_RIGHT, fit=False)
    r += 1

    # unit
    unit = form.unit
    if form.kind == "project":
        s.put(r, 1, "项目名称", span=3, fill=_LABEL_FILL)
        s.put(r, 4, unit.project, span=6, align=_LEFT)
        r += 1
        s.put(r, 1, "主管部门", span=3, fill=_LABEL_FILL)
        s.put(r, 4, unit.supervisor, span=2, align=_LEFT)
        s.put(r, 6, "实施单位", span=2, fill=_LABEL_FILL)
        s.put(r, 8, unit.implementer or unit.name, span=2, align=_LEFT)
        r += 1
    else:
        s.put(r, 1, "部门名称", span=3, fill=_LABEL_FILL)
        s.put(r, 4, unit.name, span=6, align=_LEFT)
        r += 1

    # funds
    funds = result.funds
    s.put(r, 1, f"资金情况（{form.funds.unit}）", down=5, fill=_HEAD_FILL)
    s.put(r, 2, "资金来源", span=2, fill=_HEAD_FILL)
    for j, head in enumerate(FUNDS_HEAD):
        s.put(r, 4 + j, head, fill=_HEAD_FILL)
    r += 1
    for key, label in FUNDS_LABELS.items():
        s.put(r, 2, label, span=2, fill=_HEAD_FILL, align=_LEFT)
        for j, value in enumerate(_funds_row(result, key)):
            s.put(r, 4 + j, value, align=_RIGHT)
        if key == "total":
            s.put(r, 7, funds.weight)
            if funds.rate is not None:
                rate = funds.rate.quantize(Decimal("0.0001"), ROUND_HALF_UP)  # the cell holds what it shows
                s.put(r, 8, rate, fmt_="0.00%", shown=False)
                s.texts[f"H{r}"] = percent(rate)
            else:
                s.put(r, 8, DASH)
            s.put(r, 9, funds.claimed if claimed else funds.score)
        else:
            for c in (7, 8, 9):
                s.put(r, c, DASH)
        r += 1

    # goal
    s.put(r, 1, "年度总体目标", down=2, fill=_HEAD_FILL)
    s.put(r, 2, "预期目标", span=4, fill=_HEAD_FILL)
    s.put(r, 6, "实际完成情况", span=4, fill=_HEAD_FILL)
    r += 1
    s.put(r, 2, form.goal.expected, span=4, align=_TOP_LEFT)
    s.put(r, 6, form.goal.achieved, span=4, align=_TOP_LEFT)
    r += 1

    # indicators
    header = r
    s.put(r, 1, "绩效指标", down=len(result.indicators) + 1, fill=_HEAD_FILL)
    for c in range(2, ncol + 1):
        s.put(r, c, COLUMNS[c - 1], fill=_HEAD_FILL)
    r += 1
    weights = _category_weights(result)
    rows = result.indicators
    i = 0
    while i < len(rows):
        cat = rows[i].category
        j = i
        while j < len(rows) and rows[j].category == cat:
            j += 1
        label = f"{cat}（{plain(weights.get(result.rules.canonical_category(cat), Decimal(0)))}分）" if cat.strip() else ""
        s.put(r, 2, label, down=j - i)
        _group_rows(s, rows[i:j], r, claimed)
        r += j - i
        i = j
    if rows:
        ws.print_title_rows = f"{header}:{header}"

    # totals
    weight = funds.weight + sum((x.weight for x in rows), Decimal(0))
    total = result.claimed_total if claimed else result.total
    grade = result.claimed_grade if claimed else (result.grade or NO_GRADE)
    s.put(r, 1, "总分", span=6, fill=_HEAD_FILL, bold=True)
    s.put(r, 7, weight)
    s.put(r, 8, total)
    s.put(r, 9, f"等级：{grade}")
    r += 2

    # sign-off: label and value in neighbouring cells, four pairs a row, then the seal
    pairs = _signoff_pairs(form)
    col = 2
    for label, _key, text in pairs:
        if col > 8:
            r += 1
            col = 2
        s.put(r, col, label, border=False, align=_BOTTOM_RIGHT)
        s.put(r, col + 1, text, border=False, align=_BOTTOM_LEFT)
        ws.cell(row=r, column=col + 1).border = Border(bottom=_THIN)
        s.heights[r] = max(s.heights.get(r, 0.0), 26.0)
        col += 2
    r += 2
    s.put(r, 8, "单位（盖章）", span=2, down=3, align=Alignment(horizontal="left", vertical="top"), fit=False)
    s.finish()

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.print_area = f"A1:{get_column_letter(ncol)}{r + 2}"
    return s


def _group_rows(s: _Sheet, rows: list[Any], top: int, claimed: bool) -> None:
    """The rows of one 一级 group from row ``top``: 二级 merged down its run, then the row cells."""
    k = 0
    while k < len(rows):
        sub = rows[k].subcategory
        m = k
        while m < len(rows) and rows[m].subcategory == sub:
            m += 1
        s.put(top + k, 3, sub, down=m - k)
        k = m
    for k, ind in enumerate(rows):
        row = top + k
        s.put(row, 4, ind.name, align=_LEFT)
        s.put(row, 5, ind.target)
        s.put(row, 6, ind.actual)
        s.put(row, 7, ind.weight)
        s.put(row, 8, ind.claimed if claimed else ind.score)
        s.put(row, 9, ind.note, align=_LEFT)


# ------------------------------------------------------------------ the check sheet


def _where(f: Any, result: Result) -> str:
    loc = f.loc
    if loc and loc[0] == "indicators" and len(loc) > 1 and isinstance(loc[1], int):
        name = result.indicators[loc[1]].name if loc[1] < len(result.indicators) else ""
        return f"第{loc[1] + 1}项" + (f"（{name}）" if name else "")
    if loc and loc[0] == "funds":
        return "资金情况"
    if loc and loc[0] == "claimed":
        return "总分与等级"
    if loc and loc[0] == "goal":
        return "年度总体目标"
    if loc and loc[0] in ("unit", "signoff"):
        return "表头与签署"
    return "表单"


def _title(code: str) -> str:
    """A finding's Chinese title, as on every printed page (codes are for the CLI listing and JSON)."""
    from jixiao.scoring.findings import CATALOG

    return CATALOG[code].title if code in CATALOG else code


def _diff(claimed: Decimal | None, computed: Decimal) -> Decimal | None:
    return None if claimed is None else claimed.quantize(Decimal("0.01")) - computed


def _check_sheet(ws: Worksheet, result: Result) -> _Sheet:
    s = _Sheet(ws, CHECK_WIDTHS)
    ncol = len(CHECK_WIDTHS)
    rules = result.rules
    r = 1
    s.put(r, 1, f"复算结果：{form_title(result.form)}", span=ncol, border=False, bold=True, size=14, fit=False)
    ws.row_dimensions[r].height = 26
    r += 1
    s.put(r, 1, f"规则集 {rules.id}（{rules.name}），规则内容 SHA-256 {rules.sha256[:16]}；"
          "“填报”为表中单位自评的得分，“复算”为按规则集计算的得分。", span=ncol, border=False, align=_LEFT)
    r += 2
    head = ["序号", "一级", "二级", "指标", "分值", "填报", "复算", "差额（填报−复算）", "发现项"]
    for c, h in enumerate(head, 1):
        s.put(r, c, h, fill=_HEAD_FILL, bold=True)
    ws.freeze_panes = ws.cell(row=r + 1, column=1)
    r += 1
    for ind in result.indicators:
        values: list[Any] = [ind.index + 1, ind.category, ind.subcategory, ind.name, ind.weight, ind.claimed, ind.score,
                             _diff(ind.claimed, ind.score), "、".join(_title(f.code) for f in ind.findings)]
        for c, v in enumerate(values, 1):
            s.put(r, c, v, align=_LEFT if c in (2, 3, 4, 9) else _CENTER)
        r += 1
    f = result.funds
    rate = f"（执行率 {fmt(f.rate * 100)}%）" if f.rate is not None else ""
    funds_codes = "、".join(_title(x.code) for x in result.findings if x.loc[:1] == ("funds",))
    weight = f.weight + sum((x.weight for x in result.indicators), Decimal(0))
    for label, totals, codes, bold in (
        ("资金执行率" + rate, (f.weight, f.claimed, f.score, _diff(f.claimed, f.score)), funds_codes, False),
        ("全表得分", (weight, result.claimed_total, result.total, _diff(result.claimed_total, result.total)), "", True),
    ):
        s.put(r, 1, "")
        s.put(r, 2, label, span=3, align=_LEFT, bold=bold)
        for c, v in enumerate(totals, 5):
            s.put(r, c, v, bold=bold)
        s.put(r, 9, codes, align=_LEFT)
        r += 1
    s.put(r, 2, "等级", span=3, align=_LEFT, bold=True)
    s.put(r, 5, "")
    s.put(r, 6, result.claimed_grade or NOT_CLAIMED)
    s.put(r, 7, result.grade or NO_GRADE)
    s.put(r, 8, "一致" if (result.claimed_grade or "") == (result.grade or "") else "不一致")
    s.put(r, 9, "")
    s.put(r, 1, "")
    r += 2

    s.put(r, 1, f"发现项（{len(result.findings)} 条：错误 {result.errors}，警告 {result.warnings}，"
          f"提示 {len(result.findings) - result.errors - result.warnings}）", span=ncol, border=False, align=_LEFT, bold=True)
    r += 1
    s.put(r, 1, "序号", fill=_HEAD_FILL, bold=True)
    s.put(r, 2, "问题", span=2, fill=_HEAD_FILL, bold=True)
    s.put(r, 4, "位置", fill=_HEAD_FILL, bold=True)
    s.put(r, 5, "严重程度", span=2, fill=_HEAD_FILL, bold=True)
    s.put(r, 7, "说明", span=3, fill=_HEAD_FILL, bold=True)
    r += 1
    for n, finding in enumerate(result.findings, 1):
        s.put(r, 1, n)
        s.put(r, 2, _title(finding.code), span=2, align=_LEFT)  # the clerk's words: the title, not the code
        s.put(r, 4, _where(finding, result), align=_LEFT)
        s.put(r, 5, SEVERITY_ZH.get(finding.severity, finding.severity), span=2)
        s.put(r, 7, finding.message, span=3, align=_LEFT)
        r += 1
    if not result.findings:
        s.put(r, 1, "没有发现项。", span=ncol, border=False, align=_LEFT)
        r += 1
    r += 1
    for n, line in enumerate(grading_note(rules)):
        s.put(r, 1, ("备注：" if n == 0 else "") + line, span=ncol, border=False, align=_LEFT)
        r += 1
    s.finish()
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return s


# ------------------------------------------------------------------ public


def export_form_bytes(result: Result, scores: str = "claimed") -> tuple[bytes, list[str]]:
    """The workbook of one scored form (a ``scoring.engine.Result``) as xlsx bytes, and the warnings to
    show (Chinese): text with control characters a workbook cannot hold is shown with U+FFFD there."""
    claimed = _claimed_mode(scores)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = FORM_SHEET
    sheet = _form_sheet(ws, result, claimed)
    check = _check_sheet(wb.create_sheet(CHECK_SHEET), result)
    hidden = wb.create_sheet(EMBED_SHEET)
    hidden.sheet_state = "hidden"
    hidden.cell(row=1, column=1, value=EMBED_NOTE)
    rows = payload_rows(result.form, shown_values(result, scores), FORM_SHEET, cells_fingerprint(sheet.texts.items()))
    for i, text in enumerate(rows, start=2):  # JSON: control characters are escaped, the text is kept whole
        cell = hidden.cell(row=i, column=1, value=text)
        cell.data_type = "s"
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    warnings = []
    if sheet.replaced or check.replaced:
        cells = "、".join(f"{FORM_SHEET}!{c}" for c in sheet.replaced[:5]) or f"{CHECK_SHEET}!{check.replaced[0]}"
        more = len(sheet.replaced) + len(check.replaced)
        warnings.append(
            f"{cells}{' 等' if more > 1 else ''}的文字含有 Excel 不能保存的控制字符，表中显示为 “\ufffd”；"
            "隐藏的 jixiao 工作表保存了原文，jixiao import 读回时还原。"
        )
    return buf.getvalue(), warnings


def export_form(result: Result, out_path: str | Path, scores: str = "claimed") -> list[str]:
    """Write the workbook to ``out_path`` atomically (a failure leaves an old file intact); returns the
    warnings to show the user.

    Raises ``ValueError`` (Chinese) for an unknown ``scores`` and ``OSError`` when the file cannot be written.
    """
    data, warnings = export_form_bytes(result, scores)
    atomic_write_bytes(out_path, data)
    return warnings
