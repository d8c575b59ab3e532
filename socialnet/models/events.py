"""The realtime event log: every published event, kept for reconnect catch-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class Event(db.Model):
    """One event addressed to one room.

    The row is written in the same transaction as the change it describes, so an
    event exists exactly when its change committed; its id is the event id the
    clients see. ``post_id`` and ``group_id`` let catch-up re-check the
    *current* visibility of what an event is about before replaying it.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_room_id", "room", "id"),
        # Ids are never reused, even after the newest rows are deleted with their
        # group: a client's last_event_id must keep meaning "everything up to here".
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    room: Mapped[str] = mapped_column(String(64))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
