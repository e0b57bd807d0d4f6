"""Plain text (the text of a published PDF, as ``pdftotext`` or copy-paste gives it) -> one Grid.

Each line is a row; cells are separated by tabs (a line with a tab) or else by
runs of two or more spaces or ideographic spaces.  A text laid out with
spaces (``pdftotext -layout``: no tab anywhere, indented lines with wide
gaps) has its table rows rebuilt by position (``layout.py``), with a note.  Every cell's address is ``第 N 行``.
Encodings: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..grid import Cell, Grid
from ..numbers import parse_number
from .layout import layout_rows

__all__ = ["read_text", "decode_text", "MAX_COLUMNS"]

MAX_COLUMNS = 64  # a line with more cells keeps the rest, joined by tabs, in its last cell
_SPLIT_RE = re.compile(r"\t| {2,}|\u3000+")


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def decode_noting(data: bytes, source: str) -> str:
    """:func:`decode_text`, with a notice (:mod:`indicators.encodings`) when the text is not UTF-8."""
    text = decode_text(data)
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                data.decode("gb18030")  # a whole GBK/GB18030 text, not bytes read with replacements
            except UnicodeDecodeError:
                return text
            from ...encodings import notice

            notice(source, "GB18030")
    return text


def _cell(text: str, address: str) -> Cell:
    value, percent = parse_number(text)
    return Cell(text=text, value=value, percent=percent, address=address)


def read_text(path: Path, data: bytes) -> list[Grid]:
    """One Grid for the whole text (the recogniser finds the form(s) inside it)."""
    text = decode_noting(data, str(path))
    layout = _looks_like_layout(text)
    rows: list[list[Cell]] = []
    addresses: list[str] = []
    width = 0
    lines = text.splitlines()
    numbered: Iterable[tuple[int, str | list[str]]] = layout_rows(lines) if layout else enumerate(lines, start=1)
    for number, line in numbered:
        address = f"第 {number} 行"
        if isinstance(line, list):  # a row rebuilt from a text laid out with spaces
            parts = line
        elif "\t" in line:
            parts = line.split("\t")  # a tab-separated line: spaces inside a cell are its text
        else:
            parts = _SPLIT_RE.split(line.strip(" \u3000"))
        while parts and not parts[-1].strip():
            parts.pop()
        if len(parts) > MAX_COLUMNS:
            parts = parts[: MAX_COLUMNS - 1] + ["\t".join(parts[MAX_COLUMNS - 1 :])]
        row = [_cell(p.strip(), address) if p.strip() else Cell(address=address) for p in parts]
        width = max(width, len(row))
        rows.append(row)
        addresses.append(address)
    for row, address in zip(rows, addresses):
        if len(row) < width:
            blank = Cell(address=address)
            row.extend([blank] * (width - len(row)))
    grid = Grid(source=str(path), name="", rows=rows, kind="text")
    if layout:
        grid.notes.append(("全文", _LAYOUT_NOTE, "assumed"))  # type: ignore[arg-type]
    return [grid]


_LAYOUT_NOTE = (
    "这段文字像是 pdftotext -layout 排出的版面（没有制表符，表格用空格排列）：已按文字的位置还原单元格，"
    "跨几行的单元格（折行的指标名称、合并的一级和二级指标）按位置合并，读出的内容请逐项核对。"
    "更可靠的做法是直接导入 PDF 文件（jixiao import 文件.pdf）。"
)
_GAP_RE = re.compile(r"\S(?: {3,}|\u3000{2,})\S")


def _looks_like_layout(text: str) -> bool:
    """No tab anywhere, and many lines that are indented and hold several wide gaps (columns drawn with spaces)."""
    if "\t" in text:
        return False
    count = 0
    for line in text.splitlines()[:20000]:
        if line.startswith("  ") and len(_GAP_RE.findall(line)) >= 2:
            count += 1
            if count >= 8:
                return True
    return False
