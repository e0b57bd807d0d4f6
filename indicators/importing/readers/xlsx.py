"""Excel workbooks (.xlsx, .xlsm) with openpyxl: one :class:`Grid` per worksheet.

The workbook is opened with ``data_only=True``: a formula shows its cached
value, the number Excel last computed and saved.  A workbook written by a
program that never computed its formulas has no cached value; openpyxl
then gives ``None``, the same as an empty cell.  To tell the two apart the
sheet XML is looked at once for ``<f>`` cells without a ``<v>`` (only when
the sheet has formulas at all), and such a cell gets a ``problem``: never a
silent 0.

Sheets are read in openpyxl's read-only (streaming) mode, and the merged
ranges taken from the ``<mergeCells>`` of the sheet XML.  Measured on a
one-page form (``benchmarks/bench_import.py``): the normal mode spends a
third of its time making MergedCell objects and their borders, and holds
every cell in memory (about 0.5 KB each); streaming costs less than a bare
``load_workbook`` and keeps memory bounded.  Only the first
:data:`MAX_ROWS` rows and :data:`MAX_COLS` columns of a sheet are kept
(said in the grid's notes): a form is a few hundred rows, and this bounds
the time and memory of a sheet of 100,000.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

from ... import limits
from ..grid import Cell, Grid, Range
from . import ReaderError
from .common import text_cell
from .hidden import blank_hidden, hidden_sheet_note
from .numfmt import show_date, show_number

__all__ = ["read_xlsx", "MAX_ROWS", "MAX_COLS"]

EMBEDDED_SHEET = "jixiao"  # indicators.embedded.SHEET: the hidden sheet jixiao export writes (read, column A only)

MAX_ROWS = 5000  # rows kept per sheet
MAX_COLS = 64  # columns kept per sheet (a form is 8 to 15 wide); at most 5000 x 64 cells in memory
MAX_XML = 1024 * 1024 * 1024  # uncompressed size of all sheets refused above this (a zip bomb)
MAX_SHARED = 128 * 1024 * 1024  # uncompressed shared strings refused above this (loaded whole by openpyxl)

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)>\s*[^<\s]|<(?:\w+:)?is>\s*<")  # a cached value (or inline text) with content
_CELL_XML = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*?(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_REGEX_BELOW = 8 * 1024 * 1024
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d+):([A-Z]{1,3}\d+)"')
_CONST_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>\s*([+-]?\d+(?:\.\d+)?%?)\s*</(?:\w+:)?f>")
_CONSTANT = re.compile(r"[+-]?\d+(?:\.\d+)?%?")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _ref(ref: str) -> tuple[int, int]:
    m = _CELL_REF.fullmatch(ref)
    assert m
    return int(m.group(2)) - 1, _col_index(m.group(1))


def _col_letters(col: int) -> str:
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


# ------------------------------------------------------------------ the sheet XML, looked at directly


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the zip (from workbook.xml and its relationships)."""
    try:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in wb.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(_NS_REL), "")
            if not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            out[sheet.get("name", "")] = part
    return out


