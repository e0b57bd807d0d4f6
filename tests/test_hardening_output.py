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
from jixiao.tui.cli import main
from jixiao.tui.terminal import json_text, visible

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
        [sys.executable, "-m", "jixiao.tui.cli", *args], cwd=cwd or ROOT, env=env, capture_output=True, timeout=120
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


def test_the_stream_guard_lets_rich_draw_and_nothing_else() -> None:
    import io

    from jixiao.tui.terminal import VisibleStream, unguarded
    from rich.console import Console

    raw = io.StringIO()
    stream = VisibleStream(raw)
    print("单位：" + RAW, file=stream)
    assert raw.getvalue() == "单位：␛[2J␛]0;pwned␇<U+009B>31m␍<U+202E>001\n"
    raw.truncate(0)
    raw.seek(0)
    Console(file=unguarded(stream), force_terminal=True, color_system="standard").print("[red]进度[/red]")
    assert "\x1b[31m进度" in raw.getvalue()  # a progress bar's own colours and cursor moves still work
    raw.truncate(0)
    raw.seek(0)
    Console(file=stream, force_terminal=True, color_system="standard").print("[red]进度[/red]")
    assert raw.getvalue() == "␛[31m进度␛[0m\n"  # any other writer, rich included, is made visible


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
    from jixiao.tui.textable import cell_width

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
    assert "某市␛]0;pwned␇口径" in assert_clean(proc)  # the set's name as written, its escapes made visible
    # raw control characters in the file itself (TOML refuses them): the message is clean too
    rules.write_text(f'id = "my"\nextends = "central-2020"\nname = "某市{RAW}"\nsource = "s"\n', encoding="utf-8")
    proc = run_cli("rules", "show", str(rules))
    assert proc.returncode == 2
    assert_clean(proc)


@pytest.mark.slow
def test_pdf_and_verify_messages_are_clean(tmp_path: Path) -> None:
    form = hostile_form(tmp_path)
    pdf = tmp_path / "out.pdf"
    proc = run_cli("pdf", str(form), "-o", str(pdf))
    assert proc.returncode == 1, proc.stderr.decode()  # printed; its error finding is told on the terminal
    assert pdf.is_file()
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
    from jixiao.indicators.document import FormDocument
    from jixiao.tui.app import JixiaoApp
    from jixiao.tui.components.findings_panel import FindingsPanel
    from jixiao.tui.components.indicator_table import IndicatorTable
    from textual.widgets import Input

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


# ------------------------------------------------------------------ 6: verify reads what is printed


def _print(tmp_path: Path, form: Path, name: str) -> Path:
    out = tmp_path / name
    assert main(["pdf", str(form), "-o", str(out), "--review"]) == 0  # two pages: the form and its findings
    return out


@pytest.fixture()
def printed_and_edited(tmp_path: Path) -> tuple[Path, Path, Path, str, str]:
    """The seed printed, and an edited copy of the seed (claimed 9.5 -> 10): (form, pdf, edited, digests)."""
    from jixiao.indicators.digest import form_digest
    from jixiao.indicators.loader import load_form

    form = tmp_path / "form.toml"
    form.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / "edited.toml"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("claimed = 9.5", "claimed = 10"), encoding="utf-8")
    pdf = _print(tmp_path, form, "form.pdf")
    return form, pdf, edited, form_digest(load_form(form)), form_digest(load_form(edited))


