"""Skills people declare on their profile, and colleagues' endorsements of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..text_keys import KEY_WIDTH_FACTOR
from ._time import utcnow

#: The longest skill name, in characters.
SKILL_NAME_MAX = 60


class Skill(db.Model):
    """A normalised skill tag: one row per :func:`~socialnet.text_keys.fold` key, so
    "Python", "python" and "PYTHON" are one skill, spelled as first declared."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(SKILL_NAME_MAX))
    key: Mapped[str] = mapped_column(String(SKILL_NAME_MAX * KEY_WIDTH_FACTOR), unique=True)


class UserSkill(db.Model):
    """``user_id`` declares ``skill_id`` on their profile."""

    __tablename__ = "user_skills"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class Endorsement(db.Model):
    """``endorser_id`` vouches for ``user_id``'s ``skill_id``; once per person and skill."""

    __tablename__ = "skill_endorsements"
    __table_args__ = (
        UniqueConstraint("user_id", "skill_id", "endorser_id"),
        CheckConstraint("endorser_id <> user_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    endorser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
