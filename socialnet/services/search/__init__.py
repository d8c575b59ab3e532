"""One search over posts (every kind), comments, people, groups and topics.

Words are found by the database's full-text index (``models/search.py``: FTS5 on SQLite,
tsvector/GIN on PostgreSQL; ``engines.py`` hides the difference); *who may see a hit* is
decided in the same query by :mod:`socialnet.policy` (``visible_posts_filter``,
``visible_comments_filter``, ``visible_groups_filter``), exactly as for the feed. The
index holds words only, so a deletion, a hiding, a group turned secret or a member removed
takes effect on the next query with nothing to update; a new or edited post is indexed by
the database in its own transaction.

Results are ranked by relevance, then newest first, and paged with signed keyset cursors
bound to the query and its filters. Each carries an HTML-safe ``snippet`` (matched words in
``<mark>``) and ``object``, the dict the rest of the API answers for that thing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from ... import policy
from ...built_once import built_once
from ...errors import ValidationFailed
from ...extensions import db
from ...limits import MAX_ID
from ...models import Comment, Group, Post, User
from ...models.search import COMMENTS, FILES, GROUPS, PEOPLE, POSTS
from ...pagination import decode_cursor, encode_cursor
from ...serializers import comment_dict, user_private, user_profile
from ...text_keys import escape_like, fold
from ..feed import serialize_posts_for
from ..files import files_for_comments
from ..groups import describe_many
from ..validation import check_filter_text, parse_date, parse_flag
from .conditions import SearchFilters, day_range, post_conditions
from .engines import (
    Window,
    match,
    prepare,
    rank,
    recent_rows_param,
    spelled_prefixes,
    windows,
    words_params,
)
from .files import file_hits, files_source
from .query import MAX_QUERY_LENGTH, WORD, ParsedQuery, parse_query, snippet

__all__ = [
    "MAX_QUERY_LENGTH",
    "TYPES",
    "SearchFilters",
    "hits_query",
    "parse_filters",
    "search",
    "suggest",
]

#: ``type`` values: ``all`` is posts, comments, people, groups and files ranked together.
TYPES = ("all", "posts", "comments", "people", "groups", "files", "topics")
#: Type-ahead answers at most this many of each kind.
SUGGEST_LIMIT = 8
#: Relevance is judged among the newest this-many matches of each kind that the person
#: may see: every match of a rare word, the latest thousand of a common one (which is what
#: keeps a search for "bravo" in a million posts as fast as one for a rare word).
CANDIDATES = 1000


def _sources(filters: SearchFilters) -> tuple[str, ...]:
    if filters.type != "all":
        return (filters.type,)
    if filters.unanswered:
        return ("posts",)
    return ("posts", "comments", "files") if filters.narrows_content else _SOURCE_NAMES


def _id_arg(raw: str | None, name: str) -> int | None:
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise ValidationFailed(
            _("%(name)s must be a positive integer id.", name=name), fields={name: "not_id"}
        )
    return int(raw)


def parse_filters(args: Mapping[str, str | None]) -> SearchFilters:
    """Read the filters from query-string ``args``. :raise ValidationFailed: any is bad."""
    kind = args.get("type") or "all"
    if kind not in TYPES:
        raise ValidationFailed(
            _("type must be one of: %(values)s.", values=", ".join(TYPES)),
            fields={"type": "invalid"},
        )
    topic = check_filter_text(args.get("topic"), "topic", max_len=100)
    topic = fold(topic.lstrip("#")) if topic else None
    filters = SearchFilters(
        type=kind,
        group_id=_id_arg(args.get("group_id"), "group_id"),
        author_id=_id_arg(args.get("author_id"), "author_id"),
        topic=topic or None,
        date_from=parse_date(args.get("from"), "from"),
        date_to=parse_date(args.get("to"), "to"),
        unanswered=parse_flag(args.get("unanswered"), "unanswered"),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed(_("'from' must not be after 'to'."), fields={"from": "after_to"})
    return filters


# --- the sources: one SELECT (type, id, score) per kind of result ---------------------------


def _unanswered() -> ColumnElement[bool]:
    """Questions without a best answer. The ``best_answer_id`` column comes with the
    question post kind; until then no post is a question, and this matches nothing."""
    condition = Post.kind == "question"
    best_answer = getattr(Post, "best_answer_id", None)
    return and_(condition, best_answer.is_(None)) if best_answer is not None else condition


def _posts(user: User, parsed: ParsedQuery, filters: SearchFilters, dialect: str, window=None):
    found = match(dialect, POSTS, parsed, window)
    conditions = post_conditions(user, filters) + day_range(Post.created_at, filters)
    if filters.author_id:
        conditions.append(Post.author_id == filters.author_id)
    if filters.unanswered:
        conditions.append(_unanswered())
    if filters.questions_only:
        conditions.append(Post.kind == "question")
    stmt = select(literal("post").label("type"), Post.id.label("id"), found.score.label("score"))
    stmt = found.apply(stmt.select_from(Post), Post.id).where(*conditions)
    return stmt.order_by(found.newest_first(Post.id))


def _comments(user: User, parsed: ParsedQuery, filters: SearchFilters, dialect: str, window=None):
    found = match(dialect, COMMENTS, parsed, window)
    conditions = [policy.visible_comments_filter(user), *post_conditions(user, filters)]
    conditions += day_range(Comment.created_at, filters)
    if filters.author_id:
        conditions.append(Comment.author_id == filters.author_id)
    if filters.unanswered:  # only questions are unanswered; comments are answers
        conditions.append(Comment.id.is_(None))
    stmt = select(
        literal("comment").label("type"), Comment.id.label("id"), found.score.label("score")
    ).select_from(Comment)
    stmt = found.apply(stmt, Comment.id).join(Post, Post.id == Comment.post_id)
    return stmt.where(*conditions).order_by(found.newest_first(Comment.id))


def _people(user: User, parsed: ParsedQuery, _filters: SearchFilters, dialect: str):
    """Active colleagues ``user`` may see, as the directory lists them."""
    found = match(dialect, PEOPLE, parsed)
    stmt = select(literal("person").label("type"), User.id.label("id"), found.score.label("score"))
    stmt = found.apply(stmt.select_from(User), User.id)
    stmt = stmt.where(
        User.active.is_(True), User.deleted_at.is_(None), policy.visible_people_filter(user)
    )
    return stmt.order_by(found.newest_first(User.id))


def _groups(user: User, parsed: ParsedQuery, _filters: SearchFilters, dialect: str):
    found = match(dialect, GROUPS, parsed)
    stmt = select(literal("group").label("type"), Group.id.label("id"), found.score.label("score"))
    stmt = found.apply(stmt.select_from(Group), Group.id).where(policy.visible_groups_filter(user))
    return stmt.order_by(found.newest_first(Group.id))


_SOURCES = {
    "posts": _posts,
    "comments": _comments,
    "people": _people,
    "groups": _groups,
    "files": files_source,
}
_SOURCE_NAMES = tuple(_SOURCES)
#: The index each growing source reads (PostgreSQL's choice of windows looks at its words).
_INDEXED = {_posts: POSTS, _comments: COMMENTS, files_source: FILES}


# --- search ----------------------------------------------------------------------------------


def _scope(parsed: ParsedQuery, filters: SearchFilters) -> str:
    """The cursor scope: a digest of the query and filters (a cursor is for one search)."""
    key = json.dumps([parsed.text, asdict(filters)], default=str, sort_keys=True)
    return "search:" + hashlib.sha256(key.encode()).hexdigest()[:24]


def _is_search_key(key: Any) -> bool:
    return (
        isinstance(key, list)
        and len(key) == 3
        and isinstance(key[0], int | float)
        and not isinstance(key[0], bool)
        and isinstance(key[1], int)
        and not isinstance(key[1], bool)
        and isinstance(key[2], str)
    )


def hits_query(
    user: User | policy.BoundViewer,
    parsed: ParsedQuery,
    filters: SearchFilters,
    windows_of: Mapping[str, tuple[Window, ...]] | None = None,
    candidates: int | None = None,
):
    """``SELECT type, id, score`` of the rows ``user`` may see matching ``parsed`` — of each
    kind, the newest ``candidates`` (:data:`CANDIDATES`) — : the engine's index finds the
    words, policy's filters are conditions on its hits. PostgreSQL reads each growing
    source in the windows ``windows_of`` names (by default :func:`source_windows`)."""
    dialect = db.engine.dialect.name
    candidates = CANDIDATES if candidates is None else candidates
    if windows_of is None:
        windows_of = source_windows(parsed, filters, dialect, candidates)
    arms = []
    for name in _sources(filters):
        source = _SOURCES[name]
        if name in windows_of:
            arms.append(_windowed(source, user, parsed, filters, windows_of[name], candidates))
            continue
        arm = source(user, parsed, filters, dialect).limit(candidates).subquery()
        arms.append(select(arm.c.type, arm.c.id, arm.c.score))
    return union_all(*arms) if len(arms) > 1 else arms[0]


#: Sources whose tables grow with use: on PostgreSQL they are read in two windows.
_GROWING = ("posts", "comments", "files")


def source_windows(
    parsed: ParsedQuery,
    filters: SearchFilters,
    dialect: str,
    candidates: int,
    spelled: Mapping[str, list[str]] | None = None,
) -> dict[str, tuple[Window, ...]]:
    """PostgreSQL: the windows each growing source of the search is read in
    (``engines.windows``, from the table's statistics and the words each prefix begins,
    ``spelled``); SQLite: none."""
    if dialect != "postgresql":
        return {}
    return {
        name: windows(db.session, _INDEXED[_SOURCES[name]], parsed, candidates, spelled)
        for name in _sources(filters)
        if name in _GROWING
    }


def _windowed(
    source,
    user: User | policy.BoundViewer,
    parsed: ParsedQuery,
    filters: SearchFilters,
    chosen: tuple[Window, ...],
    candidates: int,
):
    """PostgreSQL: the newest :data:`CANDIDATES` matches of ``source``, taken from its
    recent window, then (only when that window holds fewer) from the older rows through the
    GIN index (``engines.match``'s ``window``): the same rows as one query ordered by id,
    whatever the planner guesses of the query's frequency. The table's statistics size the
    recent window, or skip it for a query they say is rare there (``engines.windows``).
    Ranked (``ts_rank``) over those candidates only."""
    parts = []
    for window in chosen:
        part = source(user, parsed, filters, "postgresql", window).limit(candidates).subquery()
        parts.append(select(part.c.type, part.c.id, part.c.score))
    # UNION ALL is read in order (no parallel append: engines.prepare) and stops at the
    # limit: the older window is not read when the recent one fills it.
    kept = (union_all(*parts) if len(parts) > 1 else parts[0]).limit(candidates).subquery()
    return select(kept.c.type, kept.c.id, rank(kept.c.score, parsed).label("score"))


def search(
    user: User, raw_query: str | None, filters: SearchFilters, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of what ``user`` may see matching ``raw_query``: ``[{"type", "id",
    "snippet", "object"}]`` by relevance (then newest first), and the next page's cursor.

    :raise ValidationFailed: a bad query (empty, too long, nothing to look for) or cursor.
    """
    parsed = parse_query(raw_query)
    prepare(db.session)
    if filters.type == "topics":
        return _topic_page(user, parsed, cursor, limit)
    scope = _scope(parsed, filters)
    after = decode_cursor(scope, cursor, valid_key=_is_search_key)
    dialect = db.engine.dialect.name
    spelled = spelled_prefixes(db.session, parsed.prefixes)
    chosen = source_windows(parsed, filters, dialect, CANDIDATES, spelled)
    kinds = tuple((name, tuple(w.kind for w in ws)) for name, ws in chosen.items())
    viewer = policy.bound_viewer(user)
    stmt = _page_statement(viewer, filters, kinds, after is not None, CANDIDATES, dialect)
    params: dict[str, Any] = {**policy.viewer_params(user)}
    params.update(words_params(db.session, parsed, spelled))
    params["limit"] = limit + 1
    for name, ws in chosen.items():
        params[recent_rows_param(_INDEXED[_SOURCES[name]])] = ws[0].recent_rows
    if after is not None:
        params["after_score"], params["after_id"], params["after_type"] = after
    rows = db.session.execute(stmt, params).all()
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(scope, [float(last.score), last.id, last.type])
    return _items(user, parsed, [(r.type, r.id) for r in rows[:limit]]), next_cursor


@built_once(maxsize=256)
def _page_statement(
    viewer: policy.BoundViewer,
    filters: SearchFilters,
    window_kinds: tuple[tuple[str, tuple[str, ...]], ...],
    after: bool,
    candidates: int,
    dialect: str,
) -> Select:
    """A page of search hits for one shape of reader, filters and choice of windows, built
    once per process: building it (five sources, two windows each, policy's filters
    three times) and hashing it for SQLAlchemy's compiled cache cost more than a third of
    a search. Parameters: ``viewer_id`` (:func:`policy.viewer_params`), the words
    (``engines.words_params``), each window's size (``engines.recent_rows_param``),
    ``limit``, and ``after_score``, ``after_id``, ``after_type`` when ``after``.
    ``dialect`` is the database's (each engine's SQL differs): part of the key only."""
    chosen = {name: tuple(Window(kind) for kind in kinds) for name, kinds in window_kinds}
    hits = hits_query(viewer, _PLACEHOLDER, filters, chosen, candidates).subquery("hits")
    stmt = (
        select(hits.c.type, hits.c.id, hits.c.score)
        .order_by(hits.c.score.desc(), hits.c.id.desc(), hits.c.type)
        .limit(bindparam("limit", type_=Integer))
    )
    if after:
        score, last_id = bindparam("after_score"), bindparam("after_id", type_=Integer)
        last_type = bindparam("after_type", type_=String)
        stmt = stmt.where(
            or_(
                hits.c.score < score,
                and_(hits.c.score == score, hits.c.id < last_id),
                and_(hits.c.score == score, hits.c.id == last_id, hits.c.type > last_type),
            )
        )
    return stmt


#: The words a statement built once is built with; each search passes its own.
_PLACEHOLDER = parse_query("placeholder")


def _items(user: User, parsed: ParsedQuery, hits: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Serialize ``hits`` in order, a bounded number of queries per kind."""
    ids: dict[str, list[int]] = {}
    for kind, row_id in hits:
        ids.setdefault(kind, []).append(row_id)
    found: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
    if ids.get("post"):
        posts = db.session.scalars(
            select(Post).options(joinedload(Post.author)).where(Post.id.in_(ids["post"]))
        ).all()
        for post, data in zip(posts, serialize_posts_for(user, list(posts)), strict=True):
            text = f"{post.title}\n{post.body}" if post.title else post.body
            found["post", post.id] = (text, data)
    if ids.get("comment"):
        comments = db.session.scalars(
            select(Comment)
            .options(joinedload(Comment.author))
            .where(Comment.id.in_(ids["comment"]))
        ).all()
        attached = files_for_comments([c.id for c in comments])
        found.update(
            {
                ("comment", c.id): (c.body, {**comment_dict(c), "files": attached[c.id]})
                for c in comments
            }
        )
    if ids.get("person"):
        profile = user_private if policy.can_manage_users(user) else user_profile
        people = db.session.scalars(select(User).where(User.id.in_(ids["person"]))).all()
        found.update(
            {("person", p.id): (f"{p.display_name} — {p.job_title}", profile(p)) for p in people}
        )
    if ids.get("group"):
        groups = db.session.scalars(select(Group).where(Group.id.in_(ids["group"]))).all()
        for group, data in zip(groups, describe_many(user, list(groups)), strict=True):
            found["group", group.id] = (f"{group.name} — {group.description}", data)
    snippets = {key: snippet(text, parsed) for key, (text, _data) in found.items()}
    if ids.get("file"):
        for file_id, (marked, data) in file_hits(ids["file"], parsed).items():
            snippets["file", file_id], found["file", file_id] = marked, ("", data)
    return [
        {
            "type": kind,
            "id": row_id,
            "snippet": snippets[kind, row_id],
            "object": found[kind, row_id][1],
        }
        for kind, row_id in hits
    ]


# --- topics and type-ahead -----------------------------------------------------------------


def _topic_rows(user: User, parsed: ParsedQuery):
    """Hashtags starting with the query's words run together ("qual" → #qualite), among
    posts ``user`` may see (a tag used only in a secret group is not shown to outsiders),
    most used first. The counts come from ``policy.visible_tag_uses`` (kept per tag by
    the database), and the prefix is a key range, which the indexes serve."""
    prefix = "".join(WORD.findall(fold(parsed.text)))
    found = policy.visible_tag_uses(user, lambda tag: _starts_with(tag, prefix)).subquery()
    return select(found.c.tag, found.c.uses).order_by(found.c.uses.desc(), found.c.tag)


def _starts_with(key, prefix: str) -> ColumnElement[bool]:
    """``key`` starts with ``prefix``: a range an index walks (``LIKE`` is not served by
    one on SQLite, nor on PostgreSQL outside the C collation), and the ``LIKE`` itself,
    so that a collation ordering keys otherwise still gives exactly the prefix's keys."""
    like = key.like(escape_like(prefix) + "%", escape="\\")
    if not prefix or ord(prefix[-1]) >= 0xD7FF:  # no next character short of surrogates
        return like
    return and_(key >= prefix, key < prefix[:-1] + chr(ord(prefix[-1]) + 1), like)


def _topic_dict(tag: str, uses: int) -> dict[str, Any]:
    return {"tag": tag, "post_count": uses, "url": f"/topics/{tag}"}


def _topic_page(
    user: User, parsed: ParsedQuery, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    scope = _scope(parsed, SearchFilters(type="topics"))
    offset = decode_cursor(scope, cursor) or 0
    rows = db.session.execute(_topic_rows(user, parsed).offset(offset).limit(limit + 1)).all()
    next_cursor = encode_cursor(scope, offset + limit) if len(rows) > limit else None
    items = [
        {
            "type": "topic",
            "id": tag,
            "snippet": snippet(f"#{tag}", parsed),
            "object": _topic_dict(tag, uses),
        }
        for tag, uses in rows[:limit]
    ]
    return items, next_cursor


def suggest(user: User, raw_query: str | None) -> dict[str, list[dict[str, Any]]]:
    """Type-ahead: up to :data:`SUGGEST_LIMIT` people, groups and topics for what is typed
    so far (every word a prefix: "jul" finds Julie Moreau, "qual" #qualite)."""
    parsed = parse_query(raw_query)
    prepare(db.session)
    dialect = db.engine.dialect.name
    answer: dict[str, list[dict[str, Any]]] = {}
    for kind, source in (("people", _people), ("groups", _groups)):
        arm = source(user, parsed, SearchFilters(), dialect).limit(CANDIDATES).subquery()
        rows = db.session.execute(
            select(arm.c.type, arm.c.id)
            .order_by(arm.c.score.desc(), arm.c.id.desc())
            .limit(SUGGEST_LIMIT)
        ).all()
        answer[kind] = [item["object"] for item in _items(user, parsed, [tuple(r) for r in rows])]
    topics = db.session.execute(_topic_rows(user, parsed).limit(SUGGEST_LIMIT)).all()
    answer["topics"] = [_topic_dict(tag, uses) for tag, uses in topics]
    return answer
