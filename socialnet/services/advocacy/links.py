"""Sharing: the Share page's list, opening a network's share page, following a link.

Contract of the public link ``/s/<code>`` (:func:`do_follow`): it leads only to the
target the community manager set (checked again against the company's sites), tagged
with ``utm_source`` (network), ``utm_medium`` and the opaque ``utm_campaign``; it works
signed out and reveals nothing of the internal post; an unknown code, a withdrawn or
ended offer, or a post no longer company-wide all give the same ``None`` (a 404). It
counts at most one click per link, visitor and hour (the unique key of
``share_clicks``), and none from robots.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    NETWORKS,
    TEXT_LANGUAGES,
    Post,
    Shareable,
    ShareClick,
    ShareLink,
    ShareOpen,
    User,
)
from ...models._time import utcnow
from ...models.advocacy import CODE_LENGTH
from ..unique import insert_unless_taken
from ..validation import check_known_fields
from .offers import shareable_dict, suggested_text
from .targets import intent_url, is_robot, tagged_url, target_still_allowed, visitor_digest

#: Characters of the public codes: letters and digits, none that look alike.
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def check_can_advocate(user: User) -> None:
    if not policy.can_advocate(user):
        raise Forbidden(_("Sharing is for employees."))


def _offered(user: User, now: datetime):
    return (
        select(Shareable, Post)
        .join(Post, Post.id == Shareable.post_id)
        .options(joinedload(Post.author))
        .where(policy.shareable_now_filter(user, now))
    )


def list_offered(user: User) -> list[dict[str, Any]]:
    """What ``user`` may share now, newest offer first."""
    check_can_advocate(user)
    now = utcnow()
    rows = db.session.execute(_offered(user, now).order_by(Shareable.updated_at.desc())).all()
    return [shareable_dict(shareable, post, now) for shareable, post in rows]


def access_offered(user: User, shareable_id: int) -> tuple[Shareable, Post]:
    """:raise NotFound: no such shareable offered to ``user`` now (one answer for all)."""
    check_can_advocate(user)
    row = db.session.execute(_offered(user, utcnow()).where(Shareable.id == shareable_id)).first()
    if row is None:
        raise NotFound(_("Nothing to share here."))
    return row[0], row[1]


def _check_choice(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationFailed(
            _("%(field)s must be one of: %(values)s.", field=field, values=", ".join(allowed)),
            fields={field: "not_allowed"},
        )
    return value


def _link_for(user: User, shareable: Shareable, network: str) -> ShareLink:
    """``user``'s link for this shareable and network, made once (the unique key decides,
    so two tabs opening at once share one link)."""
    key = {"shareable_id": shareable.id, "user_id": user.id, "network": network}
    link = db.session.scalar(select(ShareLink).filter_by(**key))
    if link is None:
        insert_unless_taken(
            ShareLink,
            {**key, "code": new_code(), "campaign": new_code(), "created_at": utcnow()},
            ["shareable_id", "user_id", "network"],
        )
        link = db.session.scalar(select(ShareLink).filter_by(**key))
    return link


def public_link(code: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/s/{code}"


def do_open_share(user: User, shareable_id: int, data: Any, base_url: str) -> dict[str, Any]:
    """``{"network", "language"?}`` → the tracked link and the network's share page with
    the suggested text (in ``language``, else the person's language, else English); the
    opening is counted.

    :raise NotFound: not offered to ``user``. :raise ValidationFailed: unknown network
        or language.
    """
    data = check_known_fields(data, {"network", "language"})
    shareable, _post = access_offered(user, shareable_id)
    network = _check_choice(data.get("network"), NETWORKS, "network")
    chosen = user.language if user.language in TEXT_LANGUAGES else TEXT_LANGUAGES[0]
    language = _check_choice(data.get("language") or chosen, TEXT_LANGUAGES, "language")
    link = _link_for(user, shareable, network)
    db.session.add(ShareOpen(link_id=link.id, created_at=utcnow()))
    db.session.flush()
    url = public_link(link.code, base_url)
    text = suggested_text(shareable, network, language)
    return {
        "shareable_id": shareable.id,
        "network": network,
        "language": language,
        "link": url,
        "text": text,
        "intent_url": intent_url(network, url, text),
    }


def do_follow(code: str, *, address: str | None, user_agent: str | None) -> str | None:
    """The address ``/s/<code>`` leads to now, with its clicks counted; None: a 404."""
    if not isinstance(code, str) or len(code) != CODE_LENGTH or not code.isalnum():
        return None
    now = utcnow()
    row = db.session.execute(
        select(ShareLink, Shareable)
        .join(Shareable, Shareable.id == ShareLink.shareable_id)
        .join(Post, Post.id == Shareable.post_id)
        .where(
            ShareLink.code == code,
            Shareable.withdrawn_at.is_(None),
            (Shareable.ends_at.is_(None)) | (Shareable.ends_at > now),
            policy.company_wide_post_filter(),
        )
    ).first()
    if row is None:
        return None
    link, shareable = row
    if not target_still_allowed(shareable.target_url):
        return None
    if not is_robot(user_agent):
        insert_unless_taken(
            ShareClick,
            {
                "link_id": link.id,
                "visitor": visitor_digest(address),
                "hour": now.replace(minute=0, second=0, microsecond=0),
                "created_at": now,
            },
            ["link_id", "visitor", "hour"],
        )
    return tagged_url(shareable.target_url, link.network, link.campaign)
