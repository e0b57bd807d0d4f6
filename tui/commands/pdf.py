"""``jixiao pdf`` (print a form, or a folder of forms) and ``jixiao verify``.

Only the standard library is imported at module level: ReportLab, rich and
pypdf are imported inside the functions that need them, so ``jixiao score``
stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from jixiao.indicators.safe_files import os_error_text
from jixiao.reports.pdf_digest import PrintedPdf, read_printed_pdf  # stdlib only at its module level

from ._paths import refuse_overwrite, refuse_overwrite_many

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2

__all__ = ["register", "cmd_pdf", "cmd_verify", "render_one"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "pdf",
        help="打印自评表（PDF，横向 A4）；给出文件夹时并行打印其中所有表单",
        description=(
            "把自评表打印成 PDF（横向 A4）：默认印复算得分，与填报不同处标出填报得分；"
            "最后一页列出复算发现的错误。给出文件夹时，用全部 CPU 核并行打印其中的 *.toml。"
        ),
    )
    p.add_argument("form", help="表单文件（.toml，或 .xlsx/.xls/.csv/.txt 导入后打印），或装有表单的文件夹")
    p.add_argument("-o", "--output", help="输出 PDF（单个表单；默认与表单同名 .pdf）或输出文件夹（文件夹模式）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径（默认用表单中 rules 指定的）")
    p.add_argument("--font", help="TrueType 中文字体文件（.ttf/.ttc），默认自动查找")
    p.add_argument("--claimed", action="store_true", help="按填报原样打印单位自评得分（页面上注明未经复算）")
    p.add_argument("--no-findings", dest="findings", action="store_false", help="不附“复算发现的错误”页")
    p.add_argument("--explain", action="store_true", help="附“计算过程”页：逐项列出得分的算式（资金执行率、各指标、总分与等级）")
    p.add_argument("-j", "--jobs", type=int, default=0, help="文件夹模式的并行进程数（默认：CPU 核数）")
    p.set_defaults(func=cmd_pdf)

    v = subparsers.add_parser(
        "verify",
        help="核对打印件：表单内容摘要是否与 PDF 或抄下的摘要一致",
        description=(
            "计算表单内容的 SHA-256 摘要，与打印件页脚上的摘要（至少 16 位）比较，"
            "或与打印出的 PDF 比较（每页页脚印的摘要、每页的二维码和元数据中的摘要都须一致）。"
            "一致返回 0，不一致返回 1，无法读取返回 2。"
        ),
    )
    v.add_argument("form", help="表单文件（.toml）")
    v.add_argument("digest", help="打印件上的摘要（至少前 16 位十六进制），或打印出的 PDF 文件")
    v.set_defaults(func=cmd_verify)


# ------------------------------------------------------------------ pdf


def _print_problems(problems: list[Any]) -> None:
    from jixiao.tui.cli import print_problems

    print_problems(problems)


def render_one(
    form: str, out: str, rules: str | None, font: str | None, claimed: bool, findings: bool, explain: bool = False
) -> dict[str, Any]:
    """Score and print one form; never raises for a bad form (runs in worker processes).

    Returns {"form", "out", "ok", "warnings", "problems" (Chinese lines), "errors" (error findings)}.
    """
    from jixiao.indicators.loader import FormError
    from jixiao.reports.form_pdf import render_form
    from jixiao.scoring.loading import score_file

    done: dict[str, Any] = {"form": form, "out": out, "ok": False, "warnings": [], "problems": [], "errors": 0, "why": ""}
    try:
        result = score_file(form, rules)
        done["warnings"] = render_form(result, out, font=font, show_claimed=claimed, findings=findings, explain=explain)
        done["errors"] = result.errors
        done["ok"] = True
    except FormError as exc:
        done["why"] = "unreadable"
        done["problems"] = [str(p) for p in exc.problems]
    except ValueError as exc:  # an unusable --font
        done["why"] = "font"
        done["problems"] = [f"{form}: {exc}"]
    except OSError as exc:
        done["why"] = "write"
        folder = Path(out).parent
        advice = f"所在的文件夹 {folder} 不存在，请先创建或换一个路径" if not folder.is_dir() else "请检查路径和写入权限"
        done["problems"] = [f"{out}: 无法写入 PDF（{os_error_text(exc)}）：{advice}。"]
    except Exception as exc:  # a bug, not bad input: still one line, and the batch goes on
        done["why"] = "bug"
        done["problems"] = [f"{form}: 打印失败（{type(exc).__name__}: {exc}）。这是 jixiao 的错误，请报告。"]
    return done


def render_chunk(tasks: list[tuple[Any, ...]], _opts: Any = None) -> list[dict[str, Any]]:
    """:func:`render_one` for each of a chunk's print jobs (in a worker of :func:`scoring.batch.run_batch`)."""
    return [render_one(*t) for t in tasks]


