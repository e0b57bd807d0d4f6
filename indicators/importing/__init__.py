"""Importing real forms: readers turn a source into a :class:`Grid`, one recogniser turns grids into forms.

    xlsx/xls/csv/txt/pdf/docx --reader--> Grid --recogniser--> form data (format 1) --> TOML

The recogniser never knows which format a grid came from; a new format is a
new reader (``readers/__init__.py``).  See ``grid.py`` for the shape every
reader produces.

:func:`load_imported` is what ``indicators/submission.py`` (the one loader of
submissions) calls for a file that is not TOML: a spreadsheet or text is
imported on the fly, its generated TOML is what the loader validates, and
every problem the loader or the engine finds is then named by the cell it came
from (``Sheet1!F12``) rather than by a line of a TOML text the user never saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.indicators.submission import SUBMISSION_SUFFIXES, Notes

from .readers import READERS, ImportFailure, read_grids

if TYPE_CHECKING:
    from jixiao.indicators.schema import Form

    from .grid import Grid
    from .recognise import Note, Recognised

__all__ = [
    "ImportFailure",
    "Imported",
    "SUBMISSION_SUFFIXES",
    "import_file",
    "import_grids",
    "is_imported",
    "load_imported",
    "looks_like_form_text",
    "not_a_form_notice",
    "no_form_message",
    "recognise_all",
]

FORM_TEXT_PROBE_BYTES = 1 << 20  # what :func:`looks_like_form_text` reads of a file at most
_FORM_TEXT_WORDS = ("三级指标", "指标名称", "绩效自评", "一级指标")


def looks_like_form_text(path: str | Path) -> bool:
    """Whether a ``.txt`` or ``.csv`` found in a folder may hold a form (cheap: at most 1 MB is read).

    For the discovery of ``jixiao review DIR``: a README.txt or a data CSV with none of the words of a form
    (三级指标, 指标名称, 一级指标, 绩效自评, spaces between the characters allowed) is skipped with a one-line
    notice, not made an unreadable row.  A file larger than 1 MB, one that cannot be read, and every other
    suffix answer True: the import itself then says what is wrong.  A file named explicitly is always imported.
    """
    from jixiao.indicators.safe_files import UnsafeFile, read_regular_file

    from .numbers import plain_text
    from .readers.text import decode_text

    if Path(str(path)).suffix.lower() not in (".txt", ".csv"):
        return True
    try:
        data = read_regular_file(str(path), FORM_TEXT_PROBE_BYTES)
    except UnsafeFile:
        return True  # too large or unreadable: not judged here
    text = plain_text(decode_text(data))
    return any(word in text for word in _FORM_TEXT_WORDS)


def not_a_form_notice(path: str | Path) -> str:
    """The one line ``jixiao review DIR`` prints for a skipped .txt/.csv (see :func:`looks_like_form_text`)."""
    return f"跳过 {path}：文本中没有自评表（未见“三级指标”“绩效自评”等字样）。如确为自评表，请单独指定该文件。"


def is_imported(path: str | Path) -> bool:
    """True when ``path`` is not a TOML form but a file the import reads (a spreadsheet, a text...)."""
    suffix = Path(str(path)).suffix.lower()
    return suffix != ".toml" and suffix in READERS


def import_grids(path: str | Path, tiers: tuple[Decimal, Decimal] | None = None) -> tuple[list[Grid], list[Recognised]]:
    """The grids of the file and every form found in them; raises :class:`ImportFailure`.

    ``tiers``: the rule set's qualitative thresholds (see :func:`recognise.recognise`)."""
    from .recognise import Note
    from .targets import recognise_any  # a 绩效目标表 grid is read as definitions (kind = "targets")

    grids = read_grids(path)
    found: list[Recognised] = []
    for grid in grids:
        for rec in recognise_any(grid, tiers):
            said = {n.address for n in rec.notes}
            extra = [Note(a, m, k) for a, m, k in _grid_notes(grid)]  # type: ignore[arg-type]
            for r in range(rec.top, min(rec.bottom, grid.height - 1) + 1):
                for cell in grid.rows[r]:
                    if cell.problem and cell.address not in said:  # a cell the recogniser did not use
                        extra.append(Note(cell.address, f"{cell.problem}（该格未用于表单）", "ignored"))
            rec.notes[:0] = extra
            found.append(rec)
    _restore_exported(grids, found)
    return grids, found


def _is_form(data: dict[str, Any], form: Form) -> bool:
    from jixiao.indicators.schema import Form as FormModel
    from pydantic import ValidationError

    try:
        return FormModel.model_validate(data) == form
    except ValidationError:
        return False


