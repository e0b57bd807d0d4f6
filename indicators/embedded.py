"""The form carried inside an exported workbook, so that export → import loses nothing.

The official layout (``jixiao export``) has no place for some keys: the rule
set, an indicator's ``tier``, ``method`` and ``params``, ``funds.note``, the
``adjusted`` column, ``unit.code``, the declared ``[categories]`` of levels
without rows, the sign-off fields the kind does not print.  The exporter
writes them, with the whole form, into a hidden sheet named ``jixiao``:

* row 1: a Chinese note saying what the sheet is;
* rows 2…: column A holds pieces (at most 30,000 characters each, under
  Excel's 32,767 per cell) of one JSON text
  ``{"version": 1, "digest": …, "form": {…}, "shown": {…}}``: the form as
  :func:`indicators.digest.canonical_value` writes it, its content digest, and
  ``shown``, every value the visible sheet carries, flattened
  (``"indicators[3].target"``, ``"funds.total.annual"``,
  ``"categories.产出指标"``) as the exporter printed it.

:func:`restore` is what an importer calls with the form it recognised on the
visible sheet: when every shown value is still what the sheet says, the sheet
was not edited and the embedded form is returned exactly (every key); when
some were edited, the sheet wins and only the keys it has no place for are
taken from the embedded form, for rows whose 三级指标 name is unchanged.
The embedded form is used only when its digest matches its content.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from .digest import canonical_value, form_digest
from .schema import Form

__all__ = ["SHEET", "NOTE", "CHUNK", "payload_rows", "read_payload", "flatten", "restore", "Embedded"]

SHEET = "jixiao"
NOTE = "jixiao 导出的附加数据（规则集、定性档次、计分方法等官方表式没有位置的内容），供 jixiao import 还原表单；请勿修改。"
CHUNK = 30_000
VERSION = 1


class Embedded:
    """The form found in a workbook's ``jixiao`` sheet, and what its visible sheet showed."""

    def __init__(self, form: Form, shown: dict[str, Any]):
        self.form = form
        self.shown = shown


def payload_rows(form: Form, shown: dict[str, Any]) -> list[str]:
    """The texts of column A of the ``jixiao`` sheet, from row 2 on."""
    data = {
        "version": VERSION,
        "digest": form_digest(form),
        "form": canonical_value(form.model_dump(mode="python")),
        "shown": canonical_value(shown),
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def read_payload(texts: list[str]) -> Embedded | None:
    """The embedded form from the pieces of column A (row 2 on); None when absent, damaged or changed."""
    try:
        data = json.loads("".join(t for t in texts if t))
        form = Form.model_validate(data["form"])
        shown = data["shown"]
        if data.get("version") != VERSION or not isinstance(shown, dict) or form_digest(form) != data["digest"]:
            return None
    except (ValueError, KeyError, TypeError, ValidationError):
        return None
    return Embedded(form, shown)


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


def _edited(recognised: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """The shown keys whose value the recognised form does not have (the sheet was edited there)."""
    flat = flatten(recognised)
    edited = [key for key, value in shown.items() if not _same(flat.get(key), value)]
    n_rows = len(recognised.get("indicators") or [])
    if n_rows != sum(1 for k in shown if k.startswith("indicators[") and k.endswith("].name")):
        edited.append("indicators")
    return edited


_ROW_EXTRAS = ("tier", "method", "params")


def restore(recognised: dict[str, Any], embedded: Embedded) -> tuple[dict[str, Any], list[str]]:
    """The form to import: ``recognised`` (format-1 data read from the visible sheet) completed from
    the embedded form.  Returns the data and what was done, in Chinese."""
    original = embedded.form.model_dump(mode="python", exclude_defaults=True)
    edited = _edited(recognised, embedded.shown)
    if not edited:
        return original, ["表格内容与导出时一致：按导出时保存的表单完整还原（含规则集、定性档次、计分方法等）。"]
    data = {**recognised}
    notes = [f"表格在导出后被修改过（{'、'.join(edited[:5])}{' 等' if len(edited) > 5 else ''}）：以表格为准，"
             "只补回官方表式没有位置的内容。"]
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
