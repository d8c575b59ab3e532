"""SIGKILL in the middle of a burst of writes loses nothing that was acknowledged.

The real server (``python wsgi.py``, eventlet) takes posts and comments from
several threads; it is killed with SIGKILL mid-burst, restarted on the same
database, and every post and comment that got a 201 must be there with its body,
with no half-written row (a post without its author, a comment count that
disagrees with the comments). The engine is the one this pass of the suite runs
on: SQLite (WAL, the app's pragmas) by default, PostgreSQL (a scratch database)
when ``TEST_DATABASE_URL`` is set. Why this holds: docs/architecture.md, "Durability".
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.live_server import start_live_server

pytestmark = pytest.mark.e2e

PASSWORD = "kill -9 cannot lose this"
WORKERS = 6
ACKNOWLEDGED_BEFORE_KILL = 60
BURST_DEADLINE_SECONDS = 20


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """A fresh database on this pass's engine."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'durable.db'}"
        return
    name = f"socialnet_e2e_durability_{uuid.uuid4().hex[:8]}"
    admin = make_url(base).set(drivername="postgresql", database="postgres")
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Burst:
    """Threads posting (and commenting on ``target``) until told to stop or cut off."""

    def __init__(self, server, token: str, target: int) -> None:
        self.url, self.token, self.target = server.url, token, target
        self.posts: dict[int, str] = {}
        self.comments: dict[int, tuple[int, str]] = {}
        self.statuses: Counter[str] = Counter()
        self.cut_off = 0  # workers whose request was in flight when the server died
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._work, args=(n,)) for n in range(WORKERS)]

    def _work(self, worker: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        i = 0
        while not self.stop.is_set():
            body = f"durability {worker}-{i} {uuid.uuid4().hex}"
            commenting = i % 3 == 2
            path = f"/api/v1/posts/{self.target}/comments" if commenting else "/api/v1/posts"
            try:
                response = session.post(self.url + path, json={"body": body}, timeout=10)
            except requests.RequestException:
                with self.lock:
                    self.cut_off += 1
                return
            with self.lock:
                self.statuses[str(response.status_code)] += 1
                if response.status_code == 201:
                    made = response.json()
                    assert made["body"] == body
                    if commenting:
                        self.comments[made["id"]] = (self.target, body)
                    else:
                        self.posts[made["id"]] = body
            i += 1

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.posts) + len(self.comments)


def test_every_acknowledged_post_survives_sigkill(tmp_path, database_url):
    server = start_live_server(tmp_path, database_url=database_url)
    try:
        server.create_user("dura.ble@lumen.example", "Dura Ble", PASSWORD)
        token = server.token_for("dura.ble@lumen.example", PASSWORD)
        target = server.api("POST", "/api/v1/posts", token=token, json={"body": "Comment here"})
        assert target.status_code == 201, target.text
        burst = Burst(server, token, target.json()["id"])
        for thread in burst.threads:
            thread.start()
        deadline = time.monotonic() + BURST_DEADLINE_SECONDS
        while burst.acknowledged() < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.005)
        server.process.kill()  # SIGKILL: no handler, no atexit, no flush
        server.process.wait(timeout=10)
    finally:
        server.stop()
    for thread in burst.threads:
        thread.join(timeout=15)
    assert burst.acknowledged() >= 10, burst.statuses
    assert burst.cut_off >= 1, "the kill did not land in the middle of the burst"

    restarted = start_live_server(tmp_path, database_url=database_url, prepare=False)
    try:
        for post_id, body in burst.posts.items():
            response = restarted.api("GET", f"/api/v1/posts/{post_id}", token=token)
            assert response.status_code == 200, (post_id, response.text)
            assert response.json()["body"] == body
    finally:
        restarted.stop()
    _assert_stored_whole(database_url, burst)


def _assert_stored_whole(database_url: str, burst: Burst) -> None:
    """Every acknowledged row is stored as sent, and no row is half written."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            posts = dict(conn.execute(text("SELECT id, body FROM posts")).all())
            assert {i: posts.get(i) for i in burst.posts} == burst.posts
            comments = {
                row.id: (row.post_id, row.body)
                for row in conn.execute(text("SELECT id, post_id, body FROM comments"))
            }
            assert {i: comments.get(i) for i in burst.comments} == burst.comments
            orphans = conn.scalar(
                text(
                    "SELECT count(*) FROM posts p LEFT JOIN users u ON u.id = p.author_id"
                    " WHERE u.id IS NULL"
                )
            )
            assert orphans == 0
            miscounted = conn.execute(
                text(
                    "SELECT p.id, p.comment_count, count(c.id) FROM posts p"
                    " LEFT JOIN comments c ON c.post_id = p.id AND c.deleted_at IS NULL"
                    " AND c.moderation_state = 'published'"
                    " GROUP BY p.id, p.comment_count HAVING p.comment_count != count(c.id)"
                )
            ).all()
            assert miscounted == []
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
