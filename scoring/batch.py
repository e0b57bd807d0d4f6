"""The batch behind ``jixiao review`` (and ``jixiao pdf DIR``): many forms, all cores, flat memory.

Each worker process (``scoring/runner.py`` runs them, each file under its own
limits) does the heavy work of one form (read, validate, score, apply its
review file from the reviewer's ``--reviews`` folder) and turns it into a typed
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

import json
import os
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


def run_batch(
    files: list[Path] | list[str] | list[Any], opts: Any, jobs: int | None = None, task: Task | None = None
) -> Iterator[Any]:
    """Run ``task`` (the review's by default) over ``files`` in workers: see :func:`jixiao.scoring.runner.run_batch`."""
    from .runner import run_batch as run

    return run(files, opts, jobs, task)


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
