"""Analyst review: every decision on a claim kept, anchored to its evidence span and
encrypted with the document's key; claims say whether extraction or an analyst made
them (an analyst's claim survives re-extraction).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("review_status")
        batch.add_column(sa.Column("origin", sa.String(16), nullable=False,
                                   server_default="extraction"))
    op.create_table(
        "claim_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id"), nullable=False,
                  index=True),
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("act", sa.String(32), nullable=False),
        sa.Column("spans", sa.JSON, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("claim_reviews")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("origin")
        batch.add_column(sa.Column("review_status", sa.String(20), nullable=False,
                                   server_default="unreviewed"))
