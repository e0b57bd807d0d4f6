"""The batch runner behind ``jixiao review``: many forms, all cores, flat memory.

Each worker process does the heavy work of one form (read, validate, score,
apply the review file beside it, turn the result into the pieces the
outputs need) and sends back a compact record: one summary row, the finding
codes, and only the output pieces that were asked for (the form's JSON text,
its spreadsheet rows, its PDF section).  The parent streams the records in
file order, aggregates the summary as they come and writes the output files
row by row; for the terminal table it keeps one compact row per form.

"Worst first" (the order of the terminal table, :func:`worst_first_key`):
forms that cannot be read, then the most error findings, then the biggest
gap between the claimed total and the review total (a form without a
claimed total counts as gap 0), then the most warnings, then by file name.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from indicators.atomic import AtomicOutput
from indicators.loader import FormError

from .engine import fmt
from .findings import CATALOG, SEVERITY_ZH
from .locations import finding_place
from .review import is_review_file

__all__ = [
    "Options",
    "discover",
    "discover_names",
    "process_form",
    "run_batch",
    "Chunk",
    "make_chunk",
    "Summary",
    "worst_first_key",
    "AtomicOutput",
    "JsonWriter",
    "CsvWriter",
    "XlsxWriter",
    "FORM_COLUMNS",
    "FINDING_COLUMNS",
    "INDICATOR_COLUMNS",
    "form_row_values",
    "KIND_ZH",
    "NO_GRADE",
    "NOT_CLAIMED",
    "UNREADABLE",
]

KIND_ZH = {"department": "部门整体", "project": "项目"}
NO_GRADE = "不评等级"  # the rule set has no grades
NOT_CLAIMED = "未填"  # the form gives no claimed grade
UNREADABLE = "无法读取"
_ZERO = Decimal(0)
FUNDS_LABEL = "资金执行率"


@dataclass(frozen=True)
class Options:
    """What the worker must produce besides the summary row (picklable)."""

    rules: str | None = None
    json: bool = False  # the form's JSON text
    sheets: bool = False  # finding and indicator rows for the spreadsheet
    pdf: bool = False  # the form's section of the PDF report
    csv: bool = False  # the form table's CSV lines
    # the terminal table's entry for a summary row, made in the worker (a
    # module-level function, so that it can be sent to a worker process)
    table: Callable[[dict[str, Any]], Any] | None = None


# ------------------------------------------------------------------ discovery


# TOML forms, and the spreadsheets and texts imported on the fly (indicators.importing.SUBMISSION_SUFFIXES)
_FORM_SUFFIXES = (".toml", ".xlsx", ".xlsm", ".xls", ".csv", ".txt")


def _walk(top: str, out: list[str]) -> None:
    """Form files under ``top`` (``os.scandir``: no ``stat`` per file)."""
    todo = [top]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:  # unreadable folder: nothing found there
            continue
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    todo.append(e.path)
                elif e.name.lower().endswith(_FORM_SUFFIXES) and not is_review_file(e.name) and not e.name.startswith("~$") and e.is_file():
                    out.append(e.path)
            except OSError:
                continue


def discover_names(paths: Iterable[str | Path]) -> tuple[list[str], list[str]]:
    """Like :func:`discover`, as path strings (what the workers take)."""
    files: list[str] = []
    missing: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        p = str(Path(raw))
        if os.path.isdir(p):
            found: list[str] = []
            _walk(p, found)
            found.sort()
            top = os.path.abspath(p)  # every f starts with p: its absolute path, without abspath per file
            keys = [top + f[len(p) :] for f in found]
            if p == ".":  # as Path(".").rglob gives them: "a/x.toml", not "./a/x.toml"
                found = [f[2:] for f in found]
        elif os.path.lexists(p):  # a broken or looping link too: reading it says what is wrong
            found, keys = [p], [os.path.abspath(p)]
        else:
            missing.append(str(raw))
            continue
        for f, key in zip(found, keys):
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, missing


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Form files under ``paths`` (folders recursively, ``*.toml`` but not
    ``*.review.toml``, and the spreadsheets and texts of ``_FORM_SUFFIXES``
    but not Excel's ``~$`` lock files; links to folders are not followed), sorted within
    each folder and without duplicates; and the paths that do not exist."""
    names, missing = discover_names(paths)
    return [Path(n) for n in names], missing