def _check_font(font: str | None) -> list[str] | None:
    """Register the font once here, so an unusable --font stops before any work."""
    from jixiao.reports.fonts import register_cjk_font

    try:
        choice = register_cjk_font(font)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return None
    return [choice.warning] if choice.warning else []


def _input_files(args: argparse.Namespace) -> list[str]:
    """The files named by options that a PDF must not overwrite: a rules file, a font."""
    return [p for p in (args.rules, args.font) if p and os.path.isfile(p)]


def _rules_file_of(form: Path) -> list[str]:
    """The rules file a form names (``rules = "my-rules.toml"``), where the engine would look for it."""
    from jixiao.indicators.loader import FormError, read_toml

    try:
        ref = read_toml(form)[0].get("rules")
    except FormError:
        return []
    if not isinstance(ref, str) or not ref:
        return []
    return [str(p) for p in (Path(ref), form.parent / ref) if p.is_file()]


def cmd_pdf(args: argparse.Namespace) -> int:
    src = Path(args.form)
    if src.is_dir():
        return _pdf_folder(args, src)
    if not os.path.lexists(src):  # a broken or looping link is reported by the reader, in its words
        print(f"{src}：文件不存在。", file=sys.stderr)
        return EXIT_UNREADABLE
    out = Path(args.output) if args.output else src.with_suffix(".pdf")
    if out.is_dir():
        out = out / (src.stem + ".pdf")
    refused = refuse_overwrite(out, [src, *_input_files(args), *_rules_file_of(src)])
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_UNREADABLE
    warnings = _check_font(args.font)
    if warnings is None:
        return EXIT_UNREADABLE
    done = render_one(str(src), str(out), args.rules, args.font, args.claimed, args.findings, getattr(args, "explain", False))
    for w in warnings:
        print(f"提示：{w}", file=sys.stderr)
    if not done["ok"]:
        if done["why"] == "unreadable":
            print("无法读取表单：", file=sys.stderr)
            for line in done["problems"]:
                print(f"  {line}", file=sys.stderr)
        else:
            for line in done["problems"]:
                print(line, file=sys.stderr)
        return EXIT_UNREADABLE
    msg = f"已生成：{out}"
    if done["errors"]:
        msg += f"（复算发现 {done['errors']} 个错误" + ("，已列在最后一页）" if args.findings else "）")
    print(msg)
    return EXIT_OK


