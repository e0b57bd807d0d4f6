"""The total and the grade: capped by the execution rate (total-capped), the claimed total against the
claimed scores (total-mismatch), the claimed grade against the total (grade-mismatch).

The engine computes the total (``s.summed`` before a cap, ``s.cap`` the rule set's cap for the rate or
None) and the grade; this check says what was capped and what the form claims wrongly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..methods import q2
from ..vocabulary import fmt, percent, plain
from .base import FUNDS_OK, Check, row
from .claims import rounded

if TYPE_CHECKING:
    from ..engine import Result, _Scorer

ZERO = Decimal(0)


def on_form(s: _Scorer, result: Result) -> None:
    cap, summed, funds, rules = s.cap, s.summed, result.funds, s.rules
    if cap is not None and summed > cap.max:
        s.add(
            "total-capped", "total", ("claimed", "total"),
            rate=percent(funds.rate), below=plain(cap.below * 100), max=plain(cap.max), summed=fmt(summed), total=fmt(result.total),
        )
    claimed_total = result.claimed_total
    if claimed_total is not None:  # a claimed total is always checked; a blank 得分 counts at its computed score
        places = s.places
        funds_claimed = funds.claimed
        blank = 0  # the funds block and rows whose 得分 is blank, counted at their computed score
        if funds_claimed is None:
            if funds.weight == 0:
                funds_claimed = ZERO  # a money block without points claims nothing: the rows still add up
            else:
                funds_claimed = funds.score
                blank += 1
        claimed_sum = ZERO + funds_claimed
        for r in result.indicators:
            if r.claimed is None:
                if r.applicable:  # a 不适用 row claims nothing
                    claimed_sum += r.score
                    blank += 1
                continue
            claimed_sum += r.claimed
        expected = claimed_sum
        if cap is not None and expected > cap.max:
            expected = cap.max
        if expected != claimed_total and q2(expected) != q2(claimed_total) and (
            places >= 2 or rounded(expected, places) != rounded(claimed_total, places)
        ):
            capped = f"（执行率封顶 {plain(cap.max)} 分）" if cap is not None and expected != claimed_sum else ""
            if blank:
                s.add(
                    "total-mismatch", "claimed.total", ("claimed", "total"), "blank",
                    claimed=fmt(claimed_total), summed=fmt(claimed_sum), capped=capped, blank=blank,
                )
            else:
                s.add(
                    "total-mismatch", "claimed.total", ("claimed", "total"),
                    claimed=fmt(claimed_total), summed=fmt(claimed_sum), capped=capped,
                )
    claimed_grade = result.claimed_grade
    if claimed_grade and rules.grades.bands:
        expected_grade = rules.grade_for(claimed_total) if claimed_total is not None else None
        if expected_grade is not None and claimed_grade != expected_grade:
            s.add(
                "grade-mismatch", "claimed.grade", ("claimed", "grade"), "claimed-total",
                claimed=claimed_grade, total=fmt(claimed_total), grade=expected_grade,
            )
        elif claimed_grade != result.grade:
            s.add(
                "grade-mismatch", "claimed.grade", ("claimed", "grade"),
                claimed=claimed_grade, total=fmt(result.total), grade=result.grade,
            )


CHECK = Check(
    codes=("total-capped", "total-mismatch", "grade-mismatch"),
    examples={
        "total-capped": ("[funds.total]\nannual = 100\nexecuted = 65\n" + row(), ("claimed", "total")),
        "total-mismatch": ("claimed = 10\n[claimed]\ntotal = 99\n\n" + FUNDS_OK + row(extra="claimed = 90\n"), ("claimed", "total")),
        "grade-mismatch": ("[claimed]\ngrade = \"差\"\n\n" + FUNDS_OK + row(), ("claimed", "grade")),
    },
    example_rules={"total-capped": "provincial-manual"},
    on_form=on_form,
)
