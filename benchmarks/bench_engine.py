"""Engine speed, as ratios against baselines run in the same process.

1. Batch: N generated seed-sized forms on disk.  Baseline: read + bare
   ``tomli.loads`` of every file.  Engine: read + parse + validate + score
   (``scoring.loading.load_and_score``) of the same files.  Prints forms per
   second for both and ratio = baseline time / engine time (the issue's
   target: ≥ 0.5, i.e. the engine costs no more than the parse itself).
2. Start-up: wall time of ``python -m jixiao.tui.cli score SEED`` against
   ``python -c pass`` (the interpreter alone) and against importing pydantic
   alone, median of several runs.

Usage: python benchmarks/bench_engine.py [N]
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tomli  # noqa: E402
from jixiao.scoring.loading import load_and_score  # noqa: E402

SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def generate(folder: Path, n: int) -> list[Path]:
    text = SEED.read_text(encoding="utf-8")
    rng = random.Random(42)
    paths = []
    for i in range(n):
        t = text.replace("32.66万人", f"{rng.uniform(28, 35):.2f}万人").replace("大于95%", f"{rng.randint(85, 99)}%")
        t = t.replace('executed = 1387.53\n\n[funds.appropriation]', f'executed = {rng.uniform(1000, 1387.53):.2f}\n\n[funds.appropriation]', 1)
        t = t.replace("株洲市社会保险服务中心", f"单位{i:05d}")
        p = folder / f"form{i:05d}.toml"
        p.write_text(t, encoding="utf-8")
        paths.append(p)
    return paths


def bare_parse(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        tomli.loads(p.read_bytes().decode("utf-8"))
    return time.perf_counter() - start


def engine(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        load_and_score(p)
    return time.perf_counter() - start


def startup(runs: int = 9) -> tuple[float, float, float]:
    """Median wall times of three commands, as a user's installed copy runs them.

    pip compiles ``.pyc`` files at install time; a checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set (as on some CI images) would recompile our
    modules on every start.  So the children may write bytecode, into a
    temporary ``PYTHONPYCACHEPREFIX``, and each command runs once before timing.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as cache:
        env["PYTHONPYCACHEPREFIX"] = cache

        def wall(cmd: list[str]) -> float:
            subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        return (
            wall([sys.executable, "-c", "pass"]),
            wall([sys.executable, "-c", "import pydantic, tomli; pydantic.BaseModel"]),
            wall([sys.executable, "-m", "jixiao.tui.cli", "score", str(SEED)]),
        )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), n)
        engine(paths[:50])  # warm caches (rule set, regexes)
        base_times, engine_times = [], []
        for _ in range(3):  # interleaved, best of three: the machine is noisy
            base_times.append(bare_parse(paths))
            engine_times.append(engine(paths))
        base, eng = min(base_times), min(engine_times)
    print(f"forms: {n}")
    print(f"bare tomli parse : {n / base:8.0f} forms/s")
    print(f"parse+score      : {n / eng:8.0f} forms/s")
    print(f"ratio (parse time / engine time): {base / eng:.2f}   target ≥ 0.50")
    python, pydantic, score = startup()
    print(f"python -c pass          : {python * 1000:6.0f} ms (median)")
    print(f"python -c import pydantic: {pydantic * 1000:5.0f} ms (median)")
    print(f"jixiao score SEED       : {score * 1000:6.0f} ms (median), {score / python:.2f}× the bare interpreter, "
          f"{score / pydantic:.2f}× importing pydantic alone")


if __name__ == "__main__":
    main()
