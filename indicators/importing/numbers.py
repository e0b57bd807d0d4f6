"""Numbers as a cell shows them: ``"1,387.53"`` -> ``Decimal("1387.53")``, ``"96%"`` -> 96 with percent.

Shared by the readers (a text or CSV cell has only its text) and the
recogniser.  Never float: the digits printed are the digits kept.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["parse_number", "plain_text"]

_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def plain_text(text: str) -> str:
    """Full-width digits, signs and brackets folded to ASCII (NFKC), whitespace removed: for matching labels."""
    return "".join(unicodedata.normalize("NFKC", text).split())


_START = frozenset("0123456789+-.０１２３４５６７８９＋－．")


def parse_number(text: str) -> tuple[Decimal | None, bool]:
    """(value, percent) when the whole text is one number (thousands separators, %, full-width allowed)."""
    if not text or len(text) > 40:
        return None, False
    text = text.strip()
    if not text or text[0] not in _START:  # most cells are words: answered without normalising
        return None, False
    s = text.replace(" ", "") if text.isascii() else plain_text(text).replace("，", ",")
    percent = False
    if s.endswith("%"):
        percent, s = True, s[:-1]
    if s.isascii() and s.replace(".", "", 1).isdigit():  # the common case: 12.5, 100
        return Decimal(s), percent
    if not s or not _NUMBER_RE.fullmatch(s):
        return None, False
    try:
        return Decimal(s.replace(",", "")), percent
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None, False
