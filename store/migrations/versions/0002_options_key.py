"""What else a scoring depended on besides the file, its review file and --rules: the options key.

``jixiao review --targets-dir`` compares each form with approved 绩效目标表; a scoring made
with them must not be reused by a review without them (or with other ones).  Scorings kept
before this migration had no such option: their key is "".

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scorings") as batch:
        batch.add_column(sa.Column("options_key", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("scorings") as batch:
        batch.drop_column("options_key")
