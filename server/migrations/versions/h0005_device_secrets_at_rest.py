"""counters' secrets encrypted at rest (hq_device.secret as a Fernet token, next_secret)

The key comes from member-hq's settings: server.db.upgrade hands the keyring to Alembic
(``config.attributes["keyring"]``). A database holding clear secrets and no key given is
refused, never left half done.

Revision ID: h0005
Revises: h0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from server.device_secrets import TOKEN_PREFIX, SecretKeyError

revision = "h0005"
down_revision = "h0003"
branch_labels = None
depends_on = None

_device = sa.table(
    "hq_device",
    sa.column("device_id", sa.String),
    sa.column("secret", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("hq_device", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=64), type_=sa.String(length=255),
            existing_nullable=False,
        )  # fmt: skip
        batch_op.add_column(sa.Column("next_secret", sa.String(length=255), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_device.c.device_id, _device.c.secret)).all()
    clear = [r for r in rows if not r.secret.startswith(TOKEN_PREFIX)]
    if not clear:
        return
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise SecretKeyError(
            "the counters' secrets must be encrypted now and HQ has no secret key: run "
            "`member-hq init` (or serve), which creates the key file, or name the key"
        )
    for row in clear:
        conn.execute(
            sa.update(_device)
            .where(_device.c.device_id == row.device_id)
            .values(secret=keyring.encrypt(row.secret))
        )


def downgrade() -> None:
    keyring = context.config.attributes.get("keyring")
    conn = op.get_bind()
    rows = conn.execute(sa.select(_device.c.device_id, _device.c.secret)).all()
    if rows and keyring is None:
        raise SecretKeyError("downgrading needs the secret key to write the secrets in clear")
    for row in rows:
        conn.execute(
            sa.update(_device)
            .where(_device.c.device_id == row.device_id)
            .values(secret=keyring.decrypt(row.secret))
        )
    with op.batch_alter_table("hq_device", schema=None) as batch_op:
        batch_op.drop_column("next_secret")
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=255), type_=sa.String(length=64),
            existing_nullable=False,
        )  # fmt: skip
