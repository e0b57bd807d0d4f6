"""Import from PDF and Word (issue 13): documents made here (ReportLab, python-docx, LibreOffice), read back.

Grid-level tests check the cells and merged ranges the readers give against
the sheet that was drawn; form-level tests check that the recogniser turns
them into forms that score exactly as the source TOML.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jixiao.indicators.importing import import_grids
from jixiao.indicators.importing.grid import Grid
from jixiao.indicators.importing.readers import ImportFailure, ReaderError, read_grids
from jixiao.indicators.importing.readers.docx import read_doc
from jixiao.reports.fonts import find_cjk_font

from tests.budget import examples
from tests.cli_helpers import run_process as run
from tests.import_scoring import assert_scores_as, score, score_file

from .conftest import ROOT, SEED
from .fixtures.office_docs import (
    PROJECT_ROWS,
    SEED_ROWS,
    SIGNOFF,
    Row,
    Sheet,
    department_sheet,
    draw_pdf,
    project_sheet,
    project_titles,
    split_sheet,
    unrelated_table,
    write_docx,
)

D = Decimal
PROJECT = ROOT / "tests" / "fixtures" / "project-2023.toml"

needs_font = pytest.mark.skipif(find_cjk_font() is None, reason="no TrueType CJK font (fonts-wqy-zenhei) to draw the PDFs")
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def grids_of(path: Path) -> list[Grid]:
    return read_grids(path)


def table_offset(grid: Grid, sheet: Sheet) -> int:
    """The grid row where the drawn table starts (its first cell's text)."""
    return next(i for i, r in enumerate(grid.rows) if r[0].text == sheet.rows[0][0])


def assert_same_cells(grid: Grid, sheet: Sheet, off: int) -> None:
    """Every anchor's text and every merged range of the sheet come back at the same place."""
    for r, row in enumerate(sheet.rows):
        for c, text in enumerate(row):
            got = grid.rows[off + r][c]
            covered = got.merged is not None and (got.merged[0], got.merged[1]) != (off + r, c)
            if not covered:
                assert got.text == text, (r, c)
    want = {(off + a, b, off + c, d) for a, b, c, d in sheet.spans}
    got_ranges = {c.merged for row in grid.rows[off : off + len(sheet.rows)] for c in row if c.merged}
    assert got_ranges == want


def department_pdf(path: Path) -> Path:
    return draw_pdf(path, ["附件", "# 2021 年度部门整体支出绩效自评表", department_sheet(), "填表人：张三    单位负责人：李四"])


def project_pdf(path: Path, split: bool = False, **kw: object) -> Path:
    titles = project_titles(split)
    return draw_pdf(path, ["# " + titles[0], *titles[1:], project_sheet(split=split), SIGNOFF], **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------ PDF: one ruled form, the three layouts


@needs_font
def test_pdf_department_template_cells_merges_and_text_around(tmp_path):
    sheet = department_sheet()
    grids = grids_of(department_pdf(tmp_path / "dept.pdf"))
    assert len(grids) == 1
    g = grids[0]
    assert (g.kind, g.name, g.source) == ("pdf", "第 1 页", str(tmp_path / "dept.pdf"))
    off = table_offset(g, sheet)
    assert [r[0].text for r in g.rows[:off]] == ["附件", "2021 年度部门整体支出绩效自评表"]  # the text above, in order
    assert all(c.blank for r in g.rows[:off] for c in r[1:])  # single cells
    assert_same_cells(g, sheet, off)
    after = [c.text for c in g.rows[off + len(sheet.rows)] if c.text]
    assert after == ["填表人：张三", "单位负责人：李四"]  # the sign-off below, cut where the words are far apart
    assert {c.address for r in g.rows for c in r} == {"第 1 页"}
    money = g.rows[off + 2][3]
    assert (money.text, money.value, money.percent) == ("1387.53", D("1387.53"), False)
    rate = g.rows[off + 2][6]
    assert (rate.value, rate.percent) == (D(100), True)


@needs_font
@pytest.mark.parametrize("split", [False, True], ids=["mof-template", "split-target"])
def test_pdf_project_templates_cells_and_merges(tmp_path, split):
    sheet = project_sheet(split=split)
    g = grids_of(project_pdf(tmp_path / "p.pdf", split=split))[0]
    off = table_offset(g, sheet)
    assert [r[0].text for r in g.rows[:off]] == project_titles(split)[: off]
    assert_same_cells(g, sheet, off)
    assert g.width == sheet.width


@needs_font
def test_pdf_department_template_scores_as_the_seed(tmp_path):
    found = import_grids(department_pdf(tmp_path / "dept.pdf"))[1]
    assert len(found) == 1
    rec = found[0]
    assert (rec.kind, rec.year, rec.unit) == ("department", 2021, "株洲市社会保险服务中心")
    got, want = score(rec), score_file(SEED)
    assert_scores_as(got, want)
    # the seed's arithmetic: 4 × 12.5 + 4 × 7.5 + 10 = 90 for the rows, + funds 10 = 100.00; claimed 99.50 (9.5 for 10)
    assert got.total == D("100.00") and got.claimed_total == D("99.50")


@needs_font
@pytest.mark.parametrize("split", [False, True], ids=["mof-template", "split-target"])
def test_pdf_project_templates_score_as_the_source(tmp_path, split):
    rec = import_grids(project_pdf(tmp_path / "p.pdf", split=split))[1][0]
    got, want = score(rec), score_file(PROJECT)
    assert_scores_as(got, want)
    assert [i.target for i in got.indicators] == [r.target for r in PROJECT_ROWS]  # ≥ 12 万人 joined back: ≥12万人
    # funds: 48.4 / 53.79 = 89.98%, 10 × 0.8998 = 9.00 (rounded half up) claimed 9; rows 20+15+15+30+10 = 90; total 99.00
    assert got.funds.score == D("9.00") and got.total == D("99.00")


@needs_font
def test_pdf_without_ruling_lines_is_read_by_word_positions(tmp_path):
    """A table drawn with no lines at all: rows from the lines of text, columns from where the words start."""
    path = project_pdf(tmp_path / "nolines.pdf", lines=False, valign="TOP")
    g = grids_of(path)[0]
    texts = [[c.text for c in r if c.text] for r in g.rows]
    header = next(r for r in texts if "一级指标" in r)
    assert header == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    # the wrapped cell 基础养老金标准提高至每月150元 comes back as one text in its row
    assert ["效益指标", "社会效益指标", "城乡居民老有所养保障水平", "稳步提高", "基础养老金标准提高至每月150元", "30", "30"] in texts
    header_row = next(r for r in g.rows if any(c.text == "一级指标" for c in r))
    col = {c.text: k for k, c in enumerate(header_row) if c.text}
    first = next(r for r in g.rows if any(c.text == "城乡居民养老保险参保人数" for c in r))
    assert first[col["三级指标"]].text == "城乡居民养老保险参保人数" and first[col["分值"]].value == D(20)
    rec = import_grids(path)[1][0]
    assert_scores_as(score(rec), score_file(PROJECT))


# ------------------------------------------------------------------ PDF: a whole document


def _long_department() -> Sheet:
    """The seed's eight rows twice (weights 6.25 and 3.75, so that 8 × 6.25 = 50 and 8 × 3.75 = 30) and 满意度."""
    rows = []
    for copy in range(2):
        for r in SEED_ROWS[:8]:
            weight = "6.25" if r.category.startswith("产出") else "3.75"
            rows.append(Row(r.category, r.subcategory, f"{r.name}第{copy + 1}批", r.target, r.actual, weight, weight))
    return department_sheet(rows + SEED_ROWS[8:], ("100", "99.50"))


def whole_document(path: Path, repeat_header: bool) -> Path:
    """Seven pages: report text; an unrelated table; the department form broken across pages 3 and 4; an unrelated
    table; a project form on page 6; report text."""
    sheet = _long_department()
    first, rest = split_sheet(sheet, 17, repeat=8 if repeat_header else None)  # row 8 is the indicator header
    blocks = [
        "# 某某中心 2021 年度部门决算", ("narrative", 3), "<pagebreak>",
        "一、收入支出决算总表", unrelated_table(), ("narrative", 2), "<pagebreak>",
        "附件：2021 年度部门整体支出绩效自评表", "# 2021 年度部门整体支出绩效自评表", first, "<pagebreak>",
        rest, "填表人：张三    单位负责人：李四", "<pagebreak>",
        "二、财政拨款收入支出决算表", unrelated_table(), "<pagebreak>",
        "# 项目支出绩效自评表", "（2023年度）", project_sheet(), SIGNOFF, "<pagebreak>",
        "三、其他需要说明的情况", ("narrative", 2),
    ]  # fmt: skip
    return draw_pdf(path, blocks)


@needs_font
@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "header-not-repeated"])
def test_whole_document_two_forms_with_page_ranges_and_a_joined_table(tmp_path, repeat_header):
    path = whole_document(tmp_path / "juesuan.pdf", repeat_header)
    grids = grids_of(path)
    assert [g.name for g in grids] == ["第 3–4 页", "第 6 页"]  # the report pages and unrelated tables are not forms
    g = grids[0]
    header_rows = [i for i, r in enumerate(g.rows) if any(c.text == "一级指标" for c in r)]
    assert len(header_rows) == 1  # a repeated header is dropped
    if repeat_header:
        assert any("续表重复的表头" in message for _, message in g.notes)
    names = [r[3].text for r in g.rows if r[3].text.endswith(("第1批", "第2批"))]
    assert len(names) == 16  # the rows of both pages, in the same column
    assert {c.address for c in g.rows[-2]} == {"第 4 页"}
    _, found = import_grids(path)
    assert [(r.kind, r.year) for r in found] == [("department", 2021), ("project", 2023)]
    dept = score(found[0])
    assert len(dept.indicators) == 17
    # 8 × 6.25 + 8 × 3.75 + 10 = 90, + funds 10 = 100.00 computed; claimed 9.5 for the last: 99.50
    assert dept.total == D("100.00") and dept.claimed_total == D("99.50")
    assert sum(i.weight for i in dept.indicators) == D(90)
    assert_scores_as(score(found[1]), score_file(PROJECT))


