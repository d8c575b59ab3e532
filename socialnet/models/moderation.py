"""Moderation: reports grouped into cases, sanctions, watched words and the audit log.

A *case* is one thing to look at in the review queue: the reports of the same
target, a watched-word flag, a post held for approval, or an appeal. At most one
case of each kind is open per target (a partial unique index says so), so the
hundredth report of a post adds to its case instead of opening another.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from ..text_keys import KEY_WIDTH_FACTOR, watched_word_key
from ._time import utcnow


class ModerationState(StrEnum):
    """Where a post or comment stands with moderation (``posts/comments.moderation_state``)."""

    PUBLISHED = "published"
    PENDING = "pending"  # held for approval: only its author (and moderators) see it
    HIDDEN = "hidden"  # soft, restorable: its author sees "hidden by moderation"
    REMOVED = "removed"  # deleted by moderation: kept for the case and the appeal only
    DRAFT = "draft"  # an editorial item's draft: its author only, until the job publishes it


MODERATION_STATES: tuple[str, ...] = tuple(s.value for s in ModerationState)


class CaseKind(StrEnum):
    REPORT = "report"
    FLAG = "flag"  # opened by a watched word
    APPROVAL = "approval"  # a post or comment waiting to be published
    APPEAL = "appeal"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ReportReason(StrEnum):
    SPAM = "spam"
    HARASSMENT = "harassment"
    CONFIDENTIAL = "confidential"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


REPORT_REASONS: tuple[str, ...] = tuple(r.value for r in ReportReason)
CASE_TARGET_TYPES = ("post", "comment", "user", "group")


#: The partial unique index's condition: one open case of a kind per target (appeals apart).
OPEN_CASE_PREDICATE = "status = 'open' AND kind != 'appeal'"


class ModerationCase(db.Model):
    """One entry of the review queue.

    ``group_id`` is the group the target lives in (its admins see the case);
    ``subject_user_id`` is the person the case is about (author or reported
    person), who is told of actions and may appeal once.
    """

    __tablename__ = "moderation_cases"
    __table_args__ = (
        CheckConstraint("kind IN ('report', 'flag', 'approval', 'appeal')", name="kind_known"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint(
            "target_type IN ('post', 'comment', 'user', 'group')", name="target_type_known"
        ),
        Index("ix_moderation_cases_status_severity", "status", "severity", "opened_at"),
        Index("ix_moderation_cases_group_id_status", "group_id", "status"),
        Index(
            "uq_moderation_cases_open_target",
            "kind",
            "target_type",
            "target_id",
            unique=True,
            sqlite_where=text(OPEN_CASE_PREDICATE),
            postgresql_where=text(OPEN_CASE_PREDICATE),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN.value)
    #: 1 (low) … 3 (high); the highest reason reported so far.
    severity: Mapped[int] = mapped_column(default=1)
    report_count: Mapped[int] = mapped_column(default=0)
    #: Why it was opened: the reasons reported, or the watched word that matched.
    summary: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    appeal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_cases.id", ondelete="CASCADE"), unique=True
    )
    appeal_text: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN.value


class Report(db.Model):
    """One person's report of one target: a second report by the same person is refused."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "target_type", "target_id"),
        CheckConstraint(
            "reason IN ('spam', 'harassment', 'confidential', 'off_topic', 'other')",
            name="reason_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_cases.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseNote(db.Model):
    """An internal note on a case, seen by moderators only."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_cases.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SanctionKind(StrEnum):
    WARN = "warn"
    MUTE = "mute"
    SUSPEND = "suspend"


class Sanction(db.Model):
    """A warning, mute or suspension given to a person; ``ends_at`` NULL means indefinite.

    The person's current state is also kept on ``users.muted_until`` /
    ``users.suspended_until`` so every request checks it without a query.
    """

    __tablename__ = "sanctions"
    __table_args__ = (CheckConstraint("kind IN ('warn', 'mute', 'suspend')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_cases.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]


class WatchedWordAction(StrEnum):
    BLOCK = "block"
    REQUIRE_APPROVAL = "require_approval"
    FLAG = "flag"
    CENSOR = "censor"


WATCHED_WORD_ACTIONS: tuple[str, ...] = tuple(a.value for a in WatchedWordAction)


class WatchedWord(db.Model):
    """A word or pattern community managers watch for, and what happens on a match."""

    __tablename__ = "watched_words"
    __table_args__ = (
        Index("ix_watched_words_word_key_is_regex", "word_key", "is_regex", unique=True),
        CheckConstraint(
            "action IN ('block', 'require_approval', 'flag', 'censor')", name="action_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(200))
    #: What the word matches, so "École" and "ecole" are one word: a plain word's
    #: :func:`~socialnet.text_keys.fold`; a regular expression's compiled form (its
    #: non-ASCII characters folded; case folding ASCII would change ``\W`` into ``\w``).
    word_key: Mapped[str] = mapped_column(String(200 * KEY_WIDTH_FACTOR), server_default="")
    is_regex: Mapped[bool] = mapped_column(default=False)
    action: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("pattern", "is_regex")
    def _keep_key(self, attribute: str, value: str | bool) -> str | bool:
        texts = {"pattern": self.pattern, "is_regex": self.is_regex, attribute: value}
        self.word_key = watched_word_key(texts["pattern"] or "", bool(texts["is_regex"]))
        return value


class AuditLogEntry(db.Model):
    """One moderation or administration action: who, what, on what, why, before/after, when.

    Append-only: the product has no way to change or delete an entry, the ORM
    refuses to (see ``services/audit.py``), and the migration adds database
    triggers that abort any UPDATE or DELETE of the table.
    ``actor_name`` is a snapshot, so the entry reads the same if the actor is renamed.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action_id", "action", "id"),
        Index("ix_audit_log_target", "target_type", "target_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    after: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