def _restore_exported(grids: list[Grid], found: list[Recognised]) -> None:
    """A workbook written by ``jixiao export`` carries the whole form in its hidden sheet ``jixiao``
    (``indicators/embedded.py``): the keys the official layout has no place for (rule set, tier,
    method, params …) come back from there; an edited sheet still wins on every key it shows."""
    from jixiao.indicators.embedded import DIFFERS, SHEET, read_payload, restore

    from .recognise import Note

    hidden = [g for g in grids if g.name == SHEET]
    forms = [r for r in found if r.grid.name != SHEET]
    if len(hidden) != 1 or len(forms) != 1:
        return
    embedded = read_payload([row[0].text for row in hidden[0].rows[1:] if row])
    rec = forms[0]
    if embedded is None:
        rec.notes.append(Note(f"{SHEET}!A2", "工作表“jixiao”中的导出数据已损坏或被修改，未使用；只按表格读取。", "ignored"))
        return
    sheets = [g for g in grids if g is rec.grid and g.name == embedded.sheet]
    cells = [(c.address.split("!")[-1], c.text) for row in sheets[0].rows for c in row] if sheets else None
    rec.data, said = restore(rec.data, embedded, cells)
    if rec.data is not None and _is_form(rec.data, embedded.form):  # the recogniser's guesses were not used
        rec.notes = [n for n in rec.notes if n.kind != "assumed"]
    # a hidden form that differs from the visible sheet: the sheet was scored, and the review says so
    rec.notes.extend(Note(f"{SHEET}!A2", message, "problem" if message.startswith(DIFFERS) else "found") for message in said)


def _grid_notes(grid: Grid) -> list[tuple[str, str, str]]:
    out = []
    for note in getattr(grid, "notes", ()):
        address, message = note[0], note[1]
        kind = note[2] if len(note) > 2 else ("ignored" if "只读取" in message else "found")
        out.append((address, message, kind))
    return out


def recognise_all(grids: list[Grid]) -> list[Recognised]:
    """Every form in every grid, in order (a workbook's sheets, a text's one grid)."""
    from .targets import recognise_any

    return [rec for grid in grids for rec in recognise_any(grid)]


def import_file(path: str | Path) -> list[Recognised]:
    """Every form in a spreadsheet or text file (read_grids + recognise over every grid)."""
    return import_grids(path)[1]


def no_form_message(grids: list[Grid]) -> str:
    """Why nothing was found, in Chinese: what was looked at and what was looked for."""
    looked = []
    for g in grids:
        name = (g.name if g.kind == "pdf" else f"工作表“{g.name}”") if g.name else "全文"
        looked.append(f"{name}（{g.height} 行）")
    where = "、".join(looked) if looked else "（文件中没有内容）"
    scans = {m for g in grids for _a, m in g.notes if "扫描" in m}  # a PDF reader's scanned pages
    if scans:
        where += "；" + "；".join(sorted(scans))
    said = "".join(f"{m}" for g in grids for _a, m, k in _grid_notes(g) if k == "ignored")
    return (
        f"没有找到绩效自评表。已查看：{where}。{said}"
        "查找的是：标题“…绩效自评表”（如“2021 年度部门整体支出绩效自评表”“项目支出绩效自评表”）、"
        "部门名称或项目名称、资金表（年度资金总额、全年预算数、全年执行数）和指标表"
        "（一级指标、二级指标、三级指标、分值、得分）。请确认文件中有这样的表格，"
        "或把表格复制到一个新的工作表中再试。"
    )


# ------------------------------------------------------------------ loading a submission


