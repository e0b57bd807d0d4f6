"""``jixiao import FILE... [-o OUT] [--force] [--list]``: real forms (Excel, CSV, text) to format-1 TOML.

Every 绩效自评表 in the files is found (one per sheet, several on one sheet,
one inside a long text) and written as TOML: ``-o X.toml`` for one form,
``-o DIR`` for several (names from the unit and project), standard output
when there is one form and no ``-o``.  What was found, assumed and could
not be placed is printed in Chinese with its cell address (on standard
error when the TOML goes to standard output).

Exit status: 0 written; 1 written, but a form has problems (a cell that
could not be read, or the generated TOML does not pass the form checks);
2 nothing written (a file cannot be read, holds no form, or the output is
wrong).

Only the standard library at module level; the readers are imported in :func:`run`.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path
from typing import IO, Any

from jixiao.scoring.vocabulary import KIND_ZH
from jixiao.tui.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE

HELP = "导入：从 Excel（.xlsx/.xlsm/.xls）、CSV、文本（.txt）、PDF 或 Word（.docx/.doc）中找出自评表，转换为 .toml 表单"

NOTE_HEADINGS = (
    ("found", "读取"),
    ("assumed", "假定（请核对）"),
    ("ignored", "未归入表单（已忽略）"),
    ("problem", "问题"),
)


def register(subparsers: Any) -> None:
    from jixiao.indicators.importing.readers import READERS  # the table of suffixes only: no reader is imported

    kinds = " ".join(READERS)
    p = subparsers.add_parser(
        "import",
        help=HELP,
        description=HELP + "。每张表的来源（文件、工作表、单元格范围）和每一处假定都写在生成的 TOML 开头的注释里。",
    )
    p.add_argument("files", nargs="+", metavar="文件", help=f"要导入的文件：{kinds}")
    p.add_argument(
        "-o",
        "--output",
        metavar="输出",
        help="一张表时为 X.toml；多张表时为文件夹（不存在则新建，文件名取自单位和项目）。不给出时，把唯一一张表的 TOML 打印到标准输出",
    )
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    p.add_argument("--list", action="store_true", help="只列出找到的表（类型、单位、年度、工作表与单元格范围、指标数），不写文件")
    p.add_argument("--explain", action="store_true", help="另列出每一栏取自原表的哪个单元格（生成的 TOML 开头的注释中也有）")
    p.set_defaults(func=run)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


# ------------------------------------------------------------------ names


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, limit: int = 80) -> str:
    """A file name from a unit or project name: no separators or characters Windows forbids, not too long:
    at most ``limit`` characters and MADE_NAME_BYTES bytes (room for a suffix and a save's temporary file)."""
    from jixiao.indicators.safe_files import MADE_NAME_BYTES, cut_to_bytes

    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", text))
    name = re.sub(r"\s+", " ", name).strip(" ._")
    if len(name) > limit or len(name.encode("utf-8")) > MADE_NAME_BYTES:
        name = cut_to_bytes(name[:limit], MADE_NAME_BYTES).rstrip(" ._")
    if not name:
        name = "自评表"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def form_names(recs: list[Any]) -> list[str]:
    """One unique ``.toml`` name per form: year, unit, project (case-insensitively unique)."""
    out: list[str] = []
    taken: set[str] = set()
    for rec in recs:
        parts = [str(rec.year) if rec.year else "", rec.unit, rec.project]
        base = safe_name("-".join(p for p in parts if p) or "自评表")
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        out.append(name + ".toml")
    return out


# ------------------------------------------------------------------ what was found


def _where(rec: Any) -> str:
    grid = rec.grid
    sheet = f"工作表“{grid.name}” " if grid.name and grid.kind != "pdf" else ""  # a PDF's name is its pages: said once
    return f"{grid.source} {sheet}{rec.range_text}"


def describe(rec: Any) -> str:
    what = KIND_ZH.get(rec.kind) or ("绩效目标表" if rec.kind == "targets" else "自评表")
    who = rec.unit + (f" · {rec.project}" if rec.project else "")
    year = f"{rec.year} 年度" if rec.year else "年度未知"
    rows = len(rec.data.get("indicators", []) or [])
    return f"{year}{what}（{who or '单位未知'}），指标 {rows} 项"


def report(rec: Any, out: IO[str], problems: list[str], mismatches: list[str] = (), explain: bool = False) -> None:  # type: ignore[assignment]
    """What was found in one form, and every note with its address; ``explain``: the cell of every field."""
    print(f"找到：{describe(rec)}；位置：{_where(rec)}", file=out)
    for kind, heading in NOTE_HEADINGS:
        notes = [n for n in rec.notes if n.kind == kind]
        if not notes:
            continue
        print(f"  {heading}：", file=out)
        for n in notes:
            message = re.sub(r"\s*\n\s*", " ", n.message)  # a title cell's line break: one line per note
            print(f"    {n.address}：{message}", file=out)
    if mismatches:
        print("  印刷的数与复算不符（原表印错或读错，请核对）：", file=out)
        for m in mismatches:
            print(f"    {m}", file=out)
    for p in problems:
        print(f"  表单检查：{p}", file=out)
    if explain:
        from jixiao.indicators.importing.toml_writer import field_sources

        print("  各栏取自原表的单元格：", file=out)
        for key, cells in field_sources(rec):
            print(f"    {key}：{cells}", file=out)


def _tiers() -> tuple[Any, Any]:
    """The default rule set's qualitative thresholds, for the tier of a qualitative row's claimed score."""
    from jixiao.scoring.rules import DEFAULT_RULES, load_rules

    q = load_rules(DEFAULT_RULES).qualitative
    return q.achieved, q.partial


def _printed(rec: Any, text: str) -> list[str]:
    """The figures the form prints (执行率, 分值合计, 二级指标分值, 序号) that differ from the recomputation."""
    from jixiao.indicators.loader import FormError, load_form_text
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.printed_check import check_printed
    from jixiao.scoring.rules import load_rules

    if not getattr(rec, "printed", None):
        return []
    try:
        form = load_form_text(text, rec.grid.source)
        result = score_form(form, load_rules(form.rules), rec.grid.source)
    except FormError:
        return []  # the form checks say what is wrong
    return [f"{f.where} {f.message}" for f in check_printed(form, result, rec.printed)]


def _check(rec: Any, text: str) -> list[str]:
    """The form checks of the loader on the generated TOML, each named by its cell where known."""
    from jixiao.indicators.importing import _loc_of_key, imported_of
    from jixiao.indicators.loader import FormError, load_form_text

    try:
        if rec.kind == "targets":  # a 绩效目标表 (indicators/importing/targets.py): the definitions' checks
            from jixiao.indicators.targets import load_targets_text

            load_targets_text(text, rec.grid.source)
        else:
            load_form_text(text, rec.grid.source)
    except FormError as exc:
        imported = imported_of(rec)
        out = []
        for p in exc.problems:
            address = imported.address(_loc_of_key(p.key)) or imported.range_text
            key = f"[{p.key}] " if p.key else ""
            out.append(f"{address} {key}{p.message}")
        return out
    return []


def _list(found: list[tuple[str, Any]]) -> None:
    from jixiao.tui.textable import render_table

    rows = []
    for i, (_f, rec) in enumerate(found, start=1):
        rows.append(
            [
                str(i),
                KIND_ZH.get(rec.kind) or ("绩效目标表" if rec.kind == "targets" else "—"),
                rec.unit + (f" · {rec.project}" if rec.project else "") or "—",
                str(rec.year or "—"),
                rec.grid.source,
                rec.grid.name or "—",
                rec.range_text,
                str(len(rec.data.get("indicators", []) or [])),
            ]
        )
    print(render_table(["序号", "类型", "单位 · 项目", "年度", "文件", "工作表", "范围", "指标数"], rows, max_width=30))


# ------------------------------------------------------------------ the command


def run(args: argparse.Namespace) -> int:
    from jixiao.indicators.atomic import atomic_write_text
    from jixiao.indicators.importing import ImportFailure, import_grids, no_form_message
    from jixiao.indicators.importing.toml_writer import form_toml
    from jixiao.indicators.safe_files import output_is_input, same_file

    found: list[tuple[str, Any]] = []
    failed = False
    files: list[str] = []
    for f in args.files:  # a file named twice (under any name) is imported once
        if not any(same_file(f, g) for g in files):
            files.append(f)
    for f in files:
        if Path(f).is_dir():
            _err(f"{f}：这是一个文件夹，不是文件。请给出要导入的文件（如 {Path(f) / '自评表.xlsx'}），可一次给出多个。")
            failed = True
            continue
        if f.lower().endswith(".toml"):
            _err(f"{f}：这已经是 .toml 表单，无需导入。可直接运行 jixiao check {f}。")
            failed = True
            continue
        try:
            grids, recs = import_grids(f, _tiers())
        except ImportFailure as exc:
            _err(str(exc))
            failed = True
            continue
        if not recs:
            _err(f"{f}：{no_form_message(grids)}")
            failed = True
            continue
        found += [(f, rec) for rec in recs]
    if failed:
        if found:
            _err("以上文件无法导入，未写入任何文件。请先处理这些文件，或只导入其余的文件。")
        return EXIT_UNUSABLE

    if args.list:
        _list(found)
        what = "绩效目标表" if all(rec.kind == "targets" for _, rec in found) else "自评表" if not any(rec.kind == "targets" for _, rec in found) else "表"
        print(f"\n共找到 {len(found)} 张{what}（未写入文件）。")
        return EXIT_OK

    recs = [rec for _, rec in found]
    texts = [form_toml(rec) for rec in recs]
    checks = [_check(rec, text) for rec, text in zip(recs, texts)]
    mismatches = [_printed(rec, text) for rec, text in zip(recs, texts)]
    texts = [form_toml(rec, m) if m else text for rec, text, m in zip(recs, texts, mismatches)]
    bad = any(checks) or any(mismatches) or any(n.kind == "problem" for rec in recs for n in rec.notes)

    if not args.output:
        if len(recs) > 1:
            _err(
                f"找到 {len(recs)} 张自评表，标准输出只能给出一张。请用 -o 文件夹/ 分别写出，"
                "或用 --list 查看找到了哪些："
            )
            for i, rec in enumerate(recs, start=1):
                _err(f"  {i}. {describe(rec)}；位置：{_where(rec)}")
            return EXIT_UNUSABLE
        report(recs[0], sys.stderr, checks[0], mismatches[0], args.explain)
        sys.stdout.write(texts[0])
        sys.stdout.flush()
        return EXIT_PROBLEMS if bad else EXIT_OK

    out = Path(args.output)
    as_folder = out.is_dir() or args.output.endswith(("/", "\\")) or (out.suffix.lower() != ".toml" and not out.exists())
    if as_folder:
        if out.exists() and not out.is_dir():
            _err(f"{out}：已存在且不是文件夹。多张表请给出一个文件夹。")
            return EXIT_UNUSABLE
        if not out.parent.is_dir():
            _err(f"{out}：上一级文件夹 {out.parent} 不存在。请先创建它。")
            return EXIT_UNUSABLE
        targets = [out / name for name in form_names(recs)]
    else:
        if len(recs) > 1:
            _err(f"找到 {len(recs)} 张自评表，不能都写入一个文件 {out}。请给出一个文件夹：-o 文件夹/")
            for i, rec in enumerate(recs, start=1):
                _err(f"  {i}. {describe(rec)}；位置：{_where(rec)}")
            return EXIT_UNUSABLE
        if not out.parent.is_dir():
            _err(f"{out}：所在的文件夹 {out.parent} 不存在。请先创建它。")
            return EXIT_UNUSABLE
        targets = [out]
    for t in targets:
        same = output_is_input(t, args.files)
        if same:
            _err(f"{t}：输出文件就是输入文件 {same}，不会覆盖。请换一个输出文件名。")
            return EXIT_UNUSABLE
    existing = [t for t in targets if t.exists()]
    if existing and not args.force:
        for t in existing:
            _err(f"{t}：文件已存在，未覆盖。如确需覆盖，请加 --force。")
        _err("未写入任何文件。")
        return EXIT_UNUSABLE
    if as_folder and not out.exists():
        try:
            out.mkdir()
        except OSError as exc:
            _err(f"{out}：无法创建文件夹（{exc.strerror or exc}）。")
            return EXIT_UNUSABLE
    written = []
    for rec, text, problems, said, target in zip(recs, texts, checks, mismatches, targets):
        report(rec, sys.stdout, problems, said, args.explain)
        try:
            atomic_write_text(target, text)
        except OSError as exc:
            _err(f"{target}：无法写入（{exc.strerror or exc}）。")
            return EXIT_UNUSABLE
        print(f"  已写入：{target}")
        written.append(target)
    if len(written) > 1:
        print(f"\n共写入 {len(written)} 个文件。")
    if bad:
        print("\n有的表存在问题（见上）：文件已写入，请核对原表并修改 .toml 后，用 jixiao check 检查。")
    else:
        first = written[0]
        if recs[0].kind == "targets":
            print(f"\n下一步：jixiao targets check {first}；年末生成自评表：jixiao new --from-targets {first} -o 自评表.toml")
        else:
            print(f"\n下一步：jixiao check {first}（或 jixiao score {first}）")
    return EXIT_PROBLEMS if bad else EXIT_OK
