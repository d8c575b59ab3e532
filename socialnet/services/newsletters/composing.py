"""Composing a newsletter: the checks, drafts, scheduling, cancelling.

Only content every recipient may see can go in: each post must be visible to its composer
(else it is "not found", exactly like a missing or deleted post) and to every person of the
audience as that audience stands now (:func:`~socialnet.policy.post_visible_to_row`, one
statement per issue). The sending job checks again, per reader (``sending``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, exists, not_, select

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...markup import render
from ...models import (
    ModerationState,
    Newsletter,
    NewsletterItem,
    NewsletterSection,
    NewsletterStatus,
    Post,
    User,
)
from ...models._time import utcnow
from ..validation import MAX_ID, check_known_fields, check_text, parse_datetime
from .audience import audience_ids, check_audience

FIELDS = {"title", "intro", "sections", "audience", "publish_at"}
SECTION_FIELDS = {"heading", "text", "post_ids"}
MAX_SECTIONS = 12
#: Posts in one issue, all sections together: a newsletter is a selection, not a feed.
MAX_ITEMS = 40
TEXT_MAX = 5_000
#: A publish_at this far in the past is taken as "now" (clock skew, slow typing).
PAST_TOLERANCE = timedelta(minutes=2)
EDITABLE = (NewsletterStatus.DRAFT.value, NewsletterStatus.SCHEDULED.value)


def _no_mentions(_handles: set[str]) -> dict:
    return {}


def render_text(source: str) -> str:
    """Markdown of the team's own text (intro, section text) as sanitized HTML; ``@words``
    stay text (a newsletter notifies nobody)."""
    return render(source, _no_mentions).html if source else ""


# -- access --------------------------------------------------------------------------------


def check_can_compose(user: User) -> None:
    """:raise Forbidden: not a community manager or an administrator."""
    if not policy.can_compose_newsletter(user):
        raise Forbidden(_("Only community managers and administrators write newsletters."))


def access_newsletter(user: User, newsletter_id: int) -> Newsletter:
    """The issue if ``user`` may read it. :raise NotFound: missing or not theirs to read."""
    newsletter = db.session.get(Newsletter, newsletter_id)
    if newsletter is None or not policy.can_read_newsletter(user, newsletter):
        raise NotFound(_("No such newsletter."))
    return newsletter


def access_managed(user: User, newsletter_id: int) -> Newsletter:
    """The issue if ``user`` may manage it.

    :raise NotFound: missing or unreadable. :raise Forbidden: a reader, not a manager.
    """
    newsletter = access_newsletter(user, newsletter_id)
    if not policy.can_manage_newsletter(user, newsletter):
        raise Forbidden(_("Only community managers and administrators manage newsletters."))
    return newsletter


# -- sections and their posts --------------------------------------------------------------


def _check_post_ids(raw: Any, field: str) -> list[int]:
    if raw is None:
        return []
    if not isinstance(raw, list) or any(
        isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= MAX_ID for i in raw
    ):
        raise ValidationFailed(
            _("%(field)s must be a list of post ids.", field=field), fields={field: "invalid"}
        )
    return raw


def check_sections(raw: Any) -> list[tuple[str, str, list[int]]]:
    """The sections as (heading, text, post ids); every check before any lookup.

    :raise ValidationFailed: none (``fields.sections`` = ``empty``), too many, a bad
        section, more than :data:`MAX_ITEMS` posts (``too_many_posts``) or one post twice.
    """
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(
            _("A newsletter needs at least one section."), fields={"sections": "empty"}
        )
    if len(raw) > MAX_SECTIONS:
        raise ValidationFailed(
            _("A newsletter has at most %(max)d sections.", max=MAX_SECTIONS),
            fields={"sections": "too_many"},
        )
    sections = []
    for n, section in enumerate(raw):
        where = f"sections[{n}]"
        if not isinstance(section, dict):
            raise ValidationFailed(
                _("%(field)s must be an object.", field=where), fields={where: "invalid"}
            )
        check_known_fields(section, SECTION_FIELDS)
        heading = check_text(section.get("heading"), f"{where}.heading", max_len=200)
        text = check_text(
            section.get("text"), f"{where}.text", max_len=TEXT_MAX, required=False, multiline=True
        )
        sections.append((heading, text, _check_post_ids(section.get("post_ids"), where)))
    ids = [i for _h, _t, post_ids in sections for i in post_ids]
    if len(ids) > MAX_ITEMS:
        raise ValidationFailed(
            ngettext(
                "A newsletter holds at most %(num)d post; this one has %(count)d.",
                "A newsletter holds at most %(num)d posts; this one has %(count)d.",
                MAX_ITEMS,
                count=len(ids),
            ),
            fields={"sections": "too_many_posts"},
        )
    if len(set(ids)) != len(ids):
        raise ValidationFailed(
            _("Each post can appear only once in a newsletter."),
            fields={"sections": "duplicate_post"},
        )
    return sections


def check_posts(user: User, post_ids: list[int], audience: Select) -> None:
    """Every post exists, ``user`` sees it, it is published, and every person of
    ``audience`` sees it.

    :raise ValidationFailed: ``fields.sections``: ``unknown_post`` (missing, deleted or not
        visible to ``user``: one answer), ``not_published`` (held or hidden) or
        ``not_visible_to_audience``; ``post_ids`` names the posts.
    """
    if not post_ids:
        return
    seen = set(
        db.session.scalars(
            select(Post.id).where(Post.id.in_(post_ids), policy.visible_posts_filter(user))
        )
    )
    missing = [i for i in post_ids if i not in seen]
    if missing:
        raise ValidationFailed(
            ngettext(
                "Post %(ids)s does not exist or was deleted.",
                "Posts %(ids)s do not exist or were deleted.",
                len(missing),
                ids=", ".join(map(str, missing)),
            ),
            fields={"sections": "unknown_post"},
            post_ids=missing,
        )
    held = list(
        db.session.scalars(
            select(Post.id).where(
                Post.id.in_(post_ids), Post.moderation_state != ModerationState.PUBLISHED.value
            )
        )
    )
    if held:
        raise ValidationFailed(
            _("Held or hidden posts cannot go in a newsletter: %(ids)s.", ids=_ids(held)),
            fields={"sections": "not_published"},
            post_ids=held,
        )
    people = audience.subquery()
    someone_blind = exists(select(people.c.id).where(not_(policy.post_visible_to_row(people.c.id))))
    blind = sorted(db.session.scalars(select(Post.id).where(Post.id.in_(post_ids), someone_blind)))
    if blind:
        raise ValidationFailed(
            _(
                "Some people of this audience may not see post(s) %(ids)s (a private or secret "
                "group, or an announcement): choose a narrower audience or other posts.",
                ids=_ids(blind),
            ),
            fields={"sections": "not_visible_to_audience"},
            post_ids=blind,
        )


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, sorted(ids)))


def check_publish_at(value: Any, now: datetime) -> datetime | None:
    """None (a draft), or a moment within a year; a moment just past means now.

    :raise ValidationFailed: ``fields.publish_at``: ``not_datetime``, ``past``, ``too_far``.
    """
    parsed = parse_datetime(value, "publish_at")
    if parsed is None:
        return None
    if parsed < now - PAST_TOLERANCE:
        raise ValidationFailed(
            _("publish_at is in the past: choose a later moment."),
            fields={"publish_at": "past"},
        )
    if parsed > now + timedelta(days=365):
        raise ValidationFailed(
            _("publish_at is more than a year away."), fields={"publish_at": "too_far"}
        )
    return max(parsed, now)


# -- writing -------------------------------------------------------------------------------


def _apply(user: User, newsletter: Newsletter, data: dict[str, Any]) -> None:
    """Check the whole of ``data`` (every field of an issue), then write it."""
    now = utcnow()
    title = check_text(data.get("title"), "title", max_len=200)
    intro = check_text(data.get("intro"), "intro", max_len=TEXT_MAX, required=False, multiline=True)
    kind, value, group_id = check_audience(user, data.get("audience"))
    sections = check_sections(data.get("sections"))
    publish_at = check_publish_at(data.get("publish_at"), now)
    post_ids = [i for _h, _t, ids in sections for i in ids]
    check_posts(user, post_ids, audience_ids(kind, value, group_id))
    newsletter.title, newsletter.intro, newsletter.intro_html = title, intro, render_text(intro)
    newsletter.audience_kind, newsletter.audience_value = kind, value
    newsletter.group_id = group_id
    newsletter.publish_at = publish_at
    newsletter.status = (
        NewsletterStatus.SCHEDULED.value if publish_at else NewsletterStatus.DRAFT.value
    )
    newsletter.updated_at = now
    newsletter.sections.clear()
    db.session.flush()  # the old sections and items go before the new positions arrive
    for position, (heading, text, ids) in enumerate(sections):
        section = NewsletterSection(
            position=position, heading=heading, text=text, text_html=render_text(text)
        )
        newsletter.sections.append(section)
        db.session.flush()
        section.items.extend(
            NewsletterItem(newsletter_id=newsletter.id, position=n, post_id=post_id)
            for n, post_id in enumerate(ids)
        )
    db.session.flush()


def do_create_newsletter(user: User, data: Any) -> Newsletter:
    """A new issue: a draft, or scheduled when ``publish_at`` is given. Nothing is written
    unless every field passes (see :func:`check_posts` for the content rule)."""
    check_can_compose(user)
    data = check_known_fields(data, FIELDS)
    newsletter = Newsletter(author_id=user.id, title="", audience_kind="company")
    db.session.add(newsletter)
    _apply(user, newsletter, data)
    return newsletter


def _check_editable(newsletter: Newsletter) -> None:
    if newsletter.status not in EDITABLE:
        raise Conflict(
            _("This newsletter was published or cancelled: it cannot change any more."),
            fields={"status": newsletter.status},
        )


def do_update_newsletter(user: User, newsletter_id: int, data: Any) -> Newsletter:
    """Change a draft or scheduled issue: the fields given replace the stored ones, and the
    whole issue is checked again (an absent ``publish_at`` keeps the schedule; ``null``
    makes it a draft).

    :raise Conflict: published or cancelled already.
    """
    newsletter = access_managed(user, newsletter_id)
    data = check_known_fields(data, FIELDS)
    _check_editable(newsletter)
    merged = {**as_input(newsletter), **data}
    if "publish_at" not in data and newsletter.publish_at is not None:
        merged["publish_at"] = max(newsletter.publish_at, utcnow()).isoformat()
    _apply(user, newsletter, merged)
    return newsletter


def as_input(newsletter: Newsletter) -> dict[str, Any]:
    """The issue as the body of ``POST /newsletters`` would state it."""
    audience: dict[str, Any] = {"kind": newsletter.audience_kind}
    if newsletter.audience_kind == "group":
        audience["value"] = newsletter.group_id
    elif newsletter.audience_kind in ("site", "department"):
        audience["value"] = newsletter.audience_value
    return {
        "title": newsletter.title,
        "intro": newsletter.intro,
        "audience": audience,
        "publish_at": newsletter.publish_at.isoformat() if newsletter.publish_at else None,
        "sections": [
            {
                "heading": s.heading,
                "text": s.text,
                "post_ids": [i.post_id for i in s.items if i.post_id is not None],
            }
            for s in newsletter.sections
        ],
    }


def do_schedule(user: User, newsletter_id: int, data: Any) -> Newsletter:
    """Schedule (or move) an issue at ``publish_at`` (absent: at the next job pass). The
    content is checked again against the audience as it stands now."""
    newsletter = access_managed(user, newsletter_id)
    data = check_known_fields(data, {"publish_at"})
    _check_editable(newsletter)
    when = check_publish_at(data.get("publish_at"), utcnow()) or utcnow()
    _apply(user, newsletter, {**as_input(newsletter), "publish_at": when.isoformat()})
    return newsletter


def do_cancel(user: User, newsletter_id: int) -> Newsletter:
    """Cancel a draft or scheduled issue (for good). :raise Conflict: published already."""
    newsletter = access_managed(user, newsletter_id)
    _check_editable(newsletter)
    newsletter.status = NewsletterStatus.CANCELLED.value
    newsletter.cancelled_at = utcnow()
    db.session.flush()
    return newsletter


POST_LINK_RE = re.compile(r"^(?:.*/posts/)?(\d{1,12})/?$")


def parse_post_refs(text: str, field: str) -> list[int]:
    """Post ids from what a composer pastes: ids or post links, separated by spaces,
    commas or lines. :raise ValidationFailed: something that is neither."""
    ids = []
    for ref in re.split(r"[\s,;]+", text.strip()):
        if not ref:
            continue
        match = POST_LINK_RE.match(ref.split("?")[0].split("#")[0])
        if match is None:
            raise ValidationFailed(
                _("%(value)s is neither a post number nor a link to a post.", value=ref),
                fields={field: "invalid"},
            )
        ids.append(int(match.group(1)))
    return ids
