"""The recogniser: every 绩效自评表 in a :class:`Grid`, as format-1 form data.

Blocks are found by their labels, never by fixed positions or column
letters: title and year, unit, funds, 年度总体目标, the indicator table, the
total and grade, the sign-off.  Cells are classified by what they say
(``产出指标（50分）`` is a category wherever it sits), and when a row and its
header disagree the content wins and the repair is recorded as a note.
Every assumption is a :class:`Note` with the cell's address; nothing is
guessed silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..values import Text, parse_value
from .grid import Grid
from .numbers import parse_number, plain_text

__all__ = ["Note", "Recognised", "recognise"]

NoteKind = Literal["found", "assumed", "ignored", "problem"]


@dataclass
class Note:
    address: str  # "Sheet1!F12", "第 556 行"
    message: str  # in Chinese
    kind: NoteKind


@dataclass
class Recognised:
    data: dict[str, Any]  # format-1 form data, as tomli(parse_float=Decimal) gives it for form_toml(self)
    grid: Grid
    top: int  # the grid rows the form spans (0-based, inclusive)
    bottom: int
    notes: list[Note] = field(default_factory=list)
    heading: str = ""  # the title as printed ("2021 年度部门整体支出绩效自评表"), "" when the form has none
    # where each value came from: key paths of ``data`` -> cell addresses, e.g. ("indicators", 2, "weight") -> "Sheet1!G15",
    # ("indicators", 2) -> the cell of its name, ("funds", "total", "executed"), ("claimed", "total"), ("unit", "name")
    cells: dict[tuple[Any, ...], str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def year(self) -> int | None:
        year = self.data.get("year")
        return year if isinstance(year, int) else None

    @property
    def unit(self) -> str:
        return str(self.data.get("unit", {}).get("name", ""))

    @property
    def project(self) -> str:
        return str(self.data.get("unit", {}).get("project", ""))

    @property
    def title(self) -> str:
        if self.heading:
            return self.heading
        what = "项目支出" if self.kind == "project" else "部门整体支出"
        return f"{self.year or ''} 年度{what}绩效自评表".strip()

    @property
    def range_text(self) -> str:
        """"Sheet1!A1:I40" for a sheet, "第 552–581 行" for text."""
        return range_text(self.grid, self.top, self.bottom)


def range_text(grid: Grid, top: int, bottom: int) -> str:
    first = grid.cell(top, 0).address
    last_row = grid.rows[bottom] if 0 <= bottom < len(grid.rows) else []
    last = grid.cell(bottom, max(len(last_row) - 1, 0)).address
    a = re.fullmatch(r"第 (\d+) 行", first)
    b = re.fullmatch(r"第 (\d+) 行", last)
    if a and b:
        return f"第 {a.group(1)} 行" if a.group(1) == b.group(1) else f"第 {a.group(1)}–{b.group(1)} 行"
    a, b = re.fullmatch(r"第 (\d+) 页", first), re.fullmatch(r"第 (\d+) 页", last)
    if a and b:  # a PDF: "第 33–34 页", said once (the grid's name says the same pages)
        return f"第 {a.group(1)} 页" if a.group(1) == b.group(1) else f"第 {a.group(1)}–{b.group(1)} 页"
    if "!" in first and "!" in last and first.split("!")[0] == last.split("!")[0]:
        return f"{first}:{last.split('!', 1)[1]}"
    if first and last and first != last:
        return f"{first} – {last}"
    return first or grid.name or grid.source


# ---------------------------------------------------------------- vocabulary

_MAX_CELL = 2000  # a longer cell is prose, never a label
_HEAD_SPAN = 80
_MAX_IGNORED = 200  # "ignored" notes listed one by one per form  # how far above its indicator table a form's title, unit and funds may be

# indicator table columns, by header text (plain: NFKC, no spaces); first match wins
_INDICATOR_ROLES: list[tuple[str, str]] = [
    ("偏差", "note"),
    ("未完成原因", "note"),
    ("原因分析", "note"),
    ("改进措施", "note"),
    ("一级指标", "l1"),
    ("二级指标", "l2"),
    ("三级指标", "l3"),
    ("指标名称", "l3"),
    ("指标性质", "nature"),
    ("度量单位", "measure"),
    ("计量单位", "measure"),
    ("指标值", "target"),
    ("目标值", "target"),
    ("年度目标", "target"),
    ("完成值", "actual"),
    ("实际值", "actual"),
    ("实际完成", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("评分标准", "standard"),  # criteria rows (项目决策, 项目管理): the scoring criterion, before 评分 → score
    ("评价标准", "standard"),
    ("评分细则", "standard"),
    ("评分要点", "standard"),
    ("指标解释", "standard"),
    ("复核", "review"),  # a finance bureau's own column (复核得分, 审核得分): not the unit's claim
    ("审核", "review"),
    ("核定", "review"),
    ("得分", "score"),
    ("评分", "score"),
    ("备注", "remark"),
    ("单位", "measure"),
]
_ROLE_WORDS = {
    "l1": "一级指标",
    "l2": "二级指标",
    "l3": "三级指标",
    "nature": "指标性质",
    "measure": "度量单位",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "note": "偏差原因分析",
    "remark": "备注",
    "review": "复核得分",
    "standard": "评分标准",
}
_FUNDS_COLUMNS: list[tuple[str, str]] = [
    ("得分", "score"),  # first: "得分(分值×执行率)"
    ("年初预算", "initial"),
    ("全年预算", "annual"),
    ("调整后预算", "adjusted"),
    ("调整预算", "adjusted"),
    ("执行率", "rate"),
    ("执行数", "executed"),
    ("分值", "weight"),
    ("权重", "weight"),
]
_FUNDS_ROWS: list[tuple[str, str]] = [
    ("年度资金总额", "total"),
    ("资金总额", "total"),
    ("合计", "total"),
    ("总计", "total"),
    ("上年结转", "carryover"),  # before 财政拨款: "上年结转资金（财政拨款）" is a carry-over
    ("结转", "carryover"),
    ("其他资金", "other"),
    ("当年财政拨款", "appropriation"),
    ("财政拨款", "appropriation"),
    ("财政资金", "appropriation"),
]
_FUNDS_ROW_WORDS = {"total": "年度资金总额", "appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
_FUNDS_COLUMN_WORDS = {"initial": "年初预算数", "annual": "全年预算数", "adjusted": "调整后预算数", "executed": "全年执行数"}

# level-1 headings that are categories wherever they sit (成本指标 is also a level-2 name, so not here)
_CATEGORY_NAMES = {
    "产出指标", "效益指标", "满意度指标", "产出", "效益", "满意度", "项目决策", "项目过程", "项目管理",
    "项目产出", "项目效益", "决策", "过程", "管理", "决策指标", "过程指标", "管理指标",
}  # fmt: skip
_SUBCATEGORY_NAMES = {
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标", "满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
}  # fmt: skip
_HEADING_RE = re.compile(  # on plain text: 产出指标(50分), 产出指标(50), 产出指标50分
    r"^(?P<name>[^()\d]{1,20}?)(?:\((?P<weight>\d+(?:\.\d+)?)分?\)|(?P<bare>\d+(?:\.\d+)?)分)$"
)

_L1_POINTS_RE = re.compile(  # in the 一级 column, whatever the name: ≥1项(5分) is a (mistaken) heading with points
    r"^(?P<name>.{1,20}?)\((?P<weight>\d+(?:\.\d+)?)分\)(?P<bare>)$"
)


def _points_heading(p: str) -> re.Match[str] | None:
    """产出指标（50分）, 产出指标(50): a heading with its points; 养护里程（1） is a numbered name, not one.

    Without 分, the number in brackets is points only after a name ending in 指标 or a known 一级 name.
    """
    m = _HEADING_RE.match(p)
    if m and "分" not in p[len(m.group("name")) :] and not (
        m.group("name").endswith("指标") or m.group("name") in _CATEGORY_NAMES
    ):
        return None
    return m


_TOTAL_WORDS = {"总分", "合计", "总计", "得分合计", "合计得分", "总得分", "综合得分", "分值合计"}
_GRADE_RE = re.compile(r"(?:自评)?等级[:]?(优秀|优|良好|良|中等|中|合格|差|不合格)")
_GRADE_CELL_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)?(?:自评|评价)?等级[:]?(?:优秀|优|良好|良|中等|中|合格|差|不合格)?$")  # plain text
_GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_END_WORDS = ("备注", "注:", "注1", "说明:", "填表说明", "填表人", "联系电话", "单位负责人", "项目负责人", "财务负责人", "填报日期")
_BLANKS = {"", "-", "—", "——", "/", "\\", "无", "－"}

_UNIT_LABELS = {
    "部门名称": "name", "单位名称": "name", "预算单位": "name", "填报单位": "name", "部门": "name", "单位": "name",
    "单位编码": "code", "单位代码": "code", "部门编码": "code", "预算单位编码": "code",
    "部门(单位)名称": "name", "单位(部门)名称": "name", "部门(单位)": "name", "预算单位名称": "name", "项目单位": "name",
    "项目名称": "project", "主管部门": "supervisor", "实施单位": "implementer", "金额单位": "money",
    "项目编码": "project_code", "项目代码": "project_code",
}  # fmt: skip
_SIGNOFF_LABELS = {
    "填表人": "filled_by", "联系电话": "phone", "单位负责人": "head", "项目负责人": "head",
    "部门负责人": "head", "财务负责人": "finance_head", "填报日期": "date", "填表日期": "date",
    "单位负责人签字": "head", "项目负责人签字": "head", "财务负责人签字": "finance_head", "填表人签字": "filled_by",
}  # fmt: skip
_LABELS = {**_UNIT_LABELS, **_SIGNOFF_LABELS}


_STAMP_RE = re.compile(r"\((?:盖章|签字|签章|签名)\)")


def _label_pattern(label: str) -> str:
    """A label as printed: spaces between its characters allowed (填 表 人), brackets full- or half-width."""
    parts = {"(": "[(（]", ")": "[)）]"}
    return r"\s*".join(parts.get(ch, re.escape(ch)) for ch in label)


_LABEL_RE = re.compile(
    "(" + "|".join(_label_pattern(label) for label in sorted(_LABELS, key=len, reverse=True)) + r")\s*[:：]"
)
_UNIT_IN_TEXT_RE = re.compile(r"(?:金额单位|单位)[:：]\s*(万元|元)|[（(]\s*(万元|元)\s*[)）]")
_SPACE_IN_VALUE_RE = re.compile(r"(?<=[0-9%])[ \u00a0\u3000]+(?=[^\s0-9.,])|(?<=[≥≤<>=＞＜≧≦])[ \u00a0\u3000]+(?=[0-9])")


_TABLE_LABELS = {"绩效指标", "指标", "绩效"}  # the label of the whole table, printed beside it


def _is_subcategory(p: str) -> bool:
    return p not in _TABLE_LABELS and (
        p in _SUBCATEGORY_NAMES or (p.endswith("指标") and 2 < len(p) <= 15 and p not in _CATEGORY_NAMES)
    )


def _p(text: str) -> str:
    return plain_text(text) if len(text) <= _MAX_CELL else ""


def _role(table: list[tuple[str, str]], text: str) -> str:
    p = _p(text)
    if not p or len(p) > 30:
        return ""
    for word, role in table:
        if word in p:
            return role
    return ""


def _numberish(text: str) -> bool:
    """A number as a cell may print it: ``12.5``, ``１２．５``, ``12.5分``, ``1,387.53万元``."""
    if parse_number(text)[0] is not None:
        return True
    suffix = next((w for w in ("万元", "元", "分") if text.endswith(w)), "")
    return bool(suffix) and parse_number(text[: -len(suffix)])[0] is not None


def _number(value: Decimal) -> int | Decimal:
    """The printed number as TOML would read it back: integers as int, else the Decimal with its digits."""
    if value == value.to_integral_value() and value.as_tuple().exponent >= 0:  # type: ignore[operator]
        return int(value)
    return value


def _text(grid: Grid, r: int, c: int) -> str:
    return grid.cell(r, c).text.strip()


class _Form:
    """State while one form is read."""

    def __init__(self, grid: Grid):
        self.grid = grid
        self.notes: list[tuple[int, Note]] = []  # (grid row, note): sorted by row at the end
        self.used: set[int] = set()  # rows that carried something read
        self.cells: dict[tuple[Any, ...], str] = {}

    def mark(self, key: tuple[Any, ...], r: int, c: int | None) -> None:
        """Remember the cell a value of the form came from."""
        address = self.grid.cell(r, c or 0).address
        if address:
            self.cells.setdefault(key, address)

    def note(self, r: int, c: int, message: str, kind: NoteKind) -> None:
        address = self.grid.cell(r, c).address or self.grid.cell(r, 0).address or f"第 {r + 1} 行"
        self.notes.append((r, Note(address, message, kind)))

    def value(self, r: int, c: int, what: str) -> tuple[Decimal | None, bool]:
        """A number read from a cell; a cell the reader could not read is a problem note, never 0."""
        cell = self.grid.cell(r, c)
        if cell.problem:
            self.note(r, c, f"{what}：{cell.problem}，未读入（请在原表中填写数值后重新导入）。", "problem")
            return None, True
        text = cell.text.strip()
        if text in _BLANKS:
            return None, False
        if cell.value is not None and not cell.percent:
            return cell.value, False
        value, percent = parse_number(text)
        suffix = next((w for w in ("万元", "元", "分") if text.endswith(w)), "")
        if value is None and suffix:
            value, percent = parse_number(text[: -len(suffix)])
            if value is not None and not percent:
                self.note(r, c, f"{what}“{text}”去掉“{suffix}”字，读作 {value}。", "assumed")
        if value is None or percent:
            self.note(r, c, f"{what}“{text}”不是数字，未读入。", "problem")
            return None, True
        return value, False


# ---------------------------------------------------------------- the form's head


def _title_kind_year(text: str) -> tuple[str, int | None]:
    p = _p(text)
    kind = "project" if "项目" in p else "department" if "部门" in p or "单位" in p else ""
    m = _YEAR_RE.search(text) or _YEAR_RE.search(p)
    return kind, int(m.group(1)) if m else None


def _is_title(text: str) -> bool:
    p = _p(text)
    return "绩效自评表" in p or ("绩效自评" in p and p.endswith("表")) or "绩效自评报表" in p


def _row_texts(grid: Grid, r: int) -> list[tuple[int, str]]:
    row = grid.rows[r] if 0 <= r < len(grid.rows) else []
    return [(c, cell.text.strip()) for c, cell in enumerate(row) if cell.text and not cell.blank]


def _label_pairs(grid: Grid, r: int, labels: dict[str, str]) -> list[tuple[str, str, int]]:
    """(key, value, column) for every label of ``labels`` on row r: a label cell and the next cell, or "标签：值"."""
    cells = _row_texts(grid, r)
    out: list[tuple[str, str, int]] = []
    skip: set[int] = set()
    for i, (c, text) in enumerate(cells):
        if c in skip or len(text) > _MAX_CELL:
            continue
        bare = _STAMP_RE.sub("", _p(text)).rstrip(":")
        if bare in labels:
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            value = ""
            if nxt is not None and _p(nxt[1]).rstrip(":") not in _LABELS and not _LABEL_RE.match(nxt[1]):
                value = nxt[1]
                skip.add(nxt[0])
            out.append((labels[bare], value, c))
            continue
        matches = list(_LABEL_RE.finditer(text))
        for j, m in enumerate(matches):
            key = labels.get(_p(m.group(1)))
            end = matches[j + 1].start() if j + 1 < len(matches) else len(text)
            value = text[m.end() : end].strip()
            if key is None:
                continue
            if not value and j == len(matches) - 1 and i + 1 < len(cells):
                nxt = cells[i + 1]
                if _p(nxt[1]).rstrip(":") not in _LABELS and not _LABEL_RE.match(nxt[1]):
                    value = nxt[1]
                    skip.add(nxt[0])
            out.append((key, value, c))
    return out


def _is_indicator_header(grid: Grid, r: int) -> bool:
    roles = {_role(_INDICATOR_ROLES, t) for _, t in _row_texts(grid, r) if "指标" in t or "分" in t}
    return "l3" in roles and ("l1" in roles or "l2" in roles) or {"l1", "l3", "weight"} <= roles


def _header_roles(grid: Grid, h: int) -> tuple[dict[str, list[int]], int]:
    """Columns of each role in the indicator header at row h (and a sub-header below it); the last header row."""
    width = len(grid.rows[h])  # rows are rectangular; Grid.width would scan every row, once per form
    roles: list[str] = [""] * width
    for c in range(width):
        cell = grid.cell(h, c)
        text = grid.anchor(h, c).text if cell.merged else cell.text
        roles[c] = _role(_INDICATOR_ROLES, text)
    last = h
    # a two-row header with no merges (text, CSV): 一级/二级/三级 under 绩效指标, the other headings on the row above
    above = [(c, _role(_INDICATOR_ROLES, t)) for c, t in _row_texts(grid, h - 1)] if h > 0 else []
    if above and any(t.strip() in _TABLE_LABELS for _, t in _row_texts(grid, h - 1)) and not any(
        parse_number(t)[0] is not None for _, t in _row_texts(grid, h - 1)
    ):
        for c, role in above:
            if role and c < width and not roles[c] and role not in ("l1", "l2", "l3"):
                roles[c] = role
    below = [(c, _role(_INDICATOR_ROLES, t)) for c, t in _row_texts(grid, h + 1)]
    numbers = sum(1 for c, t in _row_texts(grid, h + 1) if parse_number(t)[0] is not None)
    if below and numbers == 0 and all(role for _, role in below) and any(role not in ("l1", "l2", "l3") for _, role in below):
        for c, role in below:
            roles[c] = role
        last = h + 1
    out: dict[str, list[int]] = {}
    for c, role in enumerate(roles):
        if role:
            out.setdefault(role, []).append(c)
    return out, last


# ---------------------------------------------------------------- recognise


def recognise(grid: Grid) -> list[Recognised]:
    """Every 绩效自评表 in the grid, top to bottom; [] when there is none."""
    headers = [r for r in range(grid.height) if _has_header_words(grid, r) and _is_indicator_header(grid, r)]
    forms: list[Recognised] = []
    start = 0
    for h in headers:
        if h < start:  # a header repeated inside the form before (a page break)
            continue
        rec = _read_form(grid, start, h, grid.height)
        forms.append(rec)
        start = rec.bottom + 1
    return forms


def _has_header_words(grid: Grid, r: int) -> bool:
    return any("三级" in cell.text or "指标名称" in cell.text for cell in grid.rows[r] if cell.text and len(cell.text) < 40)


def _read_form(grid: Grid, start: int, h: int, limit: int) -> Recognised:
    f = _Form(grid)
    data: dict[str, Any] = {"format": 1, "kind": "department", "year": 0}
    # the title: the nearest above the table
    lo = max(start, h - _HEAD_SPAN)
    title_row = None
    heading = ""
    for r in range(h - 1, lo - 1, -1):
        for _c, t in _row_texts(grid, r):
            if len(t) < 200 and _is_title(t):
                title_row, heading = r, t
                f.mark(("kind",), r, _c)
                break
        if title_row is not None:
            break
    top = title_row if title_row is not None else h
    kind, year = _title_kind_year(heading) if heading else ("", None)
    if title_row is not None:
        f.used.add(title_row)
        f.note(title_row, 0, f"表题：{heading}", "found")
        if year is None:  # "（2022年度）" on the next rows
            for r in range(title_row + 1, min(title_row + 3, h)):
                for c, t in _row_texts(grid, r):
                    m = _YEAR_RE.search(t)
                    if m and len(t) < 40:
                        year = int(m.group(1))
                        f.mark(("year",), r, c)
                        f.used.add(r)
                        f.note(r, c, f"年度：{year}（表题下一行）", "found")
                        break
                if year is not None:
                    break
    if title_row is not None:  # "部门：某某中学    金额单位：元" may stand just above the title
        for r in range(max(start, title_row - 3), title_row):
            if any(k in ("name", "money") for k, _, _ in _label_pairs(grid, r, _UNIT_LABELS)):
                top = r
                break
    # with a title, the head is what lies between it (or the unit line above it) and the table: a 部门决算 table
    # printed before the title on the same sheet has 年初预算数 and 合计 too, and is not this form's funds
    head_rows = range(top if title_row is not None else lo, h)
    unit: dict[str, str] = {}
    unit_at: dict[str, tuple[int, int]] = {}
    head_signoff: dict[str, str] = {}
    money = ""
    funds: dict[str, Any] = {}
    goal: dict[str, str] = {}
    funds_header: tuple[int, dict[str, list[int]]] | None = None
    goal_header: tuple[int, int, int] | None = None  # row, expected column, achieved column
    goal_row = -1  # the last row of the goal's text (目标1 / 目标2 … lines go on below it)
    first_head = None
    for r in head_rows:
        cells = _row_texts(grid, r)
        if not cells or r == title_row:
            continue
        pairs = _label_pairs(grid, r, _UNIT_LABELS)
        for key, value, c in pairs:
            if key == "name" and _p(value) in ("万元", "元"):  # "单位：万元" is the money unit
                key = "money"
            if key == "money":
                m = re.search(r"万元|元", value)
                if m:
                    money = m.group()
                    f.note(r, c, f"金额单位：{money}", "found")
            elif key == "project_code":  # format 1 has no field for it (unit.code is the unit's code)
                if value:
                    f.note(r, c, f"项目编码“{value}”未读入（表单格式中没有项目编码）。", "ignored")
            elif value and not unit.get(key):
                unit[key] = value
                unit_at[key] = (r, c)
                f.mark(("unit", key), r, c)
                f.note(r, c, f"{_UNIT_WORDS[key]}：{value}", "found")
        for key, value, c in _label_pairs(grid, r, _SIGNOFF_LABELS):  # 项目负责人、联系电话 above the table
            if value and not head_signoff.get(key):
                head_signoff[key] = value
                f.mark(("signoff", key), r, c)
                f.note(r, c, f"{_SIGNOFF_WORDS[key]}：{value}", "found")
                pairs.append((key, value, c))
        if pairs:
            f.used.add(r)
            first_head = r if first_head is None else first_head
        for c, t in cells:
            m = _UNIT_IN_TEXT_RE.search(t) if len(t) < 60 else None
            if m and not money:
                money = m.group(1) or m.group(2)
                f.note(r, c, f"金额单位：{money}（“{t}”）", "found")
        roles = {c: _role(_FUNDS_COLUMNS, t) for c, t in cells}
        present = set(roles.values())
        if "initial" in present or ("executed" in present and ({"annual", "adjusted"} & present)):
            cols: dict[str, list[int]] = {}
            for c, role in roles.items():
                if role:
                    cols.setdefault(role, []).append(c)
            if funds_header is not None and funds:  # a second funds header: the first table was not this form's
                f.note(funds_header[0], 0, "此处的资金表之后又有资金表表头，以后一个为准。", "ignored")
                funds.clear()
            funds_header = (r, cols)
            f.used.add(r)
            first_head = r if first_head is None else first_head
            continue
        plains = {c: _p(t) for c, t in cells}
        exp = [c for c, p in plains.items() if p.startswith("预期目标") or p == "年度目标"]
        ach = [c for c, p in plains.items() if p.startswith("实际完成情况") or p.startswith("实际完成")]
        if exp and ach and all(len(p) < 12 for p in plains.values()):
            goal_header = (r, exp[0], ach[0])
            f.used.add(r)
            first_head = r if first_head is None else first_head
            continue
        if goal and goal_header and r == goal_row + 1 and not pairs:
            _, ec, ac = goal_header
            texts = [(c, t) for c, t in cells if not (c < ec and len(_p(t)) <= 6)]
            if texts and all(c >= ec and parse_number(t)[0] is None and not any(w in _p(t) for w, _ in _FUNDS_ROWS)
                                for c, t in texts):
                more_e = " ".join(t for c, t in texts if c < ac)
                more_a = " ".join(t for c, t in texts if c >= ac)
                for key, more in (("expected", more_e), ("achieved", more_a)):
                    if more:
                        goal[key] = f"{goal[key]}\n{more}" if goal.get(key) else more
                goal_row = r
                f.used.add(r)
                f.note(r, texts[0][0], "年度总体目标的下一行（目标1、目标2 …）接在上一行之后（换行）。", "assumed")
                continue
        if goal_header and r > goal_header[0] and not goal:
            _, ec, ac = goal_header
            # label pieces left of 预期目标 (年度总体目标, or what is left of it when printed downwards) are not text
            texts = [(c, t) for c, t in cells if _p(t) not in ("年度总体目标", "总体目标") and not (c < ec and len(_p(t)) <= 6)]
            expected = " ".join(t for c, t in texts if ec <= c < ac)
            achieved = " ".join(t for c, t in texts if c >= ac)
            placed = sum(1 for c, _ in texts if c >= ec)
            if placed < len(texts) and len(texts) == 2:  # the columns collapsed: the two texts in their order
                expected, achieved = texts[0][1], texts[1][1]
                f.note(r, texts[0][0], "年度总体目标的两段文字与表头错位，按先后作预期目标与实际完成情况。", "assumed")
            elif placed < len(texts):
                expected = " ".join(t for c, t in texts if c < ac)
                f.note(r, texts[0][0], "年度总体目标的文字与表头错位，实际完成情况列以左的文字都作预期目标。", "assumed")
            if expected or achieved:
                goal = {"expected": expected, "achieved": achieved}
                f.mark(("goal", "expected"), r, texts[0][0] if texts else ec)
                f.mark(("goal", "achieved"), r, texts[-1][0] if texts else ac)
                goal_row = r
                f.used.add(r)
                f.note(r, ec, "年度总体目标：预期目标与实际完成情况", "found")
            continue
        if any(_p(t) in ("年度总体目标", "总体目标") for _, t in cells) and not goal_header:
            label_c = next(c for c, t in cells if _p(t) in ("年度总体目标", "总体目标"))
            rest = [t for c, t in cells if c > label_c]
            if rest:
                goal = {"expected": rest[0], "achieved": " ".join(rest[1:])}
                f.mark(("goal",), r, label_c)
                f.used.add(r)
                f.note(r, label_c, "年度总体目标：右侧文字作为预期目标" + ("，其后为实际完成情况" if rest[1:] else ""), "assumed")
            first_head = r if first_head is None else first_head
            continue
        if funds_header and r > funds_header[0] and not goal_header:
            _funds_row(f, r, cells, funds_header[1], funds)
    if title_row is None and first_head is not None:
        top = first_head
    # the indicator table
    table = _Table(f, h, limit)
    bottom = table.read()
    for key, value in head_signoff.items():
        table.signoff.setdefault(key, value)
    data["kind"] = kind or ("project" if unit.get("project") else "department")
    if not kind:
        why = "表题未写明部门整体或项目支出" if heading else "未找到表题"
        f.note(top, 0, f"{why}，按{'项目名称' if unit.get('project') else '表的内容'}定为"
               f"{'项目支出' if data['kind'] == 'project' else '部门整体支出'}绩效自评表。", "assumed")
    if year is None:
        for r in range(top, min(h, top + 10)):
            for c, t in _row_texts(grid, r):
                m = _YEAR_RE.search(t) if len(t) < 60 else None
                if m:
                    year = int(m.group(1))
                    f.mark(("year",), r, c)
                    f.note(r, c, f"年度取自“{t}”：{year}", "assumed")
                    break
            if year is not None:
                break
    if year is None:
        f.note(top, 0, "未找到年度（表题中的“2021 年度”），year 写为 0，请改为实际年度。", "problem")
    data["year"] = year or 0
    name = unit.get("name", "")
    if not name:
        for key in ("implementer", "supervisor", "project"):
            if unit.get(key):
                name = unit[key]
                f.mark(("unit", "name"), *unit_at[key])
                f.note(*unit_at[key], f"未找到部门/单位名称，取{_UNIT_WORDS[key]}“{name}”作为单位名称。", "assumed")
                break
    if not name:
        f.note(top, 0, "未找到部门（单位）名称，请在“单位名称”中填写。", "problem")
    data["unit"] = {"name": name}
    for key in ("code", "project", "supervisor", "implementer"):
        if unit.get(key):
            data["unit"][key] = unit[key]
    if table.categories:
        data["categories"] = table.categories
    _finish_funds(f, funds, funds_header, money)
    if funds:
        data["funds"] = funds
    elif funds_header is None:
        f.note(top, 0, "未找到资金情况（年初预算数、全年预算数、全年执行数），资金执行率无法复算。", "problem")
    if goal:
        data["goal"] = goal
    data["indicators"] = table.indicators
    if not table.indicators:
        f.note(h, 0, "指标表中没有读到任何指标行。", "problem")
    if table.claimed:
        data["claimed"] = table.claimed
    if table.signoff:
        order = ("filled_by", "phone", "head", "finance_head", "date")
        data["signoff"] = {k: table.signoff[k] for k in order if k in table.signoff}
    for r in range(top, bottom + 1):  # anything in the span that was not read is said to be ignored
        if r in f.used:
            continue
        cells = _row_texts(grid, r)
        if cells:
            text = " ".join(t for _, t in cells)
            text = text if len(text) <= 40 else text[:40] + "…"
            f.note(r, cells[0][0], f"未读入：{text}", "ignored")
    f.notes.sort(key=lambda pair: pair[0])
    notes = [n for _, n in f.notes]
    ignored = [n for n in notes if n.kind == "ignored"]
    if len(ignored) > _MAX_IGNORED:  # a sheet of noise: the first ones and a count, not thousands of lines
        dropped = {id(n) for n in ignored[_MAX_IGNORED:]}
        last = ignored[_MAX_IGNORED]
        notes = [n for n in notes if id(n) not in dropped]
        notes.append(Note(last.address, f"自此处起另有 {len(dropped)} 处未读入的内容，不再逐一列出。", "ignored"))
    for section, first in (("claimed", ("claimed", "total")), ("signoff", None), ("unit", ("unit", "name"))):
        inner = [k for k in f.cells if k[0] == section and len(k) == 2]
        if inner and (section,) not in f.cells:
            f.cells[(section,)] = f.cells[first if first in f.cells else inner[0]]
    where = {key: address for key, address in f.cells.items() if _present(data, key)}
    return Recognised(data=data, grid=grid, top=top, bottom=bottom, notes=notes, heading=heading, cells=where)


def _present(data: dict[str, Any], key: tuple[Any, ...]) -> bool:
    """Whether a key path (or, for a section, its table) is in the form data."""
    node: Any = data
    for part in key:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True


_SIGNOFF_WORDS = {"filled_by": "填表人", "phone": "联系电话", "head": "负责人", "finance_head": "财务负责人", "date": "填报日期"}
_UNIT_WORDS = {"project_code": "项目编码", "code": "单位编码", "name": "部门（单位）名称", "project": "项目名称", "supervisor": "主管部门", "implementer": "实施单位"}


# ---------------------------------------------------------------- funds


def _funds_row(f: _Form, r: int, cells: list[tuple[int, str]], cols: dict[str, list[int]], funds: dict[str, Any]) -> None:
    first_value = min((c for cs in cols.values() for c in cs), default=len(f.grid.rows[r]))
    key = ""
    label_c = 0
    for c, t in cells:
        if c >= first_value:
            break
        p = _p(t)
        key = next((k for word, k in _FUNDS_ROWS if word in p), "")
        if key:
            label_c = c
            break
    has_numbers = any(c >= first_value and parse_number(t)[0] is not None for c, t in cells)
    if not key:
        if has_numbers:
            f.note(r, cells[0][0], f"资金情况中的“{cells[0][1][:20]}”行无法对应到当年财政拨款、上年结转资金或其他资金，未读入。",
                   "ignored")
            funds.setdefault("_unknown", []).append(r)
            f.used.add(r)
        return
    rows = funds.setdefault("_rows", {})
    if key in rows:
        f.note(r, label_c, f"资金情况中又一行“{cells[0][1][:20] if label_c == cells[0][0] else _FUNDS_ROW_WORDS[key]}”"
               f"也是{_FUNDS_ROW_WORDS[key]}，未读入。", "ignored")
        if has_numbers:
            funds.setdefault("_unknown", []).append(r)
        f.used.add(r)
        return
    f.used.add(r)
    row: dict[str, Any] = {}
    # the numbers start left of the first money column (a text whose blank cells collapsed): read them shifted
    first_number = next((c for c, t in cells if c > label_c and parse_number(t)[0] is not None), first_value)
    shift = min(0, first_number - first_value)
    if shift:
        f.note(r, first_number, f"“{_FUNDS_ROW_WORDS[key]}”行的数字与表头错位，按内容左移 {-shift} 列读取。", "assumed")
    cols = {role: [c + shift for c in cs] for role, cs in cols.items()}
    for role in ("initial", "annual", "adjusted", "executed"):
        for c in cols.get(role, []):
            value, bad = f.value(r, c, f"{_FUNDS_ROW_WORDS[key]}的{_FUNDS_COLUMN_WORDS[role]}")
            if value is not None or bad:
                if value is not None:
                    row[role] = value
                else:  # a cell that could not be read is never filled in from another row
                    funds.setdefault("_bad", set()).add((key, role))
                f.mark(("funds", key, role), r, c)
                break
    rows[key] = (r, row)
    f.mark(("funds", key), r, label_c)
    f.mark(("funds",), r, label_c)
    for role, target in (("weight", "weight"), ("score", "claimed")):
        for c in cols.get(role, []):
            value, bad = f.value(r, c, "资金执行率" + ("分值" if role == "weight" else "得分"))
            if value is not None and not 0 <= value <= 100:  # a money amount under 分值 (columns run together): no score
                f.note(r, c, f"资金执行率{'分值' if role == 'weight' else '得分'}“{_text(f.grid, r, c)}”不在 0–100 之间，"
                       "不像分值（可能是错位的金额），未读入。", "problem")
                value, bad = None, True
            if value is not None and target not in funds:
                funds[target] = _number(value)
                f.mark(("funds", target), r, c)
                f.note(r, c, f"资金执行率{'分值' if role == 'weight' else '得分'}：{value}", "found")
            if value is not None or bad:
                break
    for c in cols.get("rate", []):
        t = _text(f.grid, r, c)
        if t and t not in _BLANKS:
            f.note(r, c, f"印刷的执行率“{t}”未读入，由程序按执行数与预算数复算。", "ignored")
            break


def _finish_funds(f: _Form, funds: dict[str, Any], header: tuple[int, dict[str, list[int]]] | None, money: str) -> None:
    rows: dict[str, tuple[int, dict[str, Any]]] = funds.pop("_rows", {})
    unreadable: set[tuple[str, str]] = funds.pop("_bad", set())
    unknown: list[int] = funds.pop("_unknown", [])
    if unknown and "total" in rows and any(k != "total" for k in rows):
        # the sources are broken down otherwise (按收入性质分 …): rows that do not add up would skew the rate
        dropped = [k for k in rows if k != "total"]
        for k in dropped:
            del rows[k]
        f.note(unknown[0], 0, "资金来源的分项与格式中的当年财政拨款、上年结转资金、其他资金对不上，"
               f"只写入年度资金总额（未写入：{'、'.join(_FUNDS_ROW_WORDS[k] for k in dropped)}），执行率按总额复算。", "assumed")
    cols = header[1] if header else {}
    if rows and "annual" not in cols and "adjusted" in cols:
        f.note(header[0] if header else 0, cols["adjusted"][0], "表中没有“全年预算数”列，以“调整后预算数”作为全年预算数。", "assumed")
        for _, row in rows.values():
            if "adjusted" in row:
                row["annual"] = row.pop("adjusted")
    if "total" in rows:
        parts = [k for k in ("appropriation", "carryover", "other") if k in rows and rows[k][1]]
        total = rows["total"][1]
        if len(parts) == 1:
            r, row = rows[parts[0]]
            others_agree = all(row[k] == total[k] for k in row if k in total)
            missing = [k for k in ("initial", "annual", "adjusted", "executed")
                       if k in total and k not in row and (parts[0], k) not in unreadable]
            if others_agree and missing:
                for k in missing:
                    row[k] = total[k]
                words = "、".join(_FUNDS_COLUMN_WORDS[k] for k in missing)
                f.note(r, 0, f"“{_FUNDS_ROW_WORDS[parts[0]]}”行的{words}为空；资金全部来自这一行（其余各数与合计行相同），"
                       f"按合计行填写。", "assumed")
    if header is None:
        return
    out: dict[str, Any] = {}
    for key in ("weight", "claimed"):
        if key in funds:
            out[key] = funds[key]
    if money == "元":
        out["unit"] = "元"
        f.note(header[0], 0, "金额单位为元，表中按元记录（金额未换算）。", "found")
    elif not money:
        f.note(header[0], 0, "未写金额单位，按万元理解。", "assumed")
    for key in ("total", "appropriation", "carryover", "other"):
        if key in rows and rows[key][1]:
            out[key] = {k: _number(v) for k, v in rows[key][1].items()}
    funds.clear()
    funds.update(out)


# ---------------------------------------------------------------- the indicator table

_OPERATORS = {"≥", ">", "≤", "<", "=", "≧", "≦", "≠", "大于", "小于", "等于", "大于等于", "小于等于", "不低于", "不高于", "不少于", "不超过"}


class _Table:
    def __init__(self, f: _Form, h: int, limit: int):
        self.f = f
        self.grid = f.grid
        self.h = h
        self.limit = limit
        self.cols, self.last = _header_roles(f.grid, h)
        self.indicators: list[dict[str, Any]] = []
        self.categories: dict[str, Any] = {}
        self.claimed: dict[str, Any] = {}
        self.signoff: dict[str, str] = {}
        self.cat = ""
        self.sub = ""

    def col(self, role: str) -> int | None:
        cs = self.cols.get(role)
        return cs[0] if cs else None

    def at(self, r: int, role: str, offset: int = 0) -> tuple[int | None, str]:
        """(column, text) of a role on row r; several columns of one role (a merged header): the first non-blank."""
        cs = self.cols.get(role)
        if not cs:
            return None, ""
        for c in cs:
            t = _text(self.grid, r, c + offset)
            if t:
                return c + offset, t
        return cs[0] + offset, ""

    def read(self) -> int:
        f = self.f
        grid = self.grid
        for r in range(self.h, self.last + 1):
            f.used.add(r)
        missing = [w for role, w in (("l3", "三级指标"), ("weight", "分值"), ("score", "得分")) if role not in self.cols]
        if missing:
            f.note(self.h, 0, f"指标表表头缺少“{'、'.join(missing)}”列。", "problem")
        else:
            f.note(self.h, 0, "指标表表头：" + "、".join(
                _ROLE_WORDS[role] for role in _ROLE_WORDS if role in self.cols), "found")
        if "nature" in self.cols or "measure" in self.cols:
            f.note(self.h, self.col("target") or 0, "年度指标值由“指标性质”“指标值”“度量单位”三列合成（定性指标只取指标值）。", "assumed")
        bottom = self.last
        blanks = 0
        tail = False
        remark = False  # inside a 备注 of several numbered lines
        bad: list[tuple[int, int]] = []  # (row, notes before it) of consecutive rows that did not read
        for r in range(self.last + 1, self.limit):
            cells = _row_texts(grid, r)
            if not cells:
                blanks += 1
                if blanks >= 5:
                    break
                continue
            blanks = 0
            p0 = _p(cells[0][1])
            if any(_is_title(t) for _, t in cells if len(t) < 200):
                break
            signoff = _label_pairs(grid, r, _SIGNOFF_LABELS)
            if signoff:
                for key, value, _c in signoff:
                    if value and not self.signoff.get(key):
                        self.signoff[key] = value
                        f.mark(("signoff", key), r, _c)
                f.note(r, signoff[0][2], "签署栏：" + "、".join(f"{_SIGNOFF_WORDS[k]} {v}".strip() for k, v, _ in signoff), "found")
                self._grade(r, cells)
                f.used.add(r)
                bottom, tail = r, True
                continue
            remark_goes_on = remark and re.match(r"^\d+[.、]", p0)  # "2. 总分设置为…" under "备注：1. …"
            if p0.startswith(("备注", "注:", "说明", "填表说明")) or re.match(r"^注\d", p0) or remark_goes_on:
                remark = True
                text = " ".join(t for _, t in cells)
                f.note(r, cells[0][0], f"备注未读入：{text[:40]}{'…' if len(text) > 40 else ''}", "ignored")
                f.used.add(r)
                bottom, tail = r, True
                continue
            if tail and all("盖章" in t for _, t in cells):
                continue  # "单位（盖章）": the place of the stamp, beside the 备注 and the sign-off
            wcol = self.col("weight")
            if any(_p(t) in ("小计", "分项合计") for c, t in cells if wcol is None or c < wcol):
                f.note(r, cells[0][0], "小计行未读入（总分由程序按各项得分计算）。", "ignored")
                f.used.add(r)
                bottom = r
                continue
            if any(_p(t) in _TOTAL_WORDS for c, t in cells if wcol is None or c < wcol):
                self._total(r, cells)
                f.used.add(r)
                bottom, tail = r, True
                continue
            if tail:
                if self._grade(r, cells):
                    f.used.add(r)
                    bottom = r
                    continue
                break
            if _UNIT_IN_TEXT_RE.search(cells[0][1]) or p0.rstrip(":") in _UNIT_LABELS:
                break  # the head of another form without a title
            if any(_role(_FUNDS_COLUMNS, t) == "initial" for _, t in cells):
                break  # the funds block of another form
            if _has_header_words(grid, r) and _is_indicator_header(grid, r):
                # the header again before the total: a page break in a printed form
                f.note(r, cells[0][0], "重复的指标表表头（换页处），跳过。", "ignored")
                f.used.add(r)
                bottom = r
                continue
            mark = len(f.notes)
            status = self._row(r, cells)
            f.used.add(r)
            if status != "bad":
                bad.clear()
                bottom = r
                continue
            bad.append((r, mark))
            if len(bad) >= 3:  # three rows in a row that are no indicator rows: the table has ended
                del f.notes[bad[0][1] :]
                for rr, _ in bad:
                    f.used.discard(rr)
                f.note(bottom, 0, f"指标表到此为止：其后{grid.cell(bad[0][0], 0).address or '各行'}起连续 3 行不是指标行。", "found")
                break
        return bottom

    # -- one indicator row
    def _row(self, r: int, cells: list[tuple[int, str]]) -> str:
        """One indicator row, classified by content: a category, a subcategory, then the name and its values."""
        f = self.f
        l1, l2, l3 = self.col("l1"), self.col("l2"), self.col("l3")
        l3 = l3 if l3 is not None else 2
        cells = [(c, t) for c, t in cells if len(t) <= _MAX_CELL and _p(t) not in _TABLE_LABELS]
        first_col = min((x for x in (l1, l2, l3) if x is not None), default=0)
        # left of the 一级 column: a 序号 (1, 2 …) or one character of a label printed downwards (绩/效/指/标)
        cells = [(c, t) for c, t in cells if c >= first_col or not (len(_p(t)) == 1 or re.fullmatch(r"\d{1,3}", _p(t)))]
        pos = 0
        offset = 0
        cat = sub = ""
        cat_weight: Decimal | None = None
        if pos < len(cells) and cells[pos][0] < l3 + 2:
            c, t = cells[pos]
            heading = self._category(r, c, t)
            if heading:
                cat, cat_weight = heading
                pos += 1
                if l1 is not None and c != l1:
                    offset = c - l1
                    f.note(r, c, f"一级指标“{t}”不在“一级指标”列，本行其余各格按内容{'右' if offset > 0 else '左'}移 "
                           f"{abs(offset)} 列读取。", "assumed")
        if pos < len(cells):
            c, t = cells[pos]
            p = _p(t)
            m2 = _HEADING_RE.match(p)
            base = m2.group("name") if m2 else p
            positional = l2 is not None and c == l2 + offset and (c < l3 + offset) and pos + 1 < len(cells)
            if c < l3 + offset and (positional or _is_subcategory(base)) and parse_number(t)[0] is None and len(p) > 1:
                sub = base if m2 and base in _SUBCATEGORY_NAMES else t
                pos += 1
                if m2 and base in _SUBCATEGORY_NAMES:
                    f.note(r, c, f"二级指标“{t}”所标分值未读入（格式中二级指标无分值）。", "ignored")
                if l2 is not None and c != l2 + offset:
                    where = "在“一级指标”列" if c == l1 else "不在“二级指标”列"
                    f.note(r, c, f"“{t}”{where}，按内容是二级指标，作为二级指标读取"
                           + (f"（一级指标沿用“{self.cat}”）。" if not cat and self.cat else "。"), "assumed")
        if cat:
            if cat != self.cat:
                self.sub = ""
            self.cat = cat
            if cat_weight is not None and cat not in self.categories:
                self.categories[cat] = _number(cat_weight)
                f.mark(("categories", cat), r, l1 + offset if l1 is not None else 0)
                f.note(r, l1 + offset if l1 is not None else 0, f"一级指标“{cat}”分值 {cat_weight}", "found")
        if sub:
            self.sub = sub
        content = cells[pos][0] - l3 if pos < len(cells) else offset
        offset = self._fit(r, offset, content)
        lc, name = self.at(r, "l3", offset)
        wc, wtext = self.at(r, "weight", offset)
        sc, stext = self.at(r, "score", offset)
        first = cells[0][0] if cells else (lc or 0)  # (cells may be empty once a 序号 or label piece is dropped)
        if not name and not wtext and not stext:
            what = " ".join(t for _, t in cells)
            if not (cat or sub):
                f.note(r, first, f"指标表中的“{what[:30]}”不是指标行，未读入。", "ignored")
                return "bad"
            f.note(r, first, f"“{what[:30]}”行没有三级指标、分值和得分，跳过。", "ignored")
            return "heading"
        if not name:
            f.note(r, first, "本行有分值或得分而没有三级指标名称，未读入。", "problem")
            return "skipped"
        if not self.cat:
            f.note(r, lc or 0, f"三级指标“{name}”之前没有一级指标，未读入。", "problem")
            return "bad"
        unread = [c for c in (wc, sc) if c is not None and self.grid.cell(r, c).problem]
        if not wtext and not stext and not unread:
            _, t_text = self.at(r, "target", offset)
            _, a_text = self.at(r, "actual", offset)
            if not t_text and not a_text:  # a template's empty "指标1：" row
                f.note(r, lc or 0, f"“{name}”行没有指标值、分值和得分，跳过。", "ignored")
                return "skipped"
        weight, _ = f.value(r, wc, f"“{name}”的分值") if wc is not None else (None, False)
        if weight is None:
            f.note(r, wc if wc is not None else 0, f"三级指标“{name}”没有分值，未读入（分值必填）。", "problem")
            return "skipped"
        claimed, _ = f.value(r, sc, f"“{name}”的得分") if sc is not None else (None, False)
        target = self._target(r, offset, name)
        tc = self.at(r, "target", offset)[0]
        if "nature" not in self.cols:
            target = self._formula(r, tc, target, "年度指标值")
        ac, actual = self.at(r, "actual", offset)
        actual = self._formula(r, ac, self._clean(r, ac, actual, "实际完成值"), "实际完成值")
        _, note = self.at(r, "note", offset)
        stc, standard = self.at(r, "standard", offset)
        rc, remark = self.at(r, "remark", offset)
        if remark:
            f.note(r, rc or 0, f"备注“{remark[:30]}”未读入。", "ignored")
        vc, review = self.at(r, "review", offset)
        if review:
            f.note(r, vc or 0, f"“{name}”的{_text(self.grid, self.h, self.col('review') or 0) or '复核得分'}“{review}”不是单位自评得分，未读入。", "ignored")
        for role in ("l3", "target", "actual", "note", "standard"):
            pc, _ = self.at(r, role, offset)
            if pc is not None and self.grid.cell(r, pc).problem:
                f.note(r, pc, f"“{name}”的{_ROLE_WORDS[role]}：{self.grid.cell(r, pc).problem}", "problem")
        ind: dict[str, Any] = {"category": self.cat}
        if self.sub:
            ind["subcategory"] = self.sub
        ind["name"] = name
        ind["target"] = target
        ind["actual"] = actual
        ind["weight"] = _number(weight)
        if standard:
            ind["standard"] = standard
        if standard and not target and not actual:  # a criteria row: no 指标值 and no 完成值, the claim is the score
            ind["method"] = "criteria"
            f.note(r, stc or 0, f"“{name}”只有评分标准而无指标值和完成值，按评分标准评分（method = \"criteria\"，自评得分即得分）。",
                   "assumed")
        elif target and isinstance(parse_value(target), Text):
            tier = self._tier(weight, claimed)
            if tier:
                ind["tier"] = tier
                f.note(r, sc if sc is not None else 0,
                       f"定性指标“{name}”：按得分 {claimed}（分值 {weight}）定档为“{tier}”"
                       "（默认规则：达成 ≥ 分值×0.8，部分达成 ≥ 分值×0.6）。", "assumed")
            else:
                f.note(r, sc if sc is not None else 0, f"定性指标“{name}”没有得分，未定档次。", "problem")
        if claimed is not None:
            ind["claimed"] = _number(claimed)
        if note:
            ind["note"] = note
        i = len(self.indicators)
        f.mark(("indicators", i), r, lc)
        for key, col in (("name", lc), ("weight", wc), ("claimed", sc), ("target", tc), ("actual", ac), ("tier", sc), ("standard", stc)):
            f.mark(("indicators", i, key), r, col)
        if note:
            f.mark(("indicators", i, "note"), r, self.at(r, "note", offset)[0])
        self.indicators.append(ind)
        return "indicator"

    def _fit(self, r: int, offset: int, content: int) -> int:
        """The offset at which the row reads as name, numbers: the content wins over the header."""
        fits = lambda o: self._fits(r, o)  # noqa: E731
        if fits(offset) or self._fits(r, offset, True):  # both numbers in place: the name stays, even "-5"
            return offset
        l3 = self.col("l3")
        tries = [content] + sorted(range(-(l3 or 0), 4), key=lambda o: (abs(o - offset), o))
        for o in tries:
            if l3 is not None and l3 + o >= 0 and fits(o):
                _, name = self.at(r, "l3", o)
                self.f.note(r, l3 + o, f"“{name}”一行与表头错位，按内容{'右' if o > offset else '左'}移 {abs(o - offset)} 列读取。", "assumed")
                return o
        return offset

    def _fits(self, r: int, o: int, any_name: bool = False) -> bool:
        """Whether row r reads, at offset o, as a name with numbers under 分值 and 得分.

        ``any_name``: a name that reads as a number (``-5``, ``+86 123``) still fits when both numbers are in place.
        """
        _, name = self.at(r, "l3", o)
        _, w = self.at(r, "weight", o)
        _, s = self.at(r, "score", o)
        if any_name and name and _numberish(w) and _numberish(s):
            return True
        if not name or parse_number(name)[0] is not None or _points_heading(_p(name)):
            return False
        ok = [t in _BLANKS or _numberish(t) for t in (w, s)]
        return all(ok) and bool(w or s)

    def _category(self, r: int, c: int, t: str) -> tuple[str, Decimal | None] | None:
        """(name, points) when the cell is a level-1 heading: "产出指标（50分）" anywhere, a known name, or in the 一级 column."""
        p = _p(t)
        m = (_HEADING_RE.match(p) or _L1_POINTS_RE.match(p)) if c == self.col("l1") else _points_heading(p)
        if m and (m.group("name") not in _SUBCATEGORY_NAMES or m.group("name") in _CATEGORY_NAMES):
            return m.group("name"), Decimal(m.group("weight") or m.group("bare"))
        if m and c == self.col("l1"):  # 成本指标（20分）in the 一级 column
            return m.group("name"), Decimal(m.group("weight") or m.group("bare"))
        if p in _CATEGORY_NAMES and not (c == self.col("l3") and self.col("l1") not in (None, c) and self._fits(r, 0, True)):
            return t, None  # (a bare 效益 in the 三级 column, with its numbers in place, is the indicator's name)
        if len(p) < 2:  # one character: a fragment of a label printed downwards (绩/效/指/标), never a heading
            return None
        if c == self.col("l1") and not _is_subcategory(p) and parse_number(t)[0] is None and self._fits(r, 0):
            return t, None
        return None

    def _clean(self, r: int, c: int | None, text: str, what: str) -> str:
        fixed = _SPACE_IN_VALUE_RE.sub("", text)
        if fixed != text:
            self.f.note(r, c or 0, f"{what}“{text}”中数字与单位（或符号）之间的空格去掉，作“{fixed}”。", "assumed")
        return fixed

    def _formula(self, r: int, c: int | None, text: str, what: str) -> str:
        """A target or actual typed as ``=100%`` is a formula in Excel, shown as its value (1, 100%):
        the ``=`` of the text is the operator; the formula's text is taken instead of what the cell shows."""
        if c is None:
            return text
        cell = self.grid.anchor(r, c)
        if not cell.formula or not text:
            return text
        self.f.note(r, c, f"{what}单元格是公式“{cell.formula}”（显示为“{text}”），按所写的“{cell.formula}”"
                    "（等于）读取。", "assumed")
        return cell.formula

    def _target(self, r: int, offset: int, name: str) -> str:
        tc, value = self.at(r, "target", offset)
        if "nature" not in self.cols and "measure" not in self.cols:
            return self._clean(r, tc, value, "年度指标值")
        _, nature = self.at(r, "nature", offset)
        _, measure = self.at(r, "measure", offset)
        value = value.strip()
        n = _p(nature)
        if not value:
            return ""
        if n == "定性":
            return value
        if measure and not value.endswith(measure) and parse_value(value + measure) is not None:
            value = value + measure
        if n in ("", "定量"):
            return self._clean(r, tc, value, "年度指标值")
        if n in _OPERATORS or n in ("＝", "＞", "＜"):
            return self._clean(r, tc, nature.strip() + value, "年度指标值")
        sign = {"正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤"}.get(n)
        if sign:
            self.f.note(r, tc or 0, f"指标性质“{nature}”按“{sign}”理解：年度指标值作“{sign}{value}”。", "assumed")
            return sign + value
        self.f.note(r, tc or 0, f"指标性质“{nature}”无法识别，年度指标值只取“{value}”。", "assumed")
        return value

    @staticmethod
    def _tier(weight: Decimal, claimed: Decimal | None) -> str:
        if claimed is None:
            return ""
        if claimed >= weight * Decimal("0.8"):
            return "达成"
        if claimed >= weight * Decimal("0.6"):
            return "部分达成"
        return "未达成"

    # -- total, grade
    def _total(self, r: int, cells: list[tuple[int, str]]) -> None:
        f = self.f
        sc = self.col("score")
        graded = _GRADE_CELL_RE.match(_p(_text(self.grid, r, sc))) if sc is not None else None
        if graded:  # "等级：" / "99.5 等级：优" under 得分: the grade's label, with the score (if any) before it
            value, bad = parse_number(graded.group(1))[0] if graded.group(1) else None, False
            if value is not None:
                f.note(r, sc, f"总分行得分格“{_text(self.grid, r, sc)}”中的 {value} 作自评总分，其后为等级。", "assumed")  # type: ignore[arg-type]
        else:
            value, bad = f.value(r, sc, "总分的得分") if sc is not None else (None, False)
        if value is not None:
            self.claimed["total"] = value
            f.mark(("claimed", "total"), r, sc)
            f.note(r, sc, f"总分（自评）：{_text(self.grid, r, sc)}", "found")  # type: ignore[arg-type]
        elif not bad:
            label = next(c for c, t in cells if _p(t) in _TOTAL_WORDS)
            numbers = [(c, t) for c, t in cells if c > label and parse_number(t)[0] is not None and not t.endswith("%")]
            weights = sum((Decimal(str(i["weight"])) for i in self.indicators), Decimal(0))
            if len(numbers) == 1 and sc is not None and (
                numbers[0][0] == self.col("weight") or parse_number(numbers[0][1])[0] in (weights, Decimal(100))
            ):  # the one number is the 分值 (the sum of the weights): the 得分 was left blank
                f.note(r, sc, f"总分行的得分为空（“{numbers[0][1]}”是分值合计），未写入自评总分。", "assumed")
                numbers = []
            if numbers:
                c, t = numbers[-1]
                value, _ = f.value(r, c, "总分的得分")
                if value is not None:
                    self.claimed["total"] = value
                    f.mark(("claimed", "total"), r, c)
                    what = "两个数中后一个" if len(numbers) > 1 else "唯一的数"
                    f.note(r, c, f"总分行与表头错位，取该行{what}“{t}”作自评总分。", "assumed")
        if not self._grade(r, cells):
            for c, t in cells:  # a bare 优 / 良 … right of the score on the total row
                if c > (sc or 0) and re.fullmatch(r"(优秀|优|良好|良|中等|中|合格|差|不合格)", _p(t)):
                    self.claimed["grade"] = _GRADE_WORDS.get(_p(t), _p(t))
                    self.f.mark(("claimed", "grade"), r, c)
                    self.f.note(r, c, f"总分行得分右侧的“{t}”作为自评等级。", "assumed")
                    break

    def _grade(self, r: int, cells: list[tuple[int, str]]) -> bool:
        for i, (c, t) in enumerate(cells):
            p = _p(t)
            m = _GRADE_RE.search(p) if len(p) < 40 else None
            if not m and p.rstrip(":") in ("等级", "自评等级", "评价等级") and i + 1 < len(cells):
                nxt = _p(cells[i + 1][1])
                m = re.fullmatch(r"(优秀|优|良好|良|中等|中|合格|差|不合格)", nxt)
            if m:
                grade = _GRADE_WORDS.get(m.group(1), m.group(1))
                if "grade" not in self.claimed:
                    self.claimed["grade"] = grade
                    self.f.mark(("claimed", "grade"), r, c)
                    self.f.note(r, c, f"等级（自评）：{grade}", "found")
                return True
        return False
