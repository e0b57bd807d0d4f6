"""Where the editor's saves put lines in a TOML document (tomlkit), so that a save changes only what was edited.

Split out of ``indicators/document.py`` (the editable form), which uses these helpers.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from tomlkit.container import Container
from tomlkit.items import AoT, Comment, Item, Null, SingleKey, Table, Whitespace

from ._tomlkit_compat import insert_at, set_table_entry


def _cell_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)

#
# Saving changes only the lines that were edited.  tomlkit keeps every line it
# parsed, but where it puts a new key, and which blank lines travel with a table
# that moves, are its own choices; these helpers make them ours:
#
# * a new key goes right after the last key of its table, before the blank lines
#   and comments that end the table; when the table has a commented-out example
#   of the key (``# claimed = 25  # 自评得分``) the key takes that line's place;
# * the blank lines and comments that end a table (its "tail", what separates it
#   from the next header) stay where they are when tables of an array are moved,
#   added or removed: they belong to the position, not to the table.
#
# The two steps past tomlkit's public API (a key put at a line of our choosing,
# a table's own mapping kept in step) are in ._tomlkit_compat, tested with the
# tomlkit releases pyproject allows (tests/test_tomlkit_compat.py).

_TAIL_ITEMS = (Whitespace, Comment, Null)


def _container(node: Any) -> Container | None:
    if isinstance(node, Container):
        return node
    if isinstance(node, Table) and not node.is_super_table():
        return node.value
    return None  # an inline table (one line), or a table with no header of its own: tomlkit's layout


def _tail_container(table: Table) -> Container:
    """The container whose last lines end ``table`` on the page (a trailing sub-table's, if any)."""
    container = table.value
    while True:
        real = [it for k, it in container.body if not isinstance(it, Null)]
        last = real[-1] if real else None
        if isinstance(last, Table):
            container = last.value
        elif isinstance(last, AoT) and last.body:
            container = last.body[-1].value
        else:
            return container


def _tail_start(body: list[tuple[Any, Item]], kinds: tuple[type, ...] = _TAIL_ITEMS) -> int:
    i = len(body)
    while i > 0 and body[i - 1][0] is None and isinstance(body[i - 1][1], kinds):
        i -= 1
    return i


def _take_tail(table: Table) -> list[tuple[Any, Item]]:
    """Remove and return the blank lines and comments that end ``table``."""
    body = _tail_container(table).body
    start = _tail_start(body)
    tail = body[start:]
    del body[start:]  # key-less items at the end: the container's key map is not affected
    return tail


def _put_tail(table: Table, tail: list[tuple[Any, Item]]) -> None:
    _tail_container(table).body.extend(tail)


def _blank_run(tail: list[tuple[Any, Item]]) -> list[tuple[Any, Item]]:
    """A copy of the blank lines at the very end of a tail (what is right above the next header)."""
    body = [(k, it) for k, it in tail if not isinstance(it, Null)]
    start = _tail_start(body, (Whitespace,))
    return [(None, Whitespace(it.as_string())) for _, it in body[start:]]


def _example_pattern(key: str) -> re.Pattern[str]:
    k = re.escape(key)
    return re.compile(rf"""#\s*(?:{k}|"{k}"|'{k}')\s*=\s*(?:"[^"]*"|'[^']*'|[^\s#]*)""")


def _insert_key(node: Any, key: str, item: Item, nl: str) -> bool:
    """Put a new ``key = item`` line where a person would; False when ``node`` is not a table."""
    container = _container(node)
    if container is None:
        return False
    body = container.body
    pattern = _example_pattern(key)
    for i, (k, it) in enumerate(body):
        if k is None and isinstance(it, Comment):
            m = pattern.match(it.trivia.comment)
            if m is None:
                continue
            remark = it.trivia.comment[m.end() :]
            new = insert_at(container, i, key, item)
            body[i + 1] = (None, Null())  # the example line is replaced by the key
            new.trivia.indent = it.trivia.indent
            new.trivia.trail = it.trivia.trail
            if remark.strip().startswith("#"):  # keep the example's remark, in its column
                column = _cell_width(it.trivia.indent + m.group(0)) + len(remark) - len(remark.lstrip())
                width = _cell_width(it.trivia.indent + SingleKey(key).as_string() + " = " + new.as_string())
                new.trivia.comment_ws = " " * max(1, column - width)
                new.trivia.comment = remark.strip()
            break
    else:
        values = [i for i, (k, it) in enumerate(body) if k is not None and not isinstance(it, (Table, AoT))]
        at = values[-1] + 1 if values else _tail_start(body, (Whitespace, Null))
        item.trivia.trail = nl
        if at < len(body):
            new = insert_at(container, at, key, item)
        else:
            container.append(key, item)
            new = cast(Item, container.item(key))
        if values:
            before = body[values[-1]][1]
            extra = before.trivia.trail[len(before.trivia.trail.rstrip("\r\n")) :]
            if extra.count("\n") > 1:  # blank lines kept in the trail (not parsed so): they go after the new key
                new.trivia.trail, before.trivia.trail = before.trivia.trail, nl
    if isinstance(node, Table):
        set_table_entry(node, key, new)  # the table's own mapping, as Table.__setitem__ keeps it
    return True


