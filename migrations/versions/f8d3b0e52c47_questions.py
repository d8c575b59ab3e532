"""questions: a post kind answered by comments, with a best answer

Revision ID: f8d3b0e52c47
Revises: e7c2a9d41b36
Create Date: 2026-12-04 17:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f8d3b0e52c47"
down_revision = "e7c2a9d41b36"
branch_labels = None
depends_on = None

# SQLite rebuilds ``posts`` for the batch operations below, which drops the triggers that
# keep the search index (revision e7c2a9d41b36); they are written again, as they were.
_SEARCH_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS search_posts_ai AFTER INSERT ON posts BEGIN "
    "INSERT INTO search_posts (rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_posts_ad AFTER DELETE ON posts BEGIN "
    "INSERT INTO search_posts (search_posts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_posts_au AFTER UPDATE OF title, body ON posts BEGIN "
    "INSERT INTO search_posts (search_posts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_posts (rowid, title, body) VALUES (new.id, new.title, new.body); END",
)


def _restore_search_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SEARCH_TRIGGERS:
            op.execute(statement)


_KINDS_BEFORE = "kind IN ('post', 'announcement', 'poll', 'kudos', 'celebration')"
_KINDS_AFTER = "kind IN ('post', 'announcement', 'poll', 'kudos', 'celebration', 'question')"


def upgrade():
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("best_answer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("best_answer_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_posts_best_answer_id_comments"),
            "comments",
            ["best_answer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(batch_op.f("ck_posts_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_posts_kind_known"), _KINDS_AFTER)
        batch_op.create_index(
            "ix_posts_questions_id",
            ["id"],
            unique=False,
            sqlite_where=sa.text("kind = 'question'"),
            postgresql_where=sa.text("kind = 'question'"),
        )
    _restore_search_triggers()


def downgrade():
    op.execute("DELETE FROM posts WHERE kind = 'question'")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_questions_id")
        batch_op.drop_constraint(batch_op.f("ck_posts_kind_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_posts_kind_known"), _KINDS_BEFORE)
        batch_op.drop_constraint(batch_op.f("fk_posts_best_answer_id_comments"), type_="foreignkey")
        batch_op.drop_column("best_answer_at")
        batch_op.drop_column("best_answer_id")
    _restore_search_triggers()
