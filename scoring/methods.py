"""Scoring methods: one function per rule of ``docs/domain.md`` (pure, Decimal).

Each function returns the unrounded score; the engine rounds it to two
places ROUND_HALF_UP, so every method is rounded the same way.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "q2",
    "clamp",
    "higher_is_better",
    "lower_is_better",
    "equal_to",
    "step_deduct",
    "step_steps",
    "band_score",
    "parse_interval",
    "checklist",
    "TIERS",
    "tier_of",
    "tier_range",
    "ScaleTiers",
    "scales_for",
    "scale_book",
]

ZERO = Decimal(0)
CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    """Round to 2 places, half up: the rounding of every indicator score."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def higher_is_better(w: Decimal, a: Decimal, b: Decimal) -> Decimal:
    """B ≥ A → w; B < A → w × B / A; negative B counts as 0."""
    b = max(b, ZERO)
    if b >= a:
        return w
    if a <= 0:
        return w
    return w * b / a


def lower_is_better(w: Decimal, a: Decimal, b: Decimal, formula: str = "linear") -> Decimal:
    """B ≤ A → w.  linear: w × (1 − (B − A)/A), 0 from 2A on; inverse: w × A / B."""
    if b <= a:
        return w
    if a <= 0:
        return ZERO
    if formula == "inverse":
        return w * a / b
    if b >= 2 * a:
        return ZERO
    return w * (1 - (b - a) / a)


def equal_to(w: Decimal, a: Decimal, b: Decimal) -> Decimal:
    """A = 0 → full if B ≤ 0 else 0; otherwise as higher-is-better."""
    if a == 0:
        return w if b <= 0 else ZERO
    return higher_is_better(w, a, b)


STEP_DIRECTIONS = ("above", "below")
STEP_COUNTS = ("continuous", "full", "started")


def step_steps(b: Decimal, reference: Decimal, per: Decimal, direction: str = "above", count: str = "continuous") -> tuple[Decimal, Decimal]:
    """(distance beyond the reference, steps counted) for ``step_deduct``.

    ``direction``: ``above`` deducts for B over the reference, ``below`` for B under it.
    ``count``: ``continuous`` distance ÷ per; ``full`` whole steps only (floor);
    ``started`` every started step (ceiling): 100%计满分，每低于5%扣2分 with 93% is 1 full
    step or 2 started steps.
    """
    if direction not in STEP_DIRECTIONS:
        raise ValueError(f"direction 只能是 above（高于参照值扣分）或 below（低于参照值扣分），现在是 “{direction}”")
    if count not in STEP_COUNTS:
        raise ValueError(f"count 只能是 continuous、full 或 started，现在是 “{count}”")
    if per <= 0:
        raise ValueError(f"per 须大于 0，现在是 “{per}”")
    beyond = b - reference if direction == "above" else reference - b
    if beyond <= 0:
        return ZERO, ZERO
    steps = beyond / per
    if count == "full":
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    elif count == "started":
        steps = steps.to_integral_value(rounding=ROUND_CEILING)
    return beyond, steps


def step_deduct(
    w: Decimal,
    b: Decimal,
    reference: Decimal,
    step: Decimal,
    per: Decimal = Decimal(1),
    direction: str = "above",
    count: str = "continuous",
) -> Decimal:
    """Full marks up to the reference, minus `step` per `per` beyond it (above or below), floored at 0."""
    beyond, steps = step_steps(b, reference, per, direction, count)
    if beyond <= 0:
        return w
    return clamp(w - step * steps, ZERO, w)


_INTERVAL_RE = re.compile(r"^\s*([\[(])\s*(-?[\d.]+)?\s*,\s*(-?[\d.]+)?\s*([\])])\s*$")
_COMPARE_RE = re.compile(r"^\s*(>=|<=|>|<|=|≥|≤)\s*(-?[\d.]+)\s*%?\s*$")


def parse_interval(spec: str) -> tuple[Decimal | None, bool, Decimal | None, bool]:
    """``"[80,90)"``, ``"(0,10]"``, ``">30"``, ``">=90"``, ``"=0"`` → (low, low_incl, high, high_incl)."""
    spec = str(spec).replace("％", "%").replace("%", "")
    m = _INTERVAL_RE.match(spec)
    if m:
        low = Decimal(m.group(2)) if m.group(2) else None
        high = Decimal(m.group(3)) if m.group(3) else None
        return low, m.group(1) == "[", high, m.group(4) == "]"
    m = _COMPARE_RE.match(spec)
    if m:
        op, x = m.group(1), Decimal(m.group(2))
        return {
            ">=": (x, True, None, False),
            "≥": (x, True, None, False),
            ">": (x, False, None, False),
            "<=": (None, False, x, True),
            "≤": (None, False, x, True),
            "<": (None, False, x, False),
            "=": (x, True, x, True),
        }[op]
    raise ValueError(f"无法识别的区间 “{spec}”（例：[80,90)、(0,10]、>=90、<60、=0）")


