"""The review desk's work on the record, without the screen: a form read back, adjusted, decided, written out.

``jixiao desk`` (tui/components/desk_app.py) shows these; the tests drive them
directly too.  A decision is appended with the whole set of the form's desk
adjustments (the newest decision's, with the new one replacing any earlier one
of the same indicator), so that the newest decision alone says what stands.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.scoring.vocabulary import fmt

from .record import Store

__all__ = ["DeskRow", "desk_rows", "with_detail", "across_years", "form_result", "adjust", "set_status", "review_file_text", "write_review_file", "current_adjustments"]


@dataclass
class DeskRow:
    """One form of the batch as the desk shows it."""

    scoring_id: int
    submission_id: int
    file: str
    unit: str
    project: str
    year: int | None
    version: int
    claimed_total: str
    computed_total: str
    reviewed_total: str
    grade: str
    errors: int
    warnings: int
    status: str
    decision: dict[str, Any] | None
    data: dict[str, Any]  # the joined row of the record

    @property
    def gap(self) -> Decimal:
        try:
            return abs(Decimal(self.claimed_total) - Decimal(self.reviewed_total)) if self.claimed_total else Decimal(0)
        except ArithmeticError:
            return Decimal(0)


STATUS_ORDER = {"退回": 0, "待复核": 1, "已复核": 2, "通过": 3}


def worst_first(rows: list[DeskRow]) -> list[DeskRow]:
    """As ``jixiao review``'s table: most errors, then the biggest claimed/review gap, then most warnings, then file."""
    return sorted(rows, key=lambda r: (-r.errors, -r.gap, -r.warnings, r.file))


def desk_rows(store: Store, batch_id: int) -> list[DeskRow]:
    out = []
    for r in store.batch_forms(batch_id):
        d = r["decision"]
        out.append(DeskRow(
            r["id"], r["submission_id"], r["file_path"], r["unit"], r["project"], r["year"], r["version"],
            r["claimed_total"], r["computed_total"], r["reviewed_total"], _grade_of(r), r["errors"], r["warnings"],
            r["status"], d, r,
        ))
    return worst_first(out)


def _grade_of(r: dict[str, Any]) -> str:
    if r["reviewed_total"] != r["review_total"]:
        try:
            from jixiao.scoring.rules import load_rules

            return load_rules(r["rules_option"] or r["rules_ref"], os.path.dirname(r["file_path"]) or ".").grade_for(Decimal(r["reviewed_total"]))
        except Exception:
            pass
    return r["review_grade"] or r["grade"]


def with_detail(store: Store, row: DeskRow) -> DeskRow:
    """``row`` with the form as read and its kept record (left out of the batch's list to keep it light)."""
    if "form_toml" not in row.data:
        row.data.update(store.form_detail(row.scoring_id))
    return row


def form_result(row: DeskRow) -> Any:
    """The form as read (its kept TOML text, see :func:`with_detail`), scored again with its rule set: what the desk shows."""
    from jixiao.indicators.loader import load_form_text
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.loading import attach_lines
    from jixiao.scoring.rules import load_rules

    text = row.data["form_toml"]
    form = load_form_text(text, row.file)
    ruleset = load_rules(row.data["rules_option"] or row.data["rules_ref"], os.path.dirname(row.file) or ".")
    result = score_form(form, ruleset, row.file)
    attach_lines(result, text)
    return result


def across_years(store: Store, row: DeskRow, result: Any) -> list[Any]:
    """The form's findings against its year before in the record (as ``jixiao review`` shows them)."""
    from jixiao.scoring.across_years import YearForm, across_years_findings

    if row.year is None:
        return []
    last = store.years_before([(row.unit, row.project, row.year)]).get((row.unit, row.project, row.year))
    if last is None:
        return []
    with_detail(store, row)
    this = YearForm(row.year, json.loads(row.data["indicators_json"]), row.data["review_grade"] or row.data["grade"])
    return across_years_findings(this, YearForm(last.year, last.indicators, last.grade), result.rules)


