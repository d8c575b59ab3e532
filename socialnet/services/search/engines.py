"""The two engines behind search: how one table's rows match a query, and their score.

Each engine answers the same question for an :class:`~socialnet.models.search.Indexed`
table: the FROM clause to join, the condition "this row matches", and a score where
higher is more relevant. Everything else (visibility, filters, order, paging) is the same
SQL on both engines, in ``services/search/__init__.py``. A third engine (OpenSearch…)
would answer ids and scores from outside the database instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    Float,
    Integer,
    UnaryExpression,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.sql import Select, operators

from ...models.search import PG_CONFIG, Indexed
from .query import ParsedQuery

#: PostgreSQL: the newest this-many ids of a growing table (posts, comments, files) are
#: read row by row, newest first, before the GIN index is asked for older matches (see
#: :func:`match`'s ``window``).
RECENT_ROWS = 20_000
#: The ``window`` values of :func:`match`.
WINDOWS = ("recent", "older")


def _no_index(row_id: ColumnElement[Any]) -> ColumnElement[Any]:
    """``+id``: the same value, but not a column the planner can walk an index of."""
    return UnaryExpression(row_id, operator=operators.custom_op("+"), type_=row_id.type)


@dataclass(frozen=True)
class Match:
    """How rows of one table match: join ``fts`` on ``fts_id`` (SQLite), keep ``where``,
    order by ``score`` (descending). ``where`` may depend on the row id (a PostgreSQL
    window), hence :meth:`apply`."""

    where: ColumnElement[bool]
    score: ColumnElement[Any]
    fts: Any = None
    fts_id: ColumnElement[Any] | None = None
    window: str | None = None

    def apply(self, stmt: Select, row_id: ColumnElement[Any]) -> Select:
        if self.fts is not None:
            stmt = stmt.join(self.fts, self.fts_id == row_id)
        if self.window is None:
            return stmt.where(self.where)
        boundary = select(func.max(row_id)).correlate(None).scalar_subquery() - RECENT_ROWS
        if self.window == "recent":
            return stmt.where(row_id > boundary, self.where)
        return stmt.where(_no_index(row_id) <= boundary, self.where)

    def newest_first(self, row_id: ColumnElement[Any]) -> ColumnElement[Any]:
        """The order "newest match first" in the form the engine serves cheaply: FTS5 walks
        its own rowids backwards and stops at the limit; PostgreSQL orders by the key (the
        older window sorts the GIN index's matches instead of walking the key)."""
        if self.window == "older":
            return _no_index(row_id).desc()
        return (self.fts_id if self.fts_id is not None else row_id).desc()


def match(dialect: str, indexed: Indexed, parsed: ParsedQuery, window: str | None = None) -> Match:
    """The :class:`Match` of ``parsed`` on ``indexed`` for database ``dialect``.

    ``window`` (PostgreSQL; ignored by SQLite, whose FTS5 walks its rowids newest first):
    ``"recent"`` matches only among the newest :data:`RECENT_ROWS` ids, checking each row's
    vector without the index (``ts_match_vq``, the function behind ``@@``), newest first;
    ``"older"`` only below them, through the GIN index and a sort (``+id``: no walk of the
    key). The planner's choice between walking the key and asking the GIN index rests on a
    guess of how many rows match, and a phrase or a prefix is guessed badly both ways
    (a phrase of common words: 19 rows guessed, 100,000 found and rechecked, 800 ms; a
    rare prefix guessed at 0.8 % of the comments: all 200,000 walked, 60 ms). The two
    windows, read in that order under one limit (``hits_query``), never depend on it: a
    common word fills the limit in the recent window, and the older one is not read; a
    rare one costs a walk of :data:`RECENT_ROWS` rows and an index lookup. Their scores
    are computed by :func:`rank` over the kept candidates only: ``score`` is the vector.
    """
    if dialect == "sqlite":
        fts = table(indexed.fts, column("rowid", Integer))
        name = literal_column(indexed.fts)
        expression = bindparam("fts", parsed.fts5(), unique=True)
        return Match(
            where=name.op("MATCH")(expression),
            score=_sqlite_score(indexed),
            fts=fts,
            fts_id=fts.c.rowid,
        )
    vector = literal_column(indexed.pg_vector(qualified=True))
    tsquery = _tsquery(parsed)
    if window is None:
        return Match(
            where=vector.op("@@")(tsquery),
            # ts_rank is a real: as a double, its value survives a cursor's round trip exactly
            score=cast(func.ts_rank(vector, tsquery), Double()),
        )
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    where = func.ts_match_vq(vector, tsquery) if window == "recent" else vector.op("@@")(tsquery)
    return Match(where=where, score=vector, window=window)


#: SQLite's score: a text of about this many characters has an average length (shorter
#: texts with as many matches score higher, longer ones lower).
TYPICAL_CHARS = 100.0
#: BM25's constants: ``K1`` how soon more matches stop adding, ``B`` how much length counts.
K1, B = 1.2, 0.75


@functools.cache
def _sqlite_score(indexed: Indexed) -> ColumnElement[Any]:
    """SQLite: BM25's per-row part, higher for better matches, without its inverse document
    frequency. Per column, ``n`` matches (phrase instances, counted from ``highlight()``,
    which marks each with one character) in a text of ``L`` characters score
    ``w · (1 − k / (n + k))`` with ``k = K1 · (1 − B + B · L / TYPICAL_CHARS)`` (that is
    ``w · n / (n + k)``, with ``n`` written once); the first column (title, name) weighs
    double. FTS5's ``bm25()`` ranks the same way *with* the frequency of each word, for
    which it counts every row holding each phrase on every search: 30 of 35 ms for a
    phrase of common words at 1M posts, against ~2 ms for this. Every candidate of a
    search holds every searched word, so the frequency only weighed words against each
    other in multi-word searches (PostgreSQL's ``ts_rank`` has no frequency either)."""
    terms = []
    for position, name in enumerate(indexed.columns):
        weight = 2.0 if position == 0 and len(indexed.columns) > 1 else 1.0
        length = f"length({indexed.fts}.{name})"
        matches = f"(length(highlight({indexed.fts}, {position}, char(1), '')) - {length})"
        k = f"({K1} * ({1 - B} + {B} * {length} / {TYPICAL_CHARS}))"
        terms.append(f"coalesce({weight} * (1.0 - {k} / ({matches} + {k})), 0.0)")
    # SQL text, built once per table: as an expression tree, building and hashing it
    # for SQLAlchemy's statement cache cost more than computing it.
    return literal_column("(" + " + ".join(terms) + ")", Float)


def prepare(session: Any) -> None:
    """Settings of the search's transaction (``SET LOCAL``: until the request's commit).
    PostgreSQL: no parallel workers (a search reads at most a few thousand rows; starting
    workers cost 30–100 ms on a busy machine, and a parallel plan preferred reading a whole
    index of comments to the GIN index), and no JIT compilation: a search's plan (five
    sources, two windows each, policy's subqueries) is estimated above
    ``jit_above_cost``, and compiling its 400-odd expressions took 380 ms of a 444 ms
    search for "bravo" at 1M posts, more than the whole query costs to run without it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _tsquery(parsed: ParsedQuery) -> ColumnElement[Any]:
    return func.to_tsquery(
        literal_column(f"'{PG_CONFIG}'::regconfig"),
        bindparam("tsquery", parsed.tsquery(), unique=True),
    )


def rank(vector: ColumnElement[Any], parsed: ParsedQuery) -> ColumnElement[Any]:
    """PostgreSQL: the score of a windowed candidate whose vector is ``vector``."""
    # ts_rank is a real: as a double, its value survives a cursor's round trip exactly
    return cast(func.ts_rank(vector, _tsquery(parsed)), Double())
