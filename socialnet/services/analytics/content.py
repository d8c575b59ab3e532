"""Volume, groups, contributors and unanswered questions, as SQL aggregates.

*Content* counted here is what is live: posts and comments not deleted and
published (not held, hidden or removed by moderation), created within the range.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, literal, select, union_all

from ... import policy
from ...extensions import db
from ...models import Comment, Group, GroupMembership, Post, Reaction, User
from ...serializers import iso, user_summary
from .activity import activity_summary
from .periods import Range, as_date, day_bucket

TOP_CONTRIBUTORS = 20
QUESTIONS_LISTED = 50
EXCERPT = 140


def _live_posts(period: Range):
    return and_(
        Post.created_at >= period.since,
        Post.created_at < period.until,
        Post.deleted_at.is_(None),
        Post.moderation_state == "published",
    )


def _live_comments(period: Range):
    return and_(
        Comment.created_at >= period.since,
        Comment.created_at < period.until,
        Comment.deleted_at.is_(None),
        Comment.moderation_state == "published",
    )


def _per_day(query: Select) -> dict:
    return {as_date(day): n for day, n in db.session.execute(query)}


def daily_series(period: Range, active: dict, rolled: dict | None = None) -> list[dict[str, Any]]:
    """One row per day of ``period``: active people (from ``active``, an
    :func:`activity_summary` per day), posts, comments, reactions — from the day's
    rollup when ``rolled`` (``rollup.rolled_days``) has it, else from the live tables."""
    from .rollup import live_runs

    rolled = rolled or {}
    counts = {
        day: {"posts": r.posts, "comments": r.comments, "reactions": r.reactions}
        for day, r in rolled.items()
    }
    for run in live_runs(period, rolled):
        counts.update(_live_counts(run))
    return [
        {
            "day": day.isoformat(),
            "active": active.get(day, 0),
            **counts.get(day, {"posts": 0, "comments": 0, "reactions": 0}),
        }
        for day in period.days
    ]


def _live_counts(period: Range) -> dict:
    post_day = day_bucket(Post.created_at, period)
    comment_day = day_bucket(Comment.created_at, period)
    reaction_day = day_bucket(Reaction.created_at, period)
    posts = _per_day(select(post_day, func.count()).where(_live_posts(period)).group_by(post_day))
    comments = _per_day(
        select(comment_day, func.count()).where(_live_comments(period)).group_by(comment_day)
    )
    reactions = _per_day(
        select(reaction_day, func.count())
        .where(Reaction.created_at >= period.since, Reaction.created_at < period.until)
        .group_by(reaction_day)
    )
    return {
        day: {
            "posts": posts.get(day, 0),
            "comments": comments.get(day, 0),
            "reactions": reactions.get(day, 0),
        }
        for day in period.days
    }


def overview(period: Range) -> dict[str, Any]:
    """Company-wide totals (every group counts, secret ones too: no names are shown).
    Rolled-up days (``rollup``) are read from their rollups, the others live."""
    from .rollup import rolled_days

    rolled = rolled_days(Range(min(period.start, period.ending(30).start), period.end, period.tz))
    active = activity_summary(period, rolled)
    daily = daily_series(period, active["day"], rolled)
    buckets = {
        name: [{"start": k.isoformat(), "active": n} for k, n in sorted(active[name].items())]
        for name in ("week", "month")
    }
    return {
        "range": period.as_dict(),
        "totals": {
            "active_people": active["range"],
            "dau": daily[-1]["active"],
            "wau": active["wau"],
            "mau": active["mau"],
            "posts": sum(d["posts"] for d in daily),
            "comments": sum(d["comments"] for d in daily),
            "reactions": sum(d["reactions"] for d in daily),
        },
        "daily": daily,
        "weekly": buckets["week"],
        "monthly": buckets["month"],
    }


def groups(viewer: User, period: Range) -> list[dict[str, Any]]:
    """Engagement per group the viewer may know of (``policy.visible_groups_filter``:
    a secret group they are not in is not listed, not even by name).

    ``active_members``: members who posted, commented or reacted in the group within
    the range. ``replies_per_post``: mean comments so far on the range's posts.
    """
    visible = select(Group).where(policy.visible_groups_filter(viewer)).subquery()
    members = (
        select(GroupMembership.group_id, func.count().label("n"))
        .group_by(GroupMembership.group_id)
        .subquery()
    )
    posts = (
        select(
            Post.group_id,
            func.count().label("n"),
            func.avg(Post.comment_count).label("replies"),
        )
        .where(_live_posts(period), Post.group_id.is_not(None))
        .group_by(Post.group_id)
        .subquery()
    )
    comments = (
        select(Post.group_id, func.count().label("n"))
        .select_from(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(_live_comments(period), Post.group_id.is_not(None))
        .group_by(Post.group_id)
        .subquery()
    )
    in_range = (period.since, period.until)
    contributions = union_all(
        select(Post.group_id, Post.author_id.label("user_id")).where(_live_posts(period)),
        select(Post.group_id, Comment.author_id)
        .select_from(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(_live_comments(period)),
        select(Post.group_id, Reaction.user_id)
        .select_from(Reaction)
        .join(Post, Post.id == Reaction.post_id)
        .where(Reaction.created_at >= in_range[0], Reaction.created_at < in_range[1]),
    ).subquery()
    active = (
        select(contributions.c.group_id, func.count(contributions.c.user_id.distinct()).label("n"))
        .join(
            GroupMembership,
            and_(
                GroupMembership.group_id == contributions.c.group_id,
                GroupMembership.user_id == contributions.c.user_id,
            ),
        )
        .group_by(contributions.c.group_id)
        .subquery()
    )
    zero = literal(0)
    query = (
        select(
            visible.c.id,
            visible.c.name,
            visible.c.visibility,
            visible.c.archived_at,
            func.coalesce(members.c.n, zero),
            func.coalesce(active.c.n, zero),
            func.coalesce(posts.c.n, zero),
            func.coalesce(comments.c.n, zero),
            posts.c.replies,
        )
        .outerjoin(members, members.c.group_id == visible.c.id)
        .outerjoin(active, active.c.group_id == visible.c.id)
        .outerjoin(posts, posts.c.group_id == visible.c.id)
        .outerjoin(comments, comments.c.group_id == visible.c.id)
        .order_by(func.coalesce(active.c.n, zero).desc(), visible.c.name, visible.c.id)
    )
    return [
        {
            "group_id": gid,
            "name": name,
            "visibility": visibility,
            "archived": archived is not None,
            "members": n_members,
            "active_members": n_active,
            "posts": n_posts,
            "comments": n_comments,
            "replies_per_post": round(float(replies), 2) if replies is not None else None,
        }
        for gid, name, visibility, archived, n_members, n_active, n_posts, n_comments, replies in (
            db.session.execute(query)
        )
    ]


def contributors(period: Range, limit: int = TOP_CONTRIBUTORS) -> list[dict[str, Any]]:
    """The people who wrote the most live posts and comments in the range (ties: more
    reactions given, then id). Celebrations written by the daily job do not count."""
    one, zero = literal(1), literal(0)
    inside = (period.since, period.until)
    rows = union_all(
        select(
            Post.author_id.label("user_id"), one.label("p"), zero.label("c"), zero.label("r")
        ).where(_live_posts(period), Post.kind != "celebration"),
        select(Comment.author_id, zero, one, zero).where(_live_comments(period)),
        select(Reaction.user_id, zero, zero, one).where(
            Reaction.created_at >= inside[0], Reaction.created_at < inside[1]
        ),
    ).subquery()
    posts, comments, reactions = func.sum(rows.c.p), func.sum(rows.c.c), func.sum(rows.c.r)
    ranked = (
        select(rows.c.user_id, posts.label("posts"), comments.label("comments"))
        .add_columns(reactions.label("reactions"))
        .group_by(rows.c.user_id)
        .having(posts + comments > 0)
        .order_by((posts + comments).desc(), reactions.desc(), rows.c.user_id)
        .limit(limit)
        .subquery()
    )
    query = select(User, ranked.c.posts, ranked.c.comments, ranked.c.reactions).join(
        ranked, ranked.c.user_id == User.id
    )
    out = [
        {
            "user": user_summary(user),
            "posts": int(p),
            "comments": int(c),
            "reactions_given": int(r),
            "contributions": int(p) + int(c),
        }
        for user, p, c, r in db.session.execute(query)
    ]
    return sorted(out, key=lambda d: (-d["contributions"], -d["reactions_given"], d["user"]["id"]))


def _questions_condition(viewer: User, period: Range):
    return and_(
        _live_posts(period),
        Post.kind == "post",
        Post.comment_count == 0,
        Post.body.contains("?", autoescape=True),
        policy.visible_posts_filter(viewer),
    )


def questions(viewer: User, period: Range, limit: int = QUESTIONS_LISTED) -> dict[str, Any]:
    """Posts of the range whose text holds a ``?`` and that have no comment, among the
    posts ``viewer`` may read (the list shows their text): a count and the newest ones."""
    condition = _questions_condition(viewer, period)
    total = db.session.scalar(select(func.count()).select_from(Post).where(condition)) or 0
    rows = db.session.execute(
        select(Post, User)
        .join(User, User.id == Post.author_id)
        .where(condition)
        .order_by(Post.id.desc())
        .limit(limit)
    ).all()
    names = dict(
        db.session.execute(
            select(Group.id, Group.name).where(Group.id.in_({p.group_id for p, _ in rows}))
        ).all()
    )
    items = [
        {
            "post_id": post.id,
            "author": user_summary(author),
            "group_id": post.group_id,
            "group_name": names.get(post.group_id),
            "excerpt": _excerpt(post.body),
            "created_at": iso(post.created_at),
            "url": f"/posts/{post.id}",
        }
        for post, author in rows
    ]
    return {"total": total, "items": items}


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
