"""The ``jixiao`` command line: the front door to everything.

Only the standard library is imported here (the loader when a command runs);
Textual and ReportLab are imported inside the subcommands that need them,
so ``jixiao score`` starts fast.

Exit status: 0 no finding of severity error, 1 at least one, 2 the input
could not be read.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from typing import Any

from . import _startup  # noqa: F401  (first: pydantic plugin discovery off before any model is built)
from .commands._common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, print_problems
from .terminal import guard

__all__ = ["main", "run", "build_parser", "chinese_argparse_message", "print_problems"]
__all__ += ["EXIT_OK", "EXIT_FINDINGS", "EXIT_UNREADABLE"]

# Every subcommand, in the order ``jixiao -h`` lists them, with the module that
# registers it (its register(subparsers) adds all the module's commands). Only
# the module of the command being run is imported (``jixiao -h`` imports all);
# a command module imports only the standard library at module level.
COMMANDS: dict[str, str] = {
    "score": "jixiao.tui.commands.score",
    "check": "jixiao.tui.commands.score",
    "demo": "jixiao.tui.commands.demo",
    "new": "jixiao.tui.commands.new",
    "rules": "jixiao.tui.commands.rules",
    "findings": "jixiao.tui.commands.findings",
    "edit": "jixiao.tui.commands.edit",
    "pdf": "jixiao.tui.commands.pdf",
    "verify": "jixiao.tui.commands.pdf",
    "sign": "jixiao.tui.commands.sign",
    "review": "jixiao.tui.commands.review",
    "import": "jixiao.tui.commands.import_",
    "export": "jixiao.tui.commands.export",
    "targets": "jixiao.tui.commands.targets",
    "history": "jixiao.tui.commands.history",
    "desk": "jixiao.tui.commands.desk",
    "completion": "jixiao.tui.commands.completion",
}


# ------------------------------------------------------------ parser


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells (a Chinese character is two): breaks at
    spaces between words, and anywhere between Chinese characters (no punctuation starts a line)."""
    from .textable import cell_width

    lines: list[str] = []
    line, line_width = "", 0
    for token in re.findall(r"[ -~]+|.", " ".join(text.split())):  # runs of ASCII, or one other character
        for piece in re.split(r"(?<= )", token) if cell_width(token) > width else [token]:
            w = cell_width(piece)
            if line and line_width + w > width and not (piece in "，。；：、）》”" and line_width + w <= width + 2):
                lines.append(line.rstrip())
                piece = piece.lstrip()
                line, line_width = "", 0
                w = cell_width(piece)
            line += piece
            line_width += w
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


class _ChineseHelp(argparse.HelpFormatter):
    """argparse's help with its columns aligned by display width: a Chinese character takes two
    cells of the terminal, not one, so argparse's own ``len`` misaligns and overflows them."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法：")

    def add_argument(self, action: argparse.Action) -> None:
        from .textable import cell_width

        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:  # the widest invocation, in cells, with its own indent
            widths = [cell_width(self._format_action_invocation(action)) + self._current_indent]
            for sub in self._iter_indented_subactions(action):  # (argparse forgets the commands' deeper indent)
                widths.append(cell_width(self._format_action_invocation(sub)) + self._current_indent)
            self._action_max_length = max(self._action_max_length, *widths)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(text, width)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        """argparse's usage, wrapped again by display width when a Chinese metavar makes it too wide."""
        from .textable import cell_width

        text = super()._format_usage(usage, actions, groups, prefix)
        width = self._width - self._current_indent
        lines = text.rstrip("\n").split("\n")
        start = (prefix or "") + self._prog
        if all(cell_width(line) <= width for line in lines) or not lines[0].startswith(start):
            return text
        rest = " ".join(line.strip() for line in lines)[len(start) :]
        indent = " " * (cell_width(start) + 1 if cell_width(start) + 1 <= width // 2 else cell_width(prefix or ""))
        out, line = [], start
        for token in re.findall(r"\[[^\]]*\]|\([^)]*\)|\S+", rest):
            if cell_width(line) + 1 + cell_width(token) > width and line.strip():
                out.append(line)
                line = indent + token
            else:
                line += " " + token
        out.append(line)
        return "\n".join(out) + "\n\n"

    def _fill_text(self, text: str, width: int, indent: str) -> str:  # the description
        return "\n".join(indent + line for line in _wrap(text, width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        """As argparse's, with widths measured in cells."""
        from .textable import cell_width

        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        indent_first = help_position
        if not action.help:
            parts = [f"{indent}{header}\n"]
        elif cell_width(header) <= action_width:  # the help starts on the same line
            parts = [f"{indent}{header}{' ' * (action_width - cell_width(header))}  "]
            indent_first = 0
        else:  # a long invocation: the help starts on the next line
            parts = [f"{indent}{header}\n"]
        if action.help and action.help.strip():
            help_text = self._expand_help(action)
            if help_text:
                lines = self._split_lines(help_text, help_width)
                parts.append(" " * indent_first + lines[0] + "\n")
                parts += [" " * help_position + line + "\n" for line in lines[1:]]
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)


class _Parser(argparse.ArgumentParser):
    """argparse with its headings and -h in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelp)
        kwargs["add_help"] = False
        self.arguments: list[argparse.Action] = []  # every argument added, as add_argument returned it
        self.has_commands = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.arguments.append(action)
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        self.has_commands = True
        return super().add_subparsers(**kwargs)

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
    for action in getattr(parser, "arguments", []):
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
            import difflib

            guess = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
            hint = f"，是否想输入 “{guess[0]}”？" if guess else f"。可选：{'、'.join(choices)}"
            if arg in ("命令", "command", "") and getattr(parser, "has_commands", False):
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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command`` (a known name), only that command's module is registered.

    ``jixiao score FORM`` parses the same with either parser; building only the
    needed one saves importing the other commands' modules and building their
    help texts and argument tables (and what ``import`` reads to list its
    suffixes) at every start.
    """
    parser = _Parser(prog="jixiao", description="预算绩效自评表评分引擎：评分、检查、打印、复核。")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="显示版本号")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
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
        _show_encoding_notices()
        return _main(argv)


def _show_encoding_notices() -> None:
    """A file read as GBK/GB18030 (not UTF-8) is said on stderr, in Chinese, each time."""
    import warnings

    from jixiao.indicators.encodings import EncodingNotice

    warnings.simplefilter("always", EncodingNotice)
    original = warnings.showwarning

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        if isinstance(category, type) and issubclass(category, EncodingNotice):
            print(f"注意：{message}", file=sys.stderr)
            return
        original(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def _main(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    from jixiao.indicators.loader import FormError

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
