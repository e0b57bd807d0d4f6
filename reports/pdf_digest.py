"""Reading back a PDF printed by jixiao: the content digests in its metadata, footers and QR codes.

``jixiao verify`` (tui/commands/pdf.py) compares them with a form's digest.
pypdf is imported inside :func:`read_printed_pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DIGEST_IN_PDF", "FOOTER_DIGEST", "MAX_PDF_BYTES", "PrintedPage", "PrintedPdf", "read_printed_pdf", "read_pdf_digest"]

DIGEST_IN_PDF = r"(?:jixiao-sha256:|sha256=)([0-9a-f]{64})"
# the footer's two lines; another program's re-made PDF may garble the Chinese around the digits
FOOTER_DIGEST = r"(?:内容摘要\s*SHA-256|jixiao\s+verify\s)[^0-9a-f\n]{0,8}([0-9a-f]{16})(?![0-9a-f])"
QR_RECT = rb"^(\d+) (\d+) (\d+) 1 re$"
MAX_PDF_BYTES = 512 * 1024 * 1024


@dataclass
class PrintedPage:
    """What one page of a printed form shows."""

    number: int  # from 1
    digests: list[str]  # the 16 hex digits printed in the footer (twice on a jixiao page)
    qr: frozenset[tuple[int, int, int]] | None  # the QR code's rectangles, None when the page draws none


@dataclass
class PrintedPdf:
    metas: list[str]  # the full digests in the metadata (Keywords, Subject: both, as jixiao writes it)
    pages: list[PrintedPage]

    @property
    def meta(self) -> str | None:
        return self.metas[0] if self.metas else None


def _page_qr(page: Any) -> frozenset[tuple[int, int, int]] | None:
    """The rectangles of the QR code the page draws (jixiao's form XObject), or None."""
    import re

    from jixiao.reports.form_pdf import QR_FORM_NAME

    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return None
    contents = page.get_contents()
    drawn = contents.get_data() if contents is not None else b""
    for name, ref in xobjects.get_object().items():
        if QR_FORM_NAME not in str(name) or f"{name} Do".encode() not in drawn:
            continue
        data = ref.get_object().get_data()
        return frozenset((int(x), int(y), int(w)) for x, y, w in re.findall(QR_RECT, data, re.MULTILINE))
    return None


def read_printed_pdf(path: Path) -> PrintedPdf:
    """The digests a PDF printed by jixiao carries: in its metadata, and printed on each page
    (the footer's digits, read from the page text, and the QR code, read as the rectangles
    ReportLab drew).  Raises ValueError (Chinese) when the file cannot be read as a PDF."""
    import io
    import logging
    import re

    from jixiao.indicators.safe_files import UnsafeFile, read_regular_file

    try:
        from pypdf import PdfReader
    except ImportError:  # a dependency of jixiao; without it the pages cannot be read
        raise ValueError(
            "读取 PDF 需要 pypdf（pip install pypdf）；也可以直接给出页脚“内容摘要”后的 16 位数字。"
        ) from None

    try:
        data = read_regular_file(path, MAX_PDF_BYTES)
    except UnsafeFile as exc:
        raise ValueError(exc.message) from None
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ValueError("无法读取 PDF：这不是 PDF 文件（用法：jixiao verify 表单.toml 打印件.pdf，或 jixiao verify 表单.toml 摘要）。")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its own English warnings; we say it in Chinese
    try:
        reader = PdfReader(io.BytesIO(data))
        meta_info: Any = reader.metadata or {}
        metas = [str(meta_info.get("/Keywords") or ""), str(meta_info.get("/Subject") or "")]
        pages = []
        for n, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            pages.append(PrintedPage(n, re.findall(FOOTER_DIGEST, text), _page_qr(page)))
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise ValueError(
            "无法读取 PDF：它不是完整的 PDF 文件（用法：jixiao verify 表单.toml 打印件.pdf，或 jixiao verify 表单.toml 摘要）。"
            f"（{type(exc).__name__}）"
        ) from None
    found = [m.group(1) for m in (re.search(DIGEST_IN_PDF, t) for t in metas) if m]
    return PrintedPdf(found, pages)


def read_pdf_digest(path: Path) -> str | None:
    """The full digest in the metadata of a PDF printed by jixiao (None when it carries none)."""
    return read_printed_pdf(path).meta