def _uncached_formulas(zf: zipfile.ZipFile, part: str) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    """Cells of the sheet (in its first MAX_ROWS rows) that have a formula and no cached value; and the
    formulas that are a bare constant (``=100%``, ``=6``: a target typed with Excel's ``=``), by cell, as ``"=100%"``."""
    with zf.open(part) as fh:  # a look for formulas first, in chunks: most forms have none
        tail = b""
        while True:
            chunk = fh.read(1 << 22)
            if not chunk:
                return set(), {}
            if _FORMULA.search(tail + chunk):
                break
            tail = chunk[-16:]
    found: set[tuple[int, int]] = set()
    constants: dict[tuple[int, int], str] = {}
    if zf.getinfo(part).file_size <= _REGEX_BELOW:  # a form's sheet: one pass of a regular expression
        xml = zf.read(part)
        for m in _CELL_XML.finditer(xml):
            body = m.group(2)
            if _FORMULA.search(body):
                if not _VALUE.search(body):
                    found.add(_ref(m.group(1).decode()))
                const = _CONST_FORMULA.search(body)
                if const:
                    constants[_ref(m.group(1).decode())] = "=" + const.group(1).decode()
        return found, constants
    with zf.open(part) as fh:
        for _event, el in ElementTree.iterparse(fh, events=("end",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "c":
                has_f = has_v = False
                for child in el:
                    kind = child.tag.rsplit("}", 1)[-1]
                    if kind == "f":
                        has_f = True
                        ftext = (child.text or "").strip()
                        ref = el.get("r")
                        if _CONSTANT.fullmatch(ftext) and ref and _CELL_REF.fullmatch(ref):
                            constants[_ref(ref)] = "=" + ftext
                    elif kind in ("v", "is") and (child.text or len(child)):
                        has_v = True
                ref = el.get("r")
                if has_f and not has_v and ref and _CELL_REF.fullmatch(ref):
                    found.add(_ref(ref))
                el.clear()
            elif tag == "row":
                number = el.get("r")
                el.clear()
                if number and number.isdigit() and int(number) >= MAX_ROWS:
                    break
    return found, constants


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ATTR = re.compile(rb'\b(r|min|max|hidden|ht|width|customHeight)="([^"]*)"')


def _hidden_from_xml(zf: zipfile.ZipFile, part: str) -> tuple[set[int], set[int]]:
    """The hidden rows and columns (0-based, within MAX_ROWS x MAX_COLS) of a sheet, from its XML in chunks:
    ``hidden="1"``, or a height or width of 0 (hidden all the same)."""
    rows: set[int] = set()
    cols: set[int] = set()
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 22)
            if not chunk:
                break
            data = tail + chunk
            last = 0
            for m in _COL_TAG.finditer(data):
                a = dict(_ATTR.findall(m.group(1)))
                last = max(last, m.end())
                if a.get(b"hidden") in (b"1", b"true") or a.get(b"width", b"1").strip() in (b"0", b"0.0"):
                    lo, hi = a.get(b"min", b""), a.get(b"max", b"")
                    if lo.isdigit() and hi.isdigit():
                        cols.update(range(max(int(lo), 1) - 1, min(int(hi), MAX_COLS)))
            for m in _ROW_TAG.finditer(data):
                a = dict(_ATTR.findall(m.group(1)))
                last = max(last, m.end())
                if a.get(b"hidden") in (b"1", b"true") or a.get(b"ht", b"1").strip() in (b"0", b"0.0"):
                    number = a.get(b"r", b"")
                    if number.isdigit() and 0 < int(number) <= MAX_ROWS:
                        rows.add(int(number) - 1)
            tail = data[max(last, len(data) - 4096) :]
    return rows, cols


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b")


def _check_dimensions(zf: zipfile.ZipFile, parts: dict[str, str]) -> None:
    """openpyxl parses every sheet whole when it opens a workbook, unless the sheet says its size in a
    ``<dimension>`` near its start (as Excel and WPS always write): the sheets without one are bounded
    together by limits.MAX_UNDIMENSIONED_BYTES."""
    names = set(zf.namelist())
    total = 0
    for part in parts.values():
        name = posixpath.normpath(part)
        if name not in names:
            continue
        with zf.open(name) as fh:
            head = fh.read(8192)
        if not _DIMENSION.search(head):
            total += zf.getinfo(name).file_size
            if total > limits.MAX_UNDIMENSIONED_BYTES:
                raise limits.PackageError(
                    f"工作簿的工作表没有写明范围（dimension），且合计超过 {limits.MAX_UNDIMENSIONED_BYTES >> 20} MB 的上限，"
                    "可能是损坏或恶意构造的文件，未读取。请用 Excel 或 WPS 打开后另存，再重试。"
                )


def _merges_from_xml(zf: zipfile.ZipFile, part: str) -> list[Range]:
    """The merged ranges of a sheet, read from its XML in chunks (openpyxl's read-only mode gives none)."""
    out: list[Range] = []
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 22)
            if not chunk:
                break
            data = tail + chunk
            last = 0
            for m in _MERGE.finditer(data):
                (r1, c1), (r2, c2) = _ref(m.group(1).decode()), _ref(m.group(2).decode())
                out.append((r1, c1, r2, c2))
                last = m.end()
            tail = data[max(last, len(data) - 200) :]
    return out


# ------------------------------------------------------------------ cells


def _shown(value: Any, fmt: str, data_type: str, address: str) -> Cell:
    if value is None:
        return Cell(address=address)
    if isinstance(value, bool):
        return Cell(text="是" if value else "否", address=address)
    if isinstance(value, (int, float, Decimal)):
        text, shown, percent = show_number(value, fmt)
        return Cell(text=text, value=shown, percent=percent, address=address)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return Cell(text=show_date(value, fmt), address=address)
    if isinstance(value, dt.timedelta):
        return Cell(text=str(value), address=address)
    text = str(value)
    if data_type == "e":  # #DIV/0!, #REF!, #VALUE!
        return Cell(text=text, address=address, problem=f"单元格显示错误值 {text}（公式出错），未读取为数字。")
    return text_cell(text, address)


