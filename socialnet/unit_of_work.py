"""The request's one unit of work: where pages and the API commit, and how they fail.

Services ``flush()`` and never commit; the request layer commits once, here, and events
queued by :mod:`socialnet.realtime.publisher` leave after that commit. A
:class:`~socialnet.errors.DomainError` maps to the same status everywhere: left to
propagate, it reaches :mod:`socialnet.http_errors` (rollback, then a JSON error under
/api/ or the error page); caught by :func:`attempt`, a page rolls back, flashes the
message and answers the form again with the error's status.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash

from .errors import DomainError
from .extensions import db


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
