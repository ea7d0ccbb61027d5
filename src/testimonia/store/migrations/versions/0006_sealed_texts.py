"""Document texts encrypted per organisation: a `sealed` column. Texts stored in clear
by earlier versions are sealed, and their `text` emptied, when the workspace is next
opened (protect/doccrypt.py needs the organisations' keys, which a migration does not
have).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_texts") as batch:
        batch.add_column(sa.Column("sealed", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_texts") as batch:
        batch.drop_column("sealed")
