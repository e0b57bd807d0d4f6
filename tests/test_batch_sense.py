"""What a reviewer notices about a batch as a whole: the same form twice (duplicate-submission), a form of
another year (year-outlier, most forms' year or --year); the review PDF's heading and its ranking of every
form; the spreadsheet's 执行率 and 填报−复核 columns."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.scoring.batch_sense import BatchSense, form_keys
from jixiao.scoring.loading import score_file
from jixiao.tui.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"
SENSE = FIXTURES / "sense" / "12-sense.toml"


def review_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    main(["review", *args, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_a_copy_and_the_same_unit_project_and_year_are_duplicates(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SENSE, folder / "a.toml")
    shutil.copy(SENSE, folder / "sub-copy.toml")  # the same content under another name
    # the same unit, project and year, other figures: a second submission of the same form
    text = SENSE.read_text(encoding="utf-8").replace("executed = 945.4", "executed = 990")
    (folder / "b.toml").write_text(text, encoding="utf-8")
    # another project of the same unit: not a duplicate
    (folder / "c.toml").write_text(text.replace("社区综合治理项目", "老旧小区改造项目"), encoding="utf-8")
    batch = review_json(capsys, str(folder))["summary"]["batch_findings"]
    dup = [(Path(f["file"]).name, f["message"]) for f in batch if f["code"] == "duplicate-submission"]
    names = [n for n, _ in dup]
    assert sorted(set(names)) == ["a.toml", "b.toml", "sub-copy.toml"] and "c.toml" not in names
    a = [m for n, m in dup if n == "a.toml"]
    assert any("sub-copy.toml" in m and "内容相同" in m for m in a)  # the copy
    assert any("某街道办事处“社区综合治理项目” 2023 年度" in m and "b.toml" in m for m in a)  # the same form again
    b = [m for n, m in dup if n == "b.toml"]
    assert len(b) == 1 and "a.toml" in b[0] and "sub-copy.toml" in b[0]
    assert all(f["severity"] == "warning" for f in batch)


def test_the_same_form_as_docx_and_xlsx_is_one_submission(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # what the batch compares is what the form says, not its file: the seed drawn as a Word table and as a workbook
    from .fixtures.office_docs import write_docx
    from .test_import_hard_layouts import four_level_header, to_xlsx

    folder = tmp_path / "two"
    folder.mkdir()
    to_xlsx(folder / "表.xlsx", [("Sheet1", four_level_header())])
    write_docx(folder / "表.docx", ["2021年度部门整体支出绩效自评表", four_level_header()])
    docx, xlsx = score_file(str(folder / "表.docx")), score_file(str(folder / "表.xlsx"))
    assert form_keys(docx) == form_keys(xlsx)
    batch = review_json(capsys, str(folder / "表.docx"), str(folder / "表.xlsx"))["summary"]["batch_findings"]
    assert sorted((Path(f["file"]).name, f["code"]) for f in batch) == [
        ("表.docx", "duplicate-submission"), ("表.xlsx", "duplicate-submission")]
    assert "内容相同" in batch[0]["message"]
    # another form's content is another key
    assert form_keys(docx)[0] != form_keys(score_file(str(SENSE)))[0]


def test_year_outlier_against_most_forms_or_the_given_year():
    # three 2023 forms and one 2021: the 2021 one is the outlier; with --year 2021, the three are
    keys = [(f"{i}.toml", (f"d{i}", (f"u{i}", "", y), y)) for i, y in enumerate([2023, 2023, 2021, 2023])]
    sense = BatchSense()
    sense.add(keys)
    assert sense.batch_year() == 2023
    found = sense.findings()
    assert [(f.path, f.code) for f in found] == [("2.toml", "year-outlier")]
    assert "表单年度为 2021，本批次为 2023 年度（多数表单的年度）" in found[0].message
    given = BatchSense(2021)
    given.add(keys)
    assert [f.path for f in given.findings()] == ["0.toml", "1.toml", "3.toml"]
    assert "（--year 所给）" in given.findings()[0].message
    # a tie (one 2023, one 2021): the earlier year
    tie = BatchSense()
    tie.add(keys[1:3])
    assert tie.batch_year() == 2021
    assert BatchSense().batch_year() is None


def test_review_year_option(capsys: pytest.CaptureFixture[str]):
    data = review_json(capsys, str(FIXTURES / "batch"), "--year", "2021")
    outliers = sorted(Path(f["file"]).name for f in data["summary"]["batch_findings"] if f["code"] == "year-outlier")
    assert outliers == ["05-arith.toml", "06-values.toml", "07-qualitative.toml", "08-hollow.toml", "09-sichuan.toml"]
    assert data["summary"]["findings"]["year-outlier"] == 5
    assert main(["review", str(FIXTURES / "batch"), "--year", "20"]) == 2
    assert "年度应在" in capsys.readouterr().err


def test_review_pdf_heading_and_ranking_of_every_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from pypdf import PdfReader

    target = tmp_path / "r.pdf"
    assert main(["review", str(FIXTURES / "batch"), "--pdf", str(target), "--title", "某市财政局"]) == 1
    capsys.readouterr()
    reader = PdfReader(target)
    text = "".join(p.extract_text() for p in reader.pages)
    # 6 of the 9 forms are 2023 ones: the batch's year
    assert "某市财政局 2023 年度预算绩效自评复核报告" in text
    assert reader.metadata.title == "某市财政局 2023 年度预算绩效自评复核报告"
    ranking = text[text.index("二、排名"):text.index("三、逐份说明")]
    # every readable form, highest review total first: 05-arith 104.00 ... 07-qualitative 41.00 last
    for name in ("05-arith.toml", "01-seed.toml", "08-hollow.toml", "09-sichuan.toml", "06-values.toml", "07-qualitative.toml"):
        assert name in ranking
    assert ranking.index("05-arith.toml") < ranking.index("01-seed.toml") < ranking.index("07-qualitative.toml")
    assert "04-broken.toml" not in ranking  # not readable: no total to rank


def test_spreadsheet_has_rate_and_claimed_minus_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from openpyxl import load_workbook

    target = tmp_path / "r.xlsx"
    main(["review", str(SENSE), str(FIXTURES / "batch" / "01-seed.toml"), "--out", str(target)])
    capsys.readouterr()
    ws = load_workbook(target)["表单"]
    head = [c.value for c in ws[1]]
    rate, gap = head.index("执行率（%）"), head.index("填报−复核")
    rows = {Path(r[0]).name: r for r in ws.iter_rows(min_row=2, values_only=True)}
    # 12-sense: 945.4 ÷ 1000 = 94.54%; claimed 99.45, computed (= review) 9.45 + 50 + 30 + 10 = 99.45: gap 0
    assert Decimal(str(rows["12-sense.toml"][rate])) == Decimal("94.54") and rows["12-sense.toml"][gap] == 0
    # 01-seed: 100%; no --reviews, so the review total is the computed 100.00: claimed 99.50 − 100.00 = −0.50
    assert rows["01-seed.toml"][rate] == 100 and Decimal(str(rows["01-seed.toml"][gap])) == Decimal("-0.5")


def test_a_folder_review_reads_the_word_and_pdf_files_units_sent(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # a bureau's folder holds what the units sent: workbooks, Word tables and PDFs, each one a form
    from .fixtures.office_docs import write_docx
    from .test_import_hard_layouts import four_level_header, to_xlsx

    folder = tmp_path / "收到"
    (folder / "乙县").mkdir(parents=True)
    to_xlsx(folder / "甲.xlsx", [("Sheet1", four_level_header())])
    write_docx(folder / "乙县" / "乙.docx", ["2021年度部门整体支出绩效自评表", four_level_header()])
    (folder / "~$乙.docx").write_bytes(b"lock")  # Word's lock file: never a submission
    data = review_json(capsys, str(folder))
    names = sorted(Path(f["file"]).name for f in data["forms"])
    assert names == sorted(["甲.xlsx", "乙.docx"])
    assert all("error" not in f for f in data["forms"])
    # the same form twice: the batch says so, whatever the files' types
    assert sorted(Path(f["file"]).name for f in data["summary"]["batch_findings"]) == ["乙.docx", "甲.xlsx"]


def test_pdf_of_a_folder_prints_its_forms_not_its_pdfs(tmp_path: Path):
    from jixiao.scoring.batch import discover_names

    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "b.docx").write_bytes(b"PK")
    assert [Path(n).name for n in discover_names([str(tmp_path)])[0]] == ["a.toml"]
    assert sorted(Path(n).name for n in discover_names([str(tmp_path)], documents=True)[0]) == ["a.pdf", "a.toml", "b.docx"]
