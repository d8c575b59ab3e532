"""Server-side control of open sockets (ending a user's connections)."""

from __future__ import annotations

from ..extensions import socketio

NAMESPACE = "/"


def disconnect_user_sockets(user_id: int) -> int:
    """Disconnect every socket of ``user_id`` held by this process; return how many.

    Each connection joins ``user:<id>`` on connect, so that room lists them.
    Sockets held by other processes also re-check the account on every message
    (see :mod:`socialnet.realtime.sockets`), so a stale one can do nothing.
    """
    server = socketio.server
    if server is None:
        return 0
    room = f"user:{user_id}"
    sids = [sid for sid, _eio in server.manager.get_participants(NAMESPACE, room)]
    for sid in sids:
        server.disconnect(sid, namespace=NAMESPACE)
    return len(sids)
