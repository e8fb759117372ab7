"""coupon terms: a template's issue rule (新人券, 充值送券, 等级升级, 生日券) and the issue key
of a coupon a rule issued, unique per template and member (a cause issues once)

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable): no copy of the tables.
    op.add_column("coupon_template", sa.Column("issue_rule", sa.Text(), nullable=True))
    op.add_column("coupon", sa.Column("issue_key", sa.String(length=48), nullable=True))
    op.create_index(
        "ux_coupon_issue_key", "coupon", ["template_id", "member_id", "issue_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_coupon_issue_key", table_name="coupon")
    with op.batch_alter_table("coupon") as batch:
        batch.drop_column("issue_key")
    with op.batch_alter_table("coupon_template") as batch:
        batch.drop_column("issue_rule")
