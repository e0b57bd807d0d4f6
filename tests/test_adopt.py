"""Adopting the computed scores (issue 21): ``jixiao score --adopt FORM`` and the editor's ``A`` with undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jixiao.indicators.loader import load_form
from jixiao.tui.cli import main

from tests.tui_pilot import SEED, clean_env, drive, seed  # noqa: F401  (fixtures)


def unfilled(tmp_path: Path) -> Path:
    """The seed with one score left out (and the unit's wrong total kept)."""
    path = tmp_path / "form.toml"
    text = SEED.read_text(encoding="utf-8").replace("claimed = 9.5\n", "", 1)
    path.write_text("# 单位自己的注释\n" + text, encoding="utf-8")
    return path


def test_score_adopt_writes_the_computed_values_keeping_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = unfilled(tmp_path)
    before = path.read_text(encoding="utf-8")
    assert main(["score", "--adopt", str(path)]) == 0
    out = capsys.readouterr().out
    assert "第 9 项指标“参保人满意度”：未填 → 10.00" in out and "总分：99.50 → 100.00" in out
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# 单位自己的注释\n")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert all(c in after for c in comments)  # every comment kept
    form = load_form(path)
    assert str(form.indicators[8].claimed) == "10.00" and str(form.claimed.total) == "100.00" and form.claimed.grade == "优"
    assert (tmp_path / "form.toml~").read_text(encoding="utf-8") == before  # the previous file kept
    # now the scores agree: score exits 0 (no error finding), and a second adopt changes nothing
    assert main(["score", str(path)]) == 0
    capsys.readouterr()
    assert main(["score", "--adopt", str(path)]) == 0
    assert "未修改" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == after


def test_score_adopt_refuses_what_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "form.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    assert main(["score", "--adopt", str(csv)]) == 2
    assert "只能写回 TOML 表单" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("format = [", encoding="utf-8")
    assert main(["score", "--adopt", str(broken)]) == 2
    assert broken.read_text(encoding="utf-8") == "format = ["


def test_the_editor_adopts_with_one_key_and_undoes(tmp_path: Path) -> None:
    path = unfilled(tmp_path)
    seen: dict[str, Any] = {}

    async def body(app: Any, pilot: Any) -> None:
        await pilot.press("A")
        await pilot.pause()
        seen["adopted"] = (app.doc.get_text(("indicators", 8, "claimed")), app.doc.get_text(("claimed", "total")), app.doc.dirty)
        seen["errors"] = app.result.errors
        await pilot.press("ctrl+z")
        await pilot.pause()
        seen["undone"] = (app.doc.get_text(("indicators", 8, "claimed")), app.doc.get_text(("claimed", "total")))
        await pilot.press("A")
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(path, body)
    assert seen["adopted"] == ("10.00", "100.00", True)
    assert seen["errors"] == 0  # the claimed scores now agree with the engine
    assert seen["undone"] == ("", "99.50")
    form = load_form(path)
    assert str(form.indicators[8].claimed) == "10.00" and form.claimed.grade == "优"
    assert path.read_text(encoding="utf-8").startswith("# 单位自己的注释\n")


def test_adopt_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "-h"])
    assert "--adopt" in capsys.readouterr().out
