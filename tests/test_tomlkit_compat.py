"""The editor's use of tomlkit beyond its public API, pinned down (indicators/_tomlkit_compat.py).

Each test states what jixiao's lossless saves rely on; a tomlkit release that
changes any of it fails here, by name, before a clerk's file is saved
differently. pyproject bounds tomlkit to the releases these tests passed on.
"""

from __future__ import annotations

import re
from pathlib import Path

import tomlkit
from jixiao.indicators import template_text
from jixiao.indicators._tomlkit_compat import insert_at, set_table_entry
from jixiao.indicators.document import FormDocument
from tomlkit.items import Comment, Null, Table, Whitespace

ROOT = Path(__file__).resolve().parent.parent

TEXT = """\
# 注释在最上面
[funds]
budget = 100   # 年度预算
spent = 90

# 下一个表
[signoff]
unit = "某单位"
"""


def test_insert_at_puts_the_key_on_the_line_asked_for() -> None:
    doc = tomlkit.parse(TEXT)
    funds = doc["funds"]
    assert isinstance(funds, Table)
    container = funds.value
    body = container.body
    at = next(i for i, (k, _) in enumerate(body) if k is not None and k.key == "spent") + 1
    item = tomlkit.item(7)
    item.trivia.trail = "\n"
    new = insert_at(container, at, "claimed", item)
    assert new is container.item("claimed")
    set_table_entry(funds, "claimed", new)
    assert tomlkit.dumps(doc) == TEXT.replace("spent = 90\n", "spent = 90\nclaimed = 7\n")
    # every view of the table sees the key: the container, the table's mapping, the plain value
    assert container["claimed"] == 7 and funds["claimed"] == 7 and "claimed" in funds
    assert doc.unwrap()["funds"] == {"budget": 100, "spent": 90, "claimed": 7}
    # the keys after the inserted line are still found (the key index moved with them)
    assert funds["spent"] == 90 and container.item("budget").trivia.comment == "# 年度预算"
    assert tomlkit.parse(tomlkit.dumps(doc)) == doc


def test_insert_at_in_place_of_a_commented_example_line() -> None:
    text = "[claimed]\n# total = 100\n# grade = \"优\"\n"
    doc = tomlkit.parse(text)
    table = doc["claimed"]
    assert isinstance(table, Table)
    body = table.value.body
    i = next(i for i, (k, it) in enumerate(body) if isinstance(it, Comment) and "total" in it.trivia.comment)
    new = insert_at(table.value, i, "total", tomlkit.item(88))
    # the comment moved one line down; jixiao blanks it (a key-less line) and takes its layout
    assert body[i + 1][1].trivia.comment == "# total = 100"
    body[i + 1] = (None, Null())
    new.trivia.indent, new.trivia.trail = "", "\n"
    set_table_entry(table, "total", new)
    assert tomlkit.dumps(doc) == "[claimed]\ntotal = 88\n# grade = \"优\"\n"
    assert doc["claimed"]["total"] == 88


def test_body_is_the_live_list_and_key_less_lines_can_be_taken_and_put_back() -> None:
    doc = tomlkit.parse(TEXT)
    funds = doc["funds"]
    assert isinstance(funds, Table)
    body = funds.value.body
    assert body is funds.value.body
    start = len(body)
    while start and body[start - 1][0] is None and isinstance(body[start - 1][1], (Whitespace, Comment, Null)):
        start -= 1
    tail = body[start:]
    assert tail, "the blank line and comment above [signoff] belong to [funds]'s body"
    del body[start:]
    assert funds["spent"] == 90 and doc["signoff"]["unit"] == "某单位"
    assert "# 下一个表" not in tomlkit.dumps(doc)
    body.extend(tail)
    assert tomlkit.dumps(doc) == TEXT


def test_a_commented_form_saves_byte_for_byte_with_the_edits_only(tmp_path: Path) -> None:
    """Through the editor's document: a commented form (the bundled template), untouched and after edits."""
    original = template_text("department")
    path = tmp_path / "d.toml"
    path.write_bytes(original.encode("utf-8"))
    doc = FormDocument.open(path)
    assert doc.dumps() == original
    doc.set_text(("funds", "claimed"), "9.5")  # the example line becomes the key, its remark in its column
    doc.set_text(("claimed", "total"), "88.5")
    doc.save()
    expected = original.replace(
        "# claimed = 10                  # 自评得分（分值 × 执行率）\n",
        "claimed = 9.5                   # 自评得分（分值 × 执行率）\n",
    ).replace("# total = 100\n", "total = 88.5\n")
    assert expected != original
    assert path.read_bytes() == expected.encode("utf-8")


def test_tomlkit_is_bounded_in_pyproject() -> None:
    """An unbounded tomlkit would let an upgrade change saves silently: the range must have an upper bound."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    spec = re.search(r'"tomlkit(>=[^"]*)"', pyproject)
    assert spec is not None and "<" in spec.group(1), "pyproject: tomlkit needs an upper bound (see _tomlkit_compat)"
    low, high = re.findall(r"[<>]=?\s*([\d.]+)", spec.group(1))
    version = tuple(int(x) for x in tomlkit.__version__.split(".")[:2])
    assert tuple(int(x) for x in low.split(".")[:2]) <= version < tuple(int(x) for x in high.split(".")[:2])
