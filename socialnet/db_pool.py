"""Pooled connections to a database server: checked before use only when they may be stale.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` on every checkout: one more round trip
to PostgreSQL for every request and every socket connect (~0.3 ms of the server's CPU
per connect under eventlet, a tenth of it). A connection that went back to the pool a
moment ago is alive in all but the rarest case, so only one that waited longer than
``SOCIALNET_DB_PING_IDLE`` seconds (default 10) is pinged; a dead one is replaced before
anyone uses it. What is left uncovered, a server that dies within that window, ends like
a query cut off mid-flight: the statement fails, SQLAlchemy sees the disconnect and
replaces every connection of the pool made before it.

SQLite needs none of this: its "server" is a file in the same process.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

#: ``record.info`` key: when the connection last went back to the pool (monotonic seconds).
_CHECKED_IN_AT = "socialnet_checked_in_at"


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection of ``engine`` at checkout when it sat unused in the pool
    for more than ``idle_seconds``; one that does not answer is closed and a new one opened
    in its place (the pool's ``DisconnectionError`` protocol; if that fails too, the error
    reaches the caller). A new connection is never pinged: it has just answered."""
    dialect = engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_CHECKED_IN_AT)
        if since is None or time.monotonic() - since <= idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: this connection is not to be trusted
            raise exc.DisconnectionError(f"idle connection did not answer: {error}") from error

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)
