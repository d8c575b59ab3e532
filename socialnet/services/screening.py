"""The gate every piece of writing passes before it is stored: sanctions, watched words,
pre-moderated groups.

A content service calls :func:`check_writing` first (a muted person is refused,
a ``block`` word refuses the text, ``censor`` words come back masked), writes
its rows, then calls :func:`settle_post` / :func:`settle_comment` /
:func:`settle_group` *before it publishes*: held content becomes ``pending``
(``policy.room_for_post`` then sends its events to the author only) with an
approval case; flagged content stays published with a case.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import CaseKind, Comment, Group, ModerationState, Post, User
from ..realtime.publisher import publish
from . import sanctions, watched_words
from .case_opening import Target, open_case, target_of_comment, target_of_post
from .cases import publish_case_updated
from .watched_words import Screening

PREMODERATED_SUMMARY = "Held: this group is pre-moderated"


def check_writing(user: User, fields: dict[str, str | None]) -> Screening:
    """:raise Forbidden: ``user`` is muted. :raise ValidationFailed: a blocked word."""
    sanctions.check_can_contribute(user)
    return watched_words.screen(fields)


def _premoderated_for(user: User, group_id: int | None) -> bool:
    """Posts in a pre-moderated group wait, except those of the people who approve them."""
    if group_id is None:
        return False
    premoderated = db.session.scalar(select(Group.premoderated).where(Group.id == group_id))
    return bool(premoderated) and not policy.can_moderate_group(user, group_id)


def _open(kind: str, target: Target, summary: str) -> None:
    case = open_case(kind, target, severity=2, summary=summary)
    publish_case_updated(case)


def settle_post(user: User, post: Post, screening: Screening, *, is_new: bool = True) -> None:
    """Hold or flag ``post`` as ``screening`` and its group say (flushes).

    An edit that now needs approval takes the post out of its audience's feeds. A draft
    (an editorial item's, unpublished) is screened when it is published instead.
    """
    if post.moderation_state == ModerationState.DRAFT.value:
        return
    premoderated = is_new and _premoderated_for(user, post.group_id)
    if screening.hold or premoderated:
        if post.moderation_state == ModerationState.PUBLISHED.value and not is_new:
            publish(
                "post.hidden",
                {"id": post.id, "group_id": post.group_id, "moderation_state": "pending"},
                room=policy.audience_room_for_post(post),
                post_id=post.id,
                group_id=post.group_id,
            )
        post.moderation_state = ModerationState.PENDING.value
        db.session.flush()
        _open(
            CaseKind.APPROVAL.value, target_of_post(post), screening.summary or PREMODERATED_SUMMARY
        )
    if screening.flags:
        _open(CaseKind.FLAG.value, target_of_post(post), screening.summary)


def flag_post(post: Post, screening: Screening) -> None:
    """Open a flag case for words that would hold or flag ``post`` (which stays published)."""
    if screening.hold or screening.flags:
        _open(CaseKind.FLAG.value, target_of_post(post), screening.summary)


def settle_comment(comment: Comment, post: Post, screening: Screening) -> None:
    if screening.hold:
        comment.moderation_state = ModerationState.PENDING.value
        db.session.flush()
        _open(CaseKind.APPROVAL.value, target_of_comment(comment, post), screening.summary)
    if screening.flags:
        _open(CaseKind.FLAG.value, target_of_comment(comment, post), screening.summary)


def settle_group(group: Group, screening: Screening) -> None:
    """A group cannot wait unpublished: words that require approval flag it instead."""
    if screening.hold or screening.flags:
        target = Target("group", group.id, group.id, group.created_by_id)
        _open(CaseKind.FLAG.value, target, screening.summary)