def current_adjustments(row: DeskRow) -> list[dict[str, Any]]:
    """The adjustments standing now: the newest decision's ({indicator, score|deduct, reason})."""
    if row.decision is None:
        return []
    out = []
    for a in json.loads(row.decision["adjustments_json"] or "[]"):
        if a.get("applied") is False:  # a review file's adjustment that named no row
            continue
        item = {"indicator": a["indicator"], "reason": a.get("reason", "")}
        if a.get("score") is not None:
            item["score"] = a["score"]
        elif a.get("review") is not None:  # a review file's applied adjustment: the score it gave
            item["score"] = a["review"]
        elif a.get("deduct") is not None:
            item["deduct"] = a["deduct"]
        else:
            continue
        out.append(item)
    return out


def _review_total(result: Any, adjustments: list[dict[str, Any]], reviewer: str) -> Any:
    from jixiao.scoring.review import Adjustment, ReviewFile, apply_review

    review = ReviewFile(reviewer=reviewer, adjustments=[
        Adjustment(indicator=a["indicator"], reason=a.get("reason", ""),
                   score=Decimal(a["score"]) if a.get("score") is not None else None,
                   deduct=Decimal(a["deduct"]) if a.get("deduct") is not None and a.get("score") is None else None)
        for a in adjustments
    ])
    return apply_review(result, review)


def adjust(store: Store, row: DeskRow, indicator: str, score: Decimal, reason: str, reviewer: str, status: str = "已复核") -> Any:
    """A reviewer's score for one indicator ("funds" for the funds row): a decision with the new review total.

    Returns the applied review (its ``total``, ``grade`` and findings, e.g. a score above the unit's own)."""
    result = form_result(with_detail(store, row))
    adjustments = [a for a in current_adjustments(row) if a["indicator"] != indicator]
    adjustments.append({"indicator": indicator, "score": fmt(score), "reason": reason})
    review = _review_total(result, adjustments, reviewer)
    store.decide(row.scoring_id, status, review.total, reason, reviewer, adjustments)
    return review


def set_status(store: Store, row: DeskRow, status: str, reason: str, reviewer: str) -> None:
    """A new status; the adjustments and the review total standing are carried over."""
    adjusted = row.decision["adjusted_total"] if row.decision is not None else None
    store.decide(row.scoring_id, status, Decimal(adjusted) if adjusted else None, reason, reviewer, current_adjustments(row))


def review_file_text(row: DeskRow, reviewer: str, date: str) -> str:
    """The standing adjustments as a review file (``X.review.toml``, read by ``jixiao review``)."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"复核台写出：{os.path.basename(row.file)}（{row.unit} {row.year or ''} 第 {row.version} 版）"))
    doc["reviewer"] = reviewer
    doc["date"] = date
    aot = tomlkit.aot()
    for a in current_adjustments(row):
        t = tomlkit.table()
        t["indicator"] = a["indicator"]
        if "score" in a:
            t["score"] = _num(a["score"])
        else:
            t["deduct"] = _num(a["deduct"])
        t["reason"] = a.get("reason", "")
        aot.append(t)
    doc["adjustments"] = aot
    return tomlkit.dumps(doc)


def _num(text: str) -> Any:
    import tomlkit

    value = Decimal(text)
    return tomlkit.integer(int(value)) if value == value.to_integral_value() else tomlkit.float_(str(value))


def write_review_file(row: DeskRow, folder: str | Path, reviewer: str, date: str) -> Path:
    """Write the review file of ``row`` into ``folder`` (atomically); the submission's own folder is left alone."""
    from jixiao.indicators.atomic import atomic_write_bytes
    from jixiao.scoring.review import review_path_for

    Path(folder).mkdir(parents=True, exist_ok=True)
    target = Path(folder) / review_path_for(os.path.basename(row.file)).name
    atomic_write_bytes(target, review_file_text(row, reviewer, date).encode("utf-8"))
    return target
