"""Recognition: company values, kudos, and celebrations (birthdays, anniversaries, joiners)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from ..text_keys import KEY_WIDTH_FACTOR, fold
from ._time import utcnow

CELEBRATION_KINDS = ("birthday", "anniversary", "new_joiner", "team_success")
#: The width of a company value's name.
NAME_MAX = 60


class CompanyValue(db.Model):
    """A value badge kudos are given for (set by admins: Expertise, Entraide…)."""

    __tablename__ = "company_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    #: :func:`~socialnet.text_keys.fold` of the name: "Équipe" and "EQUIPE" are one value.
    name_key: Mapped[str] = mapped_column(
        String(NAME_MAX * KEY_WIDTH_FACTOR), unique=True, index=True, server_default=""
    )
    description: Mapped[str] = mapped_column(String(300), default="")
    emoji: Mapped[str] = mapped_column(String(16), default="")
    active: Mapped[bool] = mapped_column(default=True)

    @validates("name")
    def _keep_key(self, _attribute: str, name: str) -> str:
        self.name_key = fold(name)
        return name


class Kudos(db.Model):
    """Public thanks from one person to one to ten colleagues; a post of kind ``kudos``."""

    __tablename__ = "kudos"
    __table_args__ = (Index("ix_kudos_created_at", "created_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("company_values.id", ondelete="RESTRICT"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KudosRecipient(db.Model):
    __tablename__ = "kudos_recipients"

    kudos_id: Mapped[int] = mapped_column(
        ForeignKey("kudos.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Celebration(db.Model):
    """One celebration post: a person's occasion, or a team success naming several people.

    The unique key (kind, user_id, occasion_date) makes the daily job idempotent
    in the database: run twice, or twice at once, it creates nothing more.
    """

    __tablename__ = "celebrations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('birthday', 'anniversary', 'new_joiner', 'team_success')",
            name="kind_known",
        ),
        UniqueConstraint("kind", "user_id", "occasion_date"),
        Index("ix_celebrations_occasion_date", "occasion_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    occasion_date: Mapped[date]
    years: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CelebrationPerson(db.Model):
    """The people a team-success celebration names."""

    __tablename__ = "celebration_people"

    celebration_id: Mapped[int] = mapped_column(
        ForeignKey("celebrations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
