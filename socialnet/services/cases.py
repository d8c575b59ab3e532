"""The review queue: cases as moderators see them, their notes, assignment and appeals.

Community managers and admins see every case; group admins those of their
groups (``policy.cases_visible_filter``). A case anyone else asks for is a 404.
Actions on cases live in :mod:`.case_actions`, their dicts in
:mod:`.case_serializers`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    CaseKind,
    CaseNote,
    CaseStatus,
    ModerationCase,
    User,
)
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor
from ..realtime.publisher import publish_many
from . import audit
from .case_serializers import case_dict
from .validation import MAX_ID, check_known_fields, check_optional_id, check_text

NOTE_MAX_CHARS = 4000
APPEAL_MAX_CHARS = 2000
#: Resolutions the person concerned may appeal (once).
APPEALABLE = ("hide", "delete", "warn", "mute", "suspend", "lock", "move")


# --- reading ---------------------------------------------------------------------------


def access_case(user: User, case_id: int) -> ModerationCase:
    """The case if ``user`` moderates it. :raise NotFound: missing or not theirs."""
    case = db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.id == case_id, policy.cases_visible_filter(user)
        )
    )
    if case is None:
        raise NotFound(_("No such case."))
    return case


def check_can_open_queue(user: User) -> None:
    """Moderators and group admins open the queue; anyone else is refused (403)."""
    if not policy.can_open_queue(user):
        raise Forbidden(_("Only community managers and group admins can moderate."))


def check_list_filters(args: dict[str, Any]) -> dict[str, Any]:
    status = args.get("status") or "open"
    if status not in ("open", "closed"):
        raise ValidationFailed(
            _("status must be 'open' or 'closed'."), fields={"status": "unknown"}
        )
    out: dict[str, Any] = {"status": status}
    kind = args.get("kind")
    if kind:
        if kind not in {k.value for k in CaseKind}:
            raise ValidationFailed(_("Unknown case kind."), fields={"kind": "unknown"})
        out["kind"] = kind
    if args.get("assignee") == "me":
        out["assignee"] = "me"
    raw_group = args.get("group_id")
    if raw_group:
        if not (raw_group.isascii() and raw_group.isdigit() and len(raw_group) <= 10) or not (
            0 < int(raw_group) <= MAX_ID
        ):
            raise ValidationFailed(_("group_id must be an id."), fields={"group_id": "invalid"})
        out["group_id"] = int(raw_group)
    return out


def list_cases(
    user: User, filters: dict[str, Any], cursor: str | None, limit: int
) -> tuple[list[ModerationCase], str | None]:
    """Open cases by severity (highest first), then age (oldest first); closed cases
    newest first. Keyset-paginated."""
    check_can_open_queue(user)
    status = filters["status"]
    scope = f"cases:{status}"
    query = select(ModerationCase).where(
        policy.cases_visible_filter(user), ModerationCase.status == status
    )
    if "kind" in filters:
        query = query.where(ModerationCase.kind == filters["kind"])
    if filters.get("assignee") == "me":
        query = query.where(ModerationCase.assignee_id == user.id)
    if "group_id" in filters:
        query = query.where(ModerationCase.group_id == filters["group_id"])
    if status == "open":
        key = decode_cursor(scope, cursor, valid_key=_is_severity_key)
        if key is not None:
            severity, last_id = key
            query = query.where(
                or_(
                    ModerationCase.severity < severity,
                    and_(ModerationCase.severity == severity, ModerationCase.id > last_id),
                )
            )
        query = query.order_by(ModerationCase.severity.desc(), ModerationCase.id)
    else:
        last = decode_cursor(scope, cursor)
        if last is not None:
            query = query.where(ModerationCase.id < last)
        query = query.order_by(ModerationCase.id.desc())
    rows = list(db.session.scalars(query.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        tail = rows[limit - 1]
        next_cursor = encode_cursor(
            scope, [tail.severity, tail.id] if status == "open" else tail.id
        )
    return rows[:limit], next_cursor


def _is_severity_key(key: Any) -> bool:
    return (
        isinstance(key, list)
        and len(key) == 2
        and all(isinstance(k, int) and not isinstance(k, bool) for k in key)
    )


# --- events ----------------------------------------------------------------------------


def moderator_ids_for(case: ModerationCase) -> list[int]:
    """Who hears ``case.updated``: its moderators (``policy.case_moderator_ids``)."""
    return sorted(db.session.scalars(policy.case_moderator_ids(case.group_id)))


def publish_case_updated(case: ModerationCase) -> None:
    """``case.updated`` to each moderator of the case (``user:<id>`` rooms), after commit."""
    data = case_dict(case)
    publish_many(
        [("case.updated", data, f"user:{uid}", None, None) for uid in moderator_ids_for(case)]
    )


def do_close_cases_about(target_type: str, target_id: int) -> None:
    """The author deleted the content: its open cases close as ``withdrawn`` (nothing is
    left to act on), and moderators' queues hear of it."""
    open_cases = list(
        db.session.scalars(
            select(ModerationCase).where(
                ModerationCase.target_type == target_type,
                ModerationCase.target_id == target_id,
                ModerationCase.status == CaseStatus.OPEN.value,
            )
        )
    )
    now = utcnow()
    for case in open_cases:
        case.status = CaseStatus.CLOSED.value
        case.resolution = "withdrawn"
        case.closed_at = case.updated_at = now
    db.session.flush()
    for case in open_cases:
        publish_case_updated(case)


