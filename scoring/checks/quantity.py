"""A quantitative row's values, read before the engine scores it (higher / lower / equal):

- the target: unreadable-value (an operator and a number that cannot be read), missing-value,
  not-a-number, operator-assumed (a bare number), cost-direction (a 成本 row that wants more);
- the actual value: missing-value, not-a-number, unit-mismatch, unit-assumed, percent-as-fraction;
- whether it is plausible: actual-is-target (the target copied), satisfaction-full (满意度 100%),
  over-achievement (far above the target; a deviation note is then required).

One family in one function (:func:`read`), called once per quantitative row: the common path costs
one call, not one per check.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.indicators.values import OPERATOR_SYMBOLS, Quantity, Text, match_text, normalize_text

from ..vocabulary import plain
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import _Scorer

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_METHOD_OPERATOR = {"higher": "ge", "lower": "le", "equal": "eq"}
_OPERATOR_METHOD = {"ge": "higher", "gt": "higher", "le": "lower", "lt": "lower", "eq": "equal"}


def unreadable(s: _Scorer, ind: Indicator) -> tuple[str, Decimal, str]:
    """An operator and a number that cannot be read: never silently qualitative (scores 0)."""
    s.row_add("unreadable-value", "target", target=ind.target)
    return "higher", ZERO, ""


def no_target(s: _Scorer, method: str) -> tuple[str, Decimal, str]:
    s.row_add("missing-value", "target", "target")
    return (method if method != "auto" else "higher"), ZERO, ""


def bare_operator(s: _Scorer, subcategory: str) -> str:
    """The operator of a bare number: the rule set's for the row's 二级指标 (成本 → ≤), else its bare_number_operator."""
    ops = s.sub_ops
    if ops is None:
        ops = s.sub_ops = tuple(s.rules.scoring.bare_number_operators.items())
    for word, op in ops:
        if word in subcategory:
            return op
    return s.bare_op


# 无 / 零 / 没有 at the start of a short actual value (无上访, 零事故, 没有发生); not 无法统计, 无数据
_NONE_RE = re.compile(r"^(?:无(?!法|数据|记录|统计|资料)|零|没有|未发生)\D{0,6}$")


def none_as_zero(s: _Scorer, ind: Indicator, op: str, target: Quantity, actual: Any) -> Quantity | None:
    """An upper-bounded count (小于5次) whose actual says 无 / 零 / 没有: 0 in the target's unit, with an info finding."""
    if op not in ("le", "lt") or not s.rules.scoring.none_as_zero or not isinstance(actual, Text):
        return None
    if not _NONE_RE.match(normalize_text(actual.text)):
        return None
    s.row_add("none-as-zero", "actual", actual=ind.actual, unit=target.unit_text or target.unit)
    return Quantity(None, ZERO, target.unit, actual.raw, target.scale, target.unit_text)


