"""What the record keeps of one submission, made in the batch's workers; and a review record read back.

The workers run :func:`capture_chunk` (a ``scoring.batch`` task): each form is
read and scored as ``jixiao review`` always does (``process_form``, with every
output's details), and the bytes' SHA-256, the form's TOML text, where each
field came from and the claimed figures are taken beside it.  Nothing here
imports SQLAlchemy: the parent writes the record.

A record read back (:func:`record_from_json`) is the same
:class:`~jixiao.scoring.batch.FormRecord` the worker made, named by the path
it has now.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from jixiao.scoring.batch import FindingLine, FormRecord, FormRow, IndicatorLine, Options, process_form
from jixiao.scoring.vocabulary import fmt

__all__ = ["Captured", "capture_chunk", "file_sha256", "review_file_of", "record_to_json", "record_from_json"]


def file_sha256(path: str) -> str | None:
    """The SHA-256 of a regular file's bytes; None when it is not one (a FIFO, a device: never waited on) or cannot be read."""
    h = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while block := os.read(fd, 1 << 20):
            h.update(block)
    except OSError:
        return None
    finally:
        os.close(fd)
    return h.hexdigest()


def review_file_of(path: str, opts: Options | None = None) -> tuple[str, str]:
    """(review file, SHA-256) of a submission; ("", "") when it has none.

    The review file is the one in the bureau's review folder (``--reviews``):
    a file lying beside the submission is never applied (it is reported, see
    ``review-beside-form``). Both are part of what a record is reused for: an
    edited review file makes the form be scored again, and so does a file
    appearing beside it (the finding it raises changes).
    """
    from jixiao.scoring.review import review_file_in, review_path_for

    name = ""
    digest = ""
    if opts is not None and opts.reviews:
        candidate = review_file_in(opts.reviews, path, opts.roots)
        if os.path.lexists(candidate):
            name, digest = candidate, file_sha256(candidate) or "unreadable"
    beside = str(review_path_for(path))
    if os.path.lexists(beside) and (not name or os.path.realpath(beside) != os.path.realpath(name)):
        both = f"{digest}|beside:{file_sha256(beside) or 'unreadable'}"
        digest = hashlib.sha256(both.encode()).hexdigest()
    return name, digest


@dataclass
class Captured:
    """One form read by a worker: its outputs' record and what the store keeps of it."""

    path: str
    sha256: str
    rec: FormRecord
    ok: bool = False  # False: the form could not be read (nothing is kept)
    unit: str = ""
    project: str = ""
    year: int | None = None
    kind: str = ""
    origin: str = ""
    form_toml: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    indicators: list[dict[str, str]] = field(default_factory=list)
    claimed: dict[str, Any] = field(default_factory=dict)
    rules_ref: str = ""
    ruleset_id: str = ""
    ruleset_sha256: str = ""
    review_file: str = ""
    review_sha256: str = ""
    reviewer: str = ""
    review_date: str = ""
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    review_grade: str = ""
    low_reasons: str = ""
    record_json: str = ""  # record_to_json(rec), made in the worker


