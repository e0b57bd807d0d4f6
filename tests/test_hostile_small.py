"""The smaller defects of issue 18 (items 9 and 10): long names, links, pipes, LibreOffice left running."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes, links and process groups as on POSIX")


# ------------------------------------------------------------------ 9: names cut by bytes


def test_a_unit_name_of_four_byte_characters_imports_to_a_file(tmp_path: Path):
    """80 characters of four bytes each: the name is cut by bytes, with room for the save's temporary file."""
    from dataclasses import replace

    from tests.import_fixtures import DEPT, department, write_book

    unit = "\U00020000" * 80
    book = write_book(tmp_path / "长.xlsx", [("部门", [(department, replace(DEPT, unit=unit))])])
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "jixiao.tui.cli", "import", str(book), "-o", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    [written] = list(out.glob("*.toml"))
    assert len(written.name.encode()) <= 255 and written.name.startswith("2021-\U00020000")
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_save_fits_its_temporary_file_beside_a_name_of_255_bytes(tmp_path: Path):
    from jixiao.indicators.atomic import atomic_write_text

    name = "长" * 83 + ".toml"  # 249 + 5 = 254 bytes: the longest name most file systems take
    assert len(name.encode()) <= 255
    target = tmp_path / name
    atomic_write_text(target, "a = 1\n")
    atomic_write_text(target, "a = 2\n", backup=True)
    assert target.read_text(encoding="utf-8") == "a = 2\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# ------------------------------------------------------------------ 10: links and pipes


@POSIX
def test_saving_through_a_link_writes_the_target(tmp_path: Path):
    from jixiao.indicators.document import FormDocument

    real = tmp_path / "真" / "form.toml"
    real.parent.mkdir()
    shutil.copy(SEED, real)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    doc = FormDocument.open(link)
    doc.set_text(("indicators", 0, "actual"), "30万人")
    doc.save()
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert 'actual = "30万人"' in real.read_text(encoding="utf-8")
    assert (real.parent / "form.toml~").exists()  # the backup beside the file written
    assert not (tmp_path / "link.toml~").exists()


FIFO_SAVE = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from jixiao.indicators.document import ChangedOnDisk, FormDocument
    path = Path(sys.argv[1])
    doc = FormDocument.open(path)
    doc.set_text(("indicators", 0, "actual"), "30万人")
    os.unlink(path)
    os.mkfifo(path)  # the form replaced by a named pipe while it is open
    try:
        doc.save()
    except ChangedOnDisk:
        print("CHANGED")
    doc.save(force=True)
    print("SAVED", path.is_file())
    """
)


@POSIX
def test_ctrl_s_does_not_hang_on_a_form_replaced_by_a_pipe(tmp_path: Path):
    form = tmp_path / "form.toml"
    shutil.copy(SEED, form)
    done = subprocess.run([sys.executable, "-c", FIFO_SAVE, str(form)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout.split() == ["CHANGED", "SAVED", "True"], done.stderr
    assert 'actual = "30万人"' in form.read_text(encoding="utf-8")


# ------------------------------------------------------------------ 10: LibreOffice on a timeout


FAKE_SOFFICE = """#!/bin/sh
# starts a helper, as soffice starts soffice.bin, and both hang
sleep 300 &
echo $! > "{pids}"
sleep 300
"""


@POSIX
def test_a_doc_conversion_timeout_kills_libreoffice_and_removes_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from jixiao.indicators.importing.readers import ReaderError
    from jixiao.indicators.importing.readers import docx as reader

    pids = tmp_path / "pids"
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE.format(pids=pids), encoding="utf-8")
    fake.chmod(0o755)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(reader.shutil, "which", lambda name: str(fake) if name == "soffice" else None)
    monkeypatch.setattr(reader, "CONVERT_TIMEOUT", 2)
    monkeypatch.setattr(reader.tempfile, "tempdir", str(temp))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000
    with pytest.raises(ReaderError, match="LibreOffice 转换失败"):
        reader.read_doc("x.doc", ole)
    helper = int(pids.read_text().split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(helper):
        time.sleep(0.1)
    assert not _alive(helper)  # the whole group was killed, not only the wrapper
    assert list(temp.iterdir()) == []  # its folder, which held the submission, is gone


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
