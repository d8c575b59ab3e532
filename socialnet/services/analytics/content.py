"""Volume, groups, contributors and unanswered questions, as SQL aggregates.

*Content* counted here is what is live: posts and comments not deleted and
published (not held, hidden or removed by moderation), created within the range.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, literal, select, text, union, union_all

from ... import policy
from ...extensions import db
from ...models import Comment, Group, GroupMembership, Post, Reaction, User
from ...serializers import iso, user_summary
from .activity import activity_summary
from .live import contributions, group_contributions, group_volume, live_comments, live_posts
from .periods import Range, as_date, day_bucket, month_start_of
from .rollup import live_runs, rolled_days, rolled_spans

TOP_CONTRIBUTORS = 20
QUESTIONS_LISTED = 50
EXCERPT = 140


def _per_day(query: Select) -> dict:
    return {as_date(day): n for day, n in db.session.execute(query)}


def daily_series(period: Range, active: dict, rolled: dict | None = None) -> list[dict[str, Any]]:
    """One row per day of ``period``: active people (from ``active``, an
    :func:`activity_summary` per day), posts, comments, reactions — from the day's
    rollup when ``rolled`` (``rollup.rolled_days``) has it, else from the live tables."""
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
    posts = _per_day(select(post_day, func.count()).where(live_posts(period)).group_by(post_day))
    comments = _per_day(
        select(comment_day, func.count()).where(live_comments(period)).group_by(comment_day)
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


def _rolled_parts(period: Range):
    """(rolled-up days, months of the range wholly rolled up, runs of live days)."""
    rolled = rolled_days(period)
    months = [start for kind, start in rolled_spans(period) if kind == "month"] if rolled else []
    return rolled, months, live_runs(period, rolled)


def groups(viewer: User, period: Range) -> list[dict[str, Any]]:
    """Engagement per group the viewer may know of (``policy.visible_groups_filter``:
    a secret group they are not in is not listed, not even by name).

    ``active_members``: members who posted, commented or reacted in the group within
    the range. ``replies_per_post``: mean comments so far on the range's posts.
    Rolled-up days are read from ``analytics_day_groups`` / ``analytics_group_people``
    (one index seek per membership), the others from the live tables.
    """
    from ...models import AnalyticsDayGroup, AnalyticsGroupPerson

    rolled, _months, runs = _rolled_parts(period)
    visible = select(Group).where(policy.visible_groups_filter(viewer)).subquery()
    members = (
        select(GroupMembership.group_id, func.count().label("n"))
        .group_by(GroupMembership.group_id)
        .subquery()
    )
    volume_parts = [part for run in runs for part in group_volume(run)]
    if rolled:
        volume_parts.append(
            select(
                AnalyticsDayGroup.group_id,
                AnalyticsDayGroup.posts,
                AnalyticsDayGroup.comments,
                AnalyticsDayGroup.replies,
            ).where(AnalyticsDayGroup.day.in_(sorted(rolled)))
        )
    volume_rows = union_all(*volume_parts).subquery()
    volume = (
        select(
            volume_rows.c.group_id,
            func.sum(volume_rows.c.posts).label("posts"),
            func.sum(volume_rows.c.comments).label("comments"),
            func.sum(volume_rows.c.replies).label("replies"),
        )
        .group_by(volume_rows.c.group_id)
        .subquery()
    )
    pair_parts = [part for run in runs for part in group_contributions(run)]
    if rolled:
        seen = select(literal(1)).where(
            AnalyticsGroupPerson.group_id == GroupMembership.group_id,
            AnalyticsGroupPerson.user_id == GroupMembership.user_id,
            AnalyticsGroupPerson.day >= period.start,
            AnalyticsGroupPerson.day <= period.end,
        )
        pair_parts.append(
            select(GroupMembership.group_id, GroupMembership.user_id)
            .where(GroupMembership.group_id.in_(select(visible.c.id)))
            .where(seen.exists())
        )
    pairs = union(*pair_parts).subquery() if len(pair_parts) > 1 else pair_parts[0].subquery()
    active = (
        select(pairs.c.group_id, func.count().label("n"))
        .join(
            GroupMembership,
            and_(
                GroupMembership.group_id == pairs.c.group_id,
                GroupMembership.user_id == pairs.c.user_id,
            ),
        )
        .group_by(pairs.c.group_id)
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
            func.coalesce(volume.c.posts, zero),
            func.coalesce(volume.c.comments, zero),
            volume.c.replies,
        )
        .outerjoin(members, members.c.group_id == visible.c.id)
        .outerjoin(active, active.c.group_id == visible.c.id)
        .outerjoin(volume, volume.c.group_id == visible.c.id)
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
            "posts": int(n_posts),
            "comments": int(n_comments),
            "replies_per_post": round(int(replies) / int(n_posts), 2) if n_posts else None,
        }
        for gid, name, visibility, archived, n_members, n_active, n_posts, n_comments, replies in (
            db.session.execute(query)
        )
    ]


def contributors(period: Range, limit: int = TOP_CONTRIBUTORS) -> list[dict[str, Any]]:
    """The people who wrote the most live posts and comments in the range (ties: more
    reactions given, then id). Celebrations written by the daily job do not count.
    Rolled-up months and days are read from their per-person rollups."""
    from ...models import AnalyticsDayPerson, AnalyticsSpanPerson

    rolled, months, runs = _rolled_parts(period)
    parts = [part for run in runs for part in contributions(run)]
    in_months = {d for d in rolled if month_start_of(d) in months}
    if months:
        parts.append(
            select(
                AnalyticsSpanPerson.user_id,
                AnalyticsSpanPerson.posts,
                AnalyticsSpanPerson.comments,
                AnalyticsSpanPerson.reactions,
            ).where(AnalyticsSpanPerson.kind == "month", AnalyticsSpanPerson.start.in_(months))
        )
    if set(rolled) - in_months:
        parts.append(
            select(
                AnalyticsDayPerson.user_id,
                AnalyticsDayPerson.posts,
                AnalyticsDayPerson.comments,
                AnalyticsDayPerson.reactions,
            ).where(AnalyticsDayPerson.day.in_(sorted(set(rolled) - in_months)))
        )
    rows = union_all(*parts).subquery()
    c = list(rows.c)
    user_id, posts, comments, reactions = c[0], func.sum(c[1]), func.sum(c[2]), func.sum(c[3])
    ranked = (
        select(user_id.label("user_id"), posts.label("posts"), comments.label("comments"))
        .add_columns(reactions.label("reactions"))
        .group_by(user_id)
        .having(posts + comments > 0)
        .order_by((posts + comments).desc(), reactions.desc(), user_id)
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
    """Live posts of the range, kind "post", holding a "?", without comments, readable by
    ``viewer``. The open-question part is the partial index's own condition, as literal
    SQL (``models.analytics.OPEN_QUESTION``), so the planner reads only that index."""
    from ...models.analytics import OPEN_QUESTION

    dialect = db.session.get_bind().dialect.name
    return and_(
        Post.created_at >= period.since,
        Post.created_at < period.until,
        text(OPEN_QUESTION.get(dialect, OPEN_QUESTION["sqlite"])),
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
