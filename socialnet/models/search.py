"""The full-text index of search, kept by the database itself.

Search (``services/search``) finds posts, comments, people, groups and files through an index
that the database keeps in the same transaction as every write, whatever code wrote:

* **SQLite**: one FTS5 table per searchable table (``search_posts``…), an *external
  content* table whose rowid is the row's id, tokenized with ``unicode61
  remove_diacritics 2`` (case and accents folded) and kept by ``AFTER INSERT / UPDATE OF
  <text columns> / DELETE`` triggers.
* **PostgreSQL**: a stored generated column ``search_vector`` =
  ``to_tsvector('socialnet_search', <text columns>)`` on each table, with a GIN index,
  where the text search configuration ``socialnet_search`` is ``simple`` with
  ``unaccent`` in front. Stored, so that ranking (``ts_rank``) and phrase checks read the
  vector instead of re-parsing every candidate row's text (an expression index, used until
  migration ``d9e4c1b7a2f0``, made a common word cost 300 ms and a phrase seconds at 1M
  posts). The models do not map the column; :func:`engine_owned` keeps Alembic off it.

The index holds *words only*: who may see a row (group, moderation, deletion, author…) is
decided at query time by ``policy``, so no visibility change ever has to reach the index.
Language (French/English plurals and endings) is handled on the query side, where a word
becomes the prefix of its stem (``services/search/query.py``): the stored index depends on
no stemmer, and changing the stemmer needs no reindex.

PostgreSQL also keeps ``search_words``, every lexeme any of those vectors holds (added by
``AFTER INSERT / UPDATE`` triggers in the writer's transaction; never removed: a word no
row holds any more matches nothing). A searched prefix is spelled out as the words it
begins (``'bravo':*`` → ``'bravo' | 'bravos'``): the GIN index intersects exact words
by skipping through their lists, where a prefix makes it read each matching word's whole
list into a bitmap first (``bravo lobababa`` at 1M posts: 51 ms → 6 ms). Only the triggers
keep "every lexeme" true: a migration that regenerates a vector column (no row trigger
fires) must run :func:`pg_words_backfill` after, and ``flask search reindex`` reads the
words again from scratch (dropping those no row holds any more).

The DDL is attached to ``db.metadata`` (so ``db.create_all()`` builds it, as the tests do)
and run by the migration ``e7c2a9d41b36`` through :func:`create_search_schema`. An SQLite
migration that rebuilds one of these tables (``batch_alter_table``) drops its triggers:
call :func:`create_search_schema` again after it (``flask search reindex`` does).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from ..extensions import db

#: The PostgreSQL column holding each indexed row's tsvector (generated, stored).
PG_VECTOR_COLUMN = "search_vector"

#: The PostgreSQL text search configuration: ``simple`` (no stemming, no stop words) after
#: ``unaccent``, so "École" is indexed as "ecole".
PG_CONFIG = "socialnet_search"


@dataclass(frozen=True)
class Indexed:
    """One searchable table: its FTS5 table (SQLite) / GIN index (PostgreSQL) and the
    SQL expression of its text (PostgreSQL; SQLite indexes ``columns`` one by one)."""

    table: str
    fts: str
    columns: tuple[str, ...]
    pg_text: str

    @property
    def pg_index(self) -> str:
        return f"ix_{self.table}_search"

    def pg_vector(self, qualified: bool = False) -> str:
        """The indexed tsvector column; ``qualified`` prefixes the table name (for queries
        joining several tables)."""
        return f"{self.table}.{PG_VECTOR_COLUMN}" if qualified else PG_VECTOR_COLUMN

    def pg_expression(self) -> str:
        """What the column is generated from: the text's tsvector."""
        expression = self.pg_text.replace("{", "").replace("}", "")
        return f"to_tsvector('{PG_CONFIG}'::regconfig, {expression})"


POSTS = Indexed(
    "posts", "search_posts", ("title", "body"), "coalesce({title}, '') || ' ' || {body}"
)
COMMENTS = Indexed("comments", "search_comments", ("body",), "{body}")
#: Handles are words joined by ``.``/``_``/``-``: spaced, so "julie.moreau" is two words.
PEOPLE = Indexed(
    "users",
    "search_people",
    ("display_name", "handle", "job_title"),
    "{display_name} || ' ' || translate({handle}, '._-', '   ') || ' ' || {job_title}",
)
GROUPS = Indexed(
    "groups", "search_groups", ("name", "description"), "{name} || ' ' || {description}"
)
#: Files: the name (``plan_2027-v2.pdf`` is the words plan 2027 v2 pdf) and the words
#: extracted from the file by the job loop (``services/file_text.py``), NULL until then.
FILES = Indexed(
    "file_uploads",
    "search_files",
    ("name", "text"),
    "translate({name}, '._-', '   ') || ' ' || coalesce({text}, '')",
)
INDEXED: tuple[Indexed, ...] = (POSTS, COMMENTS, PEOPLE, GROUPS, FILES)

