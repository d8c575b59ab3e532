"""Helpers for tests that read personal digests (tests/test_digest.py, the leak matrices)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from socialnet.models import User
from socialnet.models._time import now_utc
from socialnet.services import digest
from socialnet.services.celebrations import company_tz


def local_noon(day: date) -> datetime:
    """Noon of ``day`` in the company's time zone, as aware UTC."""
    return datetime.combine(day, time(12), tzinfo=company_tz()).astimezone(UTC)


def next_week() -> datetime:
    """Monday noon next week: the weekly digest then tells about this week, which holds
    everything a test just wrote."""
    today = now_utc().astimezone(company_tz()).date()
    return local_noon(today + timedelta(days=7 - today.weekday()))


def tomorrow() -> datetime:
    return local_noon(now_utc().astimezone(company_tz()).date() + timedelta(days=1))


def weekly(user: User) -> digest.Digest:
    """``user``'s weekly digest of this week, as it would be built next Monday."""
    return digest.gather(user, digest.current_period("weekly", next_week()))


def post_ids_in(d: digest.Digest) -> set[int]:
    return {i["post_id"] for i in d.announcements + d.mentions + d.posts}
