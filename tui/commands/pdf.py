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
from jixiao.tui.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE

from ._paths import refuse_overwrite, refuse_overwrite_many

__all__ = ["register", "cmd_pdf", "cmd_verify", "render_one"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "pdf",
        help="打印自评表（PDF，横向 A4）：默认为报送件，--review 为复核件；给出文件夹时并行打印其中所有表单",
        description=(
            "把自评表打印成 PDF（横向 A4）。默认打印报送件：按单位填报原样印出填报得分（未填的得分空着），"
            "资金执行率偏低原因、填表人、联系电话、单位负责人（项目负责人）、财务负责人、填报日期和单位（盖章）栏，"
            "并留有空的电子签名域（用 jixiao sign 签名）；页面上不出现软件名和规则集说明。"
            "填报与复算不一致之处在终端列出（有错误时退出码为 1），不印在报送件上。"
            "--review 打印复核件：印复算得分，与填报不同处标出填报得分，最后一页列出复算发现的错误，并有“复核”签名域。"
            "给出文件夹时，用全部 CPU 核并行打印其中的表单。"
        ),
    )
    p.add_argument("form", help="表单文件（.toml，或 .xlsx/.xls/.csv/.txt/.pdf/.docx 导入后打印），或装有表单的文件夹")
    p.add_argument("-o", "--output", help="输出 PDF（单个表单；默认与表单同名 .pdf）或输出文件夹（文件夹模式）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径（默认用表单中 rules 指定的）")
    p.add_argument("--font", help="TrueType 中文字体文件（.ttf/.ttc），默认自动查找（优先宋体）")
    p.add_argument("--review", action="store_true", help="打印复核件：复算得分与填报得分并列，附“复算发现的错误”页和“复核”签名域")
    p.add_argument("--no-findings", dest="findings", action="store_false", help="复核件不附“复算发现的错误”页")
    p.add_argument("--explain", action="store_true", help="复核件附“计算过程”页：逐项列出得分的算式（资金执行率、各指标、总分与等级）")
    p.add_argument("--no-digest", dest="digest", action="store_false", help="页脚不印内容摘要和二维码")
    p.add_argument("-j", "--jobs", type=int, default=0, help="文件夹模式的并行进程数（默认：CPU 核数）")
    p.set_defaults(func=cmd_pdf)

    v = subparsers.add_parser(
        "verify",
        help="核对打印件：PDF 是否印的就是这张表（逐页重新打印比较），以及谁签的名、签名后是否改动",
        description=(
            "jixiao verify 表单 打印件.pdf：按表单重新打印，与 PDF 逐页比较（数字、名称、等级，字体相同时比较全部绘制指令），"
            "核对 PDF 记录的规则集 ID 和 SHA-256，并检查 PDF 中的每个签名。"
            "jixiao verify 打印件.pdf --trust 根证书.pem：只检查签名：签名人、签名时间、签名是否完整、"
            "证书是否链到 --trust 给出的根证书、签名后文档是否被改动（填写表单域、加签名允许，改动页面内容不允许）。"
            "jixiao verify 表单 摘要：只比较内容摘要（页脚“内容摘要”后至少 16 位数字）。"
            "全部成立返回 0，有不成立的返回 1，无法读取返回 2；不能核对的项目在输出中逐项说明。"
        ),
    )
    v.add_argument("form", help="表单文件（.toml，或 .xlsx/.xls/.csv/.txt/.pdf/.docx），或只核对签名时的 PDF")
    v.add_argument("digest", nargs="?", help="打印出的 PDF 文件，或打印件上的摘要（至少前 16 位十六进制）")
    v.add_argument("--trust", action="append", default=[], metavar="CA.pem", help="可信的根证书（PEM/DER，可多次给出）")
    v.add_argument("--rules", help="按此规则集核对（默认用表单中 rules 指定的）")
    v.add_argument("--font", help="重新打印所用的 TrueType 字体（默认与 jixiao pdf 相同）")
    v.add_argument("--format", choices=["table", "json"], default="table", help="输出格式（默认 table）")
    v.set_defaults(func=cmd_verify)


# ------------------------------------------------------------------ pdf


def _print_problems(problems: list[Any]) -> None:
    from jixiao.tui.cli import print_problems

    print_problems(problems)


