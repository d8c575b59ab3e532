"""Feedback summaries: the lessons learned after a project, in a fixed structure
(context, what worked, what did not, lessons, next steps, topics).

The sections are written out as the post's Markdown under headings in the author's
language (what the feed, search and topics read), and kept apart in
:class:`~socialnet.models.FeedbackSummary` (what the API gives). Topics become the post's
hashtags, so a summary appears on its topics' pages and in the knowledge base by topic.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import FEEDBACK_SECTIONS, FeedbackSummary, NotificationType, Post, PostHashtag, User
from ...models._time import utcnow
from ...realtime.publisher import publish
from ...serializers import post_dict
from .. import attachments, notifications
from .. import screening as screening_gate
from ..posts import QUESTION_TITLE_MAX, _store_body, check_group_for_posting
from ..topics.core import check_tag
from ..validation import check_known_fields, check_text

KIND = "feedback"
SECTION_MAX_CHARS = 5000
TOPICS_MAX = 10
FIELDS = {"title", "topics", "group_id", *FEEDBACK_SECTIONS}
#: The headings of the sections in the post's Markdown (the composer's template too).
SECTION_TITLES = {
    "context": _l("Context"),
    "what_worked": _l("What worked"),
    "what_did_not": _l("What did not work"),
    "lessons": _l("Lessons"),
    "next_steps": _l("Next steps"),
}


def _check_topics(value: Any) -> list[str]:
    """Up to :data:`TOPICS_MAX` hashtags, as typed (without '#'), each once."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > TOPICS_MAX:
        raise ValidationFailed(
            _("topics must be a list of at most %(max)s hashtags.", max=TOPICS_MAX),
            fields={"topics": "not_list"},
        )
    kept: dict[str, str] = {}
    for raw in value:
        if not isinstance(raw, str):
            raise ValidationFailed(_("Each topic must be text."), fields={"topics": "not_text"})
        kept.setdefault(check_tag(raw.strip(), "topics"), raw.strip().lstrip("#"))
    return list(kept.values())


def check_feedback(data: Any) -> dict[str, Any]:
    """The checked fields: a title and lessons are required, the other sections optional.

    :raise ValidationFailed: unknown fields, no title or lessons, bad topics.
    :raise TooLarge: a title or section too long.
    """
    data = check_known_fields(data, FIELDS)
    checked: dict[str, Any] = {
        "title": check_text(data.get("title"), "title", max_len=QUESTION_TITLE_MAX)
    }
    for section in FEEDBACK_SECTIONS:
        checked[section] = check_text(
            data.get(section),
            section,
            max_len=SECTION_MAX_CHARS,
            required=section == "lessons",
            multiline=True,
        )
    checked["topics"] = _check_topics(data.get("topics"))
    return checked


def markdown_of(sections: dict[str, str], topics: list[str]) -> str:
    """The post's Markdown: each non-empty section under its heading, then the topics."""
    parts = [
        f"### {SECTION_TITLES[name]}\n\n{sections[name]}"
        for name in FEEDBACK_SECTIONS
        if sections.get(name)
    ]
    if topics:
        parts.append(" ".join(f"#{tag}" for tag in topics))
    return "\n\n".join(parts)


def do_create_feedback(user: User, data: Any, *, created_at: datetime | None = None) -> Post:
    """Publish a feedback summary ``{"title", "context", "what_worked", "what_did_not",
    "lessons", "next_steps", "topics", "group_id"}`` (in a group, or for the company) and
    publish ``post.created`` to its audience. All or nothing. ``created_at`` (naive UTC,
    default now): an anonymous onboarding answer is dated at the start of its day, so its
    moment does not name its writer (``onboarding.steps``).

    :raise ValidationFailed: see :func:`check_feedback`; an unknown or invisible group.
    :raise Forbidden: muted, not a member of the group, or the group is archived.
    """
    fields = check_feedback(data)
    group_id = check_group_for_posting(user, data.get("group_id"))
    texts = {name: fields[name] for name in ("title", *FEEDBACK_SECTIONS)}
    screening = screening_gate.check_writing(user, texts)
    sections = {name: screening.texts.get(name, "") for name in FEEDBACK_SECTIONS}
    post = Post(
        author_id=user.id,
        author=user,
        group_id=group_id,
        kind=KIND,
        title=screening.texts["title"],
        body="",
        body_html="",
        created_at=created_at or utcnow(),
    )
    db.session.add(post)
    db.session.flush()
    mentioned = _store_body(post, markdown_of(sections, fields["topics"]))
    db.session.add(FeedbackSummary(post_id=post.id, **sections))
    db.session.flush()
    screening_gate.settle_post(user, post, screening)
    item = post_dict(post)
    item["feedback"] = feedback_for_posts(user, [post])[post.id]
    publish("post.created", item, room=policy.room_for_post(post), post_id=post.id)
    notifications.do_notify(mentioned, NotificationType.MENTIONED, actor=user, post=post)
    return post


def feedback_for_posts(_viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """The attachment loader of ``feedback`` posts: ``{post_id: {"sections", "topics"}}``
    in two queries for a whole page (the same for every reader)."""
    ids = [p.id for p in posts]
    if not ids:
        return {}
    rows = db.session.scalars(select(FeedbackSummary).where(FeedbackSummary.post_id.in_(ids)))
    tags: dict[int, list[str]] = defaultdict(list)
    for post_id, tag in db.session.execute(
        select(PostHashtag.post_id, PostHashtag.tag)
        .where(PostHashtag.post_id.in_(ids))
        .order_by(PostHashtag.tag)
    ):
        tags[post_id].append(tag)
    return {
        row.post_id: {
            "sections": {name: getattr(row, name) for name in FEEDBACK_SECTIONS},
            "topics": tags[row.post_id],
        }
        for row in rows
    }


attachments.register(KIND, feedback_for_posts)
