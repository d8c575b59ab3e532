"""guests from the extended company: users.guest_*, guest invitations and their groups

Revision ID: a5d6e7f8b9c0
Revises: 5a1c3e7b9d20
Create Date: 2026-12-05 22:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a5d6e7f8b9c0"
down_revision = "c1f2a3b4d5e6"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch): SQLite then does not rebuild ``users``, which would drop
    # the search index triggers on it.
    op.add_column("users", sa.Column("guest_company", sa.String(length=120), nullable=True))
    op.add_column("users", sa.Column("guest_expires_on", sa.Date(), nullable=True))
    op.add_column("users", sa.Column("guest_ended_at", sa.DateTime(), nullable=True))
    op.create_table(
        "guest_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("company", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("access_until", sa.Date(), nullable=False),
        sa.Column("link_expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_guest_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_guest_invitations_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guest_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_guest_invitations_token_hash")),
    )
    op.create_index(op.f("ix_guest_invitations_email"), "guest_invitations", ["email"])
    op.create_index(
        op.f("ix_guest_invitations_invited_by_id"), "guest_invitations", ["invited_by_id"]
    )
    op.create_table(
        "guest_invitation_groups",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["guest_invitations.id"],
            name=op.f("fk_guest_invitation_groups_invitation_id_guest_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_guest_invitation_groups_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invitation_id", "group_id", name=op.f("pk_guest_invitation_groups")),
    )
    op.create_index(
        op.f("ix_guest_invitation_groups_group_id"), "guest_invitation_groups", ["group_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_guest_invitation_groups_group_id"), table_name="guest_invitation_groups")
    op.drop_table("guest_invitation_groups")
    op.drop_index(op.f("ix_guest_invitations_invited_by_id"), table_name="guest_invitations")
    op.drop_index(op.f("ix_guest_invitations_email"), table_name="guest_invitations")
    op.drop_table("guest_invitations")
    # Plain DROP COLUMN (SQLite 3.35+), again so that ``users`` keeps its triggers.
    op.drop_column("users", "guest_ended_at")
    op.drop_column("users", "guest_expires_on")
    op.drop_column("users", "guest_company")