def render_one(
    form: str,
    out: str,
    rules: str | None,
    font: str | None,
    review: bool,
    findings: bool,
    explain: bool = False,
    digest: bool = True,
) -> dict[str, Any]:
    """Score and print one form; never raises for a bad form (runs in worker processes).

    Returns {"form", "out", "ok", "warnings", "problems" (Chinese lines), "errors" (error findings),
    "differences" (Chinese lines: where the unit's scores differ from the engine's or are not filled)}.
    """
    from jixiao.indicators.loader import FormError
    from jixiao.reports.form_pdf import render_form
    from jixiao.scoring.loading import score_file

    done: dict[str, Any] = {
        "form": form, "out": out, "ok": False, "warnings": [], "problems": [], "errors": 0, "why": "", "differences": []
    }
    try:
        result = score_file(form, rules)
        done["warnings"] = render_form(
            result, out, review=review, font=font, findings=findings, explain=explain, digest=digest
        )
        done["errors"] = result.errors
        done["differences"] = differences(result)
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


def differences(result: Any) -> list[str]:
    """Where the unit's own scores (printed on the submission copy) differ from the engine's, or are not filled."""
    from jixiao.scoring.vocabulary import NO_GRADE, fmt

    lines: list[str] = []

    def one(where: str, computed: Any, claimed: Any) -> None:
        if claimed is None:
            lines.append(f"{where}：未填得分，报送件上空着（复算得分 {fmt(computed)}；jixiao score --adopt 可采用复算得分）")
        elif fmt(claimed) != fmt(computed):
            lines.append(f"{where}：填报 {fmt(claimed)}，复算 {fmt(computed)}")

    one("资金执行率得分", result.funds.score, result.funds.claimed)
    for r in result.indicators:
        one(f"第 {r.index + 1} 项指标“{r.name}”", r.score, r.claimed)
    one("总分", result.total, result.claimed_total)
    grade = result.grade or NO_GRADE
    if not result.claimed_grade:
        lines.append(f"等级：未填，报送件上空着（复算等级 {grade}）")
    elif result.claimed_grade != grade:
        lines.append(f"等级：填报 {result.claimed_grade}，复算 {grade}")
    return lines


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
    done = render_one(str(src), str(out), args.rules, args.font, args.review, args.findings, args.explain, args.digest)
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
    kind = "复核件" if args.review else "报送件"
    msg = f"已生成{kind}：{out}"
    if done["errors"]:
        msg += f"（复算发现 {done['errors']} 个错误" + ("，已列在最后一页）" if args.review and args.findings else "）")
    print(msg)
    if not args.review and done["differences"]:
        from jixiao.tui.terminal import visible

        print("填报与复算不一致之处（只在此列出，不印在报送件上）：")
        for line in done["differences"]:
            print(f"  {visible(line)}")
    if done["errors"] and not args.review:
        print("复算发现错误，可用 jixiao check 查看；报送前请核对。")
        return EXIT_FAILED
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
        tasks.append((str(f), str(out), args.rules, args.font, args.review, args.findings, args.explain, args.digest))
    failed: list[dict[str, Any]] = []
    with_errors = 0

    from jixiao.tui.terminal import unguarded
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=unguarded(sys.stderr))
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


def _score(form: str, rules: str | None) -> Any:
    """The form scored (any type ``jixiao pdf`` prints); prints the problems and returns None when it cannot be read."""
    from jixiao.indicators.loader import FormError
    from jixiao.scoring.loading import score_file

    try:
        return score_file(form, rules)
    except FormError as exc:
        _print_problems(exc.problems)
        return None


def _is_pdf(path: str) -> bool:
    p = Path(path)
    if not p.is_file():
        return path.lower().endswith(".pdf")
    try:
        with open(p, "rb") as fh:
            return fh.read(1024).lstrip()[:5].startswith(b"%PDF")
    except OSError:
        return False


def cmd_verify(args: argparse.Namespace) -> int:
    if args.digest is None:
        if not _is_pdf(args.form):
            print(
                "用法：jixiao verify 表单 打印件.pdf（核对内容和签名），jixiao verify 打印件.pdf --trust 根证书.pem"
                "（只核对签名），或 jixiao verify 表单 摘要。",
                file=sys.stderr,
            )
            return EXIT_UNREADABLE
        return _verify_pdf(None, Path(args.form), args)
    given_arg = str(args.digest)
    candidate = Path(given_arg)
    if candidate.is_dir():
        print(f"{candidate}：这是一个文件夹，不是 PDF 文件。请给出打印出的 PDF 文件，或页脚“内容摘要”后的数字。", file=sys.stderr)
        return EXIT_UNREADABLE
    if candidate.is_file() or given_arg.lower().endswith(".pdf"):
        if not candidate.is_file():
            print(f"{candidate}：文件不存在。", file=sys.stderr)
            return EXIT_UNREADABLE
        return _verify_pdf(args.form, candidate, args)
    return _verify_digest(args)


