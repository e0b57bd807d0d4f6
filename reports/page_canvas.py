"""The canvas that knows the page count: pages are held back until the document
ends, then each gets its footer (``第 N 页 共 M 页`` and whatever else the
caller draws).  One class for every PDF jixiao prints (the form, the review report).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from .rl_compat import start_next_page

__all__ = ["numbered_canvas"]

Footer = Callable[[Canvas, int, int], None]  # (canvas, page number, page count)


def numbered_canvas(footer: Footer) -> type[Canvas]:
    """A Canvas class (for ``doc.build(canvasmaker=...)``) that calls ``footer(canvas, page, total)``
    on every page once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            start_next_page(self)

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                footer(self, self.getPageNumber(), total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas
