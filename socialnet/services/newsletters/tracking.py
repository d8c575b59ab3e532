"""Reach of a newsletter: opens (a per-recipient image), clicks per item (signed
redirect links), rates, the CSV export and the analytics table.

Each link in an email carries a token signed with the secret key naming the issue, the
recipient and the item — never a URL: the redirect goes to the item's post on this site,
looked up from the item, so a link cannot be turned into an open redirect, and a token
changed by hand is refused. Opens and clicks are counted only for someone the issue was
sent to. The reach shows counts and rates, never who opened what: per-person reading is
not something the communication team needs (nor, in France, may easily keep).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import (
    Newsletter,
    NewsletterClick,
    NewsletterItem,
    NewsletterRecipient,
    NewsletterSection,
    Post,
    User,
)
from ...models._time import utcnow
from ...serializers import iso
from ..csv_export import to_csv
from ..digest import excerpt
from .composing import access_managed

SALT = "socialnet.newsletter-reach"
TOKEN_MAX = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def open_token(newsletter_id: int, user_id: int) -> str:
    return _serializer().dumps(["o", newsletter_id, user_id])


def click_token(newsletter_id: int, user_id: int, item_id: int) -> str:
    return _serializer().dumps(["c", newsletter_id, user_id, item_id])


def _load(token: Any, kind: str, size: int) -> list[int] | None:
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX or not token.isascii():
        return None
    try:
        payload = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(payload, list) or len(payload) != size or payload[0] != kind:
        return None
    ids = payload[1:]
    if any(type(i) is not int for i in ids):
        return None
    return ids


def _recipient(newsletter_id: int, user_id: int) -> NewsletterRecipient | None:
    row = db.session.get(NewsletterRecipient, (newsletter_id, user_id))
    return row if row is not None and row.sent_at is not None else None


def _opened(row: NewsletterRecipient, now: datetime) -> None:
    db.session.execute(
        update(NewsletterRecipient)
        .where(
            NewsletterRecipient.newsletter_id == row.newsletter_id,
            NewsletterRecipient.user_id == row.user_id,
        )
        .values(
            open_count=NewsletterRecipient.open_count + 1,
            opened_at=func.coalesce(NewsletterRecipient.opened_at, now),
        )
        .execution_options(synchronize_session=False)
    )


def do_record_open(token: Any) -> bool:
    """Count an open of the email ``token`` was made for; False (nothing written) for a
    token that is not one."""
    ids = _load(token, "o", 3)
    row = _recipient(*ids) if ids else None
    if row is None:
        return False
    _opened(row, utcnow())
    return True


def do_record_click(token: Any) -> NewsletterItem:
    """Count a click on an item (and an open: the email was read) and return the item,
    whose post is where the reader goes.

    :raise NotFound: a token that is not one of ours, for someone the issue was not sent
        to, or for an item of another issue.
    """
    ids = _load(token, "c", 4)
    row = _recipient(ids[0], ids[1]) if ids else None
    item = db.session.get(NewsletterItem, ids[2]) if row is not None and ids else None
    if item is None or item.newsletter_id != row.newsletter_id:
        raise NotFound(_("This link is not valid. Copy the whole link from the email."))
    now = utcnow()
    _opened(row, now)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(NewsletterClick).values(
        item_id=item.id, user_id=row.user_id, newsletter_id=item.newsletter_id, first_at=now
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["item_id", "user_id"],
            set_={"count": NewsletterClick.count + 1},
        )
    )
    return item


# -- reach -------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def figures(newsletter: Newsletter) -> dict[str, Any]:
    """Recipients, emails sent, opens and clicks of one issue, with rates over sent."""
    this = NewsletterRecipient.newsletter_id == newsletter.id
    recipients, sent, opened = db.session.execute(
        select(
            func.count(),
            func.count(NewsletterRecipient.sent_at),
            func.count(NewsletterRecipient.opened_at),
        ).where(this)
    ).one()
    clicked = db.session.scalar(
        select(func.count(func.distinct(NewsletterClick.user_id))).where(
            NewsletterClick.newsletter_id == newsletter.id
        )
    )
    return {
        "recipients": recipients,
        "sent": sent,
        "opened": opened,
        "clicked": clicked,
        "open_rate": _rate(opened, sent),
        "click_rate": _rate(clicked, sent),
    }


def item_figures(newsletter: Newsletter, sent: int) -> list[dict[str, Any]]:
    """Per item, in the issue's order: clicks, people who clicked, and their rate."""
    clicks = (
        select(
            NewsletterClick.item_id,
            func.sum(NewsletterClick.count).label("clicks"),
            func.count().label("people"),
        )
        .where(NewsletterClick.newsletter_id == newsletter.id)
        .group_by(NewsletterClick.item_id)
        .subquery()
    )
    rows = db.session.execute(
        select(NewsletterItem, NewsletterSection.heading, Post, clicks.c.clicks, clicks.c.people)
        .join(NewsletterSection, NewsletterSection.id == NewsletterItem.section_id)
        .outerjoin(Post, Post.id == NewsletterItem.post_id)
        .outerjoin(clicks, clicks.c.item_id == NewsletterItem.id)
        .where(NewsletterItem.newsletter_id == newsletter.id)
        .order_by(NewsletterSection.position, NewsletterItem.position)
    ).all()
    return [
        {
            "item_id": item.id,
            "post_id": item.post_id,
            "section": heading,
            "title": (post.title or excerpt(post.body, 80)) if post is not None else "",
            "clicks": int(total or 0),
            "people": int(people or 0),
            "click_rate": _rate(int(people or 0), sent),
        }
        for item, heading, post, total, people in rows
    ]


