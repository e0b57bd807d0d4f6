"""One file can neither hold nor kill a review (issue 18, items 7 and 8).

Each bomb of ``tests/bombs.py`` is read in a subprocess under an address-space
and CPU rlimit: it must be refused with a Chinese message, not read for
minutes or gigabytes (before the limits each one went over these bounds).
The review's workers give each file its own time and memory limit: a file
that kills its worker is an unreadable row with the reason, the others are
reviewed, in order, and the parent never reads it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.bombs import BUILDERS

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="rlimits are POSIX")
MEMORY = 1536 << 20  # address space the reading subprocess may use
CPU = 60  # CPU seconds it may use (the bombs took 67-198 s)

READ_ONE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
from jixiao.indicators.importing.readers import ImportFailure, read_grids
try:
    read_grids(sys.argv[1])
except ImportFailure as exc:
    print("REFUSED", exc.message)
else:
    print("READ")
"""


@POSIX
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_bomb_is_refused_within_bounds(name: str, tmp_path: Path):
    path = BUILDERS[name](tmp_path / name)
    assert path.stat().st_size < 6 << 20  # small on disk: the harm is in what it unpacks or draws
    done = subprocess.run(
        [sys.executable, "-c", READ_ONE.format(memory=MEMORY, cpu=CPU), str(path)],
        capture_output=True, text=True, timeout=3 * CPU, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]  # not killed by the rlimit, no traceback
    if name == "sheets-a1.xlsx":  # nothing wrong to say before reading: read, within the bounds, cut and said
        assert done.stdout.startswith("READ"), done.stdout
        return
    assert done.stdout.startswith("REFUSED"), done.stdout
    message = done.stdout
    assert "上限" in message or "实体" in message, message
    assert "Traceback" not in done.stderr


def test_a_doctype_anywhere_is_refused(tmp_path: Path):
    """Even a harmless DOCTYPE (no entity) in any part, in UTF-16 too: Excel never writes one."""
    import zipfile

    from jixiao.indicators.importing.readers import ImportFailure, read_grids

    from tests.bombs import minimal_xlsx

    src = minimal_xlsx(tmp_path / "a.xlsx")
    for encoding in ("utf-8", "utf-16"):
        out = tmp_path / f"doctype-{encoding}.xlsx"
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == "xl/workbook.xml":
                    text = data.decode("utf-8").replace("?>", '?><!DOCTYPE workbook [<!ENTITY e "x">]>', 1)
                    data = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"').encode(encoding)
                zout.writestr(info, data)
        with pytest.raises(ImportFailure, match="实体"):
            read_grids(out)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed: it makes the .xls")
def test_an_xls_of_far_cells_is_not_padded(tmp_path: Path):
    """40 sheets, each with one cell at IV65536: xlrd padded them to 65,536 x 256 cells each (the issue: 69 s)."""
    import xlsxwriter

    src = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(src))
    for i in range(40):
        ws = book.add_worksheet(f"S{i}")
        ws.write_string(0, 0, "三级指标")
        ws.write_number(65535, 255, 1)
    book.close()
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    done = subprocess.run(
        [sys.executable, "-c", READ_ONE.format(memory=MEMORY, cpu=CPU), str(tmp_path / "far.xls")],
        capture_output=True, text=True, timeout=3 * CPU, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]


# ------------------------------------------------------------------ the review's workers


