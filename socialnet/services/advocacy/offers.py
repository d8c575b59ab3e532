"""Shareable posts: community managers offer a company-wide post for sharing outside.

Contract: only a post every employee reads (``policy.company_wide_post_filter``: company
space or public group, published, not an announcement) may be offered; a post in a
private or secret group is refused (409), one the caller may not see is a 404. The offer
holds a target on one of the company's sites (``targets.check_target_url``) and suggested
texts per network and language. Marking, changing and withdrawing are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import NETWORKS, TEXT_LANGUAGES, Post, Shareable, User
from ...models._time import utcnow
from ...models.advocacy import SUGGESTED_TEXT_MAX
from ...serializers import iso, user_summary
from .. import audit
from ..posts import access_post
from ..validation import check_known_fields, check_text, parse_datetime
from .targets import check_target_url

FIELDS = {"target_url", "texts", "ends_at"}
EXCERPT = 200


def check_can_manage(user: User) -> None:
    """:raise Forbidden: ``user`` is not a community manager or administrator."""
    if not policy.can_manage_shareables(user):
        raise Forbidden(_("Only community managers and administrators offer posts for sharing."))


def check_texts(raw: Any) -> dict[str, dict[str, str]]:
    """``{network: {language: text}}``: known networks and languages, each text one
    paragraph of at most :data:`SUGGESTED_TEXT_MAX` characters; at least one text.

    :raise ValidationFailed: ``texts`` names what is wrong (``not_allowed``, ``empty``…).
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationFailed(_("texts must be an object."), fields={"texts": "not_object"})
    texts: dict[str, dict[str, str]] = {}
    for network, by_language in raw.items():
        if network not in NETWORKS:
            raise ValidationFailed(
                _("Unknown network: %(name)s.", name=str(network)[:40]),
                fields={"texts": "not_allowed"},
            )
        if not isinstance(by_language, dict):
            raise ValidationFailed(_("texts must be an object."), fields={"texts": "not_object"})
        for language, value in by_language.items():
            if language not in TEXT_LANGUAGES:
                raise ValidationFailed(
                    _("Unknown language: %(name)s.", name=str(language)[:10]),
                    fields={"texts": "not_allowed"},
                )
            text = check_text(
                value, "texts", max_len=SUGGESTED_TEXT_MAX, required=False, multiline=True
            )
            if text:
                texts.setdefault(network, {})[language] = text
    if not texts:
        raise ValidationFailed(_("Suggest at least one text to share."), fields={"texts": "empty"})
    return texts


def _check_post(user: User, post_id: int) -> Post:
    post = access_post(user, post_id)
    eligible = db.session.scalar(
        select(Post.id).where(Post.id == post.id, policy.company_wide_post_filter())
    )
    if eligible is None:
        raise Conflict(
            _(
                "Only a post the whole company reads can be shared outside: not one in a "
                "private or secret group, an announcement, or a post held or hidden."
            ),
            fields={"post_id": "not_company_wide"},
        )
    return post


def shareable_of_post(post_id: int) -> Shareable | None:
    return db.session.scalar(select(Shareable).where(Shareable.post_id == post_id))


def do_mark_shareable(user: User, post_id: int, data: Any) -> tuple[Shareable, Post, bool]:
    """Offer the post ``post_id`` for sharing, or change the offer (withdrawn: offered
    again). Returns the shareable, its post and whether it was created.

    :raise Forbidden: not a community manager. :raise NotFound: no such post for ``user``.
    :raise Conflict: the post is not company-wide. :raise ValidationFailed: bad fields
        (nothing written).
    """
    check_can_manage(user)
    data = check_known_fields(data, FIELDS)
    post = _check_post(user, post_id)
    target = check_target_url(data.get("target_url"))
    texts = check_texts(data.get("texts"))
    ends_at = parse_datetime(data.get("ends_at"), "ends_at")
    now = utcnow()
    if ends_at is not None and ends_at <= now:
        raise ValidationFailed(
            _("The end must be in the future."), fields={"ends_at": "in_the_past"}
        )
    shareable = shareable_of_post(post.id)
    created = shareable is None
    before = None if created else describe_change(shareable)
    if created:
        shareable = Shareable(post_id=post.id, created_by_id=user.id, created_at=now)
        db.session.add(shareable)
    shareable.target_url, shareable.texts, shareable.ends_at = target, texts, ends_at
    shareable.withdrawn_at, shareable.updated_at = None, now
    db.session.flush()
    audit.record(
        user,
        "post.shareable",
        "post",
        post.id,
        before=before,
        after=describe_change(shareable),
    )
    return shareable, post, created


def describe_change(shareable: Shareable) -> dict[str, Any]:
    return {
        "target_url": shareable.target_url,
        "texts": shareable.texts,
        "ends_at": iso(shareable.ends_at),
        "withdrawn": shareable.withdrawn_at is not None,
    }


def access_managed(user: User, post_id: int) -> tuple[Shareable, Post]:
    """The offer on ``post_id``, for a community manager.

    :raise Forbidden: not one. :raise NotFound: no such post for them, or no offer on it.
    """
    check_can_manage(user)
    post = access_post(user, post_id)
    shareable = shareable_of_post(post.id)
    if shareable is None:
        raise NotFound(_("This post is not offered for sharing."))
    return shareable, post


def do_withdraw(user: User, post_id: int) -> Shareable:
    """Stop offering the post: it leaves the Share page and its tracked links stop
    redirecting (they answer the same 404 as an unknown link). Idempotent."""
    shareable, _post = access_managed(user, post_id)
    if shareable.withdrawn_at is None:
        shareable.withdrawn_at = shareable.updated_at = utcnow()
        db.session.flush()
        audit.record(user, "post.shareable_withdrawn", "post", post_id)
    return shareable


def is_offered(shareable: Shareable, now: datetime) -> bool:
    """Offered at ``now`` as far as the offer itself goes (the post is checked in SQL)."""
    return shareable.withdrawn_at is None and (shareable.ends_at is None or shareable.ends_at > now)


def post_summary(post: Post) -> dict[str, Any]:
    """What the Share page shows of the internal post (never sent outside)."""
    text = " ".join((post.title or post.body or "").split())
    return {
        "id": post.id,
        "title": post.title,
        "excerpt": text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…",
        "author": user_summary(post.author),
        "url": f"/posts/{post.id}",
    }


def shareable_dict(shareable: Shareable, post: Post, now: datetime | None = None) -> dict[str, Any]:
    """The one dict of a shareable (API, pages)."""
    return {
        "id": shareable.id,
        "post": post_summary(post),
        "target_url": shareable.target_url,
        "texts": shareable.texts,
        "ends_at": iso(shareable.ends_at),
        "withdrawn_at": iso(shareable.withdrawn_at),
        "offered": is_offered(shareable, now or utcnow()),
        "created_at": iso(shareable.created_at),
        "updated_at": iso(shareable.updated_at),
    }


def suggested_text(shareable: Shareable, network: str, language: str) -> str:
    """The suggested text for ``network`` in ``language``, else in the other language,
    else any network's text in ``language`` (a CM may write one text for all)."""
    texts = shareable.texts or {}
    by_language = texts.get(network) or {}
    for lang in (language, *TEXT_LANGUAGES):
        if by_language.get(lang):
            return by_language[lang]
    for other in texts.values():
        if other.get(language):
            return other[language]
    return next((t for other in texts.values() for t in other.values() if t), "")
