"""Personal digests: the record that makes each one go out once per person and period."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


DIGEST_FREQUENCIES: tuple[str, ...] = tuple(f.value for f in DigestFrequency)


class DigestSend(db.Model):
    """One person's digest for one period, claimed before it is sent.

    The job inserts the row with ``ON CONFLICT (user_id, period_start) DO NOTHING`` and
    sends only when its insert wrote it: two processes, or two passes, never send one
    period's digest twice. ``item_count`` 0 means there was nothing to say (no email).
    """

    __tablename__ = "digest_sends"
    __table_args__ = (
        UniqueConstraint("user_id", "period_start"),
        #: Each job pass asks who is not claimed yet for the current period.
        Index("ix_digest_sends_period_start", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The first day (company time zone) of the period: the day itself (daily), its Monday
    #: (weekly). The digest tells what happened in the period before.
    period_start: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(8))
    item_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
