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
