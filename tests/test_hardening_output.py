"""Hardening of what jixiao shows and prints (issue 11, items 5, 6, 9, 10, 16).

5: control characters in user text never reach the terminal raw;
6: ``jixiao verify`` checks what is printed on every page, not only the metadata;
9: tests needing a Chinese font skip without one (see ``needs_cjk_font`` in conftest);
10: a font without the form's glyphs is refused;
16: cosmetics of the PDFs and the review workbook.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.terminal import json_text, visible

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"

# What a hostile submitter writes, as TOML escapes: clear the screen, set the
# window title, an 8-bit CSI, a carriage return, a right-to-left override
CLEAR = "\\u001b[2J"
TITLE = "\\u001b]0;pwned\\u0007"
CSI8 = "\\u009b31m"
RLO = "\\u202e"
NASTY = f"{CLEAR}{TITLE}{CSI8}\\r{RLO}001"
RAW = "\x1b[2J\x1b]0;pwned\x07\x9b31m\r\u202e001"  # the same, as Python text

FORBIDDEN_BYTES = (b"\x1b", b"\x07", b"\r")
# 0x9b is also a continuation byte of UTF-8 Chinese (目 is E7 9B AE): the 8-bit
# CSI is looked for as a character, U+009B, in the decoded output
FORBIDDEN_CHARS = ("\x9b", "\u202e", "\x1b", "\x07")


def hostile_form(tmp_path: Path, name: str = "hostile.toml") -> Path:
    text = SEED.read_text(encoding="utf-8")
    text = text.replace('name = "株洲市社会保险服务中心"', f'name = "株洲市{NASTY}中心"', 1)
    text = text.replace('target = "31.88万人"', f'target = "31.88万人{CLEAR}"', 1)
    text = text.replace('name = "全市企业养老保险离退休人数"', f'name = "全市{TITLE}人数"', 1)
    # the satisfaction row has claimed 9.5 < 10 and no note: its finding quotes the name
    text = text.replace('name = "参保人满意度"', f'name = "参保人{CSI8}满意度{RLO}"', 1)
    assert text.count("\\u001b") >= 4
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=cwd or ROOT, env=env, capture_output=True, timeout=120
    )


def assert_clean(proc: subprocess.CompletedProcess[bytes]) -> str:
    both = proc.stdout + proc.stderr
    for b in FORBIDDEN_BYTES:
        assert b not in both, (b, both.decode("utf-8", "replace")[:2000])
    text = both.decode("utf-8")
    for ch in FORBIDDEN_CHARS:
        assert ch not in text, (ch, text[:2000])
    assert "Traceback" not in text
    return text


# ------------------------------------------------------------------ 5: visible()


def test_visible_shows_every_control_character() -> None:
    assert visible(RAW) == "␛[2J␛]0;pwned␇<U+009B>31m␍<U+202E>001"
    assert visible("a\nb\tc") == "a␊b␉c"
    assert visible("a\nb\tc", multiline=True) == "a\nb\tc"
    assert visible("a\r\nb", multiline=True) == "a␍\nb"  # a carriage return could overwrite the line
    assert visible("\x7f\x00\u200b\ufeff\u2066\U000e0041") == "␡␀<U+200B><U+FEFF><U+2066><U+E0041>"
    plain = "株洲市社会保险服务中心 ≥95% “引号” 12.50"
    assert visible(plain) is plain  # nothing to do: the same object


def test_json_text_escapes_and_keeps_the_data() -> None:
    data = {"name": RAW + "\x7f\U000e0041", "ok": "株洲"}
    raw = json.dumps(data, ensure_ascii=False)
    safe = json_text(raw)
    for ch in (*FORBIDDEN_CHARS, "\x7f", "\U000e0041"):
        assert ch not in safe
    assert json.loads(safe) == data
    assert "株洲" in safe  # Chinese stays readable


# ------------------------------------------------------------------ 5: the commands


def test_score_and_check_show_controls_visibly(tmp_path: Path) -> None:
    form = hostile_form(tmp_path)
    proc = run_cli("score", str(form))
    assert proc.returncode == 1, proc.stderr.decode()  # the seed's score-mismatch
    out = assert_clean(proc)
    assert "株洲市␛[2J␛]0;pwned␇<U+009B>31m␍<U+202E>001中心" in out
    assert "参保人<U+009B>31m满意度<U+202E>" in out  # in the table and in the findings
    assert "31.88万人␛[2J" in out
    # the table's lines all have the same width: no cell broke a line
    table = [line for line in out.splitlines() if line.startswith(("┌", "│", "└", "├"))]
    from tui.textable import cell_width

    assert len({cell_width(line) for line in table}) == 1
    check = run_cli("check", str(form))
    assert "参保人<U+009B>31m满意度<U+202E>" in assert_clean(check)


def test_json_output_keeps_the_text_as_escapes(tmp_path: Path) -> None:
    form = hostile_form(tmp_path)
    proc = run_cli("score", str(form), "--format", "json")
    assert_clean(proc)
    data = json.loads(proc.stdout.decode("utf-8"))
    assert data["indicators"][8]["name"] == "参保人\x9b31m满意度\u202e"  # the form's text, exactly


def test_review_table_and_json_are_clean(tmp_path: Path) -> None:
    form = hostile_form(tmp_path)
    (tmp_path / "hostile.review.toml").write_text(
        'reviewer = "某局\\u001b[2J"\n[[adjustments]]\nindicator = "没有这个\\u001b]0;x\\u0007"\ndeduct = 1\nreason = "r"\n',
        encoding="utf-8",
    )
    proc = run_cli("review", str(tmp_path))
    out = assert_clean(proc)
    assert "株洲市␛[2J" in out
    proc = run_cli("review", str(tmp_path), "--format", "json")
    assert_clean(proc)
    data = json.loads(proc.stdout.decode("utf-8"))
    assert data["forms"][0]["unit"].startswith("株洲市\x1b[2J")
    assert form.exists()


def test_error_messages_quoting_input_are_clean(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("year = 2021", f'year = "20{CLEAR}21{RLO}"'), encoding="utf-8")
    proc = run_cli("score", str(bad))
    assert proc.returncode == 2
    err = assert_clean(proc)
    assert "␛[2J" in err
    # a file name with an escape in it, on the command line
    proc = run_cli("check", str(tmp_path / "no\x1b[2Jfile.toml"))
    assert proc.returncode == 2
    assert "no␛[2Jfile.toml" in assert_clean(proc)
    # argparse's own messages quote the argument too
    proc = run_cli("score", "x.toml", "--format", "t\x1b[2J")
    assert proc.returncode == 2
    assert_clean(proc)


def test_rules_show_is_clean(tmp_path: Path) -> None:
    rules = tmp_path / "my.toml"
    rules.write_text(f'id = "my"\nextends = "central-2020"\nname = "某市{TITLE}口径"\nsource = "s"\n', encoding="utf-8")
    proc = run_cli("rules", "show", str(rules))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "\\u001b]0;pwned\\u0007" in assert_clean(proc)  # the file's text as written
    # raw control characters in the file itself (TOML refuses them): the message is clean too
    rules.write_text(f'id = "my"\nextends = "central-2020"\nname = "某市{RAW}"\nsource = "s"\n', encoding="utf-8")
    proc = run_cli("rules", "show", str(rules))
    assert proc.returncode == 2
    assert_clean(proc)


def test_pdf_and_verify_messages_are_clean(tmp_path: Path) -> None:
    form = hostile_form(tmp_path)
    pdf = tmp_path / "out.pdf"
    proc = run_cli("pdf", str(form), "-o", str(pdf))
    assert proc.returncode == 0, proc.stderr.decode()
    assert_clean(proc)
    proc = run_cli("verify", str(form), str(pdf))
    assert proc.returncode == 0
    assert_clean(proc)
    proc = run_cli("verify", str(form), "zz\x1b[2Jzz")
    assert proc.returncode == 2
    assert "zz␛[2Jzz" in assert_clean(proc)


def test_pdf_folder_failures_are_clean(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    hostile_form(folder)
    (folder / "broken.toml").write_text(f'format = 1\nyear = "{CLEAR}"\n', encoding="utf-8")
    proc = run_cli("pdf", str(folder), "-o", str(tmp_path / "out"), "-j", "1")
    assert proc.returncode == 1
    assert "␛[2J" in assert_clean(proc)


def test_in_process_main_restores_the_streams(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_before, err_before = sys.stdout, sys.stderr
    assert main(["check", str(hostile_form(tmp_path))]) == 1
    assert (sys.stdout, sys.stderr) == (out_before, err_before)
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out and "␛" in captured.out


# ------------------------------------------------------------------ 5: the TUI


def screen_text(app: Any) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def test_tui_shows_controls_visibly(tmp_path: Path) -> None:
    from textual.widgets import Input

    from indicators.document import FormDocument
    from tui.app import JixiaoApp
    from tui.components.findings_panel import FindingsPanel
    from tui.components.indicator_table import IndicatorTable

    form = hostile_form(tmp_path)
    app = JixiaoApp(FormDocument.open(form), cursor_blink=False)
    seen: dict[str, str] = {}

    async def body() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            seen["main"] = screen_text(app)
            app.query_one(FindingsPanel).focus()
            await pilot.pause()
            seen["findings"] = screen_text(app)
            table = app.query_one(IndicatorTable)
            table.focus()
            table.move_cursor(row=0, column=table.column_index("target"))
            await pilot.press("enter")
            await pilot.pause()
            seen["editor"] = screen_text(app)
            seen["value"] = app.screen.query_one(Input).value
            await pilot.press("escape")
            await pilot.pause()

    asyncio.run(body())
    for where, text in seen.items():
        for ch in FORBIDDEN_CHARS + ("\r",):
            assert ch not in text, (where, ch)
    assert "株洲市␛[2J␛]0;pwned␇<U+009B>31m␍<U+202E>001中心" in seen["main"]  # the header
    assert "31.88万人␛[2J" in seen["main"]  # the table
    assert "参保人<U+009B>31m满意度<U+202E>" in seen["findings"]
    assert seen["value"] == "31.88万人␛[2J"  # the editor shows, and would keep, what is shown
    assert "31.88万人␛[2J" in seen["editor"]
