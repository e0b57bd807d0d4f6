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
from typing import Any

from . import labels as L
from .funds import _finish_funds, _funds_row
from .grid import Grid
from .numbers import parse_number, plain_text
from .printed import Printed
from .reading import (
    Note,
    NoteKind,
    _Form,
    _has_header_words,
    _is_indicator_header,
    _is_title,
    _label_pairs,
    _p,
    _role,
    _row_texts,
    _title_kind_year,
    _year_in,
)
from .table import _Table

__all__ = ["Note", "NoteKind", "Recognised", "recognise"]


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
    # figures the form prints that jixiao recomputes (执行率, the 分值 total, 二级 points, 序号), with their cells
    printed: list[Printed] = field(default_factory=list)

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



# ---------------------------------------------------------------- recognise


def _funds_note(f: Any, grid: Grid, top: int, bottom: int, funds: dict[str, Any]) -> None:
    """The 执行率偏低原因 row (as jixiao's own print and the official form have it): its text is the funds note."""
    for r in range(top, bottom + 1):
        if r in f.used:
            continue
        cells = _row_texts(grid, r)
        if not cells:
            continue
        c, first = cells[0]
        head = plain_text(first)
        label = next((w for w in L.FUNDS_NOTE_LABELS if head.startswith(w)), None)
        if label is None:
            continue
        # the text after the label in the same cell (a PDF line), spaces inside the label allowed
        rest = re.sub(r"^\s*" + r"\s*".join(map(re.escape, label)) + r"\s*[:：]?\s*", "", first).strip()
        parts = ([rest] if rest else []) + [t.strip() for _, t in cells[1:] if t.strip()]
        f.used.add(r)
        if parts:
            funds["note"] = " ".join(parts)
            f.mark(("funds", "note"), r, cells[1][0] if len(cells) > 1 and not rest else c)
        return


def recognise(grid: Grid, tiers: tuple[Decimal, Decimal] | None = None) -> list[Recognised]:
    """Every 绩效自评表 in the grid, top to bottom; [] when there is none.

    ``tiers``: the rule set's qualitative thresholds (achieved, partial) that place a qualitative row's claimed
    score in a tier (达成, 部分达成, 未达成); by default those of central-2020 (labels.DEFAULT_TIERS)."""
    headers = [r for r in range(grid.height) if _has_header_words(grid, r) and _is_indicator_header(grid, r)]
    forms: list[Recognised] = []
    start = 0
    for h in headers:
        if h < start:  # a header repeated inside the form before (a page break)
            continue
        rec = _read_form(grid, start, h, grid.height, tiers or L.DEFAULT_TIERS)
        forms.append(rec)
        start = rec.bottom + 1
    return forms



