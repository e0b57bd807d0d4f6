"""Text that is not UTF-8: GBK / GB18030, what Windows Notepad and Excel save in China.

Such a file is read (GB18030 contains GBK) and a notice is raised as a Python
warning of category :class:`EncodingNotice`; the command line prints it in
Chinese (``tui.cli``), the editor shows it.  Everything jixiao writes is UTF-8.
Only the standard library.
"""

from __future__ import annotations

import warnings

__all__ = ["EncodingNotice", "notice", "notice_text"]


class EncodingNotice(UserWarning):
    """A file was read in an encoding other than UTF-8."""

    def __init__(self, source: str, encoding: str):
        super().__init__(notice_text(source, encoding))
        self.source = source
        self.encoding = encoding


def notice_text(source: str, encoding: str) -> str:
    return f"{source}：文件是 GBK/GB18030 编码（不是 UTF-8），已按 {encoding} 读取；jixiao 保存或写出的文件一律为 UTF-8。"


def notice(source: str, encoding: str) -> None:
    """Say that ``source`` was read as ``encoding`` (a warning the front ends show)."""
    warnings.warn(EncodingNotice(source, encoding), stacklevel=3)
