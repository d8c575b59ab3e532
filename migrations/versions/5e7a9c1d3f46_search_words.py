"""search: PostgreSQL keeps the words its vectors hold (``search_words``)

Revision ID: 5e7a9c1d3f46
Revises: 9b3f5c7d1e24
Create Date: 2026-12-07 03:40:00.000000

A searched word is the prefix of its stem (``'bravo':*``). PostgreSQL's GIN index serves a
prefix by reading the whole list of every word it begins into a bitmap before combining
them (51 ms for ``bravo lobababa`` at 1M posts), where exact words are intersected by
skipping through their lists (6 ms). Search spells a prefix out as the words it begins,
read from this table: every lexeme of every ``search_vector``, added by ``AFTER INSERT /
UPDATE`` triggers on each indexed table. Filled here from the rows already there (~5 s at
1M posts). SQLite: nothing to do (FTS5 keeps prefix lists).

The DDL is written out here, not imported from ``socialnet/models/search.py``, so that this
revision keeps meaning what it meant when the models change.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7a9c1d3f46"
down_revision = "9b3f5c7d1e24"
branch_labels = None
depends_on = None

#: The indexed tables, each with a stored ``search_vector`` since ``d9e4c1b7a2f0``.
_TABLES = ("posts", "comments", "users", "groups", "file_uploads")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute('CREATE TABLE search_words (word text COLLATE "C" PRIMARY KEY)')
    op.execute(
        """CREATE OR REPLACE FUNCTION search_words_keep() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO search_words (word)
                SELECT unnest(tsvector_to_array(NEW.search_vector))
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$"""
    )
    for table in _TABLES:
        run = "FOR EACH ROW WHEN ({}) EXECUTE FUNCTION search_words_keep()"
        op.execute(
            f"CREATE TRIGGER {table}_search_words_ai AFTER INSERT ON {table} "
            + run.format("NEW.search_vector IS NOT NULL")
        )
        op.execute(
            f"CREATE TRIGGER {table}_search_words_au AFTER UPDATE ON {table} "
            + run.format("NEW.search_vector IS DISTINCT FROM OLD.search_vector")
        )
        op.execute(
            "INSERT INTO search_words (word) SELECT DISTINCT "
            f"unnest(tsvector_to_array(search_vector)) FROM {table} ON CONFLICT DO NOTHING"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        for suffix in ("ai", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_words_{suffix} ON {table}")
    op.execute("DROP TABLE IF EXISTS search_words")
    op.execute("DROP FUNCTION IF EXISTS search_words_keep()")
