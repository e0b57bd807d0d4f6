"""The finance bureau's review (复核): adjustments on top of the engine's result.

A review of ``X.toml`` is ``X.review.toml`` in the review folder the
reviewer names (``jixiao review --reviews DIR``), at the same place under it
as the form under the folder reviewed (the submission itself is never
modified).  A ``X.review.toml`` lying beside a submission came with the
submissions, not from the bureau: it is reported (``review-beside-form``),
never applied::

    reviewer = "某市财政局绩效科"
    date = 2022-08-01
    [[adjustments]]
    indicator = "参保人满意度"      # an indicator's name, or "funds"
    deduct = 2                      # points off the computed score (or: score = 8)
    reason = "满意度无调查资料，按复核口径扣分"

Rules (``docs/domain.md``, "What a finance bureau's review checks"):

- each adjustment starts from the engine's computed score of that row (or,
  when the same row is adjusted twice, from the previous adjustment's result);
  ``deduct`` takes points off, ``score`` sets the review score; the result is
  clamped to [0, weight];
- a review score above the self score (the unit's claimed score, or the
  computed one when nothing was claimed) is ``review-above-self``, and the
  review score is held at the self score (a review never raises a score);
- a deduction (or a lowered score) without a reason is ``missing-reason``;
  the adjustment is still applied, since the reviewer's number is clear;
- an adjustment naming no row of the form, or a name that two or more rows
  share (which one is meant cannot be known), is ``unknown-indicator`` and
  is not applied;
- a review file that cannot be read or does not fit the schema (unknown key,
  both or neither of ``deduct``/``score``, a negative deduction...) is
  ``review-invalid`` and no adjustment of it is applied.

The review total is the computed total after adjustments; without a review
file it equals the computed total.  Review findings are appended to the
result's findings; their ``where`` names the review file and their ``line``
is a line of the review file.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from jixiao.indicators.loader import FormError, Problem, key_lines, read_toml, validate_model
from jixiao.indicators.schema import OptDec
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from . import methods as m
from .engine import Result, fmt
from .findings import Finding, make

__all__ = [
    "Adjustment",
    "ReviewFile",
    "AppliedAdjustment",
    "Review",
    "FUNDS_KEY",
    "review_path_for",
    "is_review_file",
    "load_review",
    "load_reviews",
    "review_file_in",
    "LoadedReview",
    "apply_review",
    "review_result",
]

FUNDS_KEY = "funds"
REVIEW_SUFFIX = ".review.toml"
ZERO = Decimal(0)

_STRICT = ConfigDict(extra="forbid")
_DateText = Annotated[str, BeforeValidator(lambda v: v.isoformat() if isinstance(v, (_dt.date, _dt.datetime)) else v)]


class Adjustment(BaseModel):
    model_config = _STRICT
    indicator: str
    deduct: OptDec = None
    score: OptDec = None
    reason: str = ""

    def problems(self) -> list[tuple[str, str]]:
        """(key, Chinese message) for what the schema cannot say by types alone."""
        out: list[tuple[str, str]] = []
        if self.deduct is None and self.score is None:
            out.append(("deduct", "每条调整须写 deduct（扣分）或 score（复核得分）之一"))
        if self.deduct is not None and self.score is not None:
            out.append(("score", "deduct（扣分）和 score（复核得分）只能写一个"))
        if self.deduct is not None and self.deduct < 0:
            out.append(("deduct", f"扣分不能为负数（现在是 {fmt(self.deduct)}）；要改分请写 score"))
        if self.score is not None and self.score < 0:
            out.append(("score", f"复核得分不能为负数（现在是 {fmt(self.score)}）"))
        return out


class ReviewFile(BaseModel):
    model_config = _STRICT
    reviewer: str = ""
    date: _DateText = ""
    adjustments: list[Adjustment] = Field(default_factory=list)


_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {(): ReviewFile, ("adjustments",): Adjustment}


@dataclass
class AppliedAdjustment:
    indicator: str
    index: int | None  # 1-based row number; 0 for funds; None when the row does not exist
    computed: Decimal | None
    review: Decimal | None
    deduct: Decimal | None  # computed (or the previous review score) minus review
    reason: str
    applied: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "index": self.index,
            "computed": fmt(self.computed) if self.computed is not None else None,
            "review": fmt(self.review) if self.review is not None else None,
            "deduct": fmt(self.deduct) if self.deduct is not None else None,
            "reason": self.reason,
            "applied": self.applied,
        }


@dataclass
class Review:
    total: Decimal
    grade: str
    reviewer: str = ""
    date: str = ""
    file: str = ""  # the review file, "" when there is none
    adjustments: list[AppliedAdjustment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    funds: Decimal | None = None  # review score of the funds row, None when not adjusted
    scores: dict[int, Decimal] = field(default_factory=dict)  # 0-based indicator index -> review score

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": fmt(self.total),
            "grade": self.grade,
            "reviewer": self.reviewer,
            "date": self.date,
            "file": self.file or None,
            "adjustments": [a.to_dict() for a in self.adjustments],
        }


def is_review_file(path: str | Path) -> bool:
    return str(path).endswith(REVIEW_SUFFIX)


_FORM_SUFFIXES = (".toml", ".xlsx", ".xlsm", ".xls", ".csv", ".txt")  # a review of X.xlsx is X.review.toml too


def _review_name(form_path: str) -> str:
    """``X.toml`` (or ``X.xlsx``...) -> ``X.review.toml``, as plain string work (a batch does this per form)."""
    stem, dot, suffix = form_path.rpartition(".")
    if dot and ("." + suffix.lower()) in _FORM_SUFFIXES and "/" not in suffix:
        return stem + REVIEW_SUFFIX
    return form_path + REVIEW_SUFFIX


def review_path_for(form_path: str | Path) -> Path:
    """``X.toml`` -> ``X.review.toml`` in the same folder."""
    return Path(_review_name(str(Path(form_path))))


def load_review(path: str | Path) -> tuple[ReviewFile, str]:
    """Read and validate a review file; raises FormError naming file and line."""
    data, text = read_toml(path)
    review = validate_model(ReviewFile, data, text, str(path), _SECTIONS)
    found: list[Problem] = []
    lines: dict[tuple[Any, ...], int] | None = None
    for i, adj in enumerate(review.adjustments):
        for key, message in adj.problems():
            if lines is None:
                lines = key_lines(text)
            line = lines.get(("adjustments", i, key)) or lines.get(("adjustments", i))
            found.append(Problem(str(path), f"adjustments[{i + 1}].{key}", line, message))
    if found:
        raise FormError(found)
    return review, text


def review_file_in(reviews_dir: str | Path, form_path: str | Path, roots: tuple[str, ...] = ()) -> str:
    """Where the review of ``form_path`` is in the review folder ``reviews_dir``.

    ``roots`` are the folders reviewed (absolute): a form found under one of
    them has its review at the same relative place under ``reviews_dir``
    (``收件/乙县/X.xlsx`` -> ``DIR/乙县/X.review.toml``); any other form by its
    file name (``DIR/X.review.toml``).
    """
    form = str(form_path)
    rel = os.path.basename(form)
    if roots:
        full = os.path.abspath(form)
        for root in roots:
            top = root.rstrip(os.sep) + os.sep
            if full.startswith(top):
                rel = full[len(top) :]
                break
    return os.path.join(str(reviews_dir), _review_name(rel))


@dataclass
class LoadedReview:
    """A review file of a form, read: the validated review, or the problems that make it unusable."""

    path: str
    review: ReviewFile | None
    text: str = ""
    problems: list[Problem] = field(default_factory=list)


def load_reviews(reviews_dir: str | Path, form_path: str | Path, roots: tuple[str, ...] = ()) -> list[LoadedReview]:
    """The review files of a form in the bureau's review folder (none, or one today).  Never raises."""
    return _load_one(review_file_in(reviews_dir, form_path, roots))


