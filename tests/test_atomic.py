import os

import pytest

from indicators.atomic import AtomicOutput, atomic_write_text


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
