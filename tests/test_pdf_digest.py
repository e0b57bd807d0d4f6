"""The tamper-evidence digest: what it covers, and ``jixiao verify``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jixiao.indicators.digest import canonical_json, form_digest, normalize_digest
from jixiao.indicators.loader import load_form, load_form_text
from jixiao.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def digest_of(text: str) -> str:
    return form_digest(load_form_text(text))


def test_digest_is_stable_and_hex() -> None:
    d = form_digest(load_form(SEED))
    assert len(d) == 64 and all(c in "0123456789abcdef" for c in d)
    assert d == digest_of(seed_text())


def test_comments_whitespace_and_number_spelling_do_not_change_it() -> None:
    base = digest_of(seed_text())
    text = seed_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]  # drop comment lines
    text2 = "\n\n".join(lines).replace("weight = 12.5", "weight   =   12.50") + "\n# a new comment\n"
    text2 = text2.replace("year = 2021", 'year = 2021 # 年度')
    assert digest_of(text2) == base
    # a default written out is the same as a default left away
    assert digest_of(seed_text().replace('note = ""\n', "")) == base


@pytest.mark.parametrize(
    "old,new",
    [
        ('actual = "32.66万人"', 'actual = "32.67万人"'),
        ("claimed = 9.5", "claimed = 10"),
        ('name = "株洲市社会保险服务中心"', 'name = "株洲市社会保险服务中心 "'),
        ('achieved = "全部完成"', 'achieved = "全部完成。"'),
        ("executed = 1387.53\n\n[funds.appropriation]", "executed = 1387.52\n\n[funds.appropriation]"),
        ('filled_by = ""', 'filled_by = "张三"'),
        ('grade = "优"', 'grade = "良"'),
    ],
)
def test_any_value_changes_it(old: str, new: str) -> None:
    text = seed_text()
    assert old in text
    assert digest_of(text.replace(old, new, 1)) != digest_of(text)


def test_canonical_json_has_decimals_as_strings() -> None:
    js = canonical_json(load_form(SEED))
    assert '"weight":"12.5"' in js and '"annual":"1387.53"' in js
    assert "株洲市社会保险服务中心" in js  # not \\u escapes


def test_normalize_digest_accepts_what_people_type() -> None:
    d = "6EA1 CF21-67D7 A7C5"
    assert normalize_digest(d) == "6ea1cf2167d7a7c5"
    assert normalize_digest("sha256:" + "a" * 64) == "a" * 64
    assert normalize_digest("abc") is None  # too short to mean anything
    assert normalize_digest("z" * 16) is None
    assert normalize_digest("a" * 65) is None


# ------------------------------------------------------------ verify


@pytest.fixture()
def printed(tmp_path: Path) -> tuple[Path, Path]:
    form = tmp_path / "form.toml"
    shutil.copy(SEED, form)
    pdf = tmp_path / "form.pdf"
    assert main(["pdf", str(form), "-o", str(pdf)]) == 1  # printed; the seed has an error finding
    return form, pdf


def test_verify_round_trip_with_the_pdf(printed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf = printed
    capsys.readouterr()
    assert main(["verify", str(form), str(pdf)]) == 0
    assert "一致" in capsys.readouterr().out


def test_verify_with_the_printed_short_digest(printed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    form, pdf = printed
    footer = PdfReader(str(pdf)).pages[0].extract_text()
    short = footer.split("内容摘要 SHA-256：")[1][:16]
    assert main(["verify", str(form), short]) == 0
    assert main(["verify", str(form), short.upper()]) == 0


def test_verify_detects_one_changed_value(printed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf = printed
    form.write_text(form.read_text(encoding="utf-8").replace("claimed = 9.5", "claimed = 10"), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(form), str(pdf)]) == 1
    assert "不一致" in capsys.readouterr().out


def test_verify_ignores_a_new_comment(printed: tuple[Path, Path]) -> None:
    form, pdf = printed
    form.write_text("# 打印后加的注释\n" + form.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["verify", str(form), str(pdf)]) == 0


def test_verify_wrong_digest_exit_1(printed: tuple[Path, Path]) -> None:
    form, _ = printed
    assert main(["verify", str(form), "0" * 16]) == 1


def test_verify_unreadable_inputs_exit_2(printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form, pdf = printed
    capsys.readouterr()
    assert main(["verify", str(form), "xyz"]) == 2
    assert "不是有效的摘要" in capsys.readouterr().err
    not_pdf = tmp_path / "not.pdf"
    not_pdf.write_bytes(b"hello")
    assert main(["verify", str(form), str(not_pdf)]) == 2
    err = capsys.readouterr().err
    assert "无法读取 PDF" in err and "Traceback" not in err
    assert main(["verify", str(form), str(tmp_path / "missing.pdf")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("format = [", encoding="utf-8")
    assert main(["verify", str(broken), str(pdf)]) == 2
    assert "无法读取表单" in capsys.readouterr().err


def test_verify_a_pdf_without_a_digest(printed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reportlab.pdfgen.canvas import Canvas

    form, _ = printed
    other = tmp_path / "other.pdf"
    c = Canvas(str(other))
    c.drawString(100, 100, "hello")
    c.save()
    capsys.readouterr()
    assert main(["verify", str(form), str(other)]) == 1  # pages jixiao did not print: a failure, named
    out = capsys.readouterr().out
    assert "不是 jixiao 打印的" in out and "第 1 页的文字与表单不符" in out


def test_verify_without_pypdf_says_what_to_do(
    printed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The metadata alone proves nothing about the pages (issue 11): without pypdf to read the
    pages, verify says so (exit 2) instead of trusting the digest in the file's bytes."""
    import builtins

    real_import = builtins.__import__

    def no_pypdf(name: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if name == "pypdf" or name.startswith("pypdf."):
            raise ImportError("no pypdf")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pypdf)
    form, pdf = printed
    capsys.readouterr()
    assert main(["verify", str(form), str(pdf)]) == 2
    err = capsys.readouterr().err
    assert "pip install pypdf" in err and "16 位数字" in err and "Traceback" not in err


def test_read_pdf_digest_in_reports_gives_the_forms_digest(printed: tuple[Path, Path]) -> None:
    from jixiao.reports.pdf_digest import read_pdf_digest, read_printed_pdf

    form, pdf = printed
    expected = digest_of(form.read_text(encoding="utf-8"))
    assert read_pdf_digest(pdf) == expected
    pages = read_printed_pdf(pdf).pages
    assert pages and all(expected[:16] in p.digests for p in pages)
