"""Shared fixtures: the app on SQLite (or TEST_DATABASE_URL), personas, API and socket helpers.

Personas: ``admin``, ``cm`` (community manager), ``manager`` (with ``employee``
reporting to them) and ``fred``, the interloper, whose every attempt must fail.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import g, has_app_context
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from socialnet import create_app
from socialnet.built_once import forget_built
from socialnet.extensions import db, socketio
from socialnet.models import Group, GroupMembership, Post, User
from socialnet.models._time import set_clock
from socialnet.services.passwords import hash_password
from socialnet.services.posts import do_create_post
from socialnet.services.tokens import do_create_token

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


def _database_url(tmp_path_factory) -> str:
    """The suite's database: SQLite in this worker's temporary directory, or
    ``TEST_DATABASE_URL``. Under pytest-xdist each worker gets a database of its
    own on PostgreSQL too (``<name>_gw0``, …), created empty for this run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database need not survive a crash: commits skip the WAL flush.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "test-secret-key",
            "ALLOWED_EMAIL_DOMAINS": [],
            "RATE_LIMITS_ENABLED": False,  # tests/test_rate_limits.py turns them on
            "DEFAULT_LANGUAGE": "en",  # whatever SOCIALNET_DEFAULT_LANGUAGE says
        }
    )
    _fresh_g_per_request(app)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _fresh_g_per_request(app) -> None:
    """Give every HTTP request and socket event of a test a clean ``flask.g``.

    Tests hold an app context, and Flask reuses it for the requests they make, so
    ``g`` (where Flask-Login caches ``current_user`` and Flask-WTF the CSRF token)
    would otherwise carry one client's identity into another client's request.
    In production each request and socket event has its own app context.
    """

    def clear_g() -> None:
        if has_app_context():
            g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, clear_g)
    original = socketio._handle_event

    def handle_event(*args, **kwargs):
        clear_g()
        return original(*args, **kwargs)

    socketio._handle_event = handle_event


