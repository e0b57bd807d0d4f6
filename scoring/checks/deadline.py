"""deadline-missed: a 时效 row finished after its deadline (scored by the claim, with a reason)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.indicators.values import Deadline

from ..explain import x_deadline
from ..vocabulary import fmt
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import _Scorer

ZERO = Decimal(0)


def score(s: _Scorer, ind: Indicator, w: Decimal, target: Deadline, actual: Any, needs_note: list[str]) -> tuple[str, Decimal, str]:
    """(method, score, tier) of a row whose target is a deadline: full marks in time, else the claimed score."""
    if actual is None:
        s.row_add("missing-value", "actual", "deadline-actual")
        return "deadline", ZERO, ""
    if not isinstance(actual, Deadline):
        s.row_add("not-a-number", "actual", "deadline", actual=ind.actual, target=ind.target)
        return "deadline", ZERO, ""
    year = s.form.year or target.year or actual.year or 0
    if actual.key(year) <= target.key(year):
        s.why = (x_deadline, ind.actual, ind.target, w, None, False)
        return "deadline", w, ""
    needs_note.append("超过完成时限")
    if ind.claimed is None:
        s.row_add("deadline-missed", "actual", actual=ind.actual, target=ind.target)
        s.why = (x_deadline, ind.actual, ind.target, w, None, True)
        return "deadline", ZERO, ""
    s.row_add("deadline-missed", "actual", "claimed", actual=ind.actual, target=ind.target, claimed=fmt(ind.claimed))
    s.why = (x_deadline, ind.actual, ind.target, w, ind.claimed, True)
    return "deadline", ind.claimed, ""


CHECK = Check(
    codes=("deadline-missed", "missing-value", "not-a-number"),
    examples={
        "deadline-missed": (FUNDS_OK + row(target="9月前", actual="10月", subcategory="时效指标"), ("indicators", 0, "actual")),
    },
)
