"""Issue 12.1: no output format under ``scoring/`` or ``indicators/`` (the import readers excepted).

Every ``import`` in those packages, at module level or inside a function, is
read from the syntax tree; the output libraries may be imported only by the
import readers (``indicators/importing/readers/``), which READ spreadsheets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_LIBRARIES = {"csv", "openpyxl", "xlsxwriter", "reportlab", "rich", "textual"}
READERS = ROOT / "indicators" / "importing" / "readers"


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files() -> list[Path]:
    out = []
    for pkg in ("scoring", "indicators"):
        out += [p for p in sorted((ROOT / pkg).rglob("*.py")) if READERS not in p.parents]
    return out


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_output_library_under_scoring_or_indicators(path: Path) -> None:
    assert not (_imported(path) & OUTPUT_LIBRARIES), f"{path.relative_to(ROOT)} imports an output library"


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("def write():\n    import csv\n    from openpyxl import Workbook\n", encoding="utf-8")
    assert _imported(f) == {"csv", "openpyxl"}


def test_the_batch_records_are_dataclasses_and_the_formats_are_registered() -> None:
    import dataclasses

    from jixiao.reports.tables import FORMATS, options_for
    from jixiao.scoring.batch import FormRecord, FormRow, process_form, unreadable_record

    assert sorted(FORMATS) == [".csv", ".json", ".xlsx"]
    rec = process_form(str(ROOT / "indicators" / "examples" / "seed-2021.toml"), options_for([".xlsx"]))
    assert isinstance(rec, FormRecord) and isinstance(rec.row, FormRow) and dataclasses.is_dataclass(rec)
    assert rec.row.error == "" and rec.lines[0].no == 0 and len(rec.lines) > 1
    bad = unreadable_record("x.toml", "x.toml: 坏了", options_for([".json"]))
    assert bad.row.error == "x.toml: 坏了" and bad.row.errors == 1 and '"error"' in bad.json


def test_xlsx_writer_keeps_user_text_as_text_and_abort_leaves_nothing(tmp_path: Path) -> None:
    import os

    from jixiao.reports.tables import XlsxWriter, options_for
    from jixiao.scoring.batch import Summary, make_chunk, process_form
    from openpyxl import load_workbook

    opts = options_for([".xlsx"])
    seed = str(ROOT / "indicators" / "examples" / "seed-2021.toml")
    recs = [process_form(seed, opts) for _ in range(3)]
    for rec, unit in zip(recs, ["http://x.example/a", "=1+1", "+86 731"]):
        rec.row.unit = unit
    target = tmp_path / "r.xlsx"
    w = XlsxWriter(target)
    w.add(make_chunk(recs, opts))
    w.close(Summary())
    ws = load_workbook(target)["表单"]
    for r, unit in zip((2, 3, 4), ["http://x.example/a", "=1+1", "+86 731"]):
        cell = ws.cell(r, 2)
        assert (cell.value, cell.data_type, cell.hyperlink) == (unit, "s", None)
        assert ws.cell(r, 7).number_format == "0.00"  # 复算总分
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:T4"  # 18 columns, then 执行率 and 填报−复核

    w = XlsxWriter(tmp_path / "gone.xlsx")
    w.add(make_chunk(recs, opts))
    tmpdir = w.tmpdir
    w.abort()
    assert not (tmp_path / "gone.xlsx").exists() and not os.path.exists(tmpdir)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]  # no temporary file beside it


def _modules_imported(path: Path, package: str = "") -> set[str]:
    """Every module a file imports, in full (``jixiao.indicators.importing.readers``), relative imports resolved."""
    package = package or "jixiao." + ".".join(path.relative_to(ROOT).parent.parts)
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names |= {f"{module}.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "scoring").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_scoring_never_chooses_an_importer(path: Path) -> None:
    """Loading a submission is ``indicators/submission.py``'s: nothing in scoring/ imports the importers."""
    bad = {n for n in _modules_imported(path) if n == "jixiao.indicators.importing" or n.startswith("jixiao.indicators.importing.")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_importer_check_sees_every_spelling(tmp_path: Path) -> None:
    f = ROOT / "scoring" / "engine.py"  # a path under scoring/, for the relative imports
    spelled = _modules_imported(f)
    assert "jixiao.indicators.loader" in spelled and "jixiao.scoring.findings" in spelled
    probe = tmp_path / "scoring" / "x.py"
    probe.parent.mkdir()
    probe.write_text(
        "def f():\n    from jixiao.indicators import importing\n    import jixiao.indicators.importing.readers\n"
        "from ..indicators.loader import key_lines\n",
        encoding="utf-8",
    )
    names = {n for n in _modules_imported(probe, "jixiao.scoring") if "importing" in n}
    assert names == {"jixiao.indicators.importing", "jixiao.indicators.importing.readers"}
    assert "jixiao.indicators.loader.key_lines" in _modules_imported(probe, "jixiao.scoring")

