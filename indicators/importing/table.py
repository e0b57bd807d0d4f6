"""The indicator table of a form: its rows, categories, the total and grade, the sign-off below it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..values import Text, parse_value
from . import labels as L
from .numbers import parse_number
from .reading import (
    Note,
    _Form,
    _has_header_words,
    _header_roles,
    _is_indicator_header,
    _is_subcategory,
    _is_title,
    _label_pairs,
    _number,
    _numberish,
    _p,
    _points_heading,
    _role,
    _row_texts,
    _text,
)


class _Table:
    def __init__(self, f: _Form, h: int, limit: int, tiers: tuple[Decimal, Decimal] = L.DEFAULT_TIERS):
        self.f = f
        self.tiers = tiers  # (achieved, partial): the rule set's [qualitative] thresholds
        self.grid = f.grid
        self.h = h
        self.limit = limit
        self.cols, self.last = _header_roles(f.grid, h)
        # a 序号 column left of the 一级 column: its numbers are recorded (printed.py) to show a row not read
        heads = [(c, _p(t)) for c, t in _row_texts(f.grid, h)]
        self.serial_col = next((c for c, p in heads if p in L.SERIAL_HEADINGS), None)
        self.serial: tuple[int, int] | None = None  # (row, column) of the 序号 of the row being read
        # columns under a heading jixiao has no key for (指标解释 …): every cell of them is said not to be read
        self.unknown = {c: t for c, t in _row_texts(f.grid, h) if not _role(L.INDICATOR_ROLES, t)
                        and _p(t) not in L.SERIAL_HEADINGS and _p(t) not in L.TABLE_LABELS
                        and not any(c in cs for cs in self.cols.values())}
        self.indicators: list[dict[str, Any]] = []
        self.categories: dict[str, Any] = {}
        self.claimed: dict[str, Any] = {}
        self.signoff: dict[str, str] = {}
        self.cat = ""
        self.sub = ""
        # rows read before any 一级 heading (a merged 一级 cell printed over a page break puts its text after its
        # first rows): they take the first heading that follows, with a note
        self.orphans: list[tuple[int, int]] = []  # (row, index into indicators)
        self.cat_at = self.sub_at = ""  # the cells the current 一级 and 二级 were read from

    def col(self, role: str) -> int | None:
        cs = self.cols.get(role)
        return cs[0] if cs else None

    def at(self, r: int, role: str, offset: int = 0) -> tuple[int | None, str]:
        """(column, text) of a role on row r; several columns of one role (a merged header): the first non-blank."""
        cs = self.cols.get(role)
        if not cs:
            return None, ""
        for c in cs:
            t = _text(self.grid, r, c + offset)
            if t:
                return c + offset, t
        return cs[0] + offset, ""

    def read(self) -> int:
        f = self.f
        grid = self.grid
        for r in range(self.h, self.last + 1):
            f.used.add(r)
        missing = [w for role, w in (("l3", "三级指标"), ("weight", "分值"), ("score", "得分")) if role not in self.cols]
        if missing == ["分值"] and self._points_in_names():
            f.note(self.h, 0, "指标表表头没有“分值”列：各项分值取自三级指标名称中的“（N分）”。", "assumed")
        elif missing:
            f.note(self.h, 0, f"指标表表头缺少“{'、'.join(missing)}”列。", "problem")
        else:
            f.note(self.h, 0, "指标表表头：" + "、".join(
                L.ROLE_WORDS[role] for role in L.ROLE_WORDS if role in self.cols), "found")
        for c, t in self.unknown.items():
            f.note(self.h, c, f"“{_squash(t)}”一栏未读入（表单格式中没有这一栏，不作为评分标准或其他栏读取）。", "ignored")
        if "nature" in self.cols or "measure" in self.cols:
            f.note(self.h, self.col("target") or 0, "年度指标值由“指标性质”“指标值”“度量单位”三列合成（定性指标只取指标值）。", "assumed")
        bottom = self.last
        blanks = 0
        tail = False
        remark = False  # inside a 备注 of several numbered lines
        bad: list[tuple[int, int]] = []  # (row, notes before it) of consecutive rows that did not read
        joined = -1  # a row whose pieces were joined onto the row above
        for r in range(self.last + 1, self.limit):
            if r == joined:
                f.used.add(r)
                continue
            cells = _row_texts(grid, r)
            if self._pieces(cells) and r + 1 < self.limit and self._continues(cells, _row_texts(grid, r + 1)):
                cells = self._join(r, cells, _row_texts(grid, r + 1))
                joined = r + 1
            if not cells:
                blanks += 1
                if blanks >= 5:
                    break
                continue
            blanks = 0
            p0 = _p(cells[0][1])
            if any(_is_title(t) for _, t in cells if len(t) < 200):
                break
            signoff = _label_pairs(grid, r, L.SIGNOFF_LABELS)
            if signoff:
                for key, value, _c in signoff:
                    if value and not self.signoff.get(key):
                        self.signoff[key] = value
                        f.mark(("signoff", key), r, _c)
                f.note(r, signoff[0][2], "签署栏：" + "、".join(f"{L.SIGNOFF_WORDS[k]} {v}".strip() for k, v, _ in signoff), "found")
                self._grade(r, cells)
                f.used.add(r)
                bottom, tail = r, True
                continue
            remark_goes_on = remark and re.match(r"^\d+[.、]", p0)  # "2. 总分设置为…" under "备注：1. …"
            if p0.startswith(("备注", "注:", "说明", "填表说明")) or re.match(r"^注\d", p0) or remark_goes_on:
                remark = True
                text = " ".join(t for _, t in cells)
                f.note(r, cells[0][0], f"备注未读入：{text[:40]}{'…' if len(text) > 40 else ''}", "ignored")
                f.used.add(r)
                bottom, tail = r, True
                continue
            if tail and all("盖章" in t for _, t in cells):
                continue  # "单位（盖章）": the place of the stamp, beside the 备注 and the sign-off
            wcol = self.col("weight")
            if any(_p(t) in L.SUBTOTAL_WORDS for c, t in cells if wcol is None or c < wcol):
                f.note(r, cells[0][0], "小计行未读入（总分由程序按各项得分计算）。", "ignored")
                f.used.add(r)
                bottom = r
                continue
            if any(total_label(_p(t)) for c, t in cells if wcol is None or c < wcol):
                self._total(r, cells)
                f.used.add(r)
                bottom, tail = r, True
                continue
            if tail:
                if self._grade(r, cells):
                    f.used.add(r)
                    bottom = r
                    continue
                break
            if L.UNIT_IN_TEXT_RE.search(cells[0][1]) or p0.rstrip(":") in L.UNIT_LABELS:
                break  # the head of another form without a title
            if any(_role(L.FUNDS_COLUMNS, t) == "initial" for _, t in cells):
                break  # the funds block of another form
            if _has_header_words(grid, r) and _is_indicator_header(grid, r):
                # the header again before the total: a page break in a printed form
                f.note(r, cells[0][0], "重复的指标表表头（换页处），跳过。", "ignored")
                f.used.add(r)
                bottom = r
                continue
            mark = len(f.notes)
            status = self._row(r, cells)
            f.used.add(r)
            if status != "bad":
                bad.clear()
                bottom = r
                continue
            bad.append((r, mark))
            if len(bad) >= 3:  # three rows in a row that are no indicator rows: the table has ended
                del f.notes[bad[0][1] :]
                for rr, _ in bad:
                    f.used.discard(rr)
                f.note(bottom, 0, f"指标表到此为止：其后{grid.cell(bad[0][0], 0).address or '各行'}起连续 3 行不是指标行。", "found")
                break
        self._drop_orphans()
        self._rebalance()
        return bottom

    def _rebalance(self) -> None:
        """Rows read under the 一级 before theirs, found by the printed points: 效益指标（30分） holding 35 and the next,
        满意度指标（10分）, holding 5 — a merged 一级 cell printed with its text below its first rows gave them the
        heading before.  The last rows of the one move to the next when that makes both sums equal their points."""
        inds = self.indicators
        for i in range(1, len(inds)):
            a, b = inds[i - 1]["category"], inds[i]["category"]
            if a == b or a not in self.categories or b not in self.categories:
                continue
            want_a, want_b = Decimal(str(self.categories[a])), Decimal(str(self.categories[b]))
            sum_a = sum((Decimal(str(x["weight"])) for x in inds if x["category"] == a), Decimal(0))
            sum_b = sum((Decimal(str(x["weight"])) for x in inds if x["category"] == b), Decimal(0))
            if sum_a <= want_a or sum_b >= want_b:
                continue
            moved = Decimal(0)
            k = i
            while k > 0 and inds[k - 1]["category"] == a and moved < sum_a - want_a:
                k -= 1
                moved += Decimal(str(inds[k]["weight"]))
            if moved != sum_a - want_a or sum_b + moved != want_b:
                continue
            sub = inds[i].get("subcategory", "")
            for x in inds[k:i]:
                x["category"] = b
                if sub and "subcategory" in x:
                    x["subcategory"] = sub
            names = "、".join(x["name"] for x in inds[k:i])
            address = self.f.cells.get(("indicators", k), "")
            self.f.notes.append((self.h, Note(address, f"“{names}”按一级指标所印分值归入“{b}”（{a}印 {want_a} 分、{b}印 {want_b} 分；"
                                 f"合并单元格的文字印在其下几行时，前几行会误归上一个一级指标）。", "assumed")))

    def _pieces(self, cells: list[tuple[int, str]]) -> bool:
        """A row of heading pieces only: text left of the 三级 column, no number (a 一级/二级 text wrapped onto
        two lines of a printed page: 满意度指标 / （10分）, 服务对象满意度 / 指标)."""
        l3 = self.col("l3")
        return bool(cells) and l3 is not None and all(
            c < l3 and parse_number(t)[0] is None and not total_label(_p(t)) and _p(t) not in L.SUBTOTAL_WORDS
            for c, t in cells
        )

    def _continues(self, cells: list[tuple[int, str]], below: list[tuple[int, str]]) -> bool:
        """Whether every piece of the row below finishes the piece above it in its column."""
        if not self._pieces(below):
            return False
        above = {c: _p(t) for c, t in cells}
        for c, t in below:
            p, up = _p(t), above.get(c)
            if up is None:
                return False
            whole = up + p
            if not (p.startswith(("(", "分", ")")) or p == "指标" or (whole.endswith("指标") and not up.endswith("指标"))
                    or whole in L.CATEGORY_NAMES or whole in L.SUBCATEGORY_NAMES):
                return False
        return True

    def _join(self, r: int, cells: list[tuple[int, str]], below: list[tuple[int, str]]) -> list[tuple[int, str]]:
        texts = dict(cells)
        for c, t in below:
            texts[c] = texts.get(c, "") + t
        out = sorted(texts.items())
        if out != cells:
            self.f.note(r, cells[0][0], f"“{' '.join(t for _, t in cells)}”与下一行“{' '.join(t for _, t in below)}”"
                        "是同一格换行的文字，接起来读。", "assumed")
        return out

    def _adopt(self, key: str, value: str, r: int) -> None:
        """Rows read before their 一级 (or 二级) heading take the first one printed after them."""
        waiting = [(rr, i) for rr, i in self.orphans if not self.indicators[i].get(key)]
        for _rr, i in waiting:
            self.indicators[i][key] = value
        if waiting:
            what = "一级指标" if key == "category" else "二级指标"
            first = self.grid.cell(waiting[0][0], 0).address or f"第 {waiting[0][0] + 1} 行"
            self.f.note(r, 0, f"{first}起 {len(waiting)} 行在{what}“{value}”之前（合并单元格跨页打印），归入“{value}”。",
                        "assumed")
        if key == "category":
            self.orphans.clear()

    def _drop_orphans(self) -> None:
        """Rows that never found a 一级 heading are not read (a problem each)."""
        if not self.orphans:
            return
        for r, i in self.orphans:
            ind = self.indicators[i]
            self.f.note(r, 0, f"三级指标“{ind['name']}”找不到一级指标，未读入。", "problem")
        gone = {i for _, i in self.orphans}
        keep = [i for i in range(len(self.indicators)) if i not in gone]
        moved = {old: new for new, old in enumerate(keep)}
        self.indicators = [self.indicators[i] for i in keep]
        f = self.f
        f.cells = {
            (k[0], moved[k[1]], *k[2:]) if k[0] == "indicators" and len(k) > 1 else k: v
            for k, v in f.cells.items()
            if not (k[0] == "indicators" and len(k) > 1 and k[1] in gone)
        }
        self.orphans.clear()

    def _points_in_names(self) -> bool:
        """Whether the rows below the header print their points in the name (受益人数（10分）)."""
        l3 = self.col("l3")
        if l3 is None:
            return False
        for r in range(self.last + 1, min(self.last + 6, self.grid.height)):
            if _POINTS_IN_NAME_RE.search(_text(self.grid, r, l3)):
                return True
        return False

    # -- one indicator row
    def _row(self, r: int, cells: list[tuple[int, str]]) -> str:
        """One indicator row, classified by content: a category, a subcategory, then the name and its values."""
        f = self.f
        l1, l2, l3 = self.col("l1"), self.col("l2"), self.col("l3")
        l3 = l3 if l3 is not None else 2
        cells = [(c, t) for c, t in cells if len(t) <= L.MAX_CELL and _p(t) not in L.TABLE_LABELS]
        first_col = min((x for x in (l1, l2, l3) if x is not None), default=0)
        self.serial = next(((r, c) for c, t in cells if c == self.serial_col and re.fullmatch(r"\d{1,3}", _p(t))), None)
        unknown = [(c, t) for c, t in cells if c in self.unknown]
        for c, t in unknown:
            f.note(r, c, f"“{t[:30]}”（{_squash(self.unknown[c])}）未读入：表单格式中没有这一栏。", "ignored")
        cells = [(c, t) for c, t in cells if c not in self.unknown]
        # left of the 一级 column: a 序号 (1, 2 …) or one character of a label printed downwards (绩/效/指/标)
        cells = [(c, t) for c, t in cells if c >= first_col or not (len(_p(t)) == 1 or re.fullmatch(r"\d{1,3}", _p(t)))]
        # the end of a heading wrapped onto a line of its own (产出指标（40 / 分）) is no cell of the row
        cells = [(c, t) for c, t in cells if not (c < l3 and _p(t) in ("分)", ")", "分"))]
        pos = 0
        offset = 0
        cat = sub = ""
        cat_weight: Decimal | None = None
        if pos < len(cells) and cells[pos][0] < l3 + 2:
            c, t = cells[pos]
            heading = self._category(r, c, t)
            if heading:
                cat, cat_weight = heading
                self.cat_at = self.grid.cell(r, c).address
                pos += 1
                if l1 is not None and c != l1:
                    offset = c - l1
                    f.note(r, c, f"一级指标“{t}”不在“一级指标”列，本行其余各格按内容{'右' if offset > 0 else '左'}移 "
                           f"{abs(offset)} 列读取。", "assumed")
        if pos < len(cells):
            c, t = cells[pos]
            p = _p(t)
            m2 = L.HEADING_RE.match(p)
            base = m2.group("name") if m2 else p
            positional = l2 is not None and c == l2 + offset and (c < l3 + offset) and pos + 1 < len(cells)
            if c < l3 + offset and (positional or _is_subcategory(base)) and parse_number(t)[0] is None and len(p) > 1:
                with_points = m2 is not None and (base in L.SUBCATEGORY_NAMES or _is_subcategory(base))
                sub = base if with_points else _squash(t)
                self.sub_at = self.grid.cell(r, c).address
                pos += 1
                if m2 is not None and with_points:
                    sub_points = Decimal(m2.group("weight") or m2.group("bare"))
                    f.printed_figure("subcategory", r, c, about=(cat or self.cat, base), value=sub_points)
                    f.note(r, c, f"二级指标“{t}”所印分值 {sub_points} 用于核对其下各指标分值之和（格式中二级指标无分值）。", "found")
                if l2 is not None and c != l2 + offset:
                    where = "在“一级指标”列" if c == l1 else "不在“二级指标”列"
                    f.note(r, c, f"“{t}”{where}，按内容是二级指标，作为二级指标读取"
                           + (f"（一级指标沿用“{self.cat}”）。" if not cat and self.cat else "。"), "assumed")
        if cat:
            if cat != self.cat:
                self.sub = ""
            self.cat = cat
            self._adopt("category", cat, r)
            if cat_weight is not None and cat not in self.categories:
                self.categories[cat] = _number(cat_weight)
                f.mark(("categories", cat), r, l1 + offset if l1 is not None else 0)
                f.note(r, l1 + offset if l1 is not None else 0, f"一级指标“{cat}”分值 {cat_weight}", "found")
        if sub:
            self.sub = sub
            self._adopt("subcategory", sub, r)
        content = cells[pos][0] - l3 if pos < len(cells) else offset
        offset = self._fit(r, offset, content)
        lc, name = self.at(r, "l3", offset)
        wc, wtext = self.at(r, "weight", offset)
        sc, stext = self.at(r, "score", offset)
        first = cells[0][0] if cells else (lc or 0)  # (cells may be empty once a 序号 or label piece is dropped)
        if not name and not wtext and not stext:
            what = " ".join(t for _, t in cells)
            if not (cat or sub):
                f.note(r, first, f"指标表中的“{what[:30]}”不是指标行，未读入。", "ignored")
                return "bad"
            f.note(r, first, f"“{what[:30]}”行没有三级指标、分值和得分，跳过。", "ignored")
            return "heading"
        if not name:
            f.note(r, first, "本行有分值或得分而没有三级指标名称，未读入。", "problem")
            return "skipped"
        orphan = not self.cat
        if orphan and not self._fits(r, offset):
            f.note(r, lc or 0, f"三级指标“{name}”之前没有一级指标，未读入。", "problem")
            return "bad"
        unread = [c for c in (wc, sc) if c is not None and self.grid.cell(r, c).problem]
        if not wtext and not stext and not unread:
            _, t_text = self.at(r, "target", offset)
            _, a_text = self.at(r, "actual", offset)
            if not t_text and not a_text:  # a template's empty "指标1：" row
                f.note(r, lc or 0, f"“{name}”行没有指标值、分值和得分，跳过。", "ignored")
                return "skipped"
        applicable = True
        weight: Decimal | None
        in_name = _POINTS_IN_NAME_RE.search(name)
        if in_name and (wc is None or not wtext):  # 受益人数（10分）: the 20 + 80 templates print no 分值 column
            weight, name = Decimal(in_name.group(1)), name[: in_name.start()].rstrip()
            f.note(r, lc or 0, f"“{name}”的分值 {weight} 取自名称中的“{in_name.group(0).strip()}”。", "assumed")
            wc = lc
        elif _p(wtext) in L.NOT_APPLICABLE_WEIGHTS:  # "/" under 分值: the row does not apply this year
            weight, applicable = Decimal(0), False
            f.note(r, wc or 0, f"“{name}”的分值为“{wtext}”：不适用，写作 applicable = false、分值 0（不计分）。", "found")
        else:
            weight, _ = f.value(r, wc, f"“{name}”的分值") if wc is not None else (None, False)
        if weight is None:
            f.note(r, wc if wc is not None else 0, f"三级指标“{name}”没有分值，未读入（分值必填）。", "problem")
            return "skipped"
        claimed, _ = f.value(r, sc, f"“{name}”的得分") if sc is not None else (None, False)
        target = self._target(r, offset, name)
        tc = self.at(r, "target", offset)[0]
        if "nature" not in self.cols:
            target = self._formula(r, tc, target, "年度指标值")
        ac, actual = self.at(r, "actual", offset)
        actual = self._formula(r, ac, self._clean(r, ac, actual, "实际完成值"), "实际完成值")
        _, note = self.at(r, "note", offset)
        stc, standard = self.at(r, "standard", offset)
        rc, remark = self.at(r, "remark", offset)
        if remark:
            f.note(r, rc or 0, f"备注“{remark[:30]}”未读入。", "ignored")
        vc, review = self.at(r, "review", offset)
        if review:
            f.note(r, vc or 0, f"“{name}”的{_text(self.grid, self.h, self.col('review') or 0) or '复核得分'}“{review}”不是单位自评得分，未读入。", "ignored")
        for role in ("l3", "target", "actual", "note", "standard"):
            pc, _ = self.at(r, role, offset)
            if pc is not None and self.grid.cell(r, pc).problem:
                f.note(r, pc, f"“{name}”的{L.ROLE_WORDS[role]}：{self.grid.cell(r, pc).problem}", "problem")
        ind: dict[str, Any] = {"category": self.cat}
        if self.sub or orphan:
            ind["subcategory"] = self.sub
        ind["name"] = name
        ind["target"] = target
        ind["actual"] = actual
        ind["weight"] = _number(weight)
        if standard:
            ind["standard"] = standard
        if not applicable:
            ind["applicable"] = False
        if standard and not target and not actual:  # a criteria row: no 指标值 and no 完成值, the claim is the score
            ind["method"] = "criteria"
            f.note(r, stc or 0, f"“{name}”只有评分标准而无指标值和完成值，按评分标准评分（method = \"criteria\"，自评得分即得分）。",
                   "assumed")
        elif target and isinstance(parse_value(target), Text):
            tier = self._tier(weight, claimed)
            if tier:
                ind["tier"] = tier
                f.note(r, sc if sc is not None else 0,
                       f"定性指标“{name}”：按得分 {claimed}（分值 {weight}）定档为“{tier}”"
                       f"（规则集：达成 ≥ 分值×{self.tiers[0]}，部分达成 ≥ 分值×{self.tiers[1]}）。", "assumed")
            else:
                f.note(r, sc if sc is not None else 0, f"定性指标“{name}”没有得分，未定档次。", "problem")
        if claimed is not None:
            ind["claimed"] = _number(claimed)
        if note:
            ind["note"] = note
        i = len(self.indicators)
        if self.serial is not None:
            f.printed_figure("serial", *self.serial, about=i)
        if orphan:
            self.orphans.append((r, i))
        f.mark(("indicators", i), r, lc)
        for key, at in (("category", self.cat_at), ("subcategory", self.sub_at)):
            if at and key in ind:
                f.cells.setdefault(("indicators", i, key), at)
        for key, col in (("name", lc), ("weight", wc), ("claimed", sc), ("target", tc), ("actual", ac), ("tier", sc), ("standard", stc)):
            f.mark(("indicators", i, key), r, col)
        if note:
            f.mark(("indicators", i, "note"), r, self.at(r, "note", offset)[0])
        self.indicators.append(ind)
        return "indicator"

    def _fit(self, r: int, offset: int, content: int) -> int:
        """The offset at which the row reads as name, numbers: the content wins over the header."""
        fits = lambda o: self._fits(r, o)  # noqa: E731
        if fits(offset) or self._fits(r, offset, True):  # both numbers in place: the name stays, even "-5"
            return offset
        l3 = self.col("l3")
        tries = [content] + sorted(range(-(l3 or 0), 4), key=lambda o: (abs(o - offset), o))
        for o in tries:
            if l3 is not None and l3 + o >= 0 and fits(o):
                _, name = self.at(r, "l3", o)
                self.f.note(r, l3 + o, f"“{name}”一行与表头错位，按内容{'右' if o > offset else '左'}移 {abs(o - offset)} 列读取。", "assumed")
                return o
        return offset

    def _fits(self, r: int, o: int, any_name: bool = False) -> bool:
        """Whether row r reads, at offset o, as a name with numbers under 分值 and 得分.

        ``any_name``: a name that reads as a number (``-5``, ``+86 123``) still fits when both numbers are in place.
        """
        _, name = self.at(r, "l3", o)
        _, w = self.at(r, "weight", o)
        _, s = self.at(r, "score", o)
        if any_name and name and _numberish(w) and _numberish(s):
            return True
        if not name or parse_number(name)[0] is not None or _points_heading(_p(name)):
            return False
        ok = [t in L.BLANKS or _numberish(t) for t in (w, s)]
        return all(ok) and bool(w or s)

    def _category(self, r: int, c: int, t: str) -> tuple[str, Decimal | None] | None:
        """(name, points) when the cell is a level-1 heading: "产出指标（50分）" anywhere, a known name, or in the 一级 column."""
        p = _p(t)
        cut = _CUT_HEADING_RE.match(p)  # 产出指标（40 with its 分） on the next line
        if cut and (cut.group("name") in L.CATEGORY_NAMES or c == self.col("l1")):
            return cut.group("name"), Decimal(cut.group("weight"))
        m = (L.HEADING_RE.match(p) or L.L1_POINTS_RE.match(p)) if c == self.col("l1") else _points_heading(p)
        if m and (m.group("name") not in L.SUBCATEGORY_NAMES or m.group("name") in L.CATEGORY_NAMES):
            return m.group("name"), Decimal(m.group("weight") or m.group("bare"))
        if m and c == self.col("l1"):  # 成本指标（20分）in the 一级 column
            return m.group("name"), Decimal(m.group("weight") or m.group("bare"))
        if p in L.CATEGORY_NAMES and not (c == self.col("l3") and self.col("l1") not in (None, c) and self._fits(r, 0, True)):
            return _squash(t), None  # (a bare 效益 in the 三级 column, with its numbers in place, is the indicator's name)
        if len(p) < 2:  # one character: a fragment of a label printed downwards (绩/效/指/标), never a heading
            return None
        if c == self.col("l1") and not _is_subcategory(p) and parse_number(t)[0] is None and self._fits(r, 0):
            return _squash(t), None
        return None

    def _clean(self, r: int, c: int | None, text: str, what: str) -> str:
        fixed = L.SPACE_IN_VALUE_RE.sub("", text)
        if fixed != text:
            self.f.note(r, c or 0, f"{what}“{text}”中数字与单位（或符号）之间的空格去掉，作“{fixed}”。", "assumed")
        return fixed

    def _formula(self, r: int, c: int | None, text: str, what: str) -> str:
        """A target or actual typed as ``=100%`` is a formula in Excel, shown as its value (1, 100%):
        the ``=`` of the text is the operator; the formula's text is taken instead of what the cell shows."""
        if c is None:
            return text
        cell = self.grid.anchor(r, c)
        if not cell.formula or not text:
            return text
        self.f.note(r, c, f"{what}单元格是公式“{cell.formula}”（显示为“{text}”），按所写的“{cell.formula}”"
                    "（等于）读取。", "assumed")
        return cell.formula

    def _target(self, r: int, offset: int, name: str) -> str:
        tc, value = self.at(r, "target", offset)
        if "nature" not in self.cols and "measure" not in self.cols:
            return self._clean(r, tc, value, "年度指标值")
        _, nature = self.at(r, "nature", offset)
        _, measure = self.at(r, "measure", offset)
        value = value.strip()
        n = _p(nature)
        if not value:
            return ""
        if n == "定性":
            return value
        if measure and not value.endswith(measure) and parse_value(value + measure) is not None:
            value = value + measure
        if n in ("", "定量"):
            return self._clean(r, tc, value, "年度指标值")
        op = L.OPERATORS.get(nature.strip()) or L.OPERATORS.get(n)
        if op:
            if op != nature.strip():
                self.f.note(r, tc or 0, f"指标性质“{nature.strip()}”读作“{op}”。", "found")
            return self._clean(r, tc, op + value, "年度指标值")
        sign = L.DIRECTIONS.get(n)
        if sign:
            self.f.note(r, tc or 0, f"指标性质“{nature}”按“{sign}”理解：年度指标值作“{sign}{value}”。", "assumed")
            return sign + value
        self.f.note(r, tc or 0, f"指标性质“{nature}”无法识别，年度指标值只取“{value}”。", "assumed")
        return value

    def _tier(self, weight: Decimal, claimed: Decimal | None) -> str:
        if claimed is None:
            return ""
        achieved, partial = self.tiers
        if claimed >= weight * achieved:
            return "达成"
        if claimed >= weight * partial:
            return "部分达成"
        return "未达成"

    # -- total, grade
    def _total(self, r: int, cells: list[tuple[int, str]]) -> None:
        f = self.f
        sc = self.col("score")
        wcol = self.col("weight")
        label_c, points = next(((c, total_label(_p(t))) for c, t in cells if total_label(_p(t))), (0, False))
        if isinstance(points, Decimal):  # 总分（100分）
            f.printed_figure("weights_total", r, label_c, value=points)
        elif wcol is not None and wcol != sc and parse_number(_text(self.grid, r, wcol))[0] is not None:
            f.printed_figure("weights_total", r, wcol)  # the 分值 column's total
        graded = L.GRADE_CELL_RE.match(_p(_text(self.grid, r, sc))) if sc is not None else None
        if graded:  # "等级：" / "99.5 等级：优" under 得分: the grade's label, with the score (if any) before it
            value, bad = parse_number(graded.group(1))[0] if graded.group(1) else None, False
            if value is not None:
                f.note(r, sc, f"总分行得分格“{_text(self.grid, r, sc)}”中的 {value} 作自评总分，其后为等级。", "assumed")  # type: ignore[arg-type]
        else:
            value, bad = f.value(r, sc, "总分的得分") if sc is not None else (None, False)
        if value is not None:
            self.claimed["total"] = value
            f.mark(("claimed", "total"), r, sc)
            f.note(r, sc, f"总分（自评）：{_text(self.grid, r, sc)}", "found")  # type: ignore[arg-type]
        elif not bad:
            label, points = next((c, total_label(_p(t))) for c, t in cells if total_label(_p(t)))
            numbers = [(c, t) for c, t in cells if c > label and parse_number(t)[0] is not None and not t.endswith("%")]
            weights = sum((Decimal(str(i["weight"])) for i in self.indicators), Decimal(0))
            if isinstance(points, Decimal) and len(numbers) == 1 and numbers[0][0] != self.col("weight"):
                pass  # 总分(100分) | 99: the label gives the full marks, the one number is the score
            elif len(numbers) == 1 and sc is not None and (
                numbers[0][0] == self.col("weight") or parse_number(numbers[0][1])[0] in (weights, Decimal(100))
            ):  # the one number is the 分值 (the sum of the weights): the 得分 was left blank
                f.note(r, sc, f"总分行的得分为空（“{numbers[0][1]}”是分值合计），未写入自评总分。", "assumed")
                numbers = []
            if numbers:
                c, t = numbers[-1]
                value, _ = f.value(r, c, "总分的得分")
                if value is not None:
                    self.claimed["total"] = value
                    f.mark(("claimed", "total"), r, c)
                    what = "两个数中后一个" if len(numbers) > 1 else "唯一的数"
                    f.note(r, c, f"总分行与表头错位，取该行{what}“{t}”作自评总分。", "assumed")
        if not self._grade(r, cells):
            for c, t in cells:  # a bare 优 / 良 … right of the score on the total row
                if c > (sc or 0) and re.fullmatch(r"(优秀|优|良好|良|中等|中|合格|差|不合格)", _p(t)):
                    self.claimed["grade"] = L.GRADE_WORDS.get(_p(t), _p(t))
                    self.f.mark(("claimed", "grade"), r, c)
                    self.f.note(r, c, f"总分行得分右侧的“{t}”作为自评等级。", "assumed")
                    break

    def _grade(self, r: int, cells: list[tuple[int, str]]) -> bool:
        for i, (c, t) in enumerate(cells):
            p = _p(t)
            m = L.GRADE_RE.search(p) if len(p) < 40 else None
            if not m and p.rstrip(":") in ("等级", "自评等级", "评价等级") and i + 1 < len(cells):
                nxt = _p(cells[i + 1][1])
                m = re.fullmatch(r"(优秀|优|良好|良|中等|中|合格|差|不合格)", nxt)
            if m:
                grade = L.GRADE_WORDS.get(m.group(1), m.group(1))
                if "grade" not in self.claimed:
                    self.claimed["grade"] = grade
                    self.f.mark(("claimed", "grade"), r, c)
                    self.f.note(r, c, f"等级（自评）：{grade}", "found")
                return True
        return False


def total_label(p: str) -> bool | Decimal:
    """Whether a plain cell text labels the total row: 总分, 合计 …, or 总分(100分) (then its points, the full marks)."""
    if p in L.TOTAL_WORDS:
        return True
    m = L.HEADING_RE.match(p)
    if m and m.group("name") in L.TOTAL_WORDS:
        return Decimal(m.group("weight") or m.group("bare"))
    return False


_CUT_HEADING_RE = re.compile(r"^(?P<name>[^()\d]{2,20}?)\((?P<weight>\d+(?:\.\d+)?)分?$")
_POINTS_IN_NAME_RE = re.compile(r"\s*[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")


def _squash(text: str) -> str:
    """A heading as a name: the line breaks and spaces a cell wraps it with removed (满意度⏎指标 -> 满意度指标)."""
    return "".join(text.split())
