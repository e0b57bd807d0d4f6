"""Importing real forms: readers turn a source into a :class:`Grid`, one recogniser turns grids into forms.

    xlsx/xls/csv/txt/pdf/docx --reader--> Grid --recogniser--> form data (format 1) --> TOML

The recogniser never knows which format a grid came from; a new format is a
new reader.  See ``grid.py`` for the shape every reader produces.
"""

from __future__ import annotations

from .grid import Grid
from .recognise import Recognised, recognise

__all__ = ["recognise_all"]


def recognise_all(grids: list[Grid]) -> list[Recognised]:
    """Every form in every grid, in order (a workbook's sheets, a text's one grid)."""
    return [rec for grid in grids for rec in recognise(grid)]