@pytest.mark.slow
@needs_font
def test_import_list_and_output_folder_for_a_whole_document(tmp_path):
    path = whole_document(tmp_path / "juesuan.pdf", True)
    listing = run("import", str(path), "--list")
    assert listing.returncode == 0, listing.stderr
    assert "第 3–4 页" in listing.stdout and "第 6 页" in listing.stdout
    out = tmp_path / "out"
    done = run("import", str(path), "-o", str(out))
    assert done.returncode == 0, done.stderr
    written = sorted(out.glob("*.toml"))
    assert len(written) == 2
    totals = sorted(score_file(p).claimed_total for p in written)
    assert totals == [D("99"), D("99.50")]


# ------------------------------------------------------------------ PDF: what cannot be read


def _scan(path: Path) -> Path:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("RGB", (200, 280), "white")
    for x in range(20, 180):
        for y in (40, 80, 120):
            image.putpixel((x, y), (0, 0, 0))  # ruled lines, as a scanned form has: pixels, not text
    c = Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return path


def test_scan_is_refused_saying_it_is_a_scan_and_ocr_is_not_done(tmp_path):
    path = _scan(tmp_path / "scan.pdf")
    with pytest.raises(ImportFailure) as exc:
        read_grids(path)
    assert "扫描件" in exc.value.message and "不做文字识别" in exc.value.message and "2 页" in exc.value.message
    done = run("import", str(path))
    assert done.returncode == 2
    assert "扫描件" in done.stderr and "Traceback" not in done.stderr


