"""Plain-text tables that align Chinese text (two cells per character).

Kept dependency-free so that ``jixiao score`` starts fast.  Every cell is
made single-line and its control characters visible (:func:`tui.terminal.visible`):
a cell cannot break the table's lines nor send an escape sequence.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .terminal import visible

__all__ = ["cell_width", "render_measured", "render_table", "truncate"]


@lru_cache(maxsize=8192)
def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def truncate(text: str, limit: int, *, keep_end: bool = False) -> str:
    """Cut ``text`` to ``limit`` cells with "…"; ``keep_end`` keeps the end (a path's file name)."""
    if cell_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in reversed(text) if keep_end else text:
        w = _char_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    if keep_end:
        return "…" + "".join(reversed(out))
    return "".join(out) + "…"


def render_table(headers: list[str], rows: list[list[str]], align: list[str] | None = None, max_width: int = 40) -> str:
    cut = [[truncate(visible(c), max_width) for c in row] for row in rows]
    return render_measured(headers, [(row, [cell_width(c) for c in row]) for row in cut], align)


def render_measured(
    headers: list[str], rows: list[tuple[list[str], list[int]]], align: list[str] | None = None
) -> str:
    """A table of cells already cut to size, each row given with its cells' widths
    (measured where the rows were made, e.g. in the worker processes of a batch)."""
    align = align or ["left"] * len(headers)
    headers = [visible(h) for h in headers]
    rows = [_visible_row(cells, ws) for cells, ws in rows]
    widths = [cell_width(h) for h in headers]
    if rows:
        widths = [max(w, *col) for w, col in zip(widths, zip(*(ws for _, ws in rows)))]
    right = [a == "right" for a in align]

    def line(cells: list[str], cell_widths: list[int]) -> str:
        parts = [
            " " * (full - w) + c if r else c + " " * (full - w)
            for c, w, full, r in zip(cells, cell_widths, widths, right)
        ]
        return "│ " + " │ ".join(parts) + " │"

    top = "┌─" + "─┬─".join("─" * w for w in widths) + "─┐"
    mid = "├─" + "─┼─".join("─" * w for w in widths) + "─┤"
    bottom = "└─" + "─┴─".join("─" * w for w in widths) + "─┘"
    out = [top, line(headers, [cell_width(h) for h in headers]), mid]
    out += [line(cells, ws) for cells, ws in rows]
    out.append(bottom)
    return "\n".join(out)


def _visible_row(cells: list[str], widths: list[int]) -> tuple[list[str], list[int]]:
    """The row with its cells made visible; a changed cell is measured again."""
    shown = [visible(c) for c in cells]
    if shown == cells:
        return cells, widths
    return shown, [w if s == c else cell_width(s) for s, c, w in zip(shown, cells, widths)]
