"""The two engines behind search: how one table's rows match a query, and their score.

Each engine answers the same question for an :class:`~socialnet.models.search.Indexed`
table: the FROM clause to join, the condition "this row matches", and a score where
higher is more relevant. Everything else (visibility, filters, order, paging) is the same
SQL on both engines, in ``services/search/__init__.py``. A third engine (OpenSearch…)
would answer ids and scores from outside the database instead.
"""

from __future__ import annotations

import functools
import re
import time
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

from ...models.search import (
    PG_CONFIG,
    PG_VECTOR_COLUMN,
    PG_WORDS_COLUMN,
    PG_WORDS_TABLE,
    Indexed,
)
from .query import ParsedQuery

#: PostgreSQL: the newest this-many ids of a growing table (posts, comments, files) are
#: read row by row, newest first, before the GIN index is asked for older matches (see
#: :func:`match`'s ``window``).
RECENT_ROWS = 20_000
#: ... and at most this many, when the table's statistics say that a search's words are
#: too rare to fill its candidates from :data:`RECENT_ROWS` (see :func:`windows`).
MAX_RECENT_ROWS = 100_000
#: A single listed word's recent window holds this many times the rows its share says the
#: candidates need (up to :data:`MAX_RECENT_ROWS`). The walk stops at the limit, so a wide
#: window costs nothing while the newest rows hold the word as the table does; it is what
#: keeps a search off the older window (every match through the GIN index, then a sort:
#: 300–400 ms for a word in 10 % of 1M posts) when they hold it less: a burst of posts on
#: other subjects (7,000 of them took "bravo" from 32 to 405 ms with a 2× window), or a
#: reader who may see only part of the posts.
WINDOW_MARGIN = 8
#: The kinds of :class:`Window`, in the order the two windows are read.
WINDOWS = ("recent", "older")
#: PostgreSQL: a search expected to match at most this many rows of a table (see
#: :func:`expected_rows`) reads that table through its GIN index alone (``"index"``),
#: without walking a recent window first: the walk would find nothing.
SELECTIVE_ROWS = 5_000
#: The statistics come from a sample: a bound is trusted with this margin.
BOUND_MARGIN = 1.25
#: PostgreSQL: the word statistics of :func:`expected_rows` are read again after this many
#: seconds (``ANALYZE``, run by autovacuum, refreshes them as a table grows).
STATS_TTL = 600.0
#: A prefix shorter than this may begin many rare words that the statistics do not list:
#: its frequency is taken as unknown (not selective).
MIN_ESTIMATED_PREFIX = 3


def _no_index(row_id: ColumnElement[Any]) -> ColumnElement[Any]:
    """``+id``: the same value, but not a column the planner can walk an index of."""
    return UnaryExpression(row_id, operator=operators.custom_op("+"), type_=row_id.type)


@dataclass(frozen=True)
class Window:
    """Which rows of a growing table a PostgreSQL search reads (see :func:`match`):
    ``kind`` "recent", "older" or "index"; ``rows``, the recent window's size
    (:data:`RECENT_ROWS` when ``None``)."""

    kind: str
    rows: int | None = None

    @property
    def recent_rows(self) -> int:
        return self.rows if self.rows is not None else RECENT_ROWS


@dataclass(frozen=True)
class Match:
    """How rows of one table match: join ``fts`` on ``fts_id`` (SQLite), keep ``where``,
    order by ``score`` (descending). ``where`` may depend on the row id (a PostgreSQL
    window), hence :meth:`apply`."""

    where: ColumnElement[bool]
    score: ColumnElement[Any]
    fts: Any = None
    fts_id: ColumnElement[Any] | None = None
    window: Window | None = None
    recent_rows: ColumnElement[int] | None = None  # the window's size, a parameter

    def apply(self, stmt: Select, row_id: ColumnElement[Any]) -> Select:
        if self.fts is not None:
            stmt = stmt.join(self.fts, self.fts_id == row_id)
        if self.window is None or self.window.kind == "index":
            return stmt.where(self.where)
        newest = select(func.max(row_id)).correlate(None).scalar_subquery()
        boundary = newest - self.recent_rows
        if self.window.kind == "recent":
            return stmt.where(row_id > boundary, self.where)
        return stmt.where(_no_index(row_id) <= boundary, self.where)

    def newest_first(self, row_id: ColumnElement[Any]) -> ColumnElement[Any]:
        """The order "newest match first" in the form the engine serves cheaply: FTS5 walks
        its own rowids backwards and stops at the limit; PostgreSQL orders by the key (the
        older window sorts the GIN index's matches instead of walking the key)."""
        if self.window is not None and self.window.kind in ("older", "index"):
            return _no_index(row_id).desc()
        return (self.fts_id if self.fts_id is not None else row_id).desc()


