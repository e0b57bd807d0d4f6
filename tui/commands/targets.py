"""``jixiao targets check T...``: is an approved 绩效目标表 (a definitions file) usable?

Each file is read and validated (format 1, ``kind = "targets"``, no year-end
keys), and its indicators are checked as a form's would be where that
needs no actual value: the weights add up to 100 (with the funds weight)
and to each category's weight, no target is empty or unreadable, a cost
indicator is not ``≥``, no indicator appears twice.  Exit status: 0 usable,
1 a file has an error finding, 2 a file cannot be read.

(``jixiao targets record``, storing approved definitions in the bureau's
record, belongs to the store.)

Only the standard library at module level.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ._common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, print_problems

__all__ = ["register", "cmd_targets_check", "DEFINITION_CODES", "load_targets_folder"]

HELP = "绩效目标表（年初批复的指标定义）：检查"

# the engine's findings that concern the definitions themselves (no actual value needed)
DEFINITION_CODES = frozenset(
    {
        "weights-sum",
        "weight-precision",
        "category-weight-assumed",
        "category-looks-like-value",
        "duplicate-indicator",
        "cost-direction",
        "unreadable-value",
        "operator-assumed",
        "missing-year",
        "bad-params",
    }
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("targets", help=HELP, description=HELP + "。年末据它生成自评表：jixiao new --from-targets。")
    sub = p.add_subparsers(dest="targets_command", metavar="操作", parser_class=type(p))
    c = sub.add_parser("check", help="检查绩效目标表：格式、分值合计、指标值能否读取", description="检查绩效目标表：格式、分值合计、指标值能否读取")
    c.add_argument("files", nargs="+", metavar="绩效目标表", help="绩效目标表文件（.toml，kind = \"targets\"）")
    c.add_argument("--format", choices=["table", "json"], default="table", help="输出格式（默认 table）")
    c.set_defaults(func=cmd_targets_check)
    p.set_defaults(func=_no_operation, parser=p)


FOLDER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".docx", ".pdf")  # besides .toml: approved tables as the bureau keeps them


def load_targets_folder(folder: str) -> tuple[Any, list[str]]:
    """The definitions in a reviewer's folder (``jixiao review --targets-dir``): (TargetsIndex, problems).

    The ``kind = "targets"`` .toml files (scoring.targets.load_index), and every workbook, Word file
    or PDF in it that holds a 绩效目标表 (imported); one that cannot be read, or holds no
    绩效目标表, is a problem line (the review goes on without it).
    """
    from pathlib import Path

    from jixiao.indicators.importing.targets import load_targets_file
    from jixiao.indicators.loader import FormError
    from jixiao.scoring.targets import TargetsIndex, load_index

    index, problems = load_index(folder)
    entries = [entry for entries in index.by_key.values() for entry in entries]
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix.lower() not in FOLDER_SUFFIXES or path.name.startswith("~$") or not path.is_file():
            continue
        try:
            entries.append((str(path), load_targets_file(path)))
        except FormError as exc:
            problems += [str(p) for p in exc.problems]
    return TargetsIndex(str(folder), entries), problems


def _no_operation(args: argparse.Namespace) -> int:
    args.parser.print_help(sys.stderr)
    return EXIT_UNREADABLE


def definition_findings(targets: Any, file: str) -> list[Any]:
    """The engine's findings on the definitions (as a year-end form with nothing filled would get them)."""
    from jixiao.indicators.loader import load_form_text
    from jixiao.indicators.targets import form_text
    from jixiao.scoring.engine import score_form
    from jixiao.scoring.rules import form_rules

    form = load_form_text(form_text(targets, file, ""), file)
    # the file's own rules: a bundled id, or a file in its folder (never any path it names)
    result = score_form(form, form_rules(form.rules, os.path.dirname(file) or "."), file)
    out = []
    for f in result.findings:
        if (
            f.code in DEFINITION_CODES
            or (f.code == "missing-value" and f.loc[-1:] == ("target",))
            or (f.code == "funds-total-mismatch" and f.loc[-1:] == ("initial",))  # the approved budget's sum
        ):
            out.append(f)
    return out


def cmd_targets_check(args: argparse.Namespace) -> int:
    import os

    from jixiao.indicators.importing import is_imported
    from jixiao.indicators.importing.targets import load_targets_file
    from jixiao.indicators.loader import FormError, key_lines, read_toml
    from jixiao.indicators.targets import targets_digest
    from jixiao.scoring.findings import SEVERITY_ZH
    from jixiao.scoring.locations import finding_place
    from jixiao.scoring.vocabulary import fmt
    from jixiao.tui.terminal import visible

    status = EXIT_OK
    report: list[dict[str, Any]] = []
    for file in args.files:
        try:
            targets = load_targets_file(file)
            text = "" if is_imported(file) else read_toml(file)[1]
        except FormError as exc:
            print_problems(exc.problems, title="无法读取绩效目标表：")
            report.append({"file": file, "error": "\n".join(str(p) for p in exc.problems)})
            status = EXIT_UNREADABLE
            continue
        try:
            found = definition_findings(targets, file)
        except FormError as exc:  # the rule set it names cannot be read
            print_problems(exc.problems, title=f"{file}：指定的规则集无法读取：")
            report.append({"file": file, "error": "\n".join(str(p) for p in exc.problems)})
            status = EXIT_UNREADABLE
            continue
        lines = key_lines(text)
        for f in found:
            f.line = next((lines[f.loc[:n]] for n in range(len(f.loc), 0, -1) if f.loc[:n] in lines), None)
        errors = sum(1 for f in found if f.severity == "error")
        if errors and status == EXIT_OK:
            status = EXIT_FINDINGS
        digest = targets_digest(targets)
        total = sum((i.weight for i in targets.indicators), targets.funds.weight)
        if args.format == "json":
            report.append(
                {
                    "file": file,
                    "unit": targets.unit.name,
                    "project": targets.unit.project,
                    "year": targets.year,
                    "indicators": len(targets.indicators),
                    "weights": fmt(total),
                    "sha256": digest,
                    "findings": [f.to_dict() for f in found],
                }
            )
            continue
        who = targets.unit.name + (f" · {targets.unit.project}" if targets.unit.project else "")
        year = f"{targets.year} 年度" if targets.year else "年度未填"
        verdict = "有错误，请改正后再用" if errors else "可以使用"
        print(visible(f"{os.fspath(file)}：{verdict}（{year} {who}，指标 {len(targets.indicators)} 项，分值合计 {fmt(total)}，内容哈希 {digest[:16]}）"))
        names = {i: ind.name for i, ind in enumerate(targets.indicators)}
        for f in found:
            line = f"第{f.line}行 " if f.line else ""
            print(visible(f"  [{SEVERITY_ZH[f.severity]}] {f.code}  {line}{finding_place(f, names)}：{f.message}"))
    if args.format == "json":
        import json

        from jixiao.tui.terminal import json_text

        print(json_text(json.dumps(report, ensure_ascii=False, indent=2)))
    return status
