"""The engine: form + rule set → result.  Nothing else computes a score.

``score_form`` is a pure function of a validated :class:`Form` and a
:class:`RuleSet`.  ``score_file`` adds reading the file and attaching TOML
line numbers to findings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.indicators.loader import _SECTIONS as FORM_SECTIONS
from jixiao.indicators.loader import FormError, Problem, key_lines, read_toml, validate_model
from jixiao.indicators.schema import FUNDS_COLUMNS, FUNDS_ROWS, Form, Indicator
from jixiao.indicators.values import (
    FORMAT_CHARS,
    OPERATOR_SYMBOLS,
    Deadline,
    Quantity,
    Text,
    looks_quantitative,
    match_text,
    normalize_text,
    parse_value,
)

from . import methods as m
from .findings import Finding, make, raise_finding
from .rules import RuleSet, form_rules, load_rules
from .vocabulary import fmt, percent, plain, year_label

__all__ = [
    "IndicatorResult",
    "FundsResult",
    "Result",
    "score_form",
    "score_file",
    "load_and_score",
    "load_scored",
    "attach_lines",
    "canonical_category",
    "fmt",
    "plain",
    "year_label",
    "FormError",
]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = m.CENT
q2 = m.q2  # round to 2 places, half up: every score, weight and money comparison

# Standard level-1 names and the short spellings real forms use: the rule set's
# ``category_aliases`` (these are its defaults, for callers without a rule set).
_CATEGORY_ALIASES: dict[str, str] = RuleSet.model_fields["category_aliases"].get_default(call_default_factory=True)


# a category name with digits or comparison signs is most likely a target typed into the wrong column
_LOOKS_LIKE_VALUE = re.compile(r"[0-9０-９%％≥≤<>＜＞]")


def canonical_category(name: str, rules: RuleSet | None = None) -> str:
    """The level-1 heading a form's spelling stands for, by the rule set's aliases (产出 → 产出指标)."""
    if rules is not None:
        return rules.canonical_category(name)
    plain = FORMAT_CHARS.sub("", name).strip()
    return _CATEGORY_ALIASES.get(plain) or _CATEGORY_ALIASES.get(match_text(plain), plain).strip()


def num(value: Decimal) -> str:
    """A number in an explanation: two places ("31.88", "95.00"), more only when it has them ("0.955")."""
    rounded = q2(value)
    return str(rounded) if rounded == value else plain(value)


_SUB_ROWS = FUNDS_ROWS[1:]  # the rows whose sum is the total
_ALL_COLUMNS = FUNDS_COLUMNS + ("adjusted",)
_ROW_LABELS = {"total": "年度资金总额", "appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
_COLUMN_LABELS = {"initial": "年初预算数", "annual": "全年预算数", "executed": "全年执行数", "adjusted": "调整后预算"}
_COMMON_METHODS = frozenset(("step_deduct", "bands", "checklist"))
_OWN_ZERO = frozenset(("missing-value", "unreadable-value"))  # a 0 these explain needs the value, not a note
_NOT_APPLICABLE = frozenset(("不适用", "/不适用", "不涉及"))
_METHOD_OPERATOR = {"higher": "ge", "lower": "le", "equal": "eq"}
_OPERATOR_METHOD = {"ge": "higher", "gt": "higher", "le": "lower", "lt": "lower", "eq": "equal"}


@dataclass(slots=True)
class IndicatorResult:
    index: int
    category: str
    subcategory: str
    name: str
    weight: Decimal
    score: Decimal
    claimed: Decimal | None
    method: str
    target: str
    actual: str
    note: str
    tier: str = ""
    findings: list[Finding] = field(default_factory=list)
    why: tuple[Any, ...] = ()  # (formatter, *args) of the arithmetic; see ``explain``
    standard: str = ""  # 评价标准
    applicable: bool = True

    @property
    def where(self) -> str:
        return f"indicators[{self.index + 1}] {self.name}"

    @property
    def explain(self) -> str:
        """The arithmetic of the score in words (``12.50 × 32.66 ÷ 31.88 = 12.81，封顶 12.50``)."""
        return _explained(self.why)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "subcategory": self.subcategory,
            "name": self.name,
            "target": self.target,
            "actual": self.actual,
            "weight": fmt(self.weight),
            "score": fmt(self.score),
            "claimed": fmt(self.claimed) if self.claimed is not None else None,
            "method": self.method,
            "tier": self.tier,
            "note": self.note,
            "standard": self.standard,
            "applicable": self.applicable,
            "explain": self.explain,
            "findings": [f.code for f in self.findings],
        }


@dataclass(slots=True)
class FundsResult:
    weight: Decimal
    rate: Decimal | None  # unrounded fraction
    score: Decimal
    claimed: Decimal | None
    rows: dict[str, dict[str, Decimal | None]]  # effective total, the fixed sub-rows, then named rows by name
    note: str = ""
    denominator: str = "annual"  # the column the rate was divided by (adjusted falls back to annual)
    why: tuple[Any, ...] = ()

    @property
    def explain(self) -> str:
        """``执行率 78.90 ÷ 80.00 = 98.63%，× 10 = 9.86``."""
        return _explained(self.why)

    @property
    def denominator_label(self) -> str:
        return _COLUMN_LABELS[self.denominator]

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight": fmt(self.weight),
            "rate": f"{self.rate.quantize(Decimal('0.000001'), rounding='ROUND_HALF_UP'):f}" if self.rate is not None else None,
            "score": fmt(self.score),
            "claimed": fmt(self.claimed) if self.claimed is not None else None,
            "denominator": self.denominator,
            "explain": self.explain,
        }


@dataclass(slots=True)
class Result:
    file: str
    form: Form
    rules: RuleSet
    funds: FundsResult
    indicators: list[IndicatorResult]
    total: Decimal
    claimed_total: Decimal | None
    grade: str
    claimed_grade: str
    findings: list[Finding]
    total_why: tuple[Any, ...] = ()
    # each level-1 heading's weight, by canonical name: declared in [categories], else the rule
    # set's, else the sum of its rows (the one place this is decided; the PDF and the editor read it)
    category_weights: dict[str, Decimal] = field(default_factory=dict)

    @property
    def explain(self) -> str:
        """The total and the grade: ``资金执行率 9.86 + 各项指标 85.20 = 95.06；等级 优（≥ 90）``."""
        return _explained(self.total_why)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.form.kind,
            "year": self.form.year,
            "unit": self.form.unit.name,
            "rules": {"id": self.rules.id, "sha256": self.rules.sha256},
            "funds": self.funds.to_dict(),
            "indicators": [i.to_dict() for i in self.indicators],
            "total": {
                "score": fmt(self.total),
                "claimed": fmt(self.claimed_total) if self.claimed_total is not None else None,
                "explain": self.explain,
            },
            "grade": {"computed": self.grade, "claimed": self.claimed_grade or None},
            "findings": [f.to_dict() for f in self.findings],
        }


# ------------------------------------------------------------------ helpers


# ------------------------------------------------------------------ explanations
# A result keeps (formatter, *args); the words are made only when someone asks (``explain``),
# so scoring thousands of forms for a table does not format text nobody reads.


def _explained(why: tuple[Any, ...]) -> str:
    return why[0](*why[1:]) if why else ""


def _x_text(text: str) -> str:
    return text


def _x_higher(w: Decimal, a: Decimal, b: Decimal, scale: Decimal = Decimal(1)) -> str:
    if scale != 1:  # the numbers as written: 31.88 (万人), not 318800
        a, b = a / scale, b / scale
    full = fmt(w)
    if b < 0:
        return f"实际完成值 {num(b)} 为负，按 0 计：{full} × 0 ÷ {num(a)} = 0.00"
    if a <= 0:
        return f"年度指标值 {num(a)} 不大于 0，实际完成值 {num(b)}：得满分 {full}"
    if b == a:
        return f"实际完成值 {num(b)} 等于年度指标值 {num(a)}：得满分 {full}"
    text = f"{full} × {num(b)} ÷ {num(a)} = {fmt(w * b / a)}"
    return text + f"，封顶 {full}" if b > a else text


def _x_lower(w: Decimal, a: Decimal, b: Decimal, formula: str, scale: Decimal = Decimal(1)) -> str:
    if scale != 1:
        a, b = a / scale, b / scale
    full = fmt(w)
    if b <= a:
        return f"实际完成值 {num(b)} 不高于年度指标值 {num(a)}：得满分 {full}"
    if a <= 0:
        return f"年度指标值 {num(a)} 不大于 0，实际完成值 {num(b)} 高于它：得 0.00"
    if formula == "inverse":
        return f"越低越好（反比）：{full} × {num(a)} ÷ {num(b)} = {fmt(w * a / b)}"
    if b >= 2 * a:
        return f"实际完成值 {num(b)} 达到年度指标值 {num(a)} 的 2 倍：得 0.00"
    return f"越低越好：{full} × (1 − ({num(b)} − {num(a)}) ÷ {num(a)}) = {fmt(w * (1 - (b - a) / a))}"


def _x_equal(w: Decimal, a: Decimal, b: Decimal, scale: Decimal = Decimal(1)) -> str:
    if scale != 1:
        a, b = a / scale, b / scale
    if a == 0:
        if b <= 0:
            return f"年度指标值为 0，实际完成值 {num(b)} 不大于 0：得满分 {fmt(w)}"
        return f"年度指标值为 0，实际完成值 {num(b)} 大于 0：得 0.00"
    return _x_higher(w, a, b)  # already in the written unit


def _x_tier(label: str, low: Decimal, high: Decimal, incl: bool, claimed: Decimal | None, score: Decimal, how: str) -> str:
    text = f"定性·{label}：区间 [{fmt(low)}, {fmt(high)}{']' if incl else ')'}"
    if how == "full":
        return text + f"，未填报得分，按满分 {fmt(score)}"
    if how == "fixed":
        return text + f"，本档得 {fmt(score)}"
    if how == "low":
        return text + f"，未填报得分，暂按下限 {fmt(score)}"
    text += f"，填报 {fmt(claimed)}"  # fmt rounds the score too
    if how == "clamped":
        text += f"，不在区间内，按 {fmt(score)} 计"
    return text


def _x_claimed(kind: str, claimed: Decimal, w: Decimal) -> str:
    capped = "，封顶分值" if claimed > w else ("，按 0 计" if claimed < 0 else "")
    return f"{kind}：按填报得分 {fmt(claimed)} 计（分值 {fmt(w)}）{capped}"


def _x_rescaled(inner: tuple[Any, ...], whole: Decimal, applicable: Decimal, raw: Decimal, score: Decimal) -> str:
    text = f"{_explained(inner)}；本一级指标有不适用的指标，按 {plain(whole)} ÷ {plain(applicable)} 折算：= {fmt(raw)}"
    return text + (f"，封顶 {fmt(score)}" if score < q2(raw) else "")


def _x_funds(executed: Decimal, denominator: Decimal, label: str, w: Decimal, capped: bool) -> str:
    rate = executed / denominator
    text = f"执行率 {num(executed)} ÷ {num(denominator)}（{label}） = {percent(rate)}"
    if w == 0:
        return text + "，资金执行率分值为 0，不计分"
    raw = w * max(rate, ZERO)
    text += f"，× {plain(w)} = {fmt(raw)}"
    return text + f"，封顶 {fmt(w)}" if capped and raw > w else text


def _x_total(
    funds: Decimal, scores: Decimal, summed: Decimal, cap: Any, rate: Decimal | None, total: Decimal, grade: str, bands: Any
) -> str:
    band = next((b.min for b in bands if total >= b.min), None)
    text = f"资金执行率 {fmt(funds)} + 各项指标 {fmt(scores)} = {fmt(summed)}"
    if cap is not None and rate is not None:
        text += f"；执行率 {percent(rate)} 低于 {plain(cap.below * 100)}%，总分不超过 {plain(cap.max)}"
        text += f"，按 {fmt(total)} 计" if total < summed else "，未超过"
    if grade:
        text += f"；等级 {grade}（{fmt(total)} ≥ {plain(band)}）" if band is not None else f"；等级 {grade}"
    else:
        text += "；不评等级"
    return text


def _any_word(words: list[str]) -> re.Pattern[str]:
    """A pattern found in a text that contains one of ``words`` (none: never found)."""
    return re.compile("|".join(re.escape(w) for w in words if w) or r"(?!)")


class _Scorer:
    """Scores one form; collects findings in form order.

    This runs once per form in a batch of thousands, so the common path is
    kept lean: rule settings are read once, messages are only formatted for
    findings actually raised, and nothing is rounded twice.
    """

    def __init__(self, form: Form, rules: RuleSet):
        self.form = form
        self.rules = rules
        self.findings: list[Finding] = []
        scoring = rules.scoring
        self._bare_op = scoring.bare_number_operator
        self._ratio = scoring.over_achievement_ratio
        self._reverse = scoring.reverse_formula
        self._cost_words = _any_word(scoring.cost_keywords)
        self._satisfaction_words = _any_word(scoring.satisfaction_keywords)
        qualitative = rules.qualitative
        self._achieved = qualitative.achieved
        self._partial = qualitative.partial
        self._scales, self._book = m.scale_book(qualitative)
        self._factors: dict[str, tuple[Decimal, Decimal]] = {}  # category → (whole, applicable) when rescaled
        self._why: tuple[Any, ...] = ()  # the explanation of the row being scored
        self.total_why: tuple[Any, ...] = ()
        self.category_weights: dict[str, Decimal] = {}
        self._fulls: list[Decimal] = []  # each indicator's weight rounded to 2 places, in order
        # the indicator being scored (set by ``indicator``) and the findings raised on it so far
        self._index = -1
        self._name = ""
        self._found: list[Finding] = []

    def add(self, code: str, where: str, loc: tuple[Any, ...], variant: str = "", **params: Any) -> None:
        """A finding on the form; its message is the catalogue's (``scoring/findings.py``)."""
        self.findings.append(raise_finding(code, where, loc, variant, **params))

    # -------------------------------------------------------------- funds

    def funds(self) -> FundsResult:
        funds = self.form.funds
        rules = self.rules.funds
        w = funds.weight
        total = funds.total
        sub: dict[str, Any] = {}
        for name in _SUB_ROWS:
            row = getattr(funds, name)
            if row is not None:
                sub[name] = row
        for row in funds.rows:  # named extra rows (四川：财政专户管理资金、单位资金 …)
            sub[row.name] = row
        subrows = list(sub.values())
        effective: dict[str, Decimal | None] = {}
        for col in _ALL_COLUMNS:
            values = [getattr(row, col) for row in subrows if getattr(row, col) is not None]
            summed = sum(values, ZERO) if values else None  # no row gives this column: nothing to sum
            given = getattr(total, col) if total is not None else None
            if (
                given is not None
                and summed is not None
                and given != summed  # equal values round equal
                and q2(given) != q2(summed)
            ):
                self.add(
                    "funds-total-mismatch", "funds.total", ("funds", "total", col),
                    column=_COLUMN_LABELS[col], given=fmt(given), summed=fmt(summed), unit=funds.unit,
                )
            effective[col] = summed if summed is not None else given
        rows: dict[str, dict[str, Decimal | None]] = {"total": effective}
        for name, row in sub.items():
            rows[name] = {"initial": row.initial, "annual": row.annual, "executed": row.executed, "adjusted": row.adjusted}
        for name, row in (("total", total), *sub.items()):
            if row is not None and row.executed is not None and row.executed < 0:
                standard = name in _ROW_LABELS  # else a named row of funds.rows
                self.add(
                    "funds-negative-executed", f"funds.{name}", ("funds", name, "executed") if standard else ("funds", "rows"),
                    row=_ROW_LABELS.get(name, name), executed=fmt(row.executed), unit=funds.unit,
                )

        denominator_key = rules.denominator
        denominator = effective.get(denominator_key)
        fallback = rules.denominator_fallback
        if denominator is None and fallback and fallback != denominator_key:
            wanted = _COLUMN_LABELS[denominator_key]
            denominator_key = fallback
            denominator = effective.get(fallback)
            if denominator is not None:  # else funds-zero-budget below names the fallback column
                self.add("denominator-fallback", "funds", ("funds", "total"), wanted=wanted, used=_COLUMN_LABELS[fallback])
        executed = effective.get("executed")
        rate: Decimal | None = None
        score = ZERO
        why: tuple[Any, ...]
        label = _COLUMN_LABELS[denominator_key]
        if denominator is None or denominator == 0:
            why = (_x_text, f"{label}为 0 或未填写，无法计算执行率" + ("，得 0.00" if w > 0 else ""))
            if w > 0:
                self.add("funds-zero-budget", "funds", ("funds",), column=label)
        elif executed is None:
            why = (_x_text, "未填写全年执行数，无法计算执行率" + ("，得 0.00" if w > 0 else ""))
            if w > 0:
                self.add("missing-value", "funds", ("funds",), "funds-executed")
        else:
            # the rate is computed and shown even when the money block carries no points (weight 0)
            rate = executed / denominator
            why = (_x_funds, executed, denominator, label, w, rules.cap)
            if w > 0:
                raw = w * max(rate, ZERO)
                if rules.cap:
                    raw = min(raw, w)
                score = q2(raw)
            over = rules.over_budget_ratio
            if over > 0 and rate > over:
                self.add(
                    "funds-over-budget",
                    "funds.total",
                    ("funds", "total", "executed") if total is not None and total.executed is not None else ("funds",),
                    executed=fmt(executed), unit=funds.unit, column=label, denominator=fmt(denominator),
                    ratio=f"{rate:.2f}", limit=plain(over),
                )
            note_below = rules.note_below
            if note_below > 0 and rate < note_below:
                self.add("rate-below-threshold", "funds", ("funds", "note"), rate=percent(rate), below=f"{note_below * 100:.0f}")
                if not funds.note.strip():
                    self.add("missing-deviation-note", "funds", ("funds", "note"), "funds")
        claimed = funds.claimed
        if claimed is not None:
            self._check_claimed(claimed, score, w, "funds", ("funds", "claimed"), "资金执行率", self.findings)
        return FundsResult(w, rate, score, claimed, rows, funds.note, denominator_key, why)

    # ---------------------------------------------------------- indicators

    def _check_claimed(
        self,
        claimed: Decimal,
        score: Decimal,
        w: Decimal,
        where: str,
        loc: tuple[Any, ...],
        label: str,
        out: list[Finding],
    ) -> None:
        """Findings on a claimed score, appended to ``out``."""
        if claimed > w:
            out.append(raise_finding("score-above-weight", where, loc, label=label, claimed=fmt(claimed), weight=fmt(w)))
        elif claimed < 0:
            out.append(raise_finding("score-negative", where, loc, label=label, claimed=fmt(claimed)))
        # score has two places, so a claim equal to it rounds to it
        if claimed != score and q2(claimed) != score:
            out.append(raise_finding("score-mismatch", where, loc, label=label, claimed=fmt(claimed), score=fmt(score)))

    def _row_add(self, code: str, key: str = "", variant: str = "", **params: Any) -> None:
        """A finding on the indicator being scored (see ``indicator``); its message is the catalogue's."""
        index, found = self._index, self._found
        where = found[0].where if found else f"indicators[{index + 1}] {self._name}"
        loc = ("indicators", index, key) if key else ("indicators", index)
        found.append(raise_finding(code, where, loc, variant, **params))

    def _not_applicable(self, ind: Indicator) -> bool:
        if not ind.applicable:
            return True
        actual = ind.actual
        return "不" in actual and normalize_text(actual) in _NOT_APPLICABLE  # every spelling has 不

    def indicator(self, index: int, ind: Indicator) -> IndicatorResult:
        found: list[Finding] = []  # this row's findings, added to the form's at the end
        self._index, self._name, self._found = index, ind.name, found
        self._why = ()
        w = ind.weight
        needs_note: list[str] = []  # reasons a deviation note is required
        if (not ind.applicable or "不" in ind.actual) and self._not_applicable(ind):
            return self._left_out(index, ind, found)

        method, raw_score, tier = self._score(ind, w, needs_note)
        full = q2(w)  # the best score a row can print (w ≥ 0: the schema says so)
        self._fulls.append(full)
        factor = self._factors.get(self.rules.canonical_category(ind.category)) if self._factors else None
        if factor is not None:  # 不适用 rows in this category: the rest rescaled to the category weight
            whole, applicable = factor
            inner = self._why or (_x_text, f"得 {fmt(min(raw_score, w))}")
            raw_score = min(raw_score, w) * whole / applicable
            w_scaled = w * whole / applicable
            full = q2(w_scaled)
            score = full if raw_score >= w_scaled else (q2(raw_score) if raw_score > 0 else ZERO)
            self._why = (_x_rescaled, inner, whole, applicable, raw_score, score)
            w_check = w_scaled
        else:
            w_check = w
            if raw_score >= w:
                score = full
            else:
                score = q2(raw_score) if raw_score > 0 else ZERO

        claimed = ind.claimed
        if claimed is not None and (claimed != score or claimed > w_check or claimed < 0):
            where = found[0].where if found else f"indicators[{index + 1}] {ind.name}"
            self._check_claimed(claimed, score, w_check, where, ("indicators", index, "claimed"), "", found)
        below = score < full
        if (needs_note or below or (claimed is not None and claimed < full)) and not ind.note.strip():
            # a 0 that comes from the engine's own missing-value needs the value, not a deviation note
            own_zero = score == 0 and not needs_note and any(f.code in _OWN_ZERO for f in found)
            # the first reason: one found while scoring, else the score (or claim) below the weight
            if own_zero:
                pass
            elif needs_note:
                reason = needs_note[0]
            elif below:
                reason = f"得分 {fmt(score)} 低于分值 {fmt(w_check)}"
            else:
                reason = f"填报得分 {fmt(claimed)} 低于分值 {fmt(w_check)}"
            if not own_zero:
                self._row_add("missing-deviation-note", "note", reason=reason)
        why: tuple[Any, ...] = self._why
        if not why:
            first = next((f for f in found if f.severity == "error"), None)
            why = (_x_text, f"得 {fmt(score)}：{first.message}" if first is not None else f"得 {fmt(score)}")
        if found:
            self.findings.extend(found)
        return IndicatorResult(
            index,
            ind.category,
            ind.subcategory,
            ind.name,
            w,
            score,
            claimed,
            method,
            ind.target,
            ind.actual,
            ind.note,
            tier,
            found,
            why,
            ind.standard,
        )

    def _left_out(self, index: int, ind: Indicator, found: list[Finding]) -> IndicatorResult:
        """A row marked 不适用: 0 points; with ``not_applicable = "rescale"`` its category's other rows make up for it."""
        w = ind.weight
        self._fulls.append(q2(w))
        if self.rules.scoring.not_applicable == "rescale":
            text = "不适用，不参与评分；同一一级指标的其余指标按一级指标分值折算"
        else:
            text = "不适用：按规则集得 0.00"
        self._row_add("not-applicable", how=text)
        claimed = ind.claimed
        if claimed is not None and claimed != 0:
            self._check_claimed(claimed, ZERO, w, found[0].where, ("indicators", index, "claimed"), "", found)
        self.findings.extend(found)
        return IndicatorResult(
            index, ind.category, ind.subcategory, ind.name, w, ZERO, claimed, "not_applicable",
            ind.target, ind.actual, ind.note, "", found, (_x_text, text), ind.standard, False,
        )

    def _score(self, ind: Indicator, w: Decimal, needs_note: list[str]) -> tuple[str, Decimal, str]:
        """(method, unrounded score, tier) for one indicator."""
        method: str = ind.method
        if method == "manual":
            if ind.claimed is None:
                self._row_add("missing-value", "claimed", "manual-claimed")
                return method, ZERO, ""
            if not ind.note.strip():
                self._row_add("missing-reason", "note")
            self._why = (_x_claimed, "人工评分", ind.claimed, w)
            return method, ind.claimed, ""
        if method == "criteria":  # 评价标准 rows: the claimed score, a note below full marks (checked by the caller)
            if ind.claimed is None:
                self._row_add("missing-value", "claimed", "criteria-claimed")
                return method, ZERO, ""
            self._why = (_x_claimed, "按评价标准评分", ind.claimed, w)
            return method, max(ind.claimed, ZERO), ""
        if method in _COMMON_METHODS:
            return method, self._common(ind, w), ""

        target = parse_value(ind.target)
        actual = parse_value(ind.actual)
        target_type = type(target)
        if method == "auto" and target_type is Text and looks_quantitative(ind.target):
            # an operator and a number that cannot be read: never silently qualitative
            self._row_add("unreadable-value", "target", target=ind.target)
            return "higher", ZERO, ""
        if method == "qualitative" or (method == "auto" and target_type is Text):
            return self._qualitative(ind, w, needs_note, actual, target)
        if target is None:
            self._row_add("missing-value", "target", "target")
            return (method if method != "auto" else "higher"), ZERO, ""
        if isinstance(target, Deadline):
            return self._deadline(ind, w, target, actual, needs_note)
        if not isinstance(target, Quantity):  # a text target on a row whose method wants a number
            self._row_add("not-a-number", "target", "target", target=ind.target, method=method)
            return method, ZERO, ""
        op = target.op
        if op is None and method != "auto":  # the row names its direction: nothing is assumed
            op = _METHOD_OPERATOR[method]
        elif op is None:
            op = self._bare_op
            self._row_add("operator-assumed", "target", target=ind.target, operator=OPERATOR_SYMBOLS[op])
        if method == "auto":
            method = _OPERATOR_METHOD[op]
        if op in ("ge", "gt") and self._cost_words.search(match_text(ind.subcategory)):
            self._row_add("cost-direction", "target", target=ind.target)
        if actual is None:
            self._row_add("missing-value", "actual")
            return method, ZERO, ""
        if type(actual) is not Quantity:
            self._row_add("not-a-number", "actual", actual=ind.actual, target=ind.target)
            return method, ZERO, ""
        t_unit, a_unit = target.unit, actual.unit
        a, b = target.value, actual.value
        scale = target.scale  # explanations show the numbers in the target's written unit (31.88 万人)
        if t_unit != a_unit:
            if t_unit and a_unit:
                self._row_add("unit-mismatch", "actual", target_unit=t_unit, actual_unit=a_unit)
                return method, ZERO, ""
            if t_unit == "%" and 0 < b <= 1 < a:  # a_unit is ""
                self._row_add(
                    "percent-as-fraction", "actual", actual=ind.actual, target=ind.target, percent=plain(b * 100), value=plain(b)
                )
            else:
                # the bare side takes the other side's unit with its multiplier: 6 against 6万元 is 6万元
                if not a_unit:
                    b = b * target.scale
                    written = target.unit_text or t_unit
                else:
                    a = a * actual.scale
                    scale = actual.scale
                    written = actual.unit_text or a_unit
                self._row_add("unit-assumed", "actual", side="实际完成值" if not a_unit else "年度指标值", unit=written)
        if actual.op is not None and actual.op == (target.op or op) and b == a:
            self._row_add("actual-is-target", "actual", actual=ind.actual)
        if a_unit == "%" and b >= HUNDRED and self._satisfaction_words.search(match_text(ind.category + ind.subcategory)):
            self._row_add("satisfaction-full", "actual")
        if method == "higher":
            ratio = self._ratio
            # b ≤ a gives b / a ≤ 1 (rounding cannot pass 1), so a ratio ≥ 1 cannot be exceeded: skip the division
            if ratio > 0 and a > 0 and (b > a or ratio < 1) and b / a > ratio:
                self._row_add("over-achievement", "actual", ratio=f"{b / a:.2f}", limit=str(ratio))
                needs_note.append("大幅超额完成")
            self._why = (_x_higher, w, a, b, scale)  # divided by the scale only when explained
            return method, m.higher_is_better(w, a, b), ""
        if method == "lower":
            self._why = (_x_lower, w, a, b, self._reverse, scale)
            return method, m.lower_is_better(w, a, b, self._reverse), ""
        if method == "equal":
            self._why = (_x_equal, w, a, b, scale)
            return method, m.equal_to(w, a, b), ""
        raise AssertionError(method)  # pragma: no cover

    def _find_tier(self, ind: Indicator, word: str, target: Any) -> tuple[m.ScaleTiers, int] | None:
        """The scale and tier a word names: ``params.scale`` if given, else the scale the target spells out, else the first."""
        wanted = str(ind.params.get("scale", "")).strip() if ind.params else ""
        if not wanted:
            candidates = self._book.get(word) or self._book.get(word.strip().replace(" ", ""))
            if candidates is None:
                return None
            if len(candidates) == 1:  # the word belongs to one scale only (达成, 部分达成 …)
                return candidates[0]
        target_text = target.text if isinstance(target, Text) else ""
        first = None
        for scale in self._scales:
            if wanted and scale.name != wanted:
                continue
            i = scale.find(word)
            if i is None:
                continue
            if first is None:
                first = (scale, i)
            if target_text and sum(1 for t in scale.tiers if t[1] in target_text) >= 2:
                return scale, i  # the target lists this scale's words (指标值 “优良中低差”)
        return first

    def _tier_from_actual(self, ind: Indicator, target: Any) -> str:
        """A blank tier on a row whose target lists a scale (优良中低差) and whose actual is one of its words (优)."""
        if not isinstance(target, Text) or not ind.actual:
            return ""
        word = normalize_text(ind.actual)
        for scale in self._scales:
            if scale.find(word) is not None and sum(1 for t in scale.tiers if t[1] in target.text) >= 2:
                return word
        return ""

    def _qualitative(
        self, ind: Indicator, w: Decimal, needs_note: list[str], actual: Any, target: Any = None
    ) -> tuple[str, Decimal, str]:
        tier_text = ind.tier or self._tier_from_actual(ind, target)
        named = tier_text.strip() != ""  # a blank tier is no tier
        found = None
        if named:
            candidates = self._book.get(tier_text)
            if candidates is not None and len(candidates) == 1 and not ind.params:  # the common case: 达成 …
                found = candidates[0]
            else:
                found = self._find_tier(ind, tier_text, target)
        if found is None and named:
            known = "；".join(sc.all_words() for sc in self._scales)
            self._row_add("unknown-tier", "tier", tier=ind.tier, known=known)
            return "qualitative", ZERO, ""
        claimed = ind.claimed
        if found is None:
            if claimed is None:
                self._row_add("missing-tier", "tier")
                return "qualitative", ZERO, ""
            scale = self._scales[0]
            wanted = str(ind.params.get("scale", "")).strip() if ind.params else ""
            for sc in self._scales:
                if wanted and sc.name == wanted:
                    scale = sc
            index = len(scale.tiers) - 1
            for i, t in enumerate(scale.tiers):
                if claimed >= t[2] * w:
                    index = i
                    break
            found = (scale, index)
            self._row_add("tier-assumed", "tier", claimed=fmt(claimed), tier=scale.tiers[index][1])
        scale, index = found
        key, label, low_share, high_share, high_incl = scale.tiers[index]
        if scale.default:
            long_label = m.TIERS[key]
            low, high, high_incl = m.tier_range(key, w, self._achieved, self._partial)
        else:
            long_label = label
            low, high = low_share * w, high_share * w
        top = index == 0
        if not top:
            needs_note.append(f"定性指标评为“{long_label}”")
        if actual is None:
            self._row_add("missing-value", "actual", "qualitative-actual")
            return "qualitative", ZERO, key
        if claimed is None:
            if top and high_incl and high == w:
                self._why = (_x_tier, label, low, high, high_incl, None, w, "full")
                return "qualitative", w, key
            if low == high:  # a fixed tier (是 = 1, 否 = 0): the tier is the score
                self._why = (_x_tier, label, low, high, high_incl, None, low, "fixed")
                return "qualitative", low, key
            self._row_add("missing-value", "claimed", "qualitative-claimed", tier=long_label)
            self._why = (_x_tier, label, low, high, high_incl, None, low, "low")
            return "qualitative", low, key
        score = claimed
        inside = low <= score and (score <= high if high_incl else score < high)
        how = "claimed"
        if not inside:
            bracket = "]" if high_incl else ")"
            self._row_add(
                "qualitative-out-of-tier", "claimed", score=fmt(score), tier=long_label, low=fmt(low), high=fmt(high), bracket=bracket
            )
            upper = high if high_incl else high - CENT
            score = m.clamp(score, low, max(low, upper))
            how = "clamped"
        self._why = (_x_tier, label, low, high, high_incl, claimed, score, how)
        return "qualitative", score, key

    def _deadline(
        self, ind: Indicator, w: Decimal, target: Deadline, actual: Any, needs_note: list[str]
    ) -> tuple[str, Decimal, str]:
        if actual is None:
            self._row_add("missing-value", "actual", "deadline-actual")
            return "deadline", ZERO, ""
        if not isinstance(actual, Deadline):
            self._row_add("not-a-number", "actual", "deadline", actual=ind.actual, target=ind.target)
            return "deadline", ZERO, ""
        year = self.form.year or target.year or actual.year or 0
        if actual.key(year) <= target.key(year):
            self._why = (_x_text, f"时效：完成时间 {ind.actual} 不晚于期限 {ind.target}，得满分 {fmt(w)}")
            return "deadline", w, ""
        needs_note.append("超过完成时限")
        if ind.claimed is None:
            self._row_add("deadline-missed", "actual", actual=ind.actual, target=ind.target)
            self._why = (_x_text, f"时效：完成时间 {ind.actual} 晚于期限 {ind.target}，未填报得分，暂按 0.00")
            return "deadline", ZERO, ""
        self._row_add("deadline-missed", "actual", "claimed", actual=ind.actual, target=ind.target, claimed=fmt(ind.claimed))
        self._why = (_x_text, f"时效：完成时间 {ind.actual} 晚于期限 {ind.target}，按填报得分 {fmt(ind.claimed)} 计")
        return "deadline", ind.claimed, ""

    def _common(self, ind: Indicator, w: Decimal) -> Decimal:
        """Department-wide common indicators: step deduction, bands, checklist."""
        actual = parse_value(ind.actual)
        if actual is None:
            self._row_add("missing-value", "actual", "common-actual")
            return ZERO
        if not isinstance(actual, Quantity):
            self._row_add("not-a-number", "actual", "common", actual=ind.actual)
            return ZERO
        b = actual.value
        p = ind.params
        try:
            if ind.method == "step_deduct":
                reference, step = Decimal(str(p["reference"])), Decimal(str(p["step"]))
                per = Decimal(str(p.get("per", 1)))
                direction, count = str(p.get("direction", "above")), str(p.get("count", "continuous"))
                raw = m.step_deduct(w, b, reference, step, per, direction, count)
                beyond, steps = m.step_steps(b, reference, per, direction, count)
                side = "高于" if direction == "above" else "低于"
                if beyond <= 0:
                    text = f"实际 {num(b)} 不{side}参照值 {num(reference)}：得满分 {fmt(w)}"
                else:
                    text = f"每{side}参照值 {num(reference)} {plain(per)} 扣 {plain(step)} 分：{side} {num(beyond)}，"
                    if count == "continuous":
                        text += f"{fmt(w)} − {plain(step)} × {num(beyond)} ÷ {plain(per)} = {fmt(w - step * steps)}"
                    else:
                        how = "满一档计一档" if count == "full" else "不满一档按一档计"
                        text += f"{how}，计 {plain(steps)} 档，{fmt(w)} − {plain(step)} × {plain(steps)} = {fmt(w - step * steps)}"
                    if raw != w - step * steps:
                        text += f"，按 {fmt(raw)} 计（不低于 0）"
                self._why = (_x_text, text)
                return raw
            if ind.method == "bands":
                bands = p["bands"]
                points = m.band_score(b, bands)
                if points is None:
                    self._row_add("band-not-found", "params", actual=plain(b))
                    return ZERO
                spec = next(
                    (bd["range"] if isinstance(bd, dict) else bd[0])
                    for bd in bands
                    if m._in_interval(b, m.parse_interval(bd["range"] if isinstance(bd, dict) else bd[0]))
                )
                self._why = (_x_text, f"分档：实际 {num(b)} 落在 {spec}，得 {plain(points)} 分")
                return points
            mode = str(p.get("mode", "met"))
            if mode not in ("met", "violation"):
                raise ValueError(f"mode 只能是 met 或 violation，现在是 “{mode}”")
            points = Decimal(str(p.get("points", 1)))
            raw = m.checklist(w, b, points, mode)
            if mode == "violation":
                text = f"逐项扣分：{fmt(w)} − {plain(b)} 项 × {plain(points)} = {fmt(w - points * b)}"
            else:
                text = f"逐项计分：{plain(b)} 项 × {plain(points)} = {fmt(points * b)}"
            if raw != (w - points * b if mode == "violation" else points * b):
                text += f"，按 {fmt(raw)} 计（0 到分值 {fmt(w)} 之间）"
            self._why = (_x_text, text)
            return raw
        except KeyError as exc:
            self._row_add("bad-params", "params", "missing", method=ind.method, name=exc.args[0])
        except (ValueError, TypeError, ArithmeticError) as exc:
            self._row_add("bad-params", "params", method=ind.method, error=exc)
        return ZERO

    # ---------------------------------------------------------------- form

    def form_checks(self, results: list[IndicatorResult], funds: FundsResult) -> None:
        form = self.form
        if not form.year:
            self.add("missing-year", "year", ("year",))
        canonical = self.rules.canonical_category
        # weights per category, in order of first appearance
        names = {r.category for r in results}  # a few headings over many rows: each looked up once
        canonical_of = {name: canonical(name) for name in names}
        cats = [canonical_of[r.category] for r in results]
        sums: dict[str, Decimal] = {}
        for cat, r in zip(cats, results):
            sums[cat] = sums.get(cat, ZERO) + r.weight
        total_weight = sum((r.weight for r in results), ZERO)
        declared = {canonical(k): v for k, v in form.categories.items()}
        for cat in list(declared) + [c for c in sums if c not in declared]:
            got = sums.get(cat, ZERO)
            want = declared.get(cat)
            if want is None:
                want = self.rules.category_weight(cat)
            self.category_weights[cat] = got if want is None else want
            if want is None and cat in self.rules.weights:  # category_weights = "form": the rows set it
                continue
            if want is None:
                if _LOOKS_LIKE_VALUE.search(cat):
                    at = next(r for r, c in zip(results, cats) if c == cat)
                    self.add(
                        "category-looks-like-value", at.where, ("indicators", at.index, "category"), category=cat
                    )
                self.add("category-weight-assumed", f"categories.{cat}", ("categories",), category=cat, summed=fmt(got))
                continue
            if got != want:
                self.add(
                    "weights-sum", f"categories.{cat}", ("categories", cat) if cat in form.categories else ("indicators",),
                    "category", category=cat, want=fmt(want), got=fmt(got),
                )
        for r, full in zip(results, self._fulls):
            if r.weight != full:
                self.add("weight-precision", r.where, ("indicators", r.index, "weight"), weight=r.weight)
        total_weight += funds.weight
        if total_weight != HUNDRED:
            self.add("weights-sum", "weights", ("indicators",), total=fmt(total_weight))
        # the same indicator under two categories
        seen: dict[str, str] = {}
        for r, cat in zip(results, cats):
            name = r.name.strip()
            first = seen.get(name)
            if first is None:
                seen[name] = cat
            elif first != cat:
                self.add(
                    "duplicate-indicator", f"indicators[{r.index + 1}] {name}", ("indicators", r.index, "name"),
                    name=name, first=first, second=cat,
                )
        # a form filled for form's sake
        scoring = self.rules.scoring
        if len(results) >= scoring.all_full_marks_min_rows:
            tol = scoring.full_marks_tolerance  # a score (or claim) this far below the weight still counts as full marks
            all_full = all(
                0 <= r.weight - r.score <= tol and (r.claimed is None or 0 <= r.weight - r.claimed <= tol) for r in results
            )
            values = [parse_value(r.actual) for r in results] if all_full else []
            all_hundred = bool(values) and all(
                isinstance(v, Quantity) and v.unit == "%" and v.value == HUNDRED for v in values
            )
            if all_hundred:
                self.add("all-full-marks", "indicators", ("indicators",))

    def totals(self, results: list[IndicatorResult], funds: FundsResult) -> tuple[Decimal, str]:
        form = self.form
        scores = sum((r.score for r in results), ZERO)
        summed = funds.score + scores
        rules = self.rules
        cap = rules.funds.total_cap(funds.rate) if rules.funds.total_caps else None
        total = summed
        if cap is not None and total > cap.max:
            total = q2(cap.max)
            self.add(
                "total-capped", "total", ("claimed", "total"),
                rate=percent(funds.rate), below=plain(cap.below * 100), max=plain(cap.max), summed=fmt(summed), total=fmt(total),
            )
        grade = rules.grade_for(total)
        self.total_why = (_x_total, funds.score, scores, summed, cap, funds.rate, total, grade, rules.grades.bands)
        claimed_total = form.claimed.total
        funds_claimed = funds.claimed
        if funds_claimed is None and funds.weight == 0:
            funds_claimed = ZERO  # a money block without points claims nothing: the rows still add up
        if claimed_total is not None and funds_claimed is not None:
            claimed_sum = ZERO + funds_claimed
            for r in results:
                if r.claimed is None:
                    if r.applicable:
                        break
                    continue  # a 不适用 row claims nothing
                claimed_sum += r.claimed
            else:  # every row claims a score
                expected = claimed_sum
                if cap is not None and expected > cap.max:
                    expected = cap.max
                if expected != claimed_total and q2(expected) != q2(claimed_total):
                    capped = f"（执行率封顶 {plain(cap.max)} 分）" if cap is not None and expected != claimed_sum else ""
                    self.add(
                        "total-mismatch", "claimed.total", ("claimed", "total"),
                        claimed=fmt(claimed_total), summed=fmt(claimed_sum), capped=capped,
                    )
        claimed_grade = form.claimed.grade.strip()
        if claimed_grade and rules.grades.bands:
            expected_grade = rules.grade_for(claimed_total) if claimed_total is not None else None
            if expected_grade is not None and claimed_grade != expected_grade:
                self.add(
                    "grade-mismatch", "claimed.grade", ("claimed", "grade"), "claimed-total",
                    claimed=claimed_grade, total=fmt(claimed_total), grade=expected_grade,
                )
            elif claimed_grade != grade:
                self.add(
                    "grade-mismatch", "claimed.grade", ("claimed", "grade"), claimed=claimed_grade, total=fmt(total), grade=grade
                )
        return total, grade

    def rescale_factors(self) -> None:
        """With ``not_applicable = "rescale"``: per category with 不适用 rows, (its weight, the applicable rows' weight)."""
        whole: dict[str, Decimal] = {}
        left_out: dict[str, Decimal] = {}
        for ind in self.form.indicators:
            cat = self.rules.canonical_category(ind.category)
            whole[cat] = whole.get(cat, ZERO) + ind.weight
            if self._not_applicable(ind):
                left_out[cat] = left_out.get(cat, ZERO) + ind.weight
        for cat, out in left_out.items():
            applicable = whole[cat] - out
            if out > 0 and applicable > 0:
                self._factors[cat] = (whole[cat], applicable)