def _with_metadata(pdf: Path, digest: str, out: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    writer.add_metadata({"/Subject": f"jixiao form sha256={digest}", "/Keywords": f"jixiao-sha256:{digest}, rules:central-2020"})
    writer.write(str(out))
    return out


def test_rewritten_metadata_is_caught(printed_and_edited: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf, edited, printed_digest, edited_digest = printed_and_edited
    forged = _with_metadata(pdf, edited_digest, tmp_path / "forged.pdf")
    capsys.readouterr()
    # the edited form against the forged PDF: before issue 11 this said 一致
    assert main(["verify", str(edited), str(forged)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("不一致")
    assert f"第 1–2 页页脚印的摘要为 {printed_digest[:16]}" in out  # which pages say what
    assert f"元数据中的摘要为 {edited_digest[:16]}" in out
    assert "二维码" in out
    # and the original form against it: the pages agree with the form, the metadata does not
    assert main(["verify", str(form), str(forged)]) == 1
    assert "不一致" in capsys.readouterr().out
    # the untouched PDF still verifies
    assert main(["verify", str(form), str(pdf)]) == 0
    assert "每页页脚印的摘要和二维码、元数据" in capsys.readouterr().out


def test_one_of_two_metadata_fields_rewritten_is_caught(printed_and_edited: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader, PdfWriter

    form, pdf, _, printed_digest, edited_digest = printed_and_edited
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    writer.add_metadata({"/Keywords": f"jixiao-sha256:{edited_digest}"})
    half = tmp_path / "half.pdf"
    writer.write(str(half))
    capsys.readouterr()
    assert main(["verify", str(form), str(half)]) == 1
    out = capsys.readouterr().out
    assert "两处摘要互不相同" in out and edited_digest[:16] in out and printed_digest[:16] in out


def test_a_page_from_another_print_is_caught(printed_and_edited: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader, PdfWriter

    form, pdf, edited, printed_digest, edited_digest = printed_and_edited
    other = _print(tmp_path, edited, "edited.pdf")
    writer = PdfWriter()
    writer.add_page(PdfReader(str(pdf)).pages[0])  # page 1 of the original print
    writer.add_page(PdfReader(str(other)).pages[1])  # page 2 of the edited one
    writer.add_metadata({"/Subject": f"jixiao form sha256={edited_digest}", "/Keywords": f"jixiao-sha256:{edited_digest}"})
    mixed = tmp_path / "mixed.pdf"
    writer.write(str(mixed))
    capsys.readouterr()
    assert main(["verify", str(edited), str(mixed)]) == 1
    out = capsys.readouterr().out
    assert f"第 1 页页脚印的摘要为 {printed_digest[:16]}" in out  # page 2 agrees with the metadata and the form
    assert "第 1–2 页" not in out and "第 2 页" not in out


def test_a_qr_code_for_another_digest_is_caught(printed_and_edited: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.reports.form_pdf import QR_FORM_NAME, _qr_modules, qr_payload, qr_rects
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    form, pdf, _, printed_digest, _ = printed_and_edited
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    xobjects = writer.pages[0]["/Resources"]["/XObject"]
    key = next(k for k in xobjects if QR_FORM_NAME in k)
    stream = xobjects[key].get_object()
    ops = "\n".join(f"{x} {y} {w} 1 re" for x, y, w in qr_rects(_qr_modules(qr_payload("0" * 64))))
    data = stream.get_data().decode("latin-1")
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")  # pypdf re-encodes only Flate
    head, tail = data.split("\n", 3)[:3], data[data.rindex("\nf") :]
    stream.set_data(("\n".join(head) + "\n" + ops + tail).encode("latin-1"))
    swapped = tmp_path / "qr.pdf"
    writer.write(str(swapped))
    capsys.readouterr()
    assert main(["verify", str(form), str(swapped)]) == 1
    out = capsys.readouterr().out
    assert f"第 1–2 页的二维码不是摘要 {printed_digest[:16]}" in out  # one form XObject, drawn on both pages


def test_metadata_alone_without_readable_pages_is_not_proof(printed_and_edited: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reportlab.pdfgen.canvas import Canvas

    form, _, _, printed_digest, _ = printed_and_edited
    bare = tmp_path / "bare.pdf"
    c = Canvas(str(bare))
    c.setSubject(f"jixiao form sha256={printed_digest}")
    c.drawString(100, 100, "hello")
    c.save()
    capsys.readouterr()
    assert main(["verify", str(form), str(bare)]) == 1  # the pages do not show the form
    out = capsys.readouterr().out
    assert out.startswith("不一致") and "第 1 页的文字与表单不符" in out
    assert "只凭元数据不能证明打印件的内容" in out  # and what was not checked is said


def test_verify_reads_the_pages_without_the_metadata(printed_and_edited: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader, PdfWriter

    form, pdf, edited, printed_digest, _ = printed_and_edited
    writer = PdfWriter()
    for page in PdfReader(str(pdf)).pages:
        writer.add_page(page)
    stripped = tmp_path / "stripped.pdf"
    writer.write(str(stripped))
    capsys.readouterr()
    assert main(["verify", str(form), str(stripped)]) == 0
    assert main(["verify", str(edited), str(stripped)]) == 1
    assert printed_digest[:16] in capsys.readouterr().out


# ------------------------------------------------------------------ 9, 10: fonts

LATIN_TTF = Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf"  # shipped with ReportLab


def test_a_font_without_chinese_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert LATIN_TTF.is_file()
    out = tmp_path / "x.pdf"
    assert main(["pdf", str(SEED), "-o", str(out), "--font", str(LATIN_TTF)]) == 2
    err = capsys.readouterr().err
    assert str(LATIN_TTF) in err and "没有中文字形" in err and "“预”" in err and "方框" in err
    assert not out.exists()
    review_out = tmp_path / "r.pdf"
    assert main(["review", str(SEED), "--pdf", str(review_out), "--font", str(LATIN_TTF)]) == 2
    assert "没有中文字形" in capsys.readouterr().err and not review_out.exists()


def test_a_candidate_without_chinese_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.reports import fonts

    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setenv(fonts.FONT_PATH_ENV, str(LATIN_TTF))
    assert fonts.find_cjk_font() is None
    choice = fonts.register_cjk_font()
    assert choice.name == fonts.FALLBACK_CID and choice.warning  # not Vera: it would print boxes


@pytest.mark.needs_cjk_font
def test_the_first_candidate_with_chinese_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.reports import fonts

    cjk = fonts.usable_cjk_font()
    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setenv(fonts.FONT_PATH_ENV, os.pathsep.join([str(LATIN_TTF), str(cjk)]))
    choice = fonts.register_cjk_font()
    assert choice.path == str(cjk) and choice.embedded


@pytest.mark.needs_cjk_font
def test_a_form_character_the_font_lacks_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.reports import fonts

    font = fonts.register_cjk_font()
    from reportlab.pdfbase import pdfmetrics

    cmap = pdfmetrics.getFont(font.name).face.charToGlyph
    rare = next(chr(c) for c in range(0x20000, 0x2A6DF) if c not in cmap)  # CJK extension B
    form = tmp_path / "rare.toml"
    form.write_text(SEED.read_text(encoding="utf-8").replace('name = "株洲市社会保险服务中心"', f'name = "株洲市{rare}中心"', 1), encoding="utf-8")
    out = tmp_path / "rare.pdf"
    assert main(["pdf", str(form), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"“{rare}”" in err and str(font.path) in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
def test_font_tests_skip_with_a_reason_without_a_font() -> None:
    """Item 9: on a machine with only Python, the test needing a Chinese font skips, saying why."""
    test = "tests/test_pdf.py::test_seed_form_prints_everything_the_engine_computed"
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_TEST_REQUIRE_FONTS"}
    env["JIXIAO_FONT_PATH"] = ""
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", test]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    assert "SKIPPED [1]" in proc.stdout and "fonts-wqy-zenhei" in proc.stdout
    env["JIXIAO_TEST_REQUIRE_FONTS"] = "1"  # CI: the font is installed, and its absence is a failure
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0


# ------------------------------------------------------------------ 16: cosmetics

BATCH = ROOT / "tests" / "fixtures" / "review" / "batch"


@pytest.mark.slow
def test_a_full_goal_cell_keeps_its_last_full_stop_off_the_rule(tmp_path: Path) -> None:
    """CJK wrapping hangs a closing 。 past the line's end; it must stay inside the cell."""
    import re

    import pdfplumber
    from jixiao.reports.form_pdf import MARGIN_X, PAGE_SIZE, render_form
    from jixiao.scoring.loading import score_file

    right_rule = PAGE_SIZE[0] - MARGIN_X  # the 实际完成情况 cell ends at the table's right edge
    base = "按时足额发放养老金，确保参保人员待遇按月发放到位，提高经办服务质量和效率"
    src = SEED.read_text(encoding="utf-8")
    worst = 0.0
    for n in range(80, 96):  # one of these lengths puts the 。 where the next line would start
        text = (base * 5)[: n - 1] + "。"
        form = tmp_path / f"goal{n}.toml"
        form.write_text(re.sub(r'achieved = ".*"', f'achieved = "{text}"', src, count=1), encoding="utf-8")
        out = tmp_path / f"goal{n}.pdf"
        render_form(score_file(form), out)
        with pdfplumber.open(out) as pdf:
            stops = [c for c in pdf.pages[0].chars if c["text"] == "。" and c["x0"] > PAGE_SIZE[0] / 2 and c["top"] < 300]
        assert stops, n
        worst = max(worst, max(c["x1"] for c in stops))
    assert worst <= right_rule - 1, (worst, right_rule)  # the glyph's whole box, not only its ink


def test_review_pdf_pages_say_page_n_of_m(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import re

    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    assert main(["review", str(BATCH), "--pdf", str(out)]) == 1
    pages = PdfReader(str(out)).pages
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert re.search(rf"第\s*{n}\s*页\s*共\s*{len(pages)}\s*页", page.extract_text() or ""), n


def test_review_xlsx_scores_have_two_places_and_the_date_is_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    assert main(["review", str(BATCH), "--out", str(out), "--reviews", str(BATCH)]) == 1
    wb = load_workbook(out)
    forms = wb["表单"]
    head = [c.value for c in forms[1]]
    seed = next(r for r in forms.iter_rows(min_row=2) if str(r[0].value).endswith("01-seed.toml"))
    for name in ("填报总分", "复算总分", "复核总分"):
        cell = seed[head.index(name)]
        assert isinstance(cell.value, (int, float)) and cell.number_format == "0.00", (name, cell.value)
    assert seed[head.index("复算总分")].value == 100  # shown as 100.00
    date = seed[head.index("复核日期")]
    assert date.is_date and date.value.date() == dt.date(2022, 8, 1) and date.number_format == "yyyy-mm-dd"
    rows = wb["指标"]
    head = [c.value for c in rows[1]]
    some = next(rows.iter_rows(min_row=2))
    for name in ("分值", "填报得分", "复算得分", "复核得分", "复核调整"):
        cell = some[head.index(name)]
        assert isinstance(cell.value, (int, float)) and cell.number_format == "0.00", name
