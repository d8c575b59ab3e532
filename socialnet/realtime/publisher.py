"""Publish events after the transaction commits, never before.

:func:`publish` writes an :class:`~socialnet.models.Event` row in the current
transaction (so the event exists exactly when the change does) and queues the
emit on the session. An ``after_commit`` hook sends the queued events; a
rollback drops them. SAVEPOINTs are respected: releasing one sends nothing,
rolling one back drops only the events queued inside it. The request layer
owns the commit.

Event ids must grow in commit order for catch-up to have no gaps. SQLite has
a single writer so that holds by construction; on PostgreSQL each publishing
transaction takes a transaction-level advisory lock before writing its first
event, which serializes event-writing transactions until they commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from ..extensions import db, socketio
from ..jsoncodec import dumps_text, loads
from ..models import Event
from ..models._time import utcnow
from ..ops.metrics import EMIT_FAILURES, EVENTS_EMITTED

log = logging.getLogger(__name__)

_PENDING = "socialnet.pending_events"
_ACTIONS = "socialnet.after_commit_actions"
_LOCKED = "socialnet.event_lock_held"
_SAVEPOINTS = "socialnet.savepoint_marks"
EVENT_LOCK_KEY = 0x50C1A1  # arbitrary, constant advisory-lock key for the event log


@dataclass(frozen=True)
class OutgoingEvent:
    room: str
    payload: dict[str, Any]


def envelope(event_id: int, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": event_type, "id": event_id, "data": data}


def lock_event_log(session: Session | None = None) -> None:
    """Serialize this transaction with every other event-writing one until it ends.

    :func:`publish` calls it; call it yourself *before* reading state that the
    event will carry (e.g. reaction counts), so the state read includes every
    change committed before yours and no concurrent event can carry older figures.
    """
    session = session or db.session()
    if session.info.get(_LOCKED):
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOCK_KEY})
    session.info[_LOCKED] = True


def publish(
    event_type: str,
    data: dict[str, Any],
    *,
    room: str,
    post_id: int | None = None,
    group_id: int | None = None,
) -> int:
    """Record ``event_type`` for ``room`` and emit it once the transaction commits.

    ``data`` must already be the public JSON shape (serializers' output); it is
    round-tripped through JSON here so nothing unserializable is queued.
    Returns the event id.
    """
    session = db.session()
    lock_event_log(session)
    payload_text = dumps_text(data, sort_keys=False, strict=True)
    row = Event(
        type=event_type, room=room, post_id=post_id, group_id=group_id, payload=payload_text
    )
    session.add(row)
    session.flush()
    payload = envelope(row.id, event_type, loads(payload_text))
    session.info.setdefault(_PENDING, []).append(OutgoingEvent(room=room, payload=payload))
    return row.id


def publish_many(
    events: list[tuple[str, dict[str, Any], str, int | None, int | None]],
) -> list[int]:
    """:func:`publish` for many ``(event_type, data, room, post_id, group_id)`` at once.

    One multi-row INSERT … RETURNING instead of a flush per event (a
    notification to a whole company is thousands of events). Ids follow the
    order of ``events``. Returns them.
    """
    if not events:
        return []
    session = db.session()
    lock_event_log(session)
    now = utcnow()
    texts = [dumps_text(data, sort_keys=False, strict=True) for _t, data, _r, _p, _g in events]
    rows = [
        {
            "type": event_type,
            "room": room,
            "post_id": post_id,
            "group_id": group_id,
            "payload": payload_text,
            "created_at": now,
        }
        for (event_type, _d, room, post_id, group_id), payload_text in zip(
            events, texts, strict=True
        )
    ]
    ids = list(
        session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), rows)
    )
    pending = session.info.setdefault(_PENDING, [])
    for event_id, (event_type, _d, room, _p, _g), payload_text in zip(
        ids, events, texts, strict=True
    ):
        payload = envelope(event_id, event_type, loads(payload_text))
        pending.append(OutgoingEvent(room=room, payload=payload))
    return ids


def after_commit(action, *, before_emits: bool = False) -> None:
    """Run ``action()`` after the current transaction commits (dropped on rollback).

    For side effects other than room emits, e.g. disconnecting a deactivated
    user's sockets. Actions run after this transaction's emits (a removed member
    still hears ``member.left``) unless ``before_emits``: putting sockets into a
    room whose event this transaction publishes must happen first, or they miss it.
    """
    db.session().info.setdefault(_ACTIONS, []).append((before_emits, action))


def _clear(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_ACTIONS, None)
    session.info.pop(_LOCKED, None)
    session.info.pop(_SAVEPOINTS, None)


def _mark_savepoint(session: Session, transaction) -> None:
    """Remember how much was queued when a SAVEPOINT began, to undo it if it rolls back."""
    if transaction.nested:
        session.info.setdefault(_SAVEPOINTS, {})[transaction] = (
            len(session.info.get(_PENDING, ())),
            len(session.info.get(_ACTIONS, ())),
            session.info.get(_LOCKED, False),
        )


def _after_commit(session: Session) -> None:
    """SQLAlchemy also fires ``after_commit`` when a SAVEPOINT is released: not a commit."""
    if session.get_nested_transaction() is None:
        _flush_outbox(session)


def _after_rollback(session: Session) -> None:
    """A rolled-back SAVEPOINT drops only what was queued inside it; the transaction, all."""
    savepoint = session.get_nested_transaction()
    if savepoint is None:
        _clear(session)
        return
    mark = session.info.get(_SAVEPOINTS, {}).pop(savepoint, None)
    if mark is None:
        return
    pending_len, actions_len, locked = mark
    del session.info.get(_PENDING, [])[pending_len:]
    del session.info.get(_ACTIONS, [])[actions_len:]
    if not locked:  # PostgreSQL releases a lock taken inside a rolled-back savepoint
        session.info.pop(_LOCKED, None)


def _flush_outbox(session: Session) -> None:
    pending: list[OutgoingEvent] = session.info.pop(_PENDING, [])
    actions = session.info.pop(_ACTIONS, [])
    session.info.pop(_LOCKED, None)
    session.info.pop(_SAVEPOINTS, None)
    _run_actions([action for early, action in actions if early])
    for item in pending:
        try:
            socketio.emit(item.payload["type"], item.payload, to=item.room)
        except Exception:  # a broken transport must not undo a committed change
            EMIT_FAILURES.labels("error").inc()
            log.exception("emit of event %s failed", item.payload["id"])
        else:  # a failed publish to the message queue is counted by realtime.queue
            EVENTS_EMITTED.labels(item.payload["type"]).inc()
    _run_actions([action for early, action in actions if not early])


def _run_actions(actions) -> None:
    for action in actions:
        try:
            action()
        except Exception:
            log.exception("after-commit action failed")


def install(session_factory) -> None:
    """Attach the after-commit / after-rollback hooks to ``session_factory``'s sessions (once)."""
    if sa_event.contains(session_factory, "after_commit", _after_commit):
        return
    sa_event.listen(session_factory, "after_transaction_create", _mark_savepoint)
    sa_event.listen(session_factory, "after_commit", _after_commit)
    sa_event.listen(session_factory, "after_rollback", _after_rollback)
