"""question analytics: the pre-aggregated sums of the item statistics per campaign, track,
first/all attempts, district and language, and how far they go

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import quiz_api.db.engine

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_stat_cell",
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("track", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("first_only", sa.Boolean(), nullable=False),
        sa.Column("district", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "track", "first_only", "district", "lang"),
    )
    op.create_table(
        "question_stat_state",
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("watermark", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("computed_at", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id"),
    )


def downgrade() -> None:
    op.drop_table("question_stat_state")
    op.drop_table("question_stat_cell")
