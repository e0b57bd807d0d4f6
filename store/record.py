"""The record's reads and writes (SQLAlchemy Core).  Every write is one transaction.

Append-only: a submission, a scoring, a batch's item and a decision are
inserted, never updated (a batch's ``finished_at`` is set once, at its end).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .capture import Captured, record_to_json
from .db import Opened, StoreError, open_engine
from .schema import STATUSES, batch_items, batches, decisions, scorings, submissions

__all__ = ["Store", "YearFacts", "now_text", "jixiao_version"]


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def jixiao_version() -> str:
    try:
        from importlib.metadata import version

        return version("jixiao")
    except Exception:  # not installed: a checkout
        return "0.0.0+checkout"


@dataclass
class YearFacts:
    """A unit's form of one year as the record has it (its newest version)."""

    unit: str
    project: str
    year: int
    version: int
    indicators: list[dict[str, str]]
    grade: str  # the review grade (the computed one when nothing was adjusted)
    file_name: str


@dataclass
class Reused:
    """A form of the batch whose record was taken instead of reading it again."""

    path: str
    scoring_id: int


class Store:
    """The bureau's record, opened and migrated (see :func:`jixiao.store.open_store`)."""

    def __init__(self, opened: Opened):
        self.opened = opened
        self.engine = opened.engine
        self.shown = opened.shown

    @classmethod
    def open(cls, target: str) -> Store:
        return cls(open_engine(target))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -------------------------------------------------------------- transactions

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """One write transaction (SQLite: BEGIN IMMEDIATE, waiting up to the busy timeout for another writer)."""
        try:
            with self.engine.connect().execution_options(jixiao_write=True) as conn:
                with conn.begin():
                    yield conn
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.shown}：无法写入复核记录（{_reason(exc)}）。") from None

    def _read(self) -> Any:
        return self.engine.connect()

    # -------------------------------------------------------------- batches

    def start_batch(self, paths: list[str], rules_option: str, version: str, files: int) -> int:
        with self._write() as conn:
            res = conn.execute(insert(batches).values(
                started_at=now_text(), paths=json.dumps(paths, ensure_ascii=False), rules_option=rules_option,
                jixiao_version=version, files=files,
            ))
            return int(res.inserted_primary_key[0])

    def finish_batch(self, batch_id: int) -> None:
        with self._write() as conn:
            conn.execute(update(batches).where(batches.c.id == batch_id).values(finished_at=now_text()))

    def latest_batch(self) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(select(batches).order_by(batches.c.id.desc()).limit(1)).mappings().first()
            return dict(row) if row else None

    def batch(self, batch_id: int) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(select(batches).where(batches.c.id == batch_id)).mappings().first()
            return dict(row) if row else None

    # -------------------------------------------------------------- reuse

    def lookup(self, shas: Iterable[str], rules_option: str, version: str, options_key: str = "") -> dict[tuple[str, str], dict[str, Any]]:
        """The newest scoring of each (file SHA-256, review file SHA-256) by this version with these options."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        wanted = sorted(set(shas))
        cols = [scorings.c.id, scorings.c.file_sha256, scorings.c.review_sha256, scorings.c.rules_ref,
                scorings.c.ruleset_id, scorings.c.ruleset_sha256, scorings.c.origin, scorings.c.record_json, scorings.c.result_json,
                submissions.c.unit, submissions.c.project, submissions.c.year, submissions.c.indicators_json]
        with self._read() as conn:
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                q = (select(*cols).join(submissions, submissions.c.id == scorings.c.submission_id)
                     .where(scorings.c.file_sha256.in_(part), scorings.c.jixiao_version == version,
                            scorings.c.rules_option == rules_option, scorings.c.options_key == options_key)
                     .order_by(scorings.c.id))
                for row in conn.execute(q).mappings():
                    found[(row["file_sha256"], row["review_sha256"])] = dict(row)
        return found

    # -------------------------------------------------------------- recording

    def record(self, batch_id: int | None, start: int, entries: list[Captured | Reused], rules_option: str, version: str,
               options_key: str = "") -> list[int | None]:
        """Keep a run of the batch's forms, in one transaction; their scoring ids (None: not kept)."""
        for attempt in range(5):
            try:
                with self._write() as conn:
                    ids = [self._record_one(conn, batch_id, start + i, e, rules_option, version, options_key)
                           for i, e in enumerate(entries)]
                    if batch_id is not None:
                        items = [{"batch_id": batch_id, "scoring_id": sid, "position": start + i, "reused": int(isinstance(e, Reused))}
                                 for i, (e, sid) in enumerate(zip(entries, ids)) if sid is not None]
                        if items:
                            conn.execute(insert(batch_items), items)  # one statement for the run
                    return ids
            except IntegrityError:  # PostgreSQL: another writer took the same version number; read again
                if attempt == 4:
                    raise
        return []

    def _record_one(self, conn: Any, batch_id: int | None, position: int, e: Captured | Reused, rules_option: str, version: str,
                    options_key: str = "") -> int | None:
        if isinstance(e, Reused):
            return e.scoring_id
        if not e.ok:
            return None
        else:
            sub_id = self._submission(conn, e)
            rec = e.rec
            res = conn.execute(insert(scorings), dict(
                submission_id=sub_id, batch_id=batch_id, file_path=os.path.abspath(e.path), file_sha256=e.sha256, origin=e.origin,
                rules_option=rules_option, rules_ref=e.rules_ref, ruleset_id=e.ruleset_id, ruleset_sha256=e.ruleset_sha256,
                jixiao_version=version, review_file=e.review_file, review_sha256=e.review_sha256,
                claimed_total=rec.row.claimed_total, computed_total=rec.row.total, review_total=rec.row.review_total,
                claimed_grade=rec.row.claimed_grade, grade=rec.row.grade, review_grade=rec.row.review_grade,
                errors=rec.row.errors, warnings=rec.row.warnings, findings=len(rec.codes),
                result_json=rec.json, record_json=e.record_json or record_to_json(rec), scored_at=now_text(),
                options_key=options_key,
            ))
            scoring_id: int = int(res.inserted_primary_key[0])
            if e.review_file and e.review_sha256 and "review-invalid" not in rec.codes:  # an unusable review file decides nothing
                self._file_decision(conn, sub_id, scoring_id, e)
        return scoring_id

    def _submission(self, conn: Any, e: Captured) -> int:
        """The submission these bytes are: the newest version when its bytes are the same, else a new version."""
        where = and_(submissions.c.unit == e.unit, submissions.c.project == e.project,
                     submissions.c.year.is_(None) if e.year is None else submissions.c.year == e.year)
        last = conn.execute(
            select(submissions.c.id, submissions.c.version, submissions.c.sha256).where(where)
            .order_by(submissions.c.version.desc()).limit(1)
        ).first()
        if last is not None and last.sha256 == e.sha256:
            return int(last.id)
        res = conn.execute(insert(submissions), dict(
            unit=e.unit, project=e.project, year=e.year, kind=e.kind, version=(last.version + 1) if last else 1,
            file_name=os.path.abspath(e.path), sha256=e.sha256, form_toml=e.form_toml,
            sources_json=json.dumps(e.sources, ensure_ascii=False),
            indicators_json=json.dumps(e.indicators, ensure_ascii=False),
            claimed_json=json.dumps(e.claimed, ensure_ascii=False), read_at=now_text(),
        ))
        return int(res.inserted_primary_key[0])

    def _file_decision(self, conn: Any, sub_id: int, scoring_id: int, e: Captured) -> None:
        """A review file read with the form: recorded once per submission and review file bytes."""
        seen = conn.execute(select(decisions.c.id).where(
            decisions.c.submission_id == sub_id, decisions.c.review_sha256 == e.review_sha256, decisions.c.source == "file"
        ).limit(1)).first()
        if seen:
            return
        conn.execute(insert(decisions).values(
            submission_id=sub_id, scoring_id=scoring_id, status="已复核", adjusted_total=e.rec.row.review_total,
            reason=e.low_reasons, reviewer=e.reviewer, decided_at=e.review_date or now_text(), source="file",
            review_file=e.review_file, review_sha256=e.review_sha256,
            adjustments_json=json.dumps(e.adjustments, ensure_ascii=False),
        ))

    def decide(self, scoring_id: int, status: str, adjusted_total: Decimal | None, reason: str, reviewer: str,
               adjustments: list[dict[str, Any]] | None = None) -> int:
        """A reviewer's decision (the desk): appended, the newest one counts."""
        if status not in STATUSES:
            raise StoreError(f"状态 “{status}” 无效：可选 {'、'.join(STATUSES)}。")
        with self._write() as conn:
            sub_id = conn.execute(select(scorings.c.submission_id).where(scorings.c.id == scoring_id)).scalar_one()
            res = conn.execute(insert(decisions).values(
                submission_id=sub_id, scoring_id=scoring_id, status=status,
                adjusted_total=None if adjusted_total is None else f"{adjusted_total:.2f}",
                reason=reason, reviewer=reviewer, decided_at=now_text(), source="desk",
                adjustments_json=json.dumps(adjustments or [], ensure_ascii=False),
            ))
            return int(res.inserted_primary_key[0])

    # -------------------------------------------------------------- across years

    def years_before(self, keys: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str, int], YearFacts]:
        """For each (unit, project, year): the newest version of the year before, with its newest scoring's grade."""
        out: dict[tuple[str, str, int], YearFacts] = {}
        keys = set(keys)
        if not keys:
            return out
        with self._read() as conn:
            units = sorted({k[0] for k in keys})
            for i in range(0, len(units), 500):
                q = (select(submissions.c.id, submissions.c.unit, submissions.c.project, submissions.c.year,
                            submissions.c.version, submissions.c.indicators_json, submissions.c.file_name)
                     .where(submissions.c.unit.in_(units[i : i + 500]))
                     .order_by(submissions.c.version))
                newest: dict[tuple[str, str, int], Any] = {}
                for row in conn.execute(q):
                    if row.year is not None and (row.unit, row.project, row.year + 1) in keys:
                        newest[(row.unit, row.project, row.year + 1)] = row
                for key, row in newest.items():
                    grade = conn.execute(
                        select(scorings.c.review_grade, scorings.c.grade).where(scorings.c.submission_id == row.id)
                        .order_by(scorings.c.id.desc()).limit(1)
                    ).first()
                    out[key] = YearFacts(row.unit, row.project, row.year, row.version, json.loads(row.indicators_json),
                                         (grade.review_grade or grade.grade) if grade else "", row.file_name)
        return out

    # -------------------------------------------------------------- reading back

    def _latest_decisions(self, conn: Any, sub_ids: list[int]) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for i in range(0, len(sub_ids), 500):
            q = select(decisions).where(decisions.c.submission_id.in_(sub_ids[i : i + 500])).order_by(decisions.c.id)
            for row in conn.execute(q).mappings():
                out[row["submission_id"]] = row
        return out

    def history(self, unit: str, project: str | None = None) -> list[dict[str, Any]]:
        """Per year and version: the totals claimed / computed / reviewed, grade, findings, status (oldest first)."""
        with self._read() as conn:
            where = [submissions.c.unit == unit]
            if project is not None:
                where.append(submissions.c.project == project)
            subs = conn.execute(select(submissions).where(*where).order_by(
                submissions.c.project, submissions.c.year, submissions.c.version)).mappings().all()
            ids = [s["id"] for s in subs]
            newest: dict[int, Any] = {}
            for i in range(0, len(ids), 500):
                q = select(scorings).where(scorings.c.submission_id.in_(ids[i : i + 500])).order_by(scorings.c.id)
                for row in conn.execute(q).mappings():
                    newest[row["submission_id"]] = row
            decided = self._latest_decisions(conn, ids)
        out = []
        for s in subs:
            sc = newest.get(s["id"])
            d = decided.get(s["id"])
            reviewed = (d["adjusted_total"] if d is not None and d["adjusted_total"] is not None
                        else (sc["review_total"] if sc is not None else ""))
            out.append({
                "unit": s["unit"], "project": s["project"], "year": s["year"], "version": s["version"],
                "file": s["file_name"], "sha256": s["sha256"], "read_at": s["read_at"],
                "claimed_total": sc["claimed_total"] if sc is not None else "",
                "computed_total": sc["computed_total"] if sc is not None else "",
                "reviewed_total": reviewed,
                "grade": _grade(sc, reviewed),
                "findings": sc["findings"] if sc is not None else 0,
                "errors": sc["errors"] if sc is not None else 0,
                "status": d["status"] if d is not None else "待复核",
                "reviewer": d["reviewer"] if d is not None else "",
            })
        return out

    def units_like(self, text: str, limit: int = 5) -> list[str]:
        with self._read() as conn:
            names = [r[0] for r in conn.execute(select(submissions.c.unit).distinct())]
        import difflib

        close = [n for n in names if text and text in n]
        return (close + [n for n in difflib.get_close_matches(text, names, n=limit) if n not in close])[:limit]

    def batch_forms(self, batch_id: int) -> list[dict[str, Any]]:
        """A batch's forms with their newest decision, in the batch's order."""
        with self._read() as conn:
            light = [c for c in scorings.c if c.name not in ("result_json", "record_json")]  # those when a form is opened
            q = (select(batch_items.c.position, batch_items.c.reused, *light, submissions.c.unit, submissions.c.project,
                        submissions.c.year, submissions.c.version, submissions.c.kind)
                 .join(scorings, scorings.c.id == batch_items.c.scoring_id)
                 .join(submissions, submissions.c.id == scorings.c.submission_id)
                 .where(batch_items.c.batch_id == batch_id).order_by(batch_items.c.position))
            rows = [dict(r) for r in conn.execute(q).mappings()]
            decided = self._latest_decisions(conn, sorted({r["submission_id"] for r in rows}))
        for r in rows:
            d = decided.get(r["submission_id"])
            r["decision"] = dict(d) if d is not None else None
            r["status"] = d["status"] if d is not None else "待复核"
            r["reviewed_total"] = d["adjusted_total"] if d is not None and d["adjusted_total"] is not None else r["review_total"]
        return rows

    def form_detail(self, scoring_id: int) -> dict[str, Any]:
        """What the desk shows of one form besides its row: the form as read, its indicators, its kept record."""
        with self._read() as conn:
            q = (select(submissions.c.form_toml, submissions.c.indicators_json, scorings.c.record_json)
                 .join(submissions, submissions.c.id == scorings.c.submission_id).where(scorings.c.id == scoring_id))
            return dict(conn.execute(q).mappings().one())

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                    for t in (batches, submissions, scorings, batch_items, decisions)}


def _grade(sc: Any, reviewed: str) -> str:
    if sc is None:
        return ""
    if reviewed and reviewed != sc["review_total"]:  # a total changed at the desk: its grade by the same rule set
        try:
            from jixiao.scoring.rules import load_rules

            return load_rules(sc["rules_ref"]).grade_for(Decimal(reviewed)) or sc["review_grade"]
        except Exception:
            return sc["review_grade"] or sc["grade"]
    return sc["review_grade"] or sc["grade"]


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
