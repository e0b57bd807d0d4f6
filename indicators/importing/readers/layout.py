"""Rebuilding table rows from a text laid out with spaces (``pdftotext -layout``).

Such a text has no cell separators: a table is drawn with spaces, a row of
the table often takes several lines (a wrapped name above and below the
line with the numbers), a merged 一级/二级 cell is printed once in the
middle of its rows, and a label printed downwards (资/金/情/况) is one
character per line.  This module puts the pieces back together, best
effort, by position:

* a header line (三级指标…, 年初预算数…, 预期目标 + 实际完成情况) gives the
  columns: each piece of a later line belongs to the column whose header is
  nearest to the piece's middle;
* under the indicator header, the lines with a number under 分值 or 得分 are
  the rows; every other piece joins the nearest row whose own cell in that
  column is empty (a wrapped text), within two lines;
* the pieces of the 一级 and 二级 columns are joined into blocks, and the
  rows are split among the blocks in order so that each block sits in the
  middle of its rows (as a merged cell is printed): the block's text goes on
  the first row of its span, the recogniser carries it down;
* single characters at the left margin (a label printed downwards) are
  dropped; the goal's wrapped texts are joined.

Returns rows of cell texts with the line number each row is named by.
"""

from __future__ import annotations

import bisect
import re

from ..numbers import parse_number

__all__ = ["layout_rows"]

_PIECE_RE = re.compile(r"\S+(?: \S+)*")  # runs of text separated by two or more spaces
_MAX_ANCHORS = 400
_NUM_RE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?")


def _pieces(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _PIECE_RE.finditer(line.replace("\u3000", "  "))]


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    if a[-1].isascii() and b[0].isascii():
        return a + " " + b
    return a + b  # a wrapped Chinese text: no space


def _kind(texts: list[str]) -> str:
    joined = "".join(texts)
    if "三级指标" in joined and ("一级指标" in joined or "二级指标" in joined):
        return "indicators"
    if "年初预算" in joined and ("执行数" in joined or "预算数" in joined):
        return "funds"
    if "预期目标" in joined and "实际完成" in joined:
        return "goal"
    return ""


class _Columns:
    """The columns of a block, from its header pieces; column -1 is the margin left of the first heading."""

    def __init__(self, header: list[tuple[int, int, str]]):
        pieces = sorted(p for p in header if len(p[2]) > 1)
        self.centers = [(s + e) / 2 for s, e, _ in pieces]
        self.names = [t for _, _, t in pieces]
        self.left = pieces[0][0] if pieces else 0
        self.bounds = [(a + b) / 2 for a, b in zip(self.centers, self.centers[1:])]

    def split(self, piece: tuple[int, int, str]) -> list[tuple[int, int, str]]:
        """A piece running over a column boundary at a single space is two pieces."""
        s, e, t = piece
        for b in self.bounds:
            if s < b < e and " " in t:
                cut = min((i for i, ch in enumerate(t) if ch == " "), key=lambda i: abs(s + i - b))
                return self.split((s, s + cut, t[:cut])) + self.split((s + cut + 1, e, t[cut + 1 :]))
        return [piece]

    def assign(self, line: str, cjk_gaps: bool = False) -> dict[int, str]:
        """Column -> text of one line.  ``cjk_gaps``: a single space between Chinese characters parts two cells."""
        out: dict[int, str] = {}
        parts_of: dict[int, list[str]] = {}
        for piece in _pieces(line):
            parts = self.split(piece)
            if len(parts) == 1 and " " in piece[2] and all(_NUM_RE.fullmatch(t) for t in piece[2].split(" ")):
                s0, t0 = piece[0], piece[2]  # "10 100%": numbers a single space apart are cells apart
                parts, at = [], 0
                for t in t0.split(" "):
                    parts.append((s0 + at, s0 + at + len(t), t))
                    at += len(t) + 1
            if cjk_gaps:
                parts = [q for p in parts for q in _cjk_split(p)]
            last = -1
            for s, e, t in parts:
                if len(t) == 1 and e <= self.left and not t.isascii():
                    continue  # a label printed downwards, one character a line
                if e <= self.left:  # the margin: a label at the line's start (-2) and one after it (-1)
                    col = -2 if s < 4 and -2 not in out else -1
                else:
                    col = sum(1 for b in self.bounds if (s + e) / 2 > b)
                if len(parts) > 1 and col <= last:
                    col = last + 1  # the parts of one piece go to successive columns
                last = col
                out[col] = _join(out.get(col, ""), t)
                parts_of.setdefault(col, []).append(t)
        # numbers printed right-aligned (as spreadsheets print them) sit nearer the next heading: two numbers in one
        # column with the column to its left empty on this line are that column's and this one's ("12.5 12.5")
        # (also when the columns between are single numbers pushed right the same way: they all move one left)
        for col in sorted(parts_of):
            got = parts_of[col]
            if col <= 0 or len(got) != 2 or not all(_NUM_RE.fullmatch(t) for t in got):
                continue
            k = col - 1
            while k >= 0 and k in out and len(parts_of.get(k, ())) == 1 and _NUM_RE.fullmatch(out[k]):
                k -= 1
            if k >= 0 and k not in out:
                for j in range(k, col - 1):
                    out[j] = out[j + 1]
                out[col - 1], out[col] = got
        return out

    def role(self, *words: str) -> int | None:
        for i, name in enumerate(self.names):
            if any(w in name for w in words):
                return i
        return None


