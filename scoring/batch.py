"""The batch runner behind ``jixiao review`` (and ``jixiao pdf DIR``): many forms, all cores, flat memory.

Each worker process does the heavy work of one form (read, validate, score,
apply the review file beside it) and turns it into a typed
:class:`FormRecord` (its :class:`FormRow`, the finding codes and, when asked,
the form's JSON text, its findings with their places and its indicator
lines).  The records of a run of forms are folded into a :class:`Chunk`:
the summary counted and the output pieces made (``Options.pieces``, module-level
functions of ``reports.tables`` and ``tui``: CSV lines, cell values, PDF
sections, terminal-table cells), so that the parent streams the chunks in
file order, merges the summaries and writes.  This module knows no output
format.  :func:`run_batch` also runs another command's task over its items
(``jixiao pdf DIR`` prints one form per item).

"Worst first" (the order of the terminal table, :func:`worst_first_key`):
forms that cannot be read, then the most error findings, then the biggest
gap between the claimed total and the review total (a form without a
claimed total counts as gap 0), then the most warnings, then by file name.
"""

from __future__ import annotations

import collections
import gc
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.indicators.loader import FormError
from jixiao.indicators.submission import SUBMISSION_SUFFIXES, attach_lines, looks_like_form_text

from .batch_sense import form_keys
from .locations import finding_place
from .review import is_review_file
from .vocabulary import NO_GRADE, NOT_CLAIMED, fmt

__all__ = [
    "Options",
    "Piece",
    "FormRow",
    "FormRecord",
    "FindingLine",
    "IndicatorLine",
    "discover",
    "discover_names",
    "process_form",
    "unreadable_record",
    "run_batch",
    "Task",
    "FileLimit",
    "Chunk",
    "make_chunk",
    "Summary",
    "worst_first_key",
]

_ZERO = Decimal(0)
FUNDS_LABEL = "资金执行率"


# ------------------------------------------------------------------ discovery


# TOML forms, and the spreadsheets and texts imported on the fly
_FORM_SUFFIXES = SUBMISSION_SUFFIXES


_TEXT_SUFFIXES = (".txt", ".csv")
# Word and PDF files: submissions in a bureau's folder (``jixiao review DIR``), printouts elsewhere
# (``jixiao pdf DIR`` prints the forms of a folder, not its PDFs)
DOCUMENT_SUFFIXES = (".docx", ".doc", ".pdf")


def _walk(top: str, out: list[str], skipped: list[str] | None = None, documents: bool = False) -> None:
    """Form files under ``top`` (``os.scandir``: no ``stat`` per file).

    A ``.txt`` or ``.csv`` found in a folder with no form's words in it (a
    README, a list of names) is left out and added to ``skipped``; named on
    the command line it is read, and says what it lacks.  ``documents``: Word
    and PDF files are forms too (a review reads what the units sent)."""
    suffixes = _FORM_SUFFIXES + DOCUMENT_SUFFIXES if documents else _FORM_SUFFIXES
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
                elif e.name.lower().endswith(suffixes) and not is_review_file(e.name) and not e.name.startswith("~$") and e.is_file():
                    if e.name.lower().endswith(_TEXT_SUFFIXES):
                        if not looks_like_form_text(e.path):
                            if skipped is not None:
                                skipped.append(e.path)
                            continue
                    out.append(e.path)
            except OSError:
                continue


def discover_names(paths: Iterable[str | Path], skipped: list[str] | None = None,
                   documents: bool = False) -> tuple[list[str], list[str]]:
    """Like :func:`discover`, as path strings (what the workers take); texts without a form go to ``skipped``;
    ``documents``: a folder's Word and PDF files are forms too (see :func:`_walk`)."""
    files: list[str] = []
    missing: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        p = str(Path(raw))
        if os.path.isdir(p):
            found: list[str] = []
            _walk(p, found, skipped, documents)
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