def match(
    dialect: str, indexed: Indexed, parsed: ParsedQuery, window: Window | str | None = None
) -> Match:
    """The :class:`Match` of ``parsed`` on ``indexed`` for database ``dialect``.

    ``window`` (PostgreSQL; ignored by SQLite, whose FTS5 walks its rowids newest first; a
    :class:`Window` or its kind): ``"recent"`` matches only among the newest
    :data:`RECENT_ROWS` ids (or the window's ``rows``), checking each row's
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
    ``"index"``: every row through the GIN index and a sort, for a search that
    :func:`expected_rows` says is rare in the table (the walk would find nothing).
    """
    if dialect == "sqlite":
        fts = table(indexed.fts, column("rowid", Integer))
        name = literal_column(indexed.fts)
        expression = bindparam(FTS_PARAM, parsed.fts5())
        return Match(
            where=name.op("MATCH")(expression),
            score=_sqlite_score(indexed),
            fts=fts,
            fts_id=fts.c.rowid,
        )
    vector = literal_column(indexed.pg_vector(qualified=True))
    tsquery = _tsquery(parsed)
    if window is None:
        return Match(where=vector.op("@@")(tsquery), score=rank(vector, parsed))
    window = Window(window) if isinstance(window, str) else window
    if window.kind not in (*WINDOWS, "index"):
        raise ValueError(f"unknown window {window!r}")
    recent = window.kind == "recent"
    where = func.ts_match_vq(vector, tsquery) if recent else vector.op("@@")(tsquery)
    return Match(
        where=where,
        score=vector,
        window=window,
        recent_rows=bindparam(recent_rows_param(indexed), window.recent_rows, type_=Integer),
    )


#: The parameters holding a search's words: ``parsed.fts5()`` on SQLite (``MATCH``);
#: on PostgreSQL (``to_tsquery``) the words matched, prefixes spelled out where known
#: (:func:`spelled_prefixes`), and the words ranked, as typed (``ts_rank`` weighs ``a | b``
#: otherwise than ``a:*``: the order of results does not depend on the spelling). One name
#: each, wherever they appear: a statement built once (``search._page_statement``) reads
#: any query's words from them.
FTS_PARAM, TSQUERY_PARAM, RANK_TSQUERY_PARAM = "fts", "tsquery", "tsquery_rank"
#: PostgreSQL: a prefix beginning more words than this is left a prefix (a long list of
#: alternatives would cost the GIN index more than the bitmap it saves).
MAX_SPELLED_WORDS = 32


def recent_rows_param(indexed: Indexed) -> str:
    """The parameter holding the size of ``indexed``'s recent window (PostgreSQL)."""
    return f"recent_rows_{indexed.table}"


