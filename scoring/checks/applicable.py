"""not-applicable: a row marked 不适用 (``applicable = false`` or the actual value says so), scored by the
rule set's ``not_applicable`` (0 points, or left out and its heading's other rows rescaled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jixiao.indicators.values import normalize_text

from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import _Scorer

_NOT_APPLICABLE = frozenset(("不适用", "/不适用", "不涉及", "/", "//", "-/-"))
# a 完成值 that is only a slash, as written (the engine's quick test before ``left_out``)
SLASHES = frozenset(("/", "／", "//", "／／", " / ", "-/-"))


def left_out(ind: Indicator) -> bool:
    """Whether the row is marked 不适用 (or its 完成值 is a bare “/”, as forms write a cell that does not apply)."""
    if not ind.applicable:
        return True
    actual = ind.actual
    return ("不" in actual or actual in SLASHES) and normalize_text(actual) in _NOT_APPLICABLE


def note(s: _Scorer) -> str:
    """Says so on the row being scored; the explanation of its score."""
    if s.rules.scoring.not_applicable == "rescale":
        text = "不适用，不参与评分；同一一级指标的其余指标按一级指标分值折算"
    else:
        text = "不适用：按规则集得 0.00"
    s.row_add("not-applicable", how=text)
    return text


CHECK = Check(
    codes=("not-applicable",),
    examples={"not-applicable": (FUNDS_OK + row(actual="不适用"), ("indicators", 0))},
)
