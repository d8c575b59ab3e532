"""Adding one's voice to a pain point (one vote per person, the database says so) and
following it. Votes of one pain point are taken under its lock, so a merge never misses
one cast at the same moment."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete

from ... import policy
from ...errors import Conflict, Forbidden
from ...extensions import db
from ...models import PainPoint, PainPointFollower, PainPointVote, Post, User
from ..sanctions import check_can_contribute
from .filing import add_vote, insert_ignoring_duplicates
from .reading import access_pain_point, is_open, lock_pain_point, publish_update


def _check_open(details: PainPoint) -> None:
    if details.merged_into_id is not None:
        raise Conflict(
            _(
                "This pain point was merged into pain point #%(id)s: vote there.",
                id=details.merged_into_id,
            )
        )
    if not is_open(details):
        raise Conflict(_("This pain point is closed: votes are closed too."))


def _access_writable(user: User, pain_point_id: int) -> tuple[Post, PainPoint]:
    post, _details = access_pain_point(user, pain_point_id)
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    return post, lock_pain_point(pain_point_id)


def do_vote(user: User, pain_point_id: int) -> Post:
    """Add ``user``'s voice (they follow it too) and publish ``pain_point.updated``.

    :raise NotFound: ``user`` may not see it. :raise Forbidden: muted, archived group.
    :raise Conflict: already voted, closed, or merged into another (named).
    """
    check_can_contribute(user)
    post, details = _access_writable(user, pain_point_id)
    _check_open(details)
    if not add_vote(pain_point_id, user.id):
        raise Conflict(_("You already voted for this pain point."))
    publish_update(post, details)
    return post


def do_unvote(user: User, pain_point_id: int) -> Post:
    """Take ``user``'s voice back (they stop following it too).

    :raise NotFound: ``user`` may not see it. :raise Conflict: they had not voted.
    """
    post, details = _access_writable(user, pain_point_id)
    removed = db.session.execute(
        delete(PainPointVote).where(
            PainPointVote.post_id == pain_point_id, PainPointVote.user_id == user.id
        )
    ).rowcount
    if not removed:
        raise Conflict(_("You have not voted for this pain point."))
    db.session.execute(
        delete(PainPointFollower).where(
            PainPointFollower.post_id == pain_point_id, PainPointFollower.user_id == user.id
        )
    )
    publish_update(post, details)
    return post


def do_follow(user: User, pain_point_id: int, *, follow: bool) -> Post:
    """Follow (be told of status changes) or stop following; doing it twice changes
    nothing. :raise NotFound: ``user`` may not see it."""
    post, _details = access_pain_point(user, pain_point_id)
    if follow:
        insert_ignoring_duplicates(
            PainPointFollower,
            {"post_id": pain_point_id, "user_id": user.id},
            ["post_id", "user_id"],
        )
    else:
        db.session.execute(
            delete(PainPointFollower).where(
                PainPointFollower.post_id == pain_point_id, PainPointFollower.user_id == user.id
            )
        )
    return post
