"""The few ReportLab internals jixiao's printing relies on, each wrapped here in ONE place.

ReportLab has no public way to read a wrapped table's row heights, a split
table's cells, or to start a canvas page without emitting it (how a canvas
holds pages back until their count is known).  Each function below reads the
private attribute and fails loudly, naming it, when ReportLab no longer has
it; ``tests/test_rl_compat.py`` calls each against the installed ReportLab,
and pyproject bounds ReportLab's version.
"""

from __future__ import annotations

from typing import Any

__all__ = ["row_heights", "cell_values", "start_next_page", "ReportLabChanged", "quiet_pyhanko_imports"]


class ReportLabChanged(RuntimeError):
    """The installed ReportLab lacks an internal jixiao relies on."""


def _attr(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except AttributeError:
        raise ReportLabChanged(
            f"ReportLab 内部接口已变化：{type(obj).__name__}.{name} 不存在。这是 jixiao 与所装 ReportLab 版本不兼容，请报告。"
        ) from None


def row_heights(table: Any) -> list[float]:
    """The heights of a wrapped ``Table``'s rows (``Table._rowHeights``, set by ``wrap``)."""
    heights = _attr(table, "_rowHeights")
    if heights is None or any(h is None for h in heights):
        raise ReportLabChanged("ReportLab 内部接口已变化：Table._rowHeights 在 wrap 之后仍未算出。请报告。")
    return [float(h) for h in heights]


def cell_values(table: Any) -> list[list[Any]]:
    """The cells of a ``Table`` (``Table._cellvalues``): how a split part's rows are read back."""
    return [list(row) for row in _attr(table, "_cellvalues")]


def start_next_page(canvas: Any) -> None:
    """Begin a new page on ``canvas`` without emitting the current one (``Canvas._startPage``)."""
    _attr(canvas, "_startPage")()


def quiet_pyhanko_imports() -> None:
    """pyHanko imports cryptography's DSA module, which warns (in English) on every run; the
    warning concerns pyHanko, not the user: hidden before pyHanko is imported."""
    import warnings

    warnings.filterwarnings("ignore", message=".*DSA is deprecated.*")
