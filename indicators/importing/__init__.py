"""Importing real forms: readers turn a source into a :class:`Grid`, one recogniser turns grids into forms.

    xlsx/xls/csv/txt/pdf/docx --reader--> Grid --recogniser--> form data (format 1) --> TOML

The recogniser never knows which format a grid came from; a new format is a
new reader.  See ``grid.py`` for the shape every reader produces.
"""
