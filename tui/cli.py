"""The ``jixiao`` command line: the front door to everything.

Only the standard library, the engine and its loader are imported here;
Textual and ReportLab are imported inside the subcommands that need them,
so ``jixiao score`` starts fast.

Exit status: 0 no finding of severity error, 1 at least one, 2 the input
could not be read.
"""

from __future__ import annotations

import os

# pydantic scans every installed distribution for plugins on first use
# (importlib.metadata, tens of milliseconds); jixiao uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import argparse
import difflib
import importlib
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indicators import example_path, template_text
from indicators.loader import FormError, Problem
from indicators.safe_files import os_error_text

from .terminal import guard, json_text, visible
from .textable import render_table

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2

# Subcommands that live in their own modules (each has register(subparsers)).
# Those modules import only argparse at module level.
COMMAND_MODULES = (
    "tui.commands.edit",
    "tui.commands.pdf",
    "tui.commands.review",
    "tui.commands.import_",
    "tui.commands.export",
)




def print_problems(problems: list[Problem], stream: Any = None, title: str = "无法读取表单：") -> None:
    stream = stream or sys.stderr
    print(title, file=stream)
    for p in problems:
        print(f"  {p}", file=stream)


# ------------------------------------------------------------ score / check


def _fmt(value: Any) -> str:
    from scoring.engine import fmt

    return fmt(value) if value is not None else "—"


def format_result_table(result: Any, findings_only: bool = False) -> str:
    """The readable Chinese report of one result."""
    from scoring.vocabulary import KIND_ZH, NO_GRADE, NONE_MARK, SEVERITY_ZH, fmt, percent, year_label

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
        from scoring.locations import finding_place

        names = {r.index: r.name for r in result.indicators}
        for f in result.findings:
            line = f"第{f.line}行 " if f.line else ""
            out.append(visible(f"  [{SEVERITY_ZH[f.severity]}] {f.code}  {line}{finding_place(f, names)}：{f.message}"))
    else:
        out.append("没有发现项。")
    return "\n".join(out)


def _score(args: argparse.Namespace, findings_only: bool = False) -> int:
    from scoring.engine import score_file

    try:
        result = score_file(args.form, args.rules)
    except FormError as exc:
        form_only = all(p.file == str(args.form) for p in exc.problems)
        print_problems(exc.problems, title="无法读取表单：" if form_only else "无法读取：")
        return EXIT_UNREADABLE
    result.file = getattr(args, "display_name", None) or result.file
    fmt = getattr(args, "format", "table")
    if fmt == "json":
        data = result.to_dict()
        if findings_only:
            data = {"file": data["file"], "findings": data["findings"]}
        print(json_text(json.dumps(data, ensure_ascii=False, indent=2)))
    else:
        print(format_result_table(result, findings_only))
    return EXIT_FINDINGS if result.errors else EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    return _score(args)


def cmd_check(args: argparse.Namespace) -> int:
    return _score(args, findings_only=True)