def test_blank_pages_are_not_called_a_scan(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(tmp_path / "blank.pdf"))
    c.rect(100, 100, 200, 200)  # a drawing, no text, no image
    c.showPage()
    c.save()
    with pytest.raises(ImportFailure) as exc:
        read_grids(tmp_path / "blank.pdf")
    assert "没有文字" in exc.value.message and "扫描件" not in exc.value.message


@pytest.mark.slow
@needs_font
def test_encrypted_truncated_and_fake_pdfs_exit_2_with_a_message(tmp_path):
    import pypdf

    source = department_pdf(tmp_path / "dept.pdf")
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt("secret")
    writer.write(str(tmp_path / "locked.pdf"))
    data = source.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    (tmp_path / "fake.pdf").write_bytes(b"<html>not a pdf</html>")
    expected = {"locked.pdf": "加密", "cut.pdf": "损坏或不完整", "fake.pdf": "不是 PDF"}
    for name, words in expected.items():
        done = run("import", str(tmp_path / name))
        assert done.returncode == 2, name
        assert words in done.stderr and name in done.stderr and "Traceback" not in done.stderr, done.stderr


@needs_font
def test_owner_password_only_is_read(tmp_path):
    """A PDF with only a permissions password opens without one (as every reader opens it)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(department_pdf(tmp_path / "dept.pdf")))
    writer.encrypt("", owner_password="owner")
    writer.write(str(tmp_path / "perm.pdf"))
    assert score(import_grids(tmp_path / "perm.pdf")[1][0]).claimed_total == D("99.50")


@needs_font
def test_pdf_with_no_form_says_what_was_looked_for(tmp_path):
    path = draw_pdf(tmp_path / "report.pdf", ["# 某某中心 2021 年度部门决算", ("narrative", 3), unrelated_table()])
    with pytest.raises(ImportFailure) as exc:
        read_grids(path)
    assert "没有找到绩效自评表" in exc.value.message and "三级指标" in exc.value.message


# ------------------------------------------------------------------ jixiao's own PDF imports back


@pytest.mark.slow
@needs_font
@pytest.mark.parametrize("claimed", [False, True], ids=["review-copy", "submission-copy"])
@pytest.mark.parametrize("source", [SEED, PROJECT, "noted"], ids=["seed", "project", "with-a-note"])
def test_jixiao_pdf_round_trip(tmp_path, claimed, source):
    """What `jixiao pdf` prints imports back to the same form: every key the printed layout carries."""
    if source == "noted":  # the seed with its 9.5 explained in 偏差原因分析及改进措施
        source = tmp_path / "noted.toml"
        text = SEED.read_text(encoding="utf-8")
        source.write_text(text.replace('claimed = 9.5\nnote = ""', 'claimed = 9.5\nnote = "满意度调查样本不足，扣0.5分；下年度扩大调查范围。"'),
                          encoding="utf-8")
        assert "扩大调查范围" in source.read_text(encoding="utf-8")
    out = tmp_path / "printed.pdf"
    # the submission copy prints the claimed scores (and exits 1 where the form has an error finding,
    # told on the terminal); the review copy prints the computed ones beside them
    done = run("pdf", str(source), "-o", str(out), *([] if claimed else ["--review"]))
    errors = any(f.severity == "error" for f in score_file(source).findings)
    assert done.returncode == (1 if claimed and errors else 0), done.stderr
    found = import_grids(out)[1]
    assert len(found) == 1
    got, want = score(found[0]), score_file(source)
    assert_scores_as(got, want)
    a, b = got.form, want.form
    assert (a.kind, a.year, a.unit, a.goal, a.categories) == (b.kind, b.year, b.unit, b.goal, b.categories)
    if claimed:  # the submission copy's sign-off block reads back (the review copy's is laid out for the 复核 box)
        assert a.signoff == b.signoff
    for row in ("total", "appropriation", "carryover", "other"):
        assert getattr(a.funds, row) == getattr(b.funds, row), row
    assert [i.note for i in a.indicators] == [i.note for i in b.indicators]
    if source == SEED:  # printed as "10.00（填报 9.50）" on the review copy: the claimed score is read, not the computed
        assert got.claimed_total == D("99.50") and got.indicators[-1].claimed == D("9.50")


@needs_font
def test_score_and_check_read_a_pdf(tmp_path):
    path = department_pdf(tmp_path / "dept.pdf")
    done = run("score", str(path))
    assert done.returncode == 1, done.stderr  # the seed's score-mismatch is an error
    assert "99.50" in done.stdout and "score-mismatch" in done.stdout


# ------------------------------------------------------------------ Word


def _department_docx(path: Path) -> Path:
    return write_docx(path, ["附件", "2021 年度部门整体支出绩效自评表", department_sheet(), "填表人：张三\t单位负责人：李四"])


def test_docx_merges_and_paragraphs_in_document_order(tmp_path):
    sheet = department_sheet()
    grids = grids_of(_department_docx(tmp_path / "dept.docx"))
    assert len(grids) == 1
    g = grids[0]
    assert g.kind == "docx"
    off = table_offset(g, sheet)
    assert [r[0].text for r in g.rows[:off]] == ["附件", "2021 年度部门整体支出绩效自评表"]
    assert_same_cells(g, sheet, off)
    assert [c.text for c in g.rows[off + len(sheet.rows)] if c.text] == ["填表人：张三", "单位负责人：李四"]
    assert g.rows[0][0].address == "第 1 段" and g.rows[off][0].address == "表 1 第 1 行第 1 列"
    assert g.rows[off + 3][1].address == "表 1 第 4 行第 2 列"


def test_docx_forms_score_as_their_sources(tmp_path):
    dept = import_grids(_department_docx(tmp_path / "dept.docx"))[1]
    assert len(dept) == 1
    assert_scores_as(score(dept[0]), score_file(SEED))
    for split in (False, True):
        titles = project_titles(split)
        path = write_docx(tmp_path / f"p{split}.docx", [*titles, project_sheet(split=split), SIGNOFF])
        rec = import_grids(path)[1][0]
        assert_scores_as(score(rec), score_file(PROJECT))


def test_docx_merge_xml_read_exactly(tmp_path):
    """gridSpan, vMerge (restart / continue) and gridBefore straight from the XML."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.add_paragraph("标题")
    body = d.element.body
    tbl = parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:p><w:r><w:t>AB</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:tcPr><w:vMerge w:val='restart'/></w:tcPr><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr><w:tc><w:p><w:r><w:t>F</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>1</w:t><w:tab/><w:t>2</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    body.insert(len(body) - 1, tbl)  # before the section properties
    d.save(str(tmp_path / "x.docx"))
    g = grids_of(tmp_path / "x.docx")[0]
    assert [c.text for c in g.rows[1]] == ["AB", "", "C", "D"]
    assert g.rows[1][0].merged == g.rows[1][1].merged == (1, 0, 1, 1)
    assert g.rows[1][2].merged == g.rows[2][2].merged == (1, 2, 2, 2)
    assert [c.text for c in g.rows[2]] == ["", "F", "", "1\t2\n3"]
    assert g.rows[2][0].merged is None and g.rows[2][3].merged is None


