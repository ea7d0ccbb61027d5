"""Protection: users and roles, sharing between organisations, organisation keys, the
identity vault, and source profiles (declared quasi-identifiers).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("profile", sa.JSON, nullable=False, server_default="{}"))
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("with_organization_id", sa.Integer, sa.ForeignKey("organizations.id"),
                  nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.UniqueConstraint("organization_id", "kind", "item", "with_organization_id"),
    )
    op.create_table(
        "organization_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("slots", sa.JSON, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "vault_entries",
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "record_keys",
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("key_id", sa.String(16), sa.ForeignKey("organization_keys.key_id"),
                  nullable=False, index=True),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("record", "key_id"),
    )


def downgrade() -> None:
    for table in ("record_keys", "vault_entries", "organization_keys", "shares", "users"):
        op.drop_table(table)
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("profile")