def _pdf_folder(args: argparse.Namespace, folder: Path) -> int:
    from jixiao.scoring.batch import discover  # the same forms jixiao review finds: *.toml, recursively

    skipped: list[str] = []
    forms, _ = discover([folder], skipped)
    if skipped:
        from jixiao.indicators.importing import not_a_form_notice

        for name in skipped:
            print(not_a_form_notice(name), file=sys.stderr)
    if not forms:
        print(f"{folder}：文件夹中没有表单（*.toml，或 *.xlsx、*.xls、*.csv、*.txt）。", file=sys.stderr)
        return EXIT_UNREADABLE
    outdir = Path(args.output) if args.output else folder
    tomls = {f.with_suffix("") for f in forms if f.suffix == ".toml"}
    outs = []
    for f in forms:  # sub-folders are mirrored under the output folder
        rel = f.relative_to(folder)
        # X.xlsx beside X.toml (its import): X.xlsx.pdf, so that neither PDF overwrites the other
        twin = f.suffix != ".toml" and f.with_suffix("") in tomls
        outs.append(outdir / (rel.with_name(rel.name + ".pdf") if twin else rel.with_suffix(".pdf")))
    refused = refuse_overwrite_many([outdir, *outs], [*forms, *_input_files(args)])
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"{outdir}：无法创建输出文件夹（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    if not outdir.is_dir():
        print(f"{outdir}：不是文件夹。打印文件夹时 -o 应给出输出文件夹。", file=sys.stderr)
        return EXIT_UNREADABLE
    warnings = _check_font(args.font)
    if warnings is None:
        return EXIT_UNREADABLE
    for w in warnings:
        print(f"提示：{w}", file=sys.stderr)

    jobs = args.jobs if args.jobs and args.jobs > 0 else (os.cpu_count() or 1)
    jobs = min(jobs, len(forms))
    tasks = []
    for f, out in zip(forms, outs):
        out.parent.mkdir(parents=True, exist_ok=True)
        tasks.append((str(f), str(out), args.rules, args.font, args.claimed, args.findings, getattr(args, "explain", False)))
    failed: list[dict[str, Any]] = []
    with_errors = 0

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("打印"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已用"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )

    def note(done: dict[str, Any]) -> None:
        nonlocal with_errors
        if not done["ok"]:
            failed.append(done)
            lines = "\n".join(f"  {line}" for line in done["problems"])
            progress.console.print(
                f"[red]失败[/red]：{_markup_safe(done['form'])}\n{_markup_safe(lines)}", highlight=False, soft_wrap=True
            )
        elif done["errors"]:
            with_errors += 1

    from jixiao.scoring.batch import run_batch

    with progress:
        bar = progress.add_task("pdf", total=len(tasks))
        # the review's runner: forms cut into chunks, dealt out to the workers, sent back in order
        for chunk in run_batch(tasks, None, jobs, task=render_chunk):
            for done in chunk:
                note(done)
            progress.advance(bar, len(chunk))

    ok = len(tasks) - len(failed)
    summary = f"已生成 {ok} 份 PDF，输出到 {outdir}"
    if with_errors:
        summary += f"；其中 {with_errors} 份复算发现错误"
    if failed:
        summary += f"；{len(failed)} 份失败：" + "、".join(Path(d["form"]).name for d in failed[:10])
        if len(failed) > 10:
            summary += " 等"
    print(summary + "。")
    return EXIT_FAILED if failed else EXIT_OK


def _markup_safe(text: str) -> str:
    """User text for a rich console (it writes to the real terminal): markup escaped, controls visible."""
    from jixiao.tui.terminal import visible
    from rich.markup import escape

    return escape(visible(text, multiline=True))


# --------------------------------------------------------------- verify




def _pages(numbers: list[int]) -> str:
    """第 1–3、5 页"""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "第 " + "、".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs) + " 页"


def check_printed(printed: PrintedPdf, actual: str) -> tuple[str | None, list[str], list[str]]:
    """Whether what a PDF prints agrees with itself: (the digest it carries, disagreements, notes).

    The digest is the metadata's when it has one, else the one printed on the pages.  A
    disagreement is a page whose footer digits or QR code say another digest than the
    metadata (or than the other pages), or a page with no printed digest; a note is what
    could not be checked (a QR code not drawn the way jixiao draws it, e.g. after another
    program re-made the PDF).
    """
    from jixiao.indicators.digest import SHORT_LEN
    from jixiao.reports.form_pdf import printed_qr_rects

    problems: list[str] = []
    notes: list[str] = []
    meta = printed.meta
    if len(set(printed.metas)) > 1:
        problems.append("PDF 元数据中的两处摘要互不相同（" + "、".join(f"{d[:SHORT_LEN]}…" for d in printed.metas) + "）")
    by_digest: dict[str, list[int]] = {}
    missing: list[int] = []
    for page in printed.pages:
        shorts = set(page.digests)
        if not shorts:
            missing.append(page.number)
        for short in sorted(shorts):
            by_digest.setdefault(short, []).append(page.number)
    if not by_digest:
        if meta is None:
            return None, [], []
        raise ValueError(
            "无法从 PDF 的页面读出页脚印的摘要（PDF 可能经其他程序重新生成，文字层已不可读），只凭元数据不能证明打印件的内容。"
            "请对照纸上页脚“内容摘要”后的 16 位数字核对：jixiao verify 表单.toml 这16位数字。"
        )
    claimed = meta or max(by_digest, key=lambda d: len(by_digest[d]))
    short = claimed[:SHORT_LEN]
    if meta is not None and set(by_digest) != {short}:
        for d, pages in sorted(by_digest.items(), key=lambda x: x[1]):
            if d != short:
                problems.append(f"{_pages(pages)}页脚印的摘要为 {d}…，PDF 元数据中的摘要为 {short}…")
    elif meta is None and len(by_digest) > 1:
        problems.append("各页页脚印的摘要不相同：" + "；".join(f"{_pages(p)}为 {d}…" for d, p in by_digest.items()))
    if missing:
        problems.append(f"{_pages(missing)}没有印内容摘要（不是 jixiao 打印的页，或页脚被遮盖、裁掉）")
    # the QR codes: compare with the code jixiao draws for the digest claimed (and for the form's)
    # (only 16 digits known without the metadata: its full digest is the form's if they agree)
    full = meta or (actual if actual.startswith(short) else None)
    expected = printed_qr_rects(full) if full else []
    form_qr = printed_qr_rects(actual) if actual != full else expected
    wrong: list[int] = []
    says_form: list[int] = []
    unread: list[int] = []
    for page in printed.pages:
        if page.qr is None:
            unread.append(page.number)
        elif page.qr not in expected:
            if page.qr in form_qr:
                says_form.append(page.number)
            elif full:
                wrong.append(page.number)
    if says_form:
        problems.append(f"{_pages(says_form)}的二维码为表单文件的摘要 {actual[:SHORT_LEN]}…，与{'元数据' if meta else '页脚'}中的摘要 {short}… 不同")
    if wrong:
        problems.append(f"{_pages(wrong)}的二维码不是摘要 {short}… 的二维码")
    if unread:
        notes.append(f"{_pages(unread)}没有 jixiao 绘制的二维码，未核对二维码（PDF 可能经其他程序重新生成）。")
    return claimed, problems, notes


