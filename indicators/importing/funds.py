"""The money block of a form: its header, its rows, and what is written to ``[funds]``."""

from __future__ import annotations

from typing import Any

from . import labels as L
from .numbers import parse_number
from .reading import _Form, _number, _p, _text


def _funds_row(f: _Form, r: int, cells: list[tuple[int, str]], cols: dict[str, list[int]], funds: dict[str, Any]) -> None:
    if cells and _p(cells[0][1]).startswith(L.FUNDS_NOTE_LABELS):
        return  # 执行率偏低原因: the funds note, read by the recogniser (its words may say 结转)
    first_value = min((c for cs in cols.values() for c in cs), default=len(f.grid.rows[r]))
    key = ""
    label_c = 0
    for c, t in cells:
        if c >= first_value:
            break
        p = _p(t)
        key = next((k for word, k in L.FUNDS_ROWS if word in p), "")
        if key:
            label_c = c
            break
    has_numbers = any(c >= first_value and parse_number(t)[0] is not None for c, t in cells)
    if not key and has_numbers and not funds.get("_rows") and not funds.get("_unknown"):
        # the first row under the header, with no label of its own (预算数(A) | 执行数(B) under a label spanning both
        # rows, as the 20 + 80 templates print it): the block's one row is its total
        key, label_c = "total", cells[0][0]
        f.note(r, cells[0][0], "资金表表头下的第一行没有行名，作为年度资金总额读取。", "assumed")
    if not key:
        if has_numbers:
            f.note(r, cells[0][0], f"资金情况中的“{cells[0][1][:20]}”行无法对应到当年财政拨款、上年结转资金或其他资金，未读入。",
                   "ignored")
            funds.setdefault("_unknown", []).append(r)
            f.used.add(r)
        return
    rows = funds.setdefault("_rows", {})
    if key in rows:
        f.note(r, label_c, f"资金情况中又一行“{cells[0][1][:20] if label_c == cells[0][0] else L.FUNDS_ROW_WORDS[key]}”"
               f"也是{L.FUNDS_ROW_WORDS[key]}，未读入。", "ignored")
        if has_numbers:
            funds.setdefault("_unknown", []).append(r)
        f.used.add(r)
        return
    f.used.add(r)
    row: dict[str, Any] = {}
    # the numbers start left of the first money column (a text whose blank cells collapsed): read them shifted
    first_number = next((c for c, t in cells if c > label_c and parse_number(t)[0] is not None), first_value)
    shift = min(0, first_number - first_value)
    if shift:
        f.note(r, first_number, f"“{L.FUNDS_ROW_WORDS[key]}”行的数字与表头错位，按内容左移 {-shift} 列读取。", "assumed")
    cols = {role: [c + shift for c in cs] for role, cs in cols.items()}
    for role in ("initial", "annual", "adjusted", "executed"):
        for c in cols.get(role, []):
            value, bad = f.value(r, c, f"{L.FUNDS_ROW_WORDS[key]}的{L.FUNDS_COLUMN_WORDS[role]}")
            if value is not None or bad:
                if value is not None:
                    row[role] = value
                else:  # a cell that could not be read is never filled in from another row
                    funds.setdefault("_bad", set()).add((key, role))
                f.mark(("funds", key, role), r, c)
                break
    rows[key] = (r, row)
    f.mark(("funds", key), r, label_c)
    f.mark(("funds",), r, label_c)
    known = {c for cs in cols.values() for c in cs}
    for c, t in cells:  # a number under a heading jixiao has no key for (资金来源 …): said, not dropped unseen
        if c > label_c and c not in known and t not in L.BLANKS and parse_number(t)[0] is not None:
            f.note(r, c, f"资金表中的“{t}”不在年初预算数、全年预算数、全年执行数、分值、执行率或得分之下，未读入。", "ignored")
    for role, target in (("weight", "weight"), ("score", "claimed")):
        for c in cols.get(role, []):
            value, bad = f.value(r, c, "资金执行率" + ("分值" if role == "weight" else "得分"))
            if value is not None and not 0 <= value <= 100:  # a money amount under 分值 (columns run together): no score
                f.note(r, c, f"资金执行率{'分值' if role == 'weight' else '得分'}“{_text(f.grid, r, c)}”不在 0–100 之间，"
                       "不像分值（可能是错位的金额），未读入。", "problem")
                value, bad = None, True
            if value is not None and target not in funds:
                funds[target] = _number(value)
                f.mark(("funds", target), r, c)
                f.note(r, c, f"资金执行率{'分值' if role == 'weight' else '得分'}：{value}", "found")
            if value is not None or bad:
                break
    for c in cols.get("rate", []):
        t = _text(f.grid, r, c)
        if t and t not in L.BLANKS:
            if key == "total":
                value, percent = parse_number(t)
                if value is not None:  # 90.00% / 90 (a percentage) / 0.9 (a fraction)
                    f.printed_figure("rate", r, c, value=value / 100 if percent or value > 2 else value)
            f.note(r, c, f"印刷的执行率“{t}”只用于核对（执行率由程序按执行数与预算数复算）。", "found")
            break


