"""indicators.document: the editable form behind ``jixiao edit``.

Saving must never lose anything: comments, key order and number text survive,
the previous file is kept, a changed file is not overwritten, a broken file is
never written.
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import tomli
from jixiao.indicators.document import (
    ChangedOnDisk,
    EditError,
    FormDocument,
    SaveRefused,
    field_kind,
    parse_decimal,
)
from jixiao.indicators.loader import load_form
from jixiao.scoring.engine import score_form

SEED = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "seed-2021.toml"
    shutil.copy(SEED, path)
    return path


def consistent(doc: FormDocument) -> None:
    """The plain data the engine sees is exactly what would be written."""
    assert tomli.loads(doc.dumps(), parse_float=Decimal) == doc.data


def test_an_untouched_document_writes_back_byte_for_byte(seed: Path) -> None:
    doc = FormDocument.open(seed)
    assert doc.editable and not doc.dirty
    assert doc.dumps() == seed.read_text(encoding="utf-8")


def test_edits_keep_the_two_copies_in_step(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("indicators", 8, "claimed"), "10")
    doc.set_text(("indicators", 0, "actual"), "30万人")
    doc.set_text(("indicators", 1, "note"), "第一行\n第二行 \"引号\" \\ 反斜杠")
    doc.set_text(("funds", "carryover", "annual"), "12.50")
    doc.set_text(("goal", "achieved"), "全部完成")
    doc.set_text(("year",), "2022")
    i = doc.add_indicator(3)
    doc.set_text(("indicators", i, "weight"), "2.5")
    doc.move_indicator(i, -2)
    doc.remove_indicator(0)
    consistent(doc)
    assert doc.form is not None and doc.form.year == 2022
    assert doc.get(("indicators", 0, "note")) == "第一行\n第二行 \"引号\" \\ 反斜杠"


def test_number_text_is_kept_as_typed(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("funds", "total", "annual"), "1,400.50")
    doc.set_text(("indicators", 0, "weight"), "１２.５０")  # full-width digits
    text = doc.dumps()
    assert "annual = 1400.50\n" in text
    assert "weight = 12.50\n" in text
    assert doc.get(("funds", "total", "annual")) == Decimal("1400.50")
    assert str(doc.get(("funds", "total", "annual"))) == "1400.50"
    consistent(doc)


def test_blank_optional_number_removes_the_key(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("indicators", 8, "claimed"), "")
    assert doc.get(("indicators", 8, "claimed")) is None
    assert "claimed = 9.5" not in doc.dumps()
    consistent(doc)


@pytest.mark.parametrize(
    "loc, text, message",
    [
        (("indicators", 0, "weight"), "abc", "不是数字"),
        (("indicators", 0, "weight"), "", "不能为空"),
        (("indicators", 0, "weight"), "NaN", "不是数字"),
        (("indicators", 0, "weight"), "-1", "负数"),
        (("indicators", 0, "name"), "  ", "不能为空"),
        (("year",), "21", "年度"),
        (("rules",), "", "规则集"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(seed: Path, loc: tuple, text: str, message: str) -> None:
    doc = FormDocument.open(seed)
    before = doc.dumps()
    with pytest.raises(EditError, match=message):
        doc.set_text(loc, text)
    assert doc.dumps() == before and not doc.dirty


def test_unknown_locations_are_not_editable() -> None:
    with pytest.raises(EditError):
        field_kind(("format",))
    with pytest.raises(EditError):
        field_kind(("indicators", 0, "params"))
    assert field_kind(("funds", "other", "executed")) == "optdecimal"


def test_parse_decimal() -> None:
    assert parse_decimal(" 1,387.53 ") == Decimal("1387.53")
    assert parse_decimal("") is None
    with pytest.raises(EditError):
        parse_decimal("Infinity")
    with pytest.raises(EditError, match="范围"):
        parse_decimal("1e999999")  # would otherwise be written out as a million zeros


def test_comments_stay_in_their_column(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    doc = FormDocument.new(path, "department")
    doc.set_text(("funds", "total", "annual"), "1387.53")
    doc.set_text(("indicators", 0, "actual"), "≥120人")
    lines = doc.dumps().splitlines()
    annual = next(line for line in lines if line.startswith("annual = 1387.53"))
    assert annual.index("#") == 32 and annual.endswith("# 全年预算数")
    actual = next(line for line in lines if line.startswith('actual = "≥120人"'))
    assert actual.endswith("# 实际完成值")


def test_new_sub_tables_and_indicators_are_laid_out_like_the_template(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("funds", "carryover", "initial"), "3")
    doc.set_text(("funds", "carryover", "annual"), "4")
    doc.add_indicator(None)
    text = doc.dumps()
    assert "[funds.carryover]\ninitial = 3\nannual = 4\n\n[goal]" in text
    assert 'note = ""\n\n[[indicators]]\ncategory = "满意度指标"' in text
    consistent(doc)


def test_save_keeps_a_backup_and_scores_the_same_after_reload(seed: Path) -> None:
    original = seed.read_bytes()
    doc = FormDocument.open(seed)
    doc.set_text(("indicators", 8, "claimed"), "10")
    doc.save()
    assert (seed.parent / (seed.name + "~")).read_bytes() == original
    assert not doc.dirty
    again = score_form(load_form(seed))
    assert again.total == Decimal("100.00")
    assert "score-mismatch" not in [f.code for f in again.findings]


def test_changed_on_disk_is_detected_and_can_be_forced(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("indicators", 8, "claimed"), "10")
    seed.write_text(seed.read_text(encoding="utf-8") + "\n# 别人加的注释\n", encoding="utf-8")
    assert doc.changed_on_disk()
    with pytest.raises(ChangedOnDisk):
        doc.save()
    assert "别人加的注释" in seed.read_text(encoding="utf-8")
    doc.save(force=True)
    assert "别人加的注释" not in seed.read_text(encoding="utf-8")
    assert not doc.changed_on_disk()


def test_same_bytes_with_a_new_mtime_is_not_a_change(seed: Path) -> None:
    doc = FormDocument.open(seed)
    st = seed.stat()
    os.utime(seed, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert not doc.changed_on_disk()


def test_a_deleted_file_counts_as_changed(seed: Path) -> None:
    doc = FormDocument.open(seed)
    seed.unlink()
    assert doc.changed_on_disk()


def test_a_new_document_is_not_written_over_a_file_that_appeared(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    doc = FormDocument.new(path, "department")
    path.write_text("# someone else's\n", encoding="utf-8")
    with pytest.raises(ChangedOnDisk):
        doc.save()
    assert path.read_text(encoding="utf-8") == "# someone else's\n"


@pytest.mark.parametrize(
    "content",
    [
        b'format = 1\nkind = "department"\n[unit\n',
        b'format = 1\nkind = "department"\nyear = 2021\n[unit]\nname = "\xff\xfe"\n',  # neither UTF-8 nor GBK
        b'format = 2\nkind = "department"\nyear = 2021\n[unit]\nname = "x"\n',
    ],
    ids=["syntax", "encoding", "schema"],
)
def test_a_broken_file_lists_problems_and_is_never_saved(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    doc = FormDocument.open(path)
    assert not doc.editable
    assert doc.problems and all(str(p) for p in doc.problems)
    with pytest.raises(SaveRefused):
        doc.save(force=True)
    with pytest.raises(EditError):
        doc.set_text(("year",), "2022")
    assert path.read_bytes() == content
    assert not (tmp_path / "broken.toml~").exists()


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    doc = FormDocument.open(tmp_path / "nope.toml")
    assert not doc.editable
    assert "文件不存在" in str(doc.problems[0])


def test_reload_discards_edits(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("unit", "name"), "改过的")
    doc.reload()
    assert doc.get(("unit", "name")) == "株洲市社会保险服务中心"
    assert not doc.dirty


def test_new_from_each_template_loads(tmp_path: Path) -> None:
    for kind in ("department", "project"):
        doc = FormDocument.new(tmp_path / f"{kind}.toml", kind)
        assert doc.editable and doc.dirty and doc.is_new
        assert doc.form is not None and doc.form.kind == kind
    with pytest.raises(EditError):
        FormDocument.new(tmp_path / "x.toml", "other")


def test_an_outside_edit_of_the_same_size_with_the_time_restored_is_a_change(seed: Path) -> None:
    doc = FormDocument.open(seed)
    doc.set_text(("indicators", 8, "claimed"), "10")
    st = seed.stat()
    before = seed.read_bytes()
    outside = before.replace("大于95%".encode(), "大于90%".encode())
    assert len(outside) == len(before) and outside != before
    seed.write_bytes(outside)
    os.utime(seed, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert seed.stat().st_size == st.st_size and seed.stat().st_mtime_ns == st.st_mtime_ns
    assert doc.changed_on_disk()
    with pytest.raises(ChangedOnDisk):
        doc.save()
    assert seed.read_bytes() == outside
