"""``jixiao pdf`` and ``jixiao verify`` on the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jixiao.tui.cli import main
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
PROJECT = ROOT / "tests" / "fixtures" / "project-2023.toml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.tui.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_pdf_one_form_review_print(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.pdf"
    assert main(["pdf", str(SEED), "-o", str(out), "--review"]) == 0
    captured = capsys.readouterr()
    assert f"已生成复核件：{out}" in captured.out
    assert "复算发现 1 个错误" in captured.out
    assert "复算发现的错误" in PdfReader(str(out)).pages[-1].extract_text()


def test_pdf_submission_copy_tells_the_differences_on_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "form.toml"
    shutil.copy(SEED, form)
    # the seed has an error finding (a claimed score the engine does not give): exit status 1
    assert main(["pdf", str(form)]) == 1
    captured = capsys.readouterr()
    assert f"已生成报送件：{tmp_path / 'form.pdf'}" in captured.out
    assert "第 9 项指标“参保人满意度”：填报 9.50，复算 10.00" in captured.out
    assert "总分：填报 99.50，复算 100.00" in captured.out
    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "form.pdf")).pages)
    assert "复算发现的错误" not in text and "填报 9.50" not in text.replace(" ", "")
    # a row without a claimed score prints blank, and the terminal says so
    blank = tmp_path / "blank.toml"
    blank.write_text(SEED.read_text(encoding="utf-8").replace("claimed = 9.5", "", 1), encoding="utf-8")
    main(["pdf", str(blank)])
    captured = capsys.readouterr()
    assert "第 9 项指标“参保人满意度”：未填得分，报送件上空着（复算得分 10.00" in captured.out


def test_pdf_output_into_a_folder(tmp_path: Path) -> None:
    assert main(["pdf", str(PROJECT), "-o", str(tmp_path)]) == 0
    assert (tmp_path / "project-2023.pdf").is_file()


def test_pdf_bad_form_is_a_chinese_message_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nkind = "department"\nyear = "二〇二一"\n', encoding="utf-8")
    assert main(["pdf", str(bad), "-o", str(tmp_path / "bad.pdf")]) == 2
    err = capsys.readouterr().err
    assert "无法读取表单" in err and str(bad) in err and "Traceback" not in err
    assert not (tmp_path / "bad.pdf").exists()


def test_pdf_missing_file_and_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pdf", str(tmp_path / "nope.toml")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    assert main(["pdf", str(SEED), "-o", str(tmp_path / "no" / "such" / "dir" / "x.pdf")]) == 2
    assert "无法写入 PDF" in capsys.readouterr().err


def test_pdf_unusable_font_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"not a font")
    assert main(["pdf", str(SEED), "-o", str(tmp_path / "x.pdf"), "--font", str(fake)]) == 2
    err = capsys.readouterr().err
    assert "无法使用该字体" in err and str(fake) in err
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_fallback_font_warning_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.reports import fonts

    monkeypatch.setattr(fonts, "find_cjk_font", lambda explicit=None: None)
    monkeypatch.setattr(fonts, "_registered", {})
    out = tmp_path / "cid.pdf"
    assert main(["pdf", str(SEED), "-o", str(out)]) == 1  # the seed has an error finding
    captured = capsys.readouterr()
    assert "STSong-Light" in captured.err and "fonts-wqy-zenhei" in captured.err
    assert "STSong-Light" not in captured.out
    assert out.is_file()


def test_pdf_folder_in_parallel_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    src = tmp_path / "forms"
    src.mkdir()
    for i in range(5):
        shutil.copy(SEED, src / f"unit{i}.toml")
    shutil.copy(PROJECT, src / "project.toml")
    (src / "县区").mkdir()
    shutil.copy(SEED, src / "县区" / "unit0.toml")  # same name in a sub-folder: mirrored, not overwritten
    (src / "broken.toml").write_text('format = 1\nkind = "departm\n', encoding="utf-8")
    (src / "unit0.review.toml").write_text('reviewer = "x"\n', encoding="utf-8")  # a review file, not a form
    outdir = tmp_path / "pdfs"
    proc = run("pdf", str(src), "-o", str(outdir), "--jobs", "2")
    assert proc.returncode == 1, proc.stderr
    made = sorted(str(p.relative_to(outdir)) for p in outdir.rglob("*.pdf"))
    assert made == ["project.pdf"] + [f"unit{i}.pdf" for i in range(5)] + ["县区/unit0.pdf"]
    assert "broken.toml" in proc.stderr and "失败" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "已生成 7 份 PDF" in proc.stdout and "1 份失败：broken.toml" in proc.stdout
    for name in made:
        assert len(PdfReader(str(outdir / name)).pages) >= 1


def test_pdf_folder_all_good_exit_0(tmp_path: Path) -> None:
    src = tmp_path / "forms"
    src.mkdir()
    shutil.copy(PROJECT, src / "a.toml")
    shutil.copy(PROJECT, src / "b.toml")
    proc = run("pdf", str(src))
    assert proc.returncode == 0, proc.stderr
    assert (src / "a.pdf").is_file() and (src / "b.pdf").is_file()


def test_pdf_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pdf", str(tmp_path)]) == 2
    assert "没有表单" in capsys.readouterr().err


def test_the_command_module_does_not_import_reportlab() -> None:
    code = "import sys, tui.cli; tui.cli.build_parser(); print('reportlab' in sys.modules, 'pypdf' in sys.modules, 'rich' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={**os.environ})
    assert proc.stdout.strip() == "False False False", proc.stderr


def test_help_is_chinese() -> None:
    proc = run("pdf", "-h")
    assert proc.returncode == 0 and "打印" in proc.stdout and "--review" in proc.stdout and "报送件" in proc.stdout
    assert "复核件" in proc.stdout and "--no-digest" in proc.stdout
    proc = run("verify", "-h")
    assert proc.returncode == 0 and "摘要" in proc.stdout


def test_pdf_grading_note_follows_the_rule_set(tmp_path: Path) -> None:
    out = tmp_path / "g.pdf"
    assert main(["pdf", str(SEED), "-o", str(out), "--rules", "grades-80-70-60", "--review"]) == 0
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace(" ", "").replace("\n", "")
    assert "80分（含）—100分为优" in text and "70分（含）—80分为良" in text and "60分以下为差" in text
    assert "规则集：grades-80-70-60" in text
    out2 = tmp_path / "n.pdf"
    assert main(["pdf", str(SEED), "-o", str(out2), "--rules", "no-grade", "--review"]) == 0
    text2 = "".join(p.extract_text() for p in PdfReader(str(out2)).pages).replace(" ", "").replace("\n", "")
    assert "本规则集不评定等级" in text2 and "等级：不评等级" in text2


def test_pdf_unknown_rule_set_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pdf", str(SEED), "-o", str(tmp_path / "x.pdf"), "--rules", "no-such-rules"]) == 2
    err = capsys.readouterr().err
    assert "找不到规则集" in err and "Traceback" not in err


def test_pdf_folder_serial_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "forms"
    src.mkdir()
    shutil.copy(SEED, src / "a.toml")
    (src / "b.toml").write_bytes("format = 1\nkind = \"项目\"\n".encode("gb18030"))  # GBK bytes
    assert main(["pdf", str(src), "-o", str(tmp_path / "out"), "-j", "1"]) == 1
    captured = capsys.readouterr()
    assert (tmp_path / "out" / "a.pdf").is_file() and not (tmp_path / "out" / "b.pdf").exists()
    assert "b.toml" in captured.err and "UTF-8" in captured.err
    assert "已生成 1 份 PDF" in captured.out
