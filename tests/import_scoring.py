"""Scoring imported forms in the import tests: one place for the helpers every import test file uses."""

from __future__ import annotations

from pathlib import Path

from jixiao.indicators.importing.recognise import Recognised
from jixiao.indicators.importing.toml_writer import form_toml
from jixiao.indicators.loader import load_form, load_form_text
from jixiao.scoring.engine import Result, score_form
from jixiao.scoring.rules import load_rules


def score(rec: Recognised) -> Result:
    """The result of an imported form, scored from the TOML text the import writes."""
    form = load_form_text(form_toml(rec), "imported.toml")
    return score_form(form, load_rules(form.rules), "imported.toml")


def score_file(path: Path) -> Result:
    form = load_form(path)
    return score_form(form, load_rules(form.rules), str(path))


def rows_of(result: Result) -> list[tuple[object, ...]]:
    return [(i.category, i.subcategory, i.name, i.target, i.actual, i.weight, i.claimed, i.score) for i in result.indicators]


def assert_scores_as(got: Result, want: Result) -> None:
    """Same rows, total, grade, funds and finding codes."""
    assert rows_of(got) == rows_of(want)
    assert (got.total, got.claimed_total, got.grade, got.claimed_grade) == (
        want.total,
        want.claimed_total,
        want.grade,
        want.claimed_grade,
    )
    assert (got.funds.rate, got.funds.score, got.funds.claimed) == (want.funds.rate, want.funds.score, want.funds.claimed)
    # a layout drawn without the 年度总体目标 rows is a form without a goal: goal-missing is its own
    skip = {"goal-missing"} if not (got.form.goal.expected or got.form.goal.achieved) else set()
    assert sorted(f.code for f in got.findings if f.code not in skip) == sorted(f.code for f in want.findings if f.code not in skip)