def _wipe() -> None:
    """Empty every table and restart every id sequence, as a fresh database would be.

    On PostgreSQL one round trip of ``DELETE``s (children first) and one ``setval`` over
    the schema's sequences: ~8 ms, where ``TRUNCATE … RESTART IDENTITY`` of the 84
    tables took ~300 ms (a new file per table), half the PostgreSQL run's time."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in tables)
        db.session.execute(text(f"{deletes}; {_RESTART_SEQUENCES}"))
    else:
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
    db.session.commit()


_RESTART_SEQUENCES = (
    "SELECT setval(c.oid, 1, false) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def _has_sqlite_sequence() -> bool:
    return bool(
        db.session.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
        ).first()
    )


@pytest.fixture(autouse=True)
def app_ctx(app) -> Iterator[None]:
    """Every test runs in an app context on an empty database, with default settings."""
    saved = dict(app.config)
    with app.app_context():
        yield
        db.session.rollback()
        _wipe()
        db.session.remove()
    app.config.clear()
    app.config.update(saved)


@pytest.fixture(autouse=True)
def _forget_built_after_monkeypatch(request) -> Iterator[None]:
    """A test that monkeypatches may have changed policy at run time: what was built while
    it ran (``socialnet.built_once``) is dropped after its patches are undone (this autouse
    fixture is set up before ``monkeypatch``, so it is torn down after it)."""
    yield
    if "monkeypatch" in request.fixturenames:
        forget_built()


@pytest.fixture
def midday() -> Iterator[datetime]:
    """The clock the code reads (``socialnet.models._time``) set to the last noon in the
    company's zone (Europe/Paris: at most a day back) and running on from there: a test
    about "today" gets the same day from the code and from itself at any wall-clock time,
    even when the run crosses midnight in Paris."""
    paris = datetime.now(ZoneInfo("Europe/Paris"))
    noon = paris.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon > paris:
        noon -= timedelta(days=1)
    with set_clock(noon):
        yield noon


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user() -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, role: str = "employee", **fields: Any) -> User:
        n = next(counter)
        name = name or f"Person {n}"
        handle = fields.pop("handle", None) or name.lower().replace(" ", ".")
        user = User(
            email=fields.pop("email", f"{handle}@lumen.example"),
            handle=handle,
            display_name=name,
            password_hash=_PASSWORD_HASH,
            role=role,
            department=fields.pop("department", "Engineering"),
            site=fields.pop("site", "Lyon"),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def admin(make_user) -> User:
    return make_user("Ada Admin", role="admin", department="IT")


@pytest.fixture
def cm(make_user) -> User:
    return make_user("Camille Community", role="community_manager", department="Communication")


@pytest.fixture
def manager(make_user) -> User:
    return make_user("Marc Manager", role="manager", job_title="Head of Production")


@pytest.fixture
def employee(make_user, manager) -> User:
    return make_user("Emma Employee", manager_id=manager.id, job_title="Operator")


@pytest.fixture
def fred(make_user) -> User:
    """The interloper."""
    return make_user("Fred Interloper", department="Sales", site="Paris")


@pytest.fixture
def make_group(make_user) -> Callable[..., Group]:
    def make(
        name: str = "Formation", visibility: str = "public", members: tuple[User, ...] = ()
    ) -> Group:
        group = Group(name=name, visibility=visibility)
        db.session.add(group)
        db.session.flush()
        db.session.add_all(GroupMembership(group_id=group.id, user_id=m.id) for m in members)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_post() -> Callable[..., Post]:
    def make(author: User, body: str = "Hello colleagues", group: Group | None = None) -> Post:
        post = do_create_post(author, {"body": body, "group_id": group.id if group else None})
        db.session.commit()
        return post

    return make


@dataclass
class ApiClient:
    """JSON calls as one user, with a personal bearer token."""

    client: Any
    token: str | None

    def _headers(self, headers: dict | None) -> dict:
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        return merged

    def call(
        self, method: str, path: str, json_body: Any = None, headers: dict | None = None, **kw
    ):
        if json_body is not None:
            kw["json"] = json_body
        return self.client.open(path, method=method, headers=self._headers(headers), **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.call("POST", path, json_body, **kw)

    def put(self, path, json_body=None, **kw):
        return self.call("PUT", path, json_body, **kw)

    def patch(self, path, json_body=None, **kw):
        return self.call("PATCH", path, json_body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api(app) -> Callable[[User | None], ApiClient]:
    """``api(user)``: a client calling as ``user`` with a fresh token; ``api(None)``: anonymous."""

    def make(user: User | None) -> ApiClient:
        if user is None:
            return ApiClient(app.test_client(), None)
        _token, secret = do_create_token(user, {"name": "tests"})
        db.session.commit()
        return ApiClient(app.test_client(), secret)

    return make


@pytest.fixture
def token_for() -> Callable[[User], str]:
    def make(user: User) -> str:
        _token, secret = do_create_token(user, {"name": "socket"})
        db.session.commit()
        return secret

    return make


@dataclass
class Auth:
    """Cookie sessions, as the web page has them."""

    app: Any

    def login(self, user: User, client=None):
        client = client or self.app.test_client()
        response = client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.get_json()
        client.csrf_token = response.get_json()["csrf_token"]
        return client


@pytest.fixture
def auth(app) -> Auth:
    return Auth(app)


@pytest.fixture
def socket_for(app, token_for):
    """``socket_for(user, **auth)`` → a connected Flask-SocketIO test client (token auth)."""
    opened = []

    def make(user: User | None, *, token: str | None = None, **extra_auth):
        auth_payload = dict(extra_auth)
        if user is not None or token is not None:
            auth_payload["token"] = token or token_for(user)
        sock = socketio.test_client(app, auth=auth_payload)
        opened.append(sock)
        return sock

    yield make
    for sock in opened:
        if sock.is_connected():
            sock.disconnect()


@dataclass
class CapturedEvent:
    room: str
    type: str
    payload: dict


@dataclass
class EventCapture:
    events: list[CapturedEvent] = field(default_factory=list)

    def of_type(self, event_type: str) -> list[CapturedEvent]:
        return [e for e in self.events if e.type == event_type]

    def rooms(self, event_type: str) -> set[str]:
        return {e.room for e in self.of_type(event_type)}


@pytest.fixture
def capture_events(monkeypatch) -> EventCapture:
    """Record every emit after commit as (room, type, payload), round-tripped through JSON."""
    capture = EventCapture()
    real_emit = socketio.emit

    def recording_emit(event, payload, to=None, **kw):
        capture.events.append(
            CapturedEvent(room=to, type=event, payload=json.loads(json.dumps(payload)))
        )
        return real_emit(event, payload, to=to, **kw)

    monkeypatch.setattr(socketio, "emit", recording_emit)
    return capture


def received_events(sock, event_type: str | None = None) -> list[dict]:
    """Payloads a socket test client received, except the connect-time ``catchup``."""
    out = []
    for packet in sock.get_received():
        if packet["name"] == "catchup":
            continue
        if event_type is None or packet["name"] == event_type:
            out.append(packet["args"][0])
    return out


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a test client signed in through the sign-in form, with ``.csrf``."""
    from tests.web import csrf_from

    def make(user: User):
        client = app.test_client()
        token = csrf_from(client.get("/sign-in"))
        response = client.post(
            "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        client.csrf = token
        return client

    return make


@pytest.fixture
def watch(api, cm):
    """``watch(pattern, action, regex=False)``: a watched word added through the API."""
    client = api(cm)

    def add(pattern: str, action: str, regex: bool = False) -> dict:
        response = client.post(
            "/api/v1/moderation/watched-words",
            {"pattern": pattern, "action": action, "regex": regex},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return add
