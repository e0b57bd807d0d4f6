"""Plain-text tables that align Chinese text (two cells per character).

Kept dependency-free so that ``jixiao score`` starts fast.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["cell_width", "pad", "render_table", "truncate"]


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


def pad(text: str, width: int, align: str = "left") -> str:
    gap = max(0, width - cell_width(text))
    return " " * gap + text if align == "right" else text + " " * gap


def render_table(headers: list[str], rows: list[list[str]], align: list[str] | None = None, max_width: int = 40) -> str:
    align = align or ["left"] * len(headers)
    rows = [[truncate(c, max_width) for c in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_width(cell))

    def line(cells: list[str]) -> str:
        return "│ " + " │ ".join(pad(c, widths[i], align[i]) for i, c in enumerate(cells)) + " │"

    top = "┌─" + "─┬─".join("─" * w for w in widths) + "─┐"
    mid = "├─" + "─┼─".join("─" * w for w in widths) + "─┤"
    bottom = "└─" + "─┴─".join("─" * w for w in widths) + "─┘"
    out = [top, line(headers), mid]
    out += [line(r) for r in rows]
    out.append(bottom)
    return "\n".join(out)
