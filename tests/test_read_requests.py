"""Views that only read run without a transaction on a server database (issue #16).

``unit_of_work.reads_only`` marks them; on PostgreSQL their statements then run at
``AUTOCOMMIT`` (no ``BEGIN``/``ROLLBACK`` round trips), on SQLite nothing changes (its
driver begins no transaction for reads). What the request layer writes around them — a
token's last use — still lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import OperationalError

from socialnet import unit_of_work
from socialnet.extensions import db
from socialnet.models import ApiToken, Post
from socialnet.realtime.publisher import lock_event_log, publish
from socialnet.unit_of_work import reads_only

READING_VIEWS = {"api.get_feed", "api.get_post", "api.list_comments", "feed.home", "feed.post"}


@contextmanager
def isolation_levels() -> Iterator[list[str | None]]:
    """The isolation level each statement of the block ran at (None: the default)."""
    seen: list[str | None] = []

    def record(conn, _cursor, _statement, _params, _context, _many):
        seen.append(conn.get_execution_options().get("isolation_level"))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _server_database() -> bool:
    return db.engine.dialect.name != "sqlite"


def test_the_hottest_reads_are_marked_and_only_answer_reads(app):
    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "reads_only", False)
    }
    assert marked == READING_VIEWS  # seen through the rate limiter's wrapper too
    for rule in app.url_map.iter_rules():
        if rule.endpoint in marked:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_a_reading_view_runs_without_a_transaction_on_a_server_database(api, employee, make_post):
    post_id = make_post(employee, "read me").id
    client = api(employee)
    client.get("/api/v1/feed")  # the token's first use is written: not this test's subject
    expected = "AUTOCOMMIT" if _server_database() else None
    for url in ("/api/v1/feed", f"/api/v1/posts/{post_id}", f"/api/v1/posts/{post_id}/comments"):
        db.session.rollback()  # each request starts with no transaction, as in the server
        with isolation_levels() as levels:
            assert client.get(url).status_code == 200
        assert levels and set(levels) == {expected}, url
    db.session.rollback()
    with isolation_levels() as levels:  # a write is a transaction, as before
        assert client.post("/api/v1/posts", {"body": "a write"}).status_code == 201
    assert levels and "AUTOCOMMIT" not in levels


def test_the_home_page_and_a_post_page_read_without_a_transaction_too(
    signed_in, employee, make_post
):
    post_id = make_post(employee, "read me on the page").id
    client = signed_in(employee)
    assert client.get("/").status_code == 200  # the session's first use is written
    expected = "AUTOCOMMIT" if _server_database() else None
    for url in ("/", f"/posts/{post_id}"):
        db.session.rollback()
        with isolation_levels() as levels:
            page = client.get(url)
        assert page.status_code == 200 and b"read me on the page" in page.data
        assert levels and set(levels) == {expected}, url


def test_a_token_used_by_a_reading_view_still_records_its_use(api, employee):
    client = api(employee)
    token = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == employee.id)).one()
    token.last_used_at = None
    db.session.commit()
    db.session.rollback()
    assert client.get("/api/v1/feed").status_code == 200
    db.session.rollback()
    assert token.last_used_at is not None
    token.last_used_at -= timedelta(hours=2)  # due again: written again, the page still read
    stale = token.last_used_at
    db.session.commit()
    response = client.get("/api/v1/feed")
    assert response.status_code == 200 and "items" in response.get_json()
    db.session.rollback()
    assert token.last_used_at > stale


def test_reads_only_marks_the_view_it_is_given():
    def view():
        return "ok"

    assert reads_only(view) is view and view.reads_only is True


@contextmanager
def transaction_ends() -> Iterator[list[str]]:
    """How each database transaction of the block ended: "commit" or "rollback"."""
    ends: list[str] = []

    def commit(_conn):
        ends.append("commit")

    def rollback(_conn):
        ends.append("rollback")

    event.listen(db.engine, "commit", commit)
    event.listen(db.engine, "rollback", rollback)
    try:
        yield ends
    finally:
        event.remove(db.engine, "commit", commit)
        event.remove(db.engine, "rollback", rollback)


def test_a_request_that_wrote_nothing_commits_on_a_server_database(api, employee):
    """psycopg drops a connection's prepared statements at every ROLLBACK: a read that is
    not marked ``reads_only`` ends with COMMIT, which keeps them (same effect on data)."""
    client = api(employee)
    client.get("/api/v1/groups")  # the token's first use is written: not this test's subject
    db.session.rollback()
    with transaction_ends() as ends:
        assert client.get("/api/v1/groups").status_code == 200
        db.session.close()  # the request's session ends, as at the app context's teardown
    assert ends and set(ends) == ({"commit"} if _server_database() else {"rollback"})


def test_what_a_transaction_wrote_is_noted_and_forgotten_with_it(employee):
    session = db.session()
    session.rollback()
    employee.job_title = "Noted"
    assert not session.info.get(unit_of_work._WROTE)
    session.flush()
    assert session.info.get(unit_of_work._WROTE)  # a flush
    session.rollback()
    assert not session.info.get(unit_of_work._WROTE)
    session.scalar(select(ApiToken.id).limit(1))
    assert not session.info.get(unit_of_work._WROTE)  # a read
    session.execute(text("SELECT count(*) FROM api_tokens"))
    assert not session.info.get(unit_of_work._WROTE)  # text that is a SELECT
    session.execute(update(ApiToken).where(ApiToken.id < 0).values(name="x"))
    assert session.info.get(unit_of_work._WROTE)  # a statement that is not a SELECT
    session.rollback()
    session.execute(text("UPDATE api_tokens SET name = name WHERE id < 0"))
    assert session.info.get(unit_of_work._WROTE)  # text that is not
    session.commit()
    assert not session.info.get(unit_of_work._WROTE)


def test_a_request_that_wrote_queued_or_failed_is_rolled_back(app, employee, make_post):
    """Only a transaction that read is committed at the end of a request."""
    post_id = make_post(employee, "stays").id
    db.session.commit()
    cases = {
        "a flushed write": lambda: (
            setattr(db.session.get(Post, post_id), "body", "changed"),
            db.session.flush(),
        ),
        "a pending change": lambda: setattr(db.session.get(Post, post_id), "body", "changed"),
        "a queued event": lambda: (
            db.session.get(Post, post_id),
            publish("post.updated", {"id": post_id}, room="company"),
        ),
    }
    for name, act in cases.items():
        with app.test_request_context(), transaction_ends() as ends:
            act()
            unit_of_work.end_reading_transaction(None)
            assert "commit" not in ends, name
            db.session.rollback()
        assert db.session.get(Post, post_id).body == "stays", name
    with app.test_request_context(), transaction_ends() as ends:
        db.session.get(Post, post_id)
        unit_of_work.end_reading_transaction(RuntimeError("the view failed"))
        assert "commit" not in ends
        db.session.rollback()
    with app.test_request_context(), transaction_ends() as ends:
        db.session.get(Post, post_id)
        db.session.expire_all()
        db.session.scalar(select(Post.id).where(Post.id == post_id))
        unit_of_work.end_reading_transaction(None)
        assert ends == (["commit"] if _server_database() else [])


def test_a_search_counts_as_a_read_and_its_settings_end_with_it(api, employee, make_post):
    make_post(employee, "findable bravo words")
    client = api(employee)
    client.get("/api/v1/feed")  # the token's first use is written: not this test's subject
    db.session.rollback()
    with transaction_ends() as ends:
        found = client.get("/api/v1/search?q=bravo")
        db.session.close()
    assert found.status_code == 200 and found.get_json()["items"]
    assert ends and set(ends) == ({"commit"} if _server_database() else {"rollback"})
    if _server_database():  # set_config(…, true): gone with the transaction
        assert db.session.scalar(text("SELECT current_setting('plan_cache_mode')")) == "auto"


def test_a_failed_end_of_a_read_is_rolled_back_not_raised(app, employee, monkeypatch):
    with app.test_request_context():
        db.session.get(ApiToken, 1)
        session = db.session()

        tried = []

        def broken_commit():
            tried.append(True)
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

        monkeypatch.setattr(session, "commit", broken_commit)
        unit_of_work.end_reading_transaction(None)  # logged, not raised
        if _server_database():
            assert tried and not session.in_transaction()  # rolled back instead
        else:
            assert not tried  # SQLite's reads are left to the session's close


def test_publishing_from_an_autocommit_read_is_refused_on_a_server_database(app, employee):
    """A view marked reads_only that published would release the event lock with its own
    statement: events could commit out of id order. It fails loudly instead."""
    with app.test_request_context():
        db.session.rollback()
        unit_of_work.read_without_transaction()
        if _server_database():
            with pytest.raises(RuntimeError, match="AUTOCOMMIT"):
                lock_event_log()
        else:
            lock_event_log()  # SQLite serializes writers itself: no lock to take
        db.session.rollback()
