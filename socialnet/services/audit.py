"""The audit log: an append-only record of every moderation and administration action.

Services call :func:`record` in the same unit of work as the action, so an
action and its entry are committed (or rolled back) together. Nothing in the
product updates or deletes an entry: the ORM refuses it here, and the
migration's database triggers refuse it below the ORM.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, or_, select

from .. import policy
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import AuditLogEntry, User
from ..pagination import decode_cursor, encode_cursor
from ..serializers import iso
from ..text_keys import fold, like_anywhere
from . import audit_text
from .csv_export import to_csv
from .validation import MAX_ID, check_filter_text, check_text, parse_date

#: Most entries one CSV export holds; narrow the filters for more.
EXPORT_MAX_ROWS = 50_000


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit entry through the ORM."""


@event.listens_for(AuditLogEntry, "before_update")
@event.listens_for(AuditLogEntry, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditLogEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {target.id} cannot be changed or deleted")


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """Append one entry (flushed with the caller's unit of work). ``before``/``after`` are
    JSON-ready dicts of the fields the action changed."""
    entry = AuditLogEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        before=json.dumps(before or {}, sort_keys=True, default=str),
        after=json.dumps(after or {}, sort_keys=True, default=str),
    )
    db.session.add(entry)
    return entry


def entry_dict(entry: AuditLogEntry, redacted: str | None, summary: str) -> dict[str, Any]:
    """One entry; ``redacted`` (what its target is, "a secret group") for a reader who may
    not see the target: its ``before``/``after`` keep only :data:`policy.AUDIT_SAFE_FIELDS`.
    ``summary`` is the entry as a sentence (:func:`audit_text.describe`); ``changes`` are
    its labelled ``before``/``after`` fields in words (:func:`audit_text.changes`)."""
    before, after = json.loads(entry.before), json.loads(entry.after)
    if redacted is not None:
        safe = policy.AUDIT_SAFE_FIELDS.get(entry.target_type, frozenset())
        before = {k: v for k, v in before.items() if k in safe}
        after = {k: v for k, v in after.items() if k in safe}
    return {
        "id": entry.id,
        "actor": {"id": entry.actor_id, "display_name": entry.actor_name},
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": "" if redacted is not None else entry.reason,
        "before": before,
        "after": after,
        "created_at": iso(entry.created_at),
        "redacted": redacted,
        "summary": summary,
        "changes": audit_text.changes(before, after),
    }


def entries_for(reader: User, entries: list[AuditLogEntry]) -> list[dict[str, Any]]:
    """``entries`` as ``reader`` may see them: those about a target hidden from them
    (:func:`policy.redacted_audit_entries`) are redacted. A bounded number of queries."""
    redacted = policy.redacted_audit_entries(reader, entries)
    summaries = audit_text.describe(reader, entries, redacted)
    return [entry_dict(e, redacted.get(e.id), summaries[e.id]) for e in entries]


FILTERS = ("action", "actor", "actor_id", "target_type", "target_id", "from", "to")


def check_filters(args: dict[str, Any]) -> dict[str, Any]:
    """Parse the query-string filters of the log (all optional).

    ``action`` matches exactly or, ending in ``.``, as a prefix (``case.``); ``actor`` is
    part of the actor's name or handle, ignoring case and accents; ``from``/``to`` are
    dates (inclusive).
    """
    out: dict[str, Any] = {}
    actor = check_filter_text(args.get("actor"), "actor", max_len=120)
    if actor and fold(actor):
        out["actor"] = actor
    if args.get("action"):
        out["action"] = check_text(args["action"], "action", max_len=64)
    if args.get("target_type"):
        out["target_type"] = check_text(args["target_type"], "target_type", max_len=32)
    for name in ("actor_id", "target_id"):
        raw = args.get(name)
        if raw:
            if (
                not (raw.isascii() and raw.isdigit() and len(raw) <= 10)
                or not 0 < int(raw) <= MAX_ID
            ):
                raise ValidationFailed(
                    _("%(name)s must be an id.", name=name), fields={name: "invalid"}
                )
            out[name] = int(raw)
    for name in ("from", "to"):
        if args.get(name):
            out[name] = parse_date(args[name], name)
    if "from" in out and "to" in out and out["from"] > out["to"]:
        raise ValidationFailed(_("'from' must not be after 'to'."), fields={"from": "after_to"})
    return out


def _query(filters: dict[str, Any]):
    query = select(AuditLogEntry)
    action = filters.get("action")
    if action and action.endswith("."):
        query = query.where(AuditLogEntry.action.startswith(action, autoescape=True))
    elif action:
        query = query.where(AuditLogEntry.action == action)
    if "actor" in filters:
        pattern = like_anywhere(filters["actor"])
        query = query.where(
            AuditLogEntry.actor_id.in_(
                select(User.id).where(
                    or_(
                        User.name_key.like(pattern, escape="\\"),
                        User.handle_key.like(pattern, escape="\\"),
                    )
                )
            )
        )
    for name in ("actor_id", "target_type", "target_id"):
        if name in filters:
            query = query.where(getattr(AuditLogEntry, name) == filters[name])
    if "from" in filters:
        start = datetime.combine(filters["from"], datetime.min.time())
        query = query.where(AuditLogEntry.created_at >= start)
    if "to" in filters:
        end = datetime.combine(filters["to"], datetime.min.time()) + timedelta(days=1)
        query = query.where(AuditLogEntry.created_at < end)
    return query


def check_can_read(user: User) -> None:
    if not policy.can_read_audit_log(user):
        raise Forbidden(_("Only community managers and administrators can read the audit log."))


def list_entries(
    user: User, filters: dict[str, Any], cursor: str | None, limit: int
) -> tuple[list[AuditLogEntry], str | None]:
    """Newest first, keyset-paginated. :raise Forbidden: not a moderator."""
    check_can_read(user)
    before_id = decode_cursor("audit", cursor)
    query = _query(filters).order_by(AuditLogEntry.id.desc()).limit(limit + 1)
    if before_id is not None:
        query = query.where(AuditLogEntry.id < before_id)
    rows = list(db.session.scalars(query))
    next_cursor = encode_cursor("audit", rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def export_csv(user: User, filters: dict[str, Any]) -> str:
    """The filtered log as CSV, oldest first (at most :data:`EXPORT_MAX_ROWS` rows), redacted
    for ``user`` as :func:`entries_for` says."""
    check_can_read(user)
    rows = list(
        db.session.scalars(_query(filters).order_by(AuditLogEntry.id).limit(EXPORT_MAX_ROWS))
    )
    header = ["id", "created_at", "actor_id", "actor", "action", "target_type", "target_id"]
    return to_csv(
        [*header, "summary", "reason", "before", "after", "redacted"],
        (
            [
                e["id"],
                e["created_at"],
                e["actor"]["id"],
                e["actor"]["display_name"],
                e["action"],
                e["target_type"],
                e["target_id"],
                e["summary"],
                e["reason"],
                json.dumps(e["before"], sort_keys=True, ensure_ascii=False),
                json.dumps(e["after"], sort_keys=True, ensure_ascii=False),
                e["redacted"] or "",
            ]
            for e in entries_for(user, rows)
        ),
    )