# ------------------------------------------------------------------ the worker


def _unreadable(path: str, message: str, opts: Options) -> dict[str, Any]:
    row = {
        "file": path,
        "unit": "",
        "kind": "",
        "year": "",
        "rules": "",
        "claimed_total": "",
        "total": "",
        "review_total": "",
        "claimed_grade": "",
        "grade": "",
        "review_grade": "",
        "errors": 1,
        "warnings": 0,
        "gap": "0",
        "reviewer": "",
        "review_date": "",
        "adjustments": 0,
        "reviewed": False,
        "error": message,
    }
    rec: dict[str, Any] = {"row": row, "codes": []}
    if opts.json:
        rec["json"] = json.dumps({"file": path, "error": message}, ensure_ascii=False)
    if opts.sheets:
        rec["finding_rows"] = [[path, "", "", SEVERITY_ZH["error"], UNREADABLE, "", None, message]]
        rec["indicator_rows"] = []
    if opts.pdf:
        rec["pdf"] = {"file": path, "error": message}
    return rec


def process_form(path: str, opts: Options) -> dict[str, Any]:
    """Everything about one form, in a worker.  Never raises."""
    from .engine import attach_lines, load_scored
    from .review import review_result

    try:
        result, text, origin = load_scored(path, opts.rules)
        if opts.json or opts.sheets or opts.pdf:  # only these outputs show findings with their lines
            attach_lines(result, text)
        review = review_result(result)
    except FormError as exc:
        return _unreadable(path, "\n".join(str(p) for p in exc.problems), opts)
    except Exception as exc:  # a bug in the engine must not stop the batch
        return _unreadable(path, f"{path}: 内部错误（请报告此问题）：{type(exc).__name__}: {exc}", opts)

    findings = result.findings + review.findings if review.findings else result.findings
    errors = warnings = 0
    codes = []
    for f in findings:
        codes.append(f.code)
        if f.severity == "error":
            errors += 1
        elif f.severity == "warning":
            warnings += 1
    claimed_total = result.claimed_total
    gap = abs(claimed_total - review.total) if claimed_total is not None else _ZERO
    form = result.form
    total = fmt(result.total)
    row = {
        "file": f"{path}（{origin}）" if origin else path,  # an imported spreadsheet: which sheet
        "unit": form.unit.name + (f" · {form.unit.project}" if form.unit.project else ""),
        "kind": form.kind,
        "year": form.year,
        "rules": result.rules.id,
        "claimed_total": fmt(claimed_total),
        "total": total,
        "review_total": total if review.total == result.total else fmt(review.total),
        "claimed_grade": result.claimed_grade,
        "grade": result.grade,
        "review_grade": review.grade,
        "errors": errors,
        "warnings": warnings,
        "gap": fmt(gap),
        "reviewer": review.reviewer,
        "review_date": review.date,
        "adjustments": sum(1 for a in review.adjustments if a.applied) if review.adjustments else 0,
        "reviewed": bool(review.file),  # a review file sits beside the form (valid or not)
        "error": "",
    }
    rec: dict[str, Any] = {"row": row, "codes": codes}
    if opts.json:
        data = result.to_dict()
        data["findings"] += [f.to_dict() for f in review.findings]
        data["review"] = review.to_dict()
        rec["json"] = json.dumps(data, ensure_ascii=False)

    if not (opts.sheets or opts.pdf):
        return rec
    # per-row review scores, reasons (rows adjusted twice keep both reasons)
    reasons: dict[int, list[str]] = {}
    for a in review.adjustments:
        if a.applied and a.index is not None and a.reason.strip():
            reasons.setdefault(a.index, []).append(a.reason.strip())
    lines = []  # (no., category, subcategory, name, weight, claimed, computed, review, reason)
    funds = result.funds
    lines.append(
        (0, "", "", FUNDS_LABEL, funds.weight, funds.claimed, funds.score,
         review.funds if review.funds is not None else funds.score,
         "；".join(reasons.get(0, [])))
    )
    for r in result.indicators:
        lines.append(
            (r.index + 1, r.category, r.subcategory, r.name, r.weight, r.claimed, r.score,
             review.scores.get(r.index, r.score), "；".join(reasons.get(r.index + 1, [])))
        )
    names = {r.index: r.name for r in result.indicators}
    if opts.sheets:
        rec["finding_rows"] = [
            [path, row["unit"], fd.code, SEVERITY_ZH[fd.severity], CATALOG[fd.code].title, finding_place(fd, names),
             fd.line, fd.message]
            for fd in findings
        ]
        explains = [result.funds.explain] + [r.explain for r in result.indicators]  # the 计算过程 column
        rec["indicator_rows"] = [
            [path, row["unit"], no, cat, sub, name, weight, claimed, computed, rv, rv - computed, reason, why]
            for (no, cat, sub, name, weight, claimed, computed, rv, reason), why in zip(lines, explains)
        ]
    if opts.pdf:
        differing = [
            [str(no) if no else "—", name, fmt(weight), fmt(claimed), fmt(computed), fmt(rv), reason]
            for no, _c, _s, name, weight, claimed, computed, rv, reason in lines
            if (claimed is not None and claimed != computed) or rv != computed
        ]
        rec["pdf"] = {
            "file": path,
            "row": row,
            "rows": differing,
            "findings": [
                [SEVERITY_ZH[fd.severity], fd.code, finding_place(fd, names), fd.line, fd.message]
                for fd in findings
                if fd.severity != "info"
            ],
        }
    return rec


