"""Site judgements belong to the organisation that made them; earlier ones go to the
workspace's first organisation.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_judgements") as batch:
        batch.add_column(sa.Column("organization_id", sa.Integer, nullable=True))
    op.execute("UPDATE site_judgements SET organization_id = (SELECT min(id) FROM organizations)")
    with op.batch_alter_table("site_judgements") as batch:
        batch.alter_column("organization_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_site_judgements_organization", "organizations",
                                 ["organization_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("site_judgements") as batch:
        batch.drop_column("organization_id")
