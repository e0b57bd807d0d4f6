"""Printed against read: the figures an imported form prints, compared with what jixiao computes from what it read.

The recogniser records each printed figure with its cell
(``jixiao.indicators.importing.printed``); this one check compares them with
the engine's result and the form, and says every difference as a
``printed-mismatch`` finding quoting the figure and its cell.  A printed
mistake or a misread: either way a person must look.  (Kept apart from the
engine so that it can join the other checks as one module.)
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.indicators.schema import Form

from .findings import Finding, raise_finding

__all__ = ["check_printed"]


def _places(text: str) -> int:
    digits = text.strip().rstrip("%").strip()
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def check_printed(form: Form, result: Any, printed: Sequence[Any]) -> list[Finding]:
    """``printed``: the recogniser's :class:`Printed` figures; ``result``: the engine's result for ``form``."""
    out: list[Finding] = []

    def add(p: Any, variant: str, loc: tuple[Any, ...], computed: str, **extra: str) -> None:
        extra.setdefault("printed", p.text)
        f = raise_finding("printed-mismatch", p.address, loc, variant, computed=computed, **extra)
        f.address = p.address
        out.append(f)

    serials = [p for p in printed if p.what == "serial"]
    for p in printed:
        if p.what == "rate" and result.funds.rate is not None:
            step = Decimal(1).scaleb(-_places(p.text))
            number = Decimal(p.text.strip().rstrip("%").replace(",", "") or 0) if _is_number(p.text) else p.value
            percent = "%" in p.text or number > 2  # 90.00% or 90 (a percentage), else 0.9 (a fraction)
            scale = Decimal(100) if percent else Decimal(1)
            computed = (result.funds.rate * scale).quantize(step, ROUND_HALF_UP)
            capped = p.value == 1 and result.funds.rate > 1  # 100% printed for a rate over 100%: shown capped
            if computed != (p.value * scale).quantize(step, ROUND_HALF_UP) and not capped:
                shown = (result.funds.rate * scale).quantize(Decimal("0.01"), ROUND_HALF_UP)
                add(p, "rate", ("funds", "total"), f"{shown}%" if percent else str(shown))
        elif p.what == "weights_total":
            total = sum((i.weight for i in form.indicators if i.applicable), Decimal(0)) + form.funds.weight
            if total != p.value:
                add(p, "weights_total", ("indicators",), _plain(total))
        elif p.what == "subcategory":
            category, sub = p.about
            rows = [i.weight for i in form.indicators if i.category == category and i.subcategory == sub]
            got = sum(rows, Decimal(0))
            if rows and got != p.value:
                add(p, "subcategory", ("indicators",), _plain(got), name=sub, printed=_plain(p.value))
    for before, p in zip(serials, serials[1:]):  # each jump said once, where it is (a restart at 1 is no jump)
        if p.value - before.value != p.about - before.about and p.value != 1:
            add(p, "serial", ("indicators", p.about), _plain(before.value + p.about - before.about))
    return out


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip().rstrip("%").replace(",", ""))
    except ArithmeticError:
        return False
    return True
