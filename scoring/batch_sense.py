"""What a reviewer notices about a batch as a whole, not about one form: the same form submitted twice
(duplicate-submission: the same content, as a copy or as .pdf and .docx, or the same unit, project and year
twice) and a form whose year is not the batch's (year-outlier: most forms' year, or ``jixiao review --year``).

Each worker gives the keys of its forms (:func:`form_keys`, a few microseconds per form); the parent
collects them (:class:`BatchSense`, one small tuple per form) and, once every form is in, raises the
findings on each of the forms concerned.  The catalogue lists both codes (``checks/outside.py``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .findings import CATALOG, SEVERITY

if TYPE_CHECKING:
    from .engine import Result

__all__ = ["BatchFinding", "BatchSense", "form_keys", "FormKeys"]

# (content digest, (unit, project, year) or None, year or None)
FormKeys = tuple[str, tuple[str, str, int] | None, int | None]


def _norm(text: str) -> str:
    return "".join(text.split())


def _num(value: Decimal | None) -> str:
    """A number as its value, not its spelling: 99.50 (a TOML form) and 99.5 (a spreadsheet cell) are one."""
    return "" if value is None else format(value.normalize(), "f")


def form_keys(result: Result) -> FormKeys:
    """The keys the batch compares: a digest of what the form says (unit, project, year, money, rows, claims:
    the same form as .pdf and as .docx gives the same digest), who and which year it is, and its year."""
    form = result.form
    unit, project = _norm(form.unit.name), _norm(form.unit.project)
    parts = [form.kind, unit, project, str(form.year or ""), _num(result.claimed_total), form.claimed.grade.strip()]
    rows = result.funds.rows
    for name in sorted(rows):
        parts.append(name)
        parts.extend(_num(v) for v in rows[name].values())
    for r in result.indicators:
        parts += [_norm(r.name), _norm(r.target), _norm(r.actual), _num(r.weight), _num(r.claimed)]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    year = form.year or None
    identity = (unit, project, year) if unit and year else None
    return digest, identity, year


@dataclass(slots=True)
class BatchFinding:
    """A finding on one form of the batch, raised by looking at the others."""

    path: str
    code: str
    message: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, "code": self.code, "severity": self.severity, "message": self.message}


class BatchSense:
    """The keys of a batch's readable forms, in file order; :meth:`findings` once all are in."""

    def __init__(self, year: int | None = None):
        self.year = year  # the batch's year as given (--year); else most forms' year
        self.keys: list[tuple[str, FormKeys]] = []

    def add(self, keys: list[tuple[str, FormKeys]]) -> None:
        self.keys.extend(keys)

    def batch_year(self) -> int | None:
        """--year, else the commonest year among the forms (the earliest of equals), else None."""
        if self.year is not None:
            return self.year
        years = Counter(y for _, (_, _, y) in self.keys if y)
        if not years:
            return None
        best = max(years.values())
        return min(y for y, n in years.items() if n == best)

    def findings(self) -> list[BatchFinding]:
        out: list[BatchFinding] = []
        by_content: dict[str, list[str]] = {}
        by_identity: dict[tuple[str, str, int], list[str]] = {}
        for path, (content, identity, _) in self.keys:
            by_content.setdefault(content, []).append(path)
            if identity is not None:
                by_identity.setdefault(identity, []).append(path)
        copies: set[str] = set()
        for paths in by_content.values():
            if len(paths) > 1:
                for p in paths:
                    copies.add(p)
                    others = "、".join(q for q in paths if q != p)
                    out.append(BatchFinding(p, "duplicate-submission", _message("duplicate-submission", "copy", others=others)))
        for (unit, project, form_year), paths in by_identity.items():
            if len(paths) > 1 and not all(p in copies for p in paths):
                who = unit + (f"“{project}”" if project else "")
                for p in paths:
                    others = "、".join(q for q in paths if q != p)
                    out.append(BatchFinding(
                        p, "duplicate-submission", _message("duplicate-submission", "same", who=who, year=form_year, others=others)
                    ))
        year = self.batch_year()
        if year is not None:
            how = "（--year 所给）" if self.year is not None else "（多数表单的年度）"
            for path, (_, _, y) in self.keys:
                if y and y != year:
                    out.append(BatchFinding(path, "year-outlier", _message("year-outlier", "", year=y, batch=year, how=how)))
        order = {path: i for i, (path, _) in enumerate(self.keys)}
        out.sort(key=lambda f: order[f.path])
        return out


def _message(code: str, variant: str, **params: Any) -> str:
    return CATALOG[code].messages[variant].format(**params)
