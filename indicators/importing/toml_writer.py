"""Recognised form data -> a format-1 TOML text, readable like ``indicators/examples/seed-2021.toml``.

The text begins with comments naming the source (file, sheet, cell range) and
every note of the recogniser, so that nothing assumed is hidden.  Strings
are TOML basic strings with every needed escape; numbers are written with
the digits they were printed with (``99.50`` stays ``99.50``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..schema import FUNDS_ROW_NAMES
from .recognise import Recognised

__all__ = ["form_toml", "toml_string", "toml_value"]

_KIND_LABEL = {"found": "读取", "assumed": "假定", "ignored": "忽略", "problem": "问题"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_FUNDS_ROW_LABEL = FUNDS_ROW_NAMES


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if "." in text else text + ".0"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        return key
    return toml_string(key)


def _comment(text: str) -> str:
    """One comment line: no control characters (TOML forbids them in comments)."""
    clean = "".join(" " if (ord(c) < 0x20 or c == "\x7f") and c != "\t" else c for c in text)
    return "# " + " ".join(clean.split())


def _pairs(table: dict[str, Any]) -> list[str]:
    return [f"{_key(k)} = {toml_value(v)}" for k, v in table.items() if not isinstance(v, dict)]


def form_toml(rec: Recognised, checks: list[str] | None = None) -> str:
    """The form as TOML text; the comments first: the source, every note, where each field came from, and
    ``checks`` (lines the import command adds: printed figures that differ from the recomputation)."""
    data = rec.data
    grid = rec.grid
    where = grid.source + (f" 工作表 “{grid.name}”" if grid.name and grid.kind != "pdf" else "")
    lines = [_comment(f"{rec.title}：由 jixiao import 从 {where} 的 {rec.range_text} 读入。")]
    lines.append(_comment("数值与文字均按原表照录；以下为读取时的说明（假定与忽略的内容请核对原表）："))
    for note in rec.notes:
        lines.append(_comment(f"[{_KIND_LABEL.get(note.kind, note.kind)}] {note.address}：{note.message}"))
    for check in checks or ():
        lines.append(_comment(f"[核对] {check}"))
    sources = field_sources(rec)
    if sources:
        lines.append(_comment("各栏取自原表的单元格："))
        lines += [_comment(f"  {key}：{cells}") for key, cells in sources]
    lines.append("")
    top = {k: v for k, v in data.items() if not isinstance(v, (dict, list)) or (isinstance(v, list) and not v)}
    lines += _pairs(top)
    for section, value in data.items():
        if isinstance(value, dict):
            lines += _table(section, value)
        elif isinstance(value, list):
            for item in value:
                lines.append("")
                lines.append(f"[[{_key(section)}]]")
                lines += [f"{_key(k)} = {toml_value(v)}" for k, v in item.items()]  # params inline
    return "\n".join(lines) + "\n"


def _table(name: str, table: dict[str, Any], prefix: str = "") -> list[str]:
    full = f"{prefix}.{_key(name)}" if prefix else _key(name)
    header = f"[{full}]"
    if prefix == "funds" and name in _FUNDS_ROW_LABEL:
        header += f"   # {_FUNDS_ROW_LABEL[name]}"
    out = ["", header] + _pairs(table)
    for sub, value in table.items():
        if isinstance(value, dict):
            out += _table(sub, value, full)
    return out


def key_text(key: tuple[Any, ...]) -> str:
    """A key path as the loader names it: ("indicators", 2, "weight") -> "indicators[3].weight"."""
    out = ""
    for part in key:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def field_sources(rec: Recognised) -> list[tuple[str, str]]:
    """For every field read, the cell it came from, one line per table or indicator row, in the order of the
    form: ("（表）", "kind 自评表!A1，year 自评表!A2"), ("unit", "name 自评表!B3，…"), ("indicators[3]", "name 自评表!D15，…")."""
    groups: dict[tuple[Any, ...], dict[Any, str]] = {}
    for key, address in rec.cells.items():
        if key[-1:] and isinstance(key[-1], int):  # ("indicators", 2): the row itself, said by its fields
            continue
        head, last = key[:-1], key[-1]
        node = _node(rec.data, key)
        if isinstance(node, dict) or node is _MISSING:  # a table, said by its own fields
            continue
        groups.setdefault(head, {})[last] = address
    out = []
    for head in sorted(groups, key=lambda h: _order(rec.data, h)):
        parent = _node(rec.data, head)
        order = list(parent) if isinstance(parent, dict) else []
        items = sorted(groups[head].items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        out.append((key_text(head) or "（表）", "，".join(f"{k} {a}" for k, a in items)))
    return out


_MISSING = object()


def _node(data: Any, key: tuple[Any, ...]) -> Any:
    node = data
    for part in key:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return _MISSING
    return node


def _order(data: dict[str, Any], head: tuple[Any, ...]) -> tuple[int, ...]:
    """Where a table or row comes in the form: the top-level keys in their order, then indices and sub-tables."""
    out: list[int] = []
    node: Any = data
    for part in head:
        if isinstance(node, dict):
            keys = list(node)
            out.append(keys.index(part) if part in keys else len(keys))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
    return (len(head) > 0, *out)