def _in_interval(b: Decimal, iv: tuple[Decimal | None, bool, Decimal | None, bool]) -> bool:
    low, low_incl, high, high_incl = iv
    if low is not None and (b < low or (b == low and not low_incl)):
        return False
    if high is not None and (b > high or (b == high and not high_incl)):
        return False
    return True


def band_score(b: Decimal, bands: list[Any]) -> Decimal | None:
    """Points of the first band containing B, or None when none does.

    ``bands`` is a list of ``[interval, points]`` pairs or
    ``{range = "...", score = ...}`` tables.
    """
    for band in bands:
        if isinstance(band, dict):
            spec, points = band["range"], band["score"]
        else:
            spec, points = band
        if _in_interval(b, parse_interval(spec)):
            return Decimal(str(points))
    return None


def checklist(w: Decimal, count: Decimal, points: Decimal, mode: str) -> Decimal:
    """`met`: points per condition met (capped at w); `violation`: w minus points per violation."""
    if mode == "violation":
        return clamp(w - points * count, ZERO, w)
    return clamp(points * count, ZERO, w)


# ------------------------------------------------------------ qualitative

TIERS = {
    "achieved": "达成年度指标",
    "partial": "部分达成年度指标并具有一定效果",
    "failed": "未达成年度指标且效果较差",
}
_TIER_ALIASES = {
    "达成": "achieved",
    "达成年度指标": "achieved",
    "全部达成": "achieved",
    "完成": "achieved",
    "部分达成": "partial",
    "部分达成年度指标并具有一定效果": "partial",
    "部分完成": "partial",
    "未达成": "failed",
    "未达成年度指标且效果较差": "failed",
    "未完成": "failed",
    "achieved": "achieved",
    "partial": "partial",
    "failed": "failed",
}


def tier_of(label: str) -> str | None:
    """'达成' / long label / English key → 'achieved' | 'partial' | 'failed'."""
    tier = _TIER_ALIASES.get(label)  # most labels are written as listed
    return tier if tier is not None else _TIER_ALIASES.get(label.strip().replace(" ", ""))


def tier_range(tier: str, w: Decimal, achieved: Decimal, partial: Decimal) -> tuple[Decimal, Decimal, bool]:
    """(low, high, high inclusive) of a tier's score range."""
    if tier == "achieved":
        return achieved * w, w, True
    if tier == "partial":
        return partial * w, achieved * w, False
    return ZERO, partial * w, False


# ------------------------------------------------------------ scales


class ScaleTiers:
    """A qualitative scale ready for lookups: (key, label, low share, high share, high inclusive) per tier."""

    __slots__ = ("name", "tiers", "words", "default")

    def __init__(self, name: str, tiers: list[tuple[str, str, Decimal, Decimal, bool]], words: dict[str, int], default: bool):
        self.name = name
        self.tiers = tiers
        self.words = words  # word → tier index
        self.default = default

    def find(self, word: str) -> int | None:
        i = self.words.get(word)
        return i if i is not None else self.words.get(word.strip().replace(" ", ""))

    def all_words(self) -> str:
        return "、".join(t[1] for t in self.tiers)


def _default_scale(achieved: Decimal, partial: Decimal) -> ScaleTiers:
    words = {w: ("achieved", "partial", "failed").index(k) for w, k in _TIER_ALIASES.items()}
    tiers = [
        ("achieved", "达成", achieved, Decimal(1), True),
        ("partial", "部分达成", partial, achieved, False),
        ("failed", "未达成", ZERO, partial, False),
    ]
    return ScaleTiers("达成/部分达成/未达成", tiers, words, True)


_SCALES: dict[int, tuple[Any, list[ScaleTiers], dict[str, list[tuple[ScaleTiers, int]]]]] = {}


def scale_book(qualitative: Any) -> tuple[list[ScaleTiers], dict[str, list[tuple[ScaleTiers, int]]]]:
    """``scales_for`` and a word → [(scale, tier index)] index, built once per loaded rule set."""
    hit = _SCALES.get(id(qualitative))
    if hit is not None and hit[0] is qualitative:
        return hit[1], hit[2]
    scales = scales_for(qualitative)
    book: dict[str, list[tuple[ScaleTiers, int]]] = {}
    for scale in scales:
        for word, i in scale.words.items():
            book.setdefault(word, []).append((scale, i))
    if len(_SCALES) > 256:
        _SCALES.clear()
    _SCALES[id(qualitative)] = (qualitative, scales, book)  # keeps the object alive: its id is not reused
    return scales, book


def scales_for(qualitative: Any) -> list[ScaleTiers]:
    """The default scale (from ``achieved``/``partial``) and the rule set's ``scales``, in that order."""
    out = [_default_scale(qualitative.achieved, qualitative.partial)]
    for scale in qualitative.scales:
        tiers = []
        words: dict[str, int] = {}
        for i, t in enumerate(scale.tiers):
            inclusive = i == 0 or t.min == t.max
            tiers.append((t.words[0], t.words[0], t.min, t.max, inclusive))
            for word in t.words:
                words.setdefault(word.strip(), i)
        out.append(ScaleTiers(scale.name, tiers, words, False))
    return out
