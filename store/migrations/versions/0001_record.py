"""The first tables of the record: meta, batches, submissions, scorings, batch_items, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jixiao_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("paths", sa.Text, nullable=False),
        sa.Column("rules_option", sa.Text, nullable=False, server_default=""),
        sa.Column("jixiao_version", sa.String(64), nullable=False),
        sa.Column("files", sa.Integer, nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("project", sa.Text, nullable=False, server_default=""),
        sa.Column("year", sa.Integer),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("form_toml", sa.Text, nullable=False),
        sa.Column("sources_json", sa.Text, nullable=False),
        sa.Column("indicators_json", sa.Text, nullable=False),
        sa.Column("claimed_json", sa.Text, nullable=False),
        sa.Column("read_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("unit", "project", "year", "version", name="uq_submission_version"),
    )
    op.create_index("ix_submissions_unit", "submissions", ["unit", "project", "year"])
    op.create_index("ix_submissions_sha256", "submissions", ["sha256"])
    op.create_table(
        "scorings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id")),
        sa.Column("file_path", sa.Text, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("origin", sa.Text, nullable=False, server_default=""),
        sa.Column("rules_option", sa.Text, nullable=False, server_default=""),
        sa.Column("rules_ref", sa.Text, nullable=False),
        sa.Column("ruleset_id", sa.Text, nullable=False),
        sa.Column("ruleset_sha256", sa.String(64), nullable=False),
        sa.Column("jixiao_version", sa.String(64), nullable=False),
        sa.Column("review_file", sa.Text, nullable=False, server_default=""),
        sa.Column("review_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("claimed_total", sa.String(32), nullable=False, server_default=""),
        sa.Column("computed_total", sa.String(32), nullable=False),
        sa.Column("review_total", sa.String(32), nullable=False),
        sa.Column("claimed_grade", sa.String(32), nullable=False, server_default=""),
        sa.Column("grade", sa.String(32), nullable=False, server_default=""),
        sa.Column("review_grade", sa.String(32), nullable=False, server_default=""),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("scored_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_scorings_lookup", "scorings", ["file_sha256", "jixiao_version", "rules_option"])
    op.create_index("ix_scorings_submission", "scorings", ["submission_id"])
    op.create_table(
        "batch_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("scoring_id", sa.Integer, sa.ForeignKey("scorings.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("reused", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_batch_items_batch", "batch_items", ["batch_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("scoring_id", sa.Integer, sa.ForeignKey("scorings.id")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("adjusted_total", sa.String(32)),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewer", sa.Text, nullable=False, server_default=""),
        sa.Column("decided_at", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("review_file", sa.Text, nullable=False, server_default=""),
        sa.Column("review_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("adjustments_json", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_index("ix_decisions_submission", "decisions", ["submission_id"])
    op.bulk_insert(
        sa.table("jixiao_meta", sa.column("key", sa.String), sa.column("value", sa.Text)),
        [{"key": "application", "value": "jixiao"}],
    )


def downgrade() -> None:
    for name in ("decisions", "batch_items", "scorings", "submissions", "batches", "jixiao_meta"):
        op.drop_table(name)
