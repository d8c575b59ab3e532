"""Pooled connections are pinged only after sitting idle (``socialnet.db_pool``).

The mechanism is exercised on an engine of the suite's own database (SQLite, or
PostgreSQL in the PostgreSQL run); a connection "dies" by being closed behind the
pool's back, as a server restart or a dropped TCP connection leaves it.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from socialnet import create_app
from socialnet.db_pool import ping_idle_connections


@pytest.fixture
def engine(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    yield engine
    engine.dispose()


def _counting_pings(engine, monkeypatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def do_ping(dbapi_connection):
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", do_ping)
    return pings


def test_an_idle_connection_that_died_is_replaced_before_anyone_uses_it(engine, monkeypatch):
    ping_idle_connections(engine, idle_seconds=0.0)
    pings = _counting_pings(engine, monkeypatch)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        dead = connection.connection.dbapi_connection
    assert pings == []  # a new connection is not pinged: it has just answered
    dead.close()  # the server went away while it sat in the pool
    time.sleep(0.01)

    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        assert connection.connection.dbapi_connection is not dead
    assert pings == [1]  # the dead one, pinged and discarded; its replacement is new


def test_a_connection_used_a_moment_ago_is_not_pinged(engine, monkeypatch):
    ping_idle_connections(engine, idle_seconds=60.0)
    pings = _counting_pings(engine, monkeypatch)
    for _ in range(3):
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    assert pings == []  # three checkouts, no extra round trip


def test_the_app_pings_a_server_database_s_idle_connections_and_never_sqlite_s(tmp_path):
    """Wiring: engines are made lazily, so no server needs to answer here."""
    server = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none",
            "SOCKETIO_ASYNC_MODE": "threading",
            "DB_PING_IDLE_SECONDS": 5.0,
        }
    )
    embedded = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    from socialnet.extensions import db

    with server.app_context():
        assert len(db.engine.pool.dispatch.checkout) == 1
        assert not db.engine.pool._pre_ping
    with embedded.app_context():
        assert len(db.engine.pool.dispatch.checkout) == 0
        assert not db.engine.pool._pre_ping
