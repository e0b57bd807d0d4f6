"""missing-deviation-note: a row below full marks, over-achieved, in a lower tier or late, without the
偏差原因 the form requires (the funds block's, for a low rate, is raised by ``checks/funds.py``).

Called by the engine for a scored row that has no note, when it has a reason or is below full marks (:func:`check`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..findings import Finding
from ..vocabulary import fmt
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import _Scorer

# a 0 these explain needs the value, not a note
_OWN_ZERO = frozenset(("missing-value", "unreadable-value"))


def check(
    s: _Scorer, found: list[Finding], needs_note: list[str], score: Decimal, full: Decimal, claimed: Decimal | None, w: Decimal
) -> None:
    """``needs_note``: the reasons found while scoring; ``full``: the best score the row can print; ``w``: its weight."""
    if not s.criteria_notes and s.form.indicators[s._index].method == "criteria":
        return  # a 评分细则 sheet without a 偏差原因 column (rule set's criteria_notes = false): nowhere to write it
    below = score < full
    if not (needs_note or below or (claimed is not None and claimed < full)):
        return
    if needs_note:  # the first reason: one found while scoring, else the score (or claim) below the weight
        reason = needs_note[0]
    elif score == 0 and any(f.code in _OWN_ZERO for f in found):
        return  # a 0 that comes from the engine's own missing-value needs the value, not a deviation note
    elif below:
        reason = f"得分 {fmt(score)} 低于分值 {fmt(w)}"
    else:
        reason = f"填报得分 {fmt(claimed)} 低于分值 {fmt(w)}"
    s.row_add("missing-deviation-note", "note", reason=reason)


CHECK = Check(
    codes=("missing-deviation-note",),
    examples={"missing-deviation-note": (FUNDS_OK + row(actual="90人"), ("indicators", 0, "note"))},
)
