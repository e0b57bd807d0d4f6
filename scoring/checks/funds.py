"""The funds block: its 合计 row against the rows' sum, negative spending, the rate's denominator
(missing, zero, or taken from another column), a rate far over budget or below the rule set's line.

The engine computes the rows' sums and the rate (``FundsResult``); this check reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jixiao.indicators.schema import amounts_with_unit

from ..explain import COLUMN_LABELS, ROW_LABELS
from ..methods import q2
from ..vocabulary import fmt, percent, plain
from .base import FUNDS_OK, Check, row

if TYPE_CHECKING:
    from ..engine import FundsResult, _Scorer


def on_funds(s: _Scorer, fr: FundsResult) -> None:
    funds = s.form.funds
    rules = s.rules.funds
    total = funds.total
    unit = funds.unit
    effective = fr.rows["total"]
    if total is not None:
        for col, value in effective.items():
            given = getattr(total, col)
            # the effective value is the rows' sum when a row gives the column, else the 合计 row's own
            if given is not None and value is not None and given != value and q2(given) != q2(value):
                s.add(
                    "funds-total-mismatch", "funds.total", ("funds", "total", col),
                    column=COLUMN_LABELS[col], given=fmt(given), summed=fmt(value), unit=unit,
                )
    for name, values in fr.rows.items():
        if name == "total":
            executed = total.executed if total is not None else None
        else:
            executed = values["executed"]
        if executed is not None and executed < 0:
            standard = name in ROW_LABELS  # else a named row of funds.rows
            s.add(
                "funds-negative-executed", f"funds.{name}", ("funds", name, "executed") if standard else ("funds", "rows"),
                row=ROW_LABELS.get(name, name), executed=fmt(executed), unit=unit,
            )
    written = amounts_with_unit(funds)
    if written:
        for path in written:
            key, col = path.rsplit(".", 1)
            loc = ("funds", key, col) if not key.startswith("rows[") else ("funds", "rows")
            label = ROW_LABELS.get(key, key)
            s.add("amount-with-unit", f"funds.{key}", loc, row=label, column=COLUMN_LABELS.get(col, col), unit=unit)
    used = fr.denominator
    denominator = effective.get(used)
    if used != rules.denominator and denominator is not None:
        s.add("denominator-fallback", "funds", ("funds", "total"), wanted=COLUMN_LABELS[rules.denominator], used=COLUMN_LABELS[used])
    w = fr.weight
    rate = fr.rate
    if denominator is None or denominator == 0:
        if w > 0:
            s.add("funds-zero-budget", "funds", ("funds",), column=COLUMN_LABELS[used])
        return
    executed = effective.get("executed")
    if executed is None or rate is None:
        if w > 0:
            s.add("missing-value", "funds", ("funds",), "funds-executed")
        return
    over = rules.over_budget_ratio
    if over > 0 and rate > over:
        s.add(
            "funds-over-budget",
            "funds.total",
            ("funds", "total", "executed") if total is not None and total.executed is not None else ("funds",),
            executed=fmt(executed), unit=unit, column=COLUMN_LABELS[used], denominator=fmt(denominator),
            ratio=f"{rate:.2f}", limit=plain(over),
        )
    note_below = rules.note_below
    if note_below > 0 and rate < note_below:
        s.add("rate-below-threshold", "funds", ("funds", "note"), rate=percent(rate), below=f"{note_below * 100:.0f}")
        if not funds.note.strip():
            s.add("missing-deviation-note", "funds", ("funds", "note"), "funds")


CHECK = Check(
    codes=(
        "funds-total-mismatch", "funds-negative-executed", "denominator-fallback", "funds-zero-budget",
        "missing-value", "funds-over-budget", "rate-below-threshold", "missing-deviation-note", "amount-with-unit",
    ),
    examples={
        "funds-total-mismatch": (
            "[funds.total]\nannual = 100\nexecuted = 100\n[funds.appropriation]\nannual = 90\nexecuted = 90\n" + row(),
            ("funds", "total", "annual"),
        ),
        "funds-zero-budget": ("[funds.total]\nannual = 0\nexecuted = 10\n" + row(), ("funds",)),
        "funds-negative-executed": ("[funds.total]\nannual = 100\nexecuted = -1\n" + row(), ("funds", "total", "executed")),
        "funds-over-budget": ("[funds.total]\nannual = 100\nexecuted = 300\n" + row(), ("funds", "total", "executed")),
        "denominator-fallback": (FUNDS_OK + row(), ("funds", "total")),
        "amount-with-unit": ('[funds.total]\nannual = "100万"\nexecuted = 100\n' + row(), ("funds", "total", "annual")),
        "rate-below-threshold": ("[funds.total]\nannual = 100\nexecuted = 80\n" + row(), ("funds", "note")),
    },
    example_rules={"denominator-fallback": "sichuan", "rate-below-threshold": "sichuan"},
    on_funds=on_funds,
)
