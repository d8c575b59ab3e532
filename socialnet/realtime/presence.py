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
    return disconnect_room_sockets(f"user:{user_id}")


def disconnect_room_sockets(room: str) -> int:
    """Disconnect every socket in ``room`` held by this process; return how many.

    Rooms ``user:<id>`` and ``token:<id>`` name the sockets of an account or of a token.
    """
    server = socketio.server
    if server is None:
        return 0
    sids = [sid for sid, _eio in server.manager.get_participants(NAMESPACE, room)]
    for sid in sids:
        server.disconnect(sid, namespace=NAMESPACE)
    return len(sids)


def _user_sids(user_id: int) -> list[str]:
    server = socketio.server
    if server is None:
        return []
    return [sid for sid, _eio in server.manager.get_participants(NAMESPACE, f"user:{user_id}")]


def enter_room_for_users(user_ids: list[int], room: str) -> None:
    """Put the open sockets (on this process) of ``user_ids`` into ``room``."""
    for user_id in user_ids:
        for sid in _user_sids(user_id):
            socketio.server.enter_room(sid, room, namespace=NAMESPACE)


def leave_room_for_users(user_ids: list[int], room: str) -> None:
    """Take the open sockets (on this process) of ``user_ids`` out of ``room`` at once."""
    for user_id in user_ids:
        for sid in _user_sids(user_id):
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)


def keep_only_users_in_room(allowed_user_ids: set[int], room: str) -> int:
    """Remove from ``room`` every socket not owned by ``allowed_user_ids``; return how many.

    Used when a group turns private or secret: readers who joined its room as
    outsiders stop receiving its events immediately.
    """
    server = socketio.server
    if server is None:
        return 0
    allowed_sids = {sid for uid in allowed_user_ids for sid in _user_sids(uid)}
    evicted = [
        sid
        for sid, _eio in server.manager.get_participants(NAMESPACE, room)
        if sid not in allowed_sids
    ]
    for sid in evicted:
        server.leave_room(sid, room, namespace=NAMESPACE)
    return len(evicted)


def close_room_everywhere(room: str) -> None:
    """Empty ``room`` of every socket, on every process (through the message queue if any)."""
    if socketio.server is not None:
        socketio.close_room(room, namespace=NAMESPACE)
