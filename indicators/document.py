"""The editable form document: what ``jixiao edit`` reads, changes and saves.

A :class:`FormDocument` holds one form file twice:

* ``toml``: a tomlkit document, so that saving writes format 1 back with the
  user's comments, blank lines and key order intact;
* ``data``: the same content as plain Python (Decimal for TOML floats, as
  ``tomli.loads(..., parse_float=Decimal)`` gives), validated into a
  :class:`~indicators.schema.Form` after every edit.

Every edit goes through one method that changes both, so they never
disagree (a test checks ``tomli.loads(doc.dumps()) == doc.data``).

Saving never loses anything: the file is written atomically with the
previous version kept as ``FILE~``; a file changed on disk since it was
opened is not overwritten unless the caller says so; a file that did not
load (broken TOML, schema errors) is never written at all, and the text
that is about to be written is checked to load before it is written.

This module knows nothing about Textual.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import tomli
import tomlkit
from tomlkit.items import AoT, Item, Null, Table, Whitespace

from . import template_text as _bundled_template
from .atomic import atomic_write_text
from .encodings import EncodingNotice
from .loader import (
    _SECTIONS,
    FormError,
    Problem,
    decode_form_bytes,
    parse_toml_text,
    read_bytes,
    read_toml,
    validate_model,
)
from .schema import FUNDS_COLUMNS, FUNDS_ROWS, Form
from .toml_layout import (
    _blank_run,
    _cell_width,
    _container,
    _insert_key,
    _put_tail,
    _tail_container,
    _tail_start,
    _take_tail,
)
from .values import parse_date

__all__ = [
    "FormDocument",
    "EditError",
    "SaveRefused",
    "ChangedOnDisk",
    "Fingerprint",
    "field_kind",
    "parse_decimal",
    "template_text",
    "NEW_INDICATOR_NAME",
]

Loc = tuple[Any, ...]
NEW_INDICATOR_NAME = "新指标"


class EditError(ValueError):
    """An edit that cannot be applied; ``str()`` is a Chinese message for the user."""


class SaveRefused(Exception):
    """Saving is not allowed (the file did not load, or the result would not load)."""


class ChangedOnDisk(Exception):
    """The file changed on disk since it was opened or last saved."""


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes | None = None) -> Fingerprint:
        st = path.stat()
        if data is None:
            data = read_bytes(path)  # a regular file only: a named pipe put in its place would block
        return cls(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def template_text(kind: str) -> str:
    if kind not in ("department", "project"):
        raise EditError(f"表单类型只能是 department（部门整体支出）或 project（项目支出），现在是 “{kind}”。")
    return _bundled_template(kind)


# ------------------------------------------------------------------ values


def parse_decimal(text: str) -> Decimal | None:
    """User input to a Decimal; blank is None.  Raises EditError in Chinese."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("，", "").replace(" ", "")
    if cleaned == "":
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise EditError(f"“{text.strip()}” 不是数字。请填写数字，例如 12.5。") from None
    if not value.is_finite():
        raise EditError(f"“{text.strip()}” 不是数字。请填写数字，例如 12.5。")
    if value != 0 and not -12 <= value.adjusted() <= 12:
        raise EditError(f"“{text.strip()}” 超出可填写的范围。请检查数字和金额单位（万元或元）。")
    return value


def _number_literal(value: Decimal) -> str:
    text = format(value, "f")
    if text.startswith("-") and value == 0:
        text = text[1:]
    return text


def _number_item(value: Decimal) -> tuple[Item, Any]:
    """A tomlkit number item whose text is the Decimal's text, and its plain value."""
    text = _number_literal(value)
    item = tomlkit.parse("x = " + text)["x"]
    plain: Any = int(text) if re.fullmatch(r"-?\d+", text) else Decimal(text)
    return item, plain


def _string_item(text: str) -> Item:
    """A TOML string; multi-line text becomes a multi-line string when that round-trips."""
    if "\n" in text:
        item = tomlkit.string(text, multiline=True)
        doc = tomlkit.document()
        doc["x"] = item
        try:
            if tomli.loads(tomlkit.dumps(doc))["x"] == text:
                return item
        except tomli.TOMLDecodeError:
            pass
    return tomlkit.string(text)



# ------------------------------------------------------------------ field kinds

