"""``[funds] unit``: 万元 (default) or 元, shown wherever amounts are shown, never converted."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from pathlib import Path

import pytest
from jixiao.indicators.digest import form_digest
from jixiao.indicators.loader import FormError, load_form, load_form_text
from jixiao.scoring.engine import score_form
from jixiao.scoring.loading import score_file
from jixiao.tui.cli import main
from jixiao.tui.commands.score import format_result_table
from pypdf import PdfReader

from .conftest import SEED, form_toml, row

# The seed's digest as printed on its PDF before the key existed (README, jixiao verify):
# a form that does not write the unit must keep it.
SEED_DIGEST = "6ea1cf2167d7a7c512ef71415e63ced7a9febf378815c31b73f3c688ced50e13"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def with_unit(unit: str) -> str:
    text = seed_text()
    assert "[funds]                 # 万元\n" in text
    return text.replace("[funds]                 # 万元\n", f'[funds]\nunit = "{unit}"\n', 1)


def yuan_form(tmp_path: Path) -> Path:
    path = tmp_path / "yuan.toml"
    path.write_text(with_unit("元"), encoding="utf-8")
    return path


def test_default_is_wan_yuan_and_yuan_is_accepted() -> None:
    assert load_form(SEED).funds.unit == "万元"
    form = load_form_text(with_unit("元"))
    assert form.funds.unit == "元"
    # amounts are kept exactly as written: nothing is divided or multiplied
    assert form.funds.total is not None and form.funds.total.annual == Decimal("1387.53")


def test_other_units_are_refused_in_chinese() -> None:
    with pytest.raises(FormError) as exc:
        load_form_text(with_unit("千元"), "x.toml")
    (problem,) = exc.value.problems
    assert problem.key == "funds.unit"
    assert "千元" in problem.message and "万元" in problem.message and "元" in problem.message


def test_seed_digest_is_unchanged_by_the_new_key() -> None:
    assert form_digest(load_form(SEED)) == SEED_DIGEST
    # writing the default out is the same content
    assert form_digest(load_form_text(with_unit("万元"))) == SEED_DIGEST
    # a different unit is different content: the same numbers mean other money
    assert form_digest(load_form_text(with_unit("元"))) != SEED_DIGEST


def test_score_does_not_depend_on_the_unit() -> None:
    wan = score_form(load_form(SEED))
    yuan = score_form(load_form_text(with_unit("元")))
    assert (yuan.funds.rate, yuan.funds.score, yuan.total) == (wan.funds.rate, wan.funds.score, wan.total)


def test_terminal_table_names_the_unit(tmp_path: Path) -> None:
    text = format_result_table(score_file(yuan_form(tmp_path)))
    assert "全年预算数 1387.53 元，全年执行数 1387.53 元" in text
    assert "万元" not in text.split("\n")[3]
    assert "全年预算数 1387.53 万元" in format_result_table(score_file(SEED))


def test_total_mismatch_message_names_the_unit() -> None:
    funds = {
        "unit": "元",
        "total": {"initial": 100, "annual": 100, "executed": 90},
        "appropriation": {"initial": 100, "annual": 100, "executed": 100},
    }
    result = score_form(load_form_text(form_toml([row()], funds=funds)))
    (finding,) = [f for f in result.findings if f.code == "funds-total-mismatch"]
    assert "为 90.00 元，但各资金来源行之和为 100.00 元" in finding.message


def test_pdf_says_the_unit(tmp_path: Path) -> None:
    out = tmp_path / "yuan.pdf"
    assert main(["pdf", str(yuan_form(tmp_path)), "-o", str(out)]) == 1  # printed; it has an error finding
    page = re.sub(r"\s+", "", PdfReader(str(out)).pages[0].extract_text() or "")
    assert "金额单位：元" in page and "资金来源（元）" in page
    assert "万元" not in page
    out2 = tmp_path / "seed.pdf"
    assert main(["pdf", str(SEED), "-o", str(out2)]) == 1  # printed; the seed has an error finding
    page2 = re.sub(r"\s+", "", PdfReader(str(out2)).pages[0].extract_text() or "")
    assert "金额单位：万元" in page2 and "资金来源（万元）" in page2


def test_templates_document_the_key() -> None:
    from jixiao.indicators import template_text

    for kind in ("department", "project"):
        text = template_text(kind)
        assert '# unit = "元"' in text
        assert load_form_text(text).funds.unit == "万元"
        assert load_form_text(text.replace('# unit = "元"', 'unit = "元"')).funds.unit == "元"


def test_tui_funds_header_shows_the_unit(tmp_path: Path) -> None:
    from jixiao.indicators.document import FormDocument
    from jixiao.tui.app import JixiaoApp
    from jixiao.tui.components.funds_table import FundsTable

    seen: dict[str, str] = {}

    async def run(path: Path, key: str) -> None:
        app = JixiaoApp(FormDocument.open(path), cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.action_show_tab("funds")
            await pilot.pause()
            table = app.query_one(FundsTable)
            seen[key] = table.ordered_columns[0].label.plain
            seen[key + "-screen"] = app.export_screenshot()

    asyncio.run(run(yuan_form(tmp_path), "yuan"))
    asyncio.run(run(SEED, "wan"))
    assert seen["yuan"] == "资金（元）"
    assert seen["wan"] == "资金（万元）"
    assert "资金（元）" in seen["yuan-screen"] and "万元" not in seen["yuan-screen"]


def test_keys_added_after_v1_change_the_digest_only_when_used():
    # standard / applicable / funds.rows came with issue 10: at their defaults the seed keeps 6ea1cf21…
    seed = load_form(SEED)
    base = form_digest(seed)
    assert base.startswith("6ea1cf2167d7a7c5")
    changed = [
        seed.model_copy(update={"indicators": [seed.indicators[0].model_copy(update={"standard": "有依据"}), *seed.indicators[1:]]}),
        seed.model_copy(update={"indicators": [seed.indicators[0].model_copy(update={"applicable": False}), *seed.indicators[1:]]}),
    ]
    assert all(form_digest(f) != base for f in changed)
