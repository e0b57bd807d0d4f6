"""The one place jixiao reaches past tomlkit's public API (the editor's lossless saves).

tomlkit keeps every line it parsed, and its public API adds a key only where
tomlkit chooses (``Container.append``/``add``: after the last value, or at the
end). A person who types a number into the editor expects it on the line under
the other keys of its table, or on the line of the commented-out example; so
jixiao puts the key at a position of its own choosing, which needs tomlkit's
``Container._insert_at`` (what ``append`` itself calls), and keeps a table's own
mapping in step the way ``Table.__setitem__`` does.

Nothing else in jixiao touches a private name of tomlkit. ``Container.body``
(a public property: the live list of ``(key, item)`` lines) is edited in place
only for lines without a key (blank lines, comments, removed lines), which no
index of tomlkit's refers to.

pyproject bounds tomlkit to the releases these functions were tested on;
tests/test_tomlkit_compat.py checks each function's contract and the bytes of a
commented form after edits, and fails loudly when a tomlkit release changes
them: widen the bound only after those tests pass on the new release.
"""

from __future__ import annotations

from typing import Any, cast

from tomlkit.container import Container
from tomlkit.items import Item, Table

__all__ = ["insert_at", "set_table_entry"]


def insert_at(container: Container, index: int, key: str, item: Item) -> Item:
    """Put ``key = item`` at line ``index`` of ``container`` (``index`` < len(body)); return the item as stored."""
    insert = getattr(container, "_insert_at", None)
    if insert is None:  # pragma: no cover - a tomlkit outside the bound in pyproject
        raise RuntimeError("tomlkit 的 Container._insert_at 不存在：请安装 pyproject.toml 允许的 tomlkit 版本。")
    insert(index, key, item)
    return cast(Item, container.item(key))


def set_table_entry(table: Table, key: str, item: Any) -> None:
    """Record ``key`` in ``table``'s own mapping after it was put into ``table.value`` directly."""
    dict.__setitem__(table, key, item)