def test_docx_nested_table_and_frame_table(tmp_path):
    sheet = department_sheet()
    nested = write_docx(tmp_path / "nested.docx", ["2021 年度部门整体支出绩效自评表", ("nested", sheet)])
    g = grids_of(nested)[0]
    assert [c.text for c in g.rows[1] if c.text] == ["绩效指标"]  # the outer table, its own text
    off = table_offset(g, sheet)
    assert off == 2
    assert_same_cells(g, sheet, off)  # the inner table as its own table, with its merges
    assert any("表 2 在表 1 第 1 行第 2 列的单元格里" in m for _, m in g.notes)
    framed = write_docx(tmp_path / "frame.docx", [("frame", ["2021 年度部门整体支出绩效自评表", sheet, "填表人：张三"])])
    g = grids_of(framed)[0]
    assert g.rows[0][0].text == "2021 年度部门整体支出绩效自评表" and g.rows[-1][0].text == "填表人：张三"
    assert_same_cells(g, sheet, 1)
    assert_scores_as(score(import_grids(framed)[1][0]), score_file(SEED))


def test_doc_without_libreoffice_says_to_save_as_docx(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReaderError) as exc:
        read_doc(str(tmp_path / "old.doc"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "旧版 Word 文档" in exc.value.message and ".docx" in exc.value.message


def test_broken_docx_exits_2(tmp_path):
    source = _department_docx(tmp_path / "dept.docx").read_bytes()
    (tmp_path / "cut.docx").write_bytes(source[: len(source) // 2])
    (tmp_path / "text.docx").write_bytes("不是文档".encode())
    for name in ("cut.docx", "text.docx"):
        done = run("import", str(tmp_path / name))
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert name in done.stderr and "Word" in done.stderr


# ------------------------------------------------------------------ LibreOffice, as an office machine prints and saves


def _soffice(source: Path, to: str, outdir: Path) -> Path:
    profile = f"-env:UserInstallation=file://{outdir / 'profile'}"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", to, "--outdir", str(outdir), str(source)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    return outdir / (source.stem + "." + to.split(":")[0])


@pytest.mark.slow
@needs_soffice
def test_libreoffice_docx_printed_to_pdf(tmp_path):
    pdf = _soffice(_department_docx(tmp_path / "dept.docx"), "pdf", tmp_path)
    found = import_grids(pdf)[1]
    assert len(found) == 1
    assert_scores_as(score(found[0]), score_file(SEED))


@pytest.mark.slow
@needs_soffice
def test_libreoffice_xlsx_printed_to_pdf(tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    sheet = project_sheet()
    wb = Workbook()
    ws = wb.active
    ws.append(["项目支出绩效自评表"])
    ws.append(["（2023年度）"])
    thin = Side(style="thin")
    for row in sheet.rows:
        ws.append([D(t) if t.replace(".", "", 1).isdigit() else t for t in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # the target "=100%" is text, not a formula
    for r in range(3, 3 + len(sheet.rows)):
        for c in range(1, sheet.width + 1):
            ws.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="center")  # as the official template sets
        ws.row_dimensions[r].height = 32  # tall enough for the wrapped texts (openpyxl does not measure them)
    for top, left, bottom, right in sheet.spans:
        ws.merge_cells(start_row=top + 3, start_column=left + 1, end_row=bottom + 3, end_column=right + 1)
    ws.append([SIGNOFF])
    for col, width in zip("ABCDEFGHI", (10, 14, 14, 22, 14, 14, 8, 8, 14)):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(tmp_path / "p.xlsx")
    pdf = _soffice(tmp_path / "p.xlsx", "pdf", tmp_path)
    found = import_grids(pdf)[1]
    assert len(found) == 1
    assert_scores_as(score(found[0]), score_file(PROJECT))


@pytest.mark.slow
@needs_soffice
def test_doc_converted_with_libreoffice_and_said_so(tmp_path):
    doc = _soffice(_department_docx(tmp_path / "dept.docx"), "doc:MS Word 97", tmp_path)
    assert doc.suffix == ".doc" and doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    grids = grids_of(doc)
    assert any("LibreOffice" in m for _, m in grids[0].notes)
    assert_scores_as(score(import_grids(doc)[1][0]), score_file(SEED))


@needs_font
def test_pages_are_closed_as_they_are_read(tmp_path, monkeypatch):
    """The layout of a page read is not kept (pdfplumber caches it on the page until close()): memory is bounded."""
    import pdfplumber

    path = whole_document(tmp_path / "juesuan.pdf", True)
    opened: list[object] = []
    real_open = pdfplumber.open

    def spy(*args: object, **kw: object) -> object:
        pdf = real_open(*args, **kw)  # type: ignore[arg-type]
        opened.append(pdf)
        return pdf

    monkeypatch.setattr(pdfplumber, "open", spy)
    grids_of(path)
    pages = opened[0].pages  # type: ignore[attr-defined]
    assert len(pages) == 7
    assert not any(hasattr(p, "_layout") or hasattr(p, "_objects") for p in pages)


@needs_font
def test_borders_drawn_as_thin_filled_bars_with_a_shaded_header(tmp_path):
    """Excel and WPS print borders as thin filled rectangles: they are ruling lines; a shaded row is not."""
    from .fixtures.office_docs import draw_with_bars

    sheet = department_sheet()
    g = grids_of(draw_with_bars(tmp_path / "bars.pdf", sheet, "2021 年度部门整体支出绩效自评表"))[0]
    assert g.rows[0][0].text == "2021 年度部门整体支出绩效自评表"
    assert_same_cells(g, sheet, 1)
    assert_scores_as(score(import_grids(tmp_path / "bars.pdf")[1][0]), score_file(SEED))


@needs_font
def test_fake_bold_characters_drawn_twice_read_once(tmp_path):
    """WPS and some printers make bold by drawing each character twice, a hair apart: it reads once."""
    from jixiao.reports.fonts import register_cjk_font
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = register_cjk_font().name
    c = Canvas(str(tmp_path / "bold.pdf"), pagesize=A4)
    c.setFont(font, 12)
    for dx in (0, 0.3):
        c.drawString(60 + dx, 780, "2023年度项目支出绩效自评表")
    c.setFont(font, 9)
    c.drawString(60, 750, "一级指标")
    c.drawString(160, 750, "三级指标")
    c.drawString(260, 750, "分值")
    c.showPage()
    c.save()
    g = grids_of(tmp_path / "bold.pdf")[0]
    assert g.rows[0][0].text == "2023年度项目支出绩效自评表"


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    import jixiao.indicators.importing.readers.docx as reader

    path = _department_docx(tmp_path / "dept.docx")
    monkeypatch.setattr(reader, "MAX_UNPACKED", 1000)  # the real limit is 200 MB; the document unpacks to more than 1000 bytes
    with pytest.raises(ImportFailure) as exc:
        read_grids(path)
    assert "解压后" in exc.value.message and "上限" in exc.value.message


@needs_font
def test_two_forms_on_a_page_the_second_continued_on_the_next(tmp_path):
    """The second form's own header on the next page is not a repeat of the first form's header."""
    sheet = project_sheet(goal=False)
    first, rest = split_sheet(sheet, 8)  # page 1 ends after the funds block; the indicator header starts page 2
    path = draw_pdf(tmp_path / "two.pdf", ["# 项目支出绩效自评表", "（2023年度）", sheet, SIGNOFF,
                                           "# 项目支出绩效自评表", "（2023年度）", first, "<pagebreak>", rest, SIGNOFF])
    found = import_grids(path)[1]
    assert len(found) == 2
    for rec in found:
        assert len(score(rec).indicators) == 5


@needs_font
def test_header_repeated_on_three_pages_is_dropped_twice(tmp_path):
    sheet = _long_department()
    one, rest = split_sheet(sheet, 14, repeat=8)
    two, three = split_sheet(rest, 7, repeat=0)  # rest's row 0 is the repeated header
    path = draw_pdf(tmp_path / "three.pdf", ["# 2021 年度部门整体支出绩效自评表", one, "<pagebreak>", two, "<pagebreak>",
                                             three, "填表人：张三"])
    g = grids_of(path)[0]
    assert g.name == "第 1–3 页"
    assert sum(1 for r in g.rows if any(c.text == "一级指标" for c in r)) == 1
    assert sum(1 for _, m in g.notes if "续表重复的表头" in m) == 2
    rec = import_grids(path)[1][0]
    assert len(score(rec).indicators) == 17 and score(rec).claimed_total == D("99.50")


@needs_font
def test_labels_turned_a_quarter_read_along_their_direction(tmp_path):
    """Excel's 向上/向下旋转文字 in a narrow cell: the characters are turned, the label reads as written."""
    from jixiao.reports.fonts import register_cjk_font
    from reportlab.pdfgen.canvas import Canvas

    font = register_cjk_font().name
    c = Canvas(str(tmp_path / "turned.pdf"))
    c.grid([100, 140, 300], [400, 600, 800])  # two rows of a narrow and a wide column
    c.setFont(font, 10)
    for angle, x, y, text in ((90, 125, 620, "绩效指标"), (90, 137, 620, "（50分）"), (-90, 115, 580, "年度总体目标")):
        c.saveState()
        c.translate(x, y)
        c.rotate(angle)
        c.drawString(0, 0, text)
        c.restoreState()
    c.drawString(150, 650, "一级指标")
    c.drawString(150, 500, "三级指标")
    c.save()
    g = grids_of(tmp_path / "turned.pdf")[0]
    assert [c.text for c in g.rows[0]] == ["绩效指标（50分）", "一级指标"]  # up the cell, its second line to the right
    assert [c.text for c in g.rows[1]] == ["年度总体目标", "三级指标"]  # down the cell


@needs_font
def test_form_attached_as_a_scan_to_a_text_report_is_named(tmp_path):
    """A 决算 whose text mentions the form, with the form itself a scanned page: the message names the scan."""
    from pypdf import PdfReader, PdfWriter

    report = draw_pdf(tmp_path / "report.pdf", ["# 2021 年度部门决算", ("narrative", 2), "附件：2021 年度部门整体支出绩效自评表"])
    scan = _scan(tmp_path / "scan.pdf")
    writer = PdfWriter()
    for page in [*PdfReader(report).pages, PdfReader(scan).pages[0]]:
        writer.add_page(page)
    writer.write(str(tmp_path / "mixed.pdf"))
    done = run("import", str(tmp_path / "mixed.pdf"))
    assert done.returncode == 2
    assert "没有找到绩效自评表" in done.stderr and "第 2 页是扫描图像" in done.stderr and "不做文字识别" in done.stderr


@needs_font
def test_edit_opens_a_pdf_and_a_docx_as_an_unsaved_form(tmp_path):
    from jixiao.tui.commands.edit import _open_imported

    for source in (department_pdf(tmp_path / "dept.pdf"), _department_docx(tmp_path / "dept.docx")):
        target = tmp_path / f"{source.suffix[1:]}.toml"
        status, document = _open_imported(source, str(target))
        assert status == 0 and document is not None
        assert document.dirty and not target.exists()  # written only when saved, never over the source
        assert document.get(("unit", "name")) == "株洲市社会保险服务中心"  # type: ignore[attr-defined]
        assert document.indicator_count == 9  # type: ignore[attr-defined]


@st.composite
def ruled_sheets(draw: st.DrawFn) -> Sheet:
    """A sheet of 2–7 rows and 2–6 columns with non-overlapping merged ranges and short texts.

    The last row and column are never merged, so that every grid line is drawn somewhere (a line that no
    cell draws is not in the drawing, and no reader could know of it).
    """
    rows, cols = draw(st.integers(2, 7)), draw(st.integers(2, 6))
    widths = [float(draw(st.integers(2, 5))) for _ in range(cols)]
    taken: set[tuple[int, int]] = set()
    spans: list[tuple[int, int, int, int]] = []
    for _ in range(draw(st.integers(0, 4))):
        top, left = draw(st.integers(0, rows - 2)), draw(st.integers(0, cols - 2))
        bottom, right = draw(st.integers(top, rows - 2)), draw(st.integers(left, cols - 2))
        area = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        if len(area) > 1 and not area & taken:
            taken |= area
            spans.append((top, left, bottom, right))
    words = st.sampled_from(["指标", "分值", "12.5", "100%", "产出", "≥95%", "得分", "万元", "定性", ""])
    grid = [[draw(words) for _ in range(cols)] for _ in range(rows)]
    for top, left, bottom, right in spans:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    grid[r][c] = ""
    grid[0][0] = grid[0][0] or "表头"  # the test finds the table by its first cell
    return Sheet(rows=grid, spans=spans, widths=widths)


@needs_font
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=ruled_sheets())
def test_any_ruled_table_comes_back_with_its_merges(tmp_path, sheet):
    """Whatever the merges, drawn with ruling lines (ReportLab) they come back as the same ranges and texts."""
    path = draw_pdf(tmp_path / "t.pdf", ["# 绩效自评表", sheet])
    g = grids_of(path)[0]
    assert g.width == sheet.width
    assert_same_cells(g, sheet, table_offset(g, sheet))


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=ruled_sheets())
def test_any_word_table_comes_back_with_its_merges(tmp_path, sheet):
    path = write_docx(tmp_path / "t.docx", ["绩效自评表", sheet])
    g = grids_of(path)[0]
    assert_same_cells(g, sheet, table_offset(g, sheet))


@needs_font
def test_damaged_pdfs_give_grids_or_a_chinese_message_and_no_noise(tmp_path, capfd):
    """Bytes flipped anywhere in the file: the reader gives grids or says in Chinese what is wrong, never a
    library's exception and never pdfminer's English warnings on the terminal."""
    import random

    data = department_pdf(tmp_path / "dept.pdf").read_bytes()
    capfd.readouterr()
    rng = random.Random(13)
    outcomes = set()
    for i in range(25):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 30)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / f"d{i}.pdf"
        path.write_bytes(bytes(damaged))
        try:
            grids_of(path)
            outcomes.add("read")
        except ImportFailure as exc:
            assert not exc.message.startswith("无法读取文件（"), exc.message  # the registry's catch-all: not expected
            outcomes.add(exc.message[:6])
    assert len(outcomes) >= 2  # the damage did something
    assert capfd.readouterr().err == ""


@pytest.mark.needs_cjk_font
def test_jixiao_s_own_print_imports_with_its_funds_note(tmp_path):
    """The submission copy prints 执行率偏低原因; importing it lost the note (reported 未读入)."""
    from jixiao.indicators.loader import load_form
    from jixiao.tui.cli import main

    form = tmp_path / "f.toml"
    seed = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"
    text = seed.read_text(encoding="utf-8")
    form.write_text(text.replace('note = ""', 'note = "三季度项目延期，资金结转下年"', 1), encoding="utf-8")
    assert load_form(form).funds.note == "三季度项目延期，资金结转下年"  # the first note is the funds'

    assert main(["pdf", str(form), "-o", str(tmp_path / "f.pdf")]) in (0, 1)
    assert main(["import", str(tmp_path / "f.pdf"), "-o", str(tmp_path / "back.toml")]) in (0, 1)
    assert load_form(tmp_path / "back.toml").funds.note == "三季度项目延期，资金结转下年"
