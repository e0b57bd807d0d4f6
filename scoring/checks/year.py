"""missing-year: a form without a year (times are then compared by the deadline's own year)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import EXAMPLE_HEAD, FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import Result, _Scorer


def on_form(s: _Scorer, result: Result) -> None:
    if not s.form.year:
        s.add("missing-year", "year", ("year",))


CHECK = Check(
    codes=("missing-year",),
    examples={"missing-year": (EXAMPLE_HEAD.replace("year = 2023\n", "") + FUNDS_OK + row(), ("year",))},
    on_form=on_form,
)
