"""The check interface (scoring/checks/): a hook added to the registry is called where it says,
and what it raises lands on the row or the form, in order, with the catalogue's message."""

from __future__ import annotations

from typing import Any

import pytest
from jixiao.indicators.loader import load_form
from jixiao.scoring import engine
from jixiao.scoring.checks import CHECKS, FORM_HOOKS, FUNDS_HOOKS, INDICATOR_HOOKS
from jixiao.scoring.findings import CATALOG
from jixiao.scoring.rules import load_rules

from .conftest import ROOT

SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def test_the_hooks_are_the_registered_checks_in_order() -> None:
    assert FUNDS_HOOKS == tuple(c.on_funds for c in CHECKS.values() if c.on_funds)
    assert FORM_HOOKS == tuple(c.on_form for c in CHECKS.values() if c.on_form)
    assert INDICATOR_HOOKS == tuple(c.on_indicator for c in CHECKS.values() if c.on_indicator)
    names = [n for n, c in CHECKS.items() if c.on_form]
    assert names.index("weights") < names.index("totals")  # the findings keep the form's order


def test_a_new_indicator_hook_raises_on_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def on_indicator(s: Any, ind: Any, r: Any) -> None:
        seen.append(ind.name)
        if r.index == 1:
            s.row_add("satisfaction-full", "actual")

    monkeypatch.setattr(engine, "INDICATOR_HOOKS", (on_indicator,))
    form = load_form(SEED)
    result = engine.score_form(form, load_rules(form.rules))
    assert seen == [ind.name for ind in form.indicators]
    row = result.indicators[1]
    added = [f for f in row.findings if f.code == "satisfaction-full"]
    assert len(added) == 1 and added[0] in result.findings
    assert added[0].loc == ("indicators", 1, "actual") and added[0].message == CATALOG["satisfaction-full"].messages[""]
    # the row's findings stay together in the form's list, before the next row's
    at = result.findings.index(added[0])
    assert all(f.loc[:2] != ("indicators", 2) for f in result.findings[:at])


def test_a_new_form_hook_sees_the_whole_result_and_comes_last(monkeypatch: pytest.MonkeyPatch) -> None:
    form = load_form(SEED)
    before = engine.score_form(form, load_rules(form.rules))
    totals: list[Any] = []

    def on_form(s: Any, result: Any) -> None:
        totals.append((result.total, result.grade, len(result.indicators)))
        s.add("missing-year", "year", ("year",))

    monkeypatch.setattr(engine, "FORM_HOOKS", FORM_HOOKS + (on_form,))
    result = engine.score_form(form, load_rules(form.rules))
    assert totals == [(before.total, before.grade, len(before.indicators))]
    assert [f.code for f in result.findings] == [f.code for f in before.findings] + ["missing-year"]
