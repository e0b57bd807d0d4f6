"""The one shape every reader produces: a grid of cells with merged ranges.

A :class:`Grid` is a rectangle of :class:`Cell` (every position present, as
in a spreadsheet).  A merged range is given on every cell it covers
(``merged``, inclusive, 0-based grid coordinates); its text and value sit on
the anchor cell (top-left), the covered cells are blank.  ``address`` says
where the cell is in the source, in the words a user would look for it:
``Sheet1!F12`` for a workbook, ``第 556 行`` for text, ``第 31 页`` for a PDF.

Readers may add fields; none may rename these (PDF and Word readers build on
them too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Cell", "Grid", "Range", "column_letters"]

Range = tuple[int, int, int, int]  # top, left, bottom, right (inclusive)


def column_letters(col: int) -> str:
    """A 0-based column number as a spreadsheet writes it: 0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``."""
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass(frozen=True)
class Cell:
    text: str = ""  # what the cell shows, verbatim ("96%", "1,387.53", "产出指标（50分）")
    value: Decimal | None = None  # the number as shown, when the cell shows one: "96%" -> 96 with percent=True
    percent: bool = False  # the number was shown with %
    merged: Range | None = None  # the merged range this cell belongs to
    address: str = ""  # where it is in the source: "Sheet1!F12", "第 556 行", "第 31 页"
    problem: str = ""  # what the reader could not read here (a formula with no cached value...), in Chinese
    formula: str = ""  # a formula that is a bare constant ("=100%", "=6"): its text, beside the cached value

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Grid:
    source: str  # the file, as the user named it
    name: str = ""  # the sheet's name, the page range, "" for a single-table source
    rows: list[list[Cell]] = field(default_factory=list)
    kind: str = "sheet"  # sheet | text | pdf | docx: for messages only; the recogniser must not branch on it
    notes: list[tuple[str, str]] = field(default_factory=list)  # (address, Chinese message) from the reader: hidden sheet, rows cut

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> Cell:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return Cell()

    def anchor(self, row: int, col: int) -> Cell:
        """The cell whose text shows at (row, col): the top-left of its merged range."""
        c = self.cell(row, col)
        if c.merged and (c.merged[0], c.merged[1]) != (row, col):
            return self.cell(c.merged[0], c.merged[1])
        return c
