"""The form: schema, loader, value parsing, templates and the bundled example."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_YEAR_LINE = re.compile(r"^year = \d{4}[^\n]*$", re.M)


def default_year(today: _dt.date | None = None) -> int:
    """The year a new form evaluates by default: the last one (自评在次年进行, 2027 年填 2026 年度的表)."""
    return (today or _dt.date.today()).year - 1


def template_text(kind: str, year: int | None = None) -> str:
    """The commented blank form of a kind (``department`` or ``project``) for ``year`` (default: :func:`default_year`),
    its comment saying which year it is and how to choose another."""
    text = (_HERE / "templates" / f"{kind}.toml").read_text(encoding="utf-8")
    if year is None and kind == "targets":  # 绩效目标表 are approved for the year ahead: its template says its own
        return text
    if year is None:
        comment = f"# 评价年度：默认为上一年度（{default_year()} 年）；另选年度用 jixiao new --year 年份"
        year = default_year()
    else:
        comment = "# 评价年度（jixiao new --year 所给）"
    return _YEAR_LINE.sub(f"year = {year}".ljust(32) + comment, text, count=1)


def example_path() -> Path:
    """The bundled seed example: the 2021 form of 株洲市社会保险服务中心."""
    return _HERE / "examples" / "seed-2021.toml"
