"""Publish events after the transaction commits, never before.

:func:`publish` queues an event on the session; a ``before_commit`` hook writes
every queued event as :class:`~socialnet.models.Event` rows in one INSERT, last
thing in the transaction (so the events exist exactly when the change does), and
an ``after_commit`` hook sends them; a rollback drops them. SAVEPOINTs are
respected: releasing one sends nothing, rolling one back drops only the events
queued inside it. The request layer owns the commit.

Event ids must grow in commit order for catch-up to have no gaps. SQLite has
a single writer so that holds by construction; on PostgreSQL the hook takes a
transaction-level advisory lock before writing the rows, which serializes
event-writing transactions from that INSERT until they commit. Writing the rows
last keeps that window short: a post's mentions, notifications and response are
built before the lock, so concurrent writers do not queue behind each other's
work. Code that must read state *serialized with* the event (counts an event
carries) takes the lock early with :func:`lock_event_log`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from ..extensions import db, socketio
from ..jsoncodec import dumps_text, loads
from ..models import Event, Group, Post, User
from ..models._time import utcnow
from ..ops.metrics import EMIT_FAILURES, EVENTS_EMITTED

log = logging.getLogger(__name__)

_PENDING = "socialnet.pending_events"  # QueuedEvent, written by the before_commit hook
_OUTBOX = "socialnet.event_outbox"  # OutgoingEvent, written, sent after the commit
_ACTIONS = "socialnet.after_commit_actions"
_LOCKED = "socialnet.event_lock_held"
_SAVEPOINTS = "socialnet.savepoint_marks"
_SUBJECTS_DELETED = "socialnet.event_subjects_deleted"
#: Deleting one of these may delete (by ON DELETE CASCADE) a post or group an event names.
_SUBJECT_OWNERS = (Post, Group, User)
EVENT_LOCK_KEY = 0x50C1A1  # arbitrary, constant advisory-lock key for the event log


@dataclass(frozen=True)
class QueuedEvent:
    type: str
    room: str
    post_id: int | None
    group_id: int | None
    payload_text: str


@dataclass(frozen=True)
class OutgoingEvent:
    room: str
    payload: dict[str, Any]


def envelope(event_id: int, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": event_type, "id": event_id, "data": data}


def lock_event_log(session: Session | None = None) -> None:
    """Serialize this transaction with every other event-writing one until it ends.

    The commit takes it before writing the events; call it yourself *before* reading
    state that the event will carry (e.g. reaction counts), so the state read includes
    every change committed before yours and no concurrent event can carry older
    figures. Take it before locking rows that others lock after taking it (the other
    order can deadlock on PostgreSQL).
    """
    session = session or db.session()
    if session.info.get(_LOCKED):
        return
    if session.get_bind().dialect.name == "postgresql":
        if session.connection().get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            # A view marked reads_only that publishes: the lock would end with its own
            # statement and events could commit out of id order (catch-up's gaps).
            raise RuntimeError("events are published from a transaction, not in AUTOCOMMIT")
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOCK_KEY})
    session.info[_LOCKED] = True


def publish(
    event_type: str,
    data: dict[str, Any],
    *,
    room: str,
    post_id: int | None = None,
    group_id: int | None = None,
) -> None:
    """Record ``event_type`` for ``room`` when the transaction commits, then emit it.

    ``data`` must already be the public JSON shape (serializers' output); it is
    encoded here, so nothing unserializable is queued and later changes to ``data``
    do not reach the event. The row (and its id) is written by the commit.
    """
    publish_many([(event_type, data, room, post_id, group_id)])


def publish_many(
    events: list[tuple[str, dict[str, Any], str, int | None, int | None]],
) -> None:
    """:func:`publish` for many ``(event_type, data, room, post_id, group_id)`` at once.

    Ids follow the order of ``events`` (and of earlier calls in the transaction).
    """
    if not events:
        return
    session = db.session()
    if not session.in_transaction():  # else a rollback would not fire and drop the queue
        session.begin()
    queued = session.info.setdefault(_PENDING, [])
    for event_type, data, room, post_id, group_id in events:
        payload_text = dumps_text(data, sort_keys=False, strict=True)
        queued.append(QueuedEvent(event_type, room, post_id, group_id, payload_text))


def _write_queued(session: Session) -> None:
    """``before_commit``: write the queued events in one INSERT … RETURNING, under the lock.

    The session is flushed first (an event may name a row added since its publish).
    """
    # A SAVEPOINT released: not a commit. (Committing the outer transaction itself while
    # a SAVEPOINT is open would land here too and lose the events: socialnet never does;
    # ``session.commit()`` commits the SAVEPOINTs first.)
    if session.get_nested_transaction() is not None:
        return
    queued: list[QueuedEvent] = session.info.pop(_PENDING, None) or []
    if not queued:
        return
    session.flush()
    if session.info.pop(_SUBJECTS_DELETED, False):
        queued = _about_existing_subjects(session, queued)
        if not queued:
            return
    lock_event_log(session)
    now = utcnow()
    rows = [
        {
            "type": item.type,
            "room": item.room,
            "post_id": item.post_id,
            "group_id": item.group_id,
            "payload": item.payload_text,
            "created_at": now,
        }
        for item in queued
    ]
    ids = session.scalars(
        insert(Event).returning(Event.id, sort_by_parameter_order=True), rows
    ).all()
    outbox = session.info.setdefault(_OUTBOX, [])
    for event_id, item in zip(ids, queued, strict=True):
        payload = envelope(event_id, item.type, loads(item.payload_text))
        outbox.append(OutgoingEvent(room=item.room, payload=payload))


def _about_existing_subjects(session: Session, queued: list[QueuedEvent]) -> list[QueuedEvent]:
    """The events whose post and group still exist: one about a post or group deleted
    later in the same transaction is dropped, as ON DELETE CASCADE would have dropped its
    row (and, with nothing emitted before the commit, nobody ever heard of it)."""
    post_ids = {item.post_id for item in queued if item.post_id is not None}
    group_ids = {item.group_id for item in queued if item.group_id is not None}
    posts = set(session.scalars(select(Post.id).where(Post.id.in_(post_ids)))) if post_ids else ()
    groups = (
        set(session.scalars(select(Group.id).where(Group.id.in_(group_ids)))) if group_ids else ()
    )
    kept = [
        item
        for item in queued
        if (item.post_id is None or item.post_id in posts)
        and (item.group_id is None or item.group_id in groups)
    ]
    if len(kept) < len(queued):
        log.info("%d events about deleted posts or groups dropped", len(queued) - len(kept))
    return kept


def _note_deleted_instance(session: Session, instance: object) -> None:
    if isinstance(instance, _SUBJECT_OWNERS):
        session.info[_SUBJECTS_DELETED] = True


def _note_delete_statement(state: ORMExecuteState) -> None:
    """``session.execute(delete(Post)…)`` (a DELETE sent as text or on a bare connection
    is not seen: events about what it deletes fail the commit's foreign keys)."""
    if not state.is_delete:
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, _SUBJECT_OWNERS):
        state.session.info[_SUBJECTS_DELETED] = True


def after_commit(action, *, before_emits: bool = False) -> None:
    """Run ``action()`` after the current transaction commits (dropped on rollback).

    For side effects other than room emits, e.g. disconnecting a deactivated
    user's sockets. Actions run after this transaction's emits (a removed member
    still hears ``member.left``) unless ``before_emits``: putting sockets into a
    room whose event this transaction publishes must happen first, or they miss it.
    """
    db.session().info.setdefault(_ACTIONS, []).append((before_emits, action))


def has_pending(session: Session) -> bool:
    """Events or after-commit actions are queued in ``session``'s transaction."""
    return bool(session.info.get(_PENDING) or session.info.get(_ACTIONS))


def _clear(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_SUBJECTS_DELETED, None)
    session.info.pop(_OUTBOX, None)
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
    if session.info.pop(_PENDING, None):  # published by a flush hook during the commit
        log.error("events published after the commit began were dropped")
    pending: list[OutgoingEvent] = session.info.pop(_OUTBOX, [])
    actions = session.info.pop(_ACTIONS, [])
    session.info.pop(_SUBJECTS_DELETED, None)
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
    sa_event.listen(session_factory, "before_commit", _write_queued)
    sa_event.listen(session_factory, "persistent_to_deleted", _note_deleted_instance)
    sa_event.listen(session_factory, "do_orm_execute", _note_delete_statement)
    sa_event.listen(session_factory, "after_commit", _after_commit)
    sa_event.listen(session_factory, "after_rollback", _after_rollback)
