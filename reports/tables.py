"""The review's output formats: the form table as CSV, the three-sheet workbook, JSON, the PDF's sections.

The batch (:mod:`scoring.batch`) knows no format: it turns each form into a
:class:`~scoring.batch.FormRecord`; the functions ending in ``_piece`` here
run in its workers (``Options.pieces``) and make, per chunk of forms, what
a format writes (CSV lines, the worksheets' XML rows, PDF sections), so that the parent
only merges and writes.  :data:`FORMATS` maps an ``--out`` extension to its
format, registered explicitly (as harlequin's export does).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

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


def sheets_piece(records: list[FormRecord]) -> tuple[tuple[int, str], ...]:
    """The spreadsheet's rows of a chunk, as the worksheets' XML, for :class:`XlsxWriter` to join.

    Per sheet (表单, 发现项, 指标): the number of rows and their ``<row>``
    elements, with the row numbers left as ``str.format`` fields (``{0}`` is
    the chunk's first row on that sheet): only the parent knows where the
    chunk starts.
    """
    texts: dict[str, str] = {}  # a text's cell content, made once per chunk (file, unit, names repeat on every row)
    forms: list[str] = []
    findings: list[str] = []
    indicators: list[str] = []
    for rec in records:
        forms.append(_row_xml(len(forms), form_row_values(rec.row, numbers=True), _FORM_STYLES, texts))
        for values in _finding_rows(rec):
            findings.append(_row_xml(len(findings), values, _NO_STYLES, texts))
        for values in _indicator_rows(rec):
            indicators.append(_row_xml(len(indicators), values, _INDICATOR_STYLES, texts))
    return tuple((len(rows), "".join(rows)) for rows in (forms, findings, indicators))


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


class TextSink(Protocol):
    """Where text is written: a text file, or a filter in front of one (the terminal's JSON escapes)."""

    def write(self, text: str, /) -> int: ...


class JsonWriter:
    """``{"forms": [...], "summary": {...}}``, one form per line, streamed."""

    def __init__(self, out: TextSink):
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
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


# The cells as XlsxWriter writes them in constant_memory mode (inline strings), so
# that the workbook reads back the same: the workers make the rows
# (sheets_piece), the parent joins them (XlsxWriter below).
_COLUMN_LETTERS = [chr(ord("A") + i) for i in range(26)]
_SCORE_STYLE, _DATE_STYLE = 1, 2  # the cell formats' indexes in the workbook's styles (checked at close)
_EXCEL_EPOCH = date(1899, 12, 31)
_STRING_MAX = 32767  # Excel's longest cell text, in UTF-16 units; longer text is cut there (as XlsxWriter does)
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def _styles(title: str, columns: list[str]) -> tuple[str, ...]:
    return tuple("score" if k in _SCORE_COLUMNS[title] else "date" if k in _DATE_COLUMNS[title] else ""
                 for k in range(len(columns)))


_FORM_STYLES = _styles("表单", FORM_COLUMNS)
_NO_STYLES = _styles("发现项", FINDING_COLUMNS)
_INDICATOR_STYLES = _styles("指标", INDICATOR_COLUMNS)


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _cell_text(text: str) -> str:
    """A text cell's ``<t>`` content: cut to Excel's limit, controls as ``_xHHHH_``, XML escaped, braces doubled."""
    if len(text) > _STRING_MAX // 2 and _utf16_len(text) > _STRING_MAX:
        units = 0
        for i, ch in enumerate(text):
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > _STRING_MAX:
                text = text[:i]
                break
    if not text.isprintable():
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", _ESCAPED_ESCAPE.sub(r"_x005F\1", text))
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    elif "_x" in text:
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{space}>" + text.replace("{", "{{").replace("}", "}}") + "</t>"


def _row_xml(i: int, values: list[Any], styles: tuple[str, ...], texts: dict[str, str]) -> str:
    """One ``<row>``, its number the format field ``{i}``; empty values are no cells."""
    n = f"{{{i}}}"
    cells = [f'<row r="{n}">']
    for k, v in enumerate(values):
        if v is None or v == "":
            continue
        if isinstance(v, str):
            style = styles[k]
            if style and style == "date" and not isinstance(d := _as_date(v), str):
                days = (d - _EXCEL_EPOCH).days
                cells.append(f'<c r="{_COLUMN_LETTERS[k]}{n}" s="{_DATE_STYLE}"><v>{days + 1 if days > 59 else days}</v></c>')
                continue
            text = texts.get(v)
            if text is None:
                text = texts[v] = _cell_text(v)
            cells.append(f'<c r="{_COLUMN_LETTERS[k]}{n}" t="inlineStr"><is>{text}</is></c>')
        elif styles[k] == "score":
            cells.append(f'<c r="{_COLUMN_LETTERS[k]}{n}" s="{_SCORE_STYLE}"><v>{v:.16G}</v></c>')
        else:
            cells.append(f'<c r="{_COLUMN_LETTERS[k]}{n}"><v>{v:.16G}</v></c>')
    cells.append("</row>")
    return "".join(cells)


class XlsxWriter:
    """Three sheets (表单, 发现项, 指标): the workers' rows joined into the workbook.

    The rows arrive as worksheet XML made in the workers (:func:`sheets_piece`);
    here they are numbered and appended to a temporary file per sheet, so
    memory stays flat. At the end XlsxWriter makes the rest of the workbook
    (the header rows, column widths, frozen header, filters, the two number
    formats: scores ``0.00``, 复核日期 a date) and the rows are put into its
    sheets. Every text is text (``=HYPERLINK(...)`` from a form is not a
    formula, nor is a URL a link). The workbook goes to an
    :class:`AtomicOutput`; the temporary files to a folder of its own, removed
    whatever happens.
    """

    def __init__(self, path: str | Path):
        import tempfile

        self.path = Path(path)
        self.output: AtomicOutput | None = None
        self.tmpdir = tempfile.mkdtemp(prefix="jixiao-xlsx-")
        self.parts: list[IO[str]] = []
        self.rows = [1 for _ in _SHEETS]  # rows so far, the header included
        try:
            self.output = AtomicOutput(self.path, "wb")
            for k in range(len(_SHEETS)):
                self.parts.append(open(Path(self.tmpdir) / f"rows{k}.xml", "w", encoding="utf-8"))  # noqa: SIM115
        except BaseException:
            self.abort()
            raise

    def add(self, chunk: Chunk) -> None:
        for k, (count, text) in enumerate(chunk.pieces["sheets"]):  # made by the worker (sheets_piece)
            if count:
                start = self.rows[k] + 1
                self.parts[k].write(text.format(*range(start, start + count)))
                self.rows[k] += count

    def abort(self) -> None:
        """Stop without writing (Ctrl+C, an error): the row files, the half-made file and the temporary folder go."""
        import shutil

        for fh in self.parts:
            try:
                fh.close()
            except OSError:  # noqa: S110 - it is being thrown away
                pass
        if self.output is not None:
            self.output.abort()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def _frame(self) -> bytes:
        """The workbook without the rows: XlsxWriter's, with one row on 表单 that uses the two formats."""
        import xlsxwriter

        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "tmpdir": self.tmpdir})
        score = wb.add_format({"num_format": _SCORE_FORMAT})
        day = wb.add_format({"num_format": _DATE_FORMAT})
        for k, (title, columns) in enumerate(_SHEETS):
            ws = wb.add_worksheet(title)
            ws.freeze_panes(1, 0)
            for i, width in enumerate(_WIDTHS[title]):
                ws.set_column(i, i, width - _PAD)
            for i, c in enumerate(columns):
                ws.write_string(0, i, c)
            if k == 0:  # the formats take their indexes in the order they are first used
                ws.write_number(1, min(_SCORE_COLUMNS[title]), 0, score)
                ws.write_datetime(1, min(_DATE_COLUMNS[title]), date(2000, 1, 1), day)
            ws.autofilter(0, 0, self.rows[k] - 1, len(columns) - 1)
        wb.close()
        return buf.getvalue()

    def close(self, summary: Summary) -> None:
        import shutil
        import zipfile

        if summary.batch:  # the batch's own findings (duplicate-submission, year-outlier), after the forms'
            texts: dict[str, str] = {}
            batch_rows = [
                _row_xml(i, [f.path, "", f.code, SEVERITY_ZH[CATALOG[f.code].severity], CATALOG[f.code].title, "本批次", None,
                             f.message], _NO_STYLES, texts)
                for i, f in enumerate(summary.batch)
            ]
            start = self.rows[1] + 1
            self.parts[1].write("".join(batch_rows).format(*range(start, start + len(batch_rows))))
            self.rows[1] += len(batch_rows)
        try:
            for fh in self.parts:
                fh.close()
            assert self.output is not None
            with zipfile.ZipFile(io.BytesIO(self._frame())) as frame, \
                    zipfile.ZipFile(self.output.fh, "w", zipfile.ZIP_DEFLATED) as book:
                for info in frame.infolist():
                    m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
                    if m is None:
                        book.writestr(info, frame.read(info))
                        continue
                    k = int(m.group(1)) - 1
                    xml = frame.read(info).decode("utf-8")
                    head_end = xml.index("</row>") + len("</row>")  # the header row
                    rest = xml.index("</sheetData>")
                    if k == 0 and re.search(rf'<c r="[A-Z]+2" s="{_SCORE_STYLE}">.*<c r="[A-Z]+2" s="{_DATE_STYLE}">',
                                            xml[head_end:rest]) is None:
                        raise RuntimeError("XlsxWriter 给两种数字格式的编号与预期不同：请检查 XlsxWriter 的版本。")
                    last = _COLUMN_LETTERS[len(_SHEETS[k][1]) - 1] + str(self.rows[k])
                    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml[:head_end], count=1)
                    rows = Path(self.parts[k].name)
                    big = rows.stat().st_size + len(xml) * 3 > zipfile.ZIP64_LIMIT
                    with book.open(info, "w", force_zip64=big) as out, rows.open("rb") as src:
                        out.write(head.encode("utf-8"))
                        shutil.copyfileobj(src, out, 1 << 20)
                        out.write(xml[rest:].encode("utf-8"))
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
