"""Score only what the page shows (issue 18, items 1 and 2).

A workbook's hidden ``jixiao`` sheet, a hidden sheet, row or column, PDF text
drawn invisibly or under a white box: none of them decides a value; what
differs from what is shown is an error finding.  A zero-width character
does not hide a name from a rule.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jixiao.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def _review_json(capsys: pytest.CaptureFixture[str], path: Path) -> dict:
    main(["review", str(path), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr().out
    return json.loads(out)["forms"][0]


def _export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    src = tmp_path / "seed.toml"
    shutil.copy(SEED, src)
    out = tmp_path / "seed.xlsx"
    assert main(["export", str(src), "-o", str(out)]) in (0, 1)
    capsys.readouterr()
    return out


def test_a_forged_hidden_copy_does_not_decide(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The visible sheet says 20万人 and claims 7.84; the hidden copy (with a fingerprint of the visible
    cells, recomputed as anyone can) still says 32.66万人 and 12.50: the sheet is scored, and an error says so."""
    from jixiao.indicators.embedded import DIFFERS, SHEET, cells_fingerprint, payload_rows, read_payload
    from jixiao.indicators.importing.readers import read_grids
    from openpyxl import load_workbook

    path = _export(tmp_path, capsys)
    wb = load_workbook(path)
    form_sheet = next(ws for ws in wb.worksheets if ws.title != SHEET and ws.sheet_state == "visible")
    changed = 0
    for row in form_sheet.iter_rows():
        for cell in row:
            if cell.value == "32.66万人":
                cell.value = "20万人"
                claimed = form_sheet.cell(cell.row, cell.column + 2)
                changed += 1
    assert changed == 1
    claimed.value = 7.84
    wb.save(path)
    grids = read_grids(path)
    visible = next(g for g in grids if g.name == form_sheet.title)
    fingerprint = cells_fingerprint((c.address.split("!")[-1], c.text) for r in visible.rows for c in r)
    wb = load_workbook(path)
    hidden = wb[SHEET]
    embedded = read_payload([r[0].value for r in hidden.iter_rows(min_row=2)])
    assert embedded is not None
    for r in range(2, hidden.max_row + 1):
        hidden.cell(r, 1).value = None
    for i, text in enumerate(payload_rows(embedded.form, embedded.shown, embedded.sheet, fingerprint), start=2):
        hidden.cell(i, 1).value = text
    wb.save(path)

    form = _review_json(capsys, path)
    assert form["total"]["score"] != "100.00"  # 20万人 against ≥ 30万人 loses points
    problems = [f for f in form["findings"] if f["code"] == "import-problem" and DIFFERS in f["message"]]
    assert len(problems) == 1 and problems[0]["severity"] == "error"
    assert "表格内容与导出时一致" not in json.dumps(form, ensure_ascii=False)


def test_an_unedited_export_still_comes_back_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = _export(tmp_path, capsys)
    form = _review_json(capsys, path)
    assert form["total"]["score"] == "100.00"
    assert not [f for f in form["findings"] if f["code"] == "import-problem"]


@pytest.mark.parametrize("spelling", ["成\u200b本指标", "成本\u2060指标\u200d", "\ufeff成本指标", "成本\u00ad指标"])
def test_a_format_character_does_not_hide_a_name_from_a_rule(spelling: str):
    from jixiao.indicators.loader import load_form_text
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.findings import example_form

    text = example_form("cost-direction")
    assert "成本指标" in text
    form = load_form_text(text.replace("成本指标", spelling))
    assert "cost-direction" in [f.code for f in score_form(form).findings]


# ------------------------------------------------------------------ hidden rows and columns


def _shifted(sheet, at_col: int | None = None, at_row: int | None = None):
    """A sheet writer that leaves column ``at_col`` (or row ``at_row``) free: every later one moves by one."""

    class Shift:
        def _c(self, c: int) -> int:
            return c + 1 if at_col is not None and c >= at_col else c

        def _r(self, r: int) -> int:
            return r + 1 if at_row is not None and r >= at_row else r

        def put(self, r, c, value, num_format=None):
            sheet.put(self._r(r), self._c(c), value, num_format)

        def merge(self, r1, c1, r2, c2, value, num_format=None):
            sheet.merge(self._r(r1), self._c(c1), self._r(r2), self._c(c2), value, num_format)

    return Shift()


def _dept(**changes):
    from dataclasses import replace

    from tests.import_fixtures import DEPT

    return replace(DEPT, **changes)


def _hidden_column_book(path: Path) -> Path:
    """实际完成值 twice: a hidden column F with the good figures, before the visible one with the true ones."""
    from dataclasses import replace

    import xlsxwriter

    from tests.import_fixtures import XlsxSheet, department

    spec = _dept()
    honest = [replace(spec.indicators[0], actual="20万人", claimed=7.84), *spec.indicators[1:]]
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("自评表")
    sheet = XlsxSheet(book, ws)
    department(_shifted(sheet, at_col=5), replace(spec, indicators=honest, total=94.84))
    header = 9  # the indicator header row of the department layout (title, unit, 5 funds rows, 2 goal rows)
    ws.write_string(header, 5, "实际完成值")
    for k, ind in enumerate(spec.indicators):
        ws.write_string(header + 1 + k, 5, ind.actual)
    ws.set_column(5, 5, None, None, {"hidden": True})
    book.close()
    return path


