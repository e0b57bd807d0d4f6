"""The review's outputs on bench_review.py's generated forms, saved or compared byte for byte.

    python benchmarks/review_outputs.py save /tmp/outputs-before    # on the old code
    python benchmarks/review_outputs.py check /tmp/outputs-before   # on the new: exit 1 when one differs

Generates N forms (``-n``, default 300) into ``DIR/forms`` unless they are
there, runs ``jixiao review forms`` from ``DIR`` with ``--out X.csv``,
``--out X.json``, ``--format json`` and the terminal table, and keeps each
output as ``DIR/before.*`` (save) or compares it with that (check).  The
xlsx output is compared cell by cell (its zip holds a time stamp).
Line-oriented output: one ``same``/``DIFFERS`` line per output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

RUNS = {  # output name -> review arguments; "{out}" is the output file
    "csv": ["--out", "{out}"],
    "out.json": ["--out", "{out}"],
    "json": ["--format", "json"],  # standard output
    "table": [],  # the terminal table, standard output
}


def _run(folder: Path, name: str, prefix: str) -> bytes:
    out = folder / f"{prefix}.{name}"
    args = [a.replace("{out}", f"result.{name.split('.')[-1]}") for a in RUNS[name]]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "review", "forms", *args], cwd=folder, env=env,
                          capture_output=True, check=False)
    data = (folder / f"result.{name.split('.')[-1]}").read_bytes() if "{out}" in RUNS[name] else done.stdout
    out.write_bytes(data)
    return data


def _cells(path: Path) -> list[list[list[object]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["save", "check"])
    ap.add_argument("dir", type=Path)
    ap.add_argument("-n", type=int, default=300)
    args = ap.parse_args()
    folder: Path = args.dir
    forms = folder / "forms"
    if not forms.exists():
        from bench_review import generate

        forms.mkdir(parents=True)
        generate(forms, args.n)
    bad = 0
    for name in RUNS:
        if args.what == "save":
            _run(folder, name, "before")
            print(f"saved {name}")
            continue
        after = _run(folder, name, "after")
        before = (folder / f"before.{name}").read_bytes()
        if name == "table":  # the last line names the output file
            before, after = before.replace(b"before.", b"result."), after.replace(b"after.", b"result.")
        same = before == after
        bad += not same
        print(f"{'same' if same else 'DIFFERS'} {name} {len(after)} bytes")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "review", "forms", "--out", "result.xlsx"], cwd=folder, env=env,
                   capture_output=True, check=False)
    if args.what == "save":
        os.replace(folder / "result.xlsx", folder / "before.xlsx")
        print("saved xlsx")
    else:
        same = _cells(folder / "before.xlsx") == _cells(folder / "result.xlsx")
        bad += not same
        print(f"{'same' if same else 'DIFFERS'} xlsx cells")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
