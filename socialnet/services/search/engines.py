"""The two engines behind search: how one table's rows match a query, and their score.

Each engine answers the same question for an :class:`~socialnet.models.search.Indexed`
table: the FROM clause to join, the condition "this row matches", and a score where
higher is more relevant. Everything else (visibility, filters, order, paging) is the same
SQL on both engines, in ``services/search/__init__.py``. A third engine (OpenSearch…)
would answer ids and scores from outside the database instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    Float,
    Integer,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    table,
)
from sqlalchemy.sql import Select

from ...models.search import PG_CONFIG, Indexed
from .query import ParsedQuery


@dataclass(frozen=True)
class Match:
    """How rows of one table match: join ``fts`` on ``fts_id`` (SQLite), keep ``where``,
    order by ``score`` (descending)."""

    where: ColumnElement[bool]
    score: ColumnElement[Any]
    fts: Any = None
    fts_id: ColumnElement[Any] | None = None

    def apply(self, stmt: Select, row_id: ColumnElement[Any]) -> Select:
        if self.fts is not None:
            stmt = stmt.join(self.fts, self.fts_id == row_id)
        return stmt.where(self.where)

    def newest_first(self, row_id: ColumnElement[Any]) -> ColumnElement[Any]:
        """The order "newest match first" in the form the engine serves cheaply: FTS5 walks
        its own rowids backwards and stops at the limit; PostgreSQL orders by the key."""
        return (self.fts_id if self.fts_id is not None else row_id).desc()


def match(dialect: str, indexed: Indexed, parsed: ParsedQuery) -> Match:
    """The :class:`Match` of ``parsed`` on ``indexed`` for database ``dialect``."""
    if dialect == "sqlite":
        fts = table(indexed.fts, column("rowid", Integer))
        name = literal_column(indexed.fts)
        expression = bindparam("fts", parsed.fts5(), unique=True)
        return Match(
            where=name.op("MATCH")(expression),
            # bm25() is lower for better matches; the first column (title, name) weighs double
            score=-func.bm25(name, 2.0, *([1.0] * (len(indexed.columns) - 1)), type_=Float),
            fts=fts,
            fts_id=fts.c.rowid,
        )
    vector = literal_column(indexed.pg_vector(qualified=True))
    tsquery = func.to_tsquery(
        literal_column(f"'{PG_CONFIG}'::regconfig"),
        bindparam("tsquery", parsed.tsquery(), unique=True),
    )
    return Match(
        where=vector.op("@@")(tsquery),
        # ts_rank is a real: as a double, its value survives a cursor's round trip exactly
        score=cast(func.ts_rank(vector, tsquery), Double()),
    )