def read(
    s: _Scorer, ind: Indicator, method: str, target: Any, actual: Any, needs_note: list[str]
) -> tuple[str, Decimal | None, Decimal, Decimal]:
    """(method, target value, actual value, scale of the written unit) of a row; the target value is
    None when the row cannot be scored (0 points, the finding says why)."""
    if not isinstance(target, Quantity):  # a text target on a row whose method wants a number
        s.row_add("not-a-number", "target", "target", target=ind.target, method=method)
        return method, None, ZERO, ZERO
    op = target.op
    assumed = False
    if op is None and method != "auto":  # the row names its direction: nothing is assumed
        op = _METHOD_OPERATOR[method]
    elif op is None:
        op = s.bare_op
        ops = s.sub_ops
        if ops is None:
            ops = s.sub_ops = tuple(s.rules.scoring.bare_number_operators.items())
        for word, by_sub in ops:  # the rule set's operator for this 二级 (成本 → ≤): see ``bare_operator``
            if word in ind.subcategory:
                op = by_sub
                break
        assumed = True
        s.row_add("operator-assumed", "target", target=ind.target, operator=OPERATOR_SYMBOLS[op])
    if method == "auto":
        method = _OPERATOR_METHOD[op]
    if op in ("ge", "gt") and not assumed and s.cost_words.search(match_text(ind.subcategory)):
        s.row_add("cost-direction", "target", target=ind.target)  # an operator the form wrote, not one assumed
    if actual is None:
        s.row_add("missing-value", "actual")
        return method, None, ZERO, ZERO
    if type(actual) is not Quantity:
        zero = none_as_zero(s, ind, op, target, actual)
        if zero is None:
            s.row_add("not-a-number", "actual", actual=ind.actual, target=ind.target)
            return method, None, ZERO, ZERO
        actual = zero
    t_unit, a_unit = target.unit, actual.unit
    a, b = target.value, actual.value
    scale = target.scale  # explanations show the numbers in the target's written unit (31.88 万人)
    if t_unit != a_unit:
        if t_unit and a_unit:
            s.row_add("unit-mismatch", "actual", target_unit=t_unit, actual_unit=a_unit)
            return method, None, ZERO, ZERO
        if t_unit == "%" and 0 < b <= 1 < a:  # a_unit is ""
            s.row_add(
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
            s.row_add("unit-assumed", "actual", side="实际完成值" if not a_unit else "年度指标值", unit=written)
    if actual.op is not None and actual.op == (target.op or op) and b == a:
        s.row_add("actual-is-target", "actual", actual=ind.actual)
    if a_unit == "%" and b >= HUNDRED and s.satisfaction_words.search(match_text(ind.category + ind.subcategory)):
        s.row_add("satisfaction-full", "actual")
    if method == "higher":
        ratio = s.ratio
        # b ≤ a gives b / a ≤ 1 (rounding cannot pass 1), so a ratio ≥ 1 cannot be exceeded: skip the division
        if ratio > 0 and a > 0 and (b > a or ratio < 1) and b / a > ratio:
            s.row_add("over-achievement", "actual", ratio=f"{b / a:.2f}", limit=str(ratio))
            needs_note.append("大幅超额完成")
    return method, a, b, scale


CHECK = Check(
    codes=(
        "unreadable-value", "missing-value", "not-a-number", "operator-assumed", "cost-direction", "unit-mismatch",
        "unit-assumed", "percent-as-fraction", "actual-is-target", "satisfaction-full", "over-achievement",
        "none-as-zero",
    ),
    examples={
        "missing-value": (FUNDS_OK + row(actual=""), ("indicators", 0, "actual")),
        "unreadable-value": (FUNDS_OK + row(target="≥98%左右"), ("indicators", 0, "target")),
        "not-a-number": (FUNDS_OK + row(actual="很多"), ("indicators", 0, "actual")),
        "unit-mismatch": (FUNDS_OK + row(actual="95%"), ("indicators", 0, "actual")),
        "unit-assumed": (FUNDS_OK + row(actual="100"), ("indicators", 0, "actual")),
        "percent-as-fraction": (FUNDS_OK + row(target="≥95%", actual="0.96"), ("indicators", 0, "actual")),
        "operator-assumed": (FUNDS_OK + row(target="100人"), ("indicators", 0, "target")),
        "actual-is-target": (FUNDS_OK + row(actual="≥100人"), ("indicators", 0, "actual")),
        "over-achievement": (FUNDS_OK + row(actual="150人", extra="note = \"略\"\n"), ("indicators", 0, "actual")),
        "cost-direction": (FUNDS_OK + row(target="≥50元", actual="50元", subcategory="成本指标"), ("indicators", 0, "target")),
        "none-as-zero": (
            FUNDS_OK + row(target="小于5次", actual="无上访", subcategory="社会效益指标", name="群众上访"),
            ("indicators", 0, "actual"),
        ),
        "satisfaction-full": (
            FUNDS_OK + row("≥95%", "100%", category="满意度指标", subcategory="服务对象满意度指标"),
            ("indicators", 0, "actual"),
        ),
    },
)
