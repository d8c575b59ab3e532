"""Migration d2a3b4c5e6f7 (circles): posts may be syntheses once upgraded, the search
index still follows posts, and the downgrade takes 'synthesis' back out and drops the
circle tables."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from tests.test_migrations import _flask_db, scratch_database_url  # noqa: F401  (fixture)

USER = (
    "INSERT INTO users (id, email, handle, display_name, password_hash, job_title,"
    " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
    " session_epoch, created_at) VALUES (1, 'j@x.example', 'julie', 'Julie Moreau', 'x',"
    " '', '', '', 'employee', TRUE, FALSE, FALSE, 0, CURRENT_TIMESTAMP)"
)
POST = (
    "INSERT INTO posts (id, author_id, kind, title, body, body_html, comments_enabled,"
    " comment_count, created_at) VALUES (:id, 1, :kind, 'Podcast', 'Twelve episodes',"
    " '', TRUE, 0, CURRENT_TIMESTAMP)"
)
CIRCLE_TABLES = {
    "circles",
    "circle_topics",
    "circle_topic_votes",
    "circle_sessions",
    "circle_attendances",
    "circle_syntheses",
}


def test_circles_migration_adds_the_synthesis_kind_and_downgrades(scratch_database_url):  # noqa: F811
    _flask_db(scratch_database_url, "upgrade", "d2a3b4c5e6f7")
    engine = create_engine(scratch_database_url)
    try:
        assert set(inspect(engine).get_table_names()) >= CIRCLE_TABLES
        with engine.begin() as conn:
            conn.execute(text(USER))
            conn.execute(text(POST), {"id": 1, "kind": "synthesis"})
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(POST), {"id": 2, "kind": "lesson"})
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                found = "SELECT rowid FROM search_posts WHERE search_posts MATCH 'episodes'"
                assert conn.execute(text(found)).scalars().all() == [1]
        _flask_db(scratch_database_url, "downgrade", "5a1c3e7b9d20")
        assert not CIRCLE_TABLES & set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 0
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(POST), {"id": 3, "kind": "synthesis"})
        with engine.begin() as conn:
            conn.execute(text(POST), {"id": 4, "kind": "event"})
    finally:
        engine.dispose()
