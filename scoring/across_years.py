"""Findings across years: a unit's form compared with its form of the year before.

A pure function of two years' facts (the indicators as written and the grade),
given by the caller: ``jixiao review`` takes the year before from the bureau's
record (``jixiao.store``).  The engine does not call this (one form at a
time knows no other year); the settings and their sources are the rule set's
``[across_years]``.

Indicators are matched by normalised name (full-width to half-width, spaces
and punctuation removed); the caller has matched the unit and project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jixiao.indicators.values import OPERATOR_SYMBOLS, Quantity, normalize_text, parse_value

from .findings import Finding, raise_finding
from .rules import RuleSet

__all__ = ["YearForm", "across_years_findings", "normalised_name", "CODES"]

CODES = ("target-below-last-actual", "indicators-unchanged", "grade-repeated-low")

_PUNCT = re.compile(r"[\s\"'“”‘’《》<>()（）\[\]【】{}·•、,，.。:：;；!！?？\-—_/\\|]+")


@dataclass
class YearForm:
    """One year's form of a unit and project: its year, indicators (dicts with name, target, actual) and grade."""

    year: int
    indicators: list[dict[str, Any]]
    grade: str = ""


def normalised_name(name: str) -> str:
    """An indicator's name as matched across years: 《参保人数》 and 参保 人数 are the same indicator."""
    return _PUNCT.sub("", normalize_text(name or ""))


def _at_least(value: Quantity, bare: str) -> bool:
    op = value.op or bare
    return op in ("ge", "gt")


def across_years_findings(this: YearForm, last: YearForm, rules: RuleSet) -> list[Finding]:
    """The findings of ``this`` year's form against ``last`` year's (nothing when ``last`` is not the year before)."""
    if last.year != this.year - 1:
        return []
    cfg = rules.across_years
    out: list[Finding] = []
    before: dict[str, dict[str, Any]] = {}
    for ind in last.indicators:
        before.setdefault(normalised_name(str(ind.get("name", ""))), ind)

    if cfg.target_below_last_actual:
        bare = rules.scoring.bare_number_operator
        for k, ind in enumerate(this.indicators):
            name = str(ind.get("name", ""))
            prev = before.get(normalised_name(name))
            if prev is None:
                continue
            target, actual = parse_value(str(ind.get("target") or "")), parse_value(str(prev.get("actual") or ""))
            if not isinstance(target, Quantity) or not isinstance(actual, Quantity):
                continue
            if not _at_least(target, bare) or target.unit != actual.unit:
                continue
            if target.value < actual.value:
                out.append(raise_finding(
                    "target-below-last-actual", f"indicators[{k + 1}] {name}", ("indicators", k, "target"),
                    name=name, target=str(ind.get("target")), last_year=last.year, actual=str(prev.get("actual")),
                ))

    if cfg.indicators_unchanged and len(this.indicators) >= cfg.unchanged_min_rows:
        def signature(form: YearForm) -> list[tuple[str, str]]:
            return sorted((normalised_name(str(i.get("name", ""))), normalize_text(str(i.get("target") or "")))
                          for i in form.indicators)

        if signature(this) == signature(last):
            out.append(raise_finding("indicators-unchanged", "indicators", ("indicators",),
                                     rows=len(this.indicators), last_year=last.year))

    low = cfg.low_grades
    if low and this.grade in low and last.grade in low:
        out.append(raise_finding("grade-repeated-low", "claimed.grade", ("claimed", "grade"),
                                 grade=this.grade, last_year=last.year, last_grade=last.grade))
    return out


def example_pair(code: str) -> tuple[str, str]:
    """Two forms (last year's, this year's) as TOML text that raise ``code`` (the catalogue's example)."""
    from .checks.base import EXAMPLE_HEAD, FUNDS_OK, row

    def form(year: int, rows: str, claimed: str = "") -> str:
        return EXAMPLE_HEAD.replace("year = 2023", f"year = {year}") + claimed + FUNDS_OK + rows

    if code == "target-below-last-actual":
        return form(2022, row("≥100人", "120人", extra='note = "略"\n')), form(2023, row("≥110人", "120人"))
    if code == "indicators-unchanged":
        rows = "".join(row("≥100%", "100%", "30", name=f"指标{i}") for i in range(3))
        return form(2022, rows), form(2023, rows)
    if code == "grade-repeated-low":
        rows = row("≥100人", "70人", extra='note = "略"\n')
        return form(2022, rows), form(2023, rows)
    raise KeyError(code)


__all__ += ["example_pair", "OPERATOR_SYMBOLS"]
