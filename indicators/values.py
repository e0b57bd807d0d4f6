"""Parsing of target (年度指标值) and actual (实际完成值) text.

Real forms write values as text: ``≥95%``, ``大于等于95%``, ``31.88万人``,
``1,387.53``, ``100百分比``, ``9月前``, ``确保养老金发放到位``.  This module
turns such text into one of three shapes:

- :class:`Quantity`: an optional comparison operator, a number (with the
  万/亿 multiplier applied) and a base unit (``%``, ``人``, ``元`` ...);
- :class:`Deadline`: a year/month/day limit or date, for 时效 rows;
- :class:`Text`: anything else, which makes the row qualitative.

Parsing is pure and cached: the same text always gives the same value.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "Quantity",
    "Deadline",
    "Text",
    "Value",
    "parse_value",
    "normalize_text",
    "match_text",
    "FORMAT_CHARS",
    "OPERATOR_SYMBOLS",
    "reconcile_units",
    "looks_quantitative",
    "parse_date",
]

# Comparison operators: ge gt le lt eq.
OPERATOR_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}

# Longest spellings first so that 大于等于 wins over 大于.
_OPERATOR_WORDS: list[tuple[str, str]] = sorted(
    [
        ("≥", "ge"),
        (">=", "ge"),
        ("不低于", "ge"),
        ("大于等于", "ge"),
        ("大于或等于", "ge"),
        ("不少于", "ge"),
        ("不小于", "ge"),
        ("至少", "ge"),
        ("≤", "le"),
        ("<=", "le"),
        ("不高于", "le"),
        ("不超过", "le"),
        ("不大于", "le"),
        ("不多于", "le"),
        ("小于等于", "le"),
        ("小于或等于", "le"),
        ("至多", "le"),
        ("控制在", "le"),
        (">", "gt"),
        ("大于", "gt"),
        ("超过", "gt"),
        ("高于", "gt"),
        ("多于", "gt"),
        ("<", "lt"),
        ("小于", "lt"),
        ("低于", "lt"),
        ("少于", "lt"),
        ("=", "eq"),
        ("等于", "eq"),
        ("达到", "eq"),
    ],
    key=lambda pair: -len(pair[0]),
)

# Suffix words: 95%以上 means ≥ 95%.
_SUFFIX_OPERATORS: list[tuple[str, str]] = [
    ("及以上", "ge"),
    ("以上", "ge"),
    ("及以下", "le"),
    ("以内", "le"),
    ("以下", "le"),
]

# Look-alike characters that NFKC leaves alone.
_LOOKALIKES = str.maketrans(
    {
        "≧": "≥",
        "≦": "≤",
        "═": "=",
        "⩾": "≥",
        "⩽": "≤",
        "，": ",",
        "。": ".",
        "．": ".",
        "－": "-",
        "—": "-",
        "‰": "‰",
    }
)

_UNIT_SYNONYMS = {"百分比": "%", "百分之": "%", "日": "天", "个百分点": "%"}
_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}

_NUMBER_RE = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)")
_DEADLINE_RE = re.compile(
    r"^(?:(?P<year>\d{4})\s*年)?\s*(?:(?P<month>\d{1,2})\s*月)"
    r"(?:\s*(?P<day>\d{1,2})\s*[日号]|\s*(?P<end>底|末|份))?"
    r"\s*(?P<before>(?:之前|以前|前|内|止))?$"
)
_ISO_DATE_RE = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?\s*(?P<before>前|之前|以前)?$")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with an optional operator and a base unit."""

    op: str | None
    value: Decimal
    unit: str
    raw: str
    scale: Decimal = Decimal(1)  # the multiplier applied: 10000 for 6万元 (a bare other side takes it too)
    unit_text: str = ""  # the unit as written, with its multiplier: "万元", "‰" ("" when none)

    def display(self) -> str:
        sym = OPERATOR_SYMBOLS.get(self.op, "") if self.op else ""
        return f"{sym}{self.value.normalize():f}{self.unit}"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date or a deadline (``9月前``, ``2023年12月``, ``12月31日前``)."""

    year: int | None
    month: int
    day: int | None  # None: the whole month (a deadline means its last day)
    before: bool
    raw: str

    def key(self, default_year: int) -> tuple[int, int, int]:
        day = self.day if self.day is not None else 31
        return (self.year or default_year, self.month, day)


@dataclass(frozen=True, slots=True)
class Text:
    """Free text: a qualitative target or actual."""

    text: str
    raw: str


Value = Quantity | Deadline | Text


# Unicode format characters (category Cf: zero-width spaces and joiners, bidi marks, the soft hyphen,
# the BOM, tag characters): invisible on the page, so never part of a name a rule matches
FORMAT_CHARS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def match_text(raw: str) -> str:
    """A name as a rule matches it: NFKC, format characters (Cf) removed (成\u200b本指标 is 成本指标)."""
    if raw.isascii() and raw.isprintable():
        return raw
    return FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw))


def normalize_text(raw: str) -> str:
    """Full-width to half-width, look-alikes to canonical, format characters and spaces removed."""
    text = FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw)).translate(_LOOKALIKES)
    return re.sub(r"\s+", "", text)


def _split_operator(text: str) -> tuple[str | None, str]:
    for word, op in _OPERATOR_WORDS:
        if text.startswith(word):
            return op, text[len(word) :]
    return None, text


def _parse_unit(rest: str) -> tuple[Decimal, str] | None:
    """The multiplier and base unit of what follows a number, or None."""
    multiplier = Decimal(1)
    if rest and rest[0] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[rest[0]]
        rest = rest[1:]
    unit = _UNIT_SYNONYMS.get(rest, rest)
    # A unit is a short word without digits; longer text makes the value text.
    if len(unit) > 4 or any(ch.isdigit() for ch in unit):
        return None
    if unit.startswith("%") and unit != "%":
        return None
    if unit == "‰":
        return multiplier / Decimal(10), "%"
    return multiplier, unit


# A unit annotation in brackets after the value: ">=98%(百分比)", "≥98%（百分比）", "6(万元)".
_ANNOTATION_RE = re.compile(r"^(.+?)\(([^()]{1,6})\)$")


@lru_cache(maxsize=4096)
def looks_quantitative(raw: str | None) -> bool:
    """True when the text starts with a comparison and a number (``≥98%…``): it was meant as a number."""
    if raw is None:
        return False
    op, rest = _split_operator(normalize_text(str(raw)))
    return op is not None and _NUMBER_RE.match(rest) is not None


@lru_cache(maxsize=65536)
def parse_value(raw: str | None) -> Value | None:
    """Parse one cell of text.  ``None`` or blank gives ``None``."""
    if raw is None:
        return None
    text = normalize_text(str(raw))
    if not text:
        return None
    if text[-1] == ")":
        annotated = _annotated(text, str(raw))
        if annotated is not None:
            return annotated
    return _parse_text(text, str(raw))


def _annotated(text: str, raw: str) -> Quantity | None:
    """``98%(百分比)``: the value before the brackets, with the bracketed unit when it has none."""
    match = _ANNOTATION_RE.match(text)
    if not match:
        return None
    unit = _parse_unit(match.group(2))
    if unit is None or not unit[1]:
        return None
    head = _parse_text(match.group(1), raw)
    if not isinstance(head, Quantity):
        return None
    multiplier, base_unit = unit
    if not head.unit:
        return Quantity(head.op, head.value * multiplier, base_unit, raw, multiplier, match.group(2) if multiplier != 1 else base_unit)
    if head.unit == base_unit:
        return Quantity(head.op, head.value, head.unit, raw, head.scale, head.unit_text)
    return None


def _parse_text(text: str, raw_text: str) -> Value:
    raw = raw_text
    op, rest = _split_operator(text)
    suffix_op = None
    for word, sop in _SUFFIX_OPERATORS:
        if rest.endswith(word):
            suffix_op, rest = sop, rest[: -len(word)]
            break
    if op is None:
        op = suffix_op
    match = _NUMBER_RE.match(rest)
    if match:
        number_text = match.group(1)
        tail = rest[match.end() :]
        unit = _parse_unit(tail)
        if unit is not None and not _DEADLINE_RE.match(rest):
            multiplier, base_unit = unit
            try:
                number = Decimal(number_text.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the regex forbids it
                return Text(raw.strip(), raw)
            return Quantity(op, number * multiplier, base_unit, raw, multiplier, tail if multiplier != 1 else base_unit)
    deadline = _DEADLINE_RE.match(rest) or _ISO_DATE_RE.match(rest)
    if deadline:
        month = int(deadline.group("month"))
        day = deadline.group("day")
        if 1 <= month <= 12 and (day is None or 1 <= int(day) <= 31):
            year = deadline.group("year")
            before = bool(deadline.group("before")) or op in ("le", "lt")
            return Deadline(int(year) if year else None, month, int(day) if day else None, before, raw)
    return Text(raw.strip(), raw)


def reconcile_units(target: Quantity, actual: Quantity) -> tuple[str, str] | None:
    """Return (target unit, actual unit) when both name a unit and they differ.

    Multipliers are already applied by :func:`parse_value`, so 万人 and 人
    both have the base unit 人 and reconcile.  A side with no unit takes the
    other's unit (the caller reports ``unit-assumed``).
    """
    if target.unit and actual.unit and target.unit != actual.unit:
        return target.unit, actual.unit
    return None


# 填报日期 as people type it: 2022-08-01, 2022/8/1, 2022.8.1, 2022年8月1日, 20220801
_DATE_RE = re.compile(r"^(\d{4})(?:[-/.年])(\d{1,2})(?:[-/.月])(\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


def parse_date(raw: str) -> _dt.date | None:
    """A calendar date from what a clerk typed (``2022-08-01``, ``2022/8/1``, ``2022年8月1日``); None when the
    text is blank.  Raises ValueError with a Chinese message when it is not a real date (2022-02-30, 下周一)."""
    text = normalize_text(raw)
    if not text:
        return None
    match = _DATE_RE.match(text)
    if match:
        y, m, d = (g for g in match.groups() if g is not None)
        try:
            return _dt.date(int(y), int(m), int(d))
        except ValueError:
            pass
    raise ValueError(f"“{raw.strip()}” 不是有效的日期。请按 年-月-日 填写，例如 2022-08-01。")
