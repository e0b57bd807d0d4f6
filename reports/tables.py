"""The review's output formats: the form table as CSV, the three-sheet workbook, JSON, the PDF's sections.

The batch (:mod:`scoring.batch`) knows no format: it turns each form into a
:class:`~scoring.batch.FormRecord`; the functions ending in ``_piece`` here
run in its workers (``Options.pieces``) and make, per chunk of forms, what
a format writes (CSV lines, cell values, PDF sections), so that the parent
only merges and writes.  :data:`FORMATS` maps an ``--out`` extension to its
format, registered explicitly (as harlequin's export does).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from copy import copy
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from indicators.atomic import AtomicOutput
from scoring.batch import Chunk, FormRecord, FormRow, Options, Piece, Summary
from scoring.findings import CATALOG
from scoring.vocabulary import KIND_SHORT_ZH, NONE_MARK, SEVERITY_ZH, fmt

__all__ = [
    "FORMATS",
    "Format",
    "FORM_COLUMNS",
    "FINDING_COLUMNS",
    "INDICATOR_COLUMNS",
    "UNREADABLE",
    "form_row_values",
    "csv_text",
    "csv_piece",
    "sheets_piece",
    "pdf_piece",
    "pdf_section",
    "JsonWriter",
    "CsvWriter",
    "XlsxWriter",
    "options_for",
]

UNREADABLE = "无法读取"


# ------------------------------------------------------------------ columns


FORM_COLUMNS = [
    "文件", "单位", "类型", "年度", "规则集", "填报总分", "复算总分", "复核总分",
    "填报等级", "复算等级", "复核等级", "错误数", "警告数", "复核人", "复核日期", "复核调整数", "无法读取原因",
]
FINDING_COLUMNS = ["文件", "单位", "代码", "严重程度", "名称", "位置", "行", "说明"]
INDICATOR_COLUMNS = [
    "文件", "单位", "序号", "一级指标", "二级指标", "三级指标", "分值", "填报得分", "复算得分", "复核得分", "复核调整", "复核理由",
    "计算过程",
]


def form_row_values(row: FormRow, numbers: bool = False) -> list[Any]:
    """One row of the form table; ``numbers`` gives Decimals for a spreadsheet."""

    def num(text: str) -> Any:
        return (Decimal(text) if text else None) if numbers else text

    return [
        row.file,
        row.unit,
        KIND_SHORT_ZH.get(row.kind, row.kind),
        row.year if row.year != "" or not numbers else None,
        row.rules,
        num(row.claimed_total),
        num(row.total),
        num(row.review_total),
        row.claimed_grade,
        row.grade,
        row.review_grade,
        row.errors,
        row.warnings,
        row.reviewer,
        row.review_date,
        row.adjustments,
        row.error,
    ]


# ------------------------------------------------------------------ pieces made in the workers


def csv_piece(records: list[FormRecord]) -> str:
    """The form table's CSV lines of a chunk."""
    buf = io.StringIO()
    csv.writer(buf).writerows([csv_text(v) for v in form_row_values(rec.row)] for rec in records)
    return buf.getvalue()


def _finding_rows(rec: FormRecord) -> list[list[Any]]:
    if rec.row.error:
        return [[rec.path, "", "", SEVERITY_ZH["error"], UNREADABLE, "", None, rec.row.error]]
    unit = rec.row.unit
    return [[rec.path, unit, f.code, SEVERITY_ZH[f.severity], CATALOG[f.code].title, f.place, f.line, f.message]
            for f in rec.findings]


def _indicator_rows(rec: FormRecord) -> list[list[Any]]:
    unit = rec.row.unit
    return [
        [rec.path, unit, x.no, x.category, x.subcategory, x.name, x.weight, x.claimed, x.computed, x.review,
         x.review - x.computed, x.reason, x.explain]
        for x in rec.lines
    ]


def sheets_piece(records: list[FormRecord]) -> list[tuple[list[Any], list[list[Any]], list[list[Any]]]]:
    """The spreadsheet's cell values of a chunk: per form its 表单 row, 发现项 rows and 指标 rows."""
    return [(form_row_values(rec.row, numbers=True), _finding_rows(rec), _indicator_rows(rec)) for rec in records]


def pdf_section(rec: FormRecord) -> dict[str, Any]:
    """A form's section of the review PDF (reports.review_pdf): the rows that differ and the findings."""
    if rec.row.error:
        return {"file": rec.path, "error": rec.row.error}
    differing = [
        [str(x.no) if x.no else NONE_MARK, x.name, fmt(x.weight), fmt(x.claimed), fmt(x.computed), fmt(x.review), x.reason]
        for x in rec.lines
        if (x.claimed is not None and x.claimed != x.computed) or x.review != x.computed
    ]
    return {
        "file": rec.path,
        "row": asdict(rec.row),
        "rows": differing,
        "findings": [[SEVERITY_ZH[f.severity], f.code, f.place, f.line, f.message] for f in rec.findings
                     if f.severity != "info"],
    }


