"""The company's calendar day (``SOCIALNET_COMPANY_TIMEZONE``), for rules stated in days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .. import policy
from ..models import User
from ..models._time import now_utc


def company_today(now: datetime | None = None) -> date:
    """Today in the company's time zone at ``now`` (naive means UTC)."""
    now = now or now_utc()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    zone = ZoneInfo(current_app.config.get("COMPANY_TIMEZONE") or "Europe/Paris")
    return now.astimezone(zone).date()


def guest_locked_out(user: User) -> bool:
    """``user`` is a guest whose access ended (no query: every loader asks it)."""
    return policy.guest_access_ended(user, company_today())