def _key(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def capture_one(path: str, opts: Options) -> Captured:
    sha = file_sha256(path) or ""
    capture: dict[str, Any] = {}
    rec = process_form(path, opts, capture)
    if rec.row.error or "result" not in capture:
        return Captured(path, sha, rec)
    result, review = capture["result"], capture["review"]
    form = result.form
    text = capture.get("text", "")
    if "cells" in capture:  # imported: the cell each key came from
        sources = {_key(k): v for k, v in capture["cells"].items()}
    else:
        from jixiao.indicators.loader import key_lines

        sources = {_key(k): f"第 {n} 行" for k, n in key_lines(text).items()}
    review_name, review_sha = review_file_of(path, opts)
    reasons = [a.reason.strip() for a in review.adjustments if a.applied and a.reason.strip()]
    return Captured(
        path,
        sha,
        rec,
        ok=True,
        unit=form.unit.name,
        project=form.unit.project,
        year=form.year,
        kind=form.kind,
        origin=capture.get("origin", ""),
        form_toml=text,
        sources=sources,
        indicators=[
            {"category": i.category, "subcategory": i.subcategory, "name": i.name, "target": i.target,
             "actual": i.actual, "weight": fmt(i.weight)}
            for i in form.indicators
        ],
        claimed={
            "total": fmt(result.claimed_total) if result.claimed_total is not None else None,
            "grade": result.claimed_grade,
            "funds": fmt(result.funds.claimed) if result.funds.claimed is not None else None,
            "indicators": [fmt(r.claimed) if r.claimed is not None else None for r in result.indicators],
        },
        rules_ref=opts.rules or form.rules,
        ruleset_id=result.rules.id,
        ruleset_sha256=result.rules.sha256,
        review_file=review_name if review.file else "",
        review_sha256=review_sha,  # the reuse key: the applied file, and a file lying beside the form
        reviewer=review.reviewer,
        review_date=review.date,
        adjustments=[a.to_dict() for a in review.adjustments],
        review_grade=review.grade,
        low_reasons="；".join(reasons),
        record_json=record_to_json(rec),
    )


def capture_chunk(names: list[str], opts: Options) -> list[Captured]:
    """The batch task of the record's workers (module level: sent to a worker by name)."""
    return [capture_one(name, opts) for name in names]


# ------------------------------------------------------------------ the record's JSON


def _dec(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


_ROW, _FINDING, _LINE = (tuple(f.name for f in fields(c)) for c in (FormRow, FindingLine, IndicatorLine))


def record_to_json(rec: FormRecord) -> str:
    """A readable form's record as JSON (Decimals as text; the path is left to the reader)."""
    data = {
        "row": {k: getattr(rec.row, k) for k in _ROW},
        "codes": rec.codes,  # the result's JSON is kept once, in scorings.result_json
        "findings": [{k: getattr(f, k) for k in _FINDING} for f in rec.findings],
        "lines": [{k: _dec(getattr(line, k)) for k in _LINE} for line in rec.lines],
        "keys": rec.keys,  # what the batch compares across forms (scoring.batch_sense.form_keys)
    }
    return json.dumps(data, ensure_ascii=False)


def _keys(value: Any) -> Any:
    """The batch keys as kept in JSON (lists) back to tuples; None for a record kept before they existed."""
    if not value:
        return None
    digest, identity, year = value
    return digest, tuple(identity) if identity else None, year


def _opt_dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def record_from_json(text: str, path: str, origin: str, opts: Options, review_name: str = "", result_json: str = "") -> FormRecord:
    """The record kept by :func:`record_to_json` (and the result's JSON kept beside it), named by ``path``
    (and its review file) as the batch found them now."""
    data = json.loads(text)
    data.setdefault("json", result_json)
    row = FormRow(**data["row"])
    kept_as = row.file
    row.file = f"{path}（{origin}）" if origin else path
    rec = FormRecord(path, row, list(data["codes"]), keys=_keys(data.get("keys")))
    if opts.json and kept_as == row.file:  # the same path as when it was read: its JSON as kept
        rec.json = data["json"]
    elif opts.json:
        doc = json.loads(data["json"])
        doc["file"] = path
        if isinstance(doc.get("review"), dict) and doc["review"].get("file"):
            doc["review"]["file"] = review_name or doc["review"]["file"]
        rec.json = json.dumps(doc, ensure_ascii=False)
    if opts.details:
        rec.findings = [FindingLine(**f) for f in data["findings"]]
        rec.lines = [
            IndicatorLine(
                line["no"], line["category"], line["subcategory"], line["name"], Decimal(line["weight"]),
                _opt_dec(line["claimed"]), Decimal(line["computed"]), Decimal(line["review"]), line["reason"], line["explain"],
            )
            for line in data["lines"]
        ]
    return rec
