"""Saving from ``jixiao edit`` changes only the edited lines, byte for byte.

Each test loads a file, edits it as the editor does, saves, and compares the
whole file with the text expected, which is built here from the original by
plain string operations on whole blocks and lines.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jixiao.indicators import template_text
from jixiao.indicators.document import FormDocument
from jixiao.tui.cli import main

from tests.budget import examples

SEED = Path(__file__).resolve().parent.parent / "indicators" / "examples" / "seed-2021.toml"
HEADER = "[[indicators]]\n"


def save(path: Path, doc: FormDocument) -> str:
    assert tomli.loads(doc.dumps(), parse_float=Decimal) == doc.data
    doc.save()
    return path.read_bytes().decode("utf-8")


def blocks(text: str) -> tuple[str, list[str], str]:
    """(before the first indicator, each indicator's lines up to its blank line, the rest)."""
    head, _, rest = text.partition(HEADER)
    parts = (HEADER + rest).split("\n\n")
    inds = [p + "\n" for p in parts if p.startswith(HEADER)]
    n = len(inds)
    tail = "\n\n".join(parts[n:])
    return head, inds, tail


def join(head: str, inds: list[str], tail: str) -> str:
    return head + "\n".join(inds) + "\n" + tail


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "seed-2021.toml"
    shutil.copy(SEED, path)
    return path


def test_blocks_helper_round_trips() -> None:
    text = SEED.read_text(encoding="utf-8")
    head, inds, tail = blocks(text)
    assert len(inds) == 9 and join(head, inds, tail) == text


def test_adding_claimed_to_each_indicator_of_the_seed(tmp_path: Path) -> None:
    head, inds, tail = blocks(SEED.read_text(encoding="utf-8"))
    stripped = [("".join(line for line in b.splitlines(True) if not line.startswith("claimed = "))) for b in inds]
    path = tmp_path / "f.toml"
    path.write_text(join(head, stripped, tail), encoding="utf-8")
    doc = FormDocument.open(path)
    for i in range(9):
        doc.set_text(("indicators", i, "claimed"), str(10 + i))
    expected = join(head, [b + f"claimed = {10 + i}\n" for i, b in enumerate(stripped)], tail)
    assert save(path, doc) == expected


def test_changing_claimed_in_the_seed_changes_those_lines_only(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")
    doc = FormDocument.open(seed)
    for i in range(9):
        doc.set_text(("indicators", i, "claimed"), "1.25")
    head, inds, tail = blocks(original)
    changed = ["".join("claimed = 1.25\n" if line.startswith("claimed = ") else line for line in b.splitlines(True)) for b in inds]
    assert save(seed, doc) == join(head, changed, tail)


@pytest.mark.parametrize("kind", ["department", "project"])
def test_adding_claimed_to_each_indicator_of_a_new_form(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.toml"
    assert main(["new", "--kind", kind, "-o", str(path)]) == 0
    original = path.read_text(encoding="utf-8")
    assert original == template_text(kind)
    doc = FormDocument.open(path)
    for i in range(doc.indicator_count):
        doc.set_text(("indicators", i, "claimed"), "20")
    head, inds, tail = blocks(original)
    example = "# claimed = 25                  # 自评得分\n"
    assert example in inds[0]
    # the commented-out example line becomes the key, its remark in the same column
    expected = [inds[0].replace(example, "claimed = 20                    # 自评得分\n")]
    expected += [b + "claimed = 20\n" for b in inds[1:]]
    assert save(path, doc) == join(head, expected, tail)


def test_funds_claimed_and_the_claimed_table_of_a_new_form_take_their_example_lines(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    original = template_text("department")
    path.write_text(original, encoding="utf-8")
    doc = FormDocument.open(path)
    doc.set_text(("funds", "claimed"), "9.5")
    doc.set_text(("claimed", "grade"), "良")
    doc.set_text(("claimed", "total"), "88.5")
    expected = (
        original.replace(
            "# claimed = 10                  # 自评得分（分值 × 执行率）\n",
            "claimed = 9.5                   # 自评得分（分值 × 执行率）\n",
        )
        .replace("# total = 100\n", "total = 88.5\n")
        .replace('# grade = "优"\n', 'grade = "良"\n')
    )
    assert save(path, doc) == expected


def test_moving_a_row_up_and_back_down_changes_nothing(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")
    doc = FormDocument.open(seed)
    for index in (1, 4, 8):
        assert doc.move_indicator(index, -1) == index - 1
        assert doc.move_indicator(index - 1, +1) == index
    assert doc.move_indicator(0, +1) == 1 and doc.move_indicator(1, -1) == 0
    assert save(seed, doc) == original


@pytest.mark.parametrize("index, delta", [(0, +1), (3, -1), (8, -1), (7, +1)])
def test_moving_a_row_swaps_exactly_two_blocks(seed: Path, index: int, delta: int) -> None:
    head, inds, tail = blocks(seed.read_text(encoding="utf-8"))
    doc = FormDocument.open(seed)
    doc.move_indicator(index, delta)
    inds[index], inds[index + delta] = inds[index + delta], inds[index]
    assert save(seed, doc) == join(head, inds, tail)


COMPACT = """format = 1
kind = "department"
year = 2021
[unit]
name = "单位"
[funds]
weight = 10
[funds.appropriation]
initial = 100
annual = 100
executed = 100
[[indicators]]
category = "产出指标"
name = "甲"
target = "≥1"
actual = "1"
weight = 45
[[indicators]]
category = "产出指标"
name = "乙"
target = "≥1"
actual = "1"
weight = 45
# 以下为满意度
[[indicators]]
category = "满意度指标"
name = "丙"
target = "≥90%"
actual = "95%"
weight = 0
"""


def test_a_compact_file_stays_compact_when_rows_move_are_added_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(COMPACT, encoding="utf-8")
    doc = FormDocument.open(path)
    doc.move_indicator(2, -1)
    doc.move_indicator(1, -1)
    doc.move_indicator(0, +1)
    doc.move_indicator(1, +1)
    assert save(path, doc) == COMPACT  # back where they were: not one byte differs
    doc.move_indicator(0, +1)  # 甲 and 乙 swap; the comment stays above the third table
    a = '[[indicators]]\ncategory = "产出指标"\nname = "甲"\ntarget = "≥1"\nactual = "1"\nweight = 45\n'
    b = a.replace("甲", "乙")
    assert a + b in COMPACT
    assert save(path, doc) == COMPACT.replace(a + b, b + a)
    doc.set_text(("indicators", 2, "claimed"), "0")  # the end of the file: a line added at the end
    assert save(path, doc) == COMPACT.replace(a + b, b + a) + "claimed = 0\n"


def test_deleting_rows_removes_exactly_their_blocks(seed: Path) -> None:
    head, inds, tail = blocks(seed.read_text(encoding="utf-8"))
    doc = FormDocument.open(seed)
    doc.remove_indicator(8)  # the last one: the blank line before [claimed] stays
    doc.remove_indicator(4)
    doc.remove_indicator(0)
    del inds[8], inds[4], inds[0]
    assert save(seed, doc) == join(head, inds, tail)


NEW_BLOCK = '[[indicators]]\ncategory = "{cat}"\nsubcategory = "{sub}"\nname = "新指标"\ntarget = ""\nactual = ""\nweight = 0\nnote = ""\n'


def test_adding_rows_inserts_whole_blocks_with_one_blank_line(seed: Path) -> None:
    head, inds, tail = blocks(seed.read_text(encoding="utf-8"))
    doc = FormDocument.open(seed)
    assert doc.add_indicator(None) == 9
    assert doc.add_indicator(0) == 1
    assert doc.add_indicator(5) == 6  # after row 5 of the new order (the old row 4)
    doc.set_text(("indicators", 9 + 2, "claimed"), "0")
    satisfaction = NEW_BLOCK.format(cat="满意度指标", sub="服务对象满意度指标") + "claimed = 0\n"
    inds = inds + [satisfaction]
    inds.insert(1, NEW_BLOCK.format(cat="产出指标", sub="数量指标"))
    inds.insert(6, NEW_BLOCK.format(cat="效益指标", sub="经济效益指标"))
    assert save(seed, doc) == join(head, inds, tail)


def test_adding_then_removing_rows_gives_back_the_file(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")
    doc = FormDocument.open(seed)
    doc.add_indicator(None)
    doc.add_indicator(2)
    doc.remove_indicator(3)
    doc.remove_indicator(9)
    assert save(seed, doc) == original


def test_editing_funds_and_signoff_changes_those_lines_only(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")
    doc = FormDocument.open(seed)
    doc.set_text(("funds", "total", "executed"), "1300")
    doc.set_text(("funds", "claimed"), "9.37")
    doc.set_text(("funds", "note"), "部分项目延期")
    doc.set_text(("funds", "carryover", "annual"), "12")
    doc.set_text(("signoff", "date"), "2022-08-01")
    doc.set_text(("signoff", "filled_by"), "张三")
    doc.set_text(("signoff", "finance_head"), "李四")  # not in the file: added after the last key
    expected = (
        original.replace(
            "[funds.total]           # 年度资金总额\ninitial = 1366.77\nannual = 1387.53\nexecuted = 1387.53\n",
            "[funds.total]           # 年度资金总额\ninitial = 1366.77\nannual = 1387.53\nexecuted = 1300\n",
        )
        .replace("claimed = 10\nnote = \"\"\n", 'claimed = 9.37\nnote = "部分项目延期"\n')
        .replace(
            "executed = 1387.53\n\n[goal]",
            "executed = 1387.53\n\n[funds.carryover]\nannual = 12\n\n[goal]",
        )
        .replace('filled_by = ""', 'filled_by = "张三"')
        .replace('date = ""\n', 'date = "2022-08-01"\nfinance_head = "李四"\n')
    )
    assert save(seed, doc) == expected


def test_windows_line_endings_are_kept_on_added_lines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    original = template_text("project").replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    doc = FormDocument.open(path)
    doc.set_text(("indicators", 1, "claimed"), "25")
    doc.set_text(("indicators", 0, "claimed"), "25")
    doc.add_indicator(None)
    doc.save()
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b'weight = 25\r\nnote = ""\r\nclaimed = 25\r\n\r\n' in data


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    source=st.sampled_from(["seed", "compact", "department", "project"]),
    moves=st.lists(st.tuples(st.integers(0, 8), st.sampled_from([-1, 1])), max_size=12),
    adds=st.lists(st.integers(-1, 8), max_size=4),
)
def test_any_moves_and_adds_undone_give_back_the_file_byte_for_byte(
    tmp_path: Path, source: str, moves: list[tuple[int, int]], adds: list[int]
) -> None:
    text = {"seed": SEED.read_text(encoding="utf-8"), "compact": COMPACT}.get(source) or template_text(source)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    doc = FormDocument.open(path)
    n = doc.indicator_count
    done = []
    for index, delta in moves:
        index %= n
        new = doc.move_indicator(index, delta)
        if new != index:
            done.append((new, -delta))
    for new, delta in reversed(done):
        doc.move_indicator(new, delta)
    assert doc.dumps() == text
    added: list[int] = []  # where the added rows are now
    for after in adds:
        i = doc.add_indicator(None if after < 0 else after % doc.indicator_count)
        added = [a + 1 if a >= i else a for a in added] + [i]
    assert all(doc.get(("indicators", i, "name")) == "新指标" for i in added)
    for index in sorted(added, reverse=True):
        doc.remove_indicator(index)
    assert doc.dumps() == text
