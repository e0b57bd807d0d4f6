"""One page of a PDF: its ruled tables (parts) and its lines of text, in reading order.

The seam with :mod:`.pdf`: this module turns one pdfplumber page into
:class:`_Part` and :class:`_Line` items and knows nothing of forms; ``pdf``
opens the document, picks the pages and joins their items into forms.

Only what a person sees on the page is read (:func:`visible_page`): text
drawn invisibly (render mode 3 or 7, the layer under a scanned image) never
reaches pdfplumber, and characters covered by a filled shape or an image
drawn after them (a white box with other figures painted on top) are left
out; both are counted, for the form's notes.  The work per page is bounded
(:mod:`jixiao.indicators.importing.limits`): characters, and the duplicate
characters of fake bold are removed in one pass (pdfplumber's own
``dedupe_chars`` compares each character with its neighbours, superlinear
on a page of 40,000 one-point characters).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_CELL_GAP = 1.0  # a gap wider than one character (at its size) between words of a line of text separates two cells
_EDGE_TOLERANCE = 2.0  # points: edges closer than this are one edge
_TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_FURNITURE = re.compile(
    r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d+\s*页(\s*[,，/／]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$|^共\s*\d+\s*页.*第\s*\d+\s*页$"
)


# ---------------------------------------------------------------------------------------------------------
# text from characters


def _is_wide(ch: str) -> bool:
    """A CJK character or full-width punctuation: lines and words join around it without a space."""
    return bool(ch) and unicodedata.east_asian_width(ch[0]) in ("W", "F")


def _line_text(chars: Sequence[dict[str, Any]]) -> str:
    """One line of characters (sorted by x) as text: a space where the source had one or a gap between narrow characters."""
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        t = ch["text"]
        if t.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if prev is not None and out and out[-1] != " ":
            gap = ch["x0"] - prev["x1"]
            if gap > 0.3 * max(ch["size"], 1.0) and not (_is_wide(t) and _is_wide(prev["text"])):
                out.append(" ")
        out.append(t)
        prev = ch
    return "".join(out).strip()


def _lines(chars: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines (by their vertical middle), top to bottom, each sorted left to right."""
    ordered = sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    mid = 0.0
    for ch in ordered:
        m = (ch["top"] + ch["bottom"]) / 2
        if lines and abs(m - mid) <= 0.45 * max(ch["size"], 1.0):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            mid = m
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines of one cell back into one text: joined as they are, with a space only between two Latin words."""
    out = ""
    for line in lines:
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " "  # an English word wrapped at its space; Chinese, numbers (1387.\n53) join as they are
        out += line
    return out


def _rotated_text(chars: Sequence[dict[str, Any]]) -> str:
    """Text turned a quarter (a label written up or down a narrow cell): read along its own direction.

    Turned anticlockwise (matrix b > 0) it reads bottom to top and its lines follow left to right; turned
    clockwise it reads top to bottom and its lines follow right to left.
    """
    up = sum(1 for c in chars if c["matrix"][1] > 0) * 2 >= len(chars)
    columns: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: (c["x0"] + c["x1"]) / 2):
        mid = (ch["x0"] + ch["x1"]) / 2
        if columns and abs(mid - (columns[-1][0]["x0"] + columns[-1][0]["x1"]) / 2) <= 0.5 * max(ch["size"], 1.0):
            columns[-1].append(ch)
        else:
            columns.append([ch])
    if not up:
        columns.reverse()
    lines = []
    for col in columns:
        col.sort(key=lambda c: c["top"], reverse=up)
        lines.append("".join(c["text"] for c in col).strip())
    return _join_lines(lines)


def _cell_text(chars: Sequence[dict[str, Any]]) -> str:
    """The text of one cell: its lines joined, or read along a turned label when most of it is turned."""
    upright = [c for c in chars if c.get("upright", True)]
    turned = [c for c in chars if not c.get("upright", True) and not c["text"].isspace()]
    text = _join_lines([_line_text(line) for line in _lines(upright)])
    if not turned:
        return text
    other = _rotated_text(turned)
    return _join_lines([other, text] if len(turned) > len(upright) else [text, other])


def _segments(line: Sequence[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """A line of text cut where the words are far apart: (x0, x1, text) for each piece."""
    pieces: list[list[dict[str, Any]]] = []
    prev: dict[str, Any] | None = None
    for ch in line:
        if ch["text"].isspace():
            if pieces:
                pieces[-1].append(ch)
            continue
        if prev is None or ch["x0"] - prev["x1"] > _CELL_GAP * max(ch["size"], 1.0):
            pieces.append([ch])
        else:
            pieces[-1].append(ch)
        prev = ch
    out = []
    for p in pieces:
        visible = [c for c in p if not c["text"].isspace()]
        text = _line_text(p)
        if text:
            out.append((visible[0]["x0"], visible[-1]["x1"], text))
    return out


# ---------------------------------------------------------------------------------------------------------
# one page: table parts and text lines, in reading order


@dataclass
class _Part:
    """A ruled table on one page: cells on the grid of its distinct edges."""

    page: int
    top: float
    xs: list[float]  # column edges (absolute x), sorted
    rows: int
    cells: list[tuple[int, int, int, int, str]]  # top row, left col, bottom row, right col (inclusive), text


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    segments: list[tuple[float, float, str]]

    @property
    def text(self) -> str:
        return " ".join(s[2] for s in self.segments)


def _cluster(values: Iterable[float], tolerance: float = _EDGE_TOLERANCE) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def _index(edges: Sequence[float], v: float) -> int:
    """The index of the edge nearest to v."""
    i = bisect.bisect_left(edges, v)
    if i == len(edges):
        return i - 1
    if i > 0 and v - edges[i - 1] < edges[i] - v:
        return i - 1
    return i


def _keep(obj: dict[str, Any]) -> bool:
    """Ruling lines only: a fill-only rectangle is a ruling line when it is thin, else a background."""
    if obj.get("object_type") != "rect":
        return True
    if obj.get("stroke"):
        return True
    w, h = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    # a long thin bar is a border (Excel and WPS draw them so); a shaded block or a QR code's modules are not
    return min(w, h) <= 1.5 and max(w, h) >= 12.0


def _runs(chars: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters in the order they are drawn, cut into runs: one string shown on one line.

    Glyphs of one string abut; the text of the next cell starts a padding away.  A run belongs to the cell where
    it starts.  A spreadsheet printed with a text too long for its cell draws the
    whole text and clips it at the cell's border: the hidden rest lies over the next cell, but it is drawn as part
    of the same string, so it stays with the cell it was typed into.
    """
    runs: list[list[dict[str, Any]]] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        size = max(ch["size"], 1.0)
        gap = ch["x0"] - prev["x1"] if prev is not None else 0.0
        # one string's glyphs abut (a space may be widened by word spacing); the next cell's text starts apart
        same = prev is not None and abs(ch["top"] - prev["top"]) <= 0.3 * size and ch["size"] == prev["size"]
        if not same or not (abs(gap) <= 0.15 * size or (prev is not None and prev["text"].isspace() and 0 <= gap <= size)):
            runs.append([ch])
        else:
            runs[-1].append(ch)
        prev = ch
    return runs


