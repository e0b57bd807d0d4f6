"""Old Excel workbooks (.xls, BIFF) with xlrd 2: one grid per worksheet.

xlrd with ``formatting_info=True`` gives the merged ranges and each cell's
number format, so a percent shows as ``96%`` and ``0.00`` keeps its
decimals, as in Excel.  (python-calamine reads .xls faster but gives the
values without their formats: a percent-formatted 0.96 comes back as 0.96;
see the README, "Importing".)  A BIFF formula always stores its result, so
there is no "formula without a cached value" here.
"""

from __future__ import annotations

import datetime as dt

from ... import limits
from ..grid import Cell, Grid, Range
from . import ReaderError
from .common import text_cell
from .hidden import blank_hidden, hidden_sheet_note
from .numfmt import show_date, show_number
from .xlsx import MAX_COLS, MAX_ROWS, _col_letters

__all__ = ["read_xls"]

_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}


def read_xls(path: str, data: bytes) -> list[Grid]:
    import xlrd
    from xlrd.biffh import XLRDError

    try:
        # ragged_rows: a row holds the cells it has; padded, 40 sheets of one far cell each are 65,536 x 256 cells
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True, logfile=_Quiet()
        )
    except XLRDError as exc:
        text = str(exc)
        if "encrypted" in text.lower():
            raise ReaderError("工作簿设有打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存，再重试。") from None
        raise ReaderError(f"无法读取 .xls 工作簿（{text}）。文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再试。") from None
    except (AssertionError, IndexError, KeyError, ValueError, EOFError, OSError) as exc:
        raise ReaderError(
            f".xls 文件不完整或已损坏（{type(exc).__name__}: {exc}）。请重新导出或重新下载该文件，或另存为 .xlsx 后再试。"
        ) from None
    grids: list[Grid] = []
    unseen: list[tuple[str, str, str]] = []
    cells_left = limits.MAX_XLS_CELLS
    try:
        for index in range(book.nsheets):
            if index >= limits.MAX_XLS_SHEETS or cells_left <= 0:
                cut = ("", f"工作簿的工作表过多或内容过多，从第 {index + 1} 张工作表起未读取（自评表只需一张工作表）。", "ignored")
                for grid in grids:
                    grid.notes.append(cut)  # type: ignore[arg-type]
                break
            sheet = book.sheet_by_index(index)
            # the grid is height x width cells, blanks included: counted before it is made
            height = min(sheet.nrows, MAX_ROWS)
            cells_left -= height * max((min(sheet.row_len(r), MAX_COLS) for r in range(height)), default=0)
            if getattr(sheet, "visibility", 0):  # hidden (1) or very hidden (2): a person cannot see it, not read
                unseen.append(hidden_sheet_note(sheet.name))
            else:
                grids.append(_grid(path, book, sheet))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    for grid in grids:
        grid.notes.extend(unseen)  # type: ignore[arg-type]
    return grids


def _grid(path: str, book: object, sheet: object) -> Grid:
    import xlrd

    name: str = sheet.name  # type: ignore[attr-defined]
    notes: list[tuple[str, str]] = []
    nrows = sheet.nrows  # type: ignore[attr-defined]
    # ragged rows: as wide as the widest row really is (xlrd's ncols may come from a far-away blank)
    ncols = max((sheet.row_len(r) for r in range(min(nrows, MAX_ROWS))), default=0)  # type: ignore[attr-defined]
    if nrows > MAX_ROWS:
        notes.append((f"{name}!A{MAX_ROWS + 1}", f"工作表“{name}”超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行（自评表通常只有几十行）。"))
        nrows = MAX_ROWS
    if ncols > MAX_COLS:
        notes.append((f"{name}!{_col_letters(MAX_COLS)}1", f"工作表“{name}”超过 {MAX_COLS} 列，只读取了前 {MAX_COLS} 列。"))
        ncols = MAX_COLS
    formats = book.format_map  # type: ignore[attr-defined]
    xfs = book.xf_list  # type: ignore[attr-defined]
    datemode = book.datemode  # type: ignore[attr-defined]
    letters = [_col_letters(c) for c in range(ncols)]
    rows: list[list[Cell]] = []
    for r in range(nrows):
        row: list[Cell] = []
        have = min(sheet.row_len(r), ncols)  # type: ignore[attr-defined]  # ragged: the cells this row has
        for c in range(ncols):
            address = f"{name}!{letters[c]}{r + 1}"
            if c >= have:
                row.append(Cell(address=address))
                continue
            kind = sheet.cell_type(r, c)  # type: ignore[attr-defined]
            value = sheet.cell_value(r, c)  # type: ignore[attr-defined]
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(Cell(address=address))
            elif kind == xlrd.XL_CELL_NUMBER:
                xf = xfs[sheet.cell_xf_index(r, c)]  # type: ignore[attr-defined]
                fmt = formats.get(xf.format_key)
                text, shown, percent = show_number(value, fmt.format_str if fmt else "General")
                row.append(Cell(text=text, value=shown, percent=percent, address=address))
            elif kind == xlrd.XL_CELL_DATE:
                xf = xfs[sheet.cell_xf_index(r, c)]  # type: ignore[attr-defined]
                fmt = formats.get(xf.format_key)
                try:
                    when: dt.datetime | dt.date = xlrd.xldate_as_datetime(value, datemode)
                    row.append(Cell(text=show_date(when, fmt.format_str if fmt else ""), address=address))
                except (ValueError, OverflowError):
                    text, shown, percent = show_number(value, "General")
                    row.append(Cell(text=text, value=shown, address=address))
            elif kind == xlrd.XL_CELL_BOOLEAN:
                row.append(Cell(text="是" if value else "否", address=address))
            elif kind == xlrd.XL_CELL_ERROR:
                text = _ERRORS.get(value, "#错误")
                row.append(Cell(text=text, address=address, problem=f"单元格显示错误值 {text}（公式出错），未读取为数字。"))
            else:
                row.append(text_cell(str(value), address))
        rows.append(row)
    while rows and all(x.blank for x in rows[-1]):
        rows.pop()
    height = len(rows)
    for r1, r2, c1, c2 in getattr(sheet, "merged_cells", []):  # xlrd: rlo, rhi, clo, chi (hi exclusive)
        top, left, bottom, right = r1, c1, min(r2, height) - 1, min(c2, ncols) - 1
        if top >= height or left >= ncols or bottom < top or right < left:
            continue
        rng: Range = (top, left, bottom, right)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                old = rows[r][c]
                if (r, c) == (top, left):
                    rows[r][c] = Cell(old.text, old.value, old.percent, rng, old.address, old.problem)
                else:
                    rows[r][c] = Cell(merged=rng, address=old.address)
    hidden_rows = {r for r, info in getattr(sheet, "rowinfo_map", {}).items() if r < height and getattr(info, "hidden", 0)}
    hidden_cols = {c for c, info in getattr(sheet, "colinfo_map", {}).items() if c < ncols and getattr(info, "hidden", 0)}
    notes.extend(blank_hidden(rows, name, hidden_rows, hidden_cols))  # type: ignore[arg-type]
    return Grid(source=path, name=name, rows=rows, kind="sheet", notes=notes)


class _Quiet:
    """xlrd writes warnings to a log file; a user sees our messages, not its."""

    def write(self, _text: str) -> None:
        pass
