"""Outputs never overwrite inputs: the check every writing command calls.

``jixiao pdf``, ``jixiao review --out/--pdf`` (and ``jixiao import`` and
``jixiao export``) call :func:`refuse_overwrite` before they write anything::

    from jixiao.tui.commands._paths import refuse_overwrite

    message = refuse_overwrite(args.output, [args.form, args.rules])
    if message:
        print(message, file=sys.stderr)
        return 2

It compares device and inode (so a hard link or a symlink to the input is
the input too) and the resolved paths, through
:func:`indicators.safe_files.output_is_input`.  Only the standard library is
imported here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from jixiao.indicators.safe_files import UnsafeFile, os_error_text, output_is_input, read_regular_file

__all__ = ["refuse_overwrite", "refuse_overwrite_many", "overwrite_message", "read_pdf_input"]



def read_pdf_input(path: Path, not_pdf: str = "这不是 PDF 文件。") -> bytes | None:
    """The bytes of a PDF a command was given (a regular file, at most 512 MB), or None after telling why
    not on stderr (``not_pdf`` is what is said when the file does not start as a PDF does)."""
    import sys

    from jixiao.reports.pdf_digest import MAX_PDF_BYTES

    try:
        data = read_regular_file(path, MAX_PDF_BYTES)
    except UnsafeFile as exc:
        print(f"{path}：{exc.message}", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"{path}：无法读取（{os_error_text(exc)}）。", file=sys.stderr)
        return None
    if not data.lstrip()[:5].startswith(b"%PDF"):
        print(f"{path}：{not_pdf}", file=sys.stderr)
        return None
    return data


def overwrite_message(output: str | Path, original: str | Path) -> str:
    """The Chinese message: the output would replace the input."""
    same = f"输出文件 {output} 与输入文件 {original} 是同一个文件"
    return f"{same}，写入会覆盖它（不会留下备份）。未写入任何内容；请换一个输出文件名。"


def refuse_overwrite(output: str | Path | None, inputs: Iterable[str | Path | None]) -> str | None:
    """A Chinese message naming both paths when ``output`` would overwrite one of ``inputs``, else None.

    ``None`` entries (an option not given) are skipped, as is a ``None`` output.
    """
    if output is None:
        return None
    original = output_is_input(output, [i for i in inputs if i is not None and str(i) != ""])
    return overwrite_message(output, original) if original is not None else None


def refuse_overwrite_many(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> str | None:
    """:func:`refuse_overwrite` for many outputs and many inputs (a folder of forms), in linear time.

    An output that does not exist cannot be an existing input, so only the
    outputs that exist are compared, by device and inode.
    """
    existing: list[tuple[str | Path, tuple[int, int]]] = []
    for out in outputs:
        try:
            st = os.stat(out)
        except OSError:
            continue
        existing.append((out, (st.st_dev, st.st_ino)))
    if not existing:
        return None
    wanted = {key: out for out, key in existing}
    for item in inputs:
        try:
            st = os.stat(item)
        except OSError:
            continue
        clash = wanted.get((st.st_dev, st.st_ino))
        if clash is not None:
            return overwrite_message(clash, item)
    return None