_TEXT_KEYS = {
    ("unit",): {"name", "code", "project", "supervisor", "implementer"},
    ("goal",): {"expected", "achieved"},
    ("signoff",): {"filled_by", "phone", "head", "finance_head", "date"},
    ("claimed",): {"grade"},
    ("funds",): {"note"},
}
_INDICATOR_TEXT = {"category", "subcategory", "name", "target", "actual", "note", "tier"}


def field_kind(loc: Loc) -> str:
    """What a location holds: 'text', 'decimal' (required), 'optdecimal', 'year', 'rules'; EditError if not editable."""
    if loc == ("year",):
        return "year"
    if loc == ("rules",):
        return "rules"
    if len(loc) == 2 and loc[0] == "categories":
        return "decimal"
    if len(loc) == 3 and loc[0] == "indicators" and isinstance(loc[1], int):
        key = loc[2]
        if key in _INDICATOR_TEXT:
            return "text"
        if key == "weight":
            return "decimal"
        if key == "claimed":
            return "optdecimal"
    if len(loc) == 2 and loc[1] in _TEXT_KEYS.get(loc[:1], ()):
        return "text"
    if loc == ("funds", "weight"):
        return "decimal"
    if loc in (("funds", "claimed"), ("claimed", "total")):
        return "optdecimal"
    if len(loc) == 3 and loc[0] == "funds" and loc[1] in FUNDS_ROWS and loc[2] in FUNDS_COLUMNS + ("adjusted",):
        return "optdecimal"
    raise EditError(f"不能编辑 {'.'.join(str(x) for x in loc)}。")



# ------------------------------------------------------------------ document


