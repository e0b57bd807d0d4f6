"""A number as a spreadsheet shows it, from its stored value and its number format.

Excel stores ``1387.53`` as the nearest binary float; what the user sees is
the format applied to the value at Excel's 15 significant digits.  So the
text is made from ``format(value, ".15g")`` (never ``1387.5299999``), rounded
half up to the format's decimals; a ``%`` format shows the value times 100.
Only the parts of a format that change the digits are understood (decimals,
thousands separator, percent, quoted text around the number); colours,
conditions and alignment padding are dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

__all__ = ["Shown", "show_number", "show_date", "is_date_format"]


class Shown(NamedTuple):
    text: str
    value: Decimal | None
    percent: bool


class _Format(NamedTuple):
    general: bool
    min_decimals: int
    max_decimals: int
    thousands: bool
    percent: bool
    prefix: str
    suffix: str


_BRACKETS = re.compile(r"\[[^\]]*\]")
_LITERAL = re.compile(r'"([^"]*)"|\\(.)|_.|\*.')
_DATE_LETTERS = re.compile(r"[ymdhse]|年|月|日", re.IGNORECASE)


def _strip(section: str) -> str:
    """A format section without colours, conditions, padding and literals (for looking at its codes)."""
    return _LITERAL.sub("", _BRACKETS.sub("", section))


def is_date_format(fmt: str) -> bool:
    if not fmt or fmt.lower() == "general":
        return False
    codes = _strip(fmt.split(";")[0])
    return bool(_DATE_LETTERS.search(codes)) and "0" not in codes and "#" not in codes


@lru_cache(maxsize=256)
def _parse(fmt: str) -> _Format:
    section = fmt.split(";")[0] if fmt else ""
    if not section or section.strip().lower() in ("general", "@"):
        return _Format(True, 0, 0, False, False, "", "")
    codes = _strip(section)
    percent = "%" in codes
    digits = re.search(r"[0#?][0#?,]*(?:\.([0#?]*))?|\.([0#?]+)", codes)
    if not digits:  # text only, or something not understood: show the number as it is
        return _Format(True, 0, 0, False, percent, "", "")
    frac = digits.group(1) or digits.group(2) or ""
    thousands = "," in digits.group(0).split(".")[0]
    # quoted text before and after the digits ("0.00万元", "¥#,##0")
    start = section.find(next(c for c in section if c in "0#?."))
    before, after = section[:start], section[start:]
    prefix = "".join(a or b for a, b in _literals(before))
    suffix = "".join(a or b for a, b in _literals(after))
    return _Format(False, frac.count("0"), len(frac), thousands, percent, prefix, suffix)


def _literals(part: str) -> list[tuple[str, str]]:
    return [(m.group(1) or "", m.group(2) or "") for m in re.finditer(r'"([^"]*)"|\\(.)', _BRACKETS.sub("", part))]


def _decimal(value: float | int | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(format(value, ".15g"))  # Excel's precision: 1387.53 stays 1387.53


def _plain(d: Decimal) -> str:
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def show_number(value: float | int | Decimal, fmt: str = "General") -> Shown:
    """The text a spreadsheet shows for a number in format ``fmt``, and the number as shown."""
    f = _parse(fmt or "General")
    d = _decimal(value)
    if f.percent:
        d = d * 100
    if f.general:
        shown = d.normalize() if d == d.to_integral_value() else d
        text = _plain(shown)
        shown = Decimal(text)
        return Shown(text + ("%" if f.percent else ""), shown, f.percent)
    q = d.quantize(Decimal(1).scaleb(-f.max_decimals), rounding=ROUND_HALF_UP)
    text = format(abs(q), ",f" if f.thousands else "f")
    if f.max_decimals > f.min_decimals and "." in text:  # optional decimals (0.0#): trailing zeros go
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        frac = frac + "0" * max(0, f.min_decimals - len(frac))
        text = whole + ("." + frac if frac else "")
    shown = Decimal(text.replace(",", ""))
    if q < 0:
        text, shown = "-" + text, -shown
    return Shown(f.prefix + text + ("%" if f.percent else "") + f.suffix, shown, f.percent)


def show_date(value: dt.datetime | dt.date | dt.time, fmt: str = "") -> str:
    """A date as text: ``2022年3月1日`` for a Chinese format, else ISO ``2022-03-01`` (time only when there is one)."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    has_time = isinstance(value, dt.datetime) and (value.hour or value.minute or value.second)
    if "年" in (fmt or ""):
        text = f"{value.year}年{value.month}月" + (f"{value.day}日" if "日" in fmt else "")
    else:
        text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if has_time and isinstance(value, dt.datetime):
        text += f" {value.hour:02d}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
    return text
