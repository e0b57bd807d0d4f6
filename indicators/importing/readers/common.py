"""What every reader shares: the cell made from what a cell shows.

A reader knows what a cell *shows* (its text); ``parse_number`` (shared with
the text reader and the recogniser) reads the number in it the way a person
would (``1,387.53``, ``96%``, full-width digits), so that ``Cell.value`` is
the same whatever the source.  Text that is more than a number (``≥95%``,
``31.88万人``) has no value: the recogniser and the engine read it as a target.
"""

from __future__ import annotations

from ..grid import Cell, Range
from ..numbers import parse_number

__all__ = ["text_cell"]


def text_cell(text: str, address: str, merged: Range | None = None, problem: str = "") -> Cell:
    """A cell that shows ``text``; its value is the number in it, if it is only a number."""
    value, percent = parse_number(text) if text else (None, False)
    return Cell(text=text, value=value, percent=percent, merged=merged, address=address, problem=problem)