def _read_form(grid: Grid, start: int, h: int, limit: int, tiers: tuple[Decimal, Decimal]) -> Recognised:
    f = _Form(grid)
    data: dict[str, Any] = {"format": 1, "kind": "department", "year": 0}
    # the title: the nearest above the table
    lo = max(start, h - L.HEAD_SPAN)
    title_row = None
    heading = ""
    for r in range(h - 1, lo - 1, -1):
        cells = _row_texts(grid, r)
        for i, (_c, t) in enumerate(cells):
            if len(t) < 200 and _is_title(t) and not _is_label_value(cells, i):
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
                    m = _year_in(t)
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
            if any(k in ("name", "money") for k, _, _ in _label_pairs(grid, r, L.UNIT_LABELS)):
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
        pairs = _label_pairs(grid, r, L.UNIT_LABELS)
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
                f.note(r, c, f"{L.UNIT_WORDS[key]}：{value}", "found")
        for key, value, c in _label_pairs(grid, r, L.SIGNOFF_LABELS):  # 项目负责人、联系电话 above the table
            if value and not head_signoff.get(key):
                head_signoff[key] = value
                f.mark(("signoff", key), r, c)
                f.note(r, c, f"{L.SIGNOFF_WORDS[key]}：{value}", "found")
                pairs.append((key, value, c))
        if pairs:
            f.used.add(r)
            first_head = r if first_head is None else first_head
        for c, t in cells:
            m = L.UNIT_IN_TEXT_RE.search(t) if len(t) < 60 else None
            if m and not money:
                money = m.group(1) or m.group(2)
                f.note(r, c, f"金额单位：{money}（“{t}”）", "found")
        roles = {c: _role(L.FUNDS_COLUMNS, t) for c, t in cells}
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
            for c, t in cells:  # 预算执行情况（万元）（20分）: the block's points in its label
                m = _BLOCK_POINTS_RE.search(_p(t))
                if m and any(w in _p(t) for w in L.FUNDS_BLOCK_LABELS) and roles.get(c) != "score":
                    funds["_points"] = (Decimal(m.group(1)), r, c)
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
            if texts and all(c >= ec and parse_number(t)[0] is None and not any(w in _p(t) for w, _ in L.FUNDS_ROWS)
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
    table = _Table(f, h, limit, tiers)
    bottom = table.read()
    for key, value in head_signoff.items():
        table.signoff.setdefault(key, value)
    data["kind"] = kind or ("project" if unit.get("project") else "department")
    if data["kind"] == "project" and not unit.get("project") and title_row is not None and project_in_title(heading):
        unit["project"] = project_in_title(heading)
        unit_at["project"] = (title_row, 0)
        f.mark(("unit", "project"), title_row, 0)
        f.note(title_row, 0, f"表中没有项目名称一栏，项目名称取自表题：{unit['project']}", "assumed")
    if not kind:
        why = "表题未写明部门整体或项目支出" if heading else "未找到表题"
        f.note(top, 0, f"{why}，按{'项目名称' if unit.get('project') else '表的内容'}定为"
               f"{'项目支出' if data['kind'] == 'project' else '部门整体支出'}绩效自评表。", "assumed")
    if year is None:
        for r in range(top, min(h, top + 10)):
            for c, t in _row_texts(grid, r):
                m = _year_in(t) if len(t) < 60 else None
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
                f.note(*unit_at[key], f"未找到部门/单位名称，取{L.UNIT_WORDS[key]}“{name}”作为单位名称。", "assumed")
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
    if "funds" in data:
        _funds_note(f, grid, top, bottom, data["funds"])
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
    if len(ignored) > L.MAX_IGNORED:  # a sheet of noise: the first ones and a count, not thousands of lines
        dropped = {id(n) for n in ignored[L.MAX_IGNORED:]}
        last = ignored[L.MAX_IGNORED]
        notes = [n for n in notes if id(n) not in dropped]
        notes.append(Note(last.address, f"自此处起另有 {len(dropped)} 处未读入的内容，不再逐一列出。", "ignored"))
    for section, first in (("claimed", ("claimed", "total")), ("signoff", None), ("unit", ("unit", "name"))):
        inner = [k for k in f.cells if k[0] == section and len(k) == 2]
        if inner and (section,) not in f.cells:
            f.cells[(section,)] = f.cells[first if first in f.cells else inner[0]]
    where = {key: address for key, address in f.cells.items() if _present(data, key)}
    return Recognised(data=data, grid=grid, top=top, bottom=bottom, notes=notes, heading=heading, cells=where,
                      printed=f.printed)


def _is_label_value(cells: list[tuple[int, str]], i: int) -> bool:
    """Whether cell i of a row is the value of a label: 项目名称 | 2020年省级…经费支出绩效自评表 is a project's name,
    not the form's title (nor is ``项目名称：…绩效自评表`` in one cell)."""
    label = _LABEL_START_RE.match(_p(cells[i][1]))
    if label and cells[i][1] != label.group(0):
        return True
    return i > 0 and _p(cells[i - 1][1]).rstrip(":") in L.UNIT_LABELS


_LABEL_START_RE = re.compile("(?:" + "|".join(re.escape(label) for label in sorted(L.UNIT_LABELS, key=len, reverse=True)) + ")[:]")
_BLOCK_POINTS_RE = re.compile(r"\((\d+(?:\.\d+)?)分\)")
_TITLE_TAIL_RE = re.compile(r"绩效.*$")
_YEAR_PART_RE = re.compile(r"\(?(?:19|20)\d{2}年度?\)?")


def project_in_title(heading: str) -> str:
    """The project a title names: "农村学校营养改善计划项目绩效目标自评表（2022年度）" -> "农村学校营养改善计划项目";
    "" for a title that names none ("2022年度项目支出绩效自评表")."""
    p = _YEAR_PART_RE.sub("", _TITLE_TAIL_RE.sub("", _p(heading)))
    for tail in ("整体支出", "支出"):
        if p.endswith(tail):
            p = p[: -len(tail)]
    return "" if len(p) < 2 or p in L.TITLE_FILLER else p


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