def discover(paths: Iterable[str | Path], skipped: list[str] | None = None) -> tuple[list[Path], list[str]]:
    """Form files under ``paths`` (folders recursively, ``*.toml`` but not
    ``*.review.toml``, and the spreadsheets and texts of ``_FORM_SUFFIXES``
    but not Excel's ``~$`` lock files; links to folders are not followed), sorted within
    each folder and without duplicates; and the paths that do not exist."""
    names, missing = discover_names(paths, skipped)
    return [Path(n) for n in names], missing


# ------------------------------------------------------------------ the worker


@dataclass(slots=True)
class FormRow:
    """One form's summary: the texts of the form table (scores as ``fmt`` text, ``""`` when absent)."""

    file: str
    unit: str = ""
    kind: str = ""
    year: int | str | None = ""
    rules: str = ""
    rules_sha256: str = ""  # the rule set's effective hash: which rules produced the scores
    claimed_total: str = ""
    total: str = ""
    review_total: str = ""
    claimed_grade: str = ""
    grade: str = ""
    review_grade: str = ""
    errors: int = 1
    warnings: int = 0
    gap: str = "0"
    reviewer: str = ""
    review_date: str = ""
    adjustments: int = 0
    reviewed: bool = False  # a review file sits beside the form (valid or not)
    error: str = ""  # why the form cannot be read; "" when it can
    rate: str = ""  # 执行率 in percent, two places ("94.54"); "" when it cannot be computed
    claimed_gap: str = ""  # 填报总分 − 复核总分, signed ("-1.50"); "" without a claimed total


@dataclass(slots=True)
class FindingLine:
    """A finding of the form or of its review file, with the place it points at."""

    code: str
    severity: str  # error, warning, info
    place: str
    line: int | None
    message: str


@dataclass(slots=True)
class IndicatorLine:
    """The funds row (``no`` 0) or an indicator (``no`` from 1): claimed, computed and review scores."""

    no: int
    category: str
    subcategory: str
    name: str
    weight: Decimal
    claimed: Decimal | None
    computed: Decimal
    review: Decimal
    reason: str  # the review's reasons, joined with "；"
    explain: str  # how the score was computed (the 计算过程 column)


@dataclass(slots=True)
class FormRecord:
    """Everything the outputs need of one form, made in a worker (picklable)."""

    path: str
    row: FormRow
    codes: list[str] = field(default_factory=list)
    json: str = ""  # the form's JSON text (Options.json)
    findings: list[FindingLine] = field(default_factory=list)  # Options.details
    lines: list[IndicatorLine] = field(default_factory=list)  # Options.details
    key: tuple[Any, ...] = ()  # worst_first_key(row)
    keys: Any = None  # batch_sense.form_keys of a readable form: what the batch compares across forms


# a per-chunk output piece, made in the worker: (name, function of the chunk's records)
Piece = tuple[str, Callable[[list[FormRecord]], Any]]


@dataclass(frozen=True)
class Options:
    """What the worker must produce besides the summary row (picklable)."""

    rules: str | None = None
    reviews: str | None = None  # the bureau's review folder (--reviews): review files are read only there
    roots: tuple[str, ...] = ()  # the folders reviewed (absolute): a form's review is at its place under them
    json: bool = False  # the form's JSON text
    details: bool = False  # findings with their places and lines, and the indicator lines
    keep: bool = False  # send the whole records to the parent (Chunk.records)
    # output pieces made in the worker from a chunk's records (module-level
    # functions of reports/ or tui/, so that they can be sent to a worker)
    pieces: tuple[Piece, ...] = ()
    # the approved 绩效目标表 of a reviewer's folder (scoring.targets.TargetsIndex), never a path in a submission
    targets: Any = None


def unreadable_record(path: str, message: str, opts: Options) -> FormRecord:
    """The record of a form that cannot be read."""
    rec = FormRecord(path, FormRow(file=path, error=message))
    if opts.json:
        rec.json = json.dumps({"file": path, "error": message}, ensure_ascii=False)
    if opts.details:
        rec.findings = [FindingLine("", "error", "", None, message)]
    return rec


_unreadable = unreadable_record  # the old name


