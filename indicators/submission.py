"""Loading one submission: the one place that tells a TOML form from a file to import.

    submission (.toml, or .xlsx/.xls/.csv/.txt/.pdf/.docx) --here--> form --engine--> result

A ``.toml`` is read and validated as always (the one TOML branch); anything
else goes to the importers (``indicators/importing``), which are imported
only then, so that scoring a TOML form never loads a reader.  The engine
(``scoring/``) never chooses a file format: it scores the form this module
gives it (``jixiao.scoring.loading`` joins the two for the commands).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .loader import _SECTIONS, key_lines, read_toml, validate_model
from .schema import Form

if TYPE_CHECKING:
    from .importing import Imported

__all__ = ["Notes", "SUBMISSION_SUFFIXES", "attach_lines", "is_imported", "load_submission", "looks_like_form_text"]

# What a folder is searched for: the TOML forms and the spreadsheets and texts a unit may send
# instead.  ``jixiao review DIR`` also reads a folder's Word and PDF files (scoring.batch.
# DOCUMENT_SUFFIXES): what a bureau receives; ``jixiao pdf DIR`` does not (they are printouts there).
SUBMISSION_SUFFIXES = (".toml", ".xlsx", ".xlsm", ".xls", ".csv", ".txt")


class Notes(list):  # type: ignore[type-arg]
    """The notes of :func:`load_submission` (a list of Note), with ``imported`` (None for a TOML form)."""

    imported: Imported | None = None


def is_imported(path: str | Path) -> bool:
    """True when ``path`` is not a TOML form but a file the import reads (a spreadsheet, a text...)."""
    if str(path).endswith(".toml"):  # the common case, without loading the readers
        return False
    from .importing import is_imported as readable

    return readable(path)


def looks_like_form_text(path: str | Path) -> bool:
    """Whether a ``.txt`` or ``.csv`` found in a folder may hold a form (see ``importing.looks_like_form_text``)."""
    from .importing import looks_like_form_text as probe

    return probe(path)


def load_submission(path: str | Path) -> tuple[Form, str, Notes]:
    """(form, TOML text, notes) of a submission: a ``.toml`` as always, anything else imported.

    An imported file must hold exactly one form.  Raises :class:`FormError`
    (with every problem, each named by file and cell where known).  For an
    imported form the text is the generated TOML (what was validated), and
    ``notes.imported`` maps its key paths to cells.
    """
    if not is_imported(path):
        data, text = read_toml(path)
        return validate_model(Form, data, text, str(path), _SECTIONS), text, Notes()
    from .importing import load_imported

    return load_imported(path)


def attach_lines(result: Any, text: str) -> None:
    """Fill the TOML line of each of ``result.findings`` (anything with ``loc`` and ``line``) from the file text.

    Only when there are findings; an imported form has no text ("") and its findings name cells instead."""
    findings = result.findings
    if not findings or not text:
        return
    lines = key_lines(text)
    for f in findings:
        loc = f.loc
        for n in range(len(loc), 0, -1):
            if loc[:n] in lines:
                f.line = lines[loc[:n]]
                break