def _grid_of(
    source: str,
    name: str,
    rows: list[list[Cell]],
    merges: list[Range],
    notes: list[tuple[str, str]],
) -> Grid:
    width = max((len(r) for r in rows), default=0)
    height = len(rows)
    budget = 2 * max(width * height, 1)  # cells a sheet's merges may cover in all: overlapping merges (invalid) are cut
    for n, (top, left, bottom, right) in enumerate(merges):
        if top >= height or left >= width:
            continue
        bottom, right = min(bottom, height - 1), min(right, width - 1)
        budget -= (bottom - top + 1) * (right - left + 1)
        if budget < 0:
            notes.append((f"{name}!A1", f"工作表“{name}”的合并单元格互相重叠、覆盖过多（第 {n + 1} 个起），其余合并未读取。"))
            break
        rng = (top, left, bottom, right)
        for r in range(top, bottom + 1):
            row = rows[r]
            for c in range(left, right + 1):
                old = row[c]
                if (r, c) == (top, left):
                    row[c] = dataclasses.replace(old, merged=rng)
                else:  # covered cells are blank, whatever they held
                    row[c] = Cell(merged=rng, address=old.address)
    return Grid(source=source, name=name, rows=rows, kind="sheet", notes=notes)


def _read_sheet(
    ws: Any,
    name: str,
    uncached: set[tuple[int, int]],
    constants: dict[tuple[int, int], str] | None = None,
    budget: int = MAX_ROWS * MAX_COLS,
) -> tuple[list[list[Cell]], bool, bool]:
    """(rows, rows were cut, columns were cut); at most ``budget`` cells are read (the workbook's cells left)."""
    rows: list[list[Cell]] = []
    cut_rows = cut_cols = False
    letters = [_col_letters(c) for c in range(MAX_COLS)]
    last_nonblank = -1
    if hasattr(ws, "reset_dimensions"):  # read-only mode trusts <dimension>, which some programs write wrong ("A1")
        ws.reset_dimensions()
    seen = 0
    for r, row in enumerate(ws.iter_rows()):
        if r >= MAX_ROWS or seen >= budget:
            cut_rows = True
            break
        cells: list[Cell] = []
        for c, cell in enumerate(row):
            if c >= MAX_COLS:
                if getattr(cell, "value", None) is not None:
                    cut_cols = True
                break
            address = f"{name}!{letters[c]}{r + 1}"
            value = getattr(cell, "value", None)
            if value is None and constants and (r, c) in constants:  # "=100%" never computed: its value is its text
                cells.append(dataclasses.replace(text_cell(constants[(r, c)][1:], address), formula=constants[(r, c)]))
                continue
            if value is None and (r, c) in uncached:
                cells.append(
                    Cell(
                        address=address,
                        problem="单元格是公式，但文件中没有保存计算结果（缓存值），无法读取。"
                        "请用 Excel 或 WPS 打开该文件、保存后重试，或把该单元格改为数值。",
                    )
                )
                continue
            shown = _shown(value, getattr(cell, "number_format", "General") or "General", getattr(cell, "data_type", "n"), address)
            if constants and (r, c) in constants and shown.value is not None:
                shown = dataclasses.replace(shown, formula=constants[(r, c)])
            cells.append(shown)
        seen += len(cells)
        if any(not x.blank or x.problem for x in cells):
            last_nonblank = r
        rows.append(cells)
    del rows[last_nonblank + 1 :]  # trailing blank rows (styled but empty) say nothing
    width = max((len(x) for x in rows), default=0)
    for r, cells in enumerate(rows):
        cells.extend(Cell(address=f"{name}!{letters[c]}{r + 1}") for c in range(len(cells), width))
    return rows, cut_rows, cut_cols


