"""The approved 绩效目标表 (绩效目标申报表) in a grid, as definitions data (``kind = "targets"``).

A 绩效目标表 is the start-of-year form: title and year, the unit (or project,
主管部门, 实施单位), the funds (年度资金总额 and its sources, one amount
each: the approved 年初预算数), the 年度绩效目标 (预期目标), and the
indicator table (一级/二级/三级指标, 指标值, 分值) with no actual values or
scores.  Its layouts vary as the self-evaluation forms' do: the funds as
label-and-value rows (the MOF 项目支出绩效目标申报表) or as a header row with
the amounts below it; the goal beside its label or below a 年度目标 heading;
the indicator table with or without a label column, 一级 headings with their
points (``产出指标（50分）``).  Blocks are found by their labels (the tables
below are data), never by position; every value read, every assumption and
every cell that could not be read is a :class:`Note` with its address.

:func:`recognise_any` is the hook the import uses for every grid: a grid
whose title says 绩效目标表 (and not 自评) is read here, any other by the
self-evaluation recogniser.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..schema import FUNDS_ROW_NAMES
from .grid import Grid
from .numbers import parse_number, plain_text
from .recognise import Note, Recognised, recognise

if TYPE_CHECKING:
    from jixiao.indicators.targets import Targets

__all__ = ["recognise_any", "recognise_targets", "looks_like_targets", "targets_title", "load_targets_file"]

# ---------------------------------------------------------------- labels (plain text: NFKC, no spaces)

_TITLE_RE = re.compile(r"绩效目标(?:申报|批复|审核)?表")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_ROWS = 12  # a title is among the first rows of a grid (a sheet, a page, a Word table's paragraphs)

_UNIT_LABELS = {
    "项目名称": "project",
    "主管部门": "supervisor",
    "主管部门及代码": "supervisor",
    "实施单位": "implementer",
    "部门名称": "name",
    "单位名称": "name",
    "部门(单位)名称": "name",
    "单位(部门)名称": "name",
    "预算单位": "name",
    "预算单位名称": "name",
    "申报单位": "name",
    "填报单位": "name",
    "项目单位": "name",
    "单位编码": "code",
    "部门编码": "code",
}
_UNIT_WORDS = {"name": "部门（单位）名称", "project": "项目名称", "supervisor": "主管部门", "implementer": "实施单位", "code": "单位编码"}
# funds rows: label (contained in the plain text) -> row key; first match wins
_FUNDS_LABELS: list[tuple[str, str]] = [
    ("中期", ""),  # 中期资金总额: the multi-year amount, not this year's
    ("年度资金总额", "total"),
    ("资金总额", "total"),
    ("预算总额", "total"),
    ("年度预算", "total"),
    ("上年结转", "carryover"),
    ("结转", "carryover"),
    ("其他资金", "other"),
    ("当年财政拨款", "appropriation"),
    ("财政拨款", "appropriation"),
    ("财政资金", "appropriation"),
]
_FUNDS_WORDS = FUNDS_ROW_NAMES
_GOAL_LABELS = ("年度绩效目标", "年度总体目标", "年度目标", "总体目标", "绩效目标", "预期目标")
_MONEY_RE = re.compile(r"(?:金额单位|单位)[:：]\s*(万元|元)|[（(]\s*(万元|元)\s*[)）]")
# indicator table columns, by header text; first match wins
_COLUMNS: list[tuple[str, str]] = [
    ("一级指标", "l1"),
    ("二级指标", "l2"),
    ("三级指标", "l3"),
    ("指标名称", "l3"),
    ("指标内容", "l3"),
    ("指标性质", "nature"),
    ("度量单位", "measure"),
    ("计量单位", "measure"),
    ("指标值", "target"),
    ("目标值", "target"),
    ("绩效标准", "target"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("评分标准", "standard"),
    ("评价标准", "standard"),
    ("指标解释", "standard"),
    ("完成值", "actual"),  # a self-evaluation's columns: not read here, reported
    ("完成情况", "actual"),
    ("实际", "actual"),
    ("得分", "score"),
    ("评分", "score"),
]
_COLUMN_WORDS = {"l1": "一级指标", "l2": "二级指标", "l3": "三级指标", "target": "指标值", "weight": "分值", "standard": "评分标准"}
_POINTS_RE = re.compile(r"^(?P<name>[^()\d]{1,20}?)\((?P<weight>\d+(?:\.\d+)?)分?\)$")
_END_WORDS = ("填表人", "联系电话", "单位负责人", "项目负责人", "财务负责人", "填报日期", "备注", "说明", "注:")
_BLANKS = {"", "-", "—", "——", "/", "\\", "无", "－"}


def _p(text: str) -> str:
    return plain_text(text) if len(text) <= 200 else ""


def _cells(grid: Grid, r: int) -> list[tuple[int, str]]:
    """(column, text) of the non-blank anchor cells of row r (a merged cell once, at its left)."""
    out = []
    row = grid.rows[r] if 0 <= r < grid.height else []
    for c, cell in enumerate(row):
        if cell.merged and cell.merged[1] != c:
            continue
        text = grid.anchor(r, c).text.strip() if cell.merged else cell.text.strip()
        if cell.merged and cell.merged[0] != r:  # the rows below a merged cell's first: shown once, at the top
            continue
        if text:
            out.append((c, text))
    return out


def targets_title(grid: Grid) -> tuple[int, str] | None:
    """(row, text) of a 绩效目标表 title among the first rows, or None (a 自评表 title is not one)."""
    for r in range(min(grid.height, _TITLE_ROWS)):
        for _c, text in _cells(grid, r):
            p = _p(text)
            if len(p) < 60 and _TITLE_RE.search(p) and "自评" not in p:
                return r, text
    return None


def looks_like_targets(grid: Grid) -> bool:
    """A 绩效目标表: its title says so; or, with no title, the sheet's name says so, or its indicator table has
    指标值 and 分值 but no 完成值 and no 得分 column (a table no self-evaluation could be made of)."""
    if targets_title(grid) is not None:
        return True
    head = [_p(t) for r in range(min(grid.height, _TITLE_ROWS)) for _c, t in _cells(grid, r)]
    if any("自评" in p for p in head if len(p) < 60):
        return False
    name = _p(grid.name or "")
    if _TITLE_RE.search(name) and "自评" not in name:
        return True
    for r in range(grid.height):
        roles = _header(grid, r)
        if roles is not None:
            return "target" in roles and "weight" in roles and "actual" not in roles and "score" not in roles
    return False


def recognise_any(grid: Grid, tiers: tuple[Decimal, Decimal] | None = None) -> list[Recognised]:
    """The hook of the import: a 绩效目标表 grid is read by :func:`recognise_targets`, any other by ``recognise``
    (``tiers``: the rule set's qualitative thresholds)."""
    if looks_like_targets(grid):
        found = recognise_targets(grid)
        if found:
            return found
    return recognise(grid, tiers)


# ---------------------------------------------------------------- reading


class _Reader:
    def __init__(self, grid: Grid):
        self.grid = grid
        self.notes: list[tuple[int, Note]] = []
        self.cells: dict[tuple[Any, ...], str] = {}
        self.used: set[int] = set()

    def address(self, r: int, c: int) -> str:
        return self.grid.cell(r, c).address or f"第 {r + 1} 行"

    def note(self, r: int, c: int, message: str, kind: str) -> None:
        self.notes.append((r, Note(self.address(r, c), message, kind)))  # type: ignore[arg-type]

    def mark(self, key: tuple[Any, ...], r: int, c: int) -> None:
        self.cells.setdefault(key, self.address(r, c))

    def number(self, r: int, c: int, what: str) -> Decimal | None:
        cell = self.grid.anchor(r, c)
        if cell.problem:
            self.note(r, c, f"{what}：{cell.problem}，未读入。", "problem")
            return None
        text = cell.text.strip()
        if text in _BLANKS:
            return None
        if cell.value is not None and not cell.percent:
            return cell.value
        value, percent = parse_number(text)
        for suffix in ("万元", "元", "分"):
            if value is None and text.endswith(suffix):
                value, percent = parse_number(text[: -len(suffix)])
        if value is None or percent:
            self.note(r, c, f"{what}“{text}”不是数字，未读入。", "problem")
            return None
        return value


def _number(value: Decimal) -> int | Decimal:
    if value == value.to_integral_value() and value.as_tuple().exponent >= 0:  # type: ignore[operator]
        return int(value)
    return value


def _header(grid: Grid, r: int) -> dict[str, int] | None:
    """The indicator header's columns by role, when row r is one (三级 and 一级 or 二级, and 指标值 or 分值)."""
    roles: dict[str, int] = {}
    for c, text in _cells(grid, r):
        p = _p(text)
        if len(p) > 20:
            continue
        role = next((role for word, role in _COLUMNS if word in p), "")
        if role and role not in roles:
            roles[role] = c
    if "l3" in roles and ("l1" in roles or "l2" in roles) and ("target" in roles or "weight" in roles):
        return roles
    return None


def recognise_targets(grid: Grid) -> list[Recognised]:
    """The 绩效目标表 of the grid (at most one per grid), or [] when there is no indicator table."""
    title = targets_title(grid)
    header_row = next((r for r in range(grid.height) if _header(grid, r) is not None), None)
    if header_row is None:
        return []
    f = _Reader(grid)
    top = title[0] if title is not None else 0
    data: dict[str, Any] = {"format": 1, "kind": "targets", "year": 0}
    heading = title[1] if title is not None else ""
    year = None
    if title is not None:
        f.used.add(top)
        f.note(top, 0, f"表题：{heading}", "found")
        f.mark(("kind",), top, 0)
    for r in range(top, header_row):  # the year: in the title, or on a line below it (（2024年度）)
        for c, text in _cells(grid, r):
            m = _YEAR_RE.search(_p(text)) if len(text) < 60 else None
            if m:
                year = int(m.group(1))
                f.mark(("year",), r, c)
                f.used.add(r)
                if r != top:
                    f.note(r, c, f"年度：{year}", "found")
                break
        if year is not None:
            break
    if year is None:
        f.note(top, 0, "未找到年度（表题中的“2024 年度”），year 写为 0，请改为实际年度。", "problem")
    data["year"] = year or 0

    unit: dict[str, str] = {}
    money = ""
    funds: dict[str, dict[str, Any]] = {}
    goal = ""
    for r in range(top, header_row):
        cells = _cells(grid, r)
        for i, (c, text) in enumerate(cells):
            p = _p(text)
            m = _MONEY_RE.search(text) if len(text) < 60 else None
            if m and not money:
                money = m.group(1) or m.group(2)
                f.note(r, c, f"金额单位：{money}", "found")
                f.used.add(r)
            label, _, inline = p.partition(":") if ":" in p else (p, "", "")
            label = re.sub(r"\((?:盖章|签字)\)$", "", label)
            key = _UNIT_LABELS.get(label)
            if key:
                value = text.split("：", 1)[-1].split(":", 1)[-1].strip() if inline else ""
                if not value and i + 1 < len(cells) and _UNIT_LABELS.get(_p(cells[i + 1][1]).rstrip(":")) is None:
                    value = cells[i + 1][1]
                if value and key not in unit:
                    unit[key] = value
                    f.mark(("unit", key), r, c)
                    f.note(r, c, f"{_UNIT_WORDS[key]}：{value}", "found")
                    f.used.add(r)
    # the funds and the goal: after the unit labels, by their own labels
    goal_column: tuple[int, int] | None = None  # (row, column) of a 年度目标 heading with the text below it
    year_from: int | None = None  # 中期资金 | … | 年度资金总额 side by side: the year's amounts from this column on
    for r in range(top, header_row):
        cells = _cells(grid, r)
        labels = [(c, next((key for word, key in _FUNDS_LABELS if word in _p(t)), None)) for c, t in cells if len(_p(t)) <= 20]
        mid = [c for c, key in labels if key == ""]
        if mid:
            year_from = next((c for c, key in labels if key and c > mid[0]), year_from)
        for i, (c, text) in enumerate(cells):
            p = _p(text)
            if len(p) > 20:
                continue
            fund = next((key for word, key in _FUNDS_LABELS if word in p), None)
            if fund == "":
                continue
            if fund and year_from is not None and c < year_from and any(k == fund and cc >= year_from for cc, k in labels):
                f.note(r, c, f"“{text}”是中期资金，未读入（读取右侧的年度资金）。", "ignored")
                continue
            if fund and fund not in funds:
                amount = None
                right = [(cc, t) for cc, t in cells[i + 1 :]]
                if right and parse_number(right[0][1].removesuffix("万元").removesuffix("元"))[0] is not None:
                    amount = f.number(r, right[0][0], _FUNDS_WORDS[fund])
                    at = right[0][0]
                elif not right or not any(parse_number(t)[0] is not None for _, t in right):
                    below = grid.anchor(r + 1, c)
                    if parse_number(below.text.strip())[0] is not None:  # a header row with the amounts below it
                        amount = f.number(r + 1, c, _FUNDS_WORDS[fund])
                        at = c
                        f.used.add(r + 1)
                if amount is not None:
                    funds[fund] = {"initial": _number(amount)}
                    f.mark(("funds", fund, "initial"), r if at != c else r + 1, at)
                    f.note(r, c, f"{_FUNDS_WORDS[fund]}：{amount}（作年初预算数）", "found")
                    f.used.add(r)
                continue
            if len(p) <= 16 and not p.startswith("中期") and p.rstrip(":").endswith(_GOAL_LABELS):  # 部门整体支出年度绩效目标
                f.used.add(r)
                longer = [(cc, t) for cc, t in cells[i + 1 :] if _p(t) not in _GOAL_LABELS and not _p(t).startswith("中期目标")]
                texts = [(cc, t) for cc, t in longer if len(_p(t)) > 8]
                if texts and not goal:
                    goal = texts[0][1]
                    f.mark(("goal", "expected"), r, texts[0][0])
                    f.note(r, texts[0][0], "预期目标（年度绩效目标）", "found")
                elif not texts:
                    yearly = [(cc, t) for cc, t in cells if _p(t) == "年度目标"]
                    goal_column = (r, yearly[0][0] if yearly else c)
                break
        if goal_column is not None and r == goal_column[0] + 1 and not goal:
            c = goal_column[1]
            text = grid.anchor(r, c).text.strip()
            if text:
                goal = text
                f.mark(("goal", "expected"), r, c)
                f.note(r, c, "预期目标（年度目标栏下）", "found")
                f.used.add(r)
    data_funds_unit = money if money and money != "万元" else ""
    if funds and not money:
        f.note(top, 0, "未写明金额单位，按万元计。", "assumed")

    # the indicator table
    roles = _header(grid, header_row)
    assert roles is not None
    f.used.add(header_row)
    f.note(header_row, roles["l3"], "指标表表头：" + "、".join(_COLUMN_WORDS[k] for k in _COLUMN_WORDS if k in roles), "found")
    for role, word in (("actual", "实际完成值"), ("score", "得分")):
        if role in roles:
            f.note(header_row, roles[role], f"“{word}”栏是年末自评的内容，绩效目标表中不读入。", "ignored")
    if "weight" not in roles:
        f.note(header_row, roles["l3"], "指标表没有“分值”栏：各指标分值写为 0，请按批复填写。", "problem")
    categories: dict[str, int | Decimal] = {}
    indicators: list[dict[str, Any]] = []
    category = subcategory = ""
    bottom = header_row
    r = header_row + 1
    while r < grid.height:
        cells = _cells(grid, r)
        plain = [_p(t) for _, t in cells]
        if any(p.startswith(_END_WORDS) for p in plain[:1]) or (plain and plain[0] in ("合计", "总计", "分值合计")):
            if plain and plain[0] in ("合计", "总计", "分值合计"):
                f.used.add(r)
                f.note(r, cells[0][0], "合计行：由各指标分值复算，不读入。", "ignored")
                bottom = r
            break
        if _header(grid, r) is not None:  # the header repeated on the next page
            f.used.add(r)
            r += 1
            continue
        l1 = grid.anchor(r, roles["l1"]).text.strip() if "l1" in roles else ""
        l2 = grid.anchor(r, roles["l2"]).text.strip() if "l2" in roles else ""
        name = grid.anchor(r, roles["l3"]).text.strip()
        if not cells:
            r += 1
            continue
        bottom = r
        f.used.add(r)
        for text, level in ((l1, 1), (l2, 2)):
            if not text:
                continue
            m = _POINTS_RE.match(_p(text))
            clean = m.group("name") if m else text
            if level == 1:
                category = clean
                if m and clean not in categories:
                    points = Decimal(m.group("weight"))
                    categories[clean] = _number(points)
                    f.note(r, roles["l1"], f"一级指标“{clean}”的分值 {points}（取自“{text}”）", "found")
            else:
                subcategory = clean
        if "l1" in roles and not l1 and not category:
            category = ""
        if not name or name in _BLANKS:
            if l1 or l2:  # a heading row of its own (产出指标 on a line)
                r += 1
                continue
            f.note(r, roles["l3"], "这一行没有三级指标名称，未读入。", "ignored")
            r += 1
            continue
        row: dict[str, Any] = {"category": category or "未分类", "subcategory": subcategory, "name": name}
        i = len(indicators)
        f.mark(("indicators", i), r, roles["l3"])
        if not category:
            f.note(r, roles["l3"], f"“{name}”没有一级指标，写为“未分类”。", "assumed")
        target = grid.anchor(r, roles["target"]).text.strip() if "target" in roles else ""
        if "nature" in roles or "measure" in roles:  # 指标性质 | 指标值 | 度量单位
            nature = grid.anchor(r, roles["nature"]).text.strip() if "nature" in roles else ""
            measure = grid.anchor(r, roles["measure"]).text.strip() if "measure" in roles else ""
            if nature and nature not in ("定性", "定量") and parse_number(target)[0] is not None:
                target = nature + target
            if measure and parse_number(target.lstrip("≥≤<>=＞＜＝"))[0] is not None:
                target = target + measure
        cell = grid.anchor(r, roles["target"]) if "target" in roles else None
        if cell is not None and cell.formula and target:  # =100% typed in Excel is a formula shown as 100%
            f.note(r, roles["target"], f"指标值单元格是公式“{cell.formula}”（显示为“{target}”），按所写的“{cell.formula}”（等于）读取。", "assumed")
            target = cell.formula
        row["target"] = target
        if "target" in roles:
            f.mark(("indicators", i, "target"), r, roles["target"])
        if not target:
            f.note(r, roles.get("target", roles["l3"]), f"“{name}”的指标值为空。", "problem")
        weight = f.number(r, roles["weight"], "分值") if "weight" in roles else None
        if weight is None:
            if "weight" in roles:
                f.note(r, roles["weight"], f"“{name}”的分值为空，写为 0，请按批复填写。", "problem")
            weight = Decimal(0)
        row["weight"] = _number(weight)
        if "weight" in roles:
            f.mark(("indicators", i, "weight"), r, roles["weight"])
        if "standard" in roles:
            standard = grid.anchor(r, roles["standard"]).text.strip()
            if standard:
                row["standard"] = standard
        indicators.append(row)
        r += 1
    if not indicators:
        f.note(header_row, 0, "指标表中没有读到任何指标行。", "problem")

    kind = "project" if (title and "项目" in _p(title[1])) or unit.get("project") else "department"
    name = unit.get("name", "")
    if not name:
        for key in ("implementer", "supervisor"):
            if unit.get(key):
                name = unit[key]
                f.note(top, 0, f"未找到部门/单位名称，取{_UNIT_WORDS[key]}“{name}”作为单位名称。", "assumed")
                if ("unit", key) in f.cells:
                    f.cells[("unit", "name")] = f.cells[("unit", key)]
                break
    if not name:
        f.note(top, 0, "未找到部门（单位）名称，请在“单位名称”中填写。", "problem")
    data["unit"] = {"name": name}
    for key in ("code", "project", "supervisor", "implementer"):
        if unit.get(key):
            data["unit"][key] = unit[key]
    if kind == "project" and not unit.get("project"):
        f.note(top, 0, "表题是项目支出绩效目标表，但未找到项目名称，请在 [unit] project 中填写。", "problem")
    if categories:
        data["categories"] = categories
    if funds or data_funds_unit:
        block: dict[str, Any] = {}
        if data_funds_unit:
            block["unit"] = data_funds_unit
        for key in ("total", "appropriation", "carryover", "other"):
            if key in funds:
                block[key] = funds[key]
        data["funds"] = block
    if not funds:
        f.note(top, 0, "未找到资金（年度资金总额）。", "assumed")
    if goal:
        data["goal"] = {"expected": goal}
    else:
        f.note(top, 0, "未找到年度绩效目标（预期目标）。", "assumed")
    data["indicators"] = indicators
    for rr in range(top, bottom + 1):
        if rr in f.used:
            continue
        cells = _cells(grid, rr)
        if cells:
            text = " ".join(t for _, t in cells)
            f.note(rr, cells[0][0], f"未读入：{text if len(text) <= 40 else text[:40] + '…'}", "ignored")
    f.notes.sort(key=lambda pair: pair[0])
    if ("unit", "name") in f.cells:
        f.cells.setdefault(("unit",), f.cells[("unit", "name")])
    rec = Recognised(data=data, grid=grid, top=top, bottom=bottom, notes=[n for _, n in f.notes], heading=heading, cells=f.cells)
    return [rec]


# ---------------------------------------------------------------- loading


def load_targets_file(path: str | Path) -> Targets:
    """A definitions file: a ``.toml`` as written, or a 绩效目标表 imported from a workbook, Word file or PDF.

    Raises FormError (every problem, named by file and line or cell).
    """
    from jixiao.indicators.loader import FormError, Problem
    from jixiao.indicators.targets import load_targets, load_targets_text

    from . import _loc_of_key, imported_of, is_imported, recognised_one
    from .toml_writer import form_toml

    if not is_imported(path):
        return load_targets(path)
    rec = recognised_one(path)
    if rec.kind != "targets":
        raise FormError([Problem(str(path), "", None, f"{rec.range_text}：这是自评表，不是绩效目标表（表题应为“…绩效目标表”或“…绩效目标申报表”）。")])
    text = form_toml(rec)
    try:
        return load_targets_text(text, str(path))
    except FormError as exc:
        imported = imported_of(rec)
        problems = []
        for p in exc.problems:
            address = imported.address(_loc_of_key(p.key)) or imported.range_text
            problems.append(Problem(str(path), p.key, None, f"{address}：{p.message}（导入后的检查；请改正原表，或先 jixiao import 成 .toml 再修改）"))
        raise FormError(problems) from None