def _page_items(page: Any, number: int) -> list[_Part | _Line]:
    lined = page.filter(_keep).dedupe_chars()  # bold faked by drawing each character twice reads once
    tables = [t for t in lined.find_tables(_TABLE_SETTINGS) if len(t.cells) >= 2]
    parts: list[tuple[Any, list[float], list[float]]] = []
    for t in tables:
        xs = _cluster([c[0] for c in t.cells] + [c[2] for c in t.cells])
        ys = _cluster([c[1] for c in t.cells] + [c[3] for c in t.cells])
        if len(xs) < 2 or len(ys) < 2 or (len(xs) == 2 and len(ys) == 2):
            continue  # a frame round the page or one box: its text is read as text
        parts.append((t, xs, ys))

    chars = [c for c in lined.chars if c.get("upright", True) or not c["text"].isspace()]
    in_cell: list[list[list[dict[str, Any]]]] = [[[] for _ in t.cells] for t, _, _ in parts]
    slots: list[dict[tuple[int, int], int]] = []
    spans: list[list[tuple[int, int, int, int]]] = []
    for t, xs, ys in parts:
        owner: dict[tuple[int, int], int] = {}
        span = []
        for k, (x0, top, x1, bottom) in enumerate(t.cells):
            r0, r1 = _index(ys, top), _index(ys, bottom) - 1
            c0, c1 = _index(xs, x0), _index(xs, x1) - 1
            r1, c1 = max(r0, r1), max(c0, c1)
            span.append((r0, c0, r1, c1))
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    owner.setdefault((r, c), k)
        slots.append(owner)
        spans.append(span)
    loose: list[dict[str, Any]] = []
    for run in _runs(chars):
        head = next((c for c in run if not c["text"].isspace()), run[0])
        cx, cy = (head["x0"] + head["x1"]) / 2, (head["top"] + head["bottom"]) / 2
        for n, (t, xs, ys) in enumerate(parts):
            x0, top, x1, bottom = t.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                r = min(max(bisect.bisect_right(ys, cy) - 1, 0), len(ys) - 2)
                c = min(max(bisect.bisect_right(xs, cx) - 1, 0), len(xs) - 2)
                slot = slots[n].get((r, c))
                if slot is not None:
                    in_cell[n][slot].extend(run)
                    break
        else:
            loose.extend(run)

    items: list[_Part | _Line] = []
    for n, (t, xs, ys) in enumerate(parts):
        cells = []
        for k, (r0, c0, r1, c1) in enumerate(spans[n]):
            text = _cell_text(in_cell[n][k])
            cells.append((r0, c0, r1, c1, text))
        items.append(_Part(page=number, top=t.bbox[1], xs=xs, rows=len(ys) - 1, cells=cells))
    height = float(page.height) or 1.0
    for line in _lines(loose):
        segs = _segments(line)
        if not segs:
            continue
        top = min(c["top"] for c in line)
        bottom = max(c["bottom"] for c in line)
        text = " ".join(s[2] for s in segs)
        if (top < 0.1 * height or bottom > 0.9 * height) and _FURNITURE.match(text):
            continue  # a page number in the margin
        items.append(_Line(page=number, top=top, bottom=bottom, segments=segs))
    items.sort(key=lambda it: it.top)
    return items