def _beside(result: Result, reviews_dir: str | Path | None, applied: str) -> Finding | None:
    """A review file lying beside the submission, not from the review folder: reported, not applied."""
    name = result.file
    if not name:
        return None
    here = _review_name(name)
    if not os.path.lexists(here):
        return None
    if applied and os.path.realpath(here) == os.path.realpath(applied):  # the reviewer named this folder
        return None
    where = "--reviews 指定的复核文件夹" if reviews_dir else "用 --reviews 指定的复核文件夹"
    return make(
        "review-beside-form",
        f"提交的文件夹中有复核文件 {os.path.basename(here)}，未应用：复核调整只从复核人{where}读取，"
        "与提交材料放在一起的复核文件可能不是复核人写的。如确为复核人所写，请把它放进复核文件夹。",
        os.path.basename(here),
        (),
    )


def _no_review(result: Result) -> Review:
    return Review(result.total, result.grade)


def apply_review(result: Result, review: ReviewFile, text: str = "", source: str = "") -> Review:
    """Apply a validated review to a scored form.  Pure: ``result`` is not changed."""
    lines: dict[tuple[Any, ...], int] | None = None  # the review file's line index, made when a finding needs it
    name = str(source) if source else "复核文件"
    by_name: dict[str, list[int]] = {}  # a name may be on more than one row: then it names none of them
    for r in result.indicators:
        by_name.setdefault(r.name.strip(), []).append(r.index)
    funds_review: Decimal | None = None
    scores: dict[int, Decimal] = {}
    applied: list[AppliedAdjustment] = []
    findings: list[Finding] = []

    def add(code: str, message: str, i: int, adj: Adjustment, key: str) -> None:
        where = f"{name} adjustments[{i + 1}] {adj.indicator}"
        f = make(code, message, where, ("adjustments", i, key))
        nonlocal lines
        if lines is None:
            lines = key_lines(text) if text else {}
        f.line = lines.get(("adjustments", i, key)) or lines.get(("adjustments", i))
        findings.append(f)

    for i, adj in enumerate(review.adjustments):
        target = adj.indicator.strip()
        if target == FUNDS_KEY or target == "资金执行率":
            weight, computed, claimed = result.funds.weight, result.funds.score, result.funds.claimed
            current = funds_review if funds_review is not None else computed
            row_no: int | None = 0
            label = "资金执行率"
        elif len(by_name.get(target, ())) > 1:
            rows = "、".join(str(k + 1) for k in by_name[target])
            add(
                "unknown-indicator",
                f"复核调整指向的指标 “{adj.indicator}” 在表中有 {len(by_name[target])} 项同名（第 {rows} 项），"
                "无法确定是哪一项，未应用。请让单位改正重复的指标名称后再复核。",
                i,
                adj,
                "indicator",
            )
            applied.append(AppliedAdjustment(adj.indicator, None, None, None, adj.deduct, adj.reason, False))
            continue
        elif target in by_name:
            ind = result.indicators[by_name[target][0]]
            weight, computed, claimed = ind.weight, ind.score, ind.claimed
            current = scores.get(ind.index, computed)
            row_no = ind.index + 1
            label = f"“{ind.name}”"
        else:
            names = list(by_name)
            known = "、".join(names[:5]) + (f" 等 {len(names)} 项" if len(names) > 5 else "")
            add(
                "unknown-indicator",
                f"复核调整指向的指标 “{adj.indicator}” 在表中不存在，未应用。"
                f"indicator 须与表中三级指标名称完全一致（或写 funds 表示资金执行率）；表中指标有：{known}。",
                i,
                adj,
                "indicator",
            )
            applied.append(AppliedAdjustment(adj.indicator, None, None, None, adj.deduct, adj.reason, False))
            continue
        requested = current - adj.deduct if adj.deduct is not None else adj.score
        assert requested is not None
        review_score = m.q2(m.clamp(requested, ZERO, weight))
        self_score = claimed if claimed is not None else computed
        if requested > self_score:
            how = "填报得分" if claimed is not None else "复算得分（未填报得分）"
            review_score = min(review_score, m.q2(m.clamp(self_score, ZERO, weight)))
            add(
                "review-above-self",
                f"{label}的复核得分 {fmt(requested)} 高于单位自评的{how} {fmt(self_score)}；复核只能维持或扣减，"
                f"按 {fmt(review_score)} 计。请核对复核文件。",
                i,
                adj,
                "score" if adj.score is not None else "deduct",
            )
        if review_score < current and not adj.reason.strip():
            add(
                "missing-reason",
                f"{label}复核扣分 {fmt(current - review_score)} 分，但未写明理由（reason）。每项复核扣分都须写明理由。",
                i,
                adj,
                "reason",
            )
        applied.append(
            AppliedAdjustment(adj.indicator, row_no, computed, review_score, current - review_score, adj.reason, True)
        )
        if row_no == 0:
            funds_review = review_score
        else:
            assert row_no is not None
            scores[row_no - 1] = review_score

    total = (funds_review if funds_review is not None else result.funds.score) + sum(
        (scores.get(r.index, r.score) for r in result.indicators), ZERO
    )
    return Review(
        total,
        result.rules.grade_for(total),
        review.reviewer,
        review.date,
        str(source),
        applied,
        findings,
        funds_review,
        scores,
    )


