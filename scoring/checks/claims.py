"""A claimed score (得分) against the computed one and the weight: score-mismatch, score-above-weight, score-negative.

Called by the engine for each indicator whose claim differs from its score (:func:`check`), and
for the funds block (``on_funds``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..findings import Finding, raise_finding
from ..methods import q2
from ..vocabulary import fmt
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import FundsResult, _Scorer


def check(
    claimed: Decimal, score: Decimal, w: Decimal, where: str, loc: tuple[Any, ...], label: str, out: list[Finding],
    places: int = 2,
) -> None:
    """Findings on a claimed score, appended to ``out``; ``places``: the rule set's score_precision (the claim
    and the score are compared rounded to it: 24 against 23.96 agrees under whole points)."""
    if claimed > w:
        out.append(raise_finding("score-above-weight", where, loc, label=label, claimed=fmt(claimed), weight=fmt(w)))
    elif claimed < 0:
        out.append(raise_finding("score-negative", where, loc, label=label, claimed=fmt(claimed)))
    # score has two places, so a claim equal to it rounds to it
    if claimed != score and q2(claimed) != score and (places >= 2 or rounded(claimed, places) != rounded(score, places)):
        out.append(raise_finding("score-mismatch", where, loc, label=label, claimed=fmt(claimed), score=fmt(score)))


def rounded(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (0: whole points)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def on_funds(s: _Scorer, fr: FundsResult) -> None:
    if fr.lines:  # lines with their own points: each line's claim; the block's own 得分 only when the form writes one
        for i, line in enumerate(fr.lines):
            if line.claimed is not None:
                check(line.claimed, line.score, line.weight, f"funds.lines[{i + 1}] {line.name}",
                      ("funds", "lines", i, "claimed"), line.name, s.findings, s.places)
        if s.form.funds.claimed is None:
            return
    if fr.claimed is not None:
        check(fr.claimed, fr.score, fr.weight, "funds", ("funds", "claimed"), "资金执行率", s.findings, s.places)


CHECK = Check(
    codes=("score-mismatch", "score-above-weight", "score-negative"),
    examples={
        "score-mismatch": (FUNDS_OK + row(extra="claimed = 80\nnote = \"略\"\n"), ("indicators", 0, "claimed")),
        "score-above-weight": (FUNDS_OK + row(extra="claimed = 95\n"), ("indicators", 0, "claimed")),
        "score-negative": (FUNDS_OK + row(extra="claimed = -1\nnote = \"略\"\n"), ("indicators", 0, "claimed")),
    },
    on_funds=on_funds,
)
