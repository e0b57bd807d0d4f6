"""A submission loaded and scored: what the commands and the batch workers call.

Loading (TOML or an imported spreadsheet or text) is ``indicators/submission.py``'s;
scoring is the engine's pure :func:`~jixiao.scoring.engine.score_form`.  This module
only joins them: the rule set the form names (its problems told at the form's
``rules =`` line), the cells of an imported form on its findings, and what the
import could not read as findings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jixiao.indicators.loader import FormError, Problem, key_lines
from jixiao.indicators.submission import attach_lines, load_submission

from .engine import Result, score_form
from .findings import make
from .rules import RuleSet, form_rules, load_rules

__all__ = ["attach_lines", "load_and_score", "load_scored", "score_file"]


def _ruleset_for(form: Any, rules: str | None, folder: str, bundled_only: bool) -> RuleSet:
    """The command line's ``rules`` (the user's choice), else the form's own, bounded by :func:`form_rules`."""
    if rules:
        return load_rules(rules, folder)
    return form_rules(form.rules, folder, bundled_only=bundled_only)


def load_scored(path: str | Path, rules: str | None = None, capture: dict[str, Any] | None = None, *,
                bundled_only: bool = False) -> tuple[Result, str, str]:
    """(result, text for line numbers, where in the file the form is).

    ``capture`` (a dict, for the bureau's record): the form's TOML text
    ("text": an imported form's is the TOML made of it) and, for an imported
    form, the cell each key came from ("cells") are put there.

    ``bundled_only``: the form's ``rules`` may name only a bundled rule set
    (a bureau's review: a rules file is the reviewer's ``rules``).

    A spreadsheet or text submission is imported on the fly: its findings
    then name their cell (``Sheet1!F12``) instead of a line, the text is ""
    (no lines to attach) and the third item says where the form is
    ("工作表 Sheet1"); for a TOML form it is "".  Raises FormError if the
    form or its rule set cannot be read.
    """
    form, text, notes = load_submission(path)
    imported = notes.imported
    if capture is not None:
        capture["text"] = text
        if imported is not None:
            capture["cells"] = imported.cells
    folder = os.path.dirname(path) or "."
    if imported is not None:
        result = score_form(form, _ruleset_for(form, rules, folder, bundled_only), str(path))
        for f in result.findings:
            address = imported.address(f.loc)
            if address:
                f.where = f"{address} {f.where}".rstrip()
                f.address = address
        # what the import could not read is not scored: said, never silently left out
        result.findings += [make("import-problem", n.message, n.address) for n in notes if n.kind == "problem"]
        from .printed_check import check_printed  # figures the form prints, against what was read

        result.findings += check_printed(form, result, imported.printed)
        return result, "", imported.origin
    try:
        ruleset = _ruleset_for(form, rules, folder, bundled_only)
    except FormError as exc:
        if rules:  # named on the command line, not by the form
            raise
        raise FormError(_rules_problems(exc.problems, str(path), text, form.rules)) from None
    return score_form(form, ruleset, str(path)), text, ""


def load_and_score(path: str | Path, rules: str | None = None) -> tuple[Result, str]:
    """Read, validate and score one form file; raises FormError if it cannot be read."""
    result, text, _ = load_scored(path, rules)
    return result, text


def score_file(path: str | Path, rules: str | None = None) -> Result:
    """:func:`load_scored` with each finding's TOML line filled in."""
    result, text, _ = load_scored(path, rules)
    attach_lines(result, text)
    return result


def _rules_problems(problems: list[Problem], source: str, text: str, ref: str) -> list[Problem]:
    """The problems of the rule set a form names, told at the form's ``rules =`` line.

    A rule set that cannot be found or read at all is the form's problem; one
    with errors inside keeps those (with its own file and lines) after a line
    saying which line of the form named it.
    """
    line = key_lines(text).get(("rules",))
    whole = [p for p in problems if p.line is None and p.key in ("", "rules")]
    out = []
    for p in whole:
        message = p.message if ref in p.message else f"规则集 “{ref}” 无法使用：{p.message}"
        out.append(Problem(source, "rules", line, message))
    rest = [p for p in problems if p not in whole]
    if rest:
        out.append(Problem(source, "rules", line, f"表单指定的规则集 “{ref}” 有错误（见下），无法评分。"))
        out += rest
    return out
