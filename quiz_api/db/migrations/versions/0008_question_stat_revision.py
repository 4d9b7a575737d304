"""question stat revision: a counter that held-state changes bump, so that a refresh whose
read overlapped one stores nothing (quiz_api.services.question_report.held_changed)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_stat_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("question_stat_state", schema=None) as batch_op:
        batch_op.drop_column("revision")
