"""``jixiao edit``: fill in a form in the terminal (the Textual app).

Only the standard library is imported at module level, so that the other
subcommands start fast; the document layer and Textual are imported inside
:func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jixiao.tui.exit_codes import EXIT_OK, EXIT_UNREADABLE

from ._common import KIND_CHOICES, KIND_HELP, kind_arg


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    help_text = "在终端中填写、检查并保存自评表（每次修改立即重新评分）"
    p = subparsers.add_parser("edit", help=help_text, description=help_text)
    p.add_argument(
        "form",
        help="表单文件（.toml）；与 --new 一起使用时为要新建的文件；"
        "也可以是 .xlsx/.xlsm/.xls/.csv/.txt：先导入，另存为 .toml（原文件不会被改写）",
    )
    p.add_argument("--save-as", metavar="文件", help="导入电子表格或文本时，保存的 .toml 文件名（默认为同名 .toml，放在原文件旁边）")
    p.add_argument("--new", action="store_true", help="从模板新建表单（保存时才写入文件）")
    p.add_argument(
        "--kind", type=kind_arg, choices=KIND_CHOICES, default="department", metavar="类型", help="新建时的" + KIND_HELP
    )
    p.set_defaults(func=run)


def _save_target(source: Path, given: str | None) -> Path | None:
    """Where an imported form is saved: --save-as, else asked (default X.toml beside X.xlsx); None to stop."""
    default = source.with_suffix(".toml")
    if given:
        return Path(given)
    if sys.stdin.isatty():
        try:
            answer = input(f"从 {source} 导入的表单保存为（直接回车用 {default}）：").strip()
        except EOFError:
            answer = ""
        return Path(answer) if answer else default
    return default


def _open_imported(path: Path, save_as: str | None) -> tuple[int, object | None]:
    """(exit status, the unsaved document of the imported form)."""
    from jixiao.indicators.importing import recognised_one
    from jixiao.indicators.importing.toml_writer import form_toml
    from jixiao.indicators.loader import FormError
    from jixiao.indicators.safe_files import output_is_input

    try:
        rec = recognised_one(path)
    except FormError as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        return EXIT_UNREADABLE, None
    target = _save_target(path, save_as)
    if target is None:
        return EXIT_UNREADABLE, None
    if target.suffix.lower() != ".toml":
        print(f"{target}：保存的文件名应以 .toml 结尾（原表 {path} 不会被改写）。", file=sys.stderr)
        return EXIT_UNREADABLE, None
    if output_is_input(target, [path]):
        print(f"{target}：这就是原文件，不会覆盖。请另给一个 .toml 文件名。", file=sys.stderr)
        return EXIT_UNREADABLE, None
    if target.exists():
        print(
            f"{target}：文件已存在，未覆盖。要编辑它，请运行 jixiao edit {target}；或用 --save-as 另给一个文件名。",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE, None
    if not target.parent.is_dir() and str(target.parent) not in ("", "."):
        print(f"{target}：文件夹 {target.parent} 不存在。", file=sys.stderr)
        return EXIT_UNREADABLE, None
    from jixiao.indicators.document import FormDocument

    # like FormDocument.new: an unsaved document, written (to target, never over the spreadsheet) on save
    document = FormDocument(target)
    document.is_new = True
    document._load_text(form_toml(rec))
    document.text = ""
    document.dirty = True
    print(f"已从 {path} 导入（{rec.range_text}），保存时写入 {target}。", file=sys.stderr)
    return EXIT_OK, document


def _never(path: Path) -> bool:
    return False


def run(args: argparse.Namespace) -> int:
    path = Path(args.form)
    if path.suffix.lower() == ".toml":  # a form: the import's readers are not needed (nor imported at start-up)
        is_imported = _never
    else:
        from jixiao.indicators.importing import is_imported

    if is_imported(path) and args.new:
        print(f"{path}：新建的表单是 .toml 文件，请用 .toml 结尾的文件名（如 {path.with_suffix('.toml')}）。", file=sys.stderr)
        return EXIT_UNREADABLE
    if is_imported(path):
        if not path.exists():
            print(f"{path}：文件不存在。", file=sys.stderr)
            return EXIT_UNREADABLE
        status, imported = _open_imported(path, getattr(args, "save_as", None))
        if imported is None:
            return status
        from jixiao.tui.app import JixiaoApp

        return int(JixiaoApp(imported).run() or 0)  # type: ignore[arg-type]
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

    from jixiao.indicators.document import FormDocument

    document = FormDocument.new(path, args.kind) if args.new else FormDocument.open(path)

    from jixiao.tui.app import JixiaoApp

    app = JixiaoApp(document)
    result = app.run()
    return int(result or 0)
