"""What extraction derives is encrypted with its document's key: claim bodies (with their
quotes) and mention texts and values go into a `sealed` column. Results stored in clear
by earlier versions are removed; `testimonia extract` derives them again from the texts
(extraction is incremental and finds every document pending).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("claims", "mentions", "extractions", "analysis_results"):
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("body")
        batch.add_column(sa.Column("sealed", sa.LargeBinary, nullable=False))
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("text")
        batch.drop_column("value")
        batch.add_column(sa.Column("sealed", sa.LargeBinary, nullable=False))


def downgrade() -> None:
    for table in ("claims", "mentions", "extractions"):
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("sealed")
        batch.add_column(sa.Column("text", sa.Text, nullable=False))
        batch.add_column(sa.Column("value", sa.JSON, nullable=False))
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("sealed")
        batch.add_column(sa.Column("body", sa.JSON, nullable=False))
