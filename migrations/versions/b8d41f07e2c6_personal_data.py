"""personal data: deleted accounts (users.deleted_at) and company settings

Revision ID: b8d41f07e2c6
Revises: f3a6d0b8c915
Create Date: 2026-11-23 01:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8d41f07e2c6"
down_revision = "f3a6d0b8c915"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both engines: no batch table rebuild of users.
    op.add_column("users", sa.Column("deleted_at", sa.DateTime(), nullable=True))
    op.create_table(
        "company_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_company_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_company_settings")),
    )


def downgrade():
    op.drop_table("company_settings")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
    # SQLite's batch rebuild of users drops the expression index; put it back.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_users_lower_display_name ON users (lower(display_name))"
    )
