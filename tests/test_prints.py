"""The two prints and the honest verify (issues 21 and 18): what is on the submission copy
and what is not, the Song font, --no-digest, and verify comparing every page with a fresh print."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from jixiao.indicators import example_path
from jixiao.tui.cli import main
from pypdf import PdfReader

pytestmark = pytest.mark.needs_cjk_font
SEED = example_path()
FIXTURES = Path(__file__).resolve().parent / "fixtures"
UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def text_of(pdf: Path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages))


@pytest.fixture()
def form(tmp_path: Path) -> Path:
    path = tmp_path / "form.toml"
    text = SEED.read_text(encoding="utf-8")
    assert 'note = ""\n' in text
    text = text.replace('note = ""\n', 'note = "部分项目资金于年底拨付，执行率偏低"\n', 1)  # [funds] note, the first
    text = text.replace("[signoff]\n", '[signoff]\nfinance_head = "钱七"\n', 1) if "[signoff]" in text else text
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed (poppler-utils)")
def test_the_submission_copy_has_no_tool_text(form: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "sub.pdf"
    assert main(["pdf", str(form), "-o", str(pdf)]) == 1  # the seed has an error finding: said on the terminal
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    for tool in ("jixiao", "规则集", "复算", "由 jixiao 生成", "填报 9.50"):
        assert tool not in text, tool
    flat = re.sub(r"\s+", "", text)
    # the unit's own scores as filled, the funds note, the sign-off and the stamp box
    assert "参保人满意度大于等于95%大于95%10.009.50" in flat and "总分100.0099.50等级：优" in flat
    assert "执行率偏低原因部分项目资金于年底拨付，执行率偏低" in flat
    for label in ("填表人：", "联系电话：", "单位负责人：", "财务负责人：", "填报日期：", "单位（盖章）"):
        assert label in flat, label
    assert "内容摘要SHA-256：" in flat  # the small digest line stays (it serves verify)
    # the review print says what it is
    review = tmp_path / "rev.pdf"
    assert main(["pdf", str(form), "-o", str(review), "--review"]) == 0
    rtext = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(review), "-"], capture_output=True, text=True, timeout=60).stdout)
    assert "复算" in rtext and "规则集" in rtext and "（填报9.50）" in rtext and "复核（签章）" in rtext


def test_no_digest_removes_the_digest_line_and_the_qr_code(form: Path, tmp_path: Path) -> None:
    from jixiao.reports.form_pdf import QR_FORM_NAME

    pdf = tmp_path / "plain.pdf"
    main(["pdf", str(form), "-o", str(pdf), "--no-digest"])
    assert "内容摘要" not in text_of(pdf) and "第1页共1页" in text_of(pdf)
    page = PdfReader(str(pdf)).pages[0]
    assert not any(QR_FORM_NAME in str(k) for k in page["/Resources"].get("/XObject", {}))


@pytest.mark.skipif(not UMING.is_file(), reason="the Song font AR PL UMing is not installed (fonts-arphic-uming)")
def test_the_form_is_set_in_the_song_font(form: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "song.pdf"
    main(["pdf", str(form), "-o", str(pdf)])
    fonts = {str(f.get_object()["/BaseFont"]) for f in PdfReader(str(pdf)).pages[0]["/Resources"]["/Font"].values()}
    assert any(re.fullmatch(r"/[A-Z]{6}\+UMingCN-0", f) for f in fonts), fonts
    # --font still wins
    if WQY.is_file():
        other = tmp_path / "wqy.pdf"
        main(["pdf", str(form), "-o", str(other), "--font", str(WQY)])
        fonts = {str(f.get_object()["/BaseFont"]) for f in PdfReader(str(other)).pages[0]["/Resources"]["/Font"].values()}
        assert not any("UMing" in f for f in fonts) and any("WenQuanYi" in f for f in fonts), fonts


# ------------------------------------------------------------------ verify: the pages against a fresh print


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["verify", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_verify_compares_every_page_exactly(form: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ([], ["--review", "--explain"], ["--no-digest"]):
        pdf = tmp_path / f"p{len(extra)}.pdf"
        main(["pdf", str(form), "-o", str(pdf), *extra])
        code, report = verify(capsys, str(form), str(pdf))
        assert code == 0, (extra, report["problems"])
        assert report["content"]["mode"] == "exact"
        assert any("逐页相同" in c for c in report["checked"]) and any("规则集 central-2020" in c for c in report["checked"])
        assert any("没有电子签名" in n for n in report["not_checked"])  # said, not passed over
    # one changed value in the form: the page no longer shows it
    edited = tmp_path / "edited.toml"
    edited.write_text(form.read_text(encoding="utf-8").replace('actual = "32.66万人"', 'actual = "33.66万人"'), encoding="utf-8")
    code, report = verify(capsys, str(edited), str(tmp_path / "p0.pdf"))
    assert code == 1 and any("第 1 页的文字与表单不符" in p and "32.66" in p and "33.66" in p for p in report["problems"])


def test_verify_by_text_when_the_font_differs_and_says_so(form: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not (UMING.is_file() and WQY.is_file()):
        pytest.skip("needs two CJK fonts (fonts-arphic-uming, fonts-wqy-zenhei)")
    pdf = tmp_path / "wqy.pdf"
    main(["pdf", str(form), "-o", str(pdf), "--font", str(WQY)])
    code, report = verify(capsys, str(form), str(pdf))
    assert code == 0, report["problems"]
    assert report["content"]["mode"] == "text"
    assert any("只比较了文字" in n for n in report["not_checked"])


def test_verify_names_a_different_rule_set(form: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A print scored with a rules file that calls itself central-2020 (issue 18): the hash tells."""
    rules_src = Path(__file__).resolve().parent.parent / "scoring" / "rulesets" / "central-2020.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text(rules_src.read_text(encoding="utf-8").replace("min = 90", "min = 99.9", 1), encoding="utf-8")
    pdf = tmp_path / "mine.pdf"
    assert main(["pdf", str(form), "-o", str(pdf), "--review", "--rules", str(mine)]) in (0, 1)
    code, report = verify(capsys, str(form), str(pdf))
    assert code == 1
    assert any("打印件记录的规则集为 central-2020" in p and "不是按这个规则集评分的" in p for p in report["problems"])


