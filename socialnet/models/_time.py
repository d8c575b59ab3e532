"""Time helpers shared by the models: all timestamps are naive UTC in the database."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Current time as naive UTC (the same on SQLite and PostgreSQL columns)."""
    return datetime.now(UTC).replace(tzinfo=None)
