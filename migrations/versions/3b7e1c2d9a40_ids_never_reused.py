"""ids never reused; events know their group; announcements can be cancelled

On SQLite, tables whose rows can be hard-deleted (with a group) get
AUTOINCREMENT, so a deleted group's id — and with it its Socket.IO room and
event history — is never handed to a new group, and event ids keep growing
after the newest events are deleted. PostgreSQL sequences never reuse ids.

Revision ID: 3b7e1c2d9a40
Revises: ec5d1dec261d
Create Date: 2026-11-22 20:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3b7e1c2d9a40"
down_revision = "ec5d1dec261d"
branch_labels = None
depends_on = None

# Parents first: a recreated table's foreign keys must find their targets.
AUTOINCREMENT_TABLES = ("groups", "posts", "comments", "announcements", "events", "notifications")


def _recreate(table: str, autoincrement: bool) -> None:
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_events_group_id_groups"), "groups", ["group_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("announcements") as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
    if op.get_context().dialect.name == "sqlite":
        for table in AUTOINCREMENT_TABLES:  # env.py turns foreign keys off for this
            _recreate(table, True)


def downgrade():
    if op.get_context().dialect.name == "sqlite":
        for table in reversed(AUTOINCREMENT_TABLES):
            _recreate(table, False)
    with op.batch_alter_table("announcements") as batch_op:
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_group_id_groups"), type_="foreignkey")
        batch_op.drop_column("group_id")
