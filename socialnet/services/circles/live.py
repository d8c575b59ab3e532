"""Live circle pages: each change to a circle is told to its members' sockets after the
commit (``realtime.publisher``), in the room of the circle's group.

Only members hear it: a circle's group is secret, so its members join ``group:<id>`` on
connect, ``policy.can_join_room`` refuses that room to anyone else, and catch-up replays
these events only to people who still belong to the group (``events.group_id``).

The events are thin — ids, states and counts, never anyone's words — so nothing per
viewer is broadcast (an open page re-reads what it shows for its own viewer), and a topic
or synthesis erased later is not replayed by catch-up:

- ``circle.updated`` ``{"circle_id"}``: name, description, cadence or facilitator changed;
- ``circle.topic.changed`` ``{"circle_id", "topic_id", "status", "votes"}``: a topic was
  proposed, voted for or unvoted, picked (the former pick, back in the vote, gets its
  own), held by a planned session, or released by a cancelled one;
- ``circle.session.changed`` ``{"circle_id", "session_id", "synthesis_state"}``: a session
  was planned or cancelled, its attendance taken, its synthesis published or shared.

Members who join or leave come as the group's own ``member.joined`` / ``member.left``.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    CircleSession,
    CircleSynthesis,
    CircleTopic,
    CircleTopicVote,
    EventDetails,
    Post,
)
from ...models._time import utcnow
from ...realtime.publisher import publish
from .reading import synthesis_state

CIRCLE_UPDATED = "circle.updated"
TOPIC_CHANGED = "circle.topic.changed"
SESSION_CHANGED = "circle.session.changed"


def _publish(event_type: str, circle_id: int, data: dict) -> None:
    publish(
        event_type, {"circle_id": circle_id, **data}, room=f"group:{circle_id}", group_id=circle_id
    )


def circle_updated(circle_id: int) -> None:
    """``circle.updated`` to the circle's members."""
    _publish(CIRCLE_UPDATED, circle_id, {})


def topic_changed(topic: CircleTopic) -> None:
    """``circle.topic.changed`` with the topic's status and vote count as they are now."""
    votes = db.session.scalar(
        select(func.count())
        .select_from(CircleTopicVote)
        .where(CircleTopicVote.topic_id == topic.id)
    )
    _publish(
        TOPIC_CHANGED,
        topic.circle_id,
        {"topic_id": topic.id, "status": topic.status, "votes": votes},
    )


def session_changed(session: CircleSession) -> None:
    """``circle.session.changed`` with the session's synthesis state as it is now."""
    details = db.session.get(EventDetails, session.event_post_id)
    event = db.session.get(Post, session.event_post_id)
    if event is None or event.deleted_at is not None:
        details = None
    state = synthesis_state(details, db.session.get(CircleSynthesis, session.id), utcnow())
    _publish(
        SESSION_CHANGED, session.circle_id, {"session_id": session.id, "synthesis_state": state}
    )
