"""CSV files: one grid, cells as text (a CSV has no number formats: ``96%`` is what it shows).

The encoding is found from the bytes: a UTF-8 or UTF-16 byte-order mark,
else UTF-8 if it decodes, else GB18030 (Excel's "CSV" on a Chinese Windows
is GBK, which GB18030 contains).  The delimiter is sniffed from the first
lines (comma, tab, semicolon, vertical bar).  Addresses are spreadsheet-like
(``F12``), as Excel shows the file.
"""

from __future__ import annotations

import csv as _csv
import io

from ..grid import Cell, Grid
from . import ReaderError
from .common import text_cell
from .xlsx import MAX_COLS, MAX_ROWS, _col_letters

__all__ = ["read_csv", "decode_text"]


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a text file: BOMs, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8（带 BOM）"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReaderError(
            f"文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030，第 {line} 行附近）。"
            "请在 Excel 或 WPS 中另存为“CSV UTF-8”后重试。"
        ) from None


def read_csv(path: str, data: bytes) -> list[Grid]:
    text, encoding = decode_text(data)
    if encoding == "GB18030":
        from ...encodings import notice

        notice(path, encoding)
    if "\x00" in text:
        raise ReaderError("文件中有空字符（\\0），不是文本格式的 CSV。请确认选择了正确的文件。")
    sample = text[: 64 * 1024]
    try:
        dialect: type[_csv.Dialect] | _csv.Dialect = _csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except _csv.Error:
        dialect = _csv.excel_tab if sample.count("\t") > sample.count(",") else _csv.excel
    rows: list[list[Cell]] = []
    notes: list[tuple[str, str]] = []
    cut_cols = False
    try:
        for r, record in enumerate(_csv.reader(io.StringIO(text, newline=""), dialect)):
            if r >= MAX_ROWS:
                notes.append((f"A{MAX_ROWS + 1}", f"文件超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行（自评表通常只有几十行）。"))
                break
            if len(record) > MAX_COLS:
                cut_cols = True
                record = record[:MAX_COLS]
            rows.append([text_cell(v, f"{_col_letters(c)}{r + 1}") for c, v in enumerate(record)])
    except _csv.Error as exc:
        if "field limit" in str(exc):
            raise ReaderError(f"第 {len(rows) + 1} 行有一个超过 {_csv.field_size_limit()} 个字符的单元格，不是自评表的内容"
                              "（或引号不成对，把后面的内容都当成了一格）。请检查该行后重试。") from None
        raise ReaderError(f"CSV 格式错误（{exc}），第 {len(rows) + 1} 行附近。请检查引号是否成对。") from None
    if cut_cols:
        notes.append((f"{_col_letters(MAX_COLS)}1", f"文件超过 {MAX_COLS} 列，只读取了前 {MAX_COLS} 列。"))
    while rows and all(c.blank for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        row.extend(Cell(address=f"{_col_letters(c)}{r + 1}") for c in range(len(row), width))
    return [Grid(source=path, name="", rows=rows, kind="sheet", notes=notes)]