class FormDocument:
    """One form file, open for editing."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.text: str = ""  # the text as last read from or written to disk
        self.toml: tomlkit.TOMLDocument | None = None
        self.data: dict[str, Any] | None = None
        self.form: Form | None = None
        self.problems: list[Problem] = []
        self.fingerprint: Fingerprint | None = None
        self.encoding = ""  # "GB18030" when the file was read as GBK/GB18030 (saving writes UTF-8)
        self.dirty = False
        self.is_new = False
        self._nl = "\n"  # the file's line ending, for the lines this document adds

    # -------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | Path) -> FormDocument:
        """Open a file; never raises for bad input: problems are in ``.problems``."""
        doc = cls(path)
        doc._load_from_disk()
        return doc

    @classmethod
    def new(cls, path: str | Path, kind: str) -> FormDocument:
        """A new, unsaved document from the bundled template of ``kind``."""
        doc = cls(path)
        doc.is_new = True
        doc._load_text(template_text(kind))
        doc.text = ""
        doc.dirty = True
        return doc

    def reload(self) -> None:
        """Discard every change and read the file again."""
        self.__init__(self.path)  # type: ignore[misc]
        self._load_from_disk()

    def _load_from_disk(self) -> None:
        source = str(self.path)
        try:
            with warnings.catch_warnings():  # the encoding is kept here (self.encoding), for the editor to say
                warnings.simplefilter("ignore", EncodingNotice)
                read_toml(self.path)  # size, folder, encoding and syntax checks with Chinese messages
            raw = read_bytes(self.path)  # a regular file only: a named pipe would block here
            self.fingerprint = Fingerprint.of(self.path, raw)
            text, self.encoding = decode_form_bytes(raw, source)
        except FormError as exc:
            self.problems = list(exc.problems)
            try:  # not of a pipe or a device: reading one never ends
                self.fingerprint = Fingerprint.of(self.path) if self.path.is_file() else None
            except (OSError, FormError):
                self.fingerprint = None
            return
        except OSError as exc:
            self.problems = [Problem(source, "", None, f"无法读取文件：{exc.strerror or exc}")]
            return
        self.text = text
        self._load_text(text)

    def _load_text(self, text: str) -> None:
        source = str(self.path)
        try:
            data = parse_toml_text(text, source)
            form = validate_model(Form, data, text, source, _SECTIONS)
        except FormError as exc:
            self.problems = list(exc.problems)
            return
        try:
            toml = tomlkit.parse(text)
        except Exception as exc:  # tomlkit disagrees with tomli: refuse to edit rather than lose text
            self.problems = [Problem(source, "", None, f"无法在保留注释的前提下编辑此文件（{exc}）。请用文本编辑器修改。")]
            return
        self.toml, self.data, self.form = toml, data, form
        self._nl = "\r\n" if "\r\n" in text else "\n"

    @property
    def editable(self) -> bool:
        return not self.problems and self.form is not None

    # -------------------------------------------------------------- reading

    def get(self, loc: Loc) -> Any:
        node: Any = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def get_text(self, loc: Loc) -> str:
        """The value at ``loc`` as the user would type it ('' when absent)."""
        value = self.get(loc)
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return _number_literal(value)
        return str(value)

    @property
    def indicator_count(self) -> int:
        return len(self.data.get("indicators", [])) if self.data else 0

    # -------------------------------------------------------------- editing

    def _require_editable(self) -> tuple[tomlkit.TOMLDocument, dict[str, Any]]:
        if not self.editable or self.toml is None or self.data is None:
            raise EditError("表单未能读取，不能编辑。请先用文本编辑器改正所列问题，再重新载入。")
        return self.toml, self.data

    def set_text(self, loc: Loc, text: str) -> bool:
        """Set the field at ``loc`` from what the user typed.  Returns False when nothing changed.

        Raises :class:`EditError` (Chinese message) when the text is not a valid value
        for that field; the document is then unchanged.
        """
        self._require_editable()
        item, plain = self._coerce(loc, text)
        if item is None:
            return self._delete(loc)
        return self._set(loc, item, plain)

    def preview(self, loc: Loc, text: str) -> Form:
        """The form as it would be with ``text`` at ``loc``; the document is not changed.

        Used to re-score while the user is still typing.  Raises :class:`EditError`.
        """
        _, data = self._require_editable()
        item, plain = self._coerce(loc, text)
        root: dict[str, Any] = dict(data)
        node: Any = root
        for part in loc[:-1]:  # copy only the path that changes
            if isinstance(node, list):
                child = node[part]
            else:
                child = node.get(part, {})
            child = list(child) if isinstance(child, list) else dict(child)
            node[part] = child
            node = child
        if item is None:
            node.pop(loc[-1], None)
        else:
            node[loc[-1]] = plain
        try:
            return validate_model(Form, root, "", str(self.path), _SECTIONS)
        except FormError as exc:
            raise EditError("；".join(p.message for p in exc.problems)) from None

    def _coerce(self, loc: Loc, text: str) -> tuple[Item | None, Any]:
        """(tomlkit item, plain value) for what the user typed; (None, None) means remove the key."""
        kind = field_kind(loc)
        if kind in ("decimal", "optdecimal"):
            value = parse_decimal(text)
            if value is None and kind == "decimal":
                raise EditError("分值不能为空。请填写数字，例如 12.5。")
            if value is not None and value < 0 and loc[-1] in ("weight",) + FUNDS_COLUMNS:
                raise EditError(f"“{text.strip()}” 为负数。分值和金额不能为负。")
            if value is None:
                return None, None
            return _number_item(value)
        if kind == "year":
            cleaned = unicodedata.normalize("NFKC", text).strip()
            if not re.fullmatch(r"\d{4}", cleaned) or not 1990 <= int(cleaned) <= 2100:
                raise EditError(f"“{text.strip()}” 不是有效的年度。请填写四位年份，例如 2021。")
            return tomlkit.integer(int(cleaned)), int(cleaned)
        if kind == "rules":
            cleaned = text.strip()
            if not cleaned:
                raise EditError("规则集不能为空。可用 jixiao rules list 查看可用的规则集。")
            return tomlkit.string(cleaned), cleaned
        if loc == ("signoff", "date"):  # 填报日期: only a date (values.parse_date), kept as 2022-08-01
            try:
                day = parse_date(text)
            except ValueError as exc:
                raise EditError(str(exc)) from None
            cleaned = "" if day is None else day.isoformat()
            return _string_item(cleaned), cleaned
        if loc[0] == "indicators" and loc[2] in ("category", "name") and not text.strip():
            raise EditError("一级指标和三级指标名称不能为空。" if loc[2] == "category" else "三级指标名称不能为空。")
        return _string_item(text), text

    def _parent(self, loc: Loc, create: bool) -> tuple[Any, dict[str, Any] | None]:
        """The tomlkit container and plain dict that hold ``loc[-1]``."""
        toml, data = self._require_editable()
        t_node: Any = toml
        d_node: Any = data
        for part in loc[:-1]:
            if isinstance(part, int):
                t_node, d_node = t_node[part], d_node[part]
                continue
            if part not in d_node:
                if not create:
                    return None, None
                table = tomlkit.table()
                table.trivia.trail = self._nl
                t_node[part] = table
                d_node[part] = {}
                self._lay_out_new_table(t_node, t_node[part])
            t_node, d_node = t_node[part], d_node[part]
        return t_node, d_node

    def _lay_out_new_table(self, parent: Any, table: Any) -> None:
        """A table this document created ends with the blank lines that are above it."""
        container = _container(parent)
        if container is None or not isinstance(table, Table):
            return
        body = container.body
        index = next((i for i, (_, it) in enumerate(body) if it is table), None)
        if index is None:
            return
        before = [(k, it) for k, it in body[:index] if not isinstance(it, Null)]
        if before and isinstance(before[-1][1], Table):
            above = _tail_container(before[-1][1]).body
            tail = _blank_run(above[_tail_start(above) :])
        else:
            tail = _blank_run(before[_tail_start(before) :])
        _put_tail(table, tail)

    def _set(self, loc: Loc, item: Item, plain: Any) -> bool:
        key = loc[-1]
        current = self.get(loc)
        if type(current) is type(plain) and (str(current) == str(plain) if isinstance(plain, Decimal) else current == plain):
            return False  # same value written the same way (12.5 -> 12.50 is a change of text)
        t_parent, d_parent = self._parent(loc, create=True)
        assert d_parent is not None
        undo = self._undo_key(d_parent, key)
        d_parent[key] = plain
        self._validate_or_undo(undo)
        old = t_parent.item(key) if key in t_parent else None
        old_width = _cell_width(old.as_string()) if old is not None else 0
        if old is not None or not _insert_key(t_parent, key, item, self._nl):
            t_parent[key] = item
        new = t_parent.item(key)
        if old is not None and old.trivia.comment:
            # keep the comment in its column when the value's width changes
            ws = old.trivia.comment_ws
            diff = _cell_width(new.as_string()) - old_width
            new.trivia.comment_ws = " " * max(1, len(ws) - diff) if diff > 0 else ws + " " * (-diff)
        self.dirty = True
        return True

    def _delete(self, loc: Loc) -> bool:
        key = loc[-1]
        t_parent, d_parent = self._parent(loc, create=False)
        if d_parent is None or key not in d_parent:
            return False
        undo = self._undo_key(d_parent, key)
        del d_parent[key]
        self._validate_or_undo(undo)
        del t_parent[key]
        self.dirty = True
        return True

    @staticmethod
    def _undo_key(parent: dict[str, Any], key: str) -> Callable[[], None]:
        """A function that puts ``parent[key]`` back as it is now."""
        if key in parent:
            old = parent[key]

            def restore() -> None:
                parent[key] = old

        else:

            def restore() -> None:
                parent.pop(key, None)

        return restore

    def _undo_rows(self, rows: list[Any]) -> Callable[[], None]:
        before = list(rows)

        def restore() -> None:
            rows[:] = before

        return restore

    def _validate_or_undo(self, undo: Callable[[], None]) -> None:
        """Validate the plain data; on failure undo the change to it and raise EditError."""
        assert self.data is not None
        try:
            self.form = validate_model(Form, self.data, "", str(self.path), _SECTIONS)
        except FormError as exc:
            undo()
            raise EditError("；".join(p.message for p in exc.problems)) from None

    # -------------------------------------------------------------- indicators

    def _aot(self) -> AoT:
        toml, data = self._require_editable()
        if "indicators" not in data:
            toml.append("indicators", tomlkit.aot())
            data["indicators"] = []
        return toml["indicators"]

    def add_indicator(self, after: int | None = None) -> int:
        """Insert a new indicator after row ``after`` (at the end when None), in the same
        category and subcategory; returns its index."""
        aot = self._aot()
        assert self.data is not None
        rows = self.data["indicators"]
        index = len(rows) if after is None else max(0, min(after + 1, len(rows)))
        near = rows[index - 1] if index > 0 else (rows[0] if rows else {})
        plain: dict[str, Any] = {
            "category": near.get("category", "产出指标"),
            "subcategory": near.get("subcategory", ""),
            "name": NEW_INDICATOR_NAME,
            "target": "",
            "actual": "",
            "weight": 0,
            "note": "",
        }
        table = tomlkit.table()
        table.trivia.trail = self._nl
        for k, v in plain.items():
            table[k] = v
            cast(Item, table.item(k)).trivia.trail = self._nl
        undo = self._undo_rows(rows)
        rows.insert(index, plain)
        self._validate_or_undo(undo)
        tables = list(aot.body)
        if index < len(tables):  # in the middle: separated from the next one as the others are
            _put_tail(table, self._separator(tables, index))
        elif tables:  # at the end: the new last table takes over the end of the array
            separator = self._separator(tables, index)
            _put_tail(table, _take_tail(tables[-1]))
            _put_tail(tables[-1], separator)
        aot.insert(index, table)
        self.dirty = True
        return index

    def _separator(self, tables: list[Table], index: int) -> list[tuple[Any, Item]]:
        """Blank lines as between the indicators around ``index`` (one blank line if there is no example)."""
        between = tables[:-1]  # the last table's tail is the end of the array, not a separator
        if not between:
            return [(None, Whitespace(self._nl))]
        near = between[min(max(index - 1, 0), len(between) - 1)]
        body = _tail_container(near).body
        return _blank_run(body[_tail_start(body) :])

    def remove_indicator(self, index: int) -> None:
        aot = self._aot()
        assert self.data is not None
        rows = self.data["indicators"]
        if not 0 <= index < len(rows):
            raise EditError("没有选中指标。")
        undo = self._undo_rows(rows)
        del rows[index]
        self._validate_or_undo(undo)
        tables = list(aot.body)
        if index == len(tables) - 1 and index > 0:  # the last one: the one before takes over the end of the array
            end = _take_tail(tables[index])
            _take_tail(tables[index - 1])
            _put_tail(tables[index - 1], end)
        del aot[index]
        self.dirty = True

    def move_indicator(self, index: int, delta: int) -> int:
        """Move an indicator up (-1) or down (+1); returns its new index.

        Only the indicators' own lines move: the blank lines and comments between
        them stay where they are.
        """
        aot = self._aot()
        assert self.data is not None
        rows = self.data["indicators"]
        target = index + delta
        if not 0 <= index < len(rows) or not 0 <= target < len(rows):
            return index
        undo = self._undo_rows(rows)
        rows.insert(target, rows.pop(index))
        self._validate_or_undo(undo)
        tails = [_take_tail(t) for t in aot.body]
        table = aot.pop(index)
        aot.insert(target, table)
        for t, tail in zip(aot.body, tails):
            _put_tail(t, tail)
        self.dirty = True
        return target

    # -------------------------------------------------------------- saving

    def dumps(self) -> str:
        toml, _ = self._require_editable()
        return tomlkit.dumps(toml)

    def changed_on_disk(self) -> bool:
        """True when the file on disk is not the one we opened or last saved.

        Always compares the SHA-256 of the bytes on disk with that of the bytes
        loaded (or written): an outside edit of the same size whose time was set
        back (``touch -r``, ``os.utime``) is still a change.
        """
        if self.fingerprint is None:
            return self.path.exists()
        try:  # a regular file only: a named pipe put in its place would block Ctrl+S for ever
            digest = hashlib.sha256(read_bytes(self.path)).hexdigest()
        except (OSError, FormError):
            return True
        return digest != self.fingerprint.sha256

    def save(self, *, force: bool = False) -> None:
        """Write the document back atomically, keeping the previous file as ``FILE~``.

        Raises :class:`SaveRefused` when the file did not load or the text would not
        load back, :class:`ChangedOnDisk` when the file changed since it was opened
        (unless ``force``), and ``OSError`` when the disk refuses.
        """
        if not self.editable:
            raise SaveRefused("表单未能读取，不会保存，以免覆盖原文件。请用文本编辑器改正所列问题后重新载入。")
        text = self.dumps()
        try:
            data = parse_toml_text(text, str(self.path))
            validate_model(Form, data, text, str(self.path), _SECTIONS)
        except FormError as exc:  # pragma: no cover - a bug in this module, not in the user's input
            raise SaveRefused("保存内容校验失败，未写入：" + "；".join(p.message for p in exc.problems)) from None
        if not force and self.changed_on_disk():
            raise ChangedOnDisk(str(self.path))
        atomic_write_text(self.path, text, backup=True)
        self.text = text
        self.fingerprint = Fingerprint.of(self.path, text.encode("utf-8"))
        self.dirty = False
        self.is_new = False
