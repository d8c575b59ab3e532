"""Reactions: one of each kind per person per post, counted by the database."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import policy
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import REACTION_KINDS, NotificationType, Post, Reaction, User
from ..realtime.publisher import lock_event_log, publish
from ..serializers import empty_reaction_counts, reaction_state
from . import notifications
from .sanctions import check_can_contribute


def check_kind(kind: str) -> str:
    if kind not in REACTION_KINDS:
        raise NotFound(
            _(
                "Unknown reaction %(kind)s: use one of %(values)s.",
                kind=f"{kind!r}",
                values=", ".join(REACTION_KINDS),
            )
        )
    return kind


def reaction_counts(post_id: int) -> dict[str, int]:
    return reaction_counts_for([post_id])[post_id]


def reaction_counts_for(post_ids: list[int]) -> dict[int, dict[str, int]]:
    """Counts per kind for each post, in one grouped query."""
    counts = {pid: empty_reaction_counts() for pid in post_ids}
    if post_ids:
        rows = db.session.execute(_COUNTS, {"post_ids": post_ids})
        for post_id, kind, count in rows:
            counts[post_id][kind] = count
    return counts


def my_reactions_for(user: User, post_ids: list[int]) -> dict[int, list[str]]:
    """The kinds ``user`` reacted with on each post, in kind order."""
    return reactions_for(user, post_ids)[1]


def reactions_for(
    user: User, post_ids: list[int]
) -> tuple[dict[int, dict[str, int]], dict[int, list[str]]]:
    """:func:`reaction_counts_for` and :func:`my_reactions_for` in one grouped query."""
    counts = {pid: empty_reaction_counts() for pid in post_ids}
    mine: dict[int, list[str]] = {pid: [] for pid in post_ids}
    if post_ids:
        rows = db.session.execute(_COUNTS_AND_MINE, {"post_ids": post_ids, "viewer_id": user.id})
        for post_id, kind, count, is_mine in rows:
            counts[post_id][kind] = count
            if is_mine:
                mine[post_id].append(kind)
    return counts, mine


_POST_IDS = bindparam("post_ids", expanding=True)
#: Statements built once (parameters ``post_ids``, ``viewer_id``), ordered by kind.
_COUNTS = (
    select(Reaction.post_id, Reaction.kind, func.count())
    .where(Reaction.post_id.in_(_POST_IDS))
    .group_by(Reaction.post_id, Reaction.kind)
)
_COUNTS_AND_MINE = (
    select(
        Reaction.post_id,
        Reaction.kind,
        func.count(),
        func.max(case((Reaction.user_id == bindparam("viewer_id"), 1), else_=0)),
    )
    .where(Reaction.post_id.in_(_POST_IDS))
    .group_by(Reaction.post_id, Reaction.kind)
    .order_by(Reaction.post_id, Reaction.kind)
)


def _insert_reaction(post_id: int, user_id: int, kind: str) -> bool:
    """Insert unless present (``ON CONFLICT DO NOTHING``); True when a row was added.

    The primary key decides, so concurrent duplicates are harmless. No SAVEPOINT:
    pysqlite would commit the whole transaction when releasing one that began it.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    inserted = db.session.execute(
        insert(Reaction)
        .values(post_id=post_id, user_id=user_id, kind=kind)
        .on_conflict_do_nothing()
        .returning(Reaction.kind)  # rowcount is not reliable for this statement on psycopg
    ).first()
    return inserted is not None


def do_set_reaction(user: User, post: Post, kind: str, active: bool) -> dict:
    """Add (``active``) or remove a reaction; idempotent either way.

    The primary key (post, user, kind) guarantees one of each kind.
    Publishes ``reaction.updated`` only when something changed.
    """
    check_kind(kind)
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if active:
        check_can_contribute(user)  # a muted person may still take a reaction back
    lock_event_log()  # before counting: concurrent reactions must not both report stale counts
    if active:
        changed = _insert_reaction(post.id, user.id, kind)
    else:
        result = db.session.execute(
            delete(Reaction).where(
                Reaction.post_id == post.id, Reaction.user_id == user.id, Reaction.kind == kind
            )
        )
        changed = result.rowcount > 0
    state = reaction_state(post.id, kind, user.id, active, reaction_counts(post.id))
    if changed:
        publish("reaction.updated", state, room=policy.room_for_post(post), post_id=post.id)
    if changed and active and _is_first_reaction(user, post):
        notifications.do_notify([post.author_id], NotificationType.REACTED, actor=user, post=post)
    return state


def _is_first_reaction(user: User, post: Post) -> bool:
    """A second kind from the same person is not news to the author."""
    if user.id == post.author_id:
        return False  # nobody is notified of their own reaction: spare the query
    mine = select(func.count()).where(Reaction.post_id == post.id, Reaction.user_id == user.id)
    return db.session.scalar(mine) == 1
