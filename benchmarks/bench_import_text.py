"""Import of published text, as ratios against a bare split run in the same process.

Inputs: the seed's 部门决算 text (582 lines, the form at the end); the
seed's form as ``pdftotext -layout`` gives jixiao's PDF of it (rows rebuilt
by position); and the first text with N lines of prose put in front of it
(default 100,000), so that the recogniser has to pass over a long document.
Baseline: decode + ``splitlines`` + split every line on tabs (what any
reader of the text must do).  Import: ``read_text`` + ``recognise`` +
``form_toml``.  Prints the times, lines per second and
ratio = import time / baseline time for each input: the cost of finding
the form, over the bare reading.  Linear work shows as a ratio that does
not grow with N.

Usage: python benchmarks/bench_import_text.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.indicators.importing.readers.text import read_text  # noqa: E402
from jixiao.indicators.importing.recognise import recognise  # noqa: E402
from jixiao.indicators.importing.toml_writer import form_toml  # noqa: E402

SEED_TEXT = ROOT / "tests" / "fixtures" / "import" / "seed-2021.txt"
SEED_LAYOUT = ROOT / "tests" / "fixtures" / "import" / "seed-2021-layout.txt"  # pdftotext -layout: rows rebuilt


def baseline(data: bytes) -> int:
    return sum(len(line.split("\t")) for line in data.decode("utf-8").splitlines())


def imported(data: bytes) -> int:
    (grid,) = read_text(Path("x.txt"), data)
    forms = recognise(grid)
    assert len(forms) == 1 and forms[0].data["claimed"]["total"] == 99.5  # type: ignore[comparison-overlap]
    return len(form_toml(forms[0]))


def best(fn, data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 3 else statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = SEED_TEXT.read_bytes()
    prose = "".join(f"第{i}段：本部门{i % 12 + 1}月份收入支出情况说明，详见附表。\t{i}\t{i * 3 % 1000}.5\n" for i in range(n))
    cases = (
        ("seed text", seed, 7),
        ("seed as pdftotext -layout", SEED_LAYOUT.read_bytes(), 7),
        (f"{n:,} prose lines + seed", prose.encode() + seed, 3),
    )
    for label, data, repeat in cases:
        lines = data.count(b"\n") + 1
        base = best(baseline, data, repeat)
        imp = best(imported, data, repeat)
        print(f"{label}: {lines:,} lines; baseline {base * 1000:.1f} ms, import {imp * 1000:.1f} ms "
              f"({lines / imp:,.0f} lines/s); ratio import/baseline = {imp / base:.1f}")


if __name__ == "__main__":
    main()
