"""``jixiao desk``: the review desk driven with Textual's Pilot, over a record made by ``jixiao review``."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from jixiao.tui.cli import main

from .tui_pilot import clean_env  # noqa: F401  (autouse: the developer's Textual settings kept out)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
BATCH = ROOT / "tests" / "fixtures" / "review" / "batch"


@pytest.fixture
def reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A record holding one reviewed batch: three forms of the review fixtures."""
    db = tmp_path / "r.db"
    monkeypatch.setenv("JIXIAO_DB", str(db))
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("01-seed.toml", "05-arith.toml", "sub/08-hollow.toml"):
        shutil.copy(BATCH / name, folder)
    assert main(["review", str(folder), "--jobs", "1"]) in (0, 1)
    capsys.readouterr()
    return db


def drive(db: Path, body: Callable[[Any, Any], Awaitable[None]], tmp_path: Path, size: tuple[int, int] = (100, 30)) -> Any:
    from jixiao.store import open_store
    from jixiao.tui.components.desk_app import DeskApp

    store = open_store(str(db))
    app = DeskApp(store, store.latest_batch()["id"], "张三", tmp_path / "reviews")

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(app, pilot)

    try:
        asyncio.run(run())
    finally:
        store.close()
    return app


def history(capsys: pytest.CaptureFixture[str], unit: str) -> list[dict[str, Any]]:
    assert main(["history", "--unit", unit, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["forms"]


def test_the_batch_is_listed_worst_first(reviewed: Path, tmp_path: Path) -> None:
    async def body(app: Any, pilot: Any) -> None:
        table = app.query_one("#desk-table")
        assert table.row_count == 3
        units = [str(table.get_row_at(i)[1]) for i in range(3)]
        errors = [int(str(table.get_row_at(i)[7])) for i in range(3)]
        assert errors == sorted(errors, reverse=True) and errors[0] == 11  # 05-arith first
        assert units[0].startswith("株洲") or units[0]
        assert [str(table.get_row_at(i)[8]) for i in range(3)] == ["待复核"] * 3
        title = str(app.query_one("#desk-title").render())
        assert "3 份" in title and "张三" in title

    drive(reviewed, body, tmp_path)


def test_enter_opens_a_form_read_only_with_findings_and_explanation(reviewed: Path, tmp_path: Path) -> None:
    async def body(app: Any, pilot: Any) -> None:
        await pilot.press("down", "down")  # the last row: 08-hollow
        row = app.current()
        await pilot.press("enter")
        await pilot.pause()
        from jixiao.tui.components.desk_app import FormScreen

        screen = app.screen
        assert isinstance(screen, FormScreen) and screen.row.scoring_id == row.scoring_id
        table = screen.query_one("#indicators")
        assert table.row_count == len(screen.result.indicators) > 0
        detail = str(screen.query_one("#detail").render())
        assert "计算过程" in detail
        findings = screen.query_one("#findings")
        assert findings.border_title.startswith("发现项")
        await pilot.press("x", "d")  # not the editor: no key changes the form
        assert screen.query_one("#indicators").row_count == table.row_count
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)

    drive(reviewed, body, tmp_path)


def test_an_adjusted_score_with_its_reason_is_kept(reviewed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def body(app: Any, pilot: Any) -> None:
        at = next(i for i, r in enumerate(app.rows) if r.file.endswith("01-seed.toml"))
        app.query_one("#desk-table").move_cursor(row=at)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        last = len(screen.result.indicators) - 1  # 参保人满意度, 10 points
        screen.query_one("#indicators").move_cursor(row=last)
        await pilot.press("a")
        await pilot.pause()
        score = app.screen.query_one("#adjust-score")
        score.value = "20"
        await pilot.press("enter", "enter")  # to the reason, then keep: refused, above the weight
        await pilot.pause()
        assert "之间" in str(app.screen.query_one("#adjust-error").render())
        score.value = "7"
        score.focus()
        await pilot.press("enter", "enter")  # no reason for a deduction: refused
        await pilot.pause()
        assert "理由" in str(app.screen.query_one("#adjust-error").render())
        app.screen.query_one("#adjust-reason").value = "无满意度调查资料"
        await pilot.press("enter")
        await pilot.pause()
        assert "97.00" in str(screen.query_one("#form-review").render())
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("4")  # 通过
        await pilot.pause()
        assert "通过" in str(screen.query_one("#form-review").render())
        await pilot.press("w")
        await pilot.pause()

    drive(reviewed, body, tmp_path)
    [row] = history(capsys, "株洲市社会保险服务中心（01-seed）")
    assert (row["computed_total"], row["reviewed_total"], row["status"], row["reviewer"]) == ("100.00", "97.00", "通过", "张三")
    written = tmp_path / "reviews" / "01-seed.review.toml"
    text = written.read_text(encoding="utf-8")
    assert 'indicator = "参保人满意度"' in text and "score = 7" in text and "无满意度调查资料" in text


def test_status_from_the_table_and_the_table_reloads(reviewed: Path, tmp_path: Path) -> None:
    async def body(app: Any, pilot: Any) -> None:
        first = app.current()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("3")  # 退回
        await pilot.pause()
        assert app.current().scoring_id == first.scoring_id  # the cursor stays on the form
        assert str(app.query_one("#desk-table").get_row_at(0)[8]) == "退回"
        assert "退回" in str(app.query_one("#desk-status").render())

    drive(reviewed, body, tmp_path)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_the_desk_fits_small_terminals(reviewed: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    async def body(app: Any, pilot: Any) -> None:
        table = app.query_one("#desk-table")
        assert table.region.height >= 5 and table.region.width == size[0]
        # the status column is in view without scrolling
        x = sum(c.get_render_width(table) for c in table.ordered_columns[:9])
        assert x <= size[0]
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#indicators").region.height >= 3
        assert screen.query_one("#findings").region.height >= 3

    drive(reviewed, body, tmp_path, size=size)


def test_desk_without_a_batch_or_terminal_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "none.db"))
    assert main(["desk"]) == 2
    assert "不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()  # only reading: no record is made
    from jixiao.store import open_store

    open_store(str(tmp_path / "empty.db")).close()  # made, with no batch in it
    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "empty.db"))
    assert main(["desk"]) == 2
    assert "没有任何一批复核" in capsys.readouterr().err


def test_the_form_shows_its_findings_against_the_year_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.db"
    monkeypatch.setenv("JIXIAO_DB", str(db))
    for year in (2020, 2021):
        folder = tmp_path / str(year)
        folder.mkdir()
        (folder / "seed.toml").write_text(SEED.read_text(encoding="utf-8").replace("year = 2021", f"year = {year}", 1), encoding="utf-8")
        main(["review", str(folder), "--jobs", "1"])
    capsys.readouterr()

    async def body(app: Any, pilot: Any) -> None:
        await pilot.press("enter")
        await pilot.pause()
        panel = app.screen.query_one("#findings")
        codes = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert sum("低于 2020 年实际完成值" in c for c in codes) == 2  # target-below-last-actual
        assert any("与 2020 年完全相同" in c for c in codes)  # indicators-unchanged

    drive(db, body, tmp_path)
