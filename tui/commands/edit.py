"""``jixiao edit``: fill in a form in the terminal (the Textual app).

Only the standard library is imported at module level, so that the other
subcommands start fast; the document layer and Textual are imported inside
:func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_UNREADABLE = 0, 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    help_text = "在终端中填写、检查并保存自评表（每次修改立即重新评分）"
    p = subparsers.add_parser("edit", help=help_text, description=help_text)
    p.add_argument("form", help="表单文件（.toml）；与 --new 一起使用时为要新建的文件")
    p.add_argument("--new", action="store_true", help="从模板新建表单（保存时才写入文件）")
    p.add_argument(
        "--kind", choices=["department", "project"], default="department", help="新建表单的类型：部门整体 / 项目支出"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.form)
    if args.new:
        if path.exists():
            print(f"{path}：文件已存在，未覆盖。要编辑它，请运行 jixiao edit {path}", file=sys.stderr)
            return EXIT_UNREADABLE
        if not path.parent.is_dir() and str(path.parent) not in ("", "."):
            print(f"{path}：文件夹 {path.parent} 不存在。", file=sys.stderr)
            return EXIT_UNREADABLE
    elif not path.exists():
        print(
            f"{path}：文件不存在。要新建表单，请运行 jixiao edit --new --kind department {path}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE

    from indicators.document import FormDocument

    document = FormDocument.new(path, args.kind) if args.new else FormDocument.open(path)

    from tui.app import JixiaoApp

    app = JixiaoApp(document)
    result = app.run()
    return int(result or 0)