def test_verify_rejects_a_page_jixiao_did_not_print(form: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfWriter
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "p.pdf"
    main(["pdf", str(form), "-o", str(pdf)])
    extra = tmp_path / "extra.pdf"
    c = Canvas(str(extra))
    c.drawString(100, 100, "appendix")
    c.save()
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    writer.add_page(PdfReader(str(extra)).pages[0])
    added = tmp_path / "added.pdf"
    writer.write(str(added))
    code, report = verify(capsys, str(form), str(added))
    assert code == 1 and any("打印件有 2 页，按表单重新打印应为 1 页" in p for p in report["problems"])


def test_verify_accepts_an_imported_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "seed-2021.txt"
    shutil.copy(FIXTURES / "import" / "seed-2021.txt", src)
    pdf = tmp_path / "txt.pdf"
    assert main(["pdf", str(src), "-o", str(pdf)]) in (0, 1)
    code, report = verify(capsys, str(src), str(pdf))
    assert code == 0, report["problems"]


def test_reportlab_internals_the_printer_relies_on_are_there() -> None:
    """Fails loudly when ReportLab changes one of the internals wrapped in reports/rl_compat.py."""
    from jixiao.reports.rl_compat import cell_values, row_heights, start_next_page
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Table

    table = Table([["a", "b"], ["c", "d"]], rowHeights=[10, 20])
    table.wrap(100, 100)
    assert row_heights(table) == [10.0, 20.0]
    assert cell_values(table) == [["a", "b"], ["c", "d"]]
    import io

    canvas = Canvas(io.BytesIO())
    canvas.drawString(10, 10, "x")
    page = canvas.getPageNumber()
    start_next_page(canvas)
    assert canvas.getPageNumber() == page + 1


def test_verify_of_a_huge_pdf_is_bounded(form: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """5,000 pages (issue 18): refused by count, not read through."""
    from reportlab.pdfgen.canvas import Canvas

    huge = tmp_path / "huge.pdf"
    c = Canvas(str(huge))
    for i in range(5000):
        c.drawString(100, 100, f"第 {i} 页")
        c.showPage()
    c.save()
    code, report = verify(capsys, str(form), str(huge))
    assert code == 1 and any("PDF 有 5000 页" in p for p in report["problems"])
