"""The synthesis of a session: the scribe (or the facilitator, standing in) publishes it
in its structured form, once; it becomes a post of kind ``synthesis`` in the circle. The
facilitator may then share it company-wide in one action: a copy in the company space,
where the knowledge base and search find it and anyone can pass it on to their team.

The post's body is the sections as Markdown under their headings (in the publisher's
language: what search indexes); the structured sections travel with the post as its
``synthesis`` attachment, and pages title them in each reader's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Forbidden
from ...extensions import db
from ...models import (
    SYNTHESIS_SECTIONS,
    Circle,
    CircleSession,
    CircleSynthesis,
    CircleTopic,
    EventDetails,
    Post,
    User,
)
from ...models._time import utcnow
from ...models.circles import SECTION_MAX
from ...realtime.publisher import publish
from ...serializers import iso, post_dict, user_summary
from .. import attachments
from .. import screening as screening_gate
from ..content import render_body
from ..posts import _store_body
from ..unique import flush_unless_taken
from ..validation import check_known_fields, check_text
from .live import session_changed
from .reading import access_session, synthesis_clock
from .topics import check_open

#: The headings of the structured form, in the order it reads.
SECTION_LABELS = {
    "context": _l("Context"),
    "what_was_done": _l("What was done"),
    "what_worked": _l("What made it work"),
    "tips": _l("Tips to replicate"),
    "open_questions": _l("Questions left open"),
}
#: Sections a synthesis cannot go without.
REQUIRED_SECTIONS = ("what_was_done", "what_worked")


def section_labels() -> list[tuple[str, str]]:
    """``[(key, heading)]`` in the current language."""
    return [(key, str(SECTION_LABELS[key])) for key in SYNTHESIS_SECTIONS]


def _check_sections(data: Any) -> dict[str, str]:
    data = check_known_fields(data, set(SYNTHESIS_SECTIONS))
    return {
        key: check_text(
            data.get(key) if key in REQUIRED_SECTIONS else data.get(key) or "",
            key,
            max_len=SECTION_MAX,
            required=key in REQUIRED_SECTIONS,
            multiline=True,
        )
        for key in SYNTHESIS_SECTIONS
    }


def _markdown(sections: dict[str, str]) -> str:
    return "\n\n".join(
        f"### {label}\n\n{sections[key]}" for key, label in section_labels() if sections[key]
    )


def _publish_post(author: User, group_id: int | None, title: str, body: str) -> Post:
    post = Post(
        author_id=author.id,
        author=author,
        group_id=group_id,
        kind="synthesis",
        title=title,
        body="",
        body_html="",
    )
    db.session.add(post)
    db.session.flush()
    _store_body(post, body)
    db.session.flush()
    return post


def _announce(post: Post, viewer: User) -> None:
    item = post_dict(post)
    item["synthesis"] = syntheses_for_posts(viewer, [post])[post.id]
    publish("post.created", item, room=policy.room_for_post(post), post_id=post.id)


def do_publish_synthesis(
    user: User, circle_id: int, session_id: int, data: Any
) -> tuple[Circle, CircleSynthesis]:
    """Publish the synthesis of a session from ``{"context", "what_was_done",
    "what_worked", "tips", "open_questions"}`` (the second and third required): a post of
    kind ``synthesis`` in the circle.

    :raise NotFound: not a member, or no such session. :raise Forbidden: neither the
        scribe nor the facilitator. :raise Conflict: already published (also when two
        arrive at once), the session has not ended, or it was cancelled.
    :raise ValidationFailed: a required section empty; :raise TooLarge: a section over
        5,000 characters.
    """
    sections = _check_sections(data)
    circle, session = access_session(user, circle_id, session_id)
    if not policy.can_publish_synthesis(user, circle, session):
        raise Forbidden(_("Only the session's scribe or the facilitator publishes its synthesis."))
    check_open(circle)
    if db.session.get(CircleSynthesis, session.id) is not None:
        raise Conflict(
            _("This synthesis is already published."), fields={"session_id": "published"}
        )
    details = db.session.get(EventDetails, session.event_post_id)
    event = db.session.get(Post, session.event_post_id)
    if details is None or details.cancelled_at is not None or event.deleted_at is not None:
        raise Conflict(_("This session is cancelled: there is nothing to synthesise."))
    if details.ends_at > utcnow():
        raise Conflict(_("The synthesis is written after the session."))
    screening = screening_gate.check_writing(user, {k: v for k, v in sections.items() if v})
    sections.update(screening.texts)
    topic = db.session.get(CircleTopic, session.topic_id)
    post = _publish_post(user, circle.group_id, topic.title, _markdown(sections))
    synthesis = CircleSynthesis(
        session_id=session.id, author_id=user.id, post_id=post.id, **sections
    )
    db.session.add(synthesis)
    flush_unless_taken(
        "circle_syntheses",
        Conflict(_("This synthesis is already published."), fields={"session_id": "published"}),
    )
    screening_gate.settle_post(user, post, screening)
    _announce(post, user)
    session_changed(session)
    return circle, synthesis


def do_share_synthesis(
    user: User, circle_id: int, session_id: int
) -> tuple[Circle, CircleSynthesis]:
    """The facilitator shares a published synthesis company-wide: a copy (a post of kind
    ``synthesis`` in the company space, by the facilitator, crediting the scribe) that
    the knowledge base and search find. Once.

    :raise Forbidden: not the facilitator. :raise Conflict: not published yet, or shared.
    """
    circle, session = access_session(user, circle_id, session_id)
    if not policy.can_facilitate(user, circle):
        raise Forbidden(_("Only the circle's facilitator shares a synthesis company-wide."))
    synthesis = db.session.get(CircleSynthesis, session.id)
    if synthesis is None:
        raise Conflict(_("This synthesis is not published yet."), fields={"session_id": "owed"})
    if synthesis.shared_post_id is not None:
        raise Conflict(_("This synthesis is already shared."), fields={"session_id": "shared"})
    source = db.session.get(Post, synthesis.post_id)
    if source is None or not policy.can_see_post(user, source):
        raise Conflict(_("This synthesis was removed from the circle."))
    post = _publish_post(user, None, source.title or "", source.body)
    synthesis.shared_post_id, synthesis.shared_at, synthesis.shared_by_id = (
        post.id,
        utcnow(),
        user.id,
    )
    db.session.flush()
    _announce(post, user)
    session_changed(session)
    return circle, synthesis


def syntheses_for_posts(viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """The attachment loader of ``synthesis`` posts (two queries a page): the sections,
    as Markdown and as sanitized HTML, who wrote them, and whether it came on time. The
    company-wide copy names no circle or session (the circle is secret); the circle's
    own post (only its members see it) does."""
    ids = [p.id for p in posts]
    rows = db.session.execute(
        select(CircleSynthesis, CircleSession, EventDetails.starts_at, User)
        .join(CircleSession, CircleSession.id == CircleSynthesis.session_id)
        .outerjoin(EventDetails, EventDetails.post_id == CircleSession.event_post_id)
        .outerjoin(User, User.id == CircleSynthesis.author_id)
        .where(CircleSynthesis.post_id.in_(ids) | CircleSynthesis.shared_post_id.in_(ids))
    ).all()
    found: dict[int, dict[str, Any]] = {}
    for synthesis, session, starts_at, author in rows:
        base = {
            "sections": {key: getattr(synthesis, key) for key in SYNTHESIS_SECTIONS},
            "sections_html": {
                key: render_body(getattr(synthesis, key)).html for key in SYNTHESIS_SECTIONS
            },
            "written_by": user_summary(author) if author is not None else None,
            "published_at": iso(synthesis.published_at),
            "on_time": starts_at is None
            or synthesis.published_at <= synthesis_clock(starts_at).due_at,
        }
        if synthesis.post_id in ids:
            found[synthesis.post_id] = {
                **base,
                "circle_id": session.circle_id,
                "session_id": session.id,
                "shared": synthesis.shared_post_id is not None,
            }
        if synthesis.shared_post_id in ids:
            found[synthesis.shared_post_id] = {**base, "shared": True}
    return found


attachments.register("synthesis", syntheses_for_posts)
