"""The text of a PDF, for tests that read what was printed (pypdf's text extraction)."""

from __future__ import annotations

import re
from pathlib import Path


def pdf_text(path: str | Path, *, squeeze: bool = False) -> str:
    """Every page's text, pages joined by a line break; ``squeeze`` drops all white space
    (a line wrapped in a table cell then reads as one word)."""
    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
    return re.sub(r"\s+", "", "".join(pages)) if squeeze else "\n".join(pages)