def _forms(folder: Path, n: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        path = folder / f"{i:03d}.toml"
        shutil.copy(SEED, path)
        names.append(str(path))
    return names


_PARENT = os.getpid()


def _pids(records: list[Any]) -> list[tuple[str, int, str]]:
    return [(rec.path, os.getpid(), rec.row.error) for rec in records]


def _dies_on_005(path: str, opts: Any) -> Any:
    from jixiao.scoring import batch

    if path.endswith("005.toml"):
        os._exit(9)  # as a worker killed by the system for its memory
    return batch._real_process_form(path, opts)  # type: ignore[attr-defined]


def _spins_on_007(path: str, opts: Any) -> Any:
    from jixiao.scoring import batch

    if path.endswith("007.toml"):
        while True:  # CPU time until the file's own limit ends it
            pass
    return batch._real_process_form(path, opts)  # type: ignore[attr-defined]


@POSIX
@pytest.mark.parametrize("hook", ["dies", "spins"])
def test_a_file_that_kills_or_holds_its_worker_is_an_unreadable_row(hook: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The workers are forked with the hooked reader; the parent itself reads nothing."""
    from jixiao.indicators import limits
    from jixiao.scoring import batch

    files = _forms(tmp_path / "f", 24)
    monkeypatch.setattr(batch, "_real_process_form", batch.process_form, raising=False)
    monkeypatch.setattr(batch, "process_form", _dies_on_005 if hook == "dies" else _spins_on_007)
    monkeypatch.setattr(limits, "PER_FILE_SECONDS", 1)
    opts = batch.Options(pieces=(("pids", _pids),))
    chunks = list(batch.run_batch(files, opts, jobs=2))
    seen = [x for c in chunks for x in c.pieces["pids"]]
    assert [p for p, _, _ in seen] == files  # every file once, in order
    bad = "005.toml" if hook == "dies" else "007.toml"
    errors = {Path(p).name: e for p, _, e in seen if e}
    assert list(errors) == [bad]
    assert "上限" in errors[bad] and ("内存" in errors[bad] or "时间" in errors[bad])
    assert all(pid != _PARENT for p, pid, _ in seen if not p.endswith(bad))  # read in workers only
    assert sum(c.summary.unreadable for c in chunks) == 1 and sum(c.summary.forms for c in chunks) == 24


@POSIX
def test_a_single_form_review_runs_in_a_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from jixiao.scoring import batch

    files = _forms(tmp_path / "f", 1)
    chunks = list(batch.run_batch(files, batch.Options(pieces=(("pids", _pids),)), jobs=1))
    [(path, pid, error)] = [x for c in chunks for x in c.pieces["pids"]]
    assert path == files[0] and pid != _PARENT and not error


@pytest.mark.slow
@POSIX
def test_a_review_of_every_bomb_and_200_forms_under_2_gb(tmp_path: Path):
    folder = tmp_path / "收件"
    _forms(folder, 200)
    named = []  # a folder's review finds spreadsheets and texts; PDF and Word files are reviewed when named
    for name, build in BUILDERS.items():
        path = build(folder / f"bomb-{name}")
        if path.suffix in (".pdf", ".docx"):
            named.append(str(path))
    limit = 2 << 30
    script = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        "from jixiao.tui.cli import main\n"
        "sys.exit(main(['review', *sys.argv[1:], '--format', 'json', '--jobs', '2']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(folder), *named], capture_output=True, text=True, timeout=900,
                          cwd=ROOT)
    assert done.returncode == 1, done.stderr[-3000:]
    forms = json.loads(done.stdout)["forms"]
    good = [f for f in forms if "error" not in f]
    bad = [f for f in forms if "error" in f]
    assert len(good) == 200 and all(f["total"]["score"] == "100.00" for f in good)
    assert sorted(Path(f["file"]).name for f in bad) == sorted(f"bomb-{n}" for n in BUILDERS)


def _waits_for_002(path: str, opts: Any) -> Any:
    """000 is slow: it waits until 002 has been read. A runner that kept 002 behind 000 (a worker's fixed
    share, in turn) would never let it finish; one that gives jobs to whichever worker is free does."""
    import time as _time

    from jixiao.scoring import batch

    marker = Path(path).parent / "done-002"
    if path.endswith("002.toml"):
        marker.write_text("x", encoding="utf-8")
    if path.endswith("000.toml"):
        deadline = _time.monotonic() + 60
        while not marker.exists():
            if _time.monotonic() > deadline:
                raise RuntimeError("002 was held behind the slow 000")
            _time.sleep(0.05)
    return batch._real_process_form(path, opts)  # type: ignore[attr-defined]


@POSIX
def test_a_slow_file_does_not_hold_the_files_after_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from jixiao.scoring import batch

    files = _forms(tmp_path / "f", 24)
    monkeypatch.setattr(batch, "_real_process_form", batch.process_form, raising=False)
    monkeypatch.setattr(batch, "process_form", _waits_for_002)
    chunks = list(batch.run_batch(files, batch.Options(pieces=(("pids", _pids),)), jobs=2))
    seen = [x for c in chunks for x in c.pieces["pids"]]
    assert [p for p, _, _ in seen] == files  # still in file order
    assert not [e for _, _, e in seen if e]  # 000 was not stuck: 002 was read while it waited