def _verify_digest(args: argparse.Namespace) -> int:
    """jixiao verify FORM DIGEST: only the digest is compared (said so)."""
    from jixiao.indicators.digest import SHORT_LEN, form_digest, normalize_digest

    given_arg = str(args.digest)
    norm = normalize_digest(given_arg)
    if norm is None:
        print(
            f"“{given_arg}” 不是有效的摘要：应为至少 {SHORT_LEN} 位十六进制数字（0-9、a-f），"
            "即打印件页脚“内容摘要”后的数字；或给出 PDF 文件。",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    result = _score(args.form, args.rules)
    if result is None:
        return EXIT_UNREADABLE
    actual = form_digest(result.form)
    if actual.startswith(norm):
        print(
            f"一致：{args.form} 的内容摘要 {actual[:SHORT_LEN]}… 与给出的摘要相符。"
            "（只核对了摘要：没有核对打印件的页面和签名；给出 PDF 文件可逐页核对。）"
        )
        return EXIT_OK
    print(
        f"不一致：{args.form} 的内容摘要为 {actual[:SHORT_LEN]}…，给出的摘要为 {norm[:SHORT_LEN]}…。"
        "打印件与表单文件不是同一内容（表单在打印后被修改过，或不是同一张表）。"
    )
    return EXIT_FAILED


def _verify_pdf(form: str | None, pdf_path: Path, args: argparse.Namespace) -> int:
    """jixiao verify [FORM] PDF: the signatures, and with FORM the pages against a fresh print."""
    import json

    from jixiao.indicators.safe_files import UnsafeFile, read_regular_file
    from jixiao.reports.pdf_digest import MAX_PDF_BYTES
    from jixiao.reports.verify_signatures import TrustError, check_signatures, level_text, load_trust_roots

    try:
        roots = load_trust_roots(args.trust)
    except TrustError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        data = read_regular_file(pdf_path, MAX_PDF_BYTES)
    except UnsafeFile as exc:
        print(f"{pdf_path}：{exc.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"{pdf_path}：无法读取（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    if not data.lstrip()[:5].startswith(b"%PDF"):
        print(f"{pdf_path}：无法读取 PDF：这不是 PDF 文件。", file=sys.stderr)
        return EXIT_UNREADABLE
    problems: list[str] = []
    checked: list[str] = []
    not_checked: list[str] = []
    report: dict[str, Any] = {"pdf": str(pdf_path), "form": form}

    # the signatures
    try:
        sigs = check_signatures(data, roots)
    except Exception as exc:  # pyHanko cannot read the file's structure
        print(f"{pdf_path}：无法读取 PDF 的签名结构（{type(exc).__name__}）：它不是完整的 PDF 文件。", file=sys.stderr)
        return EXIT_UNREADABLE
    report["signatures"] = [c.as_dict() | {"modification_zh": level_text(c.modification)} for c in sigs.signatures]
    report["unsigned_fields"] = sigs.unsigned_fields
    for n, c in enumerate(sigs.signatures, 1):
        for why in c.problems:
            problems.append(f"签名 {n}（签名域“{c.field}”，{c.signer or '签名人不明'}）：{why}")
    if sigs.signatures:
        good = [c for c in sigs.signatures if c.ok]
        if good:
            checked.append(f"{len(good)} 个签名完整、证书链到 --trust 给出的根证书、签名后未被不允许地改动")
    elif form is None or roots:
        problems.append("PDF 中没有电子签名")
    else:
        not_checked.append("PDF 中没有电子签名，未核对签名")

    # the content
    if form is None:
        not_checked.append("没有给出表单文件，未核对页面内容是否与表单一致")
    else:
        result = _score(form, args.rules)
        if result is None:
            return EXIT_UNREADABLE
        from jixiao.reports.verify_content import check_content

        try:
            content = check_content(result, data, font=args.font)
        except ImportError:
            print(
                f"{pdf_path}：读取 PDF 的页面需要 pypdf（pip install pypdf）；"
                "也可以直接给出页脚“内容摘要”后的 16 位数字：jixiao verify 表单 这16位数字。",
                file=sys.stderr,
            )
            return EXIT_UNREADABLE
        except ValueError as exc:  # an unusable --font
            print(str(exc), file=sys.stderr)
            return EXIT_UNREADABLE
        except Exception as exc:  # pypdf raises many kinds for a broken file
            print(f"{pdf_path}：无法读取 PDF 的页面（{type(exc).__name__}）：它不是完整的 PDF 文件。", file=sys.stderr)
            return EXIT_UNREADABLE
        problems += content.problems
        checked += content.checked
        not_checked += content.not_checked
        report["content"] = {"mode": content.mode, "problems": content.problems}
        if content.mode != "too-many-pages":  # not read through: its footers neither
            _digest_check(result, pdf_path, problems, checked, not_checked)
    ok = not problems
    report |= {"ok": ok, "problems": problems, "checked": checked, "not_checked": not_checked}
    if getattr(args, "format", "table") == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK if ok else EXIT_FAILED
    _print_verify(report, sigs)
    return EXIT_OK if ok else EXIT_FAILED


def _digest_check(result: Any, pdf_path: Path, problems: list[str], checked: list[str], not_checked: list[str]) -> None:
    """The footer digits, QR codes and metadata against the form's digest (when the PDF prints them)."""
    from jixiao.indicators.digest import SHORT_LEN, form_digest

    actual = form_digest(result.form)
    try:
        printed = read_printed_pdf(pdf_path)
        given, found, notes = check_printed(printed, actual)
    except ValueError as exc:
        not_checked.append(f"内容摘要：{exc}")
        return
    if given is None:
        not_checked.append("打印件没有内容摘要（页脚和元数据都没有），未核对摘要")
        return
    if not any(p.digests for p in printed.pages):  # printed with --no-digest: only the metadata
        if actual.startswith(given):
            checked.append(f"PDF 元数据中的内容摘要 {actual[:SHORT_LEN]}…")
        else:
            problems.append(f"PDF 元数据中的内容摘要为 {given[:SHORT_LEN]}…，表单的为 {actual[:SHORT_LEN]}…")
        return
    problems += found
    not_checked += notes
    if not actual.startswith(given):
        problems.append(f"打印件的内容摘要为 {given[:SHORT_LEN]}…，表单的为 {actual[:SHORT_LEN]}…（表单在打印后被修改过，或不是同一张表）")
    elif not found:
        checked.append("每页页脚印的摘要" + ("" if notes else "和二维码") + f"、元数据（内容摘要 {actual[:SHORT_LEN]}…）")


def _print_verify(report: dict[str, Any], sigs: Any) -> None:
    """The verdict first, then each signature, what was checked and what could not be."""
    from jixiao.reports.verify_signatures import level_text
    from jixiao.tui.terminal import visible

    if report["ok"]:
        print("一致：页面印的就是这张表，以下各项全部成立。" if report["form"] else "成立：PDF 的全部签名都成立。")
    else:
        print("不一致：" + "；".join(visible(p) for p in report["problems"]) + "。")
    yes = {True: "是", False: "否"}
    for n, c in enumerate(sigs.signatures, 1):
        print(f"签名 {n}/{len(sigs.signatures)}：签名域“{visible(c.field)}”")
        print(f"  签名人：{visible(c.signer) or '不明'}")
        print(f"  颁发者：{visible(c.issuer) or '不明'}")
        when = f"{c.signing_time}（{c.time_source}）" if c.signing_time else "不明"
        print(f"  签名时间：{when}")
        trusted = yes[c.trusted] if c.intact and c.valid else "未判断（签名不完整）"
        print(f"  签名完整：{yes[c.intact and c.valid]}　证书可信：{trusted}　签名后：{level_text(c.modification)}")
        print("  结果：" + ("成立" if c.ok else "不成立：" + "；".join(c.problems)))
    if sigs.unsigned_fields:
        print("未签名的签名域：" + "、".join(visible(f) for f in sigs.unsigned_fields))
    for line in report["checked"]:
        print(f"已核对：{line}")
    for line in report["not_checked"]:
        print(f"未能核对：{line}")
