"""A generation number of the analysis inputs, moved by the database itself on every
write to a table the analysis reads (triggers), so that reading a stored analysis is a
look-up instead of a re-read of every claim; stored analyses kept per organisation and
per variant (reviewed claims only, or all).

SQLite runs a trigger's body directly; PostgreSQL runs a function (plpgsql) from a
trigger, once per row as SQLite does, so the number moves the same way on both.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The tables whose rows the analysis reads (store/schema.py ANALYSIS_INPUTS says why each).
INPUTS = ("organizations", "sources", "source_relations", "documents", "extractions", "mentions",
          "claims", "claim_reviews", "person_links", "site_judgements", "shares")
BUMP = "UPDATE input_generation SET generation = generation + 1 WHERE id = 1"
FUNCTION = "bump_input_generation"  # PostgreSQL: the trigger function


def upgrade() -> None:
    op.create_table(
        "input_generation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.CheckConstraint("id = 1", name="one_row"),
    )
    op.execute("INSERT INTO input_generation (id, generation) VALUES (1, 0)")
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"{BUMP}; RETURN NULL; END $$")
    for table in INPUTS:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_{event.lower()}_generation"
            if postgres:
                op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                           f"EXECUTE FUNCTION {FUNCTION}()")
            else:
                op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP}; END")
    op.drop_table("analysis_results")  # a cache: recomputed on the next read
    op.create_table(
        "analysis_results",
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("variant", sa.String(16), primary_key=True),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in INPUTS:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_generation"
                       + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_table("input_generation")
    op.drop_table("analysis_results")
    op.create_table(
        "analysis_results",
        sa.Column("organization_id", sa.Integer, sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