def cmd_verify(args: argparse.Namespace) -> int:
    from jixiao.indicators.digest import SHORT_LEN, form_digest, normalize_digest
    from jixiao.indicators.loader import FormError, load_form

    try:
        form = load_form(args.form)
    except FormError as exc:
        _print_problems(exc.problems)
        return EXIT_UNREADABLE
    actual = form_digest(form)
    given_arg = str(args.digest)
    candidate = Path(given_arg)
    if candidate.is_file() or given_arg.lower().endswith(".pdf"):
        if not candidate.is_file():
            print(f"{candidate}：文件不存在。", file=sys.stderr)
            return EXIT_UNREADABLE
        try:
            printed = read_printed_pdf(candidate)
        except ValueError as exc:
            print(f"{candidate}：{exc}", file=sys.stderr)
            return EXIT_UNREADABLE
        try:
            given, problems, notes = check_printed(printed, actual)
        except ValueError as exc:
            print(f"{candidate}：{exc}", file=sys.stderr)
            return EXIT_UNREADABLE
        if given is None:
            print(f"{candidate}：PDF 中没有 jixiao 内容摘要（元数据和页脚都没有），可能不是 jixiao 打印的。", file=sys.stderr)
            return EXIT_UNREADABLE
        for note in notes:
            print(f"提示：{note}", file=sys.stderr)
        if problems:
            print(
                f"不一致：PDF {candidate} 中的摘要互相矛盾：" + "；".join(problems) + "。"
                f"表单文件 {args.form} 的内容摘要为 {actual[:SHORT_LEN]}…。"
                "印在纸上的才是打印件的内容：PDF 的元数据或页面被改过，不能用它证明表单与打印件相同。"
            )
            return EXIT_FAILED
        checked = "每页页脚印的摘要" + ("" if notes else "和二维码") + ("、元数据" if printed.meta else "")
        source = f"PDF {candidate}（{len(printed.pages)} 页，{checked}）的摘要"
    else:
        norm = normalize_digest(given_arg)
        if norm is None:
            print(
                f"“{given_arg}” 不是有效的摘要：应为至少 {SHORT_LEN} 位十六进制数字（0-9、a-f），"
                "即打印件页脚“内容摘要”后的数字；或给出 PDF 文件。",
                file=sys.stderr,
            )
            return EXIT_UNREADABLE
        given = norm
        source = "给出的摘要"
    if actual.startswith(given):
        print(f"一致：{args.form} 的内容摘要 {actual[:SHORT_LEN]}… 与{source}相符。")
        return EXIT_OK
    print(
        f"不一致：{args.form} 的内容摘要为 {actual[:SHORT_LEN]}…，{source}为 {given[:SHORT_LEN]}…。"
        "打印件与表单文件不是同一内容（表单在打印后被修改过，或不是同一张表）。"
    )
    return EXIT_FAILED
