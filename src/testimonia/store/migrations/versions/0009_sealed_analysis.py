"""The stored analysis is one organisation's, encrypted with its key (a cache: it is
recomputed on the next read).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("analysis_results")
    op.create_table(
        "analysis_results",
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("analysis_results")
    op.create_table(
        "analysis_results",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