def test_a_hidden_column_is_not_scored_and_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from jixiao.indicators.importing.readers import read_grids

    path = _hidden_column_book(tmp_path / "hidden-col.xlsx")
    grid = read_grids(path)[0]
    assert grid.rows[9][6].text == "实际完成值" and grid.rows[9][5].blank  # the hidden header is not there for the recogniser
    form = _review_json(capsys, path)
    assert "error" not in form, form.get("error")
    first = form["indicators"][0]
    assert first["actual"] == "20万人" and first["score"] != "12.50"
    hidden = [f for f in form["findings"] if f["code"] == "import-problem" and "自评表!F:F 隐藏列" in f["message"]]
    assert len(hidden) == 1 and hidden[0]["severity"] == "error"


def test_a_hidden_funds_row_is_not_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A hidden 合计 row above the visible one, saying everything was spent; the visible one says 1000 of 1387.53."""
    import xlsxwriter

    from tests.import_fixtures import XlsxSheet, department

    spec = _dept(funds={"total": (1366.77, 1387.53, 1000), "appropriation": (1366.77, 1387.53, 1000)}, funds_claimed=7.21)
    path = tmp_path / "hidden-row.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("自评表")
    department(_shifted(XlsxSheet(book, ws), at_row=3), spec)
    for c, value in enumerate(["", "合计", 1366.77, 1387.53, 1387.53, 10, 1, 10]):
        if value != "":
            (ws.write_string if isinstance(value, str) else ws.write_number)(3, c, value)
    ws.set_row(3, None, None, {"hidden": True})
    book.close()
    form = _review_json(capsys, path)
    assert "error" not in form, form.get("error")
    assert form["funds"]["rate"] != "100.00%" and form["funds"]["score"] != "10.00"
    assert any(f["code"] == "import-problem" and "自评表!4:4 隐藏行" in f["message"] for f in form["findings"])


def test_a_hidden_column_of_an_xls_is_not_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    import os
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: it makes the .xls")
    src = _hidden_column_book(tmp_path / "hidden-col.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    form = _review_json(capsys, tmp_path / "hidden-col.xls")
    assert "error" not in form, form.get("error")
    assert form["indicators"][0]["actual"] == "20万人"
    assert any(f["code"] == "import-problem" and "自评表!F:F 隐藏列" in f["message"] for f in form["findings"])


# ------------------------------------------------------------------ PDF: invisible and covered text


def _overlay(src: Path, out: Path, draw) -> Path:
    """``src`` with a page drawn by ``draw(canvas, page)`` (ReportLab) on top of its first page."""
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    writer = PdfWriter(clone_from=PdfReader(src))
    page = writer.pages[0]
    buf = io.BytesIO()
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    c = canvas.Canvas(buf, pagesize=(w, h))
    draw(c, h)
    c.save()
    page.merge_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
    writer.write(out)
    return out


def _where(path: Path, text: str) -> tuple[float, float, float, float]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    w = next(w for w in words if w["text"].startswith(text))
    return w["x0"], w["top"], w["x1"], w["bottom"]


def _font(c) -> str:
    from jixiao.reports.fonts import register_cjk_font

    return register_cjk_font(None).name


def test_text_under_a_white_box_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from jixiao.reports.fonts import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no TrueType CJK font (fonts-wqy-zenhei) to draw the PDFs")
    from tests.fixtures.office_docs import department_sheet, draw_pdf

    src = draw_pdf(tmp_path / "dept.pdf", ["# 2021 年度部门整体支出绩效自评表", department_sheet(), "填表人：张三"])
    x0, top, x1, bottom = _where(src, "32.66")

    def paint(c, h):
        c.setFillColorRGB(1, 1, 1)
        c.rect(x0 - 1, h - bottom - 1, x1 - x0 + 2, bottom - top + 2, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(_font(c), bottom - top - 1)
        c.drawString(x0, h - bottom + 1, "20万人")

    path = _overlay(src, tmp_path / "covered.pdf", paint)
    form = _review_json(capsys, path)
    assert "error" not in form, form.get("error")
    assert form["indicators"][0]["actual"] == "20万人"
    covered = [f for f in form["findings"] if f["code"] == "import-problem" and "遮住" in f["message"]]
    assert len(covered) == 1 and "32.66" in covered[0]["message"] and covered[0]["severity"] == "error"


def test_invisible_text_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from jixiao.reports.fonts import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no TrueType CJK font (fonts-wqy-zenhei) to draw the PDFs")
    from tests.fixtures.office_docs import department_sheet, draw_pdf

    src = draw_pdf(tmp_path / "dept.pdf", ["# 2021 年度部门整体支出绩效自评表", department_sheet(), "填表人：张三"])
    x0, top, x1, bottom = _where(src, "32.66")

    def paint(c, h):  # an invisible layer: 40万人 where the page shows 32.66万人
        t = c.beginText(x1 + 1, h - bottom + 1)
        t.setFont(_font(c), 4)
        t.setTextRenderMode(3)
        t.textOut("40万人")
        c.drawText(t)

    path = _overlay(src, tmp_path / "invisible.pdf", paint)
    form = _review_json(capsys, path)
    assert "error" not in form, form.get("error")
    assert form["indicators"][0]["actual"] == "32.66万人"
    assert any(f["code"] == "import-problem" and "不可见的文字" in f["message"] for f in form["findings"])