def review_result(
    result: Result,
    review_path: str | Path | None = None,
    *,
    reviews_dir: str | Path | None = None,
    roots: tuple[str, ...] = (),
) -> Review:
    """Apply the bureau's review of a scored form: the file ``review_path``, or the form's file in ``reviews_dir``.

    A review file beside the submission is not applied (unless it is the one
    named): it becomes a ``review-beside-form`` finding.  Never raises for a
    bad review file: it becomes a ``review-invalid`` finding.
    """
    if review_path is not None:
        loaded = _load_one(str(review_path))
    elif reviews_dir is not None and result.file:
        loaded = load_reviews(reviews_dir, result.file, roots)
    else:
        loaded = []
    if not loaded:
        rv = _no_review(result)
    elif loaded[0].review is None:
        rv = _invalid(result, Path(loaded[0].path), loaded[0].problems)
    else:
        x = loaded[0]
        assert x.review is not None
        rv = apply_review(result, x.review, x.text, x.path)
    beside = _beside(result, reviews_dir, loaded[0].path if loaded else "")
    if beside is not None:
        rv.findings.append(beside)
    return rv


def _load_one(path: str) -> list[LoadedReview]:
    """One review file by its path: [] when there is none, else read or with the problems that make it unusable."""
    if not os.path.lexists(path):  # a broken or looping link is there: it is review-invalid
        return []
    try:
        review, text = load_review(path)
    except FormError as exc:
        return [LoadedReview(path, None, "", exc.problems)]
    except (ArithmeticError, RecursionError, ValueError) as exc:  # not expected: still this review's problem only
        return [LoadedReview(path, None, "", [Problem(path, "", None, f"无法读取复核文件（{type(exc).__name__}）。")])]
    return [LoadedReview(path, review, text)]


def _invalid(result: Result, path: Path, problems: list[Problem]) -> Review:
    """No adjustment applied, and one ``review-invalid`` finding saying why."""
    rv = _no_review(result)
    rv.file = str(path)
    first_line = next((p.line for p in problems if p.line), None)
    detail = "；".join(str(p) for p in problems)
    f = make("review-invalid", f"复核文件无法使用，未应用任何调整：{detail}", path.name, ())
    f.line = first_line
    rv.findings.append(f)
    return rv
