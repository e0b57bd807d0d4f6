"""Export then import gives back the same form: on every fixture and on hypothesis-generated forms.

Three ways back, each compared as validated :class:`indicators.schema.Form` models:

* the workbook as exported: ``import_file`` finds one form, and with the hidden
  ``jixiao`` sheet it is the original form, every key;
* the TOML that ``jixiao import`` writes from it loads to the same form;
* the visible sheet alone (the hidden sheet deleted, as a user copying the
  form into another workbook would): every key the layout carries comes back
  as the sheet shows it (``reports.export_xlsx.shown_values``).
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from jixiao.indicators.embedded import SHEET, _same
from jixiao.indicators.loader import load_form, load_form_text
from jixiao.indicators.schema import Form
from jixiao.reports.export_xlsx import FORM_SHEET, export_form, export_form_bytes, shown_values
from jixiao.scoring.engine import score_form
from openpyxl import load_workbook

from tests.budget import examples

from .conftest import SEED
from .form_strategies import forms

try:
    from jixiao.indicators.importing import import_file
    from jixiao.indicators.importing.toml_writer import form_toml
except ImportError:  # pragma: no cover - the importer is another branch
    import_file = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(import_file is None, reason="importer not merged")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def fixture_forms() -> list[Path]:
    """The seed and every fixture form that loads (04-broken.toml, 03-invalid… do not)."""
    out = []
    for path in [SEED, *sorted(FIXTURES.glob("*.toml")), *sorted((FIXTURES / "review" / "batch").rglob("*.toml"))]:
        if path.name.endswith(".review.toml"):
            continue
        try:
            load_form(path)
        except Exception:
            continue
        out.append(path)
    return out


FIXTURE_FORMS = fixture_forms()


def test_the_fixtures_are_there() -> None:
    names = {p.name for p in FIXTURE_FORMS}
    assert {"seed-2021.toml", "project-2023.toml", "05-arith.toml", "09-sichuan.toml"} <= names


def reimport(path: Path) -> tuple[Form, Form]:
    """(the form import_file recognised, the form of the TOML jixiao import writes)."""
    found = import_file(path)
    assert len(found) == 1, [r.title for r in found]  # the 复算 and hidden sheets are not forms
    rec = found[0]
    return Form.model_validate(rec.data), load_form_text(form_toml(rec), str(path))


def without_hidden_sheet(data: bytes, path: Path) -> Path:
    wb = load_workbook(io.BytesIO(data))
    del wb[SHEET]
    wb.save(path)
    return path


def known_limits(original: Form, back: Form) -> set[str]:
    """Differences of the visible sheet alone that the recogniser makes on purpose or cannot avoid,
    each only in its precise situation (listed in the README, 导出官方 Excel):

    * a 总分 row whose 得分 cell is blank (no claimed total) has its 分值 (the sum of the weights)
      read as the claimed total ("总分行与表头错位，取该行唯一的数").
    """
    out = set()
    weight = back.funds.weight + sum((i.weight for i in back.indicators), Decimal(0))
    if original.claimed.total is None and back.claimed.total is not None and back.claimed.total == weight:
        out.add("claimed.total")
    return out


def layout_differences(original: Form, back: Form) -> list[str]:
    """The keys the layout carries whose value did not come back: what the sheet of the original shows
    against what the sheet of the re-imported form would show (``funds.total`` printed as the sum of the
    rows when not given, a category's weight as declared or from the rule set...)."""
    before = shown_values(score_form(original))
    after = shown_values(score_form(back))
    for key in known_limits(original, back):
        after[key] = before[key]
    return [f"{k}: {v!r} -> {after.get(k)!r}" for k, v in before.items() if not _same(after.get(k), v)] + [
        f"{k}: (none) -> {v!r}" for k, v in after.items() if k not in before
    ]


@pytest.mark.parametrize("path", FIXTURE_FORMS, ids=lambda p: p.name)
def test_every_fixture_comes_back_exactly(path: Path, tmp_path: Path) -> None:
    original = load_form(path)
    out = tmp_path / (path.stem + ".xlsx")
    export_form(score_form(original), out)
    recognised, from_toml = reimport(out)
    assert recognised == original
    assert from_toml == original


@pytest.mark.parametrize("path", FIXTURE_FORMS, ids=lambda p: p.name)
def test_the_visible_sheet_alone_carries_every_key_of_the_layout(path: Path, tmp_path: Path) -> None:
    original = load_form(path)
    data, _ = export_form_bytes(score_form(original))
    recognised, from_toml = reimport(without_hidden_sheet(data, tmp_path / (path.stem + ".xlsx")))
    assert layout_differences(original, recognised) == []
    assert from_toml == recognised


IMPORT_FIXTURES = sorted(p for p in (FIXTURES / "import").glob("*") if p.suffix in (".xlsx", ".xls", ".csv", ".txt"))


@pytest.mark.parametrize("path", IMPORT_FIXTURES, ids=lambda p: p.name)
def test_every_imported_fixture_exports_and_comes_back(path: Path, tmp_path: Path) -> None:
    """A real layout (the MOF template, the split-target template, the seed's text…) imported, exported
    in the official layout and imported again: the same form, each form of a file with several."""
    firsts = [Form.model_validate(rec.data) for rec in import_file(path)]
    assert firsts, path
    for i, form in enumerate(firsts):
        out = tmp_path / f"{path.stem}-{i}.xlsx"
        export_form(score_form(form), out)
        recognised, from_toml = reimport(out)
        assert recognised == form
        assert from_toml == form
        again = tmp_path / f"{path.stem}-{i}-visible.xlsx"
        recognised, _ = reimport(without_hidden_sheet(out.read_bytes(), again))
        assert layout_differences(form, recognised) == []


def test_an_edit_made_in_excel_is_kept_and_the_hidden_keys_too(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace('rules = "central-2020"', 'rules = "sichuan"')
    original = load_form_text(text)
    out = tmp_path / "seed.xlsx"
    export_form(score_form(original), out)
    wb = load_workbook(out)
    ws = wb[FORM_SHEET]
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == "参保人满意度")
    ws.cell(row=row, column=8).value = 10  # the unit corrects its own score
    ws.cell(row=row, column=9).value = "已整改"
    wb.save(out)
    recognised, from_toml = reimport(out)
    assert recognised.indicators[8].claimed == Decimal(10) and recognised.indicators[8].note == "已整改"
    assert recognised.rules == "sichuan"  # not on the sheet: from the hidden copy
    assert [i.tier for i in recognised.indicators[4:8]] == ["达成"] * 4
    assert from_toml == recognised


def _export_and_back(form: Form, hidden: bool = True) -> tuple[Form, Form]:
    data, _ = export_form_bytes(score_form(form))
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        if hidden:
            path.write_bytes(data)
        else:
            without_hidden_sheet(data, path)
        return reimport(path)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms())
