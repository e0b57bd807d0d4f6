"""The record's tables (SQLAlchemy Core), as the newest migration leaves them.

Append-only: rows are added, never changed, except a batch's ``finished_at``
(set once when the batch ends).  Scores and money are kept as the text the
engine prints (``fmt``: two decimals), so both SQLite and PostgreSQL give back
exactly what was computed, and :class:`decimal.Decimal` reads them.

The migrations in ``migrations/versions`` create these tables; a test compares
the two (``alembic`` autogenerate finds no difference).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

# what marks a database as jixiao's record: ("application", "jixiao")
meta = Table(
    "jixiao_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# one run of ``jixiao review`` (its forms: batch_items)
batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),  # empty while running, or when the run was stopped
    Column("paths", Text, nullable=False),  # the paths given, JSON list
    Column("rules_option", Text, nullable=False, server_default=""),  # --rules, "" when none
    Column("jixiao_version", String(64), nullable=False),
    Column("files", Integer, nullable=False),
)

# a form as submitted: one row per (unit, project, year) and distinct bytes (a resubmission is a new version)
submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", Text, nullable=False),
    Column("project", Text, nullable=False, server_default=""),
    Column("year", Integer),
    Column("kind", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("form_toml", Text, nullable=False),  # the form as read (an imported file: the TOML made of it)
    Column("sources_json", Text, nullable=False),  # where each field came from: key path -> line or cell
    Column("indicators_json", Text, nullable=False),  # [{category, subcategory, name, target, actual, weight}]
    Column("claimed_json", Text, nullable=False),  # the figures the form claims: total, grade, scores
    Column("read_at", String(32), nullable=False),
    UniqueConstraint("unit", "project", "year", "version", name="uq_submission_version"),
)
Index("ix_submissions_unit", submissions.c.unit, submissions.c.project, submissions.c.year)
Index("ix_submissions_sha256", submissions.c.sha256)

# a submission read and scored by one jixiao version with one rule set (and review file)
scorings = Table(
    "scorings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id")),
    Column("file_path", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("origin", Text, nullable=False, server_default=""),  # where in the file: "工作表 Sheet1"
    Column("rules_option", Text, nullable=False, server_default=""),
    Column("rules_ref", Text, nullable=False),  # what named the rule set: --rules, else the form's rules
    Column("ruleset_id", Text, nullable=False),
    Column("ruleset_sha256", String(64), nullable=False),
    Column("jixiao_version", String(64), nullable=False),
    Column("review_file", Text, nullable=False, server_default=""),
    Column("review_sha256", String(64), nullable=False, server_default=""),  # "" when no review file
    Column("claimed_total", String(32), nullable=False, server_default=""),
    Column("computed_total", String(32), nullable=False),
    Column("review_total", String(32), nullable=False),
    Column("claimed_grade", String(32), nullable=False, server_default=""),
    Column("grade", String(32), nullable=False, server_default=""),
    Column("review_grade", String(32), nullable=False, server_default=""),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("result_json", Text, nullable=False),  # the engine's result with its findings (score --format json)
    Column("record_json", Text, nullable=False),  # what the review outputs are made of, reused on a re-review
    Column("scored_at", String(32), nullable=False),
    # the other options the scoring depended on ("targets:<sha256>" with --targets-dir; "" none): migration 0002
    Column("options_key", Text, nullable=False, server_default=""),
)
Index("ix_scorings_lookup", scorings.c.file_sha256, scorings.c.jixiao_version, scorings.c.rules_option)
Index("ix_scorings_submission", scorings.c.submission_id)

# the forms of a batch, in order (a reused scoring appears in every batch that reused it)
batch_items = Table(
    "batch_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("scoring_id", Integer, ForeignKey("scorings.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("reused", Integer, nullable=False, server_default="0"),  # 1: taken from the record, not read again
)
Index("ix_batch_items_batch", batch_items.c.batch_id)

# a reviewer's decision on a submission: the latest one is its status
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("scoring_id", Integer, ForeignKey("scorings.id")),
    Column("status", String(16), nullable=False),  # 待复核 已复核 退回 通过
    Column("adjusted_total", String(32)),  # the reviewed total; NULL: the computed one stands
    Column("reason", Text, nullable=False, server_default=""),
    Column("reviewer", Text, nullable=False, server_default=""),
    Column("decided_at", String(32), nullable=False),
    Column("source", String(16), nullable=False),  # desk | file (a review file read by jixiao review)
    Column("review_file", Text, nullable=False, server_default=""),
    Column("review_sha256", String(64), nullable=False, server_default=""),
    Column("adjustments_json", Text, nullable=False, server_default="[]"),
)
Index("ix_decisions_submission", decisions.c.submission_id)

STATUSES = ("待复核", "已复核", "退回", "通过")
