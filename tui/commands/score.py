"""``jixiao score FORM`` and ``jixiao check FORM``: one form's scores, or only its findings.

Only the standard library is imported at module level; the engine, the
loader and the table renderer are imported when the command runs, and
``--format json`` imports neither the table renderer nor rich.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, print_problems

__all__ = ["register", "cmd_score", "cmd_check", "format_result_table", "score_command"]



def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "score", help="对一张自评表评分：填报得分与复算得分并列", description="对一张自评表评分：填报得分与复算得分并列"
    )
    p.set_defaults(func=cmd_score)
    p.add_argument("form", help="表单文件（.toml，格式 1；或 .xlsx/.xlsm/.xls/.csv/.txt/.pdf/.docx，导入后评分）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径（默认用表单中 rules 指定的）")
    p.add_argument("--format", choices=["table", "json"], default="table", help="输出格式（默认 table）")
    p.add_argument("--targets", metavar="绩效目标表", help="与批复的绩效目标表（.toml）核对指标值、分值和指标是否一致")
    p.add_argument(
        "--adopt",
        action="store_true",
        help="采用复算得分：把各项得分、总分和等级改为复算值，写回表单文件（保留注释，原文件备份为 文件名~）",
    )

    p = subparsers.add_parser("check", help="只列出发现项", description="只列出发现项")
    p.set_defaults(func=cmd_check)
    p.add_argument("form", help="表单文件（.toml；或 .xlsx/.xlsm/.xls/.csv/.txt/.pdf/.docx，导入后检查）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--targets", metavar="绩效目标表", help="与批复的绩效目标表（.toml）核对指标值、分值和指标是否一致")


def _fmt(value: Any) -> str:
    from jixiao.scoring.engine import fmt

    return fmt(value) if value is not None else "—"


def format_result_table(result: Any, findings_only: bool = False) -> str:
    """The readable Chinese report of one result."""
    from jixiao.scoring.vocabulary import KIND_ZH, NO_GRADE, NONE_MARK, SEVERITY_ZH, fmt, percent, year_label
    from jixiao.tui.terminal import visible
    from jixiao.tui.textable import render_table

    form = result.form
    kind = KIND_ZH.get(form.kind, KIND_ZH["department"])
    out: list[str] = []
    title = f"{year_label(form.year)}{kind}绩效自评表 · {form.unit.name}"
    if form.unit.project:
        title += f" · {form.unit.project}"
    out.append(visible(title))
    rules_name = f"（{result.rules.name}）" if result.rules.name else ""
    out.append(f"文件：{result.file}    规则集：{result.rules.id}{rules_name}")
    if not findings_only:
        funds = result.funds
        total_row = funds.rows["total"]
        rate = percent(funds.rate)
        out.append("")
        unit = form.funds.unit
        out.append(
            f"资金：{funds.denominator_label} {_fmt(total_row.get(funds.denominator))} {unit}，"  # the rate's denominator
            f"全年执行数 {_fmt(total_row.get('executed'))} {unit}，"
            f"执行率 {rate}，分值 {fmt(funds.weight)}，得分 {fmt(funds.score)}（填报 {_fmt(funds.claimed)}）"
        )
        rows = []
        for r in result.indicators:
            mark = ""
            if r.claimed is not None and r.claimed.quantize(r.score) != r.score:
                mark = "≠"
            rows.append(
                [
                    str(r.index + 1),
                    r.category,
                    r.subcategory,
                    r.name,
                    r.target,
                    r.actual,
                    fmt(r.weight),
                    _fmt(r.claimed),
                    fmt(r.score),
                    mark,
                ]
            )
        out.append(
            render_table(
                ["序号", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "填报得分", "复算得分", ""],
                rows,
                ["right", "left", "left", "left", "left", "left", "right", "right", "right", "left"],
                max_width=24,
            )
        )
        claimed_total = _fmt(result.claimed_total)
        out.append(
            f"总分：复算 {fmt(result.total)}（填报 {claimed_total}）    "
            f"等级：复算 {result.grade or NO_GRADE}（填报 {result.claimed_grade or NONE_MARK}）"
        )
    out.append("")
    if result.findings:
        infos = len(result.findings) - result.errors - result.warnings
        out.append(f"发现项 {len(result.findings)} 条（错误 {result.errors}，警告 {result.warnings}，提示 {infos}）：")
        from jixiao.scoring.locations import finding_place

        names = {r.index: r.name for r in result.indicators}
        for f in result.findings:
            line = f"第{f.line}行 " if f.line else ""
            out.append(visible(f"  [{SEVERITY_ZH[f.severity]}] {f.code}  {line}{finding_place(f, names)}：{f.message}"))
    else:
        out.append("没有发现项。")
    return "\n".join(out)


def score_command(args: argparse.Namespace, findings_only: bool = False) -> int:
    """Score ``args.form`` (with ``args.rules``) and print the table or the JSON."""
    from jixiao.indicators.loader import FormError
    from jixiao.scoring.loading import score_file

    targets = None
    if getattr(args, "targets", None):  # read first: a wrong definitions file is said before any scoring
        from jixiao.indicators.importing.targets import load_targets_file

        try:
            targets = load_targets_file(args.targets)
        except FormError as exc:
            print_problems(exc.problems, title="无法读取绩效目标表：")
            return EXIT_UNREADABLE
    try:
        result = score_file(args.form, args.rules)
    except FormError as exc:
        form_only = all(p.file == str(args.form) for p in exc.problems)
        print_problems(exc.problems, title="无法读取表单：" if form_only else "无法读取：")
        return EXIT_UNREADABLE
    if targets is not None:
        from jixiao.scoring.targets import add_to_result, compare

        text = _form_text(args.form)
        add_to_result(result, compare(result.form, targets), text)
    result.file = getattr(args, "display_name", None) or result.file
    fmt = getattr(args, "format", "table")
    if fmt == "json":
        import json

        from jixiao.tui.terminal import json_text

        data = result.to_dict()
        if findings_only:
            data = {"file": data["file"], "findings": data["findings"]}
        print(json_text(json.dumps(data, ensure_ascii=False, indent=2)))
    else:
        print(format_result_table(result, findings_only))
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _form_text(path: str) -> str:
    """A TOML form's text for the line numbers of the --targets findings ("" for an imported form)."""
    if not str(path).endswith(".toml"):
        return ""
    from jixiao.indicators.loader import FormError, read_toml

    try:
        return read_toml(path)[1]
    except FormError:
        return ""


