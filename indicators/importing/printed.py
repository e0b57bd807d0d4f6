"""Figures a form prints that jixiao also computes, recorded where they were read.

The recogniser records each one (:class:`Printed`) with its cell; one check
(``jixiao.scoring.printed_check``) compares them with the recomputation, so
that a printed mistake or a misread is said with the cell it quotes instead
of passing unseen.  What is recorded:

- ``rate``: the money block's printed 执行率 (``90.00%``, ``0.9``);
- ``weights_total``: the 分值 printed on the 总分 row, or the points in its label (``总分（100分）``);
- ``subcategory``: the points in a 二级 heading (``数量指标（10分）``), ``about`` = (一级, 二级);
- ``serial``: the 序号 of each indicator row, ``about`` = the row's index in the form.

(The points of a 一级 heading go into ``[categories]`` and the engine checks them against the rows.)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["Printed"]


@dataclass(frozen=True)
class Printed:
    what: str  # rate | weights_total | subcategory | serial
    address: str  # the cell: "自评表!H9", "第 2 页"
    text: str  # as printed: "98.00%"
    value: Decimal  # the number read from it (a rate as a fraction: 0.98)
    about: Any = None  # (一级, 二级) for a subcategory; the indicator's index for a serial
