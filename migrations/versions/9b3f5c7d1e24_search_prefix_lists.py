"""search: FTS5 keeps prefix lists for word beginnings of 2 to 6 letters (SQLite)

Revision ID: 9b3f5c7d1e24
Revises: 4d6e8f0a1b23
Create Date: 2026-12-07 00:00:00.000000

A searched word is the prefix of its stem ("bravo*", "livr*"). For a prefix length FTS5
has no list of, it merges the lists of every word starting so before it can stop at a
search's limit (8 ms for "bravo*" at 1M posts); with one, 1 ms. FTS5 cannot add prefix
lists to an existing table: each index table is dropped, created again with the new
options and rebuilt from its content table (its triggers, on the content table, stay).
A minute or so at 1M posts. PostgreSQL: nothing to do (its GIN index serves prefixes).

The DDL is written out here, not imported from ``socialnet/models/search.py``, so that this
revision keeps meaning what it meant when the models change.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9b3f5c7d1e24"
down_revision = "4d6e8f0a1b23"
branch_labels = None
depends_on = None

#: (index table, its columns, content table) as the index stood at this revision.
_TABLES = (
    ("search_posts", "title, body", "posts"),
    ("search_comments", "body", "comments"),
    ("search_people", "display_name, handle, job_title", "users"),
    ("search_groups", "name, description", "groups"),
    ("search_files", "name, text", "file_uploads"),
)


def _recreate(prefix: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, columns, content in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {fts}")
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content = '{content}', "
            f"content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', "
            f"prefix = '{prefix}')"
        )
        op.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def upgrade():
    _recreate("2 3 4 5 6")


def downgrade():
    _recreate("2 3")