#: FTS5's options. ``prefix``: the lengths of word beginnings FTS5 keeps its own lists of.
#: A searched word is the prefix of its stem (``bravo*``, ``livr*``); for a length it has
#: no list of, FTS5 merges the lists of every word starting so (100,000 rows for "bravo*"
#: at 1M posts: 8 ms) before it can stop at a search's limit; with one, it reads the newest
#: rows and stops (1 ms). Stems are mostly 4–6 letters; lists for 2–6 make the posts'
#: index 1.65× larger (175 → 289 MB at 1M posts). Changed by migration ``9b3f5c7d1e24``.
_FTS5_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'"


#: PostgreSQL: the table of every lexeme the vectors hold, its one column, and the function
#: its triggers run (``{table}_search_words_ai`` / ``_au`` on each indexed table).
PG_WORDS_TABLE, PG_WORDS_COLUMN = "search_words", "word"
_PG_WORDS_FUNCTION = "search_words_keep"


def engine_owned(name: str) -> bool:
    """Whether table, index or column ``name`` belongs to the search index, not to the
    models (FTS5 tables and their shadow tables, the tsvector columns and their GIN
    indexes, PostgreSQL's table of words): Alembic leaves them alone."""
    return name in (PG_VECTOR_COLUMN, PG_WORDS_TABLE) or any(
        name in (t.fts, t.pg_index) or name.startswith(f"{t.fts}_") for t in INDEXED
    )


def _sqlite_statements(t: Indexed) -> list[str]:
    cols = ", ".join(t.columns)
    new = ", ".join(f"new.{c}" for c in t.columns)
    old = ", ".join(f"old.{c}" for c in t.columns)
    delete = f"INSERT INTO {t.fts} ({t.fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {t.fts} (rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {t.fts} USING fts5({cols}, "
        f"content = '{t.table}', content_rowid = 'id', {_FTS5_OPTIONS})",
        f"CREATE TRIGGER IF NOT EXISTS {t.fts}_ai AFTER INSERT ON {t.table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {t.fts}_ad AFTER DELETE ON {t.table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {t.fts}_au AFTER UPDATE OF {cols} ON {t.table} "
        f"BEGIN {delete} {insert} END",
    ]


_PG_PREAMBLE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
]


#: The words table (byte order: a prefix is a key range) and the function of its triggers.
#: Lexemes come out of ``tsvector_to_array`` sorted, so two writers adding the same new
#: words take them in the same order (no deadlock between two single-row writes).
_PG_WORDS = [
    f'CREATE TABLE IF NOT EXISTS {PG_WORDS_TABLE} ({PG_WORDS_COLUMN} text COLLATE "C" PRIMARY KEY)',
    f"""CREATE OR REPLACE FUNCTION {_PG_WORDS_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {PG_WORDS_TABLE} ({PG_WORDS_COLUMN})
                SELECT unnest(tsvector_to_array(NEW.{PG_VECTOR_COLUMN}))
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""",
]


def _pg_statements(t: Indexed) -> list[str]:
    run = f"FOR EACH ROW WHEN ({{}}) EXECUTE FUNCTION {_PG_WORDS_FUNCTION}()"
    new_vector = f"NEW.{PG_VECTOR_COLUMN}"
    # DROP + CREATE rather than CREATE OR REPLACE TRIGGER, which needs PostgreSQL 14
    return [
        f"ALTER TABLE {t.table} ADD COLUMN IF NOT EXISTS {PG_VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({t.pg_expression()}) STORED",
        f"CREATE INDEX IF NOT EXISTS {t.pg_index} ON {t.table} USING gin ({PG_VECTOR_COLUMN})",
        f"DROP TRIGGER IF EXISTS {t.table}_search_words_ai ON {t.table}",
        f"CREATE TRIGGER {t.table}_search_words_ai AFTER INSERT ON {t.table} "
        + run.format(f"{new_vector} IS NOT NULL"),
        f"DROP TRIGGER IF EXISTS {t.table}_search_words_au ON {t.table}",
        f"CREATE TRIGGER {t.table}_search_words_au AFTER UPDATE ON {t.table} "
        + run.format(f"{new_vector} IS DISTINCT FROM OLD.{PG_VECTOR_COLUMN}"),
    ]