@dataclass
class Imported:
    """How an imported form maps back to its source: key paths of the generated TOML -> cell addresses."""

    source: str
    sheet: str  # the grid's name ("" for a text or CSV)
    range_text: str  # "Sheet1!A1:I40", "第 552–581 行"
    cells: dict[tuple[Any, ...], str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    printed: list[Any] = field(default_factory=list)  # the form's printed figures (printed.py), for scoring/printed_check.py

    @property
    def origin(self) -> str:
        """Where in the file the form is, for a row that names the file: "工作表 Sheet1" or the line range."""
        return f"工作表 {self.sheet}" if self.sheet else self.range_text

    def address(self, loc: tuple[Any, ...]) -> str:
        """The cell of a key path, or of its nearest parent that has one ("" when none)."""
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.cells:
                return self.cells[loc[:n]]
        return ""


def load_imported(path: str | Path) -> tuple[Form, str, Notes]:
    """(form, generated TOML text, notes) of a spreadsheet or text holding one form.

    The part of :func:`jixiao.indicators.submission.load_submission` for a file
    that is not TOML (use that: it also reads TOML forms).  Raises
    :class:`FormError` (with every problem, each named by file and cell where
    known); ``notes.imported`` maps the text's key paths to cells.
    """
    from jixiao.indicators.loader import _SECTIONS, FormError, Problem, parse_toml_text, validate_model
    from jixiao.indicators.schema import Form

    source = str(path)
    notes = Notes()
    rec = recognised_one(path)
    from .toml_writer import form_toml

    text = form_toml(rec)
    imported = imported_of(rec)
    notes.extend(rec.notes)
    notes.imported = imported
    try:
        data = parse_toml_text(text, source)
        form = validate_model(Form, data, text, source, _SECTIONS)
    except FormError as exc:
        problems = []
        for p in exc.problems:
            loc = _loc_of_key(p.key)
            address = imported.address(loc) or imported.range_text
            problems.append(Problem(source, p.key, None, f"{address}：{p.message}（导入后的表单检查；请改正原表后重试，或先 jixiao import 成 .toml 再修改）"))
        raise FormError(problems) from None
    return form, text, notes


def recognised_one(path: str | Path) -> Recognised:
    """The one form of an imported file; FormError when there is none or more than one."""
    from jixiao.indicators.loader import FormError, Problem

    source = str(path)
    try:
        grids, found = import_grids(path)
    except ImportFailure as exc:
        raise FormError([Problem(source, "", None, exc.message)]) from None
    if not found:
        raise FormError([Problem(source, "", None, no_form_message(grids))])
    if len(found) > 1:
        listing = "；".join(f"{i}. {describe(r)}" for i, r in enumerate(found, start=1))
        raise FormError(
            [
                Problem(
                    source,
                    "",
                    None,
                    f"文件中有 {len(found)} 张自评表（{listing}），这里只能处理一张。"
                    f"请先运行 jixiao import {source} -o 文件夹/ 把它们分别存为 .toml，再逐个处理。",
                )
            ]
        )
    return found[0]


def describe(rec: Recognised) -> str:
    """One line about a found form: kind, unit, year and where it is."""
    what = {"department": "部门整体支出", "project": "项目支出"}.get(rec.kind, "自评表")
    who = rec.unit + (f" · {rec.project}" if rec.project else "")
    year = f"{rec.year} 年度" if rec.year else "年度未知"
    return f"{year}{what}（{who or '单位未知'}），{rec.range_text}"


_KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _loc_of_key(key: str) -> tuple[Any, ...]:
    """The loader's dotted key (``indicators[3].weight``) back to a key path (``('indicators', 2, 'weight')``)."""
    out: list[Any] = []
    for name, index in _KEY_PART.findall(key):
        out.append(int(index) - 1 if index else name)
    return tuple(out)


def imported_of(rec: Recognised) -> Imported:
    grid = rec.grid
    cells = dict(getattr(rec, "cells", None) or {})
    if not cells:
        cells = _cells_by_label(rec)
    return Imported(grid.source, grid.name, rec.range_text, cells, list(rec.notes), list(getattr(rec, "printed", ())))


def _cells_by_label(rec: Recognised) -> dict[tuple[Any, ...], str]:
    """Key paths -> cells, found by what the cells say, for a recogniser that gives no map of its own.

    Row-level: an indicator maps to the cell of its 三级 name, the funds to
    the 年度资金总额 row, the claimed total to the 总分 / 合计 row.
    """
    from .numbers import plain_text

    grid = rec.grid
    data = rec.data
    bottom = min(rec.bottom, grid.height - 1)
    texts: list[tuple[str, str]] = []  # (plain text, address), in reading order
    for r in range(rec.top, bottom + 1):
        for cell in grid.rows[r]:
            if not cell.blank:
                texts.append((plain_text(cell.text), cell.address))

    def first(pred: Any, start: int = 0) -> tuple[int, str]:
        for i in range(start, len(texts)):
            if pred(texts[i][0]):
                return i, texts[i][1]
        return -1, ""

    out: dict[tuple[Any, ...], str] = {}
    pos = 0
    for i, ind in enumerate(data.get("indicators", []) or []):
        name = plain_text(str(ind.get("name", "")))
        if not name:
            continue
        k, address = first(lambda t, name=name: t == name, pos)
        if k < 0:
            k, address = first(lambda t, name=name: t == name)
        if address:
            out[("indicators", i)] = address
            pos = k + 1
    for key, labels in (
        (("funds",), ("年度资金总额", "资金总额", "合计")),
        (("unit",), ("部门名称", "单位名称", "项目名称", "部门")),
        (("goal",), ("年度总体目标", "总体目标", "预期目标")),
        (("claimed",), ("总分", "合计", "总计")),
        (("signoff",), ("填表人",)),
    ):
        match = [a for t, a in texts if any(t.startswith(x) for x in labels)]
        if match:
            out[key] = match[-1] if key == ("claimed",) else match[0]  # the 合计 of the total is the last
    return out
