"""rate-contradicts-funds: an indicator row for the budget execution rate (预算执行率) whose actual value is not
the rate the same form's money block gives (全年执行数 ÷ 全年预算数).

Runs once per form (``on_form``) when the rate is known: one join of the rows' names and a substring test per
keyword; the rows are looked at only when one of them is named so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.indicators.values import Quantity, parse_value

from ..explain import COLUMN_LABELS
from ..vocabulary import percent, plain
from .base import Check, row

if TYPE_CHECKING:
    from ..engine import Result, _Scorer

HUNDRED = Decimal(100)


def on_form(s: _Scorer, result: Result) -> None:
    funds = result.funds
    rate = funds.rate
    if rate is None:
        return
    rules = s.rules.funds
    words = rules.rate_row_keywords
    names = s.row_names()  # the common path: the names joined once per form, a test per keyword
    for word in words:
        if word in names:
            break
    else:
        return
    for r in result.indicators:
        name = r.name
        for word in words:
            if word in name:
                break
        else:
            continue
        value = parse_value(r.actual)
        if type(value) is not Quantity or value.unit != "%":
            continue
        if abs(value.value - rate * HUNDRED) > rules.rate_row_tolerance:
            s.add(
                "rate-contradicts-funds", r.where, ("indicators", r.index, "actual"),
                name=name, actual=r.actual.strip(), rate=percent(rate), column=COLUMN_LABELS[funds.denominator],
                limit=plain(rules.rate_row_tolerance),
            )


CHECK = Check(
    codes=("rate-contradicts-funds",),
    examples={
        "rate-contradicts-funds": (
            "[funds.total]\nannual = 100\nexecuted = 94.54\n"
            + row("≥95%", "=98%", "90", name="预算执行率", subcategory="质量指标"),
            ("indicators", 0, "actual"),
        ),
    },
    on_form=on_form,
)
