"""Migration e3b4c5d6f7a8 (issue #17, pain points and feedback summaries): posts may be
pain points and feedback summaries, their tables come and go, and the search index keeps
working on SQLite (the CHECK is rewritten in place, ``posts`` is not rebuilt)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from tests.test_migrations import _flask_db, scratch_database_url  # noqa: F401  (fixture)

BEFORE = "5a1c3e7b9d20"
USER = (
    "INSERT INTO users (id, email, handle, display_name, password_hash, job_title,"
    " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
    " session_epoch, created_at) VALUES (1, 'j@x.example', 'julie', 'Julie Moreau', 'x',"
    " '', '', '', 'employee', TRUE, FALSE, FALSE, 0, CURRENT_TIMESTAMP)"
)
POST = (
    "INSERT INTO posts (id, author_id, kind, title, body, body_html, comments_enabled,"
    " comment_count, created_at) VALUES (:id, 1, :kind, 'Badge reader', 'Broken turnstile',"
    " '', TRUE, 0, CURRENT_TIMESTAMP)"
)
PAIN_POINT = (
    "INSERT INTO pain_points (post_id, site, department, status, updated_at)"
    " VALUES (:id, 'Lyon', '', :status, CURRENT_TIMESTAMP)"
)
FEEDBACK = (
    "INSERT INTO feedback_summaries (post_id, context, what_worked, what_did_not, lessons,"
    " next_steps) VALUES (6, '', '', '', 'Show early', '')"
)
VOTE = (
    "INSERT INTO pain_point_votes (post_id, user_id, created_at) VALUES (1, 1, CURRENT_TIMESTAMP)"
)


def test_pain_points_migration_up_and_down(scratch_database_url):  # noqa: F811
    _flask_db(scratch_database_url, "upgrade")
    engine = create_engine(scratch_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(USER))
            conn.execute(text(POST), {"id": 1, "kind": "pain_point"})
            conn.execute(text(PAIN_POINT), {"id": 1, "status": "new"})
            conn.execute(text(VOTE))
            conn.execute(text(POST), {"id": 6, "kind": "feedback"})
            conn.execute(text(FEEDBACK))
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(VOTE))  # one vote per person
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(POST), {"id": 2, "kind": "grievance"})
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(POST), {"id": 3, "kind": "pain_point"})
            conn.execute(text(PAIN_POINT), {"id": 3, "status": "closed"})
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                found = "SELECT rowid FROM search_posts WHERE search_posts MATCH 'turnstile'"
                assert conn.execute(text(found)).scalars().all() == [1, 6]
        _flask_db(scratch_database_url, "downgrade", BEFORE)
        tables = set(inspect(engine).get_table_names())
        gone = {"pain_points", "pain_point_votes", "pain_point_followers", "feedback_summaries"}
        assert not gone & tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 0
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(POST), {"id": 4, "kind": "pain_point"})
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(POST), {"id": 7, "kind": "feedback"})
        with engine.begin() as conn:
            conn.execute(text(POST), {"id": 5, "kind": "event"})
    finally:
        engine.dispose()
