"""Editorial drafts of events and of kudos: writing them through their ordinary services,
and reading back what those services take to write them again at publication.

``services.editorial.drafts`` handles posts and polls itself and calls this module for the
two other kinds (:data:`KINDS`). A draft event (``services.events.creating``) or draft
kudos (``services.kudos``; "kudos for a team": one to ten recipients) is a real row in the
``draft`` moderation state: its author alone sees it, no events list, calendar feed,
reminder, leaderboard or profile counts it (``policy.NOT_A_DRAFT``), nobody is notified.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import EventDetails, Kudos, KudosRecipient, Post, User
from ...serializers import iso
from ..content import render_body
from ..events.creating import do_create_event
from ..kudos import do_give_kudos
from ..posts import check_mentions

#: The kinds of draft this module writes and publishes.
KINDS: tuple[str, ...] = ("event", "kudos")


def write(user: User, kind: str, fields: dict[str, Any], *, draft: bool = True) -> Post:
    """Write ``fields`` (those of ``POST /events`` or ``POST /kudos``, ``group_id``
    included) as ``user``'s event or kudos, a draft unless ``draft`` is False.

    :raise ValidationFailed | TooLarge | Forbidden: what the events or kudos services
        refuse; nothing is written then.
    """
    if kind == "event":
        return do_create_event(user, fields, draft=draft)
    _kudos, post = do_give_kudos(user, fields, draft=draft)
    return post


def fields_of(draft: Post) -> dict[str, Any]:
    """What the ordinary services take to write the event or kudos ``draft`` again."""
    if draft.kind == "event":
        details = db.session.get(EventDetails, draft.id)
        return {
            "title": draft.title,
            "description": draft.body,
            "starts_at": iso(details.starts_at),
            "ends_at": iso(details.ends_at),
            "location": details.location,
            "online_url": details.online_url,
            "capacity": details.capacity,
            "rsvp_closes_at": iso(details.rsvp_closes_at),
            "group_id": draft.group_id,
        }
    kudos = db.session.scalar(select(Kudos).where(Kudos.post_id == draft.id))
    recipient_ids = list(
        db.session.scalars(
            select(KudosRecipient.user_id)
            .where(KudosRecipient.kudos_id == kudos.id)
            .order_by(KudosRecipient.user_id)
        )
    )
    return {
        "recipient_ids": recipient_ids,
        "message": kudos.message,
        "value": kudos.value_id,
        "group_id": draft.group_id,
    }


def check_reach(author_id: int, kind: str, fields: dict[str, Any]) -> None:
    """Refuse, before anything is written, the mentions the services would refuse only
    after writing (a guest naming people beyond their groups).

    :raise ValidationFailed: ``fields.body``: ``mention_out_of_reach``.
    """
    if kind == "event":
        check_mentions(author_id, render_body(fields["description"] or "").mentioned_ids)
    else:
        mentioned = render_body(fields["message"]).mentioned_ids
        check_mentions(author_id, [*fields["recipient_ids"], *mentioned])
