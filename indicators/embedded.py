"""The form carried inside an exported workbook, so that export → import loses nothing.

The official layout (``jixiao export``) has no place for some keys: the rule
set, an indicator's ``tier``, ``method`` and ``params``, ``funds.note``, the
``adjusted`` column, ``unit.code``, the declared ``[categories]`` of levels
without rows, the sign-off fields the kind does not print.  The exporter
writes them, with the whole form, into a hidden sheet named ``jixiao``:

* row 1: a Chinese note saying what the sheet is;
* rows 2…: column A holds pieces (at most 30,000 characters each, under
  Excel's 32,767 per cell) of one JSON text
  ``{"version": 1, "digest": …, "form": {…}, "shown": {…}}``: the form (its
  decimals as ``{"$decimal": "12.5"}``, so that every type comes back), its content digest, and
  ``shown``, every value the visible sheet carries, flattened
  (``"indicators[3].target"``, ``"funds.total.annual"``,
  ``"categories.产出指标"``) as the exporter printed it.

:func:`restore` is what an importer calls with the form it recognised on the
visible sheet: when every value the sheet shows is what the embedded *form*
holds there, the embedded form is returned exactly (every key); when some
differ (the sheet was edited, or the hidden sheet was made to say something
else), the sheet wins and only the keys it has no place for are taken from
the embedded form, for rows whose 三级指标 name is unchanged; the importer
reports the difference as a problem.  The fingerprint and the ``shown``
record are public computations: they never decide on their own.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from .digest import canonical_value, form_digest
from .schema import Form

__all__ = ["SHEET", "DIFFERS", "NOTE", "CHUNK", "payload_rows", "read_payload", "flatten", "restore", "Embedded", "cells_fingerprint"]

SHEET = "jixiao"
# the start of restore's note when the hidden form and the visible sheet disagree (the importer makes it a problem)
DIFFERS = "隐藏的 jixiao 工作表中的表单与表格显示的内容不一致"
NOTE = "jixiao 导出的附加数据（规则集、定性档次、计分方法等官方表式没有位置的内容），供 jixiao import 还原表单；请勿修改。"
CHUNK = 30_000
VERSION = 1


class Embedded:
    """The form found in a workbook's ``jixiao`` sheet, and what its visible sheet showed."""

    def __init__(self, form: Form, shown: dict[str, Any], sheet: str = "", cells: str = ""):
        self.form = form
        self.shown = shown
        self.sheet = sheet  # the name of the visible form sheet
        self.cells = cells  # the fingerprint of its cells (:func:`cells_fingerprint`)


