"""Adopt the computed scores: each 得分, the total and the grade of a form take the engine's
values, so a unit that agrees with the engine fills its scores in one step.

Used by ``jixiao score --adopt FORM`` (writes the file like the editor does: through the
lossless TOML document, atomically, comments kept) and by the editor's action
(:class:`AdoptActions`, with undo).
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

__all__ = ["adopt_changes", "adopt", "undo_adopt", "AdoptActions", "ADOPT_BINDINGS"]

Loc = tuple[Any, ...]


def adopt_changes(result: Any) -> list[tuple[Loc, str]]:
    """The fields to fill and their text: every score where the unit's differs from (or lacks) the
    engine's, the total, and the grade (when the rule set grades)."""
    from jixiao.scoring.vocabulary import fmt

    out: list[tuple[Loc, str]] = []

    def one(loc: Loc, computed: Any, claimed: Any) -> None:
        if claimed is None or fmt(claimed) != fmt(computed):
            out.append((loc, fmt(computed)))

    one(("funds", "claimed"), result.funds.score, result.funds.claimed)
    for r in result.indicators:
        one(("indicators", r.index, "claimed"), r.score, r.claimed)
    one(("claimed", "total"), result.total, result.claimed_total)
    if result.grade and result.grade != result.claimed_grade:
        out.append((("claimed", "grade"), result.grade))
    return out


def adopt(doc: Any, result: Any) -> list[tuple[Loc, str]]:
    """Fill ``doc`` (a FormDocument) with the computed values of ``result``; returns what each
    changed field held before (its text, "" when absent), for :func:`undo_adopt`."""
    before: list[tuple[Loc, str]] = []
    for loc, text in adopt_changes(result):
        old = doc.get_text(loc)
        if doc.set_text(loc, text):
            before.append((loc, old))
    return before


def undo_adopt(doc: Any, before: list[tuple[Loc, str]]) -> None:
    """Put back what :func:`adopt` replaced."""
    for loc, old in reversed(before):
        doc.set_text(loc, old)


ADOPT_BINDINGS = [
    Binding("A", "adopt_computed", "采用复算得分", show=False),
    Binding("ctrl+z", "undo_adopt", "撤销采用", show=False),
]


class AdoptActions:
    """The editor's actions (mixed into the app): ``A`` adopts the computed scores, Ctrl+Z undoes it."""

    _adopt_undo: list[tuple[Loc, str]] | None = None

    def action_adopt_computed(self) -> None:
        app: Any = self
        if not app.doc.editable or app.result is None:
            app.say("表单未能读取，不能采用复算得分。", severity="error")
            return
        before = adopt(app.doc, app.result)
        if not before:
            app.say("各项得分、总分和等级已与复算结果一致，无须采用。")
            return
        self._adopt_undo = before
        app.doc.dirty = True
        app.rescore()
        app.refresh_views()
        app.say(f"已采用复算得分：{len(before)} 处填入复算值（Ctrl+Z 撤销，Ctrl+S 保存）。", title="采用复算得分")

    def action_undo_adopt(self) -> None:
        app: Any = self
        if not self._adopt_undo:
            app.say("没有可撤销的“采用复算得分”。", severity="warning")
            return
        undo_adopt(app.doc, self._adopt_undo)
        self._adopt_undo = None
        app.rescore()
        app.refresh_views()
        app.say("已撤销采用复算得分，各项恢复为原来填报的值。")
