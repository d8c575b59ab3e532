"""The request's one unit of work: where pages and the API commit, and how they fail.

Services ``flush()`` and never commit; the request layer commits once, here, and events
queued by :mod:`socialnet.realtime.publisher` leave after that commit. A
:class:`~socialnet.errors.DomainError` maps to the same status everywhere: left to
propagate, it reaches :mod:`socialnet.http_errors` (rollback, then a JSON error under
/api/ or the error page); caught by :func:`attempt`, a page rolls back, flashes the
message and answers the form again with the error's status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import flash
from sqlalchemy import event as sa_event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.elements import TextClause

from .errors import DomainError
from .extensions import db
from .realtime.publisher import has_pending

_View = TypeVar("_View", bound=Callable[..., Any])
log = logging.getLogger(__name__)


def commit() -> None:
    """The one commit of a mutating request: services flushed, events go out after this."""
    db.session.commit()


class Outcome:
    """What became of an :func:`attempt`: ``failed`` and the ``error`` if it did."""

    error: DomainError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        """The status to answer with: the error's, or 200."""
        return self.error.status if self.error is not None else 200


@contextmanager
def attempt() -> Iterator[Outcome]:
    """Run a page's service calls as the request's unit of work.

    When the block ends, :func:`commit`. When it raises a ``DomainError``, roll back
    (nothing half-written), flash the error's message for the page that answers, and
    record the error on the yielded :class:`Outcome`; the caller then renders or redirects
    with ``outcome.status``. Any other exception propagates untouched.
    """
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        failed(error)
        outcome.error = error
        return
    commit()


def failed(error: DomainError) -> int:
    """Undo the request's changes, flash why for the page that answers, and return the
    status to answer with (for a page that catches a ``DomainError`` itself, as a read
    page refusing a filter does)."""
    db.session.rollback()
    flash(error.message, "error")
    return error.status


#: ``session.info``: the transaction wrote something (a flush, or a statement that is not
#: a SELECT); :func:`end_reading_transaction` then leaves it to the rollback.
_WROTE = "socialnet.transaction_wrote"


def end_reading_transaction(_exc: BaseException | None = None) -> None:
    """``teardown_request``: on a server database, a request that wrote nothing ends its
    transaction with ``COMMIT`` instead of the ``ROLLBACK`` of the session's close.

    psycopg drops every prepared statement of a connection at a ``ROLLBACK`` (and sends a
    ``DEALLOCATE ALL``), so each read request used to cost the next requests on that
    pooled connection their prepared statements: every statement parsed and planned
    again. A ``COMMIT`` of a transaction that wrote nothing has the same effect on the
    database. Not when the request failed, wrote (:data:`_WROTE`), has changes pending,
    or has events or after-commit actions queued: those are rolled back as before.
    """
    if _exc is not None or not db.session.registry.has():  # no session: nothing read
        return
    session = db.session()
    if (
        not session.is_active  # a failed flush swallowed: only a rollback ends it
        or not session.in_transaction()
        or session.get_bind().dialect.name == "sqlite"
        or session.info.get(_WROTE)
        or session.new
        or session.dirty
        or session.deleted
        or has_pending(session)
    ):
        return
    try:
        session.commit()
    except SQLAlchemyError:  # a dead connection: the answer is built, let the close end it
        log.warning("ending a read-only transaction failed", exc_info=True)
        session.rollback()


def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


def _note_statement(state: ORMExecuteState) -> None:
    """Anything but a SELECT is a write: DML, DDL, and text that does not start with
    SELECT (a ``WITH`` may hold an INSERT). A SELECT's side effects (an advisory lock,
    ``set_config(…, true)``) end with COMMIT as with ROLLBACK."""
    statement = state.statement
    if state.is_select or (
        isinstance(statement, TextClause) and statement.text.lstrip()[:6].upper() == "SELECT"
    ):
        return
    state.session.info[_WROTE] = True


def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def install(session_factory: Any) -> None:
    """Let :func:`end_reading_transaction` see what ``session_factory``'s sessions wrote."""
    if sa_event.contains(session_factory, "after_flush", _note_flush):
        return
    sa_event.listen(session_factory, "after_flush", _note_flush)
    sa_event.listen(session_factory, "do_orm_execute", _note_statement)
    sa_event.listen(session_factory, "after_transaction_end", _forget_writes)


def reads_only(view: _View) -> _View:
    """Mark a view that only reads: on a server database its request runs without a
    transaction (:func:`read_without_transaction`, called before the caller is looked
    up). For the hottest reads (the feed, a post, its comments; their pages).

    Contract: the view and the services it calls write nothing, and none of its reads
    needs a transaction: not for search, whose settings are ``set_config(…, true)``
    (``SET LOCAL``: without a transaction they would last one statement). What the
    request layer may write around it (a token's or a session's last use, the day's
    activity) is one statement each, which then commits on its own, as it would anyway.
    """
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def read_without_transaction() -> None:
    """Run the rest of this request's statements without ``BEGIN``/``ROLLBACK`` (a
    server database; SQLite's driver begins no transaction for reads anyway).

    Each read then takes its own snapshot, as under READ COMMITTED, PostgreSQL's default,
    it does anyway. Measured in-process on PostgreSQL (``GET /api/v1/feed``, 500
    interleaved requests): 3–6 % less CPU and a ~20 % lower p50 and ~30 % lower p99.
    A :func:`commit` in it ends that mode: the statements after it run in a transaction.
    """
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name == "sqlite":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@contextmanager
def read_only() -> Iterator[None]:
    """Run a block of reads without a database transaction (when none is open yet).

    On PostgreSQL a transaction costs two round trips of its own, ``BEGIN`` before the
    first statement and ``ROLLBACK`` when the connection goes back to the pool: in a
    block of two or three reads, as a socket connect is, most of its database time (under
    eventlet each round trip also waits its turn in the hub, holding a pooled
    connection). Each statement then reads its own snapshot, as it does under READ
    COMMITTED, PostgreSQL's default level, anyway; SQLite's driver begins no transaction
    for reads.

    Contract: the block only reads (a flush inside it would commit at once). When it
    ends, the session's transaction is ended (no round trip, nothing to undo), so what it
    loaded is expired: use it inside the block. In a transaction already begun, or with
    changes pending, the block simply reads within that transaction.
    """
    session = db.session()
    if session.in_transaction() or session.new or session.dirty or session.deleted:
        yield
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        yield
    finally:
        session.rollback()
