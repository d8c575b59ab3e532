"""files: uploads attached to posts and comments

Revision ID: a7f1c2d3e4b5
Revises: c3d4e5f6a7b8
Create Date: 2026-12-05 06:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7f1c2d3e4b5"
down_revision = "c3d4e5f6a7b8"
branch_labels = None
depends_on = None


def upgrade():
    # create_table only: no batch rebuild of posts/comments/users (it would drop the
    # search index triggers on SQLite).
    op.create_table(
        "file_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=200), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_file_uploads_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_file_uploads_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["users.id"],
            name=op.f("fk_file_uploads_uploader_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_uploads")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_file_uploads_storage_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_file_uploads_post_id", "file_uploads", ["post_id"])
    op.create_index("ix_file_uploads_comment_id", "file_uploads", ["comment_id"])
    op.create_index(
        "ix_file_uploads_uploader_id_created_at", "file_uploads", ["uploader_id", "created_at"]
    )


def downgrade():
    op.drop_index("ix_file_uploads_uploader_id_created_at", table_name="file_uploads")
    op.drop_index("ix_file_uploads_comment_id", table_name="file_uploads")
    op.drop_index("ix_file_uploads_post_id", table_name="file_uploads")
    op.drop_table("file_uploads")
