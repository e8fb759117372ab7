"""count-card products from HQ: the store that defined each product (another store's, or
HQ's own, arrives with the pulls and is not this counter's to change)

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("count_card_product") as batch:
        batch.add_column(sa.Column("store_code", sa.String(length=32), nullable=True))
    # Every product a counter held before this revision was defined there.
    op.execute(
        "UPDATE count_card_product SET store_code = (SELECT code FROM store ORDER BY id LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("count_card_product") as batch:
        batch.drop_column("store_code")