_CJK_GAP_RE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def _cjk_split(piece: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    s, _, t = piece
    out = []
    pos = 0
    for m in _CJK_GAP_RE.finditer(t):
        out.append((s + pos, s + m.start(), t[pos : m.start()]))
        pos = m.end()
    out.append((s + pos, s + len(t), t[pos:]))
    return out


def _region_end(lines: list[str], start: int) -> int:
    """The line after the block that starts at ``start``: the next header, or text at the left margin."""
    blanks = 0
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if not line.strip():
            blanks += 1
            if blanks >= 3:
                return j
            continue
        blanks = 0
        kind = _kind([t for _, _, t in _pieces(line)])
        if kind and j - 1 > start and j - 1 in _header(lines, j)[1]:
            return j - 1  # the heading wrapped onto the line above belongs to the header
        if kind:
            return j
        first = _pieces(line)[0][2]
        if not line[:1].isspace() and (first.startswith(_END_WORDS) or len(first) > 12):
            return j  # 备注, the sign-off or prose at the left margin
    return len(lines)


_END_WORDS = ("备注", "注", "说明", "填表", "联系电话", "单位负责", "项目负责", "部门负责", "财务负责", "填报", "审核")


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _header(lines: list[str], i: int) -> tuple[list[tuple[int, int, str]], set[int]]:
    """The pieces of the header at line i, with headings wrapped onto the lines above and below
    (偏差原因分析及改进 / 措施, 全年执 / 行数: a two-line heading in a row of one-line headings); the lines it took.

    The line above is taken when it has no digits, only short pieces, and none over a heading of line i;
    the line below when each of its pieces lies under a piece of the line above that was taken.
    """
    own = _pieces(lines[i])
    above: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    # up to three lines above: a header of two rows (年度指标值 … 得分 over the row of 一级/二级/三级, wrapped headings
    # around them) stacks its headings; pieces over one another are one heading, read top to bottom
    groups: list[list[tuple[int, int, str]]] = []
    for j in range(i - 1, max(i - 4, -1), -1):
        line = lines[j]
        if not line.strip() or any(ch.isdigit() for ch in line) or "绩效自评" in line:
            break
        pieces = _pieces(line)
        if not all(2 <= len(t) <= 12 for _, _, t in pieces) or any(_overlaps(p, q) for p in pieces for q in own):
            break
        taken.add(j)
        for piece in pieces:
            group = next((g for g in groups if any(_overlaps(piece, q) for q in g)), None)
            if group is None:
                groups.append([piece])
            else:
                group.insert(0, piece)  # this line is above the pieces already in the group
    for g in groups:
        above.append((min(q[0] for q in g), max(q[1] for q in g), "".join(q[2] for q in g)))
    below: list[tuple[int, int, str]] = []
    if above and i + 1 < len(lines) and lines[i + 1].strip() and not any(ch.isdigit() for ch in lines[i + 1]):
        pieces = _pieces(lines[i + 1])
        if all(any(_overlaps(p, q) for q in above) for p in pieces):
            below = pieces
            taken.add(i + 1)
    if not above:
        return own, taken
    out = sorted(own)
    for piece in above:
        under = [q for q in below if _overlaps(piece, q)]
        text = piece[2] + "".join(q[2] for q in under)
        out.append((min([piece[0]] + [q[0] for q in under]), max([piece[1]] + [q[1] for q in under]), text))
    return sorted(out), taken


def _is_total(line: str) -> bool:
    return any(t in ("总分", "合计", "总计") for _, _, t in _pieces(line))


def _partition(anchors: list[int], blocks: list[float]) -> list[int] | None:
    """Split the anchor lines, in order, among the blocks so that each block is nearest the middle of its span.

    Returns the index of the first anchor of each block, or None when it cannot be done.
    """
    n, k = len(anchors), len(blocks)
    if k == 0 or k > n or n > _MAX_ANCHORS:
        return None
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for b in range(1, k + 1):
        for j in range(b, n + 1):
            for i in range(b - 1, j):
                if cost[b - 1][i] == inf:
                    continue
                c = cost[b - 1][i] + abs((anchors[i] + anchors[j - 1]) / 2 - blocks[b - 1])
                if c < cost[b][j]:
                    cost[b][j], back[b][j] = c, i
    if cost[k][n] == inf:
        return None
    starts = []
    j = n
    for b in range(k, 0, -1):
        i = back[b][j]
        starts.append(i)
        j = i
    return starts[::-1]


def _blocks(cells: list[dict[int, str]], col: int, lines: list[int], rows: set[int]) -> list[tuple[float, str]]:
    """Pieces of one column joined into blocks: at most one line apart, not both on rows (lines with numbers)."""
    out: list[tuple[float, str]] = []
    current: list[tuple[int, str]] = []
    for line, row in zip(lines, cells):
        text = row.get(col, "")
        if not text:
            continue
        complete = current and current[-1][1].endswith(("指标", "）", ")"))
        both_rows = current and line in rows and current[-1][0] in rows
        if current and (line - current[-1][0] > 2 or both_rows or (complete and not text.startswith(("（", "(")))):
            out.append(((current[0][0] + current[-1][0]) / 2, "".join(t for _, t in current)))
            current = []
        current.append((line, text))
    if current:
        out.append(((current[0][0] + current[-1][0]) / 2, "".join(t for _, t in current)))
    return out


def _table(lines: list[str], first: int, cols: _Columns) -> list[tuple[int, dict[int, str]]]:
    """The rows of an indicator table (lines[first:] up to its end), rebuilt."""
    numbers = [c for c in (cols.role("分值", "权重"), cols.role("得分")) if c is not None]
    label_cols = [c for c in (cols.role("一级"), cols.role("二级")) if c is not None]
    cells = [cols.assign(line, cjk_gaps=True) for line in lines]
    index = list(range(first, first + len(lines)))
    anchors = [
        i for i, row in enumerate(cells)
        if any(parse_number(row.get(c, ""))[0] is not None for c in numbers) or _is_total(lines[i])
    ]  # fmt: skip
    if not anchors:
        return [(index[i], row) for i, row in enumerate(cells) if row]
    out: dict[int, dict[int, str]] = {a: {} for a in anchors}
    rows_of = [a for a in anchors if not _is_total(lines[a])]
    totals = set(anchors) - set(rows_of)
    for col in label_cols:
        for a in totals:  # "总分" under 一级指标 is the total's own label
            if col in cells[a]:
                out[a][col] = cells[a][col]
        kept = [row if i not in totals else {} for i, row in enumerate(cells)]
        blocks = _blocks(kept, col, list(range(len(cells))), set(anchors))
        starts = _partition(rows_of, [b for b, _ in blocks])
        if starts is None:  # fall back: each block on its nearest row
            for center, text in blocks:
                pool = rows_of or anchors
                k = bisect.bisect_left(pool, center)
                a = min(pool[max(k - 1, 0) : k + 1], key=lambda x: abs(x - center))
                out[a][col] = _join(out[a].get(col, ""), text)
            continue
        for (_, text), s in zip(blocks, starts):
            out[rows_of[s]][col] = text
    anchor_set = set(anchors)
    for i, row in enumerate(cells):
        for col, text in row.items():
            if col in label_cols:
                continue
            if i in anchor_set:
                out[i][col] = _join(out[i].get(col, ""), text)
                continue
            k = bisect.bisect_left(anchors, i - 2)
            near = [a for a in anchors[k : k + 5] if abs(a - i) <= 2]
            if not near:  # a line of its own
                out.setdefault(i, {})[col] = _join(out.get(i, {}).get(col, ""), text)
                continue
            # a wrapped text belongs to the nearest row; at the same distance, to a row whose cell is empty
            a = min(near, key=lambda x: (abs(x - i), col in cells[x], -x))
            out[a][col] = _join(out[a].get(col, ""), text)
    return [(index[a], out[a]) for a in sorted(out)]


def _join_wrapped_labels(body: list[str], assigned: list[dict[int, str]], cols: _Columns) -> None:
    """A funds row whose label wrapped around its numbers (``其中：当年财政拨`` / numbers / ``款``): the label's
    lines, next to a row of numbers with no label and holding nothing else, are joined onto that row."""
    for k, row in enumerate(assigned):
        if -1 in row or not any(c >= 0 for c in row):
            continue
        parts: list[str] = []
        for j in (k - 1, k + 1):
            pieces = _pieces(body[j]) if 0 <= j < len(body) else []
            if pieces and all(e <= cols.left and s >= 4 for s, e, _ in pieces) and not any(c >= 0 for c in assigned[j]):
                parts.append("".join(t for _, _, t in pieces))
                assigned[j] = {}
            else:
                parts.append("")
        if any(parts):
            row[-1] = parts[0] + parts[1]


def layout_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(1-based line number, cell texts) for every row of a text laid out with spaces."""
    rows: list[tuple[int, list[str]]] = []
    i = 0
    while i < len(lines):
        pieces = _pieces(lines[i])
        kind = _kind([t for _, _, t in pieces])
        if not kind:
            if pieces:
                rows.append((i + 1, [t for _, _, t in pieces if not (len(t) == 1 and not t.isascii() and len(pieces) > 1)]))
            i += 1
            continue
        pieces, taken = _header(lines, i)
        cols = _Columns(pieces)
        width = len(cols.centers)
        end = _region_end(lines, i)
        rows.append((i + 1, ["", ""] + [cols.names[c] for c in range(width)]))
        body = [("" if i + 1 + k in taken else line) for k, line in enumerate(lines[i + 1 : end])]
        if kind == "indicators":
            built = _table(body, i + 2, cols)
        elif kind == "goal":
            joined: dict[int, str] = {}
            for line in body:
                for col, text in sorted(cols.assign(line).items()):
                    if col < 0:  # the margin: the label 年度总体目标 (printed downwards or wrapped), or a left-aligned text
                        if len(text) <= 6:
                            continue
                        col = 0
                    joined[col] = _join(joined.get(col, ""), text)
            built = [(i + 2, joined)] if joined else []
        else:
            assigned = [cols.assign(line) for line in body]
            _join_wrapped_labels(body, assigned, cols)
            built = [(i + 2 + k, row) for k, row in enumerate(assigned)]
        for number, row in built:
            if row:
                rows.append((number, [row.get(c, "") for c in range(-2, max(width, max(row) + 1))]))
        i = end
    return rows
