"""Server-side control of open sockets: moving them between rooms, ending them.

Each function acts on this process's sockets at once and, when a message
queue is configured, asks every other process to do the same with its own
sockets (a ``socialnet.presence`` JSON message on the queue's channel, applied
by each process's listener — :mod:`socialnet.realtime.queue`). Those messages
travel on the same channel, from the same process, as the events this process
emits afterwards, so a remote socket is moved into a room before the event
that room receives. Return values count this process's sockets only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..extensions import socketio
from .queue import current_manager

NAMESPACE = "/"


def disconnect_user_sockets(user_id: int) -> int:
    """Disconnect every socket of ``user_id``, on every process; return how many were here.

    Each connection joins ``user:<id>`` on connect, so that room lists them.
    Sockets also re-check the account on every message
    (see :mod:`socialnet.realtime.sockets`), so a stale one can do nothing.
    """
    return disconnect_room_sockets(f"user:{user_id}")


def disconnect_room_sockets(room: str) -> int:
    """Disconnect every socket in ``room``, on every process; return how many were here.

    Rooms ``user:<id>`` and ``token:<id>`` name the sockets of an account or of a token.
    """
    count = _disconnect_room(room)
    _broadcast("disconnect_room", room=room)
    return count


def enter_room_for_users(user_ids: list[int], room: str) -> None:
    """Put the open sockets of ``user_ids`` into ``room``, on every process."""
    _enter_room(user_ids, room)
    _broadcast("enter_room", user_ids=list(user_ids), room=room)


def leave_room_for_users(user_ids: list[int], room: str) -> None:
    """Take the open sockets of ``user_ids`` out of ``room`` at once, on every process."""
    _leave_room(user_ids, room)
    _broadcast("leave_room", user_ids=list(user_ids), room=room)


def keep_only_users_in_room(allowed_user_ids: set[int], room: str) -> int:
    """Remove from ``room`` every socket not owned by ``allowed_user_ids``, on every process;
    return how many were removed here.

    Used when a group turns private or secret: readers who joined its room as
    outsiders stop receiving its events immediately.
    """
    count = _keep_only(allowed_user_ids, room)
    _broadcast("keep_only", user_ids=sorted(allowed_user_ids), room=room)
    return count


def close_room_everywhere(room: str) -> None:
    """Empty ``room`` of every socket, on every process (python-socketio sends it on the queue)."""
    if socketio.server is not None:
        socketio.close_room(room, namespace=NAMESPACE)


# -- this process's sockets ------------------------------------------------


def _participants(room: str) -> list[str]:
    server = socketio.server
    if server is None:
        return []
    return [sid for sid, _eio in server.manager.get_participants(NAMESPACE, room)]


def _user_sids(user_id: int) -> list[str]:
    return _participants(f"user:{user_id}")


def _disconnect_room(room: str) -> int:
    sids = _participants(room)
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
    return len(sids)


def _enter_room(user_ids: Iterable[int], room: str) -> None:
    for user_id in user_ids:
        for sid in _user_sids(user_id):
            socketio.server.enter_room(sid, room, namespace=NAMESPACE)


def _leave_room(user_ids: Iterable[int], room: str) -> None:
    for user_id in user_ids:
        for sid in _user_sids(user_id):
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)


def _keep_only(allowed_user_ids: Iterable[int], room: str) -> int:
    allowed_sids = {sid for uid in allowed_user_ids for sid in _user_sids(uid)}
    evicted = [sid for sid in _participants(room) if sid not in allowed_sids]
    for sid in evicted:
        socketio.server.leave_room(sid, room, namespace=NAMESPACE)
    return len(evicted)


# -- other processes -------------------------------------------------------


def _broadcast(op: str, **args: Any) -> None:
    manager = current_manager()
    if manager is not None:
        manager.publish_control(op, **args)


_OPERATIONS: dict[str, Callable[..., Any]] = {
    "disconnect_room": lambda args: _disconnect_room(str(args["room"])),
    "enter_room": lambda args: _enter_room(_ids(args), str(args["room"])),
    "leave_room": lambda args: _leave_room(_ids(args), str(args["room"])),
    "keep_only": lambda args: _keep_only(_ids(args), str(args["room"])),
}


def _ids(args: dict[str, Any]) -> list[int]:
    return [int(user_id) for user_id in args.get("user_ids") or ()]


def apply_control(op: Any, args: dict[str, Any]) -> None:
    """Apply a presence operation published by another process to this process's sockets."""
    operation = _OPERATIONS.get(op)
    if operation is None:
        raise ValueError(f"unknown presence operation {op!r}")
    operation(args)
