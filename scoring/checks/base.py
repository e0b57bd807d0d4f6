"""What a check is (:class:`Check`), and the pieces its example forms are made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import FundsResult, IndicatorResult, Result, _Scorer

# an example: a TOML fragment (added to EXAMPLE_HEAD) or a whole form (one starting with "format ="),
# and the key path its finding points to
Example = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Check:
    """One check, like one of ruff's rules: the finding codes it raises, their examples, and when it runs.

    ``codes``: every code the check raises (each must be in ``findings.CATALOG``, which holds the
    code's severity, title, meaning and message templates; a code may be raised by more than one check).
    ``examples``: per code, one minimal form that raises it (tests/test_findings_catalogue.py scores each);
    ``example_rules``: the rule set an example needs when not central-2020.

    The hooks, each optional, are called by the engine with the scorer ``s`` (raise a finding with
    ``s.add(code, where, loc, variant, **params)`` on the form, or ``s.row_add(code, key, variant,
    **params)`` on the indicator being checked), in the order of the registry:

    - ``on_funds(s, funds)``: after the funds block is scored (a :class:`FundsResult`);
    - ``on_indicator(s, ind, row)``: after each applicable indicator is scored (the form's
      :class:`Indicator` and its :class:`IndicatorResult`); ``s.row_add`` adds to that row;
    - ``on_form(s, result)``: once, with the whole :class:`Result` (scores, total and grade computed).

    A check with no hook is raised from the place named in its module's docstring (the scoring
    methods it guards, the review, the import).
    """

    codes: tuple[str, ...]
    examples: dict[str, Example] = field(default_factory=dict)
    example_rules: dict[str, str] = field(default_factory=dict)
    on_funds: Callable[[_Scorer, FundsResult], None] | None = None
    on_indicator: Callable[[_Scorer, Indicator, IndicatorResult], None] | None = None
    on_form: Callable[[_Scorer, Result], None] | None = None


# ------------------------------------------------------------------ example forms
# One minimal form per code, as in ruff's rule docs: rows and tables added to EXAMPLE_HEAD,
# a project form whose 100 万元 budget is fully spent.

EXAMPLE_HEAD = """format = 1
kind = "project"
year = 2023
rules = "central-2020"

[unit]
name = "某单位"
project = "某项目"

[funds]
weight = 10
"""

FUNDS_OK = "[funds.total]\nannual = 100\nexecuted = 100\n"


def row(target: str = "≥100人", actual: str = "100人", weight: str = "90", extra: str = "", **fields: str) -> str:
    """One ``[[indicators]]`` table of an example (产出指标 / 数量指标 / 服务人数 unless given)."""
    keys = {"category": "产出指标", "subcategory": "数量指标", "name": "服务人数"} | fields
    head = "".join(f'{k} = "{v}"\n' for k, v in keys.items())
    return f'\n[[indicators]]\n{head}target = "{target}"\nactual = "{actual}"\nweight = {weight}\n{extra}'
