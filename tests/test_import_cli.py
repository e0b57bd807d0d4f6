"""``jixiao import`` end to end, and every command reading spreadsheets (score, check, review, edit).

The workbooks are made in the tests (tests/import_fixtures.py) in the three
layouts real forms use; a few are kept as files under tests/fixtures/import/.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import tomli
from jixiao.indicators.importing import import_file
from jixiao.indicators.loader import FormError, load_form
from jixiao.indicators.submission import load_submission
from jixiao.scoring.loading import score_file

from tests.import_fixtures import (
    DEPT,
    PROJECT,
    SPLIT,
    department,
    mof_project,
    split_target,
    write_book,
    write_book_openpyxl,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SEED_TOML = ROOT / "indicators" / "examples" / "seed-2021.toml"
SEED_TEXT = FIXTURES / "seed-2021.txt"


def jixiao(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "jixiao.tui.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture
def books(tmp_path: Path) -> dict[str, Path]:
    return {
        "project": write_book(tmp_path / "project.xlsx", [("自评表", [(mof_project, PROJECT)])]),
        "split": write_book(tmp_path / "split.xlsx", [("Sheet1", [(split_target, SPLIT)])]),
        "dept": write_book(tmp_path / "dept.xlsx", [("部门", [(department, DEPT)])]),
        "two": write_book(tmp_path / "two.xlsx", [("两张", [(mof_project, PROJECT), (department, DEPT)])]),
        "sheets": write_book(tmp_path / "sheets.xlsx", [("项目", [(mof_project, PROJECT)]), ("部门", [(department, DEPT)])]),
    }


def codes(result) -> list[tuple[str, str]]:
    return sorted((f.code, f.where.split(" ", 1)[-1] if f.where[:1] != "i" else f.where) for f in result.findings)


# ------------------------------------------------------------------ the three layouts score as by hand


def test_mof_project_template_imports_and_scores(books, tmp_path):
    out = tmp_path / "project.toml"
    run = jixiao("import", str(books["project"]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert f"已写入：{out}" in run.stdout and "自评表!A1" in run.stdout
    form = load_form(out)
    assert (form.kind, form.year, form.unit.project) == ("project", 2022, "农村学校营养改善计划")
    assert [i.name for i in form.indicators] == [i.name for i in PROJECT.indicators]
    result = score_file(out)
    # funds: 108 / 120 = 90%, 10 x 0.9 = 9.00; indicators 30 + 20 + 20 + 10 + 10 = 90; total 99.00
    assert result.funds.score == Decimal("9.00")
    assert result.total == Decimal("99.00") and result.claimed_total == Decimal("99.00")
    assert result.errors == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("#") and str(books["project"]) in text.splitlines()[0]  # the source in the first comment


def test_split_target_template_joins_the_target_and_keeps_yuan(books):
    form, _text, notes = load_submission(books["split"])
    targets = [i.target for i in form.indicators]
    assert targets == ["≥735人次", "＝100%", "明显改善", "建立", "≥90%"]  # ≥ 735 人次 joined (＝ as typed); 定性 -> the value alone
    assert form.funds.unit == "元"
    assert form.funds.total.annual == Decimal("1200000.00")
    assert form.funds.total.executed == Decimal("1080000.00")  # the text "1,080,000.00" and the number agree
    result = score_file(books["split"])
    # 1,080,000 / 1,200,000 = 90%: funds 9.00; indicators 90; total 99.00
    assert result.funds.score == Decimal("9.00") and result.total == Decimal("99.00")
    assert notes.imported is not None and notes.imported.sheet == "Sheet1"


def test_department_template_scores_as_the_seed(books):
    seed = score_file(SEED_TOML)
    got = score_file(books["dept"])
    assert (got.total, got.claimed_total, got.grade, got.claimed_grade) == (seed.total, seed.claimed_total, "优", "优")
    assert got.total == Decimal("100.00") and got.claimed_total == Decimal("99.50")
    assert sorted(f.code for f in got.findings) == sorted(f.code for f in seed.findings)
    # the findings name the sheet and cell, not a line of a TOML the user never saw
    mismatch = next(f for f in got.findings if f.code == "score-mismatch")
    # the 得分 cell of 参保人满意度: the 9th indicator row (11 + 8 = 19), column H
    assert mismatch.where.split()[0] == "部门!H19" and mismatch.line is None and "参保人满意度" in mismatch.where


def test_seed_text_imports_and_scores_as_the_bundled_example():
    seed = score_file(SEED_TOML)
    got = score_file(SEED_TEXT)
    assert got.total == Decimal("100.00") and got.claimed_total == Decimal("99.50")
    assert [(f.code, f.message) for f in got.findings] == [(f.code, f.message) for f in seed.findings]
    assert all(f.where.startswith("第 ") for f in got.findings)  # 第 578 行 indicators[9] 参保人满意度


def test_saved_fixture_files_import():
    found = {p.name: import_file(p) for p in sorted(FIXTURES.glob("*.xls*"))}
    assert set(found) >= {"mof-project.xlsx", "split-target-yuan.xlsx", "department.xlsx", "two-on-one-sheet.xlsx"}
    assert len(found["two-on-one-sheet.xlsx"]) == 2
    assert all(len(v) == 1 for k, v in found.items() if k != "two-on-one-sheet.xlsx")


# ------------------------------------------------------------------ the command's outputs


def test_single_form_to_stdout_report_on_stderr(books):
    run = jixiao("import", str(books["dept"]))
    assert run.returncode == 0, run.stderr
    data = tomli.loads(run.stdout)
    assert data["unit"]["name"] == "株洲市社会保险服务中心" and data["claimed"]["total"] == 99.5
    assert "找到：2021 年度部门整体支出" in run.stderr and "部门!A1" in run.stderr
    assert "找到" not in run.stdout


def test_several_forms_need_a_folder(books, tmp_path):
    run = jixiao("import", str(books["two"]))
    assert run.returncode == 2 and run.stdout == ""
    assert "找到 2 张自评表" in run.stderr and "两张!A1" in run.stderr and "-o" in run.stderr
    run = jixiao("import", str(books["two"]), "-o", str(tmp_path / "one.toml"))
    assert run.returncode == 2 and not (tmp_path / "one.toml").exists()

    out = tmp_path / "forms"
    run = jixiao("import", str(books["two"]), str(books["sheets"]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "2021-株洲市社会保险服务中心-2.toml",
        "2021-株洲市社会保险服务中心.toml",
        "2022-某县第一中学-农村学校营养改善计划-2.toml",
        "2022-某县第一中学-农村学校营养改善计划.toml",
    ]
    for p in out.iterdir():
        load_form(p)  # every file is a valid form
    before = {p: p.read_bytes() for p in out.iterdir()}
    again = jixiao("import", str(books["two"]), "-o", str(out))
    assert again.returncode == 2 and "已存在" in again.stderr and "--force" in again.stderr
    assert {p: p.read_bytes() for p in out.iterdir()} == before
    forced = jixiao("import", str(books["two"]), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr


def test_list_writes_nothing(books, tmp_path):
    run = jixiao("import", str(books["sheets"]), "--list", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "项目支出" in run.stdout and "部门整体支出" in run.stdout and "项目!A1:" in run.stdout and "部门!A1:" in run.stdout
    assert "共找到 2 张自评表" in run.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in books.values())


def test_output_that_is_an_input_is_refused(books, tmp_path):
    src = books["dept"]
    before = src.read_bytes()
    run = jixiao("import", str(src), "-o", str(src))
    assert run.returncode == 2 and "输入文件" in run.stderr
    link = tmp_path / "link.toml"
    link.symlink_to(src)
    run = jixiao("import", str(src), "-o", str(link), "--force")
    assert run.returncode == 2 and "输入文件" in run.stderr
    assert src.read_bytes() == before


def test_no_form_says_what_was_looked_for(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "会议纪要"
    wb.save(tmp_path / "minutes.xlsx")
    run = jixiao("import", str(tmp_path / "minutes.xlsx"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "没有找到绩效自评表" in run.stderr and "三级指标" in run.stderr and "Sheet" in run.stderr


def test_formula_without_cached_value_is_reported_by_cell(tmp_path):
    path = write_book_openpyxl(tmp_path / "nocache.xlsx", [("部门", [(department, DEPT)])])
    out = tmp_path / "nocache.toml"
    run = jixiao("import", str(path), "-o", str(out))
    assert run.returncode == 1, run.stderr  # written, with a problem
    lines = [line for line in run.stdout.splitlines() if "部门!H4" in line]  # the funds score =F4*G4
    assert lines and "没有保存计算结果" in lines[0]
    assert out.exists()
    # scored on the fly, what could not be read is an error finding at its cell, not a silent 0
    check = jixiao("check", str(path), "--format", "json")
    assert check.returncode == 1
    problems = [f for f in json.loads(check.stdout)["findings"] if f["code"] == "import-problem"]
    assert [f["where"] for f in problems] == ["部门!H4"] and problems[0]["severity"] == "error"
    # the printed rate (=E4/G4, recomputed by the engine anyway) is noted as not used, not an error
    assert any("部门!G4" in line and "未用于表单" in line for line in run.stdout.splitlines())


def test_import_a_toml_is_explained(tmp_path):
    run = jixiao("import", str(SEED_TOML))
    assert run.returncode == 2 and "无需导入" in run.stderr


# ------------------------------------------------------------------ everything reads them


def test_score_and_check_accept_spreadsheets(books):
    run = jixiao("score", str(books["dept"]))
    assert run.returncode == 1  # the seed's score-mismatch is an error
    assert "复算 100.00（填报 99.50）" in run.stdout and "部门!" in run.stdout
    run = jixiao("check", str(books["project"]), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["findings"] == []
    run = jixiao("score", str(books["two"]))
    assert run.returncode == 2 and "2 张自评表" in run.stderr and "Traceback" not in run.stderr


def test_review_a_folder_of_workbooks(books, tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(books["dept"], folder / "a-dept.xlsx")
    shutil.copy(books["project"], folder / "b-project.xlsx")
    shutil.copy(SEED_TEXT, folder / "c-seed.txt")
    shutil.copy(books["two"], folder / "d-two.xlsx")  # two forms: unreadable as one submission, said so
    write_book_openpyxl(folder / "e-nocache.xlsx", [("部门", [(department, DEPT)])])  # formulas without results
    (folder / "~$a-dept.xlsx").write_bytes(b"lock")  # Excel's lock file is not a submission
    (folder / "a-dept.review.toml").write_text(
        'reviewer = "某市财政局"\ndate = 2022-08-01\n[[adjustments]]\nindicator = "参保人满意度"\ndeduct = 2\nreason = "无调查资料"\n',
        encoding="utf-8",
    )
    run = jixiao("review", str(folder), "--format", "json", "--jobs", "1", "--reviews", str(folder))
    assert run.returncode == 1  # one unreadable, and score-mismatch errors
    data = json.loads(run.stdout)
    forms = {Path(f["file"]).name: f for f in data["forms"]}
    assert sorted(forms) == ["a-dept.xlsx", "b-project.xlsx", "c-seed.txt", "d-two.xlsx", "e-nocache.xlsx"]
    nocache = [f for f in forms["e-nocache.xlsx"]["findings"] if f["code"] == "import-problem"]
    assert [f["where"] for f in nocache] == ["部门!H4"]  # the funds score =F4*G4, never a silent 0
    dept = forms["a-dept.xlsx"]
    # the review file beside a-dept.xlsx: 100.00 computed, 参保人满意度 10 - 2 = 8 -> 98.00
    assert dept["total"]["score"] == "100.00" and dept["review"]["total"] == "98.00"
    assert Path(dept["review"]["file"]).name == "a-dept.review.toml"
    assert forms["b-project.xlsx"]["total"]["score"] == "99.00"
    assert "2 张自评表" in forms["d-two.xlsx"]["error"]
    table = jixiao("review", ".", "--jobs", "1", cwd=folder)  # short names: the table keeps them whole
    assert "a-dept.xlsx（工作表 部门）" in table.stdout  # the row names the file and the sheet
    assert "c-seed.txt（第 556–" in table.stdout  # the lines of the form in the text


def test_edit_imports_and_saves_beside_never_over(books, tmp_path):
    from jixiao.tui.app import JixiaoApp
    from jixiao.tui.commands.edit import _open_imported

    src = books["dept"]
    before = src.read_bytes()
    status, document = _open_imported(src, None)
    assert status == 0 and document is not None
    assert document.path == src.with_suffix(".toml") and document.editable and not document.path.exists()
    app = JixiaoApp(document, cursor_blink=False)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()

    asyncio.run(main())
    saved = src.with_suffix(".toml")
    assert saved.exists() and load_form(saved).unit.name == "株洲市社会保险服务中心"
    assert src.read_bytes() == before
    # a second time the TOML exists: refused, nothing overwritten
    status, document = _open_imported(src, None)
    assert status == 2 and document is None
    status, document = _open_imported(src, str(src))
    assert status == 2 and document is None


def test_load_submission_errors_name_the_file(tmp_path):
    bad = tmp_path / "x.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(FormError) as info:
        load_submission(bad)
    assert info.value.problems[0].file == str(bad) and info.value.problems[0].message


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_xls_saved_by_libreoffice_scores_as_the_xlsx(books, tmp_path):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(books["sheets"])],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    found = import_file(tmp_path / "sheets.xls")
    assert [(r.kind, r.grid.name) for r in found] == [("project", "项目"), ("department", "部门")]
    out = tmp_path / "forms"
    run = jixiao("import", str(tmp_path / "sheets.xls"), "-o", str(out))
    assert run.returncode == 0, run.stderr
    scored = sorted((score_file(p).total, score_file(p).claimed_total) for p in out.iterdir())
    # project: 9.00 + 90 = 99.00 as claimed; department: 100.00 computed, 99.50 claimed
    assert scored == [(Decimal("99.00"), Decimal("99.00")), (Decimal("100.00"), Decimal("99.50"))]


def test_csv_export_of_a_form_scores_the_same(books, tmp_path):
    """A CSV as Excel saves it (merged cells become blanks, numbers as shown)."""
    import csv

    from jixiao.indicators.importing.readers import read_grids

    grid = read_grids(books["dept"])[0]
    path = tmp_path / "dept.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:  # Excel's "CSV" on a Chinese Windows
        csv.writer(fh).writerows([[c.text for c in row] for row in grid.rows])
    result = score_file(path)
    assert result.total == Decimal("100.00") and result.claimed_total == Decimal("99.50")
    assert sorted(f.code for f in result.findings) == sorted(f.code for f in score_file(SEED_TOML).findings)
    mismatch = next(f for f in result.findings if f.code == "score-mismatch")
    # the claimed score of the 9th indicator row: row 11 + 8 = 19, column H (得分)
    assert mismatch.where.split()[0] == "H19" and "参保人满意度" in mismatch.where


def test_file_names_from_unit_and_project_are_safe_and_unique():
    from types import SimpleNamespace

    from jixiao.tui.commands.import_ import form_names, safe_name

    assert safe_name('某局/办公室:"2023"*') == "某局_办公室_2023"
    assert safe_name("CON") == "_CON" and safe_name("...") == "自评表" and len(safe_name("l" * 300)) == 80
    # cut by bytes too, never inside a character: 66 three-byte characters, 198 bytes
    assert safe_name("长" * 300) == "长" * 66 and len(safe_name("\U00020000" * 80).encode()) <= 200
    recs = [SimpleNamespace(year=2023, unit="A单位", project="道路/维修"), SimpleNamespace(year=2023, unit="a单位", project="道路/维修"),
            SimpleNamespace(year=None, unit="", project="")]
    assert form_names(recs) == ["2023-A单位-道路_维修.toml", "2023-a单位-道路_维修-2.toml", "自评表.toml"]


def test_a_file_named_twice_is_imported_once(books, tmp_path):
    out = tmp_path / "out"
    run = jixiao("import", str(books["dept"]), str(books["dept"]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert [p.name for p in out.iterdir()] == ["2021-株洲市社会保险服务中心.toml"]


def test_a_fifo_named_like_a_workbook_is_refused(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    for command in ("score", "import"):
        run = jixiao(command, str(fifo))
        assert run.returncode == 2 and "命名管道" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.slow
def test_pdf_of_a_workbook_and_of_a_folder_with_its_import(books, tmp_path):
    from pypdf import PdfReader

    one = tmp_path / "one.pdf"
    run = jixiao("pdf", str(books["dept"]), "-o", str(one))
    assert run.returncode == 1, run.stderr  # printed; its error finding (the seed's) is told on the terminal
    assert "填报与复算不一致之处" in run.stdout
    assert "株洲市社会保险服务中心" in PdfReader(one).pages[0].extract_text()
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(books["dept"], folder / "d.xlsx")
    assert jixiao("import", str(folder / "d.xlsx"), "-o", str(folder / "d.toml")).returncode == 0
    run = jixiao("pdf", str(folder), "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr  # printed (errors found by the re-score are listed in the PDFs)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["d.pdf", "d.xlsx.pdf"]  # neither overwrote the other


def test_a_folder_given_to_import_says_it_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder (even one named like a workbook) was "不支持的文件类型（无扩展名）"."""
    from jixiao.tui.cli import main

    for name in ("submissions", "looks.xlsx"):
        (tmp_path / name).mkdir()
        capsys.readouterr()
        assert main(["import", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert name in err and "文件夹" in err and "Traceback" not in err


def test_a_title_on_two_lines_is_one_line_of_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A title cell 项目支出绩效自评表⏎（２０２５年度） broke the 读取 list over two lines."""
    import openpyxl
    from jixiao.tui.cli import main

    src = write_book(tmp_path / "p.xlsx", [("自评表", [(mof_project, PROJECT)])])
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    title = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "绩效自评表" in c.value)
    title.value = "项目支出绩效自评表\n（２０２２年度）"
    wb.save(src)
    capsys.readouterr()
    main(["import", str(src), "-o", str(tmp_path / "p.toml")])
    out = capsys.readouterr().out
    (line,) = [x for x in out.splitlines() if "表题" in x]
    assert "项目支出绩效自评表 （２０２２年度）" in line
