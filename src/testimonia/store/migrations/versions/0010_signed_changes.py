"""Users authenticate and sign: each user's public keys and wrapped secret, a signature
on every log entry, and organisation keys wrapped for each of their users.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("key_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("signing_key", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("box_key", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("slots", sa.JSON, nullable=True))
    for log in ("custody_events", "audit_events"):
        with op.batch_alter_table(log) as batch:
            batch.add_column(sa.Column("signer", sa.String(16), nullable=True))
            batch.add_column(sa.Column("signature", sa.LargeBinary, nullable=True))
    op.create_table(
        "org_key_grants",
        sa.Column("key_id", sa.String(16), sa.ForeignKey("organization_keys.key_id"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("key_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("org_key_grants")
    for log in ("custody_events", "audit_events"):
        with op.batch_alter_table(log) as batch:
            batch.drop_column("signature")
            batch.drop_column("signer")
    with op.batch_alter_table("users") as batch:
        for column in ("slots", "box_key", "signing_key", "key_id"):
            batch.drop_column(column)