def _finish_funds(f: _Form, funds: dict[str, Any], header: tuple[int, dict[str, list[int]]] | None, money: str) -> None:
    points = funds.pop("_points", None)
    if points is not None and "weight" not in funds:
        funds["weight"] = _number(points[0])
        f.mark(("funds", "weight"), points[1], points[2])
        f.note(points[1], points[2], f"资金执行率分值 {points[0]} 取自资金表的标题。", "found")
    rows: dict[str, tuple[int, dict[str, Any]]] = funds.pop("_rows", {})
    unreadable: set[tuple[str, str]] = funds.pop("_bad", set())
    unknown: list[int] = funds.pop("_unknown", [])
    if unknown and "total" in rows and any(k != "total" for k in rows):
        # the sources are broken down otherwise (按收入性质分 …): rows that do not add up would skew the rate
        dropped = [k for k in rows if k != "total"]
        for k in dropped:
            del rows[k]
        f.note(unknown[0], 0, "资金来源的分项与格式中的当年财政拨款、上年结转资金、其他资金对不上，"
               f"只写入年度资金总额（未写入：{'、'.join(L.FUNDS_ROW_WORDS[k] for k in dropped)}），执行率按总额复算。", "assumed")
    cols = header[1] if header else {}
    if rows and "annual" not in cols and "adjusted" in cols:
        f.note(header[0] if header else 0, cols["adjusted"][0], "表中没有“全年预算数”列，以“调整后预算数”作为全年预算数。", "assumed")
        for _, row in rows.values():
            if "adjusted" in row:
                row["annual"] = row.pop("adjusted")
    if "total" in rows:
        parts = [k for k in ("appropriation", "carryover", "other") if k in rows and rows[k][1]]
        total = rows["total"][1]
        if len(parts) == 1:
            r, row = rows[parts[0]]
            others_agree = all(row[k] == total[k] for k in row if k in total)
            missing = [k for k in ("initial", "annual", "adjusted", "executed")
                       if k in total and k not in row and (parts[0], k) not in unreadable]
            if others_agree and missing:
                for k in missing:
                    row[k] = total[k]
                words = "、".join(L.FUNDS_COLUMN_WORDS[k] for k in missing)
                f.note(r, 0, f"“{L.FUNDS_ROW_WORDS[parts[0]]}”行的{words}为空；资金全部来自这一行（其余各数与合计行相同），"
                       f"按合计行填写。", "assumed")
    if header is None:
        return
    out: dict[str, Any] = {}
    for key in ("weight", "claimed"):
        if key in funds:
            out[key] = funds[key]
    if money == "元":
        out["unit"] = "元"
        f.note(header[0], 0, "金额单位为元，表中按元记录（金额未换算）。", "found")
    elif not money:
        f.note(header[0], 0, "未写金额单位，按万元理解。", "assumed")
    for key in ("total", "appropriation", "carryover", "other"):
        if key in rows and rows[key][1]:
            out[key] = {k: _number(v) for k, v in rows[key][1].items()}
    funds.clear()
    funds.update(out)

