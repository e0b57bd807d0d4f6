"""Rows scored by hand: ``method = "manual"`` needs a claimed score and a reason (missing-reason);
``method = "criteria"`` (评价标准) needs a claimed score (missing-value)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..explain import x_claimed
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import _Scorer

ZERO = Decimal(0)


def score(s: _Scorer, ind: Indicator, w: Decimal) -> tuple[str, Decimal, str]:
    """(method, score, tier) of a manual or criteria row: the claimed score (0 without one)."""
    method: str = ind.method
    claimed = ind.claimed
    if method == "manual":
        if claimed is None:
            s.row_add("missing-value", "claimed", "manual-claimed")
            return method, ZERO, ""
        if not ind.note.strip():
            s.row_add("missing-reason", "note")
        s.why = (x_claimed, "人工评分", claimed, w)
        return method, claimed, ""
    # criteria: the claimed score, a note below full marks (checked by the engine as for every row)
    if claimed is None:
        s.row_add("missing-value", "claimed", "criteria-claimed")
        return method, ZERO, ""
    s.why = (x_claimed, "按评价标准评分", claimed, w)
    return method, max(claimed, ZERO), ""


CHECK = Check(
    codes=("missing-reason", "missing-value"),
    examples={
        "missing-reason": (FUNDS_OK + row(target="", actual="", extra="method = \"manual\"\nclaimed = 90\n"), ("indicators", 0, "note")),
    },
)