def words_params(
    session: Any, parsed: ParsedQuery, spelled: dict[str, list[str]] | None = None
) -> dict[str, str]:
    """The parameters that make a statement built for other words search for ``parsed``
    (PostgreSQL: its prefixes spelled as ``spelled`` says, by default
    :func:`spelled_prefixes`)."""
    if session.get_bind().dialect.name == "sqlite":
        return {FTS_PARAM: parsed.fts5()}
    if spelled is None:
        spelled = spelled_prefixes(session, parsed.prefixes)
    return {TSQUERY_PARAM: parsed.tsquery(spelled), RANK_TSQUERY_PARAM: parsed.tsquery()}


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def spelled_prefixes(session: Any, prefixes: list[str]) -> dict[str, list[str]]:
    """PostgreSQL (SQLite: ``{}``): ``{prefix: every word it begins}`` from
    ``search_words`` (every lexeme of every indexed row, kept by triggers in the writers'
    transactions), for the prefixes beginning at most :data:`MAX_SPELLED_WORDS` words, in
    one query. Only lowercase ASCII prefixes and words, which ``to_tsquery``'s
    ``unaccent`` and ``simple`` leave as they are, so that the words match exactly the
    lexemes the prefix would; any other prefix stays a prefix (found through the bitmap)."""
    wanted = [p for p in prefixes if _ASCII_WORD.fullmatch(p)]
    if not wanted or session.get_bind().dialect.name != "postgresql":
        return {}
    rows = session.execute(
        text(
            f"SELECT p.prefix, w.words FROM unnest(CAST(:prefixes AS text[])) AS p(prefix)"
            f" CROSS JOIN LATERAL (SELECT array_agg({PG_WORDS_COLUMN}) AS words FROM"
            f" (SELECT {PG_WORDS_COLUMN} FROM {PG_WORDS_TABLE}"
            f" WHERE {PG_WORDS_COLUMN} >= p.prefix"
            f" AND {PG_WORDS_COLUMN} < p.prefix || chr(1114111)"  # the highest code point
            f" ORDER BY {PG_WORDS_COLUMN} LIMIT :cap) AS found) AS w"
        ),
        {"prefixes": wanted, "cap": MAX_SPELLED_WORDS + 1},
    )
    spelled = {}
    for prefix, words in rows:
        words = words or []
        if len(words) <= MAX_SPELLED_WORDS and all(
            w.startswith(prefix) and _ASCII_WORD.fullmatch(w) for w in words
        ):
            spelled[prefix] = words or [prefix]  # no such word yet: nothing can match
    return spelled


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
    """Settings of the search's transaction (``set_config(…, true)``: ``SET LOCAL``, until
    the request's commit), in one statement. PostgreSQL: no parallel workers (a search
    reads at most a few thousand rows; starting workers cost 30–100 ms on a busy machine,
    and a parallel plan preferred reading a whole index of comments to the GIN index); no
    JIT compilation: a search's plan (five sources, two windows each, policy's subqueries)
    is estimated above ``jit_above_cost``, and compiling its 400-odd expressions took
    380 ms of a 444 ms search for "bravo" at 1M posts, more than the whole query costs to
    run without it; and a plan made for the query's own words every time
    (``force_custom_plan``): psycopg prepares a statement run five times on a connection,
    and PostgreSQL may then keep a generic plan, made without knowing the words, which
    read the rare word and the phrase of the bench 2–4× slower."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT set_config('jit', 'off', true),"
                " set_config('max_parallel_workers_per_gather', '0', true),"
                " set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
        )


def _tsquery(parsed: ParsedQuery) -> ColumnElement[Any]:
    return func.to_tsquery(
        literal_column(f"'{PG_CONFIG}'::regconfig"),
        bindparam(TSQUERY_PARAM, parsed.tsquery()),
    )


def rank(vector: ColumnElement[Any], parsed: ParsedQuery) -> ColumnElement[Any]:
    """PostgreSQL: the score of a row whose vector is ``vector``, for the words as typed."""
    typed = func.to_tsquery(
        literal_column(f"'{PG_CONFIG}'::regconfig"),
        bindparam(RANK_TSQUERY_PARAM, parsed.tsquery()),
    )
    # ts_rank is a real: as a double, its value survives a cursor's round trip exactly
    return cast(func.ts_rank(vector, typed), Double())


@dataclass(frozen=True)
class _WordStats:
    """What ``ANALYZE`` knows of one table's vectors: the frequent lexemes with the share of
    rows holding each, the share under which a lexeme is not listed, and the rows."""

    frequencies: dict[str, float]
    floor: float
    rows: float
    read_at: float


_WORD_STATS: dict[tuple[str, str], _WordStats] = {}


def _word_stats(session: Any, table_name: str) -> _WordStats:
    """The statistics of ``table_name``'s vectors (``pg_stats.most_common_elems``), read at
    most every :data:`STATS_TTL` seconds per process; for a table analysed without any
    word listed, its row count alone (so a small or empty table reads the index alone).
    They say nothing of who may read what: they only choose between two plans that answer
    the same rows."""
    key = (session.get_bind().url.render_as_string(), table_name)
    known = _WORD_STATS.get(key)
    now = time.monotonic()
    if known is not None and now - known.read_at < STATS_TTL:
        return known
    row = session.execute(
        text(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs,"
            " s.avg_width, coalesce(nullif(a.attstattarget, -1),"
            " current_setting('default_statistics_target')::int)"
            " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = :column"
            " LEFT JOIN pg_stats s ON s.schemaname = current_schema()"
            " AND s.tablename = c.relname AND s.attname = :column"
            " WHERE c.relname = :name AND c.relnamespace = current_schema()::regnamespace"
        ),
        {"name": table_name, "column": PG_VECTOR_COLUMN},
    ).first()
    if row is None or row[0] < 0:  # never analysed (nor vacuumed): unknown
        rows, frequencies, floor = -1.0, {}, 0.0
    elif row[1] is None:
        # Analysed, but no word listed (an empty table, or too few words): its size alone
        # bounds a search (every row may match, the floor being the whole table).
        rows, frequencies, floor = row[0], {}, 1.0
    else:
        rows, lexemes, shares, width, target = row
        # the shares of the listed words, then (unused) the lowest and the highest share
        frequencies = dict(zip(lexemes, shares, strict=False))
        floor = min(frequencies.values())
        if len(lexemes) < 10 * target:
            # Not every word above the floor made the list: ANALYZE (ts_typanalyze) lists
            # every word of the sample counted more than 9 · lexemes / bucket width, with
            # a bucket width of (10 · target + 10) · 1000 / 7, and a row's vector holds at
            # most width / 7 lexemes (a 4-byte entry, a letter, a 2-byte position).
            floor = min(floor, 9 * width / ((10 * target + 10) * 1000))
    stats = _WordStats(frequencies, floor, float(rows), now)
    _WORD_STATS[key] = stats
    return stats


def _share(stats: _WordStats, parsed: ParsedQuery) -> tuple[float, bool] | None:
    """At most which share of the rows ``parsed`` matches, and whether that bound is a
    listed word's (an estimate) rather than the floor (a bound only). See
    :func:`expected_rows`."""
    share, listed = 1.0, False
    terms = [(p, True) for p in parsed.prefixes] + [(w, False) for ws in parsed.phrases for w in ws]
    for term, is_prefix in terms:
        if is_prefix and len(term) < MIN_ESTIMATED_PREFIX:
            return None
        if is_prefix:
            found = sum(f for word, f in stats.frequencies.items() if word.startswith(term))
        else:
            found = stats.frequencies.get(term, 0.0)
        if min(found or stats.floor, 1.0) < share:
            share, listed = min(found or stats.floor, 1.0), bool(found)
    return share, listed


def expected_rows(session: Any, indexed: Indexed, parsed: ParsedQuery) -> float | None:
    """PostgreSQL: at most how many rows of ``indexed`` ``parsed`` is expected to match,
    from its words' shares in the table's statistics: a listed word its share, a prefix
    the sum of the listed words it begins, a word not listed the lowest listed share (no
    more, or it would be listed); a search's words must all be there, so the least
    frequent one bounds it (words are not independent: those of a phrase go together).
    ``None`` when unknown: a table never analysed, or a prefix shorter than
    :data:`MIN_ESTIMATED_PREFIX` letters (it may begin many unlisted words)."""
    stats = _word_stats(session, indexed.table)
    share = _share(stats, parsed) if stats.rows >= 0 else None
    return None if share is None else share[0] * stats.rows


def _bound(stats: _WordStats, parsed: ParsedQuery, spelled: dict[str, list[str]]) -> float | None:
    """At most which share of the rows all of ``parsed``'s words are in together: the least
    of its terms' bounds, a prefix's being the sum of the words it begins (``spelled``; a
    word not listed at most the floor), a phrase's its rarest word's. ``None``: no term
    bounded (a prefix not spelled may begin any number of unlisted words)."""
    bounds = [
        sum(stats.frequencies.get(word) or stats.floor for word in spelled[prefix])
        for prefix in parsed.prefixes
        if prefix in spelled
    ]
    bounds += [min(stats.frequencies.get(w) or stats.floor for w in ws) for ws in parsed.phrases]
    return min(bounds, default=None)


def windows(
    session: Any,
    indexed: Indexed,
    parsed: ParsedQuery,
    candidates: int,
    spelled: dict[str, list[str]] | None = None,
) -> tuple[Window, ...]:
    """PostgreSQL: the windows in which to look for the newest ``candidates`` matches of
    ``parsed`` in ``indexed``, read in order under one limit. A search expected to match
    at most :data:`SELECTIVE_ROWS` rows: the GIN index alone (walking recent rows would
    find next to nothing, and the index would be asked anyway). Otherwise the recent
    window, then the older rows. When the search is one listed word (or phrase), whose
    share is an estimate rather than a bound, the recent window is made large enough to
    hold :data:`WINDOW_MARGIN` times the candidates at that share (from :data:`RECENT_ROWS`
    up to :data:`MAX_RECENT_ROWS`: a word in 2.5 % of the rows would otherwise leave it
    short and send 25,000 rows through the index and a sort); when even twice the
    candidates would need more than :data:`MAX_RECENT_ROWS`, the index alone. Several
    words together: the index alone when even their bound (:func:`_bound`, from the words
    each prefix begins, ``spelled``) says the recent window cannot hold the candidates —
    the older rows would be read through the index anyway, and walking the recent ones
    first only adds to it (two common words seldom together, "bravo lobababa" at 1M posts:
    12 ms of 45). Every choice answers the same rows, in the same order."""
    rows = expected_rows(session, indexed, parsed)
    if rows is not None and rows <= SELECTIVE_ROWS:
        return (Window("index"),)
    stats = _word_stats(session, indexed.table)
    share = _share(stats, parsed) if rows is not None else None
    size = None
    single = len(parsed.prefixes) + len(parsed.phrases) == 1  # else the share is a bound
    if share is not None and share[1] and share[0] > 0 and single:
        if 2 * candidates / share[0] > MAX_RECENT_ROWS:  # no window we would walk holds enough
            return (Window("index"),)
        wanted = WINDOW_MARGIN * candidates / share[0]
        size = int(min(MAX_RECENT_ROWS, max(RECENT_ROWS, wanted)))
    elif share is not None and not single:
        bound = _bound(stats, parsed, spelled or {})
        if bound is not None and BOUND_MARGIN * bound * RECENT_ROWS < candidates:
            return (Window("index"),)
    return tuple(Window(kind, size) for kind in WINDOWS)
