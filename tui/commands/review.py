"""``jixiao review PATH...``: a finance bureau re-scores a batch of forms.

Only the standard library at module level; the engine, openpyxl, ReportLab
and rich are imported inside :func:`run`, so ``jixiao score`` starts fast.

Exit status: 0 no form has an error finding or could not be read; 1 at
least one has (or could not be read); 2 no input path exists, or the
arguments or an output file are wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from jixiao.indicators.safe_files import os_error_text
from jixiao.tui.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE

HELP = "复核：对一批自评表（文件或文件夹）逐份复算，应用复核文件夹（--reviews）中的 X.review.toml 复核文件，汇总结果"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("review", help=HELP, description=HELP + "。终端表格按“最差优先”排序：无法读取的在前，其次错误多的，其次填报总分与复核总分差距大的。"
                          "每份表单和复核结论记入复核记录（--db）；再次复核时，文件、复核文件、规则集和 jixiao 版本都未改变的表单沿用记录，不再读取；"
                          "同一单位、项目与上一年的表单比对，给出跨年度发现项。")
    p.add_argument("paths", nargs="+", metavar="路径", help="表单文件（.toml，或 .xlsx/.xlsm/.xls/.csv/.txt，导入后复核）或文件夹（递归查找这些文件，不含 *.review.toml）")
    p.add_argument("--rules", metavar="规则集", help="所有表单都用这个规则集（ID 或规则文件路径）；默认用各表单 rules 指定的")
    p.add_argument(
        "--reviews",
        metavar="文件夹",
        help="复核文件夹：表单 X 的复核调整读自其中的 X.review.toml（文件夹下的子文件夹与所复核文件夹的子文件夹对应）；"
        "与提交材料放在一起的复核文件只报告、不应用",
    )
    p.add_argument("--format", choices=["table", "json"], default="table", help="标准输出的格式（默认 table）")
    p.add_argument("--out", metavar="文件", help="另存结果：.csv（UTF-8 带 BOM）、.xlsx 或 .json，按扩展名决定")
    p.add_argument("--pdf", metavar="文件", help="生成复核报告 PDF")
    p.add_argument(
        "--pdf-forms",
        type=int,
        default=500,
        metavar="N",
        help="PDF 逐份说明只列最差的 N 份需要关注的表单（默认 500；0 表示全部）；全部表单见 --out 的表格",
    )
    p.add_argument("--font", metavar="字体文件", help="PDF 用的 TrueType 中文字体（默认自动查找）")
    p.add_argument(
        "--targets-dir",
        metavar="文件夹",
        help="批复的绩效目标表所在的文件夹（kind = \"targets\" 的 .toml，按单位、项目和年度对应）：核对各表的指标值、分值和指标是否与批复一致",
    )
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="并行进程数（默认为 CPU 核数）")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="终端表格只显示最差的 N 份（默认全部）")
    p.add_argument("--year", type=int, default=None, metavar="年度",
                   help="本批次的年度：年度不同的表单提示 year-outlier（默认取多数表单的年度）")
    p.add_argument("--title", metavar="单位名称", default="",
                   help="复核报告 PDF 标题中的复核单位（如 某市财政局），标题为“单位 年度 预算绩效自评复核报告”")
    from ._store import add_db_argument

    add_db_argument(p)
    p.add_argument("--no-db", action="store_true", help="不使用复核记录：不保存本次结果，也不沿用以前的结果")
    p.set_defaults(func=run)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _progress(total: int, chunks: Iterator[Any]) -> Iterator[Any]:
    """A progress bar on stderr, only when stderr is a terminal; advances by each chunk's forms."""
    if total < 2 or not sys.stderr.isatty():
        yield from chunks
        return
    from jixiao.tui.terminal import unguarded
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    first = next(chunks, None)  # starts the workers before the bar's refresh thread exists
    if first is None:
        return
    columns = (TextColumn("复核中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=unguarded(sys.stderr)), transient=True) as bar:
        task = bar.add_task("review", total=total)
        yield first
        bar.advance(task, first.count)
        for chunk in chunks:
            yield chunk
            bar.advance(task, chunk.count)


FILE_WIDTH = 32
RULES_HASH_SHOWN = 12  # hex digits of the rule set's hash in the terminal table (the CSV, xlsx and JSON hold all 64)


class _JsonTerminal:
    """JSON on the terminal: control and bidi characters as JSON escapes (same data, nothing obeyed)."""

    def __init__(self, out: Any):
        self.out = out

    def write(self, text: str) -> int:
        from jixiao.tui.terminal import json_text

        return self.out.write(json_text(text))

    def __getattr__(self, name: str) -> Any:  # flush
        return getattr(self.out, name)


def _table_cells(row: Any) -> list[str]:
    from jixiao.reports.tables import UNREADABLE
    from jixiao.scoring.vocabulary import KIND_SHORT_ZH, NONE_MARK

    if row.error:
        return [row.file, UNREADABLE, "", "", NONE_MARK, NONE_MARK, NONE_MARK, NONE_MARK, "1", "0"]
    # "—": no claimed grade, or a rule set without grades
    grades = "/".join(g or NONE_MARK for g in (row.claimed_grade, row.grade, row.review_grade))
    return [
        row.file,
        row.unit,
        KIND_SHORT_ZH.get(row.kind, row.kind),
        f"{row.rules} {row.rules_sha256[:RULES_HASH_SHOWN]}",  # which rules scored it: id and effective hash
        row.claimed_total or NONE_MARK,
        row.total,
        row.review_total,
        grades,
        str(row.errors),
        str(row.warnings),
    ]


def table_piece(records: list[Any]) -> tuple[list[tuple[Any, Any]], list[tuple[Any, str]]]:
    """The terminal table's entries of a chunk (in the workers): (key, :func:`table_entry`), and the unreadable."""
    return ([(rec.key, table_entry(rec.row)) for rec in records],
            [(rec.key, rec.row.error) for rec in records if rec.row.error])


def table_entry(row: Any) -> tuple[list[str], list[int]]:
    """One form's row of the terminal table, cut to size and measured (runs in the workers).

    A long path keeps its end (the file name says the most), other cells their start.
    """
    from jixiao.tui.terminal import visible
    from jixiao.tui.textable import cell_width, truncate

    cells = [visible(c) for c in _table_cells(row)]
    widths = []
    for i, cell in enumerate(cells):
        w = cell_width(cell)
        if w > FILE_WIDTH:
            cell = cells[i] = truncate(cell, FILE_WIDTH, keep_end=i == 0)
            w = cell_width(cell)
        widths.append(w)
    return cells, widths


TABLE_HEADERS = ["文件", "单位", "类型", "规则集 摘要", "填报总分", "复算总分", "复核总分", "等级 填报/复算/复核", "错误", "警告"]
TABLE_ALIGN = ["left", "left", "left", "left", "right", "right", "right", "left", "right", "right"]


def format_forms_table(rows: list[tuple[Any, tuple[list[str], list[int]]]], limit: int = 0) -> str:
    """The forms, worst first: ``rows`` are (worst-first key, :func:`table_entry`)."""
    from jixiao.tui.textable import render_measured

    rows = sorted(rows, key=lambda r: r[0])
    shown = rows[:limit] if limit > 0 else rows
    body = []
    for i, (_, (cells, widths)) in enumerate(shown, start=1):
        n = str(i)
        body.append(([n, *cells], [len(n), *widths]))
    out = render_measured(["序号"] + TABLE_HEADERS, body, ["right"] + TABLE_ALIGN)
    if len(shown) < len(rows):
        out += f"\n（只显示最差的 {len(shown)} 份，共 {len(rows)} 份；去掉 --limit 可显示全部）"
    return out


def format_summary(summary: Any) -> str:
    from jixiao.scoring.findings import CATALOG, SEVERITY_ZH
    from jixiao.tui.textable import render_table

    out = [
        f"共 {summary.forms} 份表单：可读 {summary.forms - summary.unreadable} 份，无法读取 {summary.unreadable} 份；"
        f"有错误的 {summary.with_errors} 份；有复核文件的 {summary.reviewed} 份。"
    ]
    for (rid, sha), n in sorted(summary.rule_sets.items()):
        out.append(f"规则集 {rid}（摘要 sha256 {sha}）：{n} 份。")
    grades = summary.grades()
    if grades:
        out.append("")
        out.append("等级分布（份）：")
        rows = [[g, str(summary.claimed[g]), str(summary.computed[g]), str(summary.review[g])] for g in grades]
        out.append(render_table(["等级", "填报", "复算", "复核"], rows, ["left", "right", "right", "right"]))
    top = summary.top_codes(10)
    if top:
        out.append("")
        out.append("最常见的发现项：")
        rows = [[code, SEVERITY_ZH[CATALOG[code].severity], CATALOG[code].title, str(n), str(k)] for code, n, k in top]
        out.append(render_table(["代码", "严重程度", "名称", "条数", "涉及表单"], rows, ["left", "left", "left", "right", "right"]))
    return "\n".join(out)


def format_batch(summary: Any) -> str:
    """The findings about the batch as a whole: each form concerned, with what it shares with the others."""
    from jixiao.scoring.findings import SEVERITY_ZH
    from jixiao.tui.terminal import visible

    lines = ["本批次的检查（重复报送、年度不符）："]
    for f in summary.batch:
        lines.append(visible(f"  [{SEVERITY_ZH[f.severity]}] {f.code}  {f.path}：{f.message}"))
    return "\n".join(lines)


def _overwrites_input(
    targets: list[str], files: list[str], rules: str | None, reviews: str | None = None, roots: tuple[str, ...] = ()
) -> str | None:
    """The message when an output would overwrite a form, a review file or the rules file.

    Only outputs that exist can be an input, so a batch whose outputs are new
    files costs one ``stat`` per output here, not one per form.
    """
    import os

    from jixiao.scoring.review import review_file_in, review_path_for

    from ._paths import refuse_overwrite_many

    existing = [t for t in targets if os.path.exists(t)]
    if not existing:
        return None

    def inputs() -> Iterator[str]:
        if rules:
            yield rules
        for f in files:
            yield f
            yield str(review_path_for(f))
            if reviews:
                yield review_file_in(reviews, f, roots)

    return refuse_overwrite_many(existing, inputs())


def _abort(outputs: list[Any], writers: list[Any]) -> None:
    for o in outputs:
        o.abort()
    for w in writers:
        if hasattr(w, "abort"):
            w.abort()


def run(args: argparse.Namespace) -> int:
    from jixiao.reports.tables import FORMATS, JsonWriter, options_for
    from jixiao.scoring.batch import Chunk, Summary, discover_names, make_chunk, run_batch, unreadable_record

    out_path = Path(args.out) if args.out else None
    if out_path is not None and out_path.suffix.lower() not in FORMATS:
        _err(f"{args.out}：不支持的输出格式 “{out_path.suffix or '（无扩展名）'}”。请用 .csv、.xlsx 或 .json 结尾的文件名。")
        return EXIT_UNUSABLE
    for target in (args.out, args.pdf):
        if target and not Path(target).resolve().parent.is_dir():
            _err(f"{target}：所在的文件夹不存在。请先创建文件夹或换一个路径。")
            return EXIT_UNUSABLE
    if args.jobs < 0 or args.limit < 0 or args.pdf_forms < 0:
        _err("--jobs、--limit、--pdf-forms 不能为负数。")
        return EXIT_UNUSABLE

    year = getattr(args, "year", None)
    if year is not None:
        from jixiao.indicators.schema import YEAR_MAX, YEAR_MIN

        if not YEAR_MIN <= year <= YEAR_MAX:
            _err(f"--year {year}：年度应在 {YEAR_MIN}—{YEAR_MAX} 之间。")
            return EXIT_UNUSABLE

    reviews = getattr(args, "reviews", None)
    if reviews and not Path(reviews).is_dir():
        _err(f"{reviews}：复核文件夹不存在（--reviews 须是一个文件夹）。请检查路径。")
        return EXIT_UNUSABLE
    import os

    roots = tuple(os.path.abspath(p) for p in args.paths if os.path.isdir(p))

    if args.rules:  # one rule set for every form: check it once, not once per form
        from jixiao.indicators.loader import FormError
        from jixiao.scoring.rules import load_rules

        try:
            load_rules(args.rules, Path.cwd())
        except FormError as exc:
            _err("无法使用 --rules 指定的规则集：")
            for p in exc.problems:
                _err(f"  {p}")
            return EXIT_UNUSABLE

    if args.pdf:  # an unusable --font is found now, not after the whole batch
        from jixiao.reports.fonts import register_cjk_font

        try:
            register_cjk_font(args.font)
        except ValueError as exc:
            _err(str(exc))
            return EXIT_UNUSABLE

    skipped: list[str] = []
    files, missing = discover_names(args.paths, skipped, documents=True)  # Word and PDF submissions too
    if skipped:
        from jixiao.indicators.importing import not_a_form_notice

        for name in skipped:
            _err(not_a_form_notice(name))
    if len(missing) == len(args.paths):
        for m in missing:
            _err(f"{m}：路径不存在。请检查文件或文件夹的路径。")
        return EXIT_UNUSABLE
    if not files and not missing:
        _err("给出的文件夹中没有找到表单文件（*.toml、*.xlsx、*.xlsm、*.xls、*.csv、*.txt、*.docx、*.doc、*.pdf，不含 *.review.toml）。")
    if args.out and args.pdf and (Path(args.out).resolve() == Path(args.pdf).resolve()):
        _err(f"--out {args.out} 与 --pdf {args.pdf} 是同一个文件。请给两个输出不同的文件名。")
        return EXIT_UNUSABLE
    refused = _overwrites_input([t for t in (args.out, args.pdf) if t], files, args.rules, reviews, roots)
    if refused:
        _err(refused)
        return EXIT_UNUSABLE

    targets_index = None
    if getattr(args, "targets_dir", None):  # the reviewer's own folder; a submission's [targets] file is never opened
        from .targets import load_targets_folder

        if not Path(args.targets_dir).is_dir():
            _err(f"{args.targets_dir}：不是文件夹。--targets-dir 应为存放绩效目标表的文件夹。")
            return EXIT_UNUSABLE
        targets_index, targets_problems = load_targets_folder(args.targets_dir)
        if targets_problems:
            _err("以下绩效目标表无法读取，未使用：")
            for line in targets_problems:
                _err(f"  {line}")
        if not len(targets_index):
            _err(f"{args.targets_dir}：没有找到绩效目标表（kind = \"targets\" 的 .toml 文件，或 Excel、Word、PDF 格式的绩效目标表）。")
            return EXIT_UNUSABLE
        approved = {str(Path(f).resolve()) for f in targets_index.files()}  # a folder inside the submissions:
        files = [f for f in files if str(Path(f).resolve()) not in approved]  # its definitions are not forms

    kind = out_path.suffix.lower() if out_path is not None else ""
    keep_table = args.format == "table"
    opts = options_for(
        [kind] if kind else [],
        rules=args.rules,
        json_text=args.format == "json",
        pdf=bool(args.pdf),
        extra=(("table", table_piece),) if keep_table else (),
    )
    if args.pdf:  # the ranking of every form, not only those that need a section
        from jixiao.reports.review_pdf import RANK_PIECE

        opts = replace(opts, pieces=opts.pieces + (RANK_PIECE,))
    if targets_index is not None or reviews:
        import dataclasses

        if targets_index is not None:
            opts = dataclasses.replace(opts, targets=targets_index)
        if reviews:
            opts = dataclasses.replace(opts, reviews=reviews, roots=roots)

    store = tally = None  # the record (jixiao.store): reuse what is unchanged, keep everything
    if not args.no_db:
        from jixiao.store.session import Tally

        from ._store import open_from_args

        store, tally = open_from_args(args), Tally()
        if store is None:
            return EXIT_UNUSABLE

    writers: list[Any] = []
    outputs: list[Any] = []  # AtomicOutput to commit at the end
    try:
        if args.format == "json":
            writers.append(JsonWriter(_JsonTerminal(sys.stdout)))
        if out_path is not None:
            opener = FORMATS[kind].open
            assert opener is not None
            writer, output = opener(out_path)
            if output is not None:
                outputs.append(output)
            writers.append(writer)
    except OSError as exc:
        _abort(outputs, writers)
        _err(f"{args.out}：无法写入（{os_error_text(exc)}）。")
        return EXIT_UNUSABLE
    except BaseException:  # Ctrl+C while the outputs are being opened
        _abort(outputs, writers)
        raise

    from jixiao.scoring.batch_sense import BatchSense

    summary = Summary()
    sense = BatchSense(year)  # duplicate-submission, year-outlier: once every form is in
    ranking: list[Any] = []
    table_rows: list[tuple[Any, Any]] = []
    errors_text: list[tuple[Any, str]] = []
    sections: list[tuple[Any, dict[str, Any]]] = []  # the worst --pdf-forms sections seen so far
    attention = 0  # forms that need a section in the PDF

    def chunks() -> Iterator[Chunk]:
        # the forms first: the worker processes are then forked on the first
        # chunk, before the progress bar starts its refresh thread
        if store is not None:
            from jixiao.store.session import reviewed_chunks

            assert tally is not None  # opened with the store
            yield from reviewed_chunks(store, files, list(args.paths), opts, args.jobs or None, tally)
        else:
            yield from run_batch(files, opts, args.jobs or None)
        if missing:
            yield make_chunk((unreadable_record(m, f"{m}: 路径不存在。请检查文件或文件夹的路径。", opts) for m in missing), opts)

    try:
        for chunk in _progress(len(files) + len(missing), chunks()):
            summary.merge(chunk.summary)
            sense.add(chunk.keys)
            if args.pdf:
                ranking += chunk.pieces["rank"]
            if keep_table:
                entries, unreadable = chunk.pieces["table"]
                table_rows += entries
                errors_text += unreadable
            for w in writers:
                w.add(chunk)
            if args.pdf:
                attention += len(chunk.pieces["pdf"])
                sections += chunk.pieces["pdf"]
                if args.pdf_forms and len(sections) >= 2 * args.pdf_forms:  # keep memory bounded
                    sections.sort(key=lambda x: x[0])
                    del sections[args.pdf_forms :]
        summary.add_batch(sense.findings(), sense.batch_year())
        for w in writers:
            w.close(summary)
        for o in outputs:
            o.commit()
    except BrokenPipeError:  # stdout closed early (| head): the command line treats this as done
        _abort(outputs, writers)
        raise
    except OSError as exc:
        _abort(outputs, writers)
        _err(f"{args.out}：无法写入（{os_error_text(exc)}）。")
        return EXIT_UNUSABLE
    except BaseException as exc:  # Ctrl+C: nothing half-written is left, and no traceback from the writers
        _abort(outputs, writers)
        if store is not None:
            store.close()
            from jixiao.store import StoreError

            if isinstance(exc, StoreError):
                _err(str(exc))
                return EXIT_UNUSABLE
        raise
    if store is not None:
        store.close()
        assert tally is not None
        _err(f"复核记录：{store.shown}（第 {tally.batch_id} 批；本次读取 {tally.read} 份，"
             f"沿用记录中未改变的 {tally.reused} 份；跨年度发现项 {tally.across} 条）")

    if keep_table:
        print(format_forms_table(table_rows, args.limit))
        if errors_text:
            print("\n无法读取的文件：")
            for _, text in sorted(errors_text, key=lambda x: x[0]):
                for line in text.splitlines():
                    print(f"  {line}")
        if summary.batch:
            print("\n" + format_batch(summary))
        print()
        print(format_summary(summary))
    if args.pdf:
        from jixiao.reports.review_pdf import write_review_pdf

        try:
            worst = [s for _, s in sorted(sections, key=lambda x: x[0])]
            if args.pdf_forms:
                worst = worst[: args.pdf_forms]
            warning = write_review_pdf(args.pdf, summary, worst, args.font, attention, title=args.title, ranking=ranking)
        except ValueError as exc:  # an unusable --font
            _err(str(exc))
            return EXIT_UNUSABLE
        except OSError as exc:
            _err(f"{args.pdf}：无法写入（{os_error_text(exc)}）。")
            return EXIT_UNUSABLE
        if warning:
            _err(warning)
    done = [p for p in (args.out, args.pdf) if p]
    if done and keep_table:
        print("\n已写入：" + "、".join(done))
    return EXIT_FINDINGS if summary.failed else EXIT_OK