def cells_fingerprint(cells: Iterable[tuple[str, str]]) -> str:
    """SHA-256 of a sheet's (cell, text) pairs as a user sees them: "D12" and "12.50", "产出指标（50分）".

    Blank cells are left out; texts are compared without surrounding blanks and with line breaks as
    ``\\n``, so a reader that trims or re-encodes line breaks still sees the sheet as unedited."""
    lines = sorted(f"{ref}\t{_plain(text)}" for ref, text in cells if text.strip())
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _plain(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def payload_rows(form: Form, shown: dict[str, Any], sheet: str = "", cells: str = "") -> list[str]:
    """The texts of column A of the ``jixiao`` sheet, from row 2 on (``sheet``, ``cells``: the visible form
    sheet's name and :func:`cells_fingerprint`)."""
    data = {
        "version": VERSION,
        "sheet": sheet,
        "cells": cells,
        "digest": form_digest(form),
        "form": _encode(form.model_dump(mode="python")),
        "shown": canonical_value(shown),
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def _encode(value: Any) -> Any:
    """JSON that keeps the types TOML has: a Decimal is {"$decimal": "0.5"}, a date {"$date": "2024-03-15"}
    (an indicator's params are free-form: their types must come back as they were)."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return {"$" + type(value).__name__: value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


_DECODERS: dict[str, Any] = {
    "$decimal": Decimal,
    "$datetime": _dt.datetime.fromisoformat,
    "$date": _dt.date.fromisoformat,
    "$time": _dt.time.fromisoformat,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (key, text), = value.items()
            if key in _DECODERS and isinstance(text, str):
                return _DECODERS[key](text)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def read_payload(texts: list[str]) -> Embedded | None:
    """The embedded form from the pieces of column A (row 2 on); None when absent, damaged or changed."""
    try:
        data = json.loads("".join(t for t in texts if t))
        form = Form.model_validate(_decode(data["form"]))
        shown = data["shown"]
        if data.get("version") != VERSION or not isinstance(shown, dict) or form_digest(form) != data["digest"]:
            return None
    except (ValueError, KeyError, TypeError, ArithmeticError, ValidationError):
        return None
    return Embedded(form, shown, str(data.get("sheet") or ""), str(data.get("cells") or ""))


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A nested form dict as ``{"funds.total.annual": …, "indicators[1].name": …}``."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and prefix != "" and not prefix.endswith("params"):
        for i, value in enumerate(data, 1):
            out.update(flatten(value, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal as the sheet shows them: numbers by value (12.5 = 12.50), blank = None = ""."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, Decimal, str)) and isinstance(b, (int, Decimal, str)):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except (InvalidOperation, ValueError):
            pass
    return str(a) == str(b)


_LABEL_KEY = re.compile(r"^indicators\[(\d+)\]\.(category|subcategory)$")


def _carried(key: str, flat: dict[str, Any], shown: dict[str, Any]) -> bool:
    """A blank 一级/二级 cell that a reader carried down from the row above (as real forms need): not an edit."""
    m = _LABEL_KEY.match(key)
    if not m or shown.get(key) not in (None, "") or m.group(1) == "1":
        return False
    above = f"indicators[{int(m.group(1)) - 1}].{m.group(2)}"
    return _same(flat.get(key), flat.get(above))


def _edited(recognised: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """The shown keys whose value the recognised form does not have (the sheet was edited there)."""
    try:  # with the defaults filled in (a recogniser leaves out unit = "万元")
        flat = flatten(Form.model_validate(recognised).model_dump(mode="python"))
    except ValidationError:
        flat = flatten(recognised)
    edited = [key for key, value in shown.items() if not _same(flat.get(key), value) and not _carried(key, flat, shown)]
    n_rows = len(recognised.get("indicators") or [])
    if n_rows != sum(1 for k in shown if k.startswith("indicators[") and k.endswith("].name")):
        edited.append("indicators")
    return edited


_ROW_EXTRAS = ("tier", "method", "params")


def restore(
    recognised: dict[str, Any], embedded: Embedded, cells: Iterable[tuple[str, str]] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The form to import: ``recognised`` (format-1 data read from the visible sheet) completed from
    the embedded form.  ``cells``: the (cell, text) pairs of that sheet as read, when known: the same
    fingerprint as at export means nothing was edited, whatever the recogniser made of the cells.
    Returns the data and what was done, in Chinese."""
    original = embedded.form.model_dump(mode="python", exclude_defaults=True)
    # The hidden sheet never decides a value the visible sheet shows.  Its ``shown`` record and the
    # cells' fingerprint are public computations anyone can redo, so neither proves the hidden form
    # is the one on the sheet: each shown key is compared with what the hidden *form* holds there
    # (the shown record only for keys the form does not hold: sums, declared 一级 weights).
    truth = flatten(embedded.form.model_dump(mode="python"))
    expected = {k: (truth[k] if truth.get(k) not in (None, "") else v) for k, v in embedded.shown.items()}
    edited = _edited(recognised, expected)
    if not edited:
        return original, ["表格内容与导出时一致：按导出时保存的表单完整还原（含规则集、定性档次、计分方法等）。"]
    data = {**recognised}
    notes = [f"{DIFFERS}（{'、'.join(edited[:5])}{' 等' if len(edited) > 5 else ''}）：以表格为准评分，"
             "只补回官方表式没有位置的内容。若表格是在导出后修改的，请用 jixiao 重新导出后再提交。"]
    form = embedded.form
    if "rules" in original and "rules" not in data:
        data["rules"] = form.rules
    unit = dict(data.get("unit") or {})
    if form.unit.code and not unit.get("code"):
        unit["code"] = form.unit.code
    if unit:
        data["unit"] = unit
    funds = dict(data.get("funds") or {})
    if form.funds.note and not funds.get("note"):
        funds["note"] = form.funds.note
    for key in ("total", "appropriation", "carryover", "other"):
        row = getattr(form.funds, key)
        if row is not None and row.adjusted is not None and isinstance(funds.get(key), dict):
            funds[key] = {**funds[key], "adjusted": row.adjusted}
    if funds:
        data["funds"] = funds
    rows = [dict(r) for r in data.get("indicators") or []]
    for i, row in enumerate(rows):
        if i < len(form.indicators) and form.indicators[i].name == row.get("name"):
            old = form.indicators[i]
            for key in _ROW_EXTRAS:
                value = getattr(old, key)
                if value not in ("", "auto", {}) and key not in row:
                    row[key] = value
    if rows:
        data["indicators"] = rows
    return data, notes