# --- notes, assignment -----------------------------------------------------------------


def do_add_note(user: User, case_id: int, data: Any) -> tuple[CaseNote, User]:
    data = check_known_fields(data, {"body"})
    case = access_case(user, case_id)
    body = check_text(data.get("body"), "body", max_len=NOTE_MAX_CHARS, multiline=True)
    note = CaseNote(case_id=case.id, author_id=user.id, body=body)
    db.session.add(note)
    case.updated_at = utcnow()
    db.session.flush()
    publish_case_updated(case)
    return note, user


def do_assign(user: User, case_id: int, data: Any) -> ModerationCase:
    """Assign ``{"assignee_id": id | null}``: someone who may moderate this case."""
    data = check_known_fields(data, {"assignee_id"})
    case = access_case(user, case_id)
    if not case.is_open:
        raise Conflict(_("This case is closed."))
    assignee_id = check_optional_id(data.get("assignee_id"), "assignee_id")
    if assignee_id is not None:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or not policy.can_moderate_group(assignee, case.group_id):
            raise ValidationFailed(
                _("Assign the case to someone who can moderate it."),
                fields={"assignee_id": "not_moderator"},
            )
    before = {"assignee_id": case.assignee_id}
    case.assignee_id = assignee_id
    case.updated_at = utcnow()
    audit.record(
        user, "case.assigned", "case", case.id, before=before, after={"assignee_id": assignee_id}
    )
    db.session.flush()
    publish_case_updated(case)
    return case


# --- appeals ---------------------------------------------------------------------------


def my_cases(user: User) -> list[ModerationCase]:
    """Closed cases about ``user`` with an action they may appeal, newest first."""
    return list(
        db.session.scalars(
            select(ModerationCase)
            .where(
                ModerationCase.subject_user_id == user.id,
                ModerationCase.kind != CaseKind.APPEAL.value,  # a decision on appeal is final
                ModerationCase.status == CaseStatus.CLOSED.value,
                ModerationCase.resolution.in_(APPEALABLE),
            )
            .order_by(ModerationCase.id.desc())
            .limit(100)
        )
    )


def appealed_ids(case_ids: list[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(
        db.session.scalars(
            select(ModerationCase.appeal_of_id).where(ModerationCase.appeal_of_id.in_(case_ids))
        )
    )


def already_appealed(case_id: int) -> bool:
    """The friendly early answer; the unique ``appeal_of_id`` is what guarantees it."""
    return (
        db.session.scalar(select(ModerationCase.id).where(ModerationCase.appeal_of_id == case_id))
        is not None
    )


def _insert_appeal(values: dict[str, Any]) -> int | None:
    """Insert the appeal unless its decision has one; its id, or None if it had.

    ``INSERT … ON CONFLICT (appeal_of_id) DO NOTHING RETURNING id``: of two appeals
    of one decision racing each other, the database keeps the first and the second
    inserts nothing (a plain unique constraint, so no index predicate is needed).
    Column defaults (status, times) are the model's, applied by the INSERT.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(ModerationCase)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["appeal_of_id"])
        .returning(ModerationCase.id)
    )
    return db.session.scalar(statement)


def do_appeal(user: User, case_id: int, data: Any) -> ModerationCase:
    """The person a case was about appeals its action, once; the appeal is a new case.

    Once means once even under concurrency: two appeals of one decision sent at the
    same moment make one case and one 409, never a 500.

    :raise NotFound: not their case. :raise Conflict: not an appealable action,
        still open, or already appealed (including by a request that won a race).
    """
    data = check_known_fields(data, {"text"})
    case = db.session.get(ModerationCase, case_id)
    if case is None or case.subject_user_id != user.id or case.kind == CaseKind.APPEAL.value:
        raise NotFound(_("No such case."))
    if case.is_open or case.resolution not in APPEALABLE:
        raise Conflict(_("There is no moderation action to appeal on this case."))
    text = check_text(data.get("text"), "text", max_len=APPEAL_MAX_CHARS, multiline=True)
    already = Conflict(_("You have already appealed this decision."))
    if already_appealed(case.id):
        raise already
    appeal_id = _insert_appeal(
        {
            "kind": CaseKind.APPEAL.value,
            "target_type": case.target_type,
            "target_id": case.target_id,
            "group_id": case.group_id,
            "subject_user_id": user.id,
            "severity": 2,
            "summary": f"Appeal of case #{case.id} ({case.resolution})",
            "appeal_of_id": case.id,
            "appeal_text": text,
        }
    )
    if appeal_id is None:
        raise already
    appeal = db.session.get(ModerationCase, appeal_id)
    audit.record(user, "case.appealed", "case", case.id, reason=text, after={"appeal": appeal.id})
    publish_case_updated(appeal)
    return appeal
