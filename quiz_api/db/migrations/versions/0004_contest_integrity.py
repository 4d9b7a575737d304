"""contest integrity: results held for review, the review's audit trail, frozen qualifier
lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import quiz_api.db.engine

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("held", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.create_index(
            "ix_result_held",
            ["campaign_id", "submitted_at"],
            unique=False,
            postgresql_where=sa.text("held"),
            sqlite_where=sa.text("held"),
        )
    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("staff_username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff_role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_at", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["result.attempt_id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id"),
    )
    op.create_table(
        "qualifier_list",
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("track", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("round_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("frozen_at", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "track", "round_id"),
    )


def downgrade() -> None:
    op.drop_table("qualifier_list")
    op.drop_table("review_decision")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_index("ix_result_held")
        batch_op.drop_column("held")