def process_form(path: str, opts: Options, capture: dict[str, Any] | None = None) -> FormRecord:
    """Everything about one form, in a worker.  Never raises.

    ``capture`` (the record's worker, jixiao.store): the result, the review and
    the form's text are put there too (see ``loading.load_scored``)."""
    from .loading import load_scored
    from .review import review_result

    try:
        # a form's rules may name only a bundled rule set: a rules file is the reviewer's --rules
        result, text, origin = load_scored(path, opts.rules, capture, bundled_only=True)
        if opts.json or opts.details:  # only these outputs show findings with their lines
            attach_lines(result, text)
        if opts.targets is not None:  # checked against the approved definitions (scoring/targets.py)
            from .targets import add_to_result

            add_to_result(result, opts.targets.findings(result.form), text if opts.json or opts.details else "")
        review = review_result(result, reviews_dir=opts.reviews, roots=opts.roots)
        if capture is not None:
            capture.update(result=result, review=review, origin=origin)
            capture.setdefault("text", text)
    except FormError as exc:
        return unreadable_record(path, "\n".join(str(p) for p in exc.problems), opts)
    except Exception as exc:  # a bug in the engine must not stop the batch
        return unreadable_record(path, f"{path}: 内部错误（请报告此问题）：{type(exc).__name__}: {exc}", opts)

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
    rate = result.funds.rate
    form = result.form
    total = fmt(result.total)
    row = FormRow(
        file=f"{path}（{origin}）" if origin else path,  # an imported spreadsheet: which sheet
        unit=form.unit.name + (f" · {form.unit.project}" if form.unit.project else ""),
        kind=form.kind,
        year=form.year,
        rules=result.rules.id,
        rules_sha256=result.rules.sha256,
        claimed_total=fmt(claimed_total),
        total=total,
        review_total=total if review.total == result.total else fmt(review.total),
        claimed_grade=result.claimed_grade,
        grade=result.grade,
        review_grade=review.grade,
        errors=errors,
        warnings=warnings,
        gap=fmt(gap),
        reviewer=review.reviewer,
        review_date=review.date,
        adjustments=sum(1 for a in review.adjustments if a.applied) if review.adjustments else 0,
        reviewed=bool(review.file),
        rate=fmt(rate * 100) if rate is not None else "",
        claimed_gap=fmt(claimed_total - review.total) if claimed_total is not None else "",
    )
    rec = FormRecord(path, row, codes, keys=form_keys(result))
    if opts.json:
        data = result.to_dict()
        data["findings"] += [f.to_dict() for f in review.findings]
        data["review"] = review.to_dict()
        rec.json = json.dumps(data, ensure_ascii=False)
    if not opts.details:
        return rec
    # per-row review scores, reasons (rows adjusted twice keep both reasons)
    reasons: dict[int, list[str]] = {}
    for a in review.adjustments:
        if a.applied and a.index is not None and a.reason.strip():
            reasons.setdefault(a.index, []).append(a.reason.strip())
    fu = result.funds
    rec.lines = [
        IndicatorLine(0, "", "", FUNDS_LABEL, fu.weight, fu.claimed, fu.score,
                      review.funds if review.funds is not None else fu.score, "；".join(reasons.get(0, [])), fu.explain)
    ]
    for r in result.indicators:
        rec.lines.append(
            IndicatorLine(r.index + 1, r.category, r.subcategory, r.name, r.weight, r.claimed, r.score,
                          review.scores.get(r.index, r.score), "；".join(reasons.get(r.index + 1, [])), r.explain)
        )
    names = {r.index: r.name for r in result.indicators}
    rec.findings = [FindingLine(fd.code, fd.severity, finding_place(fd, names), fd.line, fd.message) for fd in findings]
    return rec


