"""duplicate-indicator: the same 三级 indicator under two 一级 headings (产出 and 效益)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import Result, _Scorer


def on_form(s: _Scorer, result: Result) -> None:
    seen: dict[str, str] = {}
    for r, cat in zip(result.indicators, s.cats):
        name = r.name.strip()
        first = seen.get(name)
        if first is None:
            seen[name] = cat
        elif first != cat:
            s.add(
                "duplicate-indicator", f"indicators[{r.index + 1}] {name}", ("indicators", r.index, "name"),
                name=name, first=first, second=cat,
            )


CHECK = Check(
    codes=("duplicate-indicator",),
    examples={"duplicate-indicator": (FUNDS_OK + row(weight="45") + row(weight="45", category="效益指标"), ("indicators", 1, "name"))},
    on_form=on_form,
)