def _chunksize(n: int, jobs: int) -> int:
    return max(1, min(64, n // (jobs * 8) or 1))


@dataclass
class Chunk:
    """What a worker sends back for a run of consecutive forms.

    The per-form work the outputs need is done here, in the worker: the
    summary is counted, the CSV lines are written and the terminal table's
    cells measured, so that the parent only merges and writes.
    """

    count: int = 0
    summary: Summary = field(default_factory=lambda: Summary())
    table: list[tuple[tuple[Any, ...], Any]] = field(default_factory=list)  # (worst-first key, opts.table(row))
    errors: list[tuple[tuple[Any, ...], str]] = field(default_factory=list)  # forms that cannot be read, for the table
    csv: str = ""  # the form table's CSV lines
    json: list[str] = field(default_factory=list)  # one JSON object per form
    records: list[dict[str, Any]] = field(default_factory=list)  # whole records: spreadsheet and PDF outputs only


def make_chunk(records: Iterable[dict[str, Any]], opts: Options) -> Chunk:
    """Fold records (of :func:`process_form` or :func:`_unreadable`) into a :class:`Chunk`."""
    chunk = Chunk()
    rows = []
    whole = opts.sheets or opts.pdf
    for rec in records:
        row = rec["row"]
        chunk.count += 1
        chunk.summary.add(rec)
        key = worst_first_key(row)
        if opts.table is not None:
            chunk.table.append((key, opts.table(row)))
            if row["error"]:
                chunk.errors.append((key, row["error"]))
        if opts.csv:
            rows.append([_csv_text(v) for v in form_row_values(row)])
        if opts.json:
            chunk.json.append(rec["json"])
        if whole:
            rec["key"] = key
            chunk.records.append(rec)
    if rows:
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        chunk.csv = buf.getvalue()
    return chunk


def _process_chunk(names: list[str], opts: Options) -> Chunk:
    return make_chunk((process_form(name, opts) for name in names), opts)


def _worker(conn: Any, chunks: list[list[str]], opts: Options, inherited: Iterable[Any] = ()) -> None:
    """A worker process: its share of the chunks, in order, each sent back when done.

    The pipe is the only buffer: a worker that is ahead of the parent waits
    in ``send``, so memory stays flat however slow the outputs are.
    ``inherited`` are the parent's ends of the pipes, copied by ``fork``:
    closed first, so that when the parent is gone (Ctrl+C) ``send`` fails and
    the worker ends, instead of filling a pipe it alone still holds open and
    waiting for ever.
    """
    for end in inherited:
        end.close()
    gc.freeze()  # what the worker inherited (modules, the schema) is not walked again by the collector
    try:
        for names in chunks:
            conn.send(_process_chunk(names, opts))
    except (BrokenPipeError, KeyboardInterrupt):  # the parent stopped reading
        pass
    except Exception:  # noqa: S110 - a bug here: the parent does this share itself and shows the error
        pass
    finally:
        conn.close()


def run_batch(files: list[Path] | list[str], opts: Options, jobs: int | None = None) -> Iterator[Chunk]:
    """Chunks of ``files``, in order, computed on ``jobs`` processes.

    The files are cut into chunks of consecutive forms, dealt out in turn:
    worker k does chunks k, k + jobs, k + 2 jobs ... and the parent reads
    them back in the same turn, so the order is the files' order and
    nothing is sent to a worker but its share at the start.  A worker that
    dies (killed, out of memory) has its remaining chunks done here.  Small
    batches (or ``jobs=1``) run in this process: starting workers costs more
    than it saves below a handful of forms.
    """
    jobs = jobs or os.cpu_count() or 1
    names = [str(f) for f in files]
    size = _chunksize(len(names), jobs)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    if jobs <= 1 or len(names) < 8:
        for chunk in chunks:
            yield _process_chunk(chunk, opts)
        return
    jobs = min(jobs, len(chunks))
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    workers: list[tuple[Any, Any]] = []
    try:
        for k in range(jobs):
            receive, send = ctx.Pipe(duplex=False)
            inherited = [r for _, r in workers] + [receive] if method == "fork" else []
            proc = ctx.Process(  # type: ignore[attr-defined]  # typeshed: get_context(str) is a BaseContext; each real one has Process
                target=_worker, args=(send, chunks[k::jobs], opts, inherited), daemon=True
            )
            workers.append((proc, receive))  # before start: an interrupt during start still finds it
            proc.start()
            send.close()  # the worker's end: a dead worker then reads as end-of-file here
        for i, chunk in enumerate(chunks):
            receive = workers[i % jobs][1]
            try:
                done = receive.recv()
            except (EOFError, OSError):
                done = _process_chunk(chunk, opts)
            yield done
    finally:
        for proc, receive in workers:
            receive.close()
            if proc.pid is None:  # interrupted before it started
                continue
            if proc.is_alive():
                proc.terminate()
            proc.join()


# ------------------------------------------------------------------ summary


def worst_first_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        0 if row["error"] else 1,
        -int(row["errors"]),
        -int(Decimal(row["gap"] or "0") * 100),  # in hundredths: an int is cheaper to send than a Decimal
        -int(row["warnings"]),
        row["file"],
    )


@dataclass
class Summary:
    """Aggregated as records arrive: nothing here grows with the number of forms."""

    forms: int = 0
    unreadable: int = 0
    with_errors: int = 0  # readable forms with at least one error finding
    reviewed: int = 0  # forms with a review file beside them (valid or not)
    claimed: Counter[str] = field(default_factory=Counter)
    computed: Counter[str] = field(default_factory=Counter)
    review: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)  # findings per code
    forms_by_code: Counter[str] = field(default_factory=Counter)  # forms with at least one

    def add(self, rec: dict[str, Any]) -> None:
        row = rec["row"]
        self.forms += 1
        if row["error"]:
            self.unreadable += 1
            return
        if row["errors"]:
            self.with_errors += 1
        if row["reviewed"]:
            self.reviewed += 1
        self.claimed[row["claimed_grade"] or NOT_CLAIMED] += 1
        self.computed[row["grade"] or NO_GRADE] += 1
        self.review[row["review_grade"] or NO_GRADE] += 1
        self.codes.update(rec["codes"])
        self.forms_by_code.update(set(rec["codes"]))

    def merge(self, other: Summary) -> None:
        self.forms += other.forms
        self.unreadable += other.unreadable
        self.with_errors += other.with_errors
        self.reviewed += other.reviewed
        self.claimed.update(other.claimed)
        self.computed.update(other.computed)
        self.review.update(other.review)
        self.codes.update(other.codes)
        self.forms_by_code.update(other.forms_by_code)

    @property
    def failed(self) -> bool:
        return bool(self.unreadable or self.with_errors)

    def grades(self) -> list[str]:
        """Grades seen, best first (优 良 中 差, then the others)."""
        order = ["优", "良", "中", "差"]
        seen = set(self.claimed) | set(self.computed) | set(self.review)
        rest = sorted(g for g in seen if g not in order and g not in (NO_GRADE, NOT_CLAIMED))
        tail = [g for g in (NO_GRADE, NOT_CLAIMED) if g in seen]
        return [g for g in order if g in seen] + rest + tail

    def top_codes(self, n: int = 10) -> list[tuple[str, int, int]]:
        """(code, findings, forms), most findings first."""
        return [(c, k, self.forms_by_code[c]) for c, k in sorted(self.codes.items(), key=lambda x: (-x[1], x[0]))[:n]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "forms": self.forms,
            "unreadable": self.unreadable,
            "with_errors": self.with_errors,
            "reviewed": self.reviewed,
            "grades": {
                "claimed": dict(self.claimed),
                "computed": dict(self.computed),
                "review": dict(self.review),
            },
            "findings": {c: n for c, n, _ in self.top_codes(len(self.codes))},
        }