def test_any_form_comes_back_exactly(form: Form) -> None:
    """Exactly, or (a form the visible sheet cannot carry, such as a unit named 指标名称) the sheet as read
    wins and the import says the hidden copy differs: the hidden sheet never decides what the sheet shows."""
    from jixiao.indicators.embedded import DIFFERS

    data, _ = export_form_bytes(score_form(form))
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        path.write_bytes(data)
        found = import_file(path)
        assert len(found) == 1
        differs = [n for n in found[0].notes if n.message.startswith(DIFFERS)]
        recognised, from_toml = reimport(path)
    if differs:
        assert differs[0].kind == "problem" and recognised != form
    else:
        assert recognised == form
        assert from_toml == form


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms(realistic=True))
def test_any_realistic_form_visible_sheet_alone(form: Form) -> None:
    """Without the hidden sheet, forms as real ones are (see ``form_strategies.form_data``): what a
    reader of the sheet alone cannot tell apart is listed in the README (导出官方 Excel)."""
    recognised, _ = _export_and_back(form, hidden=False)
    assert layout_differences(form, recognised) == []


def test_a_computed_export_imported_unchanged_is_the_form_as_it_was(tmp_path: Path) -> None:
    original = load_form(SEED)
    out = tmp_path / "computed.xlsx"
    export_form(score_form(original), out, scores="computed")
    ws = load_workbook(out)[FORM_SHEET]
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == "参保人满意度")
    assert ws.cell(row=row, column=8).value == 10  # the engine's score on the sheet
    recognised, _ = reimport(out)
    assert recognised == original and recognised.indicators[8].claimed == Decimal("9.5")  # the unit's own