def pg_words_backfill(t: Indexed) -> str:
    """The words of the rows already in ``t`` (after :func:`create_search_schema` on a
    database with rows; the triggers keep them from then on)."""
    return (
        f"INSERT INTO {PG_WORDS_TABLE} ({PG_WORDS_COLUMN}) SELECT DISTINCT "
        f"unnest(tsvector_to_array({PG_VECTOR_COLUMN})) FROM {t.table} ON CONFLICT DO NOTHING"
    )


def create_search_schema(conn: Connection) -> None:
    """Create the index of :data:`INDEXED` (idempotent). Rows already there are not indexed
    on SQLite: :func:`rebuild_search_index` does that."""
    if conn.dialect.name == "sqlite":
        statements = [s for t in INDEXED for s in _sqlite_statements(t)]
    elif conn.dialect.name == "postgresql":
        statements = _PG_PREAMBLE + _PG_WORDS + [s for t in INDEXED for s in _pg_statements(t)]
    else:  # pragma: no cover - the two supported engines
        raise RuntimeError(f"search has no engine for {conn.dialect.name}")
    for statement in statements:
        conn.execute(text(statement))


def drop_search_schema(conn: Connection) -> None:
    """Drop the index (the text search configuration and extension stay: other databases
    of the cluster or a later upgrade may use them)."""
    for t in INDEXED:
        if conn.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {t.fts}_{suffix}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {t.fts}"))
        else:  # the column's index goes with it (its words' triggers first: they read it)
            for suffix in ("ai", "au"):
                conn.execute(
                    text(f"DROP TRIGGER IF EXISTS {t.table}_search_words_{suffix} ON {t.table}")
                )
            conn.execute(
                text(f"ALTER TABLE IF EXISTS {t.table} DROP COLUMN IF EXISTS {PG_VECTOR_COLUMN}")
            )
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"DROP TABLE IF EXISTS {PG_WORDS_TABLE}"))
        conn.execute(text(f"DROP FUNCTION IF EXISTS {_PG_WORDS_FUNCTION}()"))


def rebuild_search_index(conn: Connection) -> None:
    """Re-create the index and re-read every row: after a restore, a rebuilt table, or to
    repair; on PostgreSQL also to drop the words of ``search_words`` no row holds any more
    (run it after account erasures: the triggers only ever add words). PostgreSQL's
    generated columns are always current; their indexes are rebuilt with ``REINDEX``. The
    topic counts of type-ahead (``topic_counts``) are recounted, their triggers re-created."""
    from .topics import RECOUNT_TOPICS, TOPIC_COUNT_TRIGGERS

    create_search_schema(conn)
    if conn.dialect.name == "postgresql":
        # The words are read again from scratch: those no row holds any more (a deleted
        # post's, an erased account's) go. Writers' triggers wait for the lock, so no word
        # of a row written meanwhile is lost between the DELETE and the refill.
        conn.execute(text(f"LOCK TABLE {PG_WORDS_TABLE} IN EXCLUSIVE MODE"))
        conn.execute(text(f"DELETE FROM {PG_WORDS_TABLE}"))
    for t in INDEXED:
        if conn.dialect.name == "sqlite":
            conn.execute(text(f"INSERT INTO {t.fts} ({t.fts}) VALUES ('rebuild')"))
        else:
            conn.execute(text(f"REINDEX INDEX {t.pg_index}"))
            conn.execute(text(pg_words_backfill(t)))
    for statement in (*TOPIC_COUNT_TRIGGERS[conn.dialect.name], *RECOUNT_TOPICS):
        conn.execute(text(statement))


@event.listens_for(db.metadata, "after_create")
def _after_create(_metadata, connection: Connection, **_kw) -> None:
    create_search_schema(connection)
    if connection.dialect.name == "sqlite":  # create_all on a database that has rows
        for t in INDEXED:
            connection.execute(text(f"INSERT INTO {t.fts} ({t.fts}) VALUES ('rebuild')"))


@event.listens_for(db.metadata, "before_drop")
def _before_drop(_metadata, connection: Connection, **_kw) -> None:
    drop_search_schema(connection)
