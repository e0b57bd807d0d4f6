"""The weights: each 一级 heading's rows add up to its weight, all weights to 100, two places at most.

The engine decides each heading's weight (``Result.category_weights``: declared in [categories], else
the rule set's, else the sum of its rows) and keeps ``s.category_sums``, (heading, rows' sum, weight
the form or rule set gives or None) in order of first appearance; this check compares them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from ..vocabulary import fmt
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import Result, _Scorer

HUNDRED = Decimal(100)
# a category name with digits or comparison signs is most likely a target typed into the wrong column
LOOKS_LIKE_VALUE = re.compile(r"[0-9０-９%％≥≤<>＜＞]")


def on_form(s: _Scorer, result: Result) -> None:
    form = s.form
    results = result.indicators
    rule_weights = s.rules.weights
    for cat, got, want in s.category_sums:
        if want is None:
            if cat in rule_weights:  # category_weights = "form": the rows set it
                continue
            if LOOKS_LIKE_VALUE.search(cat):
                at = next(r for r, c in zip(results, s.cats) if c == cat)
                s.add("category-looks-like-value", at.where, ("indicators", at.index, "category"), category=cat)
            s.add("category-weight-assumed", f"categories.{cat}", ("categories",), category=cat, summed=fmt(got))
        elif got != want:
            s.add(
                "weights-sum", f"categories.{cat}", ("categories", cat) if cat in form.categories else ("indicators",),
                "category", category=cat, want=fmt(want), got=fmt(got),
            )
    for r, full in zip(results, s.fulls):
        if r.weight != full:
            s.add("weight-precision", r.where, ("indicators", r.index, "weight"), weight=r.weight)
    total_weight = sum((r.weight for r in results), Decimal(0)) + result.funds.weight
    if total_weight != HUNDRED:
        s.add("weights-sum", "weights", ("indicators",), total=fmt(total_weight))


CHECK = Check(
    codes=("weights-sum", "weight-precision", "category-weight-assumed", "category-looks-like-value"),
    examples={
        "weights-sum": (FUNDS_OK + row(weight="80"), ("indicators",)),
        "weight-precision": (FUNDS_OK + row(weight="89.995") + row(weight="0.005", name="其他"), ("indicators", 0, "weight")),
        "category-weight-assumed": (FUNDS_OK + row(category="其他指标"), ("categories",)),
        "category-looks-like-value": (FUNDS_OK + row(category="≥95%"), ("indicators", 0, "category")),
    },
    on_form=on_form,
)
