"""``jixiao review`` with the record: reuse what is unchanged, read the rest, keep everything.

:func:`reviewed_chunks` stands in for ``scoring.batch.run_batch`` in the
review command.  The files are hashed first (in this process: reading bytes
costs little beside importing a spreadsheet); a file whose bytes, review file,
``--rules`` option and jixiao version match a kept scoring, and whose rule set
still has the kept SHA-256, is not read again: its kept record is used.  The
rest are read and scored on the workers.  In the files' order, runs of forms
are kept (one transaction per run), then get their across-years findings
(from the record's year before; not kept with the scoring, since the year
before may change) and are folded into the review's chunks.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jixiao.indicators.loader import FormError
from jixiao.scoring.across_years import YearForm, across_years_findings
from jixiao.scoring.batch import Chunk, FindingLine, FormRecord, Options, make_chunk, run_batch
from jixiao.scoring.rules import RuleSet, load_rules

from .capture import Captured, capture_chunk, file_sha256, record_from_json, review_file_of
from .record import Reused, Store, jixiao_version

__all__ = ["Tally", "reviewed_chunks"]

RUN = 64  # forms per transaction and per chunk handed to the outputs


@dataclass
class Tally:
    """What a review did with the record (printed at its end)."""

    read: int = 0  # read and scored now
    reused: int = 0  # taken from the record
    batch_id: int = 0
    across: int = 0  # across-years findings added


@dataclass
class _Item:
    path: str
    rec: FormRecord
    entry: Captured | Reused
    unit: str = ""
    project: str = ""
    year: int | None = None
    indicators: Any = None  # list of dicts, or its JSON text (a reused record)
    rules_ref: str = ""


def _ruleset(ref: str, path: str, rules_option: str) -> RuleSet | None:
    try:
        return load_rules(rules_option or ref, os.path.dirname(path) or ".")
    except FormError:
        return None


def _add_findings(rec: FormRecord, found: list[Any]) -> None:
    """Across-years findings join the form's others: counted, listed with a place, and in its JSON."""
    for f in found:
        rec.codes.append(f.code)
        if f.severity == "error":
            rec.row.errors += 1
        elif f.severity == "warning":
            rec.row.warnings += 1
        rec.findings.append(FindingLine(f.code, f.severity, f.where, None, f.message))
    if found and rec.json:
        doc = json.loads(rec.json)
        doc["findings"] += [f.to_dict() for f in found]
        rec.json = json.dumps(doc, ensure_ascii=False)


def _across(store: Store, items: list[_Item], rules_option: str, tally: Tally) -> None:
    """The across-years findings of a run of forms, from the record's year before each."""
    keys = {(i.unit, i.project, i.year) for i in items if i.year is not None and not i.rec.row.error}
    before = store.years_before((u, p, y) for u, p, y in keys if y is not None)
    for item in items:
        if item.year is None:
            continue
        last = before.get((item.unit, item.project, item.year))
        if last is None:
            continue
        ruleset = _ruleset(item.rules_ref, item.path, rules_option)
        if ruleset is None:
            continue
        indicators = json.loads(item.indicators) if isinstance(item.indicators, str) else item.indicators
        row = item.rec.row
        found = across_years_findings(
            YearForm(item.year, indicators, row.review_grade or row.grade),
            YearForm(last.year, last.indicators, last.grade),
            ruleset,
        )
        tally.across += len(found)
        _add_findings(item.rec, found)


def options_key(opts: Options) -> str:
    """What else the scorings depend on: the approved 绩效目标表 of --targets-dir, by their bytes ("" when none)."""
    targets = getattr(opts, "targets", None)
    if targets is None:
        return ""
    import hashlib

    h = hashlib.sha256()
    for name in sorted(targets.files()):
        h.update(name.encode("utf-8", "surrogateescape") + b"\0" + (file_sha256(name) or "unreadable").encode() + b"\0")
    return "targets:" + h.hexdigest()


def reviewed_chunks(store: Store, files: list[str], paths: list[str], opts: Options, jobs: int | None, tally: Tally) -> Iterator[Chunk]:
    """The review's chunks, in the files' order, with the record used and kept (see the module)."""
    version = jixiao_version()
    rules_option = opts.rules or ""
    key = options_key(opts)
    shas = {f: file_sha256(f) for f in files}
    reviews = {f: review_file_of(f, opts) for f in files}
    hits = store.lookup((s for s in shas.values() if s), rules_option, version, key)
    reuse: dict[str, dict[str, Any]] = {}
    for f in files:
        hit = hits.get((shas[f] or "", reviews[f][1]))
        if hit is not None:
            ruleset = _ruleset(hit["rules_ref"], f, rules_option)
            if ruleset is not None and ruleset.id == hit["ruleset_id"] and ruleset.sha256 == hit["ruleset_sha256"]:
                reuse[f] = hit
    full = dataclasses.replace(opts, json=True, details=True, keep=False, pieces=())  # every output's details, kept
    tally.batch_id = store.start_batch(paths, rules_option, version, len(files))
    # the workers are forked on the first chunk: with no database connection open in this process
    store.engine.dispose()
    chunks = run_batch([f for f in files if f not in reuse], full, jobs, task=capture_chunk)
    first = next(chunks, None)
    fresh: Iterator[Captured] = itertools.chain(first or [], (c for chunk in chunks for c in chunk))

    for start in range(0, len(files), RUN):
        items: list[_Item] = []
        for f in files[start : start + RUN]:
            hit = reuse.get(f)
            if hit is not None:
                rec = record_from_json(hit["record_json"], f, hit["origin"], full, reviews[f][0], hit["result_json"])
                items.append(_Item(f, rec, Reused(f, hit["id"]), hit["unit"], hit["project"], hit["year"],
                                   hit["indicators_json"], hit["rules_ref"]))
                tally.reused += 1
            else:
                c = next(fresh)
                items.append(_Item(f, c.rec, c, c.unit, c.project, c.year, c.indicators, c.rules_ref))
                tally.read += 1
        store.record(tally.batch_id, start, [i.entry for i in items], rules_option, version, key)
        _across(store, items, rules_option, tally)
        recs = []
        for item in items:
            rec = item.rec
            if not opts.json:
                rec.json = ""
            if not opts.details:
                rec.findings, rec.lines = [], []
            recs.append(rec)
        yield make_chunk(recs, opts)
    store.finish_batch(tally.batch_id)