def cmd_demo(args: argparse.Namespace) -> int:
    args.form = str(example_path())
    args.display_name = "seed-2021.toml（内置示例）"
    print("示例：株洲市社会保险服务中心 2021 年度部门整体支出绩效自评表（据公开决算转录）\n")
    _score(args)
    print(
        "\n说明：印刷件上“参保人满意度”目标为“大于等于95%”、完成“大于95%”，按规则应得满分 10 分，"
        "却填了 9.5 分且未写偏差原因，所以复算总分为 100.00，而非印刷的 99.50。"
    )
    print(f"示例文件位置：{args.form}（可复制后用 jixiao score 评分）")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"{out}：文件已存在，未覆盖。如确需覆盖，请加 --force。", file=sys.stderr)
        return EXIT_UNREADABLE
    text = template_text(args.kind)
    from indicators.atomic import atomic_write_text

    try:
        atomic_write_text(out, text)
    except OSError as exc:
        print(f"{out}：无法写入（{os_error_text(exc)}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"已生成模板：{out}。填写后运行 jixiao check {out} 检查。")
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from scoring.rules import bundled_ids, load_rules, rule_text

    if args.action == "list":
        rows = []
        for rid in bundled_ids():
            rules = load_rules(rid)
            rows.append([rid, rules.name, rules.extends or "—", rules.sha256[:12]])
        print(render_table(["规则集", "名称", "继承自", "SHA-256"], rows, max_width=30))
        return EXIT_OK
    if not args.id:
        print("请给出规则集：jixiao rules show central-2020", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        rules = load_rules(args.id, Path.cwd())
        text = rule_text(args.id)
    except FormError as exc:
        print_problems(exc.problems, title="无法读取规则集：")
        return EXIT_UNREADABLE
    print(text.rstrip())
    print(f"\n# 合并继承后的内容摘要 sha256 = {rules.sha256}")
    return EXIT_OK


def cmd_findings(args: argparse.Namespace) -> int:
    from scoring.findings import CATALOG, SEVERITY_ZH

    for code, rule in CATALOG.items():
        print(f"{code}  [{SEVERITY_ZH[rule.severity]}] {rule.title}")
        print(f"    {rule.meaning}")
    return EXIT_OK


# ------------------------------------------------------------ parser


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法：")


class _Parser(argparse.ArgumentParser):
    """argparse with its headings and -h in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> Any:  # argparse's own (English) message, said in Chinese
        self.print_usage(sys.stderr)
        print(f"{self.prog}：参数错误：{chinese_argparse_message(message, self)}（用 {self.prog} -h 查看帮助）", file=sys.stderr)
        raise SystemExit(EXIT_UNREADABLE)


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
_ARGUMENT = r"(?:argument (?P<arg>.+?): )?"
_ARGPARSE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_ARGUMENT + r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)$"), "choice"),
    (re.compile(r"the following arguments are required: (?P<names>.+)$"), "required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)$"), "unrecognized"),
    (re.compile(_ARGUMENT + r"expected one argument$"), "one"),
    (re.compile(_ARGUMENT + r"expected at least one argument$"), "at_least_one"),
    (re.compile(_ARGUMENT + r"expected at most one argument$"), "at_most_one"),
    (re.compile(_ARGUMENT + r"expected (?P<n>\d+) arguments?$"), "n"),
    (re.compile(_ARGUMENT + r"invalid (?P<type>\w+) value: (?P<value>.+)$"), "type"),
    (re.compile(_ARGUMENT + r"ignored explicit argument (?P<value>.+)$"), "explicit"),
    (re.compile(_ARGUMENT + r"not allowed with argument (?P<other>.+)$"), "conflict"),
    (re.compile(r"one of the arguments (?P<names>.+) is required$"), "one_of"),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)$"), "ambiguous"),
]
_TYPE_ZH = {"int": "整数", "float": "数字"}


def _unquote(text: str) -> str:
    m = _QUOTED.fullmatch(text.strip())
    return (m.group(1) if m.group(1) is not None else m.group(2)) if m else text.strip()


def _split_choices(text: str) -> list[str]:
    found = [a if a or not b else b for a, b in _QUOTED.findall(text)]
    return found or [c.strip() for c in text.split(",") if c.strip()]


def _help_for(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        names = {action.dest, str(action.metavar), "/".join(action.option_strings)}
        if name in names and action.help and action.help != argparse.SUPPRESS:
            return action.help
    return ""


def chinese_argparse_message(message: str, parser: argparse.ArgumentParser | None = None) -> str:
    """argparse's English error message as Chinese (with "did you mean" for a mistyped choice)."""
    for pattern, kind in _ARGPARSE_PATTERNS:
        m = pattern.match(message)
        if not m:
            continue
        groups = m.groupdict()
        arg = groups.get("arg") or ""
        if kind == "choice":
            value, choices = _unquote(groups["value"]), _split_choices(groups["choices"])
            guess = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
            hint = f"，是否想输入 “{guess[0]}”？" if guess else f"。可选：{'、'.join(choices)}"
            if arg in ("命令", "command", "") and parser is not None and parser._subparsers is not None:
                return f"未知的命令 “{value}”{hint}"
            return f"参数 {arg} 的取值 “{value}” 无效{hint}"
        if kind == "required":
            names = [n.strip() for n in groups["names"].split(", ")]
            shown = []
            for name in names:
                help_text = _help_for(parser, name) if parser is not None else ""
                shown.append(f"{name}，即{help_text}" if help_text else name)
            return "缺少必需的参数：" + "、".join(shown)
        if kind == "unrecognized":
            return f"无法识别的参数：{groups['names']}"
        if kind == "one":
            return f"参数 {arg} 后面缺少取值"
        if kind == "at_least_one":
            return f"参数 {arg} 至少需要一个取值"
        if kind == "at_most_one":
            return f"参数 {arg} 最多只能有一个取值"
        if kind == "n":
            return f"参数 {arg} 需要 {groups['n']} 个取值"
        if kind == "type":
            return f"参数 {arg} 应为{_TYPE_ZH.get(groups['type'], groups['type'])}，现在是 “{_unquote(groups['value'])}”"
        if kind == "explicit":
            return f"参数 {arg} 不接受取值 “{_unquote(groups['value'])}”"
        if kind == "conflict":
            return f"参数 {arg} 不能与参数 {groups['other']} 同时使用"
        if kind == "one_of":
            return f"须给出以下参数之一：{groups['names']}"
        if kind == "ambiguous":
            return f"选项 “{groups['option']}” 不明确，可能是：{groups['matches']}"
    return message  # a message not known here: as argparse says it


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jixiao", description="预算绩效自评表评分引擎：评分、检查、打印、复核。")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="显示版本号")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("score", cmd_score, "对一张自评表评分：填报得分与复算得分并列")
    p.add_argument("form", help="表单文件（.toml，格式 1；或 .xlsx/.xlsm/.xls/.csv/.txt/.pdf/.docx，导入后评分）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径（默认用表单中 rules 指定的）")
    p.add_argument("--format", choices=["table", "json"], default="table", help="输出格式（默认 table）")

    p = add("check", cmd_check, "只列出发现项")
    p.add_argument("form", help="表单文件（.toml；或 .xlsx/.xlsm/.xls/.csv/.txt/.pdf/.docx，导入后检查）")
    p.add_argument("--rules", help="规则集 ID 或规则文件路径")
    p.add_argument("--format", choices=["table", "json"], default="table")

    p = add("demo", cmd_demo, "对内置示例（株洲市社会保险服务中心 2021 年度自评表）评分")
    p.set_defaults(rules=None, format="table")

    p = add("new", cmd_new, "生成一张带注释的空白表单")
    p.add_argument("--kind", choices=["department", "project"], default="department", help="部门整体 / 项目支出")
    p.add_argument("-o", "--output", required=True, help="输出文件")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = add("rules", cmd_rules, "查看规则集")
    p.add_argument("action", choices=["list", "show"])
    p.add_argument("id", nargs="?", help="规则集 ID 或文件路径")

    add("findings", cmd_findings, "列出所有发现项代码及含义")

    for module in COMMAND_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).register(sub)
    return parser


class _VersionAction(argparse.Action):
    """--version, with the version looked up only when asked (importlib.metadata is slow)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        print("jixiao " + _version())
        parser.exit()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("jixiao")
    except Exception:  # not installed: running from a checkout
        return "0.0.0+checkout"


def main(argv: list[str] | None = None) -> int:
    """Run one command; everything it prints goes through :func:`tui.terminal.visible`."""
    with guard():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNREADABLE
    try:
        return int(args.func(args) or 0)
    except FormError as exc:
        print_problems(exc.problems)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
    except BrokenPipeError:
        return EXIT_OK
    # Ctrl+C: what the interrupted command left half-made (openpyxl's row streams
    # hold reference cycles) is collected now, not at interpreter exit, where
    # Python would print its errors as tracebacks whatever hook is set
    import gc

    gc.collect()
    return 130


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
