"""The engine: form + rule set → result.  Nothing else computes a score.

``score_form`` is a pure function of a validated :class:`Form` and a
:class:`RuleSet`.  ``score_file`` adds reading the file and attaching TOML
line numbers to findings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from indicators.loader import _SECTIONS as FORM_SECTIONS
from indicators.loader import FormError, Problem, key_lines, read_toml, validate_model
from indicators.schema import FUNDS_COLUMNS, FUNDS_ROWS, Form, Indicator
from indicators.values import OPERATOR_SYMBOLS, Deadline, Quantity, Text, parse_value

from . import methods as m
from .findings import SEVERITY, Finding, make
from .rules import RuleSet, load_rules

__all__ = [
    "IndicatorResult",
    "FundsResult",
    "Result",
    "score_form",
    "score_file",
    "load_and_score",
    "attach_lines",
    "canonical_category",
    "fmt",
    "plain",
    "FormError",
]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = m.CENT
HALF_UP = ROUND_HALF_UP  # x.quantize(CENT, HALF_UP) is m.q2(x) without the call

# Standard level-1 names and the short spellings real forms use.
_CATEGORY_ALIASES = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}


def canonical_category(name: str) -> str:
    return _CATEGORY_ALIASES.get(name, name).strip()


def fmt(value: Decimal | None) -> str:
    """A Decimal as plain text with two places ("8.62"), or "" for None."""
    if value is None:
        return ""
    # str() of a Decimal with exponent -2 is its "f" format (never an exponent), and cheaper
    return str(value.quantize(CENT, HALF_UP))


_SUB_ROWS = FUNDS_ROWS[1:]  # the rows whose sum is the total
_ALL_COLUMNS = FUNDS_COLUMNS + ("adjusted",)
_ROW_LABELS = {"total": "年度资金总额", "appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
_COLUMN_LABELS = {"initial": "年初预算数", "annual": "全年预算数", "executed": "全年执行数", "adjusted": "调整后预算"}
_COMMON_METHODS = frozenset(("step_deduct", "bands", "checklist"))
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

    @property
    def where(self) -> str:
        return f"indicators[{self.index + 1}] {self.name}"

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
            "findings": [f.code for f in self.findings],
        }


@dataclass(slots=True)
class FundsResult:
    weight: Decimal
    rate: Decimal | None  # unrounded fraction
    score: Decimal
    claimed: Decimal | None
    rows: dict[str, dict[str, Decimal | None]]  # effective total and the sub-rows
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight": fmt(self.weight),
            "rate": f"{self.rate.quantize(Decimal('0.000001'), rounding='ROUND_HALF_UP'):f}" if self.rate is not None else None,
            "score": fmt(self.score),
            "claimed": fmt(self.claimed) if self.claimed is not None else None,
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
            "total": {"score": fmt(self.total), "claimed": fmt(self.claimed_total) if self.claimed_total is not None else None},
            "grade": {"computed": self.grade, "claimed": self.claimed_grade or None},
            "findings": [f.to_dict() for f in self.findings],
        }


# ------------------------------------------------------------------ helpers


def plain(d: Decimal) -> str:
    """A number as people write it: 50, 12.5, 0.96 (no exponent, no trailing zeros)."""
    text = format(d.normalize(), "f")
    return "0" if text == "-0" else text


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
        qualitative = rules.qualitative
        self._achieved = qualitative.achieved
        self._partial = qualitative.partial
        self._fulls: list[Decimal] = []  # each indicator's weight rounded to 2 places, in order
        self._row: tuple[int, Indicator, list[Finding]] = (-1, None, [])  # type: ignore[assignment]  # set per indicator

    def add(self, code: str, message: str, where: str, loc: tuple[Any, ...]) -> None:
        self.findings.append(Finding(code, message, where, loc, None, SEVERITY[code]))

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
        subrows = list(sub.values())
        effective: dict[str, Decimal | None] = {}
        for col in _ALL_COLUMNS:
            summed: Decimal | None = None
            for row in subrows:
                value = getattr(row, col)
                if value is not None:
                    summed = (ZERO if summed is None else summed) + value  # as sum(values, ZERO)
            given = getattr(total, col) if total is not None else None
            if (
                given is not None
                and summed is not None
                and given != summed  # equal values round equal
                and given.quantize(CENT, HALF_UP) != summed.quantize(CENT, HALF_UP)
            ):
                self.add(
                    "funds-total-mismatch",
                    f"年度资金总额的{_COLUMN_LABELS[col]}为 {fmt(given)} 万元，但各资金来源行之和为 {fmt(summed)} 万元。"
                    "执行率按各行之和计算；请改正合计行。",
                    "funds.total",
                    ("funds", "total", col),
                )
            effective[col] = summed if summed is not None else given
        rows: dict[str, dict[str, Decimal | None]] = {"total": effective}
        for name, row in sub.items():
            rows[name] = {"initial": row.initial, "annual": row.annual, "executed": row.executed}
        for name, row in (("total", total), *sub.items()):
            if row is not None and row.executed is not None and row.executed < 0:
                self.add(
                    "funds-negative-executed",
                    f"{_ROW_LABELS[name]}的全年执行数为 {fmt(row.executed)} 万元，小于 0。执行数不能为负，请核对。",
                    f"funds.{name}",
                    ("funds", name, "executed"),
                )

        denominator_key = rules.denominator
        denominator = effective.get(denominator_key)
        if denominator_key == "adjusted" and denominator is None:
            denominator = effective.get("annual")
        executed = effective.get("executed")
        rate: Decimal | None = None
        score = ZERO
        if w > 0:
            if denominator is None or denominator == 0:
                self.add(
                    "funds-zero-budget",
                    "全年预算数为 0 或未填写，无法计算执行率，资金执行率得 0 分。请在 [funds.total] 或各资金来源行填写全年预算数。",
                    "funds",
                    ("funds",),
                )
            elif executed is None:
                self.add("missing-value", "未填写全年执行数，资金执行率得 0 分。", "funds", ("funds",))
            else:
                rate = executed / denominator
                raw = w * max(rate, ZERO)
                if rules.cap:
                    raw = min(raw, w)
                score = raw.quantize(CENT, HALF_UP)
                over = rules.over_budget_ratio
                if over > 0 and rate > over:
                    self.add(
                        "funds-over-budget",
                        f"全年执行数 {fmt(executed)} 万元是预算数 {fmt(denominator)} 万元的 {rate:.2f} 倍，"
                        f"超过 {plain(over)} 倍的合理性检查线。请核对数字和单位（金额以万元计）。",
                        "funds.total",
                        ("funds", "total", "executed") if total is not None and total.executed is not None else ("funds",),
                    )
                note_below = rules.note_below
                if note_below > 0 and rate < note_below:
                    self.add(
                        "rate-below-threshold",
                        f"执行率 {rate * 100:.2f}% 低于 {note_below * 100:.0f}%，须写明原因。",
                        "funds",
                        ("funds", "note"),
                    )
                    if not funds.note.strip():
                        self.add(
                            "missing-deviation-note",
                            "执行率偏低但未填写原因（[funds] note）。",
                            "funds",
                            ("funds", "note"),
                        )
        claimed = funds.claimed
        if claimed is not None:
            self._check_claimed(claimed, score, w, "funds", ("funds", "claimed"), "资金执行率", self.findings)
        return FundsResult(w, rate, score, claimed, rows, funds.note)

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
            out.append(make("score-above-weight", f"{label}填报得分 {fmt(claimed)} 高于分值 {fmt(w)}。", where, loc))
        elif claimed < 0:
            out.append(make("score-negative", f"{label}填报得分 {fmt(claimed)} 小于 0。", where, loc))
        # score has two places, so a claim equal to it rounds to it
        if claimed != score and claimed.quantize(CENT, HALF_UP) != score:
            out.append(make("score-mismatch", f"{label}填报得分 {fmt(claimed)}，按规则应为 {fmt(score)}。", where, loc))

    def _row_add(self, code: str, message: str, key: str = "") -> None:
        """A finding on the indicator being scored (see ``indicator``)."""
        index, ind, found = self._row
        where = found[0].where if found else f"indicators[{index + 1}] {ind.name}"
        loc = ("indicators", index, key) if key else ("indicators", index)
        found.append(Finding(code, message, where, loc, None, SEVERITY[code]))

    def indicator(self, index: int, ind: Indicator) -> IndicatorResult:
        found: list[Finding] = []  # this row's findings, added to the form's at the end
        self._row = (index, ind, found)
        w = ind.weight
        needs_note: list[str] = []  # reasons a deviation note is required

        method, raw_score, tier = self._score(ind, w, needs_note)
        full = w.quantize(CENT, HALF_UP)  # the best score a row can print (w ≥ 0: the schema says so)
        self._fulls.append(full)
        if raw_score >= w:
            score = full
        else:
            score = raw_score.quantize(CENT, HALF_UP) if raw_score > 0 else ZERO

        claimed = ind.claimed
        if claimed is not None and (claimed != score or claimed > w or claimed < 0):
            where = found[0].where if found else f"indicators[{index + 1}] {ind.name}"
            self._check_claimed(claimed, score, w, where, ("indicators", index, "claimed"), "", found)
        below = score < full
        if (needs_note or below or (claimed is not None and claimed < full)) and not ind.note.strip():
            # the first reason: one found while scoring, else the score (or claim) below the weight
            if needs_note:
                reason = needs_note[0]
            elif below:
                reason = f"得分 {fmt(score)} 低于分值 {fmt(w)}"
            else:
                reason = f"填报得分 {fmt(claimed)} 低于分值 {fmt(w)}"
            self._row_add("missing-deviation-note", f"{reason}，须填写偏差原因分析及改进措施。", "note")
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
        )

    def _score(self, ind: Indicator, w: Decimal, needs_note: list[str]) -> tuple[str, Decimal, str]:
        """(method, unrounded score, tier) for one indicator."""
        method = ind.method
        if method == "manual":
            if ind.claimed is None:
                self._row_add("missing-value", "人工评分须在“得分”（claimed）中填写分数。", "claimed")
                return method, ZERO, ""
            if not ind.note.strip():
                self._row_add("missing-reason", "人工评分须在 note 中写明评分理由。", "note")
            return method, ind.claimed, ""
        if method in _COMMON_METHODS:
            return method, self._common(ind, w), ""

        target = parse_value(ind.target)
        actual = parse_value(ind.actual)
        target_type = type(target)
        if method == "qualitative" or (method == "auto" and target_type is Text):
            return self._qualitative(ind, w, needs_note, actual)
        if target is None:
            self._row_add("missing-value", "年度指标值为空，无法评分，得 0 分。请填写年度指标值。", "target")
            return (method if method != "auto" else "higher"), ZERO, ""
        if target_type is Deadline:
            return self._deadline(ind, w, target, actual, needs_note)
        if target_type is not Quantity:  # a text target on a row whose method wants a number
            self._row_add(
                "not-a-number",
                f"年度指标值 “{ind.target}” 不是数值，无法按 method = “{method}” 评分，得 0 分。"
                "请填写数值目标，或把 method 改为 qualitative。",
                "target",
            )
            return method, ZERO, ""
        op = target.op
        if op is None and method != "auto":  # the row names its direction: nothing is assumed
            op = _METHOD_OPERATOR[method]
        elif op is None:
            op = self._bare_op
            self._row_add(
                "operator-assumed",
                f"年度指标值 “{ind.target}” 未写比较方式，按 “{OPERATOR_SYMBOLS[op]}” 理解。",
                "target",
            )
        if method == "auto":
            method = _OPERATOR_METHOD[op]
        if op in ("ge", "gt") and "成本" in ind.subcategory:
            self._row_add("cost-direction", f"成本指标的年度指标值 “{ind.target}” 用了 “≥/>”，成本指标应为 “≤” 或 “=”。", "target")
        if actual is None:
            self._row_add("missing-value", "实际完成值为空，无法评分，得 0 分。请填写实际完成值。", "actual")
            return method, ZERO, ""
        if type(actual) is not Quantity:
            self._row_add("not-a-number", f"实际完成值 “{ind.actual}” 不是数值，无法与 “{ind.target}” 比较，得 0 分。请填写数值。", "actual")
            return method, ZERO, ""
        t_unit, a_unit = target.unit, actual.unit
        a, b = target.value, actual.value
        if t_unit != a_unit:
            if t_unit and a_unit:
                self._row_add(
                    "unit-mismatch",
                    f"年度指标值的单位 “{t_unit}” 与实际完成值的单位 “{a_unit}” 无法换算，得 0 分。请统一单位。",
                    "actual",
                )
                return method, ZERO, ""
            if t_unit == "%" and 0 < b <= 1 < a:  # a_unit is ""
                self._row_add(
                    "percent-as-fraction",
                    f"实际完成值 “{ind.actual}” 未写单位，而年度指标值是百分数 “{ind.target}”：它可能是 "
                    f"{plain(b * 100)}% 写成了小数。现按 {plain(b)}% 计分；请改为百分数。",
                    "actual",
                )
            else:
                self._row_add(
                    "unit-assumed",
                    f"{'实际完成值' if not a_unit else '年度指标值'}未写单位，按 “{t_unit or a_unit}” 理解。",
                    "actual",
                )
        if actual.op is not None and actual.op == (target.op or op) and b == a:
            self._row_add("actual-is-target", f"实际完成值 “{ind.actual}” 只是重复了目标值，不是实际测得的结果。请填写实测数值。", "actual")
        if a_unit == "%" and b >= HUNDRED and "满意" in ind.category + ind.subcategory:
            self._row_add("satisfaction-full", "满意度为 100%，请确认有调查问卷等佐证材料。", "actual")
        if method == "higher":
            ratio = self._ratio
            # b ≤ a gives b / a ≤ 1 (rounding cannot pass 1), so a ratio ≥ 1 cannot be exceeded: skip the division
            if ratio > 0 and a > 0 and (b > a or ratio < 1) and b / a > ratio:
                self._row_add(
                    "over-achievement",
                    f"实际值是目标值的 {b / a:.2f} 倍，超过 {ratio} 倍的提示线，目标可能定得过低，须写明偏差原因。",
                    "actual",
                )
                needs_note.append("大幅超额完成")
            return method, m.higher_is_better(w, a, b), ""
        if method == "lower":
            return method, m.lower_is_better(w, a, b, self._reverse), ""
        if method == "equal":
            return method, m.equal_to(w, a, b), ""
        raise AssertionError(method)  # pragma: no cover

    def _qualitative(
        self, ind: Indicator, w: Decimal, needs_note: list[str], actual: Any
    ) -> tuple[str, Decimal, str]:
        achieved, partial = self._achieved, self._partial
        tier_text = ind.tier
        tier = m.tier_of(tier_text) if tier_text else None  # a blank tier is no tier
        if tier is None and tier_text.strip():
            self._row_add("unknown-tier", f"档次 “{ind.tier}” 无法识别，只能是 达成、部分达成、未达成。", "tier")
            return "qualitative", ZERO, ""
        claimed = ind.claimed
        if tier is None:
            if claimed is None:
                self._row_add("missing-tier", "定性指标未选择档次（tier），也未填写得分，得 0 分。", "tier")
                return "qualitative", ZERO, ""
            for candidate in ("achieved", "partial", "failed"):
                low, high, incl = m.tier_range(candidate, w, achieved, partial)
                if claimed >= low:
                    tier = candidate
                    break
            tier = tier or "failed"
            self._row_add("tier-assumed", f"未选择档次，按得分 {fmt(claimed)} 推定为“{m.TIERS[tier]}”。", "tier")
        low, high, high_incl = m.tier_range(tier, w, achieved, partial)
        if tier != "achieved":
            needs_note.append(f"定性指标评为“{m.TIERS[tier]}”")
        if actual is None:
            self._row_add("missing-value", "定性指标的实际完成值为空：须用文字写明完成情况。没有依据，得 0 分。", "actual")
            return "qualitative", ZERO, tier
        if claimed is None:
            if tier == "achieved":
                return "qualitative", w, tier
            self._row_add("missing-value", f"定性指标评为“{m.TIERS[tier]}”时须在“得分”（claimed）中填写分数，暂按区间下限计。", "claimed")
            return "qualitative", low, tier
        score = claimed
        inside = low <= score and (score <= high if high_incl else score < high)
        if not inside:
            bracket = "]" if high_incl else ")"
            self._row_add(
                "qualitative-out-of-tier",
                f"得分 {fmt(score)} 不在“{m.TIERS[tier]}”的区间 [{fmt(low)}, {fmt(high)}{bracket} 内。",
                "claimed",
            )
            top = high if high_incl else high - CENT
            score = m.clamp(score, low, max(low, top))
        return "qualitative", score, tier

    def _deadline(
        self, ind: Indicator, w: Decimal, target: Deadline, actual: Any, needs_note: list[str]
    ) -> tuple[str, Decimal, str]:
        if actual is None:
            self._row_add("missing-value", "实际完成值为空，无法判断是否按期完成，得 0 分。", "actual")
            return "deadline", ZERO, ""
        if not isinstance(actual, Deadline):
            self._row_add("not-a-number", f"时效指标的实际完成值 “{ind.actual}” 不是日期或月份，无法与期限 “{ind.target}” 比较。", "actual")
            return "deadline", ZERO, ""
        year = self.form.year
        if actual.key(year) <= target.key(year):
            return "deadline", w, ""
        needs_note.append("超过完成时限")
        if ind.claimed is None:
            self._row_add("deadline-missed", f"完成时间 “{ind.actual}” 晚于期限 “{ind.target}”。请在“得分”中填写评定的分数并写明原因；暂按 0 分计。", "actual")
            return "deadline", ZERO, ""
        self._row_add("deadline-missed", f"完成时间 “{ind.actual}” 晚于期限 “{ind.target}”，得分按填报的 {fmt(ind.claimed)} 计。", "actual")
        return "deadline", ind.claimed, ""
    def _common(self, ind: Indicator, w: Decimal) -> Decimal:
        """Department-wide common indicators: step deduction, bands, checklist."""
        actual = parse_value(ind.actual)
        if actual is None:
            self._row_add("missing-value", "实际完成值为空，无法评分，得 0 分。", "actual")
            return ZERO
        if not isinstance(actual, Quantity):
            self._row_add("not-a-number", f"实际完成值 “{ind.actual}” 不是数值，得 0 分。", "actual")
            return ZERO
        b = actual.value
        p = ind.params
        try:
            if ind.method == "step_deduct":
                return m.step_deduct(
                    w, b, Decimal(str(p["reference"])), Decimal(str(p["step"])), Decimal(str(p.get("per", 1)))
                )
            if ind.method == "bands":
                bands = p["bands"]
                points = m.band_score(b, bands)
                if points is None:
                    self._row_add("band-not-found", f"实际值 {plain(b)} 不落在任何分档内，得 0 分。", "params")
                    return ZERO
                return points
            mode = str(p.get("mode", "met"))
            if mode not in ("met", "violation"):
                raise ValueError(f"mode 只能是 met 或 violation，现在是 “{mode}”")
            return m.checklist(w, b, Decimal(str(p.get("points", 1))), mode)
        except KeyError as exc:
            self._row_add("bad-params", f"评分方法 {ind.method} 缺少参数 {exc.args[0]}（在 params 中填写）。", "params")
        except (ValueError, TypeError, ArithmeticError) as exc:
            self._row_add("bad-params", f"评分方法 {ind.method} 的参数无效：{exc}", "params")
        return ZERO

    # ---------------------------------------------------------------- form

    def form_checks(self, results: list[IndicatorResult], funds: FundsResult) -> None:
        form = self.form
        aliases = _CATEGORY_ALIASES
        # weights per category, in order of first appearance; the total in the same pass
        sums: dict[str, Decimal] = {}
        cats: list[str] = []
        total_weight = ZERO
        for r in results:
            name = r.category
            key = aliases.get(name, name).strip()  # canonical_category
            cats.append(key)
            w = r.weight
            sums[key] = sums.get(key, ZERO) + w
            total_weight += w  # as sum(weights, ZERO)
        declared = {aliases.get(k, k).strip(): v for k, v in form.categories.items()}
        for cat in list(declared) + [c for c in sums if c not in declared]:
            got = sums.get(cat, ZERO)
            want = declared.get(cat)
            if want is None:
                want = self.rules.category_weight(cat)
            if want is None:
                self.add(
                    "category-weight-assumed",
                    f"一级指标 “{cat}” 未在 [categories] 中给出分值，按其下指标分值之和 {fmt(got)} 计。",
                    f"categories.{cat}",
                    ("categories",),
                )
                continue
            if got != want:
                self.add(
                    "weights-sum",
                    f"一级指标 “{cat}” 的分值为 {fmt(want)}，但其下各指标分值之和为 {fmt(got)}。",
                    f"categories.{cat}",
                    ("categories", cat) if cat in form.categories else ("indicators",),
                )
        for r, full in zip(results, self._fulls):
            if r.weight != full:
                self.add(
                    "weight-precision",
                    f"分值 {r.weight} 超过两位小数，各项得分四舍五入后的合计可能偏离 100。请把分值改为最多两位小数。",
                    f"indicators[{r.index + 1}] {r.name}",
                    ("indicators", r.index, "weight"),
                )
        total_weight += funds.weight
        if total_weight != HUNDRED:
            self.add(
                "weights-sum",
                f"各指标分值与资金执行率分值合计为 {fmt(total_weight)}，应为 100。",
                "weights",
                ("indicators",),
            )
        # the same indicator under two categories
        seen: dict[str, str] = {}
        for r, cat in zip(results, cats):
            name = r.name.strip()
            first = seen.get(name)
            if first is None:
                seen[name] = cat
            elif first != cat:
                self.add(
                    "duplicate-indicator",
                    f"指标 “{name}” 同时出现在 “{first}” 和 “{cat}” 下。",
                    f"indicators[{r.index + 1}] {name}",
                    ("indicators", r.index, "name"),
                )
        # a form filled for form's sake
        if len(results) >= 3:
            all_full = all(r.score == r.weight and (r.claimed is None or r.claimed == r.weight) for r in results)
            values = [parse_value(r.actual) for r in results] if all_full else []
            all_hundred = bool(values) and all(
                isinstance(v, Quantity) and v.unit == "%" and v.value == HUNDRED for v in values
            )
            if all_hundred:
                self.add(
                    "all-full-marks",
                    "所有指标的实际完成值均为 100% 且全部满分，请重点核实佐证材料。",
                    "indicators",
                    ("indicators",),
                )

    def totals(self, results: list[IndicatorResult], funds: FundsResult) -> tuple[Decimal, str]:
        form = self.form
        scores = ZERO
        for r in results:
            scores += r.score  # as sum(scores, ZERO)
        total = funds.score + scores
        rules = self.rules
        grade = rules.grade_for(total)
        claimed_total = form.claimed.total
        if claimed_total is not None and funds.claimed is not None:
            claimed_sum = ZERO + funds.claimed
            for r in results:
                if r.claimed is None:
                    break
                claimed_sum += r.claimed
            else:  # every row claims a score
                if claimed_sum != claimed_total and claimed_sum.quantize(CENT, HALF_UP) != claimed_total.quantize(CENT, HALF_UP):
                    self.add(
                        "total-mismatch",
                        f"填报总分 {fmt(claimed_total)}，但各项填报得分之和为 {fmt(claimed_sum)}。",
                        "claimed.total",
                        ("claimed", "total"),
                    )
        claimed_grade = form.claimed.grade.strip()
        if claimed_grade and rules.grades.bands:
            expected = rules.grade_for(claimed_total) if claimed_total is not None else None
            if expected is not None and claimed_grade != expected:
                self.add(
                    "grade-mismatch",
                    f"填报等级 “{claimed_grade}” 与填报总分 {fmt(claimed_total)} 不符，应为 “{expected}”。",
                    "claimed.grade",
                    ("claimed", "grade"),
                )
            elif claimed_grade != grade:
                self.add(
                    "grade-mismatch",
                    f"填报等级 “{claimed_grade}”，按复算总分 {fmt(total)} 应为 “{grade}”。",
                    "claimed.grade",
                    ("claimed", "grade"),
                )
        return total, grade


def score_form(form: Form, rules: RuleSet | None = None, file: str = "") -> Result:
    """Score a validated form.  Findings carry locations but no line numbers."""
    rules = rules or load_rules(form.rules)
    s = _Scorer(form, rules)
    funds = s.funds()
    indicator = s.indicator
    results = [indicator(i, ind) for i, ind in enumerate(form.indicators)]
    s.form_checks(results, funds)
    total, grade = s.totals(results, funds)
    claimed = form.claimed
    return Result(file, form, rules, funds, results, total, claimed.total, grade, claimed.grade.strip(), s.findings)


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
    data, text = read_toml(path)
    form = validate_model(Form, data, text, str(path), FORM_SECTIONS)
    try:
        ruleset = load_rules(rules or form.rules, os.path.dirname(path) or ".")
    except FormError as exc:
        if rules:  # named on the command line, not by the form
            raise
        raise FormError(_rules_problems(exc.problems, str(path), text, form.rules)) from None
    result = score_form(form, ruleset, str(path))
    return result, text


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

