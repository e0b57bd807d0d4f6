"""The department-wide common indicators' methods (step_deduct, bands, checklist): their params
(bad-params) and an actual value outside every band (band-not-found).

Raised while the engine scores such a row: :func:`score` reads the params and gives the row's score
(the arithmetic is ``methods.step_deduct``, ``band_score`` and ``checklist``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.indicators.values import Quantity, parse_value

from .. import methods as m
from ..explain import x_band, x_checklist, x_step
from ..vocabulary import plain
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from jixiao.indicators.schema import Indicator

    from ..engine import _Scorer

ZERO = Decimal(0)


def score(s: _Scorer, ind: Indicator, w: Decimal) -> Decimal:
    """Department-wide common indicators: step deduction, bands, checklist."""
    actual = parse_value(ind.actual)
    if actual is None:
        s.row_add("missing-value", "actual", "common-actual")
        return ZERO
    if not isinstance(actual, Quantity):
        s.row_add("not-a-number", "actual", "common", actual=ind.actual)
        return ZERO
    b = actual.value
    p = ind.params
    try:
        if ind.method == "step_deduct":
            reference, step = Decimal(str(p["reference"])), Decimal(str(p["step"]))
            per = Decimal(str(p.get("per", 1)))
            direction, count = str(p.get("direction", "above")), str(p.get("count", "continuous"))
            raw = m.step_deduct(w, b, reference, step, per, direction, count)
            beyond, steps = m.step_steps(b, reference, per, direction, count)  # here: bad params raise in the try
            s.why = (x_step, w, b, reference, step, per, direction, count, raw, beyond, steps)
            return raw
        if ind.method == "bands":
            bands = p["bands"]
            points = m.band_score(b, bands)
            if points is None:
                s.row_add("band-not-found", "params", actual=plain(b))
                return ZERO
            s.why = (x_band, b, bands, points)
            return points
        mode = str(p.get("mode", "met"))
        if mode not in ("met", "violation"):
            raise ValueError(f"mode 只能是 met 或 violation，现在是 “{mode}”")
        points = Decimal(str(p.get("points", 1)))
        raw = m.checklist(w, b, points, mode)
        s.why = (x_checklist, w, b, points, mode, raw)
        return raw
    except KeyError as exc:
        s.row_add("bad-params", "params", "missing", method=ind.method, name=exc.args[0])
    except (ValueError, TypeError, ArithmeticError) as exc:
        s.row_add("bad-params", "params", method=ind.method, error=exc)
    return ZERO


CHECK = Check(
    codes=("bad-params", "band-not-found", "missing-value", "not-a-number"),
    examples={
        "bad-params": (FUNDS_OK + row(target="", actual="5", extra="method = \"step_deduct\"\n"), ("indicators", 0, "params")),
        "band-not-found": (
            FUNDS_OK + row(target="", actual="50", extra="method = \"bands\"\nparams = { bands = [[\"[0, 10)\", 90]] }\n"),
            ("indicators", 0, "params"),
        ),
    },
)
