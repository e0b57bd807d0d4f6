"""The checks: each finding the engine raises comes from one module here, like ruff's rules.

A check module holds the code that raises its findings, the codes it raises, one example form per
code and a docstring saying what it checks; ``findings.CATALOG`` holds each code's severity, title,
meaning and message templates (and makes ``docs/findings.md``).  The engine (``engine._Scorer``)
keeps the arithmetic: scores, rate, total, grade.

Adding a check = one new module + one registry line:

1. ``scoring/checks/my_check.py``::

       \"\"\"my-code: what it checks, and why a clerk should care.\"\"\"

       from __future__ import annotations

       from typing import TYPE_CHECKING

       from .base import FUNDS_OK, Check, row

       if TYPE_CHECKING:
           from jixiao.indicators.schema import Indicator

           from ..engine import IndicatorResult, _Scorer


       CODE = "my-code"


       def on_indicator(s: _Scorer, ind: Indicator, r: IndicatorResult) -> None:
           if r.score == 0 and not ind.note.strip():
               s.row_add(CODE, "note", name=ind.name)  # a finding on this row, at its key "note"


       CHECK = Check(
           codes=(CODE,),
           examples={CODE: (FUNDS_OK + row(actual="0人"), ("indicators", 0, "note"))},
           on_indicator=on_indicator,
       )

   (``on_funds(s, funds)`` runs after the funds block is scored, ``on_indicator`` after each
   applicable row, ``on_form(s, result)`` once with the whole result: see :class:`base.Check`.
   Raise with ``s.add(code, where, loc, variant, **params)`` or, on a row, ``s.row_add(code, key,
   variant, **params)``; ``s.rules`` and ``s.form`` are the rule set and the form.)
2. Its line in ``MODULES`` below (the hooks run in this order), and the code's entry in
   ``findings.CATALOG`` (severity, title, meaning, messages); then regenerate ``docs/findings.md``
   (``python -m jixiao.scoring.findings > docs/findings.md``).

tests/test_findings_catalogue.py fails when a catalogue code has no check, a check declares a code the
catalogue lacks, or an example does not raise its code where it says.  A hook is called for every form
(``on_indicator`` for every row), so keep its common path cheap: no dicts or strings built unless a
finding is raised.
"""

from __future__ import annotations

from importlib import import_module

from .base import Check, Example

__all__ = ["CHECKS", "BY_CODE", "EXAMPLES", "EXAMPLE_RULES", "MODULES", "Check", "FUNDS_HOOKS", "INDICATOR_HOOKS", "FORM_HOOKS"]

# the registry: one line per check module, in the order their hooks run
MODULES = (
    "funds",  # the funds block's rows, rate and denominator
    "claims",  # a claimed score against the computed one
    "manual",  # manual and criteria rows
    "common",  # step_deduct, bands, checklist rows
    "quantity",  # a quantitative row's target and actual
    "qualitative",  # a qualitative row's tier
    "deadline",  # a 时效 row
    "applicable",  # 不适用 rows
    "deviation",  # a required 偏差原因
    "year",  # the form's year
    "weights",  # the weights' sums
    "duplicates",  # one indicator under two headings
    "full_marks",  # all full marks
    "totals",  # the total and the grade
    "rate_row",  # a 预算执行率 row against the money block
    "completeness",  # a blank 得分, an empty 年度总体目标, the template's placeholders left in
    "outside",  # raised by the review and the import
    "across_years",  # raised by the review with the record, against the year before
)

CHECKS: dict[str, Check] = {name: import_module(f"{__name__}.{name}").CHECK for name in MODULES}

# code -> the names of the checks that raise it (a code may be raised by several: missing-value)
BY_CODE: dict[str, tuple[str, ...]] = {}
for _name, _check in CHECKS.items():
    for _code in _check.codes:
        BY_CODE[_code] = BY_CODE.get(_code, ()) + (_name,)

EXAMPLES: dict[str, Example] = {code: ex for check in CHECKS.values() for code, ex in check.examples.items()}
EXAMPLE_RULES: dict[str, str] = {code: rs for check in CHECKS.values() for code, rs in check.example_rules.items()}

FUNDS_HOOKS = tuple(c.on_funds for c in CHECKS.values() if c.on_funds is not None)
INDICATOR_HOOKS = tuple(c.on_indicator for c in CHECKS.values() if c.on_indicator is not None)
FORM_HOOKS = tuple(c.on_form for c in CHECKS.values() if c.on_form is not None)
