"""The tamper-evidence digest of a form: SHA-256 of its canonical content.

The canonical content is the *validated* form (:class:`indicators.schema.Form`)
as JSON:

* every field of the model, defaults included (so ``note = ""`` written out or
  left away gives the same digest), keys sorted;
* decimals as plain strings, normalised (``12.5``, ``12.50`` and ``"12.5"``
  are the same value: ``"12.5"``);
* text exactly as entered (a changed character, space or line break in a
  name, target, note or sign-off field changes the digest);
* UTF-8, ``ensure_ascii=False``, no insignificant whitespace, prefixed with
  the version tag ``jixiao-form-v1``;
* keys that came after the first digests were printed only when they differ
  from their default: ``funds.unit`` (万元), ``funds.rows`` and ``funds.lines`` (none), and an
  indicator's ``standard`` ("") and ``applicable`` (true). A form that does not
  write them (or writes their defaults) keeps the digest it had;
  ``unit = "元"``, a named fund row, a 评价标准 or a 不适用 row changes it.

Comments, blank lines, key order and the spelling of numbers in the TOML do
not change it; any value does.  The rule set is not part of it (the PDF names
the rule set and its own SHA-256 separately).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from .schema import DEFAULT_MONEY_UNIT, Form

__all__ = ["VERSION", "canonical_value", "canonical_json", "form_digest", "short_digest", "SHORT_LEN", "normalize_digest"]

VERSION = "jixiao-form-v1"
SHORT_LEN = 16


def canonical_value(value: Any) -> Any:
    """Decimals as normalised plain strings, recursively (for hashing as JSON)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, dict):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical_value(v) for v in value]
    return value


def canonical_json(form: Form) -> str:
    """The canonical JSON text that the digest is computed over."""
    data = canonical_value(form.model_dump(mode="python"))
    # Keys added after the first digests were printed count only when they differ from their default,
    # so that a form that does not use them keeps the digest it had (see the module docstring).
    if data["funds"].get("unit") == DEFAULT_MONEY_UNIT:
        del data["funds"]["unit"]
    if data["funds"].get("rows") == []:
        del data["funds"]["rows"]
    if data["funds"].get("lines") == []:  # funds lines with their own points (issue 20)
        del data["funds"]["lines"]
    if data.get("targets") is None:  # [targets] came later too: a form without it keeps its digest
        data.pop("targets", None)
    for row in data.get("indicators", []):
        if row.get("standard") == "":
            del row["standard"]
        if row.get("applicable") is True:
            del row["applicable"]
    # default=str: a TOML date or time inside an indicator's params
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def form_digest(form: Form) -> str:
    """The full SHA-256 (64 lowercase hex digits) of the form's canonical content."""
    payload = (VERSION + "\n" + canonical_json(form)).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def short_digest(digest: str) -> str:
    """The short form printed on every page (first 16 hex digits)."""
    return digest[:SHORT_LEN]


def normalize_digest(text: str) -> str | None:
    """A digest as typed by a person (spaces, dashes, upper case, an optional
    ``sha256:`` prefix) as lowercase hex, or None when it is not one.  At
    least the 16 printed digits are required."""
    t = text.strip().lower()
    for prefix in ("jixiao:sha256:", "sha256:", "sha256="):
        if t.startswith(prefix):
            t = t[len(prefix) :]
    t = t.replace(" ", "").replace("-", "").replace("　", "")
    if len(t) < SHORT_LEN or len(t) > 64 or any(c not in "0123456789abcdef" for c in t):
        return None
    return t
