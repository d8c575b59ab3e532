"""group handles: a group can be @mentioned

Adds ``groups.handle`` and ``groups.handle_key`` (unique), filled from each group's
name with :func:`socialnet.text_keys.handle_slug` ("Équipe Lyon" → ``equipe-lyon``),
oldest group first; a handle whose key another group or a person already has gets
``-2``, ``-3``… (``equipe-lyon-2``); a name with nothing ASCII becomes ``group``.

Revision ID: 4d6e8f0a1b23
Revises: 7c1d2e3f4a50
Create Date: 2026-12-06 20:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from socialnet.text_keys import fold, handle_slug, unique_handle

# revision identifiers, used by Alembic.
revision = "4d6e8f0a1b23"
down_revision = "7c1d2e3f4a50"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both engines (NOT NULL with a default): no table rebuild.
    op.add_column("groups", sa.Column("handle", sa.String(64), nullable=False, server_default=""))
    op.add_column(
        "groups", sa.Column("handle_key", sa.String(256), nullable=False, server_default="")
    )
    conn = op.get_bind()
    taken = set(conn.execute(sa.text("SELECT handle_key FROM users")).scalars())
    rows = conn.execute(sa.text("SELECT id, name FROM groups ORDER BY id")).all()
    for group_id, name in rows:
        handle = unique_handle(handle_slug(name or "") or "group", taken)
        taken.add(fold(handle))
        conn.execute(
            sa.text("UPDATE groups SET handle = :handle, handle_key = :key WHERE id = :id"),
            {"handle": handle, "key": fold(handle), "id": group_id},
        )
    op.create_index(op.f("ix_groups_handle_key"), "groups", ["handle_key"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_groups_handle_key"), table_name="groups")
    # Plain DROP COLUMN (SQLite 3.35+): no rebuild of groups, whose children would cascade.
    op.drop_column("groups", "handle_key")
    op.drop_column("groups", "handle")
