"""all-full-marks: every row 100% and full marks, a form filled for form's sake (from a number of rows on)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.indicators.values import Quantity, parse_value

from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import Result, _Scorer

HUNDRED = Decimal(100)


def on_form(s: _Scorer, result: Result) -> None:
    results = result.indicators
    scoring = s.rules.scoring
    if len(results) < scoring.all_full_marks_min_rows:
        return
    tol = scoring.full_marks_tolerance  # a score (or claim) this far below the weight still counts as full marks
    all_full = all(
        0 <= r.weight - r.score <= tol and (r.claimed is None or 0 <= r.weight - r.claimed <= tol) for r in results
    )
    values = [parse_value(r.actual) for r in results] if all_full else []
    if values and all(isinstance(v, Quantity) and v.unit == "%" and v.value == HUNDRED for v in values):
        s.add("all-full-marks", "indicators", ("indicators",))


CHECK = Check(
    codes=("all-full-marks",),
    examples={"all-full-marks": (FUNDS_OK + "".join(row("≥100%", "100%", "30", name=f"指标{i}") for i in range(3)), ("indicators",))},
    on_form=on_form,
)
