"""integrity sweep: the address hash of a participant's join, the sweep's watermark and flags

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import quiz_api.db.engine

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: participants who joined before have none (and none after the retention).
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index("ix_participant_created", ["campaign_id", "created_at"], unique=False)
    op.create_table(
        "integrity_sweep",
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("watermark", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("swept_at", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column(
            "addresses_cleared_at", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "integrity_flag",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signal", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("flagged_at", quiz_api.db.engine.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("participant_id"),
    )


def downgrade() -> None:
    op.drop_table("integrity_flag")
    op.drop_table("integrity_sweep")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index("ix_participant_created")
        batch_op.drop_column("address_hash")
