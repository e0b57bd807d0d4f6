import os
import random
import signal
import time
from pathlib import Path

import pytest
from jixiao.indicators.atomic import AtomicOutput, atomic_write_bytes, atomic_write_text, remove_stale_temps


def test_new_file_follows_umask_and_old_mode_is_kept(tmp_path):
    old = os.umask(0o022)
    try:
        p = tmp_path / "a.toml"
        atomic_write_text(p, "x = 1\n")
        assert p.stat().st_mode & 0o777 == 0o644
        os.chmod(p, 0o600)
        atomic_write_text(p, "x = 2\n")
        assert p.stat().st_mode & 0o777 == 0o600
        assert p.read_text() == "x = 2\n"
    finally:
        os.umask(old)


def test_backup_keeps_previous_version(tmp_path):
    p = tmp_path / "a.toml"
    p.write_text("old\n")
    atomic_write_text(p, "new\n", backup=True)
    assert p.read_text() == "new\n"
    assert (tmp_path / "a.toml~").read_text() == "old\n"


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    p = tmp_path / "a.toml"
    p.write_text("old\n")
    with pytest.raises(RuntimeError):
        with AtomicOutput(p, "w", encoding="utf-8") as fh:
            fh.write("half")
            raise RuntimeError("disk full")
    assert p.read_text() == "old\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.toml"]


# ---------------------------------------------------------------- killed saves

SIZE = 2_000_000


def version(n: int) -> bytes:
    """A complete version of the big file: a header, a body, an end marker."""
    return f"版本 {n}\n".encode() + bytes([65 + n % 26]) * SIZE + b"\nend\n"


def is_complete(data: bytes) -> bool:
    head, _, rest = data.partition(b"\n")
    if not head.startswith("版本 ".encode()):
        return False
    n = int(head.decode().split()[1])
    return data == version(n)


def temps(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}.") and p.name.endswith(".tmp"))


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork and SIGKILL (POSIX)")
def test_a_save_killed_at_any_moment_leaves_file_and_backup_complete(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    atomic_write_bytes(path, version(0))
    atomic_write_bytes(path, version(1), backup=True)
    rng = random.Random(20261201)
    leftovers = 0
    for run in range(50):
        pid = os.fork()
        if pid == 0:  # the child saves new versions as fast as it can until it is killed
            try:
                n = 2 + run * 1000
                while True:
                    atomic_write_bytes(path, version(n), backup=True)
                    n += 1
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert is_complete(path.read_bytes()), f"run {run}: the file is not a complete version"
        backup = (tmp_path / "big.toml~").read_bytes()
        assert is_complete(backup), f"run {run}: the backup is truncated ({len(backup)} bytes)"
        leftovers += len(temps(tmp_path, "big.toml"))
        # the next save removes what the killed one left behind, and keeps a complete backup
        before = path.read_bytes()
        atomic_write_bytes(path, version(999_999), backup=True)
        assert temps(tmp_path, "big.toml") == []
        assert (tmp_path / "big.toml~").read_bytes() == before
    assert leftovers > 0  # the kills did land during saves (else this test proves nothing)


def test_the_cleaner_removes_only_our_stale_temps(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("old\n")
    stale = tmp_path / ".a.toml.abc123.tmp"
    stale.write_text("half")
    others = [tmp_path / ".b.toml.abc123.tmp", tmp_path / ".a.toml.abc123.tmp.keep", tmp_path / "a.toml.x.tmp"]
    for p in others:
        p.write_text("not ours")
    (tmp_path / ".a.toml.link.tmp").symlink_to(tmp_path / "a.toml")
    assert remove_stale_temps(path) == [stale.name]
    assert all(p.exists() for p in others)
    assert path.read_text() == "old\n"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_a_temp_being_written_is_not_removed(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    out = AtomicOutput(path, "w", encoding="utf-8")  # a save in progress (it holds the lock)
    out.fh.write("half")
    out.fh.flush()
    assert remove_stale_temps(path) == []
    atomic_write_text(path, "other save\n")  # a concurrent save does not take the first one's temp
    assert Path(out.tmp).exists()
    out.fh.write(" and the rest\n")
    out.commit()
    assert path.read_text(encoding="utf-8") == "half and the rest\n"
    assert temps(tmp_path, "a.toml") == []


def test_an_interrupt_while_the_temporary_file_is_opened_leaves_nothing(tmp_path, monkeypatch):
    # Ctrl+C (KeyboardInterrupt) right after the temporary file exists: it is removed, the target untouched.
    import jixiao.indicators.atomic as atomic

    target = tmp_path / "x.xlsx"
    target.write_bytes(b"old")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fdopen", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.AtomicOutput(target, "wb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xlsx"]
    assert target.read_bytes() == b"old"