def cmd_score(args: argparse.Namespace) -> int:
    if getattr(args, "adopt", False):
        return adopt_command(args)
    return score_command(args)


def adopt_command(args: argparse.Namespace) -> int:
    """jixiao score --adopt FORM: write the computed scores, total and grade into the form file."""
    from pathlib import Path

    from jixiao.indicators.document import ChangedOnDisk, FormDocument, SaveRefused
    from jixiao.indicators.loader import FormError
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.rules import load_rules
    from jixiao.tui.adopt import adopt
    from jixiao.tui.terminal import visible

    path = Path(args.form)
    if path.suffix.lower() != ".toml":
        print(
            f"{path}：--adopt 只能写回 TOML 表单。请先用 jixiao import 把它转成 .toml，再采用复算得分。",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    doc = FormDocument.open(path)
    if not doc.editable or doc.form is None:
        print_problems(doc.problems, title="无法读取表单：")
        return EXIT_UNREADABLE
    try:
        result = score_form(doc.form, load_rules(args.rules or doc.form.rules, str(path.parent)), file=str(path))
    except FormError as exc:
        print_problems(exc.problems, title="无法读取：")
        return EXIT_UNREADABLE
    before = adopt(doc, result)
    if not before:
        print(f"{path}：各项得分、总分和等级已与复算结果一致，未修改。")
        return EXIT_OK
    try:
        doc.save()
    except (SaveRefused, ChangedOnDisk) as exc:
        print(f"{path}：未保存（{exc}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"{path}：无法写入（{exc.strerror or exc}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    names: dict[tuple[Any, ...], str] = {("indicators", r.index, "claimed"): f"第 {r.index + 1} 项指标“{r.name}”" for r in result.indicators}
    names |= {("funds", "claimed"): "资金执行率得分", ("claimed", "total"): "总分", ("claimed", "grade"): "等级"}
    print(f"已采用复算得分，写回 {path}（原文件备份为 {path.name}~）：")
    for loc, old in before:
        print(visible(f"  {names.get(loc, '.'.join(map(str, loc)))}：{old or '未填'} → {doc.get_text(loc)}"))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    return score_command(args, findings_only=True)
