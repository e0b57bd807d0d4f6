"""Issue 24 in ``jixiao edit``: an approved target and weight are marked 已批复, changing one asks and is recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jixiao.indicators.loader import load_form
from jixiao.tui.app import JixiaoApp
from jixiao.tui.cli import main
from jixiao.tui.components.choice_modal import ChoiceModal
from jixiao.tui.components.detail_panel import DetailPanel
from jixiao.tui.components.indicator_table import IndicatorTable
from textual.widgets import Input

from tests.tui_pilot import clean_env, drive  # noqa: F401  (clean_env: the autouse fixture)

from .test_targets import TARGETS


@pytest.fixture
def from_targets(tmp_path: Path) -> Path:
    t = tmp_path / "approved.toml"
    t.write_text(TARGETS, encoding="utf-8")
    f = tmp_path / "form.toml"
    assert main(["new", "--from-targets", str(t), "-o", str(f)]) == 0
    return f


def detail(app: JixiaoApp) -> str:
    return str(app.query_one(DetailPanel).render())


async def type_into(app: JixiaoApp, pilot: Any, row: int, key: str, keys: str) -> None:
    table = app.query_one(IndicatorTable)
    table.focus()
    table.move_cursor(row=row, column=table.column_index(key))
    await pilot.press("enter")
    await pilot.pause()
    app.screen.query_one(Input).value = keys  # set, not typed: the Pilot has no key for ≥
    await pilot.press("enter")
    await pilot.pause()


def codes(app: JixiaoApp) -> list[str]:
    assert app.result is not None
    return [f.code for f in app.result.findings]


def test_changing_an_approved_target_asks_and_is_recorded(from_targets: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        table = app.query_one(IndicatorTable)
        table.move_cursor(row=0, column=table.column_index("actual"))
        await pilot.pause()
        assert "已批复：年度指标值 ≥12万人  分值 20" in detail(app)
        assert "target-changed" not in codes(app)
        # an actual value is not approved: no question
        await type_into(app, pilot, 0, "actual", "12.5万人")
        assert not isinstance(app.screen, ChoiceModal)
        # the target: asked first; cancelling leaves it
        await type_into(app, pilot, 0, "target", "≥10万人")
        assert isinstance(app.screen, ChoiceModal) and "已批复为 “≥12万人”" in app.screen.message
        await pilot.press("n")
        await pilot.pause()
        assert app.doc.get(("indicators", 0, "target")) == "≥12万人" and app.doc.get(("targets", "changes")) is None
        # confirmed: changed, recorded, and a finding
        await type_into(app, pilot, 0, "target", "≥10万人")
        await pilot.press("y")
        await pilot.pause()
        assert app.doc.get(("indicators", 0, "target")) == "≥10万人"
        (change,) = app.doc.get(("targets", "changes"))
        assert (change["indicator"], change["key"], change["approved"], change["value"]) == ("参保人数", "target", "≥12万人", "≥10万人")
        assert "target-changed" in codes(app)
        table.move_cursor(row=0, column=table.column_index("name"))
        await pilot.pause()
        assert "与批复不一致" in detail(app)
        # typing the approved value back needs no question
        await type_into(app, pilot, 1, "weight", "30")
        assert not isinstance(app.screen, ChoiceModal)
        app.save()
        await pilot.pause()

    drive(from_targets, body)
    form = load_form(from_targets)
    assert form.indicators[0].target == "≥10万人"
    assert form.targets is not None and [c.value for c in form.targets.changes] == ["≥10万人"]


def test_a_changed_weight_asks_too(from_targets: Path) -> None:
    async def body(app: JixiaoApp, pilot: Any) -> None:
        await type_into(app, pilot, 1, "weight", "25")
        assert isinstance(app.screen, ChoiceModal) and "已批复为 30" in app.screen.message
        await pilot.press("y")
        await pilot.pause()
        assert str(app.doc.get(("indicators", 1, "weight"))) == "25"
        assert [c["key"] for c in app.doc.get(("targets", "changes"))] == ["weight"]

    drive(from_targets, body)


def test_definitions_changed_since_are_not_marked(from_targets: Path) -> None:
    approved = from_targets.parent / "approved.toml"
    approved.write_text(TARGETS.replace("≥12万人", "≥13万人"), encoding="utf-8")

    async def body(app: JixiaoApp, pilot: Any) -> None:
        assert app.approved is None and "已改变" in app.approved_notice
        assert "已批复" not in detail(app)

    drive(from_targets, body)
