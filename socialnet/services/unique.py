"""Writes whose uniqueness the database decides, answered as a 409 on both engines.

A check-then-insert races (two requests both see the name free) and, with SQL
``lower()``, disagreed between SQLite and PostgreSQL. Here the unique index on a
:mod:`~socialnet.text_keys` key decides:

- an insert is ``INSERT … ON CONFLICT (key) DO NOTHING RETURNING id``: a conflict
  writes nothing and leaves the transaction usable on both engines;
- a rename flushes and turns the unique violation of its key into :class:`Conflict`.
  The failed flush has rolled the transaction back; the request layer answers the
  error (and rolls back) anyway, so nothing is half-written.

No SAVEPOINT: with pysqlite, a SAVEPOINT that opens the transaction (no write before
it) is released as a COMMIT, so a later rollback would keep what it wrote.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from ..extensions import db

M = TypeVar("M")


def insert_unless_taken(model: type[M], values: dict[str, Any], key: list[str]) -> M | None:
    """Insert a ``model`` row of ``values``; None (nothing written) when ``key`` is taken.

    ``key`` names the columns of a unique index of ``model``'s table. ``values`` must
    hold the key columns themselves: ORM validators do not run on this INSERT.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=key)
    new_id = db.session.scalar(stmt.returning(model.id))  # type: ignore[attr-defined]
    return None if new_id is None else db.session.get(model, new_id)


def flush_unless_taken(key_column: str, conflict: Conflict) -> None:
    """Flush pending changes; a unique violation naming ``key_column`` raises ``conflict``.

    :raise Conflict: ``conflict``; the transaction is rolled back by then.
    """
    try:
        db.session.flush()
    except IntegrityError as exc:
        if key_column in str(exc.orig):
            raise conflict from exc
        raise
