"""What every reader shares: numbers as shown, and the cells made from them.

A reader knows what a cell *shows* (its text); :func:`number_of` reads the
number in that text the way a person would (``1,387.53``, ``96%``,
``（12.5）``, full-width digits) so that ``Cell.value`` is the same whatever
the source.  Text that is more than a number (``≥95%``, ``31.88万人``) has no
value: the recogniser and the engine read it as a target.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..grid import Cell, Range

__all__ = ["number_of", "text_cell", "ReaderNote"]

_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$")

ReaderNote = tuple[str, str]  # (address, Chinese message): what a reader says about a grid (hidden sheet, rows cut)


def number_of(text: str) -> tuple[Decimal | None, bool]:
    """(the number the text shows, whether it was shown with %); (None, False) when it shows more than a number."""
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not s:
        return None, False
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    m = _NUMBER.match(s)
    if not m or not (m.group(2) or m.group(3)):
        return None, False
    try:
        value = Decimal(f"{m.group(1)}{(m.group(2) or '0').replace(',', '')}.{m.group(3) or '0'}")
    except InvalidOperation:
        return None, False
    if m.group(3) is None:
        value = value.quantize(Decimal(1))
    else:
        value = value.quantize(Decimal(1).scaleb(-len(m.group(3))))
    return (-value if negative else value), percent


def text_cell(text: str, address: str, merged: Range | None = None, problem: str = "") -> Cell:
    """A cell that shows ``text``; its value is the number in it, if it is only a number."""
    value, percent = number_of(text) if text else (None, False)
    return Cell(text=text, value=value, percent=percent, merged=merged, address=address, problem=problem)
