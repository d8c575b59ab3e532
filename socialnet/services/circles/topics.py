"""Topics: members propose them and vote (once each); the facilitator picks the next one;
planning a session on one marks it held, cancelling that session puts it back."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from ... import policy
from ...errors import Conflict, Forbidden, NotFound
from ...extensions import db
from ...models import Circle, CircleTopic, CircleTopicVote, Group, User
from ...models._time import utcnow
from ...models.circles import TOPIC_DESCRIPTION_MAX, TOPIC_TITLE_MAX
from .. import screening as screening_gate
from ..unique import flush_unless_taken
from ..validation import check_known_fields, check_text
from .live import topic_changed
from .reading import access_circle


def check_open(circle: Circle) -> None:
    """:raise Forbidden: the circle's group is archived (read-only)."""
    group = db.session.get(Group, circle.group_id)
    if group is not None and group.is_archived:
        raise Forbidden(policy.READ_ONLY_REFUSAL)


def access_topic(user: User, circle_id: int, topic_id: int) -> tuple[Circle, CircleTopic]:
    """:raise NotFound: the circle is not ``user``'s, or has no such topic."""
    circle = access_circle(user, circle_id)
    topic = db.session.get(CircleTopic, topic_id)
    if topic is None or topic.circle_id != circle.group_id:
        raise NotFound(_("No such topic."))
    return circle, topic


def new_topic(user: User, circle: Circle, title: Any, description: Any = "") -> CircleTopic:
    """A topic proposed by ``user`` (checked and screened like any text people write)."""
    texts = {"title": check_text(title, "title", max_len=TOPIC_TITLE_MAX)}
    texts["description"] = check_text(
        description, "description", max_len=TOPIC_DESCRIPTION_MAX, required=False, multiline=True
    )
    screening = screening_gate.check_writing(user, texts)
    topic = CircleTopic(
        circle_id=circle.group_id,
        title=screening.texts["title"],
        description=screening.texts.get("description", ""),
        proposed_by_id=user.id,
    )
    db.session.add(topic)
    db.session.flush()
    return topic


def do_propose_topic(user: User, circle_id: int, data: Any) -> tuple[Circle, CircleTopic]:
    """A member proposes ``{"title", "description"}``.

    :raise NotFound: not a member. :raise ValidationFailed: no title.
    :raise TooLarge: a title over 200 or a description over 2,000 characters.
    """
    data = check_known_fields(data, {"title", "description"})
    circle = access_circle(user, circle_id)
    check_open(circle)
    topic = new_topic(user, circle, data.get("title"), data.get("description") or "")
    topic_changed(topic)
    return circle, topic


def _check_votable(topic: CircleTopic) -> None:
    if topic.status == "held":
        raise Conflict(_("This topic was already presented."), fields={"topic_id": "held"})


def do_vote(user: User, circle_id: int, topic_id: int) -> tuple[Circle, CircleTopic]:
    """One vote per member and topic (the primary key decides).

    :raise Conflict: already voted for it, or the topic was presented already.
    """
    circle, topic = access_topic(user, circle_id, topic_id)
    check_open(circle)
    _check_votable(topic)
    db.session.add(CircleTopicVote(topic_id=topic.id, user_id=user.id))
    flush_unless_taken(
        "circle_topic_votes",
        Conflict(_("You already voted for this topic."), fields={"vote": "taken"}),
    )
    topic_changed(topic)
    return circle, topic


def do_unvote(user: User, circle_id: int, topic_id: int) -> tuple[Circle, CircleTopic]:
    """Withdraw one's vote. :raise Conflict: there was none to withdraw."""
    circle, topic = access_topic(user, circle_id, topic_id)
    check_open(circle)
    _check_votable(topic)
    gone = db.session.execute(
        delete(CircleTopicVote).where(
            CircleTopicVote.topic_id == topic.id, CircleTopicVote.user_id == user.id
        )
    ).rowcount
    if not gone:
        raise Conflict(_("You have not voted for this topic."), fields={"vote": "none"})
    topic_changed(topic)
    return circle, topic


def do_pick_topic(user: User, circle_id: int, topic_id: int) -> tuple[Circle, CircleTopic]:
    """The facilitator picks the next topic; a topic picked before goes back to the vote.

    :raise Forbidden: not the facilitator. :raise Conflict: the topic was presented already.
    """
    circle, topic = access_topic(user, circle_id, topic_id)
    if not policy.can_facilitate(user, circle):
        raise Forbidden(_("Only the circle's facilitator picks the next topic."))
    check_open(circle)
    _check_votable(topic)
    before = list(
        db.session.scalars(
            select(CircleTopic).where(
                CircleTopic.circle_id == circle.group_id,
                CircleTopic.status == "picked",
                CircleTopic.id != topic.id,
            )
        )
    )
    db.session.execute(
        update(CircleTopic)
        .where(CircleTopic.circle_id == circle.group_id, CircleTopic.status == "picked")
        .values(status="proposed", picked_at=None)
        .execution_options(synchronize_session="fetch")
    )
    topic.status, topic.picked_at = "picked", utcnow()
    db.session.flush()
    for changed in [*before, topic]:
        topic_changed(changed)
    return circle, topic


def restore_topic(topic: CircleTopic) -> None:
    """Put a held topic back where it was before its session was planned (the session was
    cancelled): ``picked`` if it was the facilitator's pick then — its ``picked_at`` stays
    set while held — and no other topic has been picked since; otherwise ``proposed``,
    back in the vote with the votes it had."""
    picked_since = db.session.scalar(
        select(CircleTopic.id).where(
            CircleTopic.circle_id == topic.circle_id,
            CircleTopic.status == "picked",
            CircleTopic.id != topic.id,
        )
    )
    if topic.picked_at is not None and picked_since is None:
        topic.status = "picked"
    else:
        topic.status, topic.picked_at = "proposed", None
    db.session.flush()
