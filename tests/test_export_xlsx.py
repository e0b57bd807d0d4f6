"""``jixiao export``: the official layout as xlsx, opened back with openpyxl and checked cell by cell."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jixiao.indicators.embedded import SHEET, flatten, read_payload, restore
from jixiao.indicators.loader import load_form, load_form_text
from jixiao.reports.export_xlsx import CHECK_SHEET, FORM_SHEET, export_form, export_form_bytes, shown_values
from jixiao.scoring.engine import score_form
from jixiao.scoring.loading import score_file
from jixiao.tui.cli import main
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from tests.budget import examples

from .conftest import SEED
from .form_strategies import forms

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT = FIXTURES / "project-2023.toml"


def export(tmp_path: Path, form: Path | str, scores: str = "claimed", name: str = "out.xlsx") -> Path:
    out = tmp_path / name
    export_form(score_file(form), out, scores=scores)
    return out


def find(ws: Worksheet, text: str) -> Any:
    """The one cell whose value is ``text``."""
    hits = [c for row in ws.iter_rows() for c in row if c.value == text]
    assert len(hits) == 1, (text, [h.coordinate for h in hits])
    return hits[0]


def merged_range(ws: Worksheet, cell: Any) -> str:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return str(rng)
    return cell.coordinate


def row_values(ws: Worksheet, row: int) -> list[Any]:
    return [c.value for c in ws[row]]


def test_sheets_title_unit_and_print_settings(tmp_path: Path) -> None:
    wb = load_workbook(export(tmp_path, SEED))
    assert wb.sheetnames == [FORM_SHEET, CHECK_SHEET, SHEET]
    assert wb[SHEET].sheet_state == "hidden"
    ws = wb[FORM_SHEET]
    assert ws["A1"].value == "2021年度部门整体支出绩效自评表"
    assert merged_range(ws, ws["A1"]) == "A1:I1"
    label = find(ws, "部门名称")
    assert ws.cell(row=label.row, column=4).value == "株洲市社会保险服务中心"
    find(ws, "金额单位：万元")
    find(ws, "资金情况（万元）")
    ps = ws.page_setup
    assert (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    header = find(ws, "三级指标").row
    assert ws.print_title_rows == f"${header}:${header}"


def test_funds_block(tmp_path: Path) -> None:
    ws = load_workbook(export(tmp_path, SEED))[FORM_SHEET]
    head = find(ws, "年初预算数")
    heads = row_values(ws, head.row)[3:]
    assert heads == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分（分值×执行率）"]
    total = find(ws, "年度资金总额")
    values = row_values(ws, total.row)[3:]
    assert values[:4] == [1366.77, 1387.53, 1387.53, 10]
    assert values[4] == 1  # 1387.53 / 1387.53
    assert values[5] == 10  # the claimed funds score
    cells = ws[total.row][3:]
    assert [c.number_format for c in cells] == ["0.00", "0.00", "0.00", "0.00", "0.00%", "0.00"]
    approp = find(ws, "其中：当年财政拨款")
    assert row_values(ws, approp.row)[3:] == [1366.77, 1387.53, 1387.53, "—", "—", "—"]
    carry = find(ws, "上年结转资金")
    assert row_values(ws, carry.row)[3:6] == [None, None, None]  # not in the form: left blank
    section = find(ws, "资金情况（万元）")
    assert merged_range(ws, section) == f"A{head.row}:A{head.row + 4}"


def test_indicator_table_merges_and_values(tmp_path: Path) -> None:
    ws = load_workbook(export(tmp_path, SEED))[FORM_SHEET]
    header = find(ws, "三级指标").row
    assert row_values(ws, header)[1:] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                          "偏差原因分析及改进措施"]
    first = header + 1
    out = find(ws, "产出指标（50分）")
    assert merged_range(ws, out) == f"B{first}:B{first + 3}"
    assert merged_range(ws, find(ws, "效益指标（30分）")) == f"B{first + 4}:B{first + 7}"
    assert merged_range(ws, find(ws, "满意度指标（10分）")) == f"B{first + 8}"
    assert merged_range(ws, find(ws, "数量指标")) == f"C{first}:C{first + 1}"
    assert merged_range(ws, find(ws, "经济效益指标")) == f"C{first + 4}:C{first + 5}"
    assert merged_range(ws, find(ws, "绩效指标")) == f"A{header}:A{first + 8}"
    assert row_values(ws, first)[3:8] == ["全市企业养老保险离退休人数", "31.88万人", "32.66万人", 12.5, 12.5]
    assert ws.cell(row=first, column=7).number_format == "0.00"
    last = row_values(ws, first + 8)
    assert last[3:8] == ["参保人满意度", "大于等于95%", "大于95%", 10, 9.5]  # the unit's own 9.5
    # texts stay texts, even when they look like numbers
    assert ws.cell(row=first + 2, column=5).value == "100%" and ws.cell(row=first + 2, column=5).data_type == "s"
    total = find(ws, "总分")
    assert merged_range(ws, total) == f"A{first + 9}:F{first + 9}"
    assert row_values(ws, total.row)[6:] == [100, 99.5, "等级：优"]  # 10 + 12.5×4 + 7.5×4 + 10 = 100
    # borders and wrapping on the table
    for cell in (ws.cell(row=first, column=4), ws.cell(row=total.row, column=9), ws.cell(row=header, column=1)):
        assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
        assert cell.alignment.wrap_text is True


def test_signoff_block(tmp_path: Path) -> None:
    ws = load_workbook(export(tmp_path, PROJECT))[FORM_SHEET]
    assert ws["A1"].value == "2023年项目支出绩效自评表".replace("年项目", "年度项目")
    assert ws.cell(row=find(ws, "项目名称").row, column=4).value == "城乡居民基本养老保险经办专项"
    sup = find(ws, "主管部门")
    assert ws.cell(row=sup.row, column=4).value == "某市人力资源和社会保障局"
    impl = find(ws, "实施单位")
    assert ws.cell(row=impl.row, column=impl.column + 2).value == "某市城乡居民养老保险服务中心"
    form = load_form(PROJECT)
    for label, value in (("填表人", form.signoff.filled_by), ("联系电话", form.signoff.phone),
                         ("项目负责人", form.signoff.head), ("财务负责人", form.signoff.finance_head),
                         ("填报日期", form.signoff.date)):
        cell = find(ws, label)
        assert value and ws.cell(row=cell.row, column=cell.column + 1).value == value
    find(ws, "单位（盖章）")


def test_claimed_and_computed_scores(tmp_path: Path) -> None:
    # a row without a claimed score, and a funds block without one
    text = SEED.read_text(encoding="utf-8").replace("weight = 10\nclaimed = 9.5", "weight = 10")
    text = text.replace("weight = 10\nclaimed = 10\n", "weight = 10\n", 1)
    assert "claimed = 9.5" not in text
    path = tmp_path / "partial.toml"
    path.write_text(text, encoding="utf-8")
    claimed = load_workbook(export(tmp_path, path, "claimed", "c.xlsx"))[FORM_SHEET]
    computed = load_workbook(export(tmp_path, path, "computed", "k.xlsx"))[FORM_SHEET]
    for ws, row_score, funds_score, total in ((claimed, None, None, 99.5), (computed, 10, 10, 100)):
        row = find(ws, "参保人满意度").row
        assert ws.cell(row=row, column=8).value == row_score
        assert ws.cell(row=find(ws, "年度资金总额").row, column=9).value == funds_score
        assert ws.cell(row=find(ws, "总分").row, column=8).value == total
    with pytest.raises(ValueError, match="claimed"):
        export_form_bytes(score_file(path), "both")


def test_check_sheet_claimed_against_computed_and_findings(tmp_path: Path) -> None:
    ws = load_workbook(export(tmp_path, SEED))[CHECK_SHEET]
    row = find(ws, "参保人满意度").row
    assert row_values(ws, row)[:8] == [9, "满意度指标", "服务对象满意度指标", "参保人满意度", 10, 9.5, 10, -0.5]
    assert "得分与复算不符" in row_values(ws, row)[8]  # score-mismatch, by its title
    total = find(ws, "全表得分").row
    assert row_values(ws, total)[4:8] == [100, 99.5, 100, -0.5]
    grade = find(ws, "等级").row
    assert row_values(ws, grade)[5:8] == ["优", "优", "一致"]
    mismatch = find(ws, "得分与复算不符").row
    values = row_values(ws, mismatch)
    assert values[3] == "第9项（参保人满意度）" and values[4] == "错误"
    assert values[6] == "填报得分 9.50，按规则应为 10.00。"
    severities = {row_values(ws, find(ws, title).row)[4] for title in ("缺少偏差原因",)}
    assert severities == {"警告"}


def test_money_in_yuan_and_more_places(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("[funds]                 # 万元\n", '[funds]\nunit = "元"\n')
    text = text.replace("initial = 1366.77\nannual = 1387.53", "initial = 13667700.125\nannual = 1387.53", 1)
    path = tmp_path / "yuan.toml"
    path.write_text(text, encoding="utf-8")
    ws = load_workbook(export(tmp_path, path))[FORM_SHEET]
    find(ws, "金额单位：元")
    find(ws, "资金情况（元）")
    assert not [c.coordinate for r in ws.iter_rows() for c in r if isinstance(c.value, str) and "万元" in c.value]
    cell = ws.cell(row=find(ws, "年度资金总额").row, column=4)
    assert cell.value == 13667700.125 and cell.number_format == "0.000"  # never rounded away, never divided


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    evil = ['=HYPERLINK("http://x","点我")', "+1+2", "-3-4", "@SUM(A1:A2)", "=1/0"]
    text = SEED.read_text(encoding="utf-8")
    text = text.replace('name = "株洲市社会保险服务中心"', f'name = {toml_str(evil[0])}')
    text = text.replace('target = "31.88万人"', f"target = {toml_str(evil[1])}")
    text = text.replace('actual = "32.66万人"', f"actual = {toml_str(evil[2])}")
    text = text.replace('name = "参保人满意度"', f"name = {toml_str(evil[3])}")
    text = text.replace('achieved = "全部完成"', f"achieved = {toml_str(evil[4])}")
    path = tmp_path / "evil.toml"
    path.write_text(text, encoding="utf-8")
    out = export(tmp_path, path)
    ws = load_workbook(out)[FORM_SHEET]
    for value in evil:
        cell = find(ws, value)
        assert cell.data_type == "s" and cell.quotePrefix is True
    # in the file itself: no formula element anywhere
    import zipfile

    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8")


def test_control_characters_are_shown_replaced_and_kept_in_the_hidden_copy(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    text = SEED.read_text(encoding="utf-8").replace('achieved = "全部完成"', 'achieved = "全部\\u0007完成"')
    path = tmp_path / "bell.toml"
    path.write_text(text, encoding="utf-8")
    assert load_form(path).goal.achieved == "全部\x07完成"
    out = tmp_path / "bell.xlsx"
    assert main(["export", str(path), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "控制字符" in err and "自评表!F" in err
    wb = load_workbook(out)
    find(wb[FORM_SHEET], "全部\ufffd完成")
    embedded = read_payload([r[0].value for r in wb[SHEET].iter_rows(min_row=2)])
    assert embedded is not None and embedded.form.goal.achieved == "全部\x07完成"


def toml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def test_hidden_sheet_carries_the_whole_form(tmp_path: Path) -> None:
    for path in [SEED, PROJECT, *sorted((FIXTURES / "review" / "batch").rglob("*.toml"))]:
        if path.name.endswith(".review.toml"):
            continue
        try:
            result = score_file(path)
        except Exception:  # a fixture that does not load (04-broken.toml)
            continue
        wb = load_workbook(export(tmp_path, path, name=path.stem + ".xlsx"))
        texts = [r[0].value for r in wb[SHEET].iter_rows(min_row=2)]
        embedded = read_payload(texts)
        assert embedded is not None and embedded.form == result.form, path
        # an unedited sheet gives back the form exactly
        data, notes = restore(unflatten(shown_values(result)), embedded)
        assert load_form_text_data(data) == result.form, path
        assert "完整还原" in notes[0]


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """What a recogniser reading only the visible sheet would give (the shown keys, nested)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node: Any = out
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", key)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part.startswith("["):
                continue
            nxt = parts[i + 1] if not last else None
            if nxt is not None and nxt.startswith("["):
                items = node.setdefault(part, [])
                n = int(nxt[1:-1])
                while len(items) < n:
                    items.append({})
                node = items[n - 1]
            elif last:
                if value not in (None, ""):
                    node[part] = value
            else:
                node = node.setdefault(part, {})
    return out


def load_form_text_data(data: dict[str, Any]) -> Any:
    from jixiao.indicators.schema import Form

    return Form.model_validate(data)


def test_an_edited_sheet_wins_and_keeps_the_extras(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace('rules = "central-2020"', 'rules = "sichuan"')
    form = load_form_text(text)
    result = score_form(form)
    embedded = read_payload(_payload(result))
    assert embedded is not None
    seen = unflatten(shown_values(result))
    seen["indicators"][8]["claimed"] = Decimal("10")  # the unit corrected its score in Excel
    data, notes = restore(seen, embedded)
    back = load_form_text_data(data)
    assert back.indicators[8].claimed == 10
    assert back.rules == "sichuan" and back.indicators[4].tier == "达成"
    assert "修改" in notes[0] and "indicators[9].claimed" in notes[0]


def _payload(result: Any) -> list[str]:
    from jixiao.indicators.embedded import payload_rows

    return payload_rows(result.form, shown_values(result))


def test_a_changed_payload_is_not_trusted() -> None:
    result = score_file(SEED)
    rows = _payload(result)
    assert read_payload(rows) is not None
    assert read_payload([rows[0].replace("32.66万人", "99.99万人")]) is None  # digest no longer matches
    assert read_payload(["{not json"]) is None and read_payload([]) is None


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms())
def test_any_form_exports_and_its_hidden_copy_restores_it(form: Any) -> None:
    result = score_form(form)
    for scores in ("claimed", "computed"):
        data, _ = export_form_bytes(result, scores)
        import io

        wb = load_workbook(io.BytesIO(data))
        embedded = read_payload([r[0].value for r in wb[SHEET].iter_rows(min_row=2)])
        assert embedded is not None and embedded.form == form
        ws = wb[FORM_SHEET]
        # every text the layout carries is in a cell, exactly, and no cell is a formula
        cells = {c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
        for ind in form.indicators:  # (control characters a workbook cannot hold are shown as U+FFFD)
            name, note = (ILLEGAL_CHARACTERS_RE.sub("\ufffd", t) for t in (ind.name, ind.note))
            assert name in cells and (note in cells or not note)
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    restored, _ = restore(unflatten(shown_values(result)), embedded)
    assert load_form_text_data(restored) == form
    shown = shown_values(result)
    flat = flatten(form.model_dump())
    for key, value in shown.items():
        total = form.funds.total
        if key.startswith("funds.total.") and (total is None or total.model_dump(exclude_none=True) == {}):
            # not in the form: the sum of the rows
            assert value == result.funds.rows["total"][key.rsplit(".", 1)[1]]
        elif not key.startswith("categories.") and key != "unit.implementer":
            assert flat.get(key) == value, key


# ------------------------------------------------------------------ CLI


def test_cli_export_and_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "seed.toml"
    shutil.copy(SEED, form)
    out = tmp_path / "seed.xlsx"
    assert main(["export", str(form), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"已导出：{out}" in said and "复算总分 100.00" in said
    before = out.read_bytes()
    assert main(["export", str(form), "-o", str(out)]) == 2  # exists: not overwritten without --force
    assert "--force" in capsys.readouterr().err and out.read_bytes() == before
    assert main(["export", str(form), "-o", str(out), "--force", "--scores", "computed"]) == 0
    ws = load_workbook(out)[FORM_SHEET]
    assert ws.cell(row=find(ws, "参保人满意度").row, column=8).value == 10
    # default output name: beside the form
    assert main(["export", str(form), "--force"]) == 0 and out.exists()


def test_cli_refuses_to_write_over_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "seed.toml"
    shutil.copy(SEED, form)
    link = tmp_path / "link.xlsx"
    os.symlink(form, link)
    assert main(["export", str(form), "-o", str(link), "--force"]) == 2
    assert "输入的表单文件本身" in capsys.readouterr().err
    assert form.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")
    # a unit's own workbook is imported and exported in the official layout, never over itself
    sheet = tmp_path / "unit.xlsx"
    shutil.copy(FIXTURES / "import" / "mof-project.xlsx", sheet)
    before = sheet.read_bytes()
    assert main(["export", str(sheet), "--force"]) == 2  # the default output is the input itself
    assert "输入的表单文件本身" in capsys.readouterr().err and sheet.read_bytes() == before
    assert main(["export", str(sheet), "-o", str(tmp_path / "official.xlsx")]) == 0
    assert load_workbook(tmp_path / "official.xlsx")[FORM_SHEET]["A1"].value.endswith("项目支出绩效自评表")


def test_cli_unreadable_form_is_exit_2_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nkind = "department"\nyear = "x"\n', encoding="utf-8")
    assert main(["export", str(bad), "-o", str(tmp_path / "b.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "无法读取表单" in err and "bad.toml" in err and "Traceback" not in err
    assert not (tmp_path / "b.xlsx").exists()
    assert main(["export", str(tmp_path / "none.toml"), "-o", str(tmp_path / "n.xlsx")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    assert main(["export", str(SEED), "-o", str(tmp_path / "x.pdf")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert main(["export", str(SEED), "-o", str(tmp_path / "no" / "x.xlsx")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = export(tmp_path, SEED)
    before = out.read_bytes()
    import jixiao.indicators.atomic as atomic

    def broken(*args: Any, **kw: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "publish", broken)
    with pytest.raises(OSError):
        export_form(score_file(SEED), out, scores="computed")
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


# ------------------------------------------------------------------ LibreOffice


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_it_as_the_official_form(tmp_path: Path) -> None:
    out = export(tmp_path, SEED)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = tmp_path / "out.pdf"
    assert pdf.exists()
    from pypdf import PdfReader

    pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(str(pdf)).pages]
    first = pages[0]
    for text in ("2021年度部门整体支出绩效自评表", "金额单位：万元", "年度资金总额", "1387.53", "100.00%",
                 "产出指标（50分）", "全市企业养老保险离退休人数", "31.88万人", "12.50", "9.50", "等级：优", "填表人"):
        assert text in first, text
    assert len(PdfReader(str(pdf)).pages[0].mediabox) == 4
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert any("复算结果" in p for p in pages[1:])
    assert not any("jixiao导出的附加数据" in p for p in pages)  # the hidden sheet is not printed