# ------------------------------------------------------------------ writers


FORM_COLUMNS = [
    "文件", "单位", "类型", "年度", "规则集", "填报总分", "复算总分", "复核总分",
    "填报等级", "复算等级", "复核等级", "错误数", "警告数", "复核人", "复核日期", "复核调整数", "无法读取原因",
]
FINDING_COLUMNS = ["文件", "单位", "代码", "严重程度", "名称", "位置", "行", "说明"]
INDICATOR_COLUMNS = [
    "文件", "单位", "序号", "一级指标", "二级指标", "三级指标", "分值", "填报得分", "复算得分", "复核得分", "复核调整", "复核理由",
    "计算过程",
]


def form_row_values(row: dict[str, Any], numbers: bool = False) -> list[Any]:
    """One row of the form table; ``numbers`` gives Decimals for a spreadsheet."""

    def num(text: str) -> Any:
        return (Decimal(text) if text else None) if numbers else text

    return [
        row["file"],
        row["unit"],
        KIND_ZH.get(row["kind"], row["kind"]),
        row["year"] if row["year"] != "" or not numbers else None,
        row["rules"],
        num(row["claimed_total"]),
        num(row["total"]),
        num(row["review_total"]),
        row["claimed_grade"],
        row["grade"],
        row["review_grade"],
        row["errors"],
        row["warnings"],
        row["reviewer"],
        row["review_date"],
        row["adjustments"],
        row["error"],
    ]


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


def _csv_text(value: Any) -> Any:
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
        self.out.write(chunk.csv)  # written by the worker (make_chunk)

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
        for rec in chunk.records:
            self._append("表单", form_row_values(rec["row"], numbers=True))
            for r in rec["finding_rows"]:
                self._append("发现项", r)
            for r in rec["indicator_rows"]:
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
