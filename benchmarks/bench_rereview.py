"""Benchmark a re-review with the bureau's record: the second ``jixiao review`` of a folder of spreadsheets.

Generates N spreadsheet submissions (seed-sized forms with varied values, as
``bench_review.py`` makes them, each exported to the official layout with
``reports/export_xlsx.py``: what a unit sends), then runs the real command
(``python -m jixiao.tui.cli review DIR --out X.json --db R``):

- ``first``: an empty record: every file is imported and scored, and kept;
- 2% of the files are replaced by changed submissions;
- ``second``: the same folder again: only the changed files are read, the
  rest are taken from the record;
- ``no record``: the changed folder with ``--no-db`` (what every review cost
  before the record), whose output must be identical to ``second``'s.

Prints the wall time of each and the ratio first ÷ second (goal ≥ 10, aim 20).

    python benchmarks/bench_rereview.py            # 250 spreadsheets
    python benchmarks/bench_rereview.py -n 1000 --jobs 2
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_review import SEED, _children_cpu, command_env, make_form  # noqa: E402


def write_xlsx(path: Path, text: str, scratch: Path) -> None:
    from jixiao.reports.export_xlsx import export_form
    from jixiao.scoring.loading import score_file

    toml = scratch / (path.stem + ".toml")
    toml.write_text(text, encoding="utf-8")
    export_form(score_file(toml), path)
    toml.unlink()


def generate(folder: Path, n: int, scratch: Path) -> list[Path]:
    rng = random.Random(20261207)
    seed_text = SEED.read_text(encoding="utf-8")
    files = []
    for i in range(n):
        path = folder / f"单位{i:04d}.xlsx"
        write_xlsx(path, make_form(seed_text, i, rng), scratch)
        files.append(path)
    return files


def review(folder: Path, out: Path, db: Path | None, jobs: int, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command's processes, its last line on stderr)."""
    cmd = [sys.executable, "-m", "jixiao.tui.cli", "review", str(folder), "--out", str(out)]
    cmd += ["--db", str(db)] if db is not None else ["--no-db"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"review failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, cpu, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=250, help="spreadsheet submissions (default 250)")
    parser.add_argument("--changed", type=float, default=0.02, help="share changed before the second review (default 0.02)")
    parser.add_argument("--jobs", type=int, default=0, help="review --jobs (default: all cores)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder, scratch = tmp / "submissions", tmp / "scratch"
        folder.mkdir()
        scratch.mkdir()
        env = command_env(str(tmp / "pycache"))
        t0 = time.perf_counter()
        files = generate(folder, args.n, scratch)
        print(f"{len(files)} spreadsheets made in {time.perf_counter() - t0:.1f} s")
        warm = tmp / "warm"
        warm.mkdir()
        write_xlsx(warm / "warm.xlsx", SEED.read_text(encoding="utf-8"), scratch)
        review(warm, tmp / "warm.json", None, args.jobs, env)  # bytecode compiled before timing

        db = tmp / "record.db"
        first, first_cpu, said = review(folder, tmp / "first.json", db, args.jobs, env)
        print(f"first review  (empty record) : {first:7.2f} s wall, {first_cpu:7.2f} s CPU   {said}")

        rng = random.Random(7)
        changed = rng.sample(files, max(1, round(len(files) * args.changed)))
        seed_text = SEED.read_text(encoding="utf-8")
        for k, path in enumerate(changed):
            write_xlsx(path, make_form(seed_text, 90000 + k, rng), scratch)
        second, second_cpu, said = review(folder, tmp / "second.json", db, args.jobs, env)
        print(f"second review ({len(changed)} changed)   : {second:7.2f} s wall, {second_cpu:7.2f} s CPU   {said}")
        plain, plain_cpu, _ = review(folder, tmp / "plain.json", None, args.jobs, env)
        print(f"no record (--no-db)          : {plain:7.2f} s wall, {plain_cpu:7.2f} s CPU")

        same = (tmp / "second.json").read_bytes() == (tmp / "plain.json").read_bytes()
        print(f"second review's output identical to a review without the record: {'yes' if same else 'NO'}")
        print(f"ratio first / second: {first / second:.1f}x wall, {first_cpu / second_cpu:.1f}x CPU   "
              f"(no record / second: {plain / second:.1f}x wall, {plain_cpu / second_cpu:.1f}x CPU; goal >= 10x, aim 20x)")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
