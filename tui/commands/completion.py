"""``jixiao completion bash|zsh``: the shell's tab completion script for jixiao (made by shtab).

    jixiao completion bash > ~/.local/share/bash-completion/completions/jixiao
    jixiao completion zsh > ~/.zfunc/_jixiao     # with fpath+=~/.zfunc before compinit in ~/.zshrc

The script is made from the command line's own parser, so it completes every
command, option and choice there is; file arguments complete file names.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_OK

__all__ = ["register", "cmd_completion"]

SHELLS = ("bash", "zsh")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "completion",
        help="打印 bash / zsh 的命令补全脚本",
        description="打印命令补全脚本。bash：jixiao completion bash > ~/.local/share/bash-completion/completions/jixiao；"
        "zsh：jixiao completion zsh > ~/.zfunc/_jixiao（并在 ~/.zshrc 的 compinit 之前加 fpath+=~/.zfunc）。",
    )
    p.set_defaults(func=cmd_completion)
    p.add_argument("shell", choices=SHELLS, help="bash 或 zsh")


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab
    from jixiao.tui.cli import build_parser

    parser = build_parser()  # every command, for the script to know them all
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return EXIT_OK
