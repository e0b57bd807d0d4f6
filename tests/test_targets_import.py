"""Issue 24: 绩效目标表 drawn in two layouts, imported from xlsx, docx and PDF (and xls / LibreOffice PDF, slow),
and self-evaluation forms imported from xlsx checked against them."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jixiao.indicators.importing import import_file
from jixiao.indicators.importing.targets import load_targets_file, targets_title
from jixiao.indicators.loader import FormError
from jixiao.indicators.targets import Targets, load_targets
from jixiao.tui.cli import main

from .fixtures.office_docs import PROJECT_ROWS, Sheet, draw_pdf, project_sheet, project_titles, write_docx
from .targets_fixtures import (
    DEPT_GOAL,
    DEPT_TARGETS,
    DEPT_UNIT,
    PROJECT_GOAL,
    PROJECT_NAME,
    PROJECT_TARGETS,
    PROJECT_UNIT,
    department_targets,
    mof_midterm,
    project_declaration,
    write_xlsx,
)

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def rows_of(t: Targets) -> list[tuple[str, str, str, str, Decimal]]:
    return [(i.category, i.subcategory, i.name, i.target, i.weight) for i in t.indicators]


def assert_project(t: Targets) -> None:
    assert t.kind == "targets" and t.year == 2024
    assert (t.unit.name, t.unit.project, t.unit.implementer) == (PROJECT_UNIT, PROJECT_NAME, PROJECT_UNIT)
    assert t.unit.supervisor == "某市人力资源和社会保障局"
    assert t.funds.total is not None and t.funds.total.initial == Decimal(48)
    assert t.funds.appropriation is not None and t.funds.appropriation.initial == Decimal(48)
    assert t.funds.other is not None and t.funds.other.initial == Decimal(0)
    assert t.goal.expected == PROJECT_GOAL
    assert rows_of(t) == [(r.category, r.subcategory, r.name, r.target, Decimal(r.weight)) for r in PROJECT_TARGETS]


def assert_department(t: Targets) -> None:
    assert t.kind == "targets" and t.year == 2024
    assert (t.unit.name, t.unit.project) == (DEPT_UNIT, "")
    assert t.categories == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert t.funds.total is not None and t.funds.total.initial == Decimal("1366.77")
    assert t.funds.appropriation is not None and t.funds.appropriation.initial == Decimal(1300)
    assert t.funds.other is not None and t.funds.other.initial == Decimal("66.77")
    assert t.goal.expected == DEPT_GOAL
    assert rows_of(t) == [
        (r.category.split("（")[0], r.subcategory, r.name, r.target, Decimal(r.weight)) for r in DEPT_TARGETS
    ]
    assert [i.standard for i in t.indicators] == [r.note for r in DEPT_TARGETS]


LAYOUTS = {"project": (project_declaration, assert_project), "department": (department_targets, assert_department)}


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_the_year_side_of_a_midterm_declaration_is_read(tmp_path: Path, suffix: str) -> None:
    """中期资金 / 中期目标 beside the year's: the year's amounts and goal are the definitions."""
    sheet = mof_midterm()
    path = write_xlsx(tmp_path / "mof.xlsx", sheet) if suffix == ".xlsx" else write_docx(tmp_path / "mof.docx", [sheet])
    t = load_targets_file(path)
    assert_project(t)
    assert t.unit.supervisor == "某市人力资源和社会保障局"


def make(tmp_path: Path, layout: str, suffix: str, formulas: bool = True) -> Path:
    sheet = LAYOUTS[layout][0]()
    path = tmp_path / f"{layout}{suffix}"
    if suffix == ".xlsx":
        return write_xlsx(path, sheet, formulas=formulas)
    # Word and PDF: the title lines as paragraphs above the table, as the documents print them
    titles = [row[0] for row in sheet.rows[: 2 if layout == "project" else 1]]
    body = Sheet(rows=sheet.rows[len(titles) :], widths=sheet.widths)
    body.spans = [(t - len(titles), lf, b - len(titles), rt) for t, lf, b, rt in sheet.spans if t >= len(titles)]
    if suffix == ".docx":
        return write_docx(path, [*titles, body])
    return draw_pdf(path, [f"# {titles[0]}", *titles[1:], body])


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".pdf"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_targets_table_in_two_layouts_imports_to_its_definitions(tmp_path: Path, layout: str, suffix: str) -> None:
    path = make(tmp_path, layout, suffix)
    LAYOUTS[layout][1](load_targets_file(path))


def test_jixiao_import_writes_a_definitions_file_naming_the_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make(tmp_path, "project", ".xlsx")
    out = tmp_path / "approved.toml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "绩效目标表" in said and "jixiao targets check" in said
    text = out.read_text(encoding="utf-8")
    assert 'kind = "targets"' in text
    assert "# [读取] 绩效目标表!B5：年度资金总额：48" in text  # where each value came from, as a comment
    assert "=100%" in text and "公式" in text  # =100% typed in Excel is a formula: its text is the target
    assert_project(load_targets(out))
    assert main(["targets", "check", str(out)]) == 0


def test_a_self_evaluation_form_is_not_taken_for_targets(tmp_path: Path) -> None:
    sheet = Sheet(rows=[[t] + [""] * 8 for t in project_titles()] + project_sheet().rows, widths=project_sheet().widths)
    shift = len(project_titles())
    sheet.spans = [(t + shift, lf, b + shift, rt) for t, lf, b, rt in project_sheet().spans]
    path = write_xlsx(tmp_path / "form.xlsx", sheet)
    (rec,) = import_file(path)
    assert rec.kind == "project"
    with pytest.raises(FormError) as exc:
        load_targets_file(path)
    assert "这是自评表" in str(exc.value)


def test_the_title_decides(tmp_path: Path) -> None:
    from jixiao.indicators.importing import import_grids

    grids, _ = import_grids(make(tmp_path, "department", ".xlsx"))
    assert targets_title(grids[0]) == (0, "2024年度部门整体支出绩效目标表")


def test_a_missing_weight_is_a_problem_with_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [dataclasses.replace(r, weight="") if i == 1 else r for i, r in enumerate(PROJECT_TARGETS)]
    src = write_xlsx(tmp_path / "t.xlsx", project_declaration(rows))
    assert main(["import", str(src), "-o", str(tmp_path / "t.toml")]) == 1
    said = capsys.readouterr().out
    assert "绩效目标表!F11" in said and "分值为空" in said


# ------------------------------------------------------------------ a form imported from xlsx, checked


def form_xlsx(tmp_path: Path, rows: list[Any]) -> Path:
    """The MOF project self-evaluation form (2023 printed as 2024) with ``rows``, as a workbook."""
    base = project_sheet()
    titles = ["项目支出绩效自评表", "（2024年度）", "金额单位：万元"]
    sheet = Sheet(rows=[[t] + [""] * (base.width - 1) for t in titles] + base.rows, widths=base.widths)
    sheet.spans = [(t + len(titles), lf, b + len(titles), rt) for t, lf, b, rt in base.spans]
    first = next(i for i, r in enumerate(sheet.rows) if r[3] == PROJECT_ROWS[0].name)
    for i in range(len(PROJECT_ROWS)):
        new = rows[i] if i < len(rows) else None
        if new is None:
            sheet.rows[first + i] = ["", "", "", "", "", "", "", "", ""]
            continue
        sheet.rows[first + i][4] = new.target
    return write_xlsx(tmp_path / "form.xlsx", sheet)


def targets_file(tmp_path: Path) -> Path:
    out = tmp_path / "approved.toml"
    assert main(["import", str(make(tmp_path, "project", ".xlsx")), "-o", str(out)]) == 0
    return out


def codes(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_an_imported_form_with_a_lowered_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = targets_file(tmp_path)
    lowered = [dataclasses.replace(PROJECT_ROWS[0], target="≥10万人"), *PROJECT_ROWS[1:]]
    form = form_xlsx(tmp_path, lowered)
    code, out = codes(capsys, "check", str(form), "--targets", str(t))
    assert code == 1
    line = next(x for x in out.splitlines() if "target-changed" in x)
    assert "“≥12万人”" in line and "“≥10万人”" in line and "降低" in line and "城乡居民养老保险参保人数" in line
    assert "indicator-dropped" not in out and "indicator-added" not in out


def test_an_imported_form_that_dropped_a_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = targets_file(tmp_path)
    form = form_xlsx(tmp_path, PROJECT_ROWS[:4])  # 参保群众满意度 left out
    code, out = codes(capsys, "check", str(form), "--targets", str(t))
    assert code == 1
    line = next(x for x in out.splitlines() if "indicator-dropped" in x)
    assert "“参保群众满意度”" in line and "“≥90%”" in line
    assert "target-changed" not in out


def test_the_definitions_may_be_the_workbook_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make(tmp_path, "project", ".xlsx")
    form = form_xlsx(tmp_path, PROJECT_ROWS)
    code, out = codes(capsys, "check", str(form), "--targets", str(src))
    assert "target-changed" not in out and "indicator-" not in out and "targets-mismatch" not in out
    assert code == 0, out


# ------------------------------------------------------------------ LibreOffice: xls and the PDF it prints


def soffice(path: Path, to: str) -> Path:
    out = path.parent / to
    out.mkdir(exist_ok=True)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{path.parent}/lo-profile", "--convert-to", to,
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / f"{path.stem}.{to}"


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("to", ["xls", "pdf"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_targets_table_from_libreoffice(tmp_path: Path, layout: str, to: str) -> None:
    src = make(tmp_path, layout, ".xlsx", formulas=False)  # LibreOffice would print =100% as its value, 1
    LAYOUTS[layout][1](load_targets_file(soffice(src, to)))


def test_review_takes_approved_tables_as_workbooks_from_the_targets_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    tdir = tmp_path / "approved"
    tdir.mkdir()
    make(tdir, "project", ".xlsx")
    (tdir / "readme.docx").write_bytes(b"not a word file")  # said, and the review goes on
    sub = tmp_path / "sub"
    sub.mkdir()
    lowered = [dataclasses.replace(PROJECT_ROWS[0], target="≥10万人"), *PROJECT_ROWS[1:]]
    form_xlsx(sub, lowered)
    capsys.readouterr()
    code = main(["review", str(sub), "--targets-dir", str(tdir), "--format", "json", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1 and "readme.docx" in err
    (form,) = json.loads(out)["forms"]
    assert [f["code"] for f in form["findings"]].count("target-changed") == 1


@pytest.mark.parametrize("sheet_name", ["绩效目标", "Sheet1"])
def test_without_a_title_the_sheet_name_or_the_columns_say_it(tmp_path: Path, sheet_name: str) -> None:
    """No title row: a sheet named 绩效目标, or a table with 指标值 and 分值 but no 完成值 and no 得分."""
    sheet = project_declaration()
    body = Sheet(rows=sheet.rows[2:], widths=sheet.widths)
    body.spans = [(t - 2, lf, b - 2, rt) for t, lf, b, rt in sheet.spans if t >= 2]
    path = write_xlsx(tmp_path / "t.xlsx", body, name=sheet_name)
    (rec,) = import_file(path)
    assert rec.kind == "targets"
    t = load_targets_file(path)
    assert [i.name for i in t.indicators] == [r.name for r in PROJECT_TARGETS]
    assert t.year is None or t.year == 0  # no title: the year is not known (a problem note says so)
    assert any("未找到年度" in n.message for n in rec.notes)
