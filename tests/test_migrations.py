"""Alembic migrations build exactly the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from socialnet.extensions import db
from socialnet.models.search import engine_owned

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scratch_database_url(tmp_path):
    """A fresh, empty database of the same engine as the suite's."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"socialnet_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _flask_db(url: str, *args: str) -> None:
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url}
    env["SOCKETIO_ASYNC_MODE"] = "threading"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def include_name(name, type_, _parent_names) -> bool:
    return not (type_ in ("table", "index", "column") and engine_owned(name))


def _index_names(conn) -> set[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    return set(conn.execute(text(query)).scalars())


def test_upgrade_matches_models_and_downgrade_empties(scratch_database_url):
    _flask_db(scratch_database_url, "upgrade")
    engine = create_engine(scratch_database_url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # Reflection skips expression indexes and warns (there are none since the
            # name keys replaced lower(display_name)).
            warnings.filterwarnings("ignore", message=".*expression.*index")
            opts = {"compare_type": True, "include_name": include_name}  # search index aside
            context = MigrationContext.configure(conn, opts=opts)
            differences = compare_metadata(context, db.metadata)
            index_names = _index_names(conn)
        assert differences == []
        assert {"ix_company_values_name_key", "ix_users_handle_key"} <= index_names
        _flask_db(scratch_database_url, "downgrade", "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_database_refuses_to_change_or_delete_audit_entries(scratch_database_url):
    """Below the ORM: the migration's triggers abort UPDATE and DELETE on audit_log."""
    _flask_db(scratch_database_url, "upgrade")
    engine = create_engine(scratch_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (actor_name, action, target_type, reason, before,"
                    " after, created_at) VALUES ('x', 'case.hide', 'case', '', '{}', '{}',"
                    " CURRENT_TIMESTAMP)"
                )
            )
        for statement in ("UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT reason FROM audit_log")).scalars().all() == [""]
    finally:
        engine.dispose()


def test_name_keys_migration_folds_and_resolves_old_duplicates(scratch_database_url):
    """Rows written before the keys (SQLite let "Équipe" and "équipe" coexist) get their
    keys, and names that now share one are resolved: the oldest keeps its name."""
    _flask_db(scratch_database_url, "upgrade", "b8d41f07e2c6")
    engine = create_engine(scratch_database_url)
    user = (
        "INSERT INTO users (id, email, handle, display_name, password_hash, job_title,"
        " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
        " session_epoch, created_at) VALUES (:id, :email, :handle, :name, 'x', 'Ingénieure',"
        " '', '', 'employee', TRUE, FALSE, FALSE, 0, CURRENT_TIMESTAMP)"
    )
    word = (
        "INSERT INTO watched_words (id, pattern, is_regex, action, created_at)"
        " VALUES (:id, :pattern, FALSE, :action, CURRENT_TIMESTAMP)"
    )
    post = (
        "INSERT INTO posts (id, author_id, kind, body, body_html, comments_enabled,"
        " comment_count, created_at) VALUES (1, 1, 'post', '#Équipe #equipe #Straße', '',"
        " TRUE, 0, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as conn:
            for value_id, name in ((1, "Équipe"), (2, "équipe"), (3, "Audace")):
                conn.execute(
                    text(
                        "INSERT INTO company_values (id, name, description, emoji, active)"
                        " VALUES (:id, :name, '', '', TRUE)"
                    ),
                    {"id": value_id, "name": name},
                )
            conn.execute(
                text(user), {"id": 1, "email": "a@x.example", "handle": "zoé", "name": "Zoé"}
            )
            conn.execute(
                text(user), {"id": 2, "email": "b@x.example", "handle": "ZOE", "name": "Zoe"}
            )
            conn.execute(text(word), {"id": 1, "pattern": "École", "action": "flag"})
            conn.execute(text(word), {"id": 2, "pattern": "ecole", "action": "block"})
            conn.execute(text(post))
            for tag in ("équipe", "equipe", "straße"):
                conn.execute(
                    text("INSERT INTO post_hashtags (post_id, tag) VALUES (1, :tag)"), {"tag": tag}
                )
        # This revision's keys (b2c3d4e5f6a7 adds department and site to ``search_key``).
        _flask_db(scratch_database_url, "upgrade", "c1a5e0f2b7d4")
        with engine.connect() as conn:

            def rows(query):
                return [tuple(r) for r in conn.execute(text(query))]

            assert rows("SELECT name, name_key FROM company_values ORDER BY id") == [
                ("Équipe", "equipe"),
                ("équipe (2)", "equipe (2)"),
                ("Audace", "audace"),
            ]
            assert rows(
                "SELECT handle, handle_key, name_key, search_key FROM users ORDER BY id"
            ) == [
                ("zoé", "zoe", "zoe", "zoe\nzoe\ningenieure"),
                ("ZOE-2", "zoe-2", "zoe", "zoe-2\nzoe\ningenieure"),
            ]
            assert rows("SELECT pattern, word_key, action FROM watched_words") == [
                ("ecole", "ecole", "block")
            ]
            assert sorted(rows("SELECT tag FROM post_hashtags")) == [("equipe",), ("strasse",)]
        _flask_db(scratch_database_url, "downgrade", "b8d41f07e2c6")
        with engine.connect() as conn:
            assert "ix_users_lower_display_name" in _index_names(conn)
    finally:
        engine.dispose()


#: A person and a post written as raw SQL, for migrations of the search index (the models
#: may have moved on since the revisions they test).
_JULIE = (
    "INSERT INTO users (id, email, handle, display_name, password_hash, job_title,"
    " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
    " session_epoch, created_at) VALUES (1, 'j@x.example', 'julie', 'Julie Moreau', 'x',"
    " '', '', '', 'employee', TRUE, FALSE, FALSE, 0, CURRENT_TIMESTAMP)"
)
_POST = (
    "INSERT INTO posts (id, author_id, kind, body, body_html, comments_enabled,"
    " comment_count, created_at) VALUES (:id, 1, 'post', :body, '', TRUE, 0,"
    " CURRENT_TIMESTAMP)"
)


def test_search_migration_indexes_the_rows_already_there(scratch_database_url):
    """e7c2a9d41b36 on a database with content: the old rows are found, new writes are
    indexed by the database itself, and its downgrade removes the index."""
    _flask_db(scratch_database_url, "upgrade", "d2b6f1a3c8e5")
    engine = create_engine(scratch_database_url)
    user, post = _JULIE, _POST
    sqlite = engine.dialect.name == "sqlite"
    found = (
        "SELECT rowid FROM search_posts WHERE search_posts MATCH :q ORDER BY rowid"
        if sqlite
        else "SELECT id FROM posts WHERE to_tsvector('socialnet_search'::regconfig,"
        " coalesce(title, '') || ' ' || body) @@ to_tsquery('socialnet_search', :q) ORDER BY id"
    )
    query = '"reunion"*' if sqlite else "'reunion':*"
    try:
        with engine.begin() as conn:
            conn.execute(text(user))
            conn.execute(text(post), {"id": 1, "body": "Réunion de rentrée"})
        _flask_db(scratch_database_url, "upgrade")
        with engine.connect() as conn:  # backfilled
            assert conn.execute(text(found), {"q": query}).scalars().all() == [1]
        with engine.begin() as conn:
            conn.execute(text(post), {"id": 2, "body": "Autre réunion"})
            conn.execute(text("UPDATE posts SET body = 'Sans objet' WHERE id = 1"))
        with engine.connect() as conn:
            assert conn.execute(text(found), {"q": query}).scalars().all() == [2]
        _flask_db(scratch_database_url, "downgrade", "d2b6f1a3c8e5")
        with engine.connect() as conn:
            assert not any(n.startswith("search_") for n in inspect(conn).get_table_names())
            assert not any(n.endswith("_search") for n in _index_names(conn))
    finally:
        engine.dispose()


def test_people_migration_finds_existing_people_by_site_and_department(scratch_database_url):
    """Rows already there get department and site in their ``search_key``, and empty
    profile fields; downgrading gives the former key back."""
    _flask_db(scratch_database_url, "upgrade", "f8d3b0e52c47")
    engine = create_engine(scratch_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, handle, display_name, password_hash,"
                    " job_title, department, site, role, active, celebrate_birthday,"
                    " leaderboard_opt_out, session_epoch, created_at, handle_key, name_key,"
                    " search_key) VALUES (1, 'a@x.example', 'lou', 'Lou', 'x', 'Tech',"
                    " 'Qualité', 'Lyon', 'employee', TRUE, FALSE, FALSE, 0,"
                    " CURRENT_TIMESTAMP, 'lou', 'lou', 'lou\nlou\ntech')"
                )
            )
        _flask_db(scratch_database_url, "upgrade", "b2c3d4e5f6a7")
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT search_key, pronouns, about, languages FROM users")
            ).one()
            assert tuple(row[:3]) == ("lou\nlou\ntech\nqualite\nlyon", "", "")
            assert row.languages in ("[]", [])  # JSON: text on SQLite, decoded by psycopg
        _flask_db(scratch_database_url, "downgrade", "f8d3b0e52c47")
        with engine.connect() as conn:
            key = conn.execute(text("SELECT search_key FROM users")).scalar_one()
            assert key == "lou\nlou\ntech"
    finally:
        engine.dispose()


def test_events_migration_widens_the_post_kinds_and_keeps_the_search_index(scratch_database_url):
    """7c3e5a9b1d42 lets posts be events without rebuilding ``posts`` (on SQLite the CHECK
    is rewritten in place): the search triggers still index, unknown kinds are still
    refused, and the downgrade takes 'event' back out."""
    _flask_db(scratch_database_url, "upgrade")
    engine = create_engine(scratch_database_url)
    user = (
        "INSERT INTO users (id, email, handle, display_name, password_hash, job_title,"
        " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
        " session_epoch, created_at) VALUES (1, 'j@x.example', 'julie', 'Julie Moreau', 'x',"
        " '', '', '', 'employee', TRUE, FALSE, FALSE, 0, CURRENT_TIMESTAMP)"
    )
    post = (
        "INSERT INTO posts (id, author_id, kind, title, body, body_html, comments_enabled,"
        " comment_count, created_at) VALUES (:id, 1, :kind, 'Petit déjeuner', 'Croissants',"
        " '', TRUE, 0, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(user))
            conn.execute(text(post), {"id": 1, "kind": "event"})
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(post), {"id": 2, "kind": "party"})
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                found = "SELECT rowid FROM search_posts WHERE search_posts MATCH 'croissants'"
                assert conn.execute(text(found)).scalars().all() == [1]
        _flask_db(scratch_database_url, "downgrade", "d9e4c1b7a2f0")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 0
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(post), {"id": 3, "kind": "event"})
    finally:
        engine.dispose()