def score_form(form: Form, rules: RuleSet | None = None, file: str = "") -> Result:
    """Score a validated form.  Findings carry locations but no line numbers."""
    rules = rules or load_rules(form.rules)
    s = _Scorer(form, rules)
    if rules.scoring.not_applicable == "rescale":
        s.rescale_factors()
    funds = s.funds()
    indicator = s.indicator
    results = [indicator(i, ind) for i, ind in enumerate(form.indicators)]
    s.form_checks(results, funds)
    total, grade = s.totals(results, funds)
    claimed = form.claimed
    return Result(
        file,
        form,
        rules,
        funds,
        results,
        total,
        claimed.total,
        grade,
        claimed.grade.strip(),
        s.findings,
        s.total_why,
        s.category_weights,
    )


def attach_lines(result: Result, text: str) -> None:
    """Fill each finding's TOML line from the file text (only when there are findings)."""
    if not result.findings:
        return
    lines = key_lines(text)
    for f in result.findings:
        loc = f.loc
        for n in range(len(loc), 0, -1):
            if loc[:n] in lines:
                f.line = lines[loc[:n]]
                break


def load_and_score(path: str | Path, rules: str | None = None) -> tuple[Result, str]:
    """Read, validate and score one form file; raises FormError if it cannot be read."""
    result, text, _ = load_scored(path, rules)
    return result, text