def read_xlsx(path: str, data: bytes) -> list[Grid]:
    """Every worksheet of an .xlsx/.xlsm as a grid; raises :class:`ReaderError` (Chinese) for what cannot be read."""
    import openpyxl

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReaderError(_bad_zip(data, exc)) from None
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            raise ReaderError("文件是 zip 压缩包，但不是 Excel 工作簿（没有 xl/workbook.xml）。请确认它是 .xlsx 文件。")
        try:  # every part measured by its content, whatever its name; no entity declarations anywhere
            limits.check_package(zf, "工作簿")
            limits.refuse_entities(zf, "工作簿")
            limits.count_style_records(zf, "工作簿")
        except limits.PackageError as exc:
            raise ReaderError(exc.message) from None
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
            raise ReaderError(_bad_zip(data, exc)) from None
        parts = _sheet_parts(zf)
        if len(parts) > limits.MAX_SHEETS * 10:
            raise ReaderError(f"工作簿有 {len(parts)} 张工作表，超过读取上限，可能是损坏或恶意构造的文件，未读取。")
        try:
            _check_dimensions(zf, parts)
        except limits.PackageError as exc:
            raise ReaderError(exc.message) from None
        sizes = {name: zf.getinfo(part).file_size for name, part in parts.items() if part in names}
        if sum(sizes.values()) > MAX_XML:
            raise ReaderError(f"工作表解压后超过 {MAX_XML // 1024 // 1024} MB，可能是损坏或恶意构造的文件，未读取。")
        shared = sum(i.file_size for i in zf.infolist() if i.filename.lower().endswith("sharedstrings.xml"))
        if shared > MAX_SHARED:  # openpyxl holds every shared string in memory, even in read-only mode
            raise ReaderError(f"工作簿的共享字符串表解压后有 {shared // 1024 // 1024} MB，超过 {MAX_SHARED // 1024 // 1024} MB 的上限"
                              "（自评表只有几十 KB），可能是损坏或恶意构造的文件，未读取。请只把自评表复制到新工作簿中另存后再试。")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
        except (zipfile.BadZipFile, EOFError) as exc:
            raise ReaderError(_bad_zip(data, exc)) from None
        except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
            raise ReaderError(f"无法解析工作簿（{type(exc).__name__}: {exc}）。文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再试。") from None
        grids: list[Grid] = []
        unseen: list[tuple[str, str, str]] = []  # the notes of hidden sheets, said on every sheet read
        cells_left = limits.MAX_SHEET_CELLS_TOTAL
        try:
            for number, ws in enumerate(wb.worksheets):
                name = ws.title
                if number >= limits.MAX_SHEETS or cells_left <= 0:
                    cut = (f"{name}!A1", f"工作簿的工作表过多或内容过多，从工作表“{name}”起未读取（自评表只需一张工作表）。", "ignored")
                    for grid in grids:
                        grid.notes.append(cut)  # type: ignore[arg-type]
                    break
                part = parts.get(name, "")
                notes: list[tuple[str, str]] = []
                state = getattr(ws, "sheet_state", "visible")
                if state != "visible" and name != EMBEDDED_SHEET:  # what a person cannot see is not read
                    unseen.append(hidden_sheet_note(name))
                    continue
                try:
                    uncached, constants = _uncached_formulas(zf, part) if part in names else (set(), {})
                except (ElementTree.ParseError, zipfile.BadZipFile, EOFError, OSError) as exc:
                    raise ReaderError(f"工作表“{name}”的内容无法解析（{exc}），文件可能已损坏。") from None
                try:
                    merges = _merges_from_xml(zf, part) if part in names else []
                    hidden_rows, hidden_cols = _hidden_from_xml(zf, part) if part in names else (set(), set())
                    rows, cut_rows, cut_cols = _read_sheet(ws, name, uncached, constants, cells_left)
                except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                    raise ReaderError(_bad_zip(data, exc)) from None
                if name == EMBEDDED_SHEET:  # jixiao's own round-trip sheet: its column A is all it holds
                    rows = [r[:1] for r in rows]
                cells_left -= sum(len(r) for r in rows)
                if cut_rows and cells_left < MAX_ROWS * MAX_COLS:  # the workbook's cells ran out in this sheet
                    notes.append((f"{name}!A{len(rows) + 1}",
                                  f"工作簿内容过多（超过 {limits.MAX_SHEET_CELLS_TOTAL} 个单元格），工作表“{name}”只读取了前 {len(rows)} 行。"))
                elif cut_rows:
                    notes.append(
                        (f"{name}!A{MAX_ROWS + 1}", f"工作表“{name}”超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行（自评表通常只有几十行）。")
                    )
                if cut_cols:
                    notes.append(
                        (f"{name}!{_col_letters(MAX_COLS)}1", f"工作表“{name}”超过 {MAX_COLS} 列，只读取了前 {MAX_COLS} 列。")
                    )
                grid = _grid_of(path, name, rows, merges, notes)
                grid.notes.extend(blank_hidden(grid.rows, name, hidden_rows, hidden_cols))  # type: ignore[arg-type]
                grids.append(grid)
        finally:
            wb.close()
    for grid in grids:
        grid.notes.extend(unseen)  # type: ignore[arg-type]
    return grids


def _bad_zip(data: bytes, exc: BaseException) -> str:
    if data[:4] == b"PK\x03\x04":
        return f"Excel 文件不完整或已损坏（{exc}）：可能下载或复制时被截断。请重新导出或重新下载该文件后重试。"
    return f"文件不是有效的 .xlsx（zip）格式（{exc}）。"
