"""One form shows the same figures everywhere: the terminal table, the JSON, the editor, the PDF, the review.

The form's execution rate is exactly 98.625% (78.90 ÷ 80.00), the case where a
float-style (half-even) formatter prints 98.62% and the half-up rule 98.63%.
Hand arithmetic:
  rate  = 78.90 ÷ 80.00 = 0.98625 → 98.63% (half up)
  funds = 10 × 0.98625 = 9.8625 → 9.86
  row   = 90 × 95 ÷ 100 = 85.50 (越高越好, 95人 against ≥100人)
  total = 9.86 + 85.50 = 95.36 → grade 优 (central-2020: ≥ 90)
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
from pathlib import Path

import pytest
from jixiao.tui.cli import main

FORM = """\
format = 1
kind = "project"
year = 2023
rules = "central-2020"

[unit]
name = "某某局"
project = "某某项目"

[categories]
"产出指标" = 90

[funds]
weight = 10
note = "略"

[funds.total]
annual = 80
executed = 78.90

[[indicators]]
category = "产出指标"
subcategory = "数量指标"
name = "服务人数"
target = "≥100人"
actual = "95人"
weight = 90
note = "部分对象未到场"
"""

RATE, FUNDS, ROW, TOTAL, GRADE = "98.63%", "9.86", "85.50", "95.36", "优"


@pytest.fixture
def form(tmp_path: Path) -> Path:
    path = tmp_path / "rate.toml"
    path.write_text(FORM, encoding="utf-8")
    return path


def test_the_terminal_table(form: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["score", str(form)])
    out = capsys.readouterr().out
    assert f"执行率 {RATE}" in out and "98.62" not in out
    assert f"得分 {FUNDS}" in out and ROW in out
    assert f"复算 {TOTAL}" in out and f"复算 {GRADE}" in out


def test_the_json(form: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["score", str(form), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["funds"]["rate"] == "0.986250" and data["funds"]["score"] == FUNDS
    assert RATE in data["funds"]["explain"]
    assert data["indicators"][0]["score"] == ROW
    assert data["total"]["score"] == TOTAL and data["grade"]["computed"] == GRADE


def test_the_editor(form: Path) -> None:
    from jixiao.indicators.document import FormDocument
    from jixiao.tui.app import JixiaoApp
    from jixiao.tui.components.funds_table import FundsTable
    from jixiao.tui.components.indicator_table import IndicatorTable
    from jixiao.tui.components.summary_bar import SummaryBar

    app = JixiaoApp(FormDocument.open(form), cursor_blink=False)
    seen: dict[str, str] = {}

    async def body() -> None:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            seen["bar"] = str(app.query_one(SummaryBar).render())
            funds = app.query_one(FundsTable)
            seen["funds"] = " ".join(str(c) for row in range(funds.row_count) for c in funds.get_row_at(row))
            table = app.query_one(IndicatorTable)
            seen["rows"] = " ".join(str(c) for row in range(table.row_count) for c in table.get_row_at(row))

    asyncio.run(body())
    assert f"执行率 {RATE}" in seen["bar"] and TOTAL in seen["bar"] and GRADE in seen["bar"]
    assert RATE in seen["funds"] and FUNDS in seen["funds"] and "98.62" not in seen["funds"]
    assert ROW in seen["rows"] and "产出指标(90)" in seen["rows"]


def test_the_form_pdf(form: Path, tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    from jixiao.reports.fonts import register_cjk_font

    try:
        register_cjk_font()
    except Exception:  # pragma: no cover - CI installs a CJK font
        pytest.skip("no CJK TrueType font installed")
    out = tmp_path / "rate.pdf"
    assert main(["pdf", str(form), "-o", str(out), "--review"]) in (0, 1)
    with pdfplumber.open(out) as pdf:
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))
    assert RATE in text and "98.62" not in text
    assert FUNDS in text and ROW in text and TOTAL in text and f"等级：{GRADE}" in text
    assert "产出指标" in text and "（90分）" in text  # the weight from the engine's result.category_weights


def test_the_review_outputs(form: Path, tmp_path: Path) -> None:
    csv_out, json_out = tmp_path / "x.csv", tmp_path / "x.json"
    assert main(["review", str(form), "--out", str(csv_out)]) in (0, 1)
    assert main(["review", str(form), "--out", str(json_out)]) in (0, 1)
    data = json.loads(json_out.read_text(encoding="utf-8"))
    one = data["forms"][0]
    assert one["funds"]["rate"] == "0.986250" and one["funds"]["score"] == FUNDS
    assert one["indicators"][0]["score"] == ROW
    assert one["total"]["score"] == TOTAL and one["grade"]["computed"] == GRADE
    with csv_out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    cells = [c for row in rows[1:] for c in row]
    assert TOTAL in cells and GRADE in " ".join(cells)