def pdf_piece(records: list[FormRecord]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(worst-first key, section) of the chunk's forms that need attention in the PDF."""
    out = []
    for rec in records:
        sec = pdf_section(rec)
        if sec.get("error") or sec["rows"] or sec["findings"]:
            out.append((rec.key, sec))
    return out


class JsonWriter:
    """``{"forms": [...], "summary": {...}}``, one form per line, streamed."""

    def __init__(self, out: IO[str]):
        self.out = out
        self.first = True
        out.write('{"forms": [\n')

    def add(self, chunk: Chunk) -> None:
        if not chunk.json:
            return
        if not self.first:
            self.out.write(",\n")
        self.first = False
        self.out.write(",\n".join(chunk.json))

    def close(self, summary: Summary) -> None:
        self.out.write("\n],\n")
        self.out.write('"summary": ' + json.dumps(summary.to_dict(), ensure_ascii=False) + "}\n")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """Text that Excel would run as a formula (``=HYPERLINK(...)`` as a unit name) gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            Decimal(value)  # "-1.00" is a number, not a formula
            return value
        except ArithmeticError:
            return "'" + value
    return value


class CsvWriter:
    """The form table as CSV, UTF-8 with a BOM so that Excel shows the Chinese."""

    def __init__(self, out: IO[str]):
        out.write("\ufeff")
        csv.writer(out).writerow(FORM_COLUMNS)
        self.out = out

    def add(self, chunk: Chunk) -> None:
        self.out.write(chunk.pieces["csv"])  # written by the worker (csv_piece)

    def close(self, summary: Summary) -> None:
        pass


_WIDTHS = {
    "表单": [40, 28, 10, 6, 14, 10, 10, 10, 9, 9, 9, 7, 7, 18, 12, 10, 60],
    "发现项": [40, 28, 24, 9, 20, 36, 6, 80],
    "指标": [40, 28, 6, 14, 18, 32, 8, 10, 10, 10, 10, 40, 60],
}


def _quiet_openpyxl_streams() -> None:
    """After an interrupted xlsx: openpyxl's half-made row streams say nothing when collected.

    Ctrl+C can land between openpyxl creating a stream and handing it to the
    worksheet, out of :meth:`XlsxWriter.abort`'s reach; when the garbage
    collector closes it, lxml raises and Python prints a traceback ("Exception
    ignored in ...").  Only those are silenced; any other is reported as before.
    """
    import sys

    previous = sys.unraisablehook
    if getattr(previous, "_jixiao_quiet", False):
        return

    def hook(unraisable: Any) -> None:
        code = getattr(unraisable.object, "gi_code", None)
        if "openpyxl" in getattr(code, "co_filename", "") or type(unraisable.exc_value).__module__.startswith("lxml"):
            return
        previous(unraisable)

    hook._jixiao_quiet = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


# the columns (0-based) of each sheet shown with two places (scores: 100.00, not 100),
# and the review date, a real date cell
_SCORE_FORMAT = "0.00"
_DATE_FORMAT = "yyyy-mm-dd"
_SCORE_COLUMNS = {
    "表单": {FORM_COLUMNS.index(c) for c in ("填报总分", "复算总分", "复核总分")},
    "发现项": set(),
    "指标": {INDICATOR_COLUMNS.index(c) for c in ("分值", "填报得分", "复算得分", "复核得分", "复核调整")},
}
_DATE_COLUMNS = {"表单": {FORM_COLUMNS.index("复核日期")}, "发现项": set(), "指标": set()}


def _as_date(value: Any) -> Any:
    """An ISO date (``2022-08-01``, as a review file's TOML date is kept) as a ``date``; else as is."""
    import datetime as dt

    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


class XlsxWriter:
    """Three sheets (表单, 发现项, 指标) streamed with openpyxl's write-only mode.

    Scores are numbers shown with two places (``0.00``); 复核日期 is a date cell.
    """

    def __init__(self, path: str | Path):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        self.path = Path(path)
        self.wb = Workbook(write_only=True)
        self.sheets = {}
        self.counts = {}
        try:  # the header rows start openpyxl's streams: an interrupt here must close them too
            for title, columns in (("表单", FORM_COLUMNS), ("发现项", FINDING_COLUMNS), ("指标", INDICATOR_COLUMNS)):
                ws = self.wb.create_sheet(title)
                self.sheets[title] = ws
                ws.freeze_panes = "A2"
                for i, width in enumerate(_WIDTHS[title], start=1):
                    ws.column_dimensions[get_column_letter(i)].width = width
                ws.append(columns)
                self.counts[title] = 1
        except BaseException:
            self.abort()
            raise
        self._letter = get_column_letter
        from openpyxl.cell import WriteOnlyCell

        self._styles = {}  # number format -> the style of a cell that has it
        for number_format in (_SCORE_FORMAT, _DATE_FORMAT):
            proto = WriteOnlyCell(self.sheets["表单"])
            proto.number_format = number_format
            self._styles[number_format] = proto._style

    def _append(self, title: str, values: list[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell

        ws = self.sheets[title]
        cells: list[Any] = list(values)
        if any(isinstance(v, str) and v.startswith("=") for v in values):
            # openpyxl would store text starting with "=" as a formula: keep user text as text
            for k, v in enumerate(values):
                if isinstance(v, str) and v.startswith("="):
                    cells[k] = WriteOnlyCell(ws, value=v)
                    cells[k].data_type = "s"
        for k in _SCORE_COLUMNS[title]:
            v = values[k]
            if isinstance(v, (int, Decimal)):
                cells[k] = WriteOnlyCell(ws, value=v)
                cells[k]._style = copy(self._styles[_SCORE_FORMAT])  # a copy of the style: no lookup per cell
        for k in _DATE_COLUMNS[title]:
            v = _as_date(values[k])
            if v is not None and not isinstance(v, str):
                cells[k] = WriteOnlyCell(ws, value=v)
                cells[k]._style = copy(self._styles[_DATE_FORMAT])
        ws.append(cells)
        self.counts[title] += 1

    def add(self, chunk: Chunk) -> None:
        for form, findings, indicators in chunk.pieces["sheets"]:  # made by the worker (sheets_piece)
            self._append("表单", form)
            for r in findings:
                self._append("发现项", r)
            for r in indicators:
                self._append("指标", r)

    def abort(self) -> None:
        """Stop without writing (Ctrl+C, an error): close openpyxl's row streams and remove its temporary files.

        A stream left open mid-row is closed by the garbage collector at exit,
        where lxml raises and Python prints its traceback ("Exception ignored in").
        """
        for ws in self.sheets.values():
            rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
            for stream in (rows, getattr(writer, "xf", None)):
                if stream is not None:
                    try:
                        stream.close()
                    except Exception:  # noqa: S110 - the stream is broken already; it is being thrown away
                        pass
            if writer is not None:
                try:
                    writer.cleanup()
                except Exception:  # noqa: S110 - a temporary file that is gone already
                    pass
            ws._rows = ws._writer = None
        _quiet_openpyxl_streams()

    def close(self, summary: Summary) -> None:
        for title, columns in (("表单", FORM_COLUMNS), ("发现项", FINDING_COLUMNS), ("指标", INDICATOR_COLUMNS)):
            self.sheets[title].auto_filter.ref = f"A1:{self._letter(len(columns))}{self.counts[title]}"
        import datetime
        from zipfile import ZIP_DEFLATED, ZipFile

        from openpyxl.writer.excel import ExcelWriter

        # what Workbook.save does, with the archive in our hands: when it is stopped
        # (Ctrl+C) the archive is abandoned here, not closed later by the garbage
        # collector onto the removed temporary file (a traceback at exit)
        with AtomicOutput(self.path, "wb") as fh:
            archive = ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True)
            try:
                self.wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
                ExcelWriter(self.wb, archive).save()
            except BaseException:
                archive.fp = None  # nothing more goes to the file being thrown away
                self.abort()
                raise



# ------------------------------------------------------------------ the registry


@dataclass(frozen=True)
class Format:
    """An ``--out`` format: what the workers must make for it and how its file is opened."""

    extension: str
    json: bool = False  # needs the forms' JSON text
    details: bool = False  # needs the findings and indicator lines
    pieces: tuple[Piece, ...] = ()
    open: Callable[[Path], tuple[Any, Any]] | None = None  # path -> (writer, AtomicOutput or None)


def _open_json(path: Path) -> tuple[Any, Any]:
    o = AtomicOutput(path, "w", encoding="utf-8")
    return JsonWriter(o.fh), o


def _open_csv(path: Path) -> tuple[Any, Any]:
    o = AtomicOutput(path, "w", encoding="utf-8", newline="")
    return CsvWriter(o.fh), o


def _open_xlsx(path: Path) -> tuple[Any, Any]:
    return XlsxWriter(path), None


FORMATS: dict[str, Format] = {}


def register(fmt_: Format) -> None:
    FORMATS[fmt_.extension] = fmt_


register(Format(".json", json=True, open=_open_json))
register(Format(".csv", pieces=(("csv", csv_piece),), open=_open_csv))
register(Format(".xlsx", details=True, pieces=(("sheets", sheets_piece),), open=_open_xlsx))

PDF_PIECE: Piece = ("pdf", pdf_piece)


def options_for(
    kinds: list[str], rules: str | None = None, json_text: bool = False, pdf: bool = False, extra: tuple[Piece, ...] = ()
) -> Options:
    """The batch options that make what the formats of ``kinds`` (extensions) and the PDF report need."""
    formats = [FORMATS[k] for k in kinds]
    pieces = tuple(p for f in formats for p in f.pieces) + ((PDF_PIECE,) if pdf else ()) + extra
    return Options(
        rules=rules,
        json=json_text or any(f.json for f in formats),
        details=pdf or any(f.details for f in formats),
        pieces=pieces,
    )
