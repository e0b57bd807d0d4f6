"""The approved 绩效目标表 in ``jixiao edit``: what is marked 已批复, and the question before changing it.

A form started with ``jixiao new --from-targets`` names its definitions in
``[targets] file`` (relative to the form) with their content hash.  The
editor reads that file (the unit's own, on its own machine: a review never
does) when it is there and its hash still matches; then the detail area
shows each row's approved 年度指标值 and 分值, and typing a different value
into either asks first and, when confirmed, records the change in the form
(``[[targets.changes]]``).  Only the comparison of ``scoring/targets.py`` is
used; nothing here computes a score.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from jixiao.indicators.document import FormDocument, parse_decimal
from jixiao.indicators.loader import FormError
from jixiao.indicators.schema import Form
from jixiao.indicators.targets import TargetIndicator, Targets, load_targets, targets_digest
from jixiao.scoring.targets import pair_rows, same_target
from rich.text import Text

from .terminal import visible

__all__ = ["Approved", "load_approved", "record_change"]

APPROVED = "已批复"


class Approved:
    """The definitions a form came from, matched to its rows."""

    def __init__(self, targets: Targets, file: str):
        self.targets = targets
        self.file = file

    def row(self, form: Form, index: int) -> TargetIndicator | None:
        """The approved row of form row ``index`` (matched by normalised names), or None."""
        approved = pair_rows(form, self.targets).get(index)
        return self.targets.indicators[approved] if approved is not None else None

    def detail(self, form: Form, index: int) -> Text:
        """One line for the detail area: the approved target and weight, and whether the row still has them."""
        want = self.row(form, index)
        out = Text("  ")
        if want is None:
            out.append("批复的绩效目标表中没有这一指标", style="bold yellow")
            return out
        got = form.indicators[index]
        out.append(f"{APPROVED}：", style="bold")
        out.append(visible(f"年度指标值 {want.target or '—'}  分值 {_num(want.weight)}"))
        changed = []
        if not same_target(want.target, got.target):
            changed.append("年度指标值")
        if want.weight != got.weight:
            changed.append("分值")
        if changed:
            out.append(f"（{'和'.join(changed)}与批复不一致）", style="bold red")
        return out

    def question(self, form: Form, loc: tuple[Any, ...], text: str) -> tuple[str, str] | None:
        """(approved value, message) when ``text`` at ``loc`` would differ from an approved target or weight."""
        if len(loc) != 3 or loc[0] != "indicators" or loc[2] not in ("target", "weight"):
            return None
        want = self.row(form, loc[1])
        if want is None:
            return None
        name = form.indicators[loc[1]].name
        if loc[2] == "target":
            if same_target(want.target, text):
                return None
            approved, what, shown = want.target, "年度指标值", f"“{text.strip()}”"
        else:
            value = parse_decimal(text)
            if value is None or value == want.weight:
                return None
            approved, what, shown = _num(want.weight), "分值", _num(value)
        message = (
            f"“{name}”的{what}已批复为 {('“' + approved + '”') if loc[2] == 'target' else approved}。"
            f"改为 {shown} 会与批复的绩效目标表不一致，检查时列为错误；这一修改会记录在表中。"
            "确需修改吗？"
        )
        return approved, message


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def load_approved(doc: FormDocument) -> tuple[Approved | None, str]:
    """(the definitions of ``doc``'s form, a Chinese notice when they are named but cannot be used)."""
    form = doc.form
    if form is None or form.targets is None or not form.targets.file:
        return None, ""
    path = (doc.path.parent / form.targets.file).resolve()
    if path.suffix.lower() != ".toml":  # only a definitions file is read (a regular file, at most 5 MB: read_toml)
        return None, f"本表依据的绩效目标表 {form.targets.file} 不是 .toml 文件，未标注批复值。"
    try:
        targets = load_targets(path)
    except FormError:
        return None, f"本表依据的绩效目标表 {form.targets.file} 无法读取，未标注批复值。"
    if form.targets.hash and targets_digest(targets) != form.targets.hash:
        return None, f"绩效目标表 {form.targets.file} 在本表生成后已改变（内容哈希不同），未标注批复值。"
    return Approved(targets, form.targets.file), ""


def record_change(doc: FormDocument, loc: tuple[Any, ...], approved: str, value: str) -> None:
    """Append the confirmed change to ``[[targets.changes]]`` of the document (saved with the form)."""
    import copy

    import tomlkit

    toml, data = doc._require_editable()
    name = str(doc.get((*loc[:2], "name")) or "")
    entry = {"indicator": name, "key": loc[2], "approved": approved, "value": value.strip(), "date": _dt.date.today().isoformat()}
    before = copy.deepcopy(data.get("targets"))

    def undo() -> None:
        if before is None:
            data.pop("targets", None)
        else:
            data["targets"] = before

    data.setdefault("targets", {}).setdefault("changes", []).append(dict(entry))
    doc._validate_or_undo(undo)
    if "targets" not in toml:
        toml.append("targets", tomlkit.table())
    table = toml["targets"]
    if "changes" not in table:
        table.add(tomlkit.nl())  # type: ignore[union-attr]  # a blank line before the first change
        table.append("changes", tomlkit.aot())  # type: ignore[union-attr]
    item = tomlkit.table()
    for key, val in entry.items():
        item[key] = val
    table["changes"].append(item)  # type: ignore[index,union-attr]
    doc.dirty = True
