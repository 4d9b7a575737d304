"""result answer key: the answers' identity as 16 hex digits (the integrity sweep groups by
it in SQL), and the results' submission-time index the sweep reads its window by

Results stored before this migration keep a NULL key: the sweep does not compare them (the
review list still explains them from their papers).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answer_key", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index("ix_result_submitted", ["campaign_id", "submitted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_index("ix_result_submitted")
        batch_op.drop_column("answer_key")
