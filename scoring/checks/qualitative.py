"""Qualitative rows (定性): the tier named (unknown-tier), missing (missing-tier) or assumed from the claimed
score (tier-assumed), and the claim within the tier's range (qualitative-out-of-tier).

Raised while the engine scores a qualitative row: :func:`score` reads the tier and gives the row's
score (the tier's range from ``methods.tier_range`` or the rule set's scale).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.indicators.values import Text, normalize_text

from .. import methods as m
from ..explain import x_tier
from ..vocabulary import fmt
from .base import FUNDS_OK, Check, row
from .completeness import PLACEHOLDER_RE

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import _Scorer

ZERO = Decimal(0)
CENT = m.CENT


def find_tier(s: _Scorer, ind: Indicator, word: str, target: Any) -> tuple[m.ScaleTiers, int] | None:
    """The scale and tier a word names: ``params.scale`` if given, else the scale the target spells out, else the first."""
    wanted = str(ind.params.get("scale", "")).strip() if ind.params else ""
    if not wanted:
        candidates = s.book.get(word) or s.book.get(word.strip().replace(" ", ""))
        if candidates is None:
            return None
        if len(candidates) == 1:  # the word belongs to one scale only (达成, 部分达成 …)
            return candidates[0]
    target_text = target.text if isinstance(target, Text) else ""
    first = None
    for scale in s.scales:
        if wanted and scale.name != wanted:
            continue
        i = scale.find(word)
        if i is None:
            continue
        if first is None:
            first = (scale, i)
        if target_text and sum(1 for t in scale.tiers if t[1] in target_text) >= 2:
            return scale, i  # the target lists this scale's words (指标值 “优良中低差”)
    return first


def tier_from_actual(s: _Scorer, ind: Indicator, target: Any) -> str:
    """A blank tier on a row whose target lists a scale (优良中低差) and whose actual is one of its words (优)."""
    if not isinstance(target, Text) or not ind.actual:
        return ""
    word = normalize_text(ind.actual)
    for scale in s.scales:
        if scale.find(word) is not None and sum(1 for t in scale.tiers if t[1] in target.text) >= 2:
            return word
    return ""


def score(s: _Scorer, ind: Indicator, w: Decimal, needs_note: list[str], actual: Any, target: Any = None) -> tuple[str, Decimal, str]:
    """(method, score, tier) of a qualitative row: its tier (named, or assumed from the claim) and the claim within the tier's range."""
    if "请" in ind.target and PLACEHOLDER_RE.search(ind.target):  # the template's 请用文字写明预期效果 left in
        s.row_add("template-text-left", "target", field="年度指标值", text=ind.target.strip())
    tier_text = ind.tier or tier_from_actual(s, ind, target)
    named = tier_text.strip() != ""  # a blank tier is no tier
    found = None
    if named:
        candidates = s.book.get(tier_text)
        if candidates is not None and len(candidates) == 1 and not ind.params:  # the common case: 达成 …
            found = candidates[0]
        else:
            found = find_tier(s, ind, tier_text, target)
    if found is None and named:
        known = "；".join(sc.all_words() for sc in s.scales)
        s.row_add("unknown-tier", "tier", tier=ind.tier, known=known)
        return "qualitative", ZERO, ""
    claimed = ind.claimed
    if found is None:
        if claimed is None:
            s.row_add("missing-tier", "tier")
            return "qualitative", ZERO, ""
        scale = s.scales[0]
        wanted = str(ind.params.get("scale", "")).strip() if ind.params else ""
        for sc in s.scales:
            if wanted and sc.name == wanted:
                scale = sc
        index = len(scale.tiers) - 1
        for i, t in enumerate(scale.tiers):
            if claimed >= t[2] * w:
                index = i
                break
        found = (scale, index)
        s.row_add("tier-assumed", "tier", claimed=fmt(claimed), tier=scale.tiers[index][1])
    scale, index = found
    key, label, low_share, high_share, high_incl = scale.tiers[index]
    if scale.default:
        long_label = m.TIERS[key]
        low, high, high_incl = m.tier_range(key, w, s.achieved, s.partial)
    else:
        long_label = label
        low, high = low_share * w, high_share * w
    top = index == 0
    if not top:
        needs_note.append(f"定性指标评为“{long_label}”")
    if actual is None:
        s.row_add("missing-value", "actual", "qualitative-actual")
        return "qualitative", ZERO, key
    if claimed is None:
        if top and high_incl and high == w:
            s.why = (x_tier, label, low, high, high_incl, None, w, "full")
            return "qualitative", w, key
        if low == high:  # a fixed tier (是 = 1, 否 = 0): the tier is the score
            s.why = (x_tier, label, low, high, high_incl, None, low, "fixed")
            return "qualitative", low, key
        s.row_add("missing-value", "claimed", "qualitative-claimed", tier=long_label)
        s.why = (x_tier, label, low, high, high_incl, None, low, "low")
        return "qualitative", low, key
    score = claimed
    inside = low <= score and (score <= high if high_incl else score < high)
    how = "claimed"
    if not inside:
        bracket = "]" if high_incl else ")"
        s.row_add(
            "qualitative-out-of-tier", "claimed", "range", score=fmt(score), tier=long_label, low=fmt(low), high=fmt(high), bracket=bracket
        )
        upper = high if high_incl else high - CENT
        score = m.clamp(score, low, max(low, upper))
        how = "clamped"
    s.why = (x_tier, label, low, high, high_incl, claimed, score, how)
    return "qualitative", score, key


CHECK = Check(
    codes=("qualitative-out-of-tier", "missing-tier", "unknown-tier", "tier-assumed", "missing-value", "template-text-left"),
    examples={
        "qualitative-out-of-tier": (
            FUNDS_OK + row(target="高质量完成", actual="完成", extra="tier = \"达成\"\nclaimed = 10\nnote = \"略\"\n"),
            ("indicators", 0, "claimed"),
        ),
        "missing-tier": (FUNDS_OK + row(target="高质量完成", actual="完成"), ("indicators", 0, "tier")),
        "unknown-tier": (FUNDS_OK + row(target="高质量完成", actual="完成", extra="tier = \"很好\"\n"), ("indicators", 0, "tier")),
        "tier-assumed": (FUNDS_OK + row(target="高质量完成", actual="完成", extra="claimed = 80\n"), ("indicators", 0, "tier")),
    },
)
