"""file text search: file_uploads.text / text_status / text_error and the files' search
index (SQLite FTS5 ``search_files`` kept by triggers; PostgreSQL stored ``search_vector``
with a GIN index); existing PDF, docx and text files wait for the job loop (``pending``),
existing file names are indexed at once; comments.edited_at (comments are edited, with
their files, like posts)

Revision ID: c1f2a3b4d5e6
Revises: 5a1c3e7b9d20
Create Date: 2026-12-05 22:30:00.000000

The index DDL is written out here, not imported from ``socialnet/models/search.py``, so
that this revision keeps meaning what it meant when the models change. ``file_uploads``
gains columns with ``ADD COLUMN`` (no batch rebuild, which would drop triggers).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c1f2a3b4d5e6"
down_revision = "5a1c3e7b9d20"
branch_labels = None
depends_on = None

EXTRACTABLE = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
    "text/csv",
)
_FTS = "search_files"
_COLS = "name, text"
_SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_FTS} USING fts5({_COLS}, content = 'file_uploads',"
    " content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    f"CREATE TRIGGER IF NOT EXISTS {_FTS}_ai AFTER INSERT ON file_uploads BEGIN"
    f" INSERT INTO {_FTS} (rowid, {_COLS}) VALUES (new.id, new.name, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {_FTS}_ad AFTER DELETE ON file_uploads BEGIN"
    f" INSERT INTO {_FTS} ({_FTS}, rowid, {_COLS}) VALUES ('delete', old.id, old.name,"
    " old.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {_FTS}_au AFTER UPDATE OF {_COLS} ON file_uploads BEGIN"
    f" INSERT INTO {_FTS} ({_FTS}, rowid, {_COLS}) VALUES ('delete', old.id, old.name,"
    f" old.text); INSERT INTO {_FTS} (rowid, {_COLS}) VALUES (new.id, new.name, new.text);"
    " END",
    f"INSERT INTO {_FTS} ({_FTS}) VALUES ('rebuild')",
]
_PG = [
    "ALTER TABLE file_uploads ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS"
    " AS (to_tsvector('socialnet_search'::regconfig, translate(name, '._-', '   ') || ' ' ||"
    " coalesce(text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS ix_file_uploads_search ON file_uploads USING gin (search_vector)",
]


def upgrade():
    op.add_column("comments", sa.Column("edited_at", sa.DateTime(), nullable=True))
    op.add_column("file_uploads", sa.Column("text", sa.Text(), nullable=True))
    op.add_column(
        "file_uploads",
        sa.Column("text_status", sa.String(length=16), server_default="none", nullable=False),
    )
    op.add_column("file_uploads", sa.Column("text_error", sa.String(length=200), nullable=True))
    op.create_index("ix_file_uploads_text_status", "file_uploads", ["text_status"])
    files = sa.table("file_uploads", sa.column("content_type"), sa.column("text_status"))
    op.execute(
        files.update().where(files.c.content_type.in_(EXTRACTABLE)).values(text_status="pending")
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _PG:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {_FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {_FTS}")
    else:
        op.execute("ALTER TABLE file_uploads DROP COLUMN IF EXISTS search_vector")
    op.drop_index("ix_file_uploads_text_status", table_name="file_uploads")
    for name in ("text_error", "text_status", "text"):
        op.drop_column("file_uploads", name)  # plain DROP COLUMN (SQLite 3.35+)
    op.drop_column("comments", "edited_at")  # triggers (search) stay: not a rebuild
