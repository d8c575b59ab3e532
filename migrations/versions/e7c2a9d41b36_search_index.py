"""search index: FTS5 tables kept by triggers (SQLite), GIN expression indexes over an
unaccented text search configuration (PostgreSQL); existing rows are indexed

The DDL is written out here (not imported) so this revision stays what it was when the
models' ``socialnet/models/search.py`` changes. PostgreSQL needs the ``unaccent``
extension (in the contrib package; ``CREATE EXTENSION`` needs a role allowed to create it).

Revision ID: e7c2a9d41b36
Revises: d2b6f1a3c8e5
Create Date: 2026-12-04 17:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e7c2a9d41b36"
down_revision = "d2b6f1a3c8e5"
branch_labels = None
depends_on = None

#: (FTS5 table, content table, indexed columns) on SQLite.
SQLITE_TABLES = (
    ("search_posts", "posts", ("title", "body")),
    ("search_comments", "comments", ("body",)),
    ("search_people", "users", ("display_name", "handle", "job_title")),
    ("search_groups", "groups", ("name", "description")),
)

PG_CONFIG = """DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'socialnet_search') THEN
        CREATE TEXT SEARCH CONFIGURATION socialnet_search (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION socialnet_search
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END $$"""

#: (index, table, indexed text) on PostgreSQL.
PG_INDEXES = (
    ("ix_posts_search", "posts", "coalesce(title, '') || ' ' || body"),
    ("ix_comments_search", "comments", "body"),
    (
        "ix_users_search",
        "users",
        "display_name || ' ' || translate(handle, '._-', '   ') || ' ' || job_title",
    ),
    ("ix_groups_search", "groups", "name || ' ' || description"),
)


def _sqlite_upgrade() -> None:
    for fts, table, columns in SQLITE_TABLES:
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.id, {new});"
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content = '{table}', "
            "content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {delete} {insert} END"
        )
        op.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")  # the rows already there


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(PG_CONFIG)
    for index, table, text in PG_INDEXES:  # building the index reads the rows already there
        op.execute(
            f"CREATE INDEX {index} ON {table} USING gin "
            f"(to_tsvector('socialnet_search'::regconfig, {text}))"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for fts, _table, _columns in SQLITE_TABLES:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        return
    for index, _table, _text in PG_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS socialnet_search")
