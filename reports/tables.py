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
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from jixiao.indicators.atomic import AtomicOutput
from jixiao.scoring.batch import Chunk, FormRecord, FormRow, Options, Piece, Summary
from jixiao.scoring.findings import CATALOG
from jixiao.scoring.vocabulary import KIND_SHORT_ZH, NONE_MARK, SEVERITY_ZH, fmt

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
    "文件", "单位", "类型", "年度", "规则集", "规则集摘要", "填报总分", "复算总分", "复核总分",
    "填报等级", "复算等级", "复核等级", "错误数", "警告数", "复核人", "复核日期", "复核调整数", "无法读取原因",
    "执行率（%）", "填报−复核",
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
        row.rules_sha256,
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
        num(row.rate),
        num(row.claimed_gap),
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
    "表单": [40, 28, 10, 6, 14, 20, 10, 10, 10, 9, 9, 9, 7, 7, 18, 12, 10, 60, 10, 10],
    "发现项": [40, 28, 24, 9, 20, 36, 6, 80],
    "指标": [40, 28, 6, 14, 18, 32, 8, 10, 10, 10, 10, 40, 60],
}


# the columns (0-based) of each sheet shown with two places (scores: 100.00, not 100),
# and the review date, a real date cell
_SCORE_FORMAT = "0.00"
_DATE_FORMAT = "yyyy-mm-dd"
_SHEETS = (("表单", FORM_COLUMNS), ("发现项", FINDING_COLUMNS), ("指标", INDICATOR_COLUMNS))
_SCORE_COLUMNS = {
    "表单": {FORM_COLUMNS.index(c) for c in ("填报总分", "复算总分", "复核总分", "执行率（%）", "填报−复核")},
    "发现项": set(),
    "指标": {INDICATOR_COLUMNS.index(c) for c in ("分值", "填报得分", "复算得分", "复核得分", "复核调整")},
}
_DATE_COLUMNS = {"表单": {FORM_COLUMNS.index("复核日期")}, "发现项": set(), "指标": set()}
# XlsxWriter pads a width as Excel's dialog does (40 -> 40.71 in the file); these give the file the widths above
_PAD = 0.7109375


def _as_date(value: Any) -> Any:
    """An ISO date (``2022-08-01``, as a review file's TOML date is kept) as a ``date``; else as is."""
    import datetime as dt

    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


class _Guarded:
    """The output file as XlsxWriter's zip sees it: once switched off (Ctrl+C), writing does nothing.

    An interrupted ``Workbook.close`` leaves its ``ZipFile`` behind; when the
    garbage collector closes it, it writes onto this file, which is gone by
    then, and Python would print a traceback ("Exception ignored in ...").
    """

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.off = False
        self.pos = 0  # once off: where the zip believes it is (it packs offsets into its directory)

    def switch_off(self) -> None:
        if self.off:
            return
        try:
            self.pos = self.fh.tell()
        except (OSError, ValueError):
            self.pos = 0
        self.off = True

    def write(self, data: bytes) -> int:
        if self.off:
            self.pos += len(data)
            return len(data)
        return self.fh.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        if self.off:
            self.pos = offset if whence == 0 else self.pos + offset
            return self.pos
        return self.fh.seek(offset, whence)

    def tell(self) -> int:
        return self.pos if self.off else self.fh.tell()

    def flush(self) -> None:
        if not self.off:
            self.fh.flush()

    def seekable(self) -> bool:
        return True


class XlsxWriter:
    """Three sheets (表单, 发现项, 指标) streamed with XlsxWriter's ``constant_memory`` mode.

    Each row goes to a temporary file as soon as it is written, so memory stays
    flat; the cell values were made in the workers (:func:`sheets_piece`).
    Scores are numbers shown with two places (``0.00``); 复核日期 is a date cell;
    every text is written as text (``=HYPERLINK(...)`` from a form is not a formula,
    nor is a URL a link).  The workbook goes to an :class:`AtomicOutput`; its
    temporary files to a folder of its own, removed whatever happens.
    """

    def __init__(self, path: str | Path):
        import tempfile

        import xlsxwriter

        self.path = Path(path)
        self.output: AtomicOutput | None = None
        self.tmpdir = tempfile.mkdtemp(prefix="jixiao-xlsx-")
        try:
            self.output = AtomicOutput(self.path, "wb")
            self.file = _Guarded(self.output.fh)
            self.wb = xlsxwriter.Workbook(
                self.file,
                {"constant_memory": True, "tmpdir": self.tmpdir, "strings_to_formulas": False,
                 "strings_to_urls": False, "strings_to_numbers": False},
            )
            self.score = self.wb.add_format({"num_format": _SCORE_FORMAT})
            self.date = self.wb.add_format({"num_format": _DATE_FORMAT})
            self.sheets: dict[str, Any] = {}
            self.rows: dict[str, int] = {}
            for title, columns in _SHEETS:
                ws = self.wb.add_worksheet(title)
                self.sheets[title] = ws
                ws.freeze_panes(1, 0)
                for i, width in enumerate(_WIDTHS[title]):
                    ws.set_column(i, i, width - _PAD)
                for i, c in enumerate(columns):
                    ws.write_string(0, i, c)
                self.rows[title] = 1
        except BaseException:
            self.abort()
            raise

    def _append(self, title: str, values: list[Any]) -> None:
        ws = self.sheets[title]
        r = self.rows[title]
        self.rows[title] = r + 1
        scores, dates = _SCORE_COLUMNS[title], _DATE_COLUMNS[title]
        for k, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                if k in dates and not isinstance(d := _as_date(v), str):
                    ws.write_datetime(r, k, d, self.date)
                else:
                    ws.write_string(r, k, v)
            elif k in scores:
                ws.write_number(r, k, v, self.score)
            else:
                ws.write_number(r, k, v)

    def add(self, chunk: Chunk) -> None:
        for form, findings, indicators in chunk.pieces["sheets"]:  # made by the worker (sheets_piece)
            self._append("表单", form)
            for r in findings:
                self._append("发现项", r)
            for r in indicators:
                self._append("指标", r)

    def abort(self) -> None:
        """Stop without writing (Ctrl+C, an error): the row files, the half-made file and the temporary folder go."""
        import shutil

        if getattr(self, "file", None) is not None:
            self.file.switch_off()
        for ws in getattr(self, "sheets", {}).values():
            fh = getattr(ws, "row_data_fh", None)
            if fh is not None:
                try:
                    fh.close()
                except OSError:  # noqa: S110 - it is being thrown away
                    pass
        if getattr(self, "wb", None) is not None:
            self.wb.fileclosed = True  # nothing more is written by XlsxWriter
        if self.output is not None:
            self.output.abort()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def close(self, summary: Summary) -> None:
        import shutil

        for f in summary.batch:  # the batch's own findings (duplicate-submission, year-outlier), after the forms'
            rule = CATALOG[f.code]
            self._append("发现项", [f.path, "", f.code, SEVERITY_ZH[rule.severity], rule.title, "本批次", None, f.message])
        for title, columns in _SHEETS:
            self.sheets[title].autofilter(0, 0, self.rows[title] - 1, len(columns) - 1)
        try:
            self.wb.close()
            assert self.output is not None
            self.output.commit()
        except BaseException:
            self.abort()
            raise
        shutil.rmtree(self.tmpdir, ignore_errors=True)


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
