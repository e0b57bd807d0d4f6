"""The record under stress: two writers at once, and a review killed half-way.

Real processes (``python -m jixiao.tui.cli review``), a SQLite record in WAL
mode with a busy timeout, one transaction per run of forms.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "indicators" / "examples" / "seed-2021.toml"


def make_forms(folder: Path, n: int, prefix: str) -> list[Path]:
    folder.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        p = folder / f"{prefix}-{i:04d}.toml"
        p.write_text(text.replace("株洲市社会保险服务中心", f"{prefix}单位{i:04d}"), encoding="utf-8")
        out.append(p)
    return out


def review(db: Path, *paths: Path, jobs: int = 1) -> subprocess.Popen[str]:
    env = dict(os.environ, JIXIAO_DB=str(db))
    return subprocess.Popen(
        [sys.executable, "-m", "jixiao.tui.cli", "review", *map(str, paths), "--format", "json", "--jobs", str(jobs)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_two_processes_writing_one_record_both_finish(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shared = make_forms(tmp_path / "shared", 20, "共")
    own = make_forms(tmp_path / "own", 20, "自")
    # both review the shared forms (the same units and years: the same versions), one also its own
    procs = [review(db, shared[0].parent, own[0].parent), review(db, shared[0].parent)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 1, err  # the seed's score-mismatch: status 1, not a crash
        assert "复核记录：" in err and "Traceback" not in err and "locked" not in err
    assert query(db, "PRAGMA journal_mode") == [("wal",)]
    assert query(db, "SELECT count(*) FROM batches WHERE finished_at IS NOT NULL") == [(2,)]
    # each form once as a submission, whoever read it first
    assert query(db, "SELECT count(*) FROM submissions") == [(40,)]
    assert query(db, "SELECT max(version) FROM submissions") == [(1,)]
    assert query(db, "SELECT count(*) FROM batch_items") == [(60,)]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_review_killed_half_way_leaves_a_consistent_record(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    forms = make_forms(tmp_path / "in", 200, "单")
    proc = review(db, forms[0].parent)
    deadline = time.monotonic() + 300
    kept = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                kept = query(db, "SELECT count(*) FROM batch_items")[0][0]
            except sqlite3.OperationalError:  # not made yet
                kept = 0
            if kept:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the review ended before it could be stopped; give it more forms"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # reopened: whole runs of forms, nothing half-written
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "PRAGMA foreign_key_check") == []
    items = query(db, "SELECT count(*) FROM batch_items")[0][0]
    assert 0 < items < 200 and items % 64 == 0  # one transaction per run of 64 forms
    assert query(db, "SELECT count(*) FROM scorings") == [(items,)]
    assert query(db, "SELECT count(*) FROM submissions") == [(items,)]
    assert query(db, "SELECT finished_at FROM batches") == [(None,)]  # the stopped batch says so
    # the next review reuses what was kept and reads the rest
    again = review(db, forms[0].parent)
    _, err = again.communicate(timeout=600)
    found = re.search(r"本次读取 (\d+) 份，沿用记录中未改变的 (\d+) 份", err)
    assert found, err
    assert (int(found.group(1)), int(found.group(2))) == (200 - items, items)
    assert query(db, "SELECT count(*) FROM submissions") == [(200,)]


def test_two_processes_writing_one_postgresql_record_both_finish(tmp_path: Path) -> None:
    """Two reviewers of one office, one PostgreSQL record: the same forms read by both get one version each."""
    url = os.environ.get("JIXIAO_TEST_PG_URL", "")
    if not url:
        import pytest

        pytest.skip("PostgreSQL: set JIXIAO_TEST_PG_URL to a database that may be emptied (.ci/run does)")
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    shared = make_forms(tmp_path / "shared", 20, "共")
    procs = [review(url, shared[0].parent), review(url, shared[0].parent)]  # type: ignore[arg-type]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 1 and "Traceback" not in err, err
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(version) FROM submissions")).one() == (20, 1)
        assert conn.execute(text("SELECT count(*) FROM batches WHERE finished_at IS NOT NULL")).scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM batch_items")).scalar_one() == 40
    engine.dispose()
