"""What every part of the recogniser shares: notes, the state of one form being read, cell helpers.

The words looked for are in :mod:`.labels`; this module only applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from . import labels as L
from .grid import Grid
from .numbers import parse_number, plain_text
from .printed import Printed

NoteKind = Literal["found", "assumed", "ignored", "problem"]


@dataclass
class Note:
    address: str  # "Sheet1!F12", "第 556 行"
    message: str  # in Chinese
    kind: NoteKind


_LABELS = {**L.UNIT_LABELS, **L.SIGNOFF_LABELS}


def _label_pattern(label: str) -> str:
    """A label as printed: spaces between its characters allowed (填 表 人), brackets full- or half-width."""
    parts = {"(": "[(（]", ")": "[)）]"}
    return r"\s*".join(parts.get(ch, re.escape(ch)) for ch in label)


_LABEL_RE = re.compile(
    "(" + "|".join(_label_pattern(label) for label in sorted(_LABELS, key=len, reverse=True)) + r")\s*[:：]"
)

def _points_heading(p: str) -> re.Match[str] | None:
    """产出指标（50分）, 产出指标(50): a heading with its points; 养护里程（1） is a numbered name, not one.

    Without 分, the number in brackets is points only after a name ending in 指标 or a known 一级 name.
    """
    m = L.HEADING_RE.match(p)
    if m and "分" not in p[len(m.group("name")) :] and not (
        m.group("name").endswith("指标") or m.group("name") in L.CATEGORY_NAMES
    ):
        return None
    return m


def _is_subcategory(p: str) -> bool:
    return p not in L.TABLE_LABELS and (
        p in L.SUBCATEGORY_NAMES or (p.endswith("指标") and 2 < len(p) <= 15 and p not in L.CATEGORY_NAMES)
    )


def _p(text: str) -> str:
    return plain_text(text) if len(text) <= L.MAX_CELL else ""


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
        self.printed: list[Printed] = []  # figures the form prints that jixiao recomputes (see printed.py)

    def printed_figure(self, what: str, r: int, c: int, about: Any = None, value: Decimal | None = None) -> None:
        """Record a printed figure of cell (r, c); a cell that is no number is not recorded."""
        text = self.grid.cell(r, c).text.strip()
        if value is None:
            number, percent = parse_number(text)
            if number is None:
                return
            value = number / 100 if percent else number
        address = self.grid.cell(r, c).address or f"第 {r + 1} 行"
        self.printed.append(Printed(what, address, text, value, about))

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
        if text in L.BLANKS:
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


def _year_in(text: str) -> re.Match[str] | None:
    """The year a text names: "2022年度" before a bare "2020年" (a project's name may hold a year)."""
    for pattern in L.YEAR_RES:
        m = pattern.search(text) or pattern.search(_p(text))
        if m:
            return m
    return None


def _title_kind_year(text: str) -> tuple[str, int | None]:
    p = _p(text)
    kind = next((kind for kind, words in L.KINDS if any(w in p for w in words)), "")
    m = _year_in(text)
    return kind, int(m.group(1)) if m else None


def _is_title(text: str) -> bool:
    return bool(L.TITLE_RE.search(_p(text)))


def _row_texts(grid: Grid, r: int) -> list[tuple[int, str]]:
    row = grid.rows[r] if 0 <= r < len(grid.rows) else []
    return [(c, cell.text.strip()) for c, cell in enumerate(row) if cell.text and not cell.blank]


def _label_pairs(grid: Grid, r: int, labels: dict[str, str]) -> list[tuple[str, str, int]]:
    """(key, value, column) for every label of ``labels`` on row r: a label cell and the next cell, or "标签：值"."""
    cells = _row_texts(grid, r)
    out: list[tuple[str, str, int]] = []
    skip: set[int] = set()
    for i, (c, text) in enumerate(cells):
        if c in skip or len(text) > L.MAX_CELL:
            continue
        bare = L.STAMP_RE.sub("", _p(text)).rstrip(":")
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
    roles = {_role(L.INDICATOR_ROLES, t) for _, t in _row_texts(grid, r) if "指标" in _p(t) or "分" in t}
    return "l3" in roles and ("l1" in roles or "l2" in roles) or {"l1", "l3", "weight"} <= roles


def _header_roles(grid: Grid, h: int) -> tuple[dict[str, list[int]], int]:
    """Columns of each role in the indicator header at row h (and a sub-header below it); the last header row."""
    width = len(grid.rows[h])  # rows are rectangular; Grid.width would scan every row, once per form
    roles: list[str] = [""] * width
    for c in range(width):
        cell = grid.cell(h, c)
        text = grid.anchor(h, c).text if cell.merged else cell.text
        roles[c] = _role(L.INDICATOR_ROLES, text)
    last = h
    # a two-row header with no merges (text, CSV): 一级/二级/三级 under 绩效指标, the other headings on the row above
    above = [(c, _role(L.INDICATOR_ROLES, t)) for c, t in _row_texts(grid, h - 1)] if h > 0 else []
    if above and any(t.strip() in L.TABLE_LABELS for _, t in _row_texts(grid, h - 1)) and not any(
        parse_number(t)[0] is not None for _, t in _row_texts(grid, h - 1)
    ):
        for c, role in above:
            if role and c < width and not roles[c] and role not in ("l1", "l2", "l3"):
                roles[c] = role
    below = [(c, _role(L.INDICATOR_ROLES, t)) for c, t in _row_texts(grid, h + 1)]
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



def _has_header_words(grid: Grid, r: int) -> bool:
    """Whether row r may hold the indicator header (三级指标 or 指标名称; spaces and line breaks inside allowed)."""
    for cell in grid.rows[r]:
        t = cell.text
        if t and len(t) < 40 and ("三级" in t or "指标名称" in t or ("三" in t and "三级" in _p(t)) or ("名" in t and "指标名称" in _p(t))):
            return True
    return False