def _ruleset_for(form: Form, rules: str | None, path: str | Path, bundled_only: bool) -> RuleSet:
    """The command line's ``rules`` (the user's choice), else the form's own, bounded by :func:`form_rules`."""
    if rules:
        return load_rules(rules, os.path.dirname(path) or ".")
    return form_rules(form.rules, os.path.dirname(path) or ".", bundled_only=bundled_only)


def load_scored(path: str | Path, rules: str | None = None, *, bundled_only: bool = False) -> tuple[Result, str, str]:
    """(result, text for line numbers, where in the file the form is).

    ``bundled_only``: the form's ``rules`` may name only a bundled rule set
    (a bureau's review: a rules file is the reviewer's ``rules``).

    A spreadsheet or text submission is imported on the fly: its findings
    then name their cell (``Sheet1!F12``) instead of a line, the text is ""
    (no lines to attach) and the third item says where the form is
    ("工作表 Sheet1"); for a TOML form it is "".
    """
    if not str(path).endswith(".toml"):
        from jixiao.indicators.importing import is_imported, load_submission

        if is_imported(path):
            form, _text, notes = load_submission(path)
            ruleset = _ruleset_for(form, rules, path, bundled_only)
            result = score_form(form, ruleset, str(path))
            imported = notes.imported
            if imported is not None:
                for f in result.findings:
                    address = imported.address(f.loc)
                    if address:
                        f.where = f"{address} {f.where}".rstrip()
                        f.address = address
                # what the import could not read is not scored: said, never silently left out
                result.findings += [make("import-problem", n.message, n.address) for n in notes if n.kind == "problem"]
                return result, "", imported.origin
            return result, "", ""
    data, text = read_toml(path)
    form = validate_model(Form, data, text, str(path), FORM_SECTIONS)
    try:
        ruleset = _ruleset_for(form, rules, path, bundled_only)
    except FormError as exc:
        if rules:  # named on the command line, not by the form
            raise
        raise FormError(_rules_problems(exc.problems, str(path), text, form.rules)) from None
    result = score_form(form, ruleset, str(path))
    return result, text, ""


def _rules_problems(problems: list[Problem], source: str, text: str, ref: str) -> list[Problem]:
    """The problems of the rule set a form names, told at the form's ``rules =`` line.

    A rule set that cannot be found or read at all is the form's problem; one
    with errors inside keeps those (with its own file and lines) after a line
    saying which line of the form named it.
    """
    line = key_lines(text).get(("rules",))
    whole = [p for p in problems if p.line is None and p.key in ("", "rules")]
    out = []
    for p in whole:
        message = p.message if ref in p.message else f"规则集 “{ref}” 无法使用：{p.message}"
        out.append(Problem(source, "rules", line, message))
    rest = [p for p in problems if p not in whole]
    if rest:
        out.append(Problem(source, "rules", line, f"表单指定的规则集 “{ref}” 有错误（见下），无法评分。"))
        out += rest
    return out


def score_file(path: str | Path, rules: str | None = None) -> Result:
    result, text = load_and_score(path, rules)
    attach_lines(result, text)
    return result

