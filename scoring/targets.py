"""A self-evaluation form checked against its approved 绩效目标表: a pure function.

:func:`compare` matches the form's indicators to the approved ones by their
normalised 三级指标 names (NFKC, whitespace removed): first by 一级/二级/三级
together, then by the name alone, each in order.  Then:

- ``target-changed`` (error): a matched row whose 年度指标值 or 分值 differs
  from the approved one.  Targets are compared by meaning where both parse
  (``≥95%`` and ``大于等于95%`` are the same target; ``95%`` and ``95.0%``
  too), else as normalised text.  Any change is an error: the form must be
  scored against the approved target; the message says when the change
  lowered what is required (a lower ≥ number, a higher ≤ number, a later
  deadline).  A change confirmed in ``jixiao edit`` (``[[targets.changes]]``)
  is still an error, and its message says it was confirmed.
- ``indicator-added`` (warning): a form row with no approved row.
- ``indicator-dropped`` (error): an approved row with no form row.
- ``targets-mismatch`` (warning): the definitions are another unit's,
  project's or year's.

The definitions come from a file the user names (``jixiao score F --targets
T``) or from a reviewer's folder (:class:`TargetsIndex`,
``jixiao review --targets-dir``), never from the form's own ``[targets] file``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.indicators.schema import FUNDS_ROW_NAMES, Form
from jixiao.indicators.targets import Targets, match_key, norm_name
from jixiao.indicators.values import Deadline, Quantity, parse_value

from .findings import Finding, raise_finding
from .vocabulary import fmt

__all__ = ["add_to_result", "compare", "pair_rows", "same_target", "lowered", "TargetsIndex", "load_index", "EXAMPLES", "describe_form"]


def _num(value: Decimal) -> str:
    text = fmt(value)
    return text.removesuffix(".00") if text.endswith(".00") else text


def _path(category: str, subcategory: str) -> str:
    return "/".join(p for p in (category.strip(), subcategory.strip()) if p) or "未分类"


def _meaning(text: str) -> Any:
    value = parse_value(text)
    if isinstance(value, Quantity):
        return ("q", value.op, value.value.normalize(), value.unit)
    if isinstance(value, Deadline):
        return ("d", value.year, value.month, value.day, value.before)
    return ("t", norm_name(text))


def same_target(approved: str, given: str) -> bool:
    """Whether two 年度指标值 say the same (by meaning where both parse, else as normalised text)."""
    if norm_name(approved) == norm_name(given):
        return True
    return bool(_meaning(approved) == _meaning(given))


def lowered(approved: str, given: str) -> bool | None:
    """True when ``given`` asks less than ``approved`` (False when more; None when not comparable)."""
    a, b = parse_value(approved), parse_value(given)
    if isinstance(a, Quantity) and isinstance(b, Quantity) and a.unit == b.unit and a.value != b.value:
        higher = {"ge", "gt", "eq", None}
        if a.op in higher and b.op in higher:
            return b.value < a.value
        if a.op in ("le", "lt") and b.op in ("le", "lt"):
            return b.value > a.value
        return None
    if isinstance(a, Deadline) and isinstance(b, Deadline) and (a.year is None) == (b.year is None):
        ka = (a.year or 0, a.month, a.day or 32)
        kb = (b.year or 0, b.month, b.day or 32)
        return kb > ka if ka != kb else None
    return None


def _pair(approved: list[tuple[int, Any]], rows: list[tuple[int, Any]]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(approved index, form index) pairs; approved rows left over; form rows left over."""
    free = {j for j, _ in rows}
    by_full: dict[tuple[str, str, str], list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for j, row in rows:
        by_full.setdefault((norm_name(row.category), norm_name(row.subcategory), norm_name(row.name)), []).append(j)
        by_name.setdefault(norm_name(row.name), []).append(j)
    pairs: list[tuple[int, int]] = []
    left: list[tuple[int, Any]] = []
    for i, ind in approved:
        full = (norm_name(ind.category), norm_name(ind.subcategory), norm_name(ind.name))
        found = next((j for j in by_full.get(full, []) if j in free), None)
        if found is None:
            left.append((i, ind))
        else:
            free.discard(found)
            pairs.append((i, found))
    dropped: list[int] = []
    for i, ind in left:
        found = next((j for j in by_name.get(norm_name(ind.name), []) if j in free), None)
        if found is None:
            dropped.append(i)
        else:
            free.discard(found)
            pairs.append((i, found))
    return sorted(pairs, key=lambda p: p[1]), dropped, sorted(free)


_ROW_NAMES = FUNDS_ROW_NAMES


def _funds(form: Form, targets: Targets) -> list[Finding]:
    """The approved funds: the execution weight and each row's 年初预算数 (when both files give it, in the same unit)."""
    out = []
    if form.funds.weight != targets.funds.weight:
        out.append(
            raise_finding(
                "target-changed", "funds.weight", ("funds", "weight"), "funds-weight",
                approved=_num(targets.funds.weight), value=_num(form.funds.weight),
            )
        )  # fmt: skip
    if form.funds.unit != targets.funds.unit:
        return out  # amounts in different units are not compared (never converted)
    for row, label in _ROW_NAMES.items():
        want, got = getattr(targets.funds, row), getattr(form.funds, row)
        if want is None or got is None or want.initial is None or got.initial is None or want.initial == got.initial:
            continue
        out.append(
            raise_finding(
                "target-changed", f"funds.{row}", ("funds", row, "initial"), "funds-initial",
                row=label, approved=_num(want.initial), value=_num(got.initial), unit=form.funds.unit,
            )
        )  # fmt: skip
    return out


def pair_rows(form: Form, targets: Targets) -> dict[int, int]:
    """Form row index -> approved row index, as :func:`compare` matches them."""
    pairs, _dropped, _added = _pair(list(enumerate(targets.indicators)), list(enumerate(form.indicators)))
    return {j: i for i, j in pairs}


def describe_form(unit: str, project: str, year: int | None) -> str:
    """“2024 年度 某单位 · 某项目”, for messages."""
    who = unit + (f" · {project}" if project else "")
    return f"{year} 年度 {who}" if year else who


def compare(form: Form, targets: Targets) -> list[Finding]:
    """The findings of ``form`` against the approved ``targets`` (no line numbers: see engine.attach_lines)."""
    out: list[Finding] = []
    if match_key(form.unit.name, form.unit.project, form.year) != match_key(
        targets.unit.name, targets.unit.project, targets.year
    ) and (form.year or 0, targets.year or 0) != (0, 0):
        out.append(
            raise_finding(
                "targets-mismatch",
                "unit",
                ("unit", "name"),
                targets=describe_form(targets.unit.name, targets.unit.project, targets.year),
                form=describe_form(form.unit.name, form.unit.project, form.year),
            )
        )
    out += _funds(form, targets)
    confirmed = {
        (norm_name(c.indicator), c.key, norm_name(c.value)) for c in (form.targets.changes if form.targets else [])
    }
    approved = list(enumerate(targets.indicators))
    rows = list(enumerate(form.indicators))
    pairs, dropped, added = _pair(approved, rows)
    for i, j in pairs:
        want, got = targets.indicators[i], form.indicators[j]
        where = f"indicators[{j + 1}] {got.name}"
        if not same_target(want.target, got.target):
            down = lowered(want.target, got.target)
            direction = "，降低了要求" if down else "，提高了要求" if down is False else ""
            said = (norm_name(got.name), "target", norm_name(got.target)) in confirmed
            out.append(
                raise_finding(
                    "target-changed", where, ("indicators", j, "target"), "target",
                    approved=want.target, value=got.target, direction=direction,
                    acknowledged="填表时已确认这一修改。" if said else "",
                )
            )  # fmt: skip
        if want.weight != got.weight:
            said = (norm_name(got.name), "weight", norm_name(_num(got.weight))) in confirmed
            out.append(
                raise_finding(
                    "target-changed", where, ("indicators", j, "weight"), "weight",
                    approved=_num(want.weight), value=_num(got.weight),
                    acknowledged="填表时已确认这一修改。" if said else "",
                )
            )  # fmt: skip
    for j in added:
        row = form.indicators[j]
        out.append(
            raise_finding(
                "indicator-added", f"indicators[{j + 1}] {row.name}", ("indicators", j, "name"),
                name=row.name, path=_path(row.category, row.subcategory),
            )
        )  # fmt: skip
    for i in dropped:
        want = targets.indicators[i]
        out.append(
            raise_finding(
                "indicator-dropped", "indicators", ("indicators",),
                name=want.name, path=_path(want.category, want.subcategory), target=want.target, weight=_num(want.weight),
            )
        )  # fmt: skip
    return out


def add_to_result(result: Any, found: list[Finding], text: str = "") -> None:
    """Append ``found`` to an engine result, with TOML lines from ``text`` (the form's, "" for an imported one)."""
    if not found:
        return
    if text:
        from jixiao.indicators.loader import key_lines

        lines = key_lines(text)
        for f in found:
            for n in range(len(f.loc), 0, -1):
                if f.loc[:n] in lines:
                    f.line = lines[f.loc[:n]]
                    break
    result.findings.extend(found)


# ------------------------------------------------------------------ a reviewer's folder of definitions


class TargetsIndex:
    """The definitions in a reviewer's folder, by unit, project and year (picklable: sent to the workers)."""

    def __init__(self, folder: str, entries: Iterable[tuple[str, Targets]]):
        self.folder = folder
        self.by_key: dict[tuple[str, str, int], list[tuple[str, Targets]]] = {}
        for file, targets in entries:
            key = match_key(targets.unit.name, targets.unit.project, targets.year)
            self.by_key.setdefault(key, []).append((file, targets))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def files(self) -> list[str]:
        return [file for entries in self.by_key.values() for file, _ in entries]

    def findings(self, form: Form) -> list[Finding]:
        """The comparison with the form's definitions, or ``targets-not-found``."""
        found = self.by_key.get(match_key(form.unit.name, form.unit.project, form.year), [])
        who = describe_form(form.unit.name, form.unit.project, form.year)
        if len(found) == 1:
            return compare(form, found[0][1])
        if not found:
            return [raise_finding("targets-not-found", "unit", ("unit", "name"), folder=self.folder, form=who)]
        files = "、".join(Path(f).name for f, _ in found)
        return [
            raise_finding(
                "targets-not-found", "unit", ("unit", "name"), "ambiguous",
                folder=self.folder, form=who, count=len(found), files=files,
            )
        ]  # fmt: skip


def load_index(folder: str | Path) -> tuple[TargetsIndex, list[str]]:
    """Every ``kind = "targets"`` file under ``folder`` (recursively); (index, problems as Chinese lines).

    A ``.toml`` that is not a definitions file (a form, a review file) is skipped silently; one
    that says ``kind = "targets"`` but cannot be read is a problem line.
    """
    from jixiao.indicators.loader import FormError, read_toml
    from jixiao.indicators.targets import load_targets

    entries: list[tuple[str, Targets]] = []
    problems: list[str] = []
    for path in sorted(Path(folder).rglob("*.toml")):
        if not path.is_file():
            continue
        try:
            data, _text = read_toml(path)
        except FormError as exc:
            problems += [str(p) for p in exc.problems]
            continue
        if data.get("kind") != "targets":
            continue
        try:
            entries.append((str(path), load_targets(path)))
        except FormError as exc:
            problems += [str(p) for p in exc.problems]
    return TargetsIndex(str(folder), entries), problems


# ------------------------------------------------------------------ examples (like the catalogue's, one per code)
# (definitions TOML, form TOML, the location the finding points to); tests/test_targets.py checks each

_T_HEAD = 'format = 1\nkind = "targets"\nyear = 2024\n[unit]\nname = "某单位"\nproject = "某项目"\n'
_F_HEAD = 'format = 1\nkind = "project"\nyear = 2024\n[unit]\nname = "某单位"\nproject = "某项目"\n[funds.total]\nannual = 100\nexecuted = 100\n'


def _t_row(name: str = "服务人数", target: str = "≥100人", weight: int = 90) -> str:
    return f'\n[[indicators]]\ncategory = "产出指标"\nsubcategory = "数量指标"\nname = "{name}"\ntarget = "{target}"\nweight = {weight}\n'


def _f_row(name: str = "服务人数", target: str = "≥100人", weight: int = 90) -> str:
    return _t_row(name, target, weight) + 'actual = "100人"\n'


EXAMPLES: dict[str, tuple[str, str, tuple[Any, ...]]] = {
    "target-changed": (_T_HEAD + _t_row(), _F_HEAD + _f_row(target="≥80人"), ("indicators", 0, "target")),
    "indicator-added": (
        _T_HEAD + _t_row(weight=90),
        _F_HEAD + _f_row(weight=45) + _f_row(name="培训次数", target="≥2次", weight=45).replace("100人", "2次"),
        ("indicators", 1, "name"),
    ),
    "indicator-dropped": (_T_HEAD + _t_row(weight=45) + _t_row(name="培训次数", target="≥2次", weight=45), _F_HEAD + _f_row(), ("indicators",)),
    "targets-mismatch": (_T_HEAD.replace("2024", "2023") + _t_row(), _F_HEAD + _f_row(), ("unit", "name")),
}