def test_prefix_lists_migration_rebuilds_the_sqlite_index(scratch_database_url):
    """9b3f5c7d1e24: the FTS5 tables are built again with prefix lists of 2–6 letters, the
    rows already there are found by a four-letter beginning, the triggers keep indexing new
    rows, and the downgrade puts the old options back with the rows still found. On
    PostgreSQL it changes nothing: the rows are found through the GIN index before, after
    and after the downgrade."""
    _flask_db(scratch_database_url, "upgrade", "4d6e8f0a1b23")
    engine = create_engine(scratch_database_url)
    user, post = _JULIE, _POST
    sqlite = engine.dialect.name == "sqlite"
    found = (
        "SELECT rowid FROM search_posts WHERE search_posts MATCH '\"reun\"*' ORDER BY rowid"
        if sqlite
        else "SELECT id FROM posts WHERE search_vector @@ to_tsquery('socialnet_search',"
        " 'reun:*') ORDER BY id"
    )
    options = "SELECT sql FROM sqlite_master WHERE name = :name"

    def prefix_option(conn) -> str:
        if not sqlite:
            return "(PostgreSQL)"
        sql = conn.execute(text(options), {"name": "search_posts"}).scalar_one()
        return sql.split("prefix = ", 1)[1].split(")")[0]

    old, new = ("'2 3'", "'2 3 4 5 6'") if sqlite else ("(PostgreSQL)", "(PostgreSQL)")
    try:
        with engine.begin() as conn:
            conn.execute(text(user))
            conn.execute(text(post), {"id": 1, "body": "Réunion de rentrée"})
            assert prefix_option(conn) == old
            assert conn.execute(text(found)).scalars().all() == [1]
        _flask_db(scratch_database_url, "upgrade")
        with engine.begin() as conn:
            assert prefix_option(conn) == new
            if sqlite:
                for name in ("search_comments", "search_people", "search_groups", "search_files"):
                    assert new in conn.execute(text(options), {"name": name}).scalar_one()
            assert conn.execute(text(found)).scalars().all() == [1]
            conn.execute(text(post), {"id": 2, "body": "Autre réunion"})
        with engine.connect() as conn:
            assert conn.execute(text(found)).scalars().all() == [1, 2]
        _flask_db(scratch_database_url, "downgrade", "4d6e8f0a1b23")
        with engine.connect() as conn:
            assert prefix_option(conn) == old
            assert conn.execute(text(found)).scalars().all() == [1, 2]
    finally:
        engine.dispose()