def reach(user: User, newsletter_id: int) -> dict[str, Any]:
    """The reach of an issue for its managers (see ``composing.access_managed``)."""
    newsletter = access_managed(user, newsletter_id)
    totals = figures(newsletter)
    return {
        "newsletter_id": newsletter.id,
        "title": newsletter.title,
        "status": newsletter.status,
        "published_at": iso(newsletter.published_at),
        **totals,
        "items": item_figures(newsletter, totals["sent"]),
    }


CSV_HEADER = (
    "row",
    "section",
    "post_id",
    "title",
    "recipients",
    "sent",
    "opened",
    "open_rate",
    "clicks",
    "people_who_clicked",
    "click_rate",
)


def reach_csv(user: User, newsletter_id: int) -> str:
    """The reach as CSV: a line ``issue`` for the whole issue, then one ``item`` line per
    post, in the issue's order (counts only, nobody named)."""
    data = reach(user, newsletter_id)
    whole = (
        "issue",
        "",
        "",
        data["title"],
        data["recipients"],
        data["sent"],
        data["opened"],
        data["open_rate"],
        sum(i["clicks"] for i in data["items"]),
        data["clicked"],
        data["click_rate"],
    )
    items = [
        ("item", i["section"], i["post_id"] or "", i["title"], "", "", "", "")
        + (i["clicks"], i["people"], i["click_rate"])
        for i in data["items"]
    ]
    return to_csv(CSV_HEADER, [whole, *items])


def analytics_rows(user: User, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Issues published in ``[since, until)`` that ``user`` manages, newest first, with
    their figures (analytics)."""
    issues = db.session.scalars(
        select(Newsletter)
        .where(
            policy.newsletters_managed_filter(user),
            and_(Newsletter.published_at >= since, Newsletter.published_at < until),
        )
        .order_by(Newsletter.published_at.desc(), Newsletter.id.desc())
        .limit(200)
    ).all()
    return [
        {"id": n.id, "title": n.title, "published_at": iso(n.published_at), **figures(n)}
        for n in issues
    ]


def export_entries(user: User) -> list[dict[str, Any]]:
    """What is kept about ``user`` as a newsletter reader (personal data export): each
    issue sent to them, when, whether and how often they opened it, their clicks per post."""
    rows = db.session.execute(
        select(NewsletterRecipient)
        .where(NewsletterRecipient.user_id == user.id)
        .order_by(NewsletterRecipient.newsletter_id)
    ).scalars()
    clicks: dict[int, list[dict[str, Any]]] = {}
    for click, post_id in db.session.execute(
        select(NewsletterClick, NewsletterItem.post_id)
        .join(NewsletterItem, NewsletterItem.id == NewsletterClick.item_id)
        .where(NewsletterClick.user_id == user.id)
        .order_by(NewsletterClick.item_id)
    ).all():
        clicks.setdefault(click.newsletter_id, []).append(
            {"post_id": post_id, "first_at": iso(click.first_at), "count": click.count}
        )
    return [
        {
            "newsletter_id": row.newsletter_id,
            "sent_at": iso(row.sent_at),
            "opened_at": iso(row.opened_at),
            "open_count": row.open_count,
            "clicks": clicks.get(row.newsletter_id, []),
        }
        for row in rows
    ]
