"""The engine: form + rule set → result.  Nothing else computes a score.

``score_form`` is a pure function of a validated :class:`Form` and a
:class:`RuleSet`.  Reading a file (TOML or imported) is not the engine's:
``jixiao.scoring.loading.score_file`` loads a submission with
``jixiao.indicators.submission`` and scores it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jixiao.indicators.loader import FormError
from jixiao.indicators.schema import FUNDS_COLUMNS, FUNDS_ROWS, Form, Indicator
from jixiao.indicators.values import (
    FORMAT_CHARS,
    Deadline,
    Text,
    looks_quantitative,
    match_text,
    parse_value,
)

from . import methods as m
from .checks import (
    FORM_HOOKS,
    FUNDS_HOOKS,
    INDICATOR_HOOKS,
    applicable,
    claims,
    common,
    deadline,
    deviation,
    manual,
    qualitative,
    quantity,
)
from .explain import (
    COLUMN_LABELS,
    explained,
    x_equal,
    x_funds,
    x_higher,
    x_lines,
    x_lower,
    x_no_rate,
    x_rescaled,
    x_score,
    x_text,
    x_total,
)
from .findings import Finding, raise_finding
from .rules import RuleSet, form_rules
from .vocabulary import fmt, plain, year_label

__all__ = [
    "IndicatorResult",
    "FundsResult",
    "FundsLineResult",
    "Result",
    "score_form",
    "canonical_category",
    "fmt",
    "plain",
    "year_label",
    "FormError",
]

ZERO = Decimal(0)
q2 = m.q2  # round to 2 places, half up: every score, weight and money comparison

# Standard level-1 names and the short spellings real forms use: the rule set's
# ``category_aliases`` (these are its defaults, for callers without a rule set).
_CATEGORY_ALIASES: dict[str, str] = RuleSet.model_fields["category_aliases"].get_default(call_default_factory=True)




def canonical_category(name: str, rules: RuleSet | None = None) -> str:
    """The level-1 heading a form's spelling stands for, by the rule set's aliases (产出 → 产出指标)."""
    if rules is not None:
        return rules.canonical_category(name)
    plain = FORMAT_CHARS.sub("", name).strip()  # 产出\u200b指标 is 产出指标
    return _CATEGORY_ALIASES.get(plain) or _CATEGORY_ALIASES.get(match_text(plain), plain).strip()


_SUB_ROWS = FUNDS_ROWS[1:]  # the rows whose sum is the total
_ALL_COLUMNS = FUNDS_COLUMNS + ("adjusted",)
_COMMON_METHODS = frozenset(("step_deduct", "bands", "checklist"))


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
        return explained(self.why)

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
class FundsLineResult:
    """One funds line with its own points: 分值, its rate (unrounded; None without amounts), 得分 and the claim."""

    name: str
    weight: Decimal
    rate: Decimal | None
    score: Decimal
    claimed: Decimal | None
    denominator_label: str = "全年预算数"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": fmt(self.weight),
            "rate": f"{self.rate.quantize(Decimal('0.000001'), rounding='ROUND_HALF_UP'):f}" if self.rate is not None else None,
            "score": fmt(self.score),
            "claimed": fmt(self.claimed) if self.claimed is not None else None,
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
    lines: list[FundsLineResult] = field(default_factory=list)  # lines with their own points, when the form has them

    @property
    def explain(self) -> str:
        """``执行率 78.90 ÷ 80.00 = 98.63%，× 10 = 9.86``."""
        return explained(self.why)

    @property
    def denominator_label(self) -> str:
        return COLUMN_LABELS[self.denominator]

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight": fmt(self.weight),
            "rate": f"{self.rate.quantize(Decimal('0.000001'), rounding='ROUND_HALF_UP'):f}" if self.rate is not None else None,
            "score": fmt(self.score),
            "claimed": fmt(self.claimed) if self.claimed is not None else None,
            "denominator": self.denominator,
            "explain": self.explain,
        } | ({"lines": [line.to_dict() for line in self.lines]} if self.lines else {})


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
        return explained(self.total_why)

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


@lru_cache(maxsize=64)
def _any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern found in a text that contains one of ``words`` (none: never found); made once per word list."""
    return re.compile("|".join(re.escape(w) for w in words if w) or r"(?!)")