def test_search_words_migration_collects_the_words_already_there(scratch_database_url):
    """5e7a9c1d3f46 (PostgreSQL): ``search_words`` is filled with every lexeme of the rows
    already there, its triggers add the words of rows written or edited after, and the
    downgrade drops the table and triggers (writes go on). SQLite has no such table
    before, after, or after the downgrade: FTS5 keeps its own prefix lists."""
    _flask_db(scratch_database_url, "upgrade", "9b3f5c7d1e24")
    engine = create_engine(scratch_database_url)
    postgresql = engine.dialect.name == "postgresql"

    def words(conn) -> set[str] | None:
        if not postgresql:
            found = "SELECT count(*) FROM sqlite_master WHERE name = 'search_words'"
            assert conn.execute(text(found)).scalar() == 0
            return None
        if conn.execute(text("SELECT to_regclass('search_words')")).scalar() is None:
            return None
        return set(conn.execute(text("SELECT word FROM search_words")).scalars())

    try:
        with engine.begin() as conn:
            conn.execute(text(_JULIE))
            conn.execute(text(_POST), {"id": 1, "body": "Réunion de rentrée"})
            assert words(conn) is None
        _flask_db(scratch_database_url, "upgrade")
        with engine.begin() as conn:
            before = words(conn)
            if postgresql:
                assert {"reunion", "de", "rentree", "julie", "moreau"} <= before
            conn.execute(text(_POST), {"id": 2, "body": "Nouvelle cafétéria"})
            conn.execute(text("UPDATE posts SET body = 'Réunion annulée' WHERE id = 1"))
        with engine.connect() as conn:
            if postgresql:
                assert {"nouvelle", "cafeteria", "annulee"} <= words(conn)
            else:
                assert words(conn) is None
        _flask_db(scratch_database_url, "downgrade", "9b3f5c7d1e24")
        with engine.begin() as conn:
            assert words(conn) is None
            conn.execute(text(_POST), {"id": 3, "body": "Encore une"})
            assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 3
    finally:
        engine.dispose()