def _chunksize(n: int, jobs: int) -> int:
    return max(1, min(64, n // (jobs * 8) or 1))


@dataclass
class Chunk:
    """What a worker sends back for a run of consecutive forms.

    The per-form work the outputs need is done here, in the worker: the
    summary is counted and the output pieces made (Options.pieces: the CSV
    lines, the spreadsheet's cell values, the terminal table's cells), so
    that the parent only merges and writes.
    """

    count: int = 0
    summary: Summary = field(default_factory=lambda: Summary())
    json: list[str] = field(default_factory=list)  # one JSON object per form
    pieces: dict[str, Any] = field(default_factory=dict)  # name -> what the piece made of the chunk
    records: list[FormRecord] = field(default_factory=list)  # whole records: Options.keep only
    keys: list[tuple[str, Any]] = field(default_factory=list)  # (path, form_keys) of the readable forms


def make_chunk(records: Iterable[FormRecord], opts: Options) -> Chunk:
    """Fold records (of :func:`process_form` or :func:`unreadable_record`) into a :class:`Chunk`."""
    chunk = Chunk()
    recs = list(records)
    for rec in recs:
        chunk.count += 1
        chunk.summary.add(rec)
        rec.key = worst_first_key(rec.row)
        if rec.keys is not None:
            chunk.keys.append((rec.path, rec.keys))
        if opts.json:
            chunk.json.append(rec.json)
    for name, make in opts.pieces:
        chunk.pieces[name] = make(recs)
    if opts.keep:
        chunk.records = recs
    return chunk


def _process_chunk(names: list[str], opts: Options) -> Chunk:
    return make_chunk((process_form(name, opts) for name in names), opts)


# what a worker does with a chunk of items: the review's _process_chunk, or another
# command's (jixiao pdf DIR prints each form); a module-level function
Task = Callable[[list[Any], Any], Any]


class FileLimit(BaseException):
    """A file went over its own time limit in a worker (raised from SIGXCPU; not an Exception, so that no
    reader's ``except Exception`` swallows it)."""


def _limit_message(path: str, what: str) -> str:
    return (f"{path}: 读取该文件超过了单个文件的{what}，未读取（自评表只需不到一秒、几十 MB）。"
            "文件可能是损坏或恶意构造的；请让报送单位重新导出后再交。")


def _on_xcpu(_signum: int, _frame: Any) -> None:
    raise FileLimit("time")


def _vm_bytes() -> int:
    """This process's address space now (Linux /proc), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _limit_worker() -> None:
    """In a worker: its memory bounded (the address space it has plus limits.PER_FILE_MEMORY), and SIGXCPU
    answered by :class:`FileLimit`.  Without ``resource`` (Windows) the parent's wall clock is the limit."""
    from jixiao.indicators import limits

    try:
        import resource
    except ImportError:
        return
    vm = _vm_bytes()
    if vm and hasattr(resource, "RLIMIT_AS"):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = vm + limits.PER_FILE_MEMORY
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or soft > want:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (want, hard))
            except (ValueError, OSError):
                pass
    if hasattr(signal, "SIGXCPU"):
        signal.signal(signal.SIGXCPU, _on_xcpu)


def _cpu_budget() -> None:
    """Before each file: CPU time from now on limited to limits.PER_FILE_SECONDS (the soft limit; SIGXCPU)."""
    try:
        import resource
    except ImportError:
        return
    from jixiao.indicators import limits

    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + limits.PER_FILE_SECONDS + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


def _worker(conn: Any, slot: int, progress: Any, opts: Any, inherited: Iterable[Any] = (), task: Task | None = None) -> None:
    """A worker process: jobs (key, items) from the parent, one at a time, each answered (key, result).

    Before each file it writes the file's index in the job and the time it
    started to ``progress`` (shared with the parent): a worker killed by a
    file (memory, the hard CPU limit, the parent's wall clock) tells the
    parent which one it was.  After a file over its limit the worker ends,
    so that the next file starts in a fresh process.  ``inherited`` are the
    parent's ends of the pipes, copied by ``fork``: closed first, so that
    when the parent is gone ``recv`` sees end-of-file and the worker ends.
    """
    for end in inherited:
        end.close()
    # Ctrl+C goes to the whole process group: the parent answers it (已中断。) and ends the workers;
    # a worker interrupted on its way out would print "Exception ignored …" from multiprocessing's finalizers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what the worker inherited (modules, the schema) is not walked again by the collector
    _limit_worker()
    try:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            key, items = job
            over = False
            if task is None:
                records = []
                for i, name in enumerate(items):
                    progress[2 * slot] = i
                    progress[2 * slot + 1] = time.monotonic()
                    _cpu_budget()
                    try:
                        records.append(process_form(name, opts))
                    except FileLimit:
                        records.append(unreadable_record(name, _limit_message(name, "时间上限"), opts))
                        over = True
                        break
                    except MemoryError:
                        records.append(unreadable_record(name, _limit_message(name, "内存上限"), opts))
                        over = True
                        break
                progress[2 * slot + 1] = 0.0
                # after a file over its limit the worker ends (told with the result): the rest of the job, if
                # any, goes to a fresh worker
                conn.send((key, (make_chunk(records, opts), len(records), over)))
                if over:
                    break
            else:
                progress[2 * slot] = 0
                progress[2 * slot + 1] = time.monotonic()
                _cpu_budget()
                try:
                    result = task(items, opts)
                except (FileLimit, MemoryError):
                    os._exit(3)  # the parent sees a dead worker and deals with the items
                progress[2 * slot + 1] = 0.0
                conn.send((key, (result, len(items), False)))
    except (BrokenPipeError, KeyboardInterrupt):  # the parent stopped reading
        pass
    finally:
        conn.close()


class _Shared:
    """Doubles in anonymous shared memory, written by the workers (forked after it is made) and read here.

    Unlike ``multiprocessing.Array`` it needs no temporary folder or file (the
    review leaves nothing in TMPDIR, and makes nothing there before its outputs)."""

    def __init__(self, n: int):
        import mmap

        self._map = mmap.mmap(-1, 8 * n)

    def __getitem__(self, i: int) -> float:
        value: float = struct.unpack_from("d", self._map, 8 * i)[0]
        return value

    def __setitem__(self, i: int, value: float) -> None:
        struct.pack_into("d", self._map, 8 * i, float(value))


def _progress(n: int, ctx: Any, method: str | None) -> Any:
    """Shared progress cells: anonymous shared memory where workers are forked, else multiprocessing's Array."""
    if method == "fork":
        return _Shared(n)
    return ctx.Array("d", n, lock=False)


@dataclass
class _Slot:
    proc: Any
    conn: Any
    job: tuple[tuple[int, ...], list[Any]] | None = None


def run_batch(
    files: list[Path] | list[str] | list[Any], opts: Any, jobs: int | None = None, task: Task | None = None
) -> Iterator[Any]:
    """Results of ``files``, in order, computed on ``jobs`` worker processes.

    Each result is what ``task(items, opts)`` returns for a run of
    consecutive items, by default the review's :class:`Chunk` (``files`` are
    then paths); another command passes its own task and items (``jixiao pdf
    DIR``: one print job per form).  The consumer merges them in the order
    given; a run may come back as several results.

    The items are cut into jobs handed to whichever worker is free, and the
    results are kept until the ones before them are in: written as they
    finish, in file order, and one slow file holds back at most a window of
    jobs, not the review.  Each file runs in a worker under its own time and
    memory limit (:mod:`jixiao.indicators.limits`); a file over
    its limit, or one whose worker dies, becomes an unreadable row with the
    reason, the rest of its job goes to a fresh worker, and the parent never
    reads it.  A review always runs in workers; another task runs small
    batches (or ``jobs=1``) here.
    """
    from jixiao.indicators import limits

    jobs = jobs or os.cpu_count() or 1
    names: list[Any] = [str(f) for f in files] if task is None else list(files)
    work = task or _process_chunk
    size = _chunksize(len(names), jobs)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    if task is not None and (jobs <= 1 or len(names) < 8):
        for chunk in chunks:
            yield work(chunk, opts)
        return
    if not chunks:
        return
    jobs = max(1, min(jobs, len(chunks)))
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx: Any = multiprocessing.get_context(method or "spawn")  # typeshed's BaseContext lacks Process
    progress = _progress(2 * jobs, ctx, method)  # per worker: index of its file in the job, when it started
    wall = 2 * limits.PER_FILE_SECONDS + 10  # seconds of wall clock per file before the parent ends its worker
    window = 4 * jobs  # jobs finished or running ahead of the first one still missing

    pending: collections.deque[tuple[tuple[int, ...], list[Any]]] = collections.deque(((i,), c) for i, c in enumerate(chunks))
    order: list[tuple[int, ...]] = [(i,) for i in range(len(chunks))]  # the keys still to yield, in output order
    results: dict[tuple[int, ...], Any] = {}
    slots: list[_Slot | None] = [None] * jobs

    def start(k: int) -> _Slot:
        parent_end, child_end = ctx.Pipe(duplex=True)
        inherited = [s.conn for s in slots if s is not None] + [parent_end] if method == "fork" else []
        proc = ctx.Process(  # type: ignore[attr-defined]  # typeshed: get_context(str) is a BaseContext; each real one has Process
            target=_worker, args=(child_end, k, progress, opts, inherited, task), daemon=True
        )
        slot = _Slot(proc, parent_end)
        slots[k] = slot  # before start: an interrupt during start still finds it
        progress[2 * k], progress[2 * k + 1] = 0, 0.0
        proc.start()
        child_end.close()  # the worker's end: a dead worker then reads as end-of-file here
        return slot

    def replace(key: tuple[int, ...], parts: list[tuple[int, ...]]) -> None:
        at = order.index(key)
        order[at : at + 1] = parts

    def dead(k: int, why: str) -> None:
        """The worker in slot k died (or was ended) during its job: the file it was reading is unreadable."""
        slot = slots[k]
        assert slot is not None and slot.job is not None
        key, items = slot.job
        slot.job = None
        _end(slot)
        slots[k] = None
        bad = min(max(int(progress[2 * k]), 0), len(items) - 1)
        if task is None:
            reason = why or _exit_reason(slot.proc.exitcode)
            before, after = items[:bad], items[bad + 1 :]
            parts = [key + (0,)] * bool(before) + [key + (1,)] + [key + (2,)] * bool(after)
            replace(key, parts)
            results[key + (1,)] = (make_chunk([unreadable_record(items[bad], _limit_message(items[bad], reason), opts)], opts), 1)
            if after:
                pending.appendleft((key + (2,), after))
            if before:
                pending.appendleft((key + (0,), before))
        elif len(items) == 1:  # another command's task: its own message for the item, made here
            results[key] = (work(items, opts), 1)
        else:
            parts = [key + (n,) for n in range(len(items))]
            replace(key, parts)
            for n in reversed(range(len(items))):
                pending.appendleft((key + (n,), [items[n]]))

    try:
        while order:
            while order and order[0] in results:
                result, _count = results.pop(order.pop(0))
                yield result
            if not order:
                break
            busy = 0
            for k in range(jobs):
                slot = slots[k]
                if slot is not None and slot.job is None and not slot.proc.is_alive():
                    _end(slot)  # a worker that ended after a file over its limit
                    slots[k] = slot = None
                if slot is not None and slot.job is not None:
                    busy += 1
                    continue
                if not pending or len(results) + busy >= window:
                    continue
                slot = slot or start(k)
                slot.job = pending.popleft()
                progress[2 * k], progress[2 * k + 1] = 0, 0.0  # until the worker says which file it reads
                try:
                    slot.conn.send(slot.job)
                except (BrokenPipeError, OSError):
                    dead(k, "")
                    continue
                busy += 1
            waiting = {s.conn: k for k, s in enumerate(slots) if s is not None and s.job is not None}
            if not waiting:
                continue
            ready: list[Any] = multiprocessing.connection.wait(list(waiting), timeout=1.0)
            for conn in ready:
                k = waiting[conn]
                slot = slots[k]
                assert slot is not None and slot.job is not None
                try:
                    key, (result, count, ending) = conn.recv()
                except (EOFError, OSError):
                    dead(k, "")
                    continue
                job_key, items = slot.job
                slot.job = None
                if ending:  # the worker ends after a file over its limit: a fresh one takes its place
                    _end(slot)
                    slots[k] = None
                if count < len(items):  # it stopped at that file: the rest goes on
                    parts = [job_key + (0,), job_key + (1,)]
                    replace(job_key, parts)
                    results[job_key + (0,)] = (result, count)
                    pending.appendleft((job_key + (1,), items[count:]))
                else:
                    results[key] = (result, count)
            now = time.monotonic()
            for k, slot in enumerate(slots):
                started = progress[2 * k + 1] if slot is not None else 0.0
                limit = wall if task is None or slot is None or slot.job is None else wall * len(slot.job[1])
                if slot is not None and slot.job is not None and started and now - started > limit:
                    dead(k, "时间上限")
    finally:
        for slot in slots:
            if slot is not None:
                _end(slot)


def _end(slot: _Slot) -> None:
    """Close the parent's end and make sure the worker is gone."""
    try:
        slot.conn.close()
    except OSError:
        pass
    proc = slot.proc
    if proc.pid is None:  # interrupted before it started
        return
    if proc.is_alive():
        proc.terminate()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
    proc.join()


def _exit_reason(code: int | None) -> str:
    """What a worker's exit status says about the file it was reading."""
    if code is not None and code < 0 and hasattr(signal, "SIGKILL") and -code == signal.SIGKILL:
        return "内存或时间上限（读取进程被系统终止）"
    if code is not None and code < 0 and hasattr(signal, "SIGXCPU") and -code == signal.SIGXCPU:
        return "时间上限"
    return f"时间或内存上限（读取进程异常退出，退出码 {code}）"


# ------------------------------------------------------------------ summary


def worst_first_key(row: FormRow) -> tuple[Any, ...]:
    return (
        0 if row.error else 1,
        -row.errors,
        -int(Decimal(row.gap or "0") * 100),  # in hundredths: an int is cheaper to send than a Decimal
        -row.warnings,
        row.file,
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
    rule_sets: Counter[tuple[str, str]] = field(default_factory=Counter)  # (id, effective hash) -> forms scored by it
    batch: list[Any] = field(default_factory=list)  # batch_sense.BatchFinding: on a form, from the others
    year: int | None = None  # the batch's year (batch_sense), once every form is in

    def add_batch(self, findings: list[Any], year: int | None = None) -> None:
        """The findings about the batch as a whole (duplicate-submission, year-outlier), counted with the others."""
        self.batch.extend(findings)
        self.year = year
        self.codes.update(f.code for f in findings)
        self.forms_by_code.update(code for code, _ in {(f.code, f.path) for f in findings})

    def add(self, rec: FormRecord) -> None:
        row = rec.row
        self.forms += 1
        if row.error:
            self.unreadable += 1
            return
        if row.errors:
            self.with_errors += 1
        if row.reviewed:
            self.reviewed += 1
        self.claimed[row.claimed_grade or NOT_CLAIMED] += 1
        self.computed[row.grade or NO_GRADE] += 1
        self.review[row.review_grade or NO_GRADE] += 1
        self.codes.update(rec.codes)
        self.forms_by_code.update(set(rec.codes))
        self.rule_sets[(row.rules, row.rules_sha256)] += 1

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
        self.rule_sets.update(other.rule_sets)

    @property
    def failed(self) -> bool:
        return bool(self.unreadable or self.with_errors)

    def grades(self) -> list[str]:
        """Grades seen, best first: in the order of the default rule set's bands (优 良 中 差), then the others.

        A batch may mix rule sets; their grades share one table, so one order is taken: the default set's."""
        from .rules import load_rules

        order = load_rules().grade_order()
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
            "rule_sets": [{"id": i, "sha256": h, "forms": n} for (i, h), n in sorted(self.rule_sets.items())],
        } | ({"batch_findings": [f.to_dict() for f in self.batch]} if self.batch else {})