class _Scorer:
    """Scores one form: the arithmetic (scores, rate, total, grade).  The findings come from the
    checks (``scoring/checks/``), called at the places their hooks name; they raise with
    :meth:`add` and :meth:`row_add` and read what the scorer keeps here.

    This runs once per form in a batch of thousands, so the common path is
    kept lean: rule settings are read once, messages are only formatted for
    findings actually raised, and nothing is rounded twice.
    """

    def __init__(self, form: Form, rules: RuleSet):
        self.form = form
        self.rules = rules
        self.findings: list[Finding] = []
        scoring = rules.scoring
        self.bare_op = scoring.bare_number_operator
        self.ratio = scoring.over_achievement_ratio
        self.reverse = scoring.reverse_formula
        self.cost_words = _any_word(tuple(scoring.cost_keywords))
        self.satisfaction_words = _any_word(tuple(scoring.satisfaction_keywords))
        self.places = scoring.score_precision
        self.criteria_notes = scoring.criteria_notes
        self.sub_ops: tuple[tuple[str, str], ...] | None = None  # bare_number_operators' items, read when first needed
        self._names: str | None = None  # the rows' names, joined: see ``row_names``
        qualitative = rules.qualitative
        self.achieved = qualitative.achieved
        self.partial = qualitative.partial
        self.scales, self.book = m.scale_book(qualitative)
        self._factors: dict[str, tuple[Decimal, Decimal]] = {}  # category → (whole, applicable) when rescaled
        self.why: tuple[Any, ...] = ()  # the explanation of the row being scored
        self.total_why: tuple[Any, ...] = ()
        self.category_weights: dict[str, Decimal] = {}
        # (heading, its rows' sum, its weight from [categories] or the rule set, else None), in order of first appearance
        self.category_sums: list[tuple[str, Decimal, Decimal | None]] = []
        self.cats: list[str] = []  # each indicator's canonical heading, in order
        self.fulls: list[Decimal] = []  # each indicator's weight rounded to 2 places, in order
        self.summed = ZERO  # the total before a cap
        self.cap: Any = None  # the rule set's total cap for the rate, or None
        # the indicator being scored (set by ``indicator``) and the findings raised on it so far
        self._index = -1
        self._name = ""
        self._found: list[Finding] = []

    def row_names(self) -> str:
        """Every row's 三级指标 name, one per line: made once per form for the checks that look for a word in them."""
        names = self._names
        if names is None:
            names = self._names = "\n".join([ind.name for ind in self.form.indicators])
        return names

    def add(self, code: str, where: str, loc: tuple[Any, ...], variant: str = "", **params: Any) -> None:
        """A finding on the form; its message is the catalogue's (``scoring/findings.py``)."""
        self.findings.append(raise_finding(code, where, loc, variant, **params))

    def row_add(self, code: str, key: str = "", variant: str = "", **params: Any) -> None:
        """A finding on the indicator being scored, at its key ``key``; its message is the catalogue's."""
        index, found = self._index, self._found
        where = found[0].where if found else f"indicators[{index + 1}] {self._name}"
        loc = ("indicators", index, key) if key else ("indicators", index)
        found.append(raise_finding(code, where, loc, variant, **params))

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
        if not subrows and total is None and funds.lines:  # a block of lines only: their money is the form's
            subrows = list(funds.lines)
        effective: dict[str, Decimal | None] = {}
        for col in _ALL_COLUMNS:
            values = [getattr(row, col) for row in subrows if getattr(row, col) is not None]
            if values:
                effective[col] = sum(values, ZERO)  # the rows' sum wins over the 合计 row (checks/funds.py compares them)
            else:  # no row gives this column: nothing to sum
                effective[col] = getattr(total, col) if total is not None else None
        rows: dict[str, dict[str, Decimal | None]] = {"total": effective}
        for name, row in sub.items():
            rows[name] = {"initial": row.initial, "annual": row.annual, "executed": row.executed, "adjusted": row.adjusted}

        denominator_key = rules.denominator
        denominator = effective.get(denominator_key)
        fallback = rules.denominator_fallback
        if denominator is None and fallback and fallback != denominator_key:
            denominator_key = fallback
            denominator = effective.get(fallback)
        executed = effective.get("executed")
        rate: Decimal | None = None
        score = ZERO
        why: tuple[Any, ...]
        label = COLUMN_LABELS[denominator_key]
        if denominator is None or denominator == 0:
            why = (x_no_rate, label, w, False)
        elif executed is None:
            why = (x_no_rate, label, w, True)
        else:
            # the rate is computed and shown even when the money block carries no points (weight 0)
            rate = executed / denominator
            why = (x_funds, executed, denominator, label, w, rules.cap)
            if w > 0:
                raw = w * max(rate, ZERO)
                if rules.cap:
                    raw = min(raw, w)
                score = q2(raw)
        result = FundsResult(w, rate, score, funds.claimed, rows, funds.note, denominator_key, why)
        if funds.lines:
            self._lines(result)
        for hook in FUNDS_HOOKS:
            hook(self, result)
        return result

    def _lines(self, result: FundsResult) -> None:
        """Funds lines with their own points (基本支出 10, 项目支出 10): each 分值 × its own rate, capped by the rule
        set; the funds weight and score are their sums, the claim their claims' sum when every line claims one."""
        rules = self.rules.funds
        parts = []
        weight = score = ZERO
        claims: Decimal | None = ZERO
        for line in self.form.funds.lines:
            col = rules.denominator
            denominator = getattr(line, col)
            if denominator is None and rules.denominator_fallback:
                col = rules.denominator_fallback
                denominator = getattr(line, col)
            executed = line.executed
            w = line.weight
            rate = executed / denominator if executed is not None and denominator else None
            points = ZERO
            if rate is not None and w > 0:
                raw = w * max(rate, ZERO)
                points = q2(min(raw, w) if rules.cap else raw)
            parts.append(FundsLineResult(line.name, w, rate, points, line.claimed, COLUMN_LABELS[col]))
            weight += w
            score += points
            claims = None if claims is None or line.claimed is None else claims + line.claimed
        result.lines = parts
        result.weight = weight
        result.score = score
        if result.claimed is None:
            result.claimed = claims
        result.why = (x_lines, parts, score)

    # ---------------------------------------------------------- indicators

    def indicator(self, index: int, ind: Indicator) -> IndicatorResult:
        found: list[Finding] = []  # this row's findings, added to the form's at the end
        self._index, self._name, self._found = index, ind.name, found
        self.why = ()
        w = ind.weight
        needs_note: list[str] = []  # reasons a deviation note is required
        actual = ind.actual
        if (not ind.applicable or "不" in actual or actual in applicable.SLASHES) and applicable.left_out(ind):
            return self._left_out(index, ind, found)

        method, raw_score, tier = self._score(ind, w, needs_note)
        full = q2(w)  # the best score a row can print (w ≥ 0: the schema says so)
        self.fulls.append(full)
        factor = self._factors.get(self.rules.canonical_category(ind.category)) if self._factors else None
        if factor is not None:  # 不适用 rows in this category: the rest rescaled to the category weight
            whole, share = factor
            inner = self.why or (x_score, min(raw_score, w))
            raw_score = min(raw_score, w) * whole / share
            w_scaled = w * whole / share
            full = q2(w_scaled)
            score = full if raw_score >= w_scaled else (q2(raw_score) if raw_score > 0 else ZERO)
            self.why = (x_rescaled, inner, whole, share, raw_score, score)
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
            if any(f.code == "qualitative-out-of-tier" for f in found):  # the tier's range is said there, not a clamped score
                if claimed > w_check or claimed < 0:
                    claims.check(claimed, claimed, w_check, where, ("indicators", index, "claimed"), "", found)
            else:
                claims.check(claimed, score, w_check, where, ("indicators", index, "claimed"), "", found, self.places)
        if (needs_note or score < full or (claimed is not None and claimed < full)) and not ind.note.strip():
            deviation.check(self, found, needs_note, score, full, claimed, w_check)
        why: tuple[Any, ...] = self.why
        if not why:
            first = next((f for f in found if f.severity == "error"), None)
            why = (x_score, score, first.message) if first is not None else (x_score, score)
        result = IndicatorResult(
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
        if INDICATOR_HOOKS:
            for hook in INDICATOR_HOOKS:
                hook(self, ind, result)
        if found:
            self.findings.extend(found)
        return result

    def _left_out(self, index: int, ind: Indicator, found: list[Finding]) -> IndicatorResult:
        """A row marked 不适用: 0 points; with ``not_applicable = "rescale"`` its category's other rows make up for it."""
        w = ind.weight
        self.fulls.append(q2(w))
        text = applicable.note(self)
        claimed = ind.claimed
        if claimed is not None and claimed != 0:
            claims.check(claimed, ZERO, w, found[0].where, ("indicators", index, "claimed"), "", found)
        self.findings.extend(found)
        return IndicatorResult(
            index, ind.category, ind.subcategory, ind.name, w, ZERO, claimed, "not_applicable",
            ind.target, ind.actual, ind.note, "", found, (x_text, text), ind.standard, False,
        )

    def _score(self, ind: Indicator, w: Decimal, needs_note: list[str]) -> tuple[str, Decimal, str]:
        """(method, unrounded score, tier) for one indicator: the method's arithmetic, the values read by the checks."""
        method: str = ind.method
        if method == "manual" or method == "criteria":
            return manual.score(self, ind, w)
        if method in _COMMON_METHODS:
            return method, common.score(self, ind, w), ""
        target = parse_value(ind.target)
        actual = parse_value(ind.actual)
        target_type = type(target)
        if method == "auto" and target_type is Text and looks_quantitative(ind.target):
            return quantity.unreadable(self, ind)
        if method == "qualitative" or (method == "auto" and target_type is Text):
            return qualitative.score(self, ind, w, needs_note, actual, target)
        if target is None:
            return quantity.no_target(self, method)
        if isinstance(target, Deadline):
            return deadline.score(self, ind, w, target, actual, needs_note)
        method, a, b, scale = quantity.read(self, ind, method, target, actual, needs_note)
        if a is None:
            return method, ZERO, ""
        if method == "higher":
            self.why = (x_higher, w, a, b, scale)  # divided by the scale only when explained
            return method, m.higher_is_better(w, a, b), ""
        if method == "lower":
            self.why = (x_lower, w, a, b, self.reverse, scale)
            return method, m.lower_is_better(w, a, b, self.reverse), ""
        if method == "equal":
            self.why = (x_equal, w, a, b, scale)
            return method, m.equal_to(w, a, b), ""
        raise AssertionError(method)  # pragma: no cover

    # ---------------------------------------------------------------- form

    def categories(self, results: list[IndicatorResult]) -> None:
        """Each heading's weight (``category_weights``) and the sums the weights check compares."""
        canonical = self.rules.canonical_category
        names = {r.category for r in results}  # a few headings over many rows: each looked up once
        canonical_of = {name: canonical(name) for name in names}
        cats = self.cats = [canonical_of[r.category] for r in results]
        sums: dict[str, Decimal] = {}
        for cat, r in zip(cats, results):
            sums[cat] = sums.get(cat, ZERO) + r.weight
        declared = {canonical(k): v for k, v in self.form.categories.items()}
        for cat in list(declared) + [c for c in sums if c not in declared]:
            got = sums.get(cat, ZERO)
            want = declared.get(cat)
            if want is None:
                want = self.rules.category_weight(cat)
            self.category_weights[cat] = got if want is None else want
            self.category_sums.append((cat, got, want))

    def totals(self, results: list[IndicatorResult], funds: FundsResult) -> tuple[Decimal, str]:
        scores = sum((r.score for r in results), ZERO)
        summed = self.summed = funds.score + scores
        rules = self.rules
        cap = self.cap = rules.funds.total_cap(funds.rate) if rules.funds.total_caps else None
        total = summed
        if cap is not None and total > cap.max:
            total = q2(cap.max)  # checks/totals.py says so
        grade = rules.grade_for(total)
        self.total_why = (x_total, funds.score, scores, summed, cap, funds.rate, total, grade, rules.grades.bands)
        return total, grade

    def rescale_factors(self) -> None:
        """With ``not_applicable = "rescale"``: per category with 不适用 rows, (its weight, the applicable rows' weight)."""
        whole: dict[str, Decimal] = {}
        left: dict[str, Decimal] = {}
        for ind in self.form.indicators:
            cat = self.rules.canonical_category(ind.category)
            whole[cat] = whole.get(cat, ZERO) + ind.weight
            if applicable.left_out(ind):
                left[cat] = left.get(cat, ZERO) + ind.weight
        for cat, out in left.items():
            share = whole[cat] - out
            if out > 0 and share > 0:
                self._factors[cat] = (whole[cat], share)


def score_form(form: Form, rules: RuleSet | None = None, file: str = "") -> Result:
    """Score a validated form.  Findings carry locations but no line numbers."""
    # a form's own rules file only from the working folder (scoring/rules.py, form_rules): never any path it names
    rules = rules or form_rules(form.rules, ".")
    s = _Scorer(form, rules)
    if rules.scoring.not_applicable == "rescale":
        s.rescale_factors()
    funds = s.funds()
    indicator = s.indicator
    results = [indicator(i, ind) for i, ind in enumerate(form.indicators)]
    s.categories(results)
    total, grade = s.totals(results, funds)
    claimed = form.claimed
    result = Result(
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
    for hook in FORM_HOOKS:
        hook(s, result)
    return result
