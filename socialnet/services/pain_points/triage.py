"""Triage: rewording, status (``new`` → ``acknowledged`` → ``in_progress`` → ``solved`` |
``wont_fix``, with a resolution note to close), owner, and merging duplicates. Everyone
who voted for or follows a pain point is told of each status change and of a merge."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, exists, literal, select
from sqlalchemy.orm import aliased

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    CLOSED_STATUSES,
    PAIN_POINT_STATUSES,
    NotificationType,
    PainPoint,
    PainPointFollower,
    PainPointVote,
    Post,
    User,
)
from ...models._time import utcnow
from ...models.pain_points import RESOLUTION_NOTE_MAX
from .. import notifications
from ..validation import check_known_fields, check_optional_id, check_text
from .filing import WORDING_FIELDS, apply_wording, check_wording
from .reading import access_pain_point, lock_pain_point, publish_update
from .texts import params_and_text

TRIAGE_FIELDS = {"status", "owner_id", "resolution_note"}


def _check_triage(data: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "status" in data:
        if data["status"] not in PAIN_POINT_STATUSES:
            raise ValidationFailed(
                _("status must be one of: %(values)s.", values=", ".join(PAIN_POINT_STATUSES)),
                fields={"status": "unknown"},
            )
        checked["status"] = data["status"]
    if "owner_id" in data:
        checked["owner_id"] = check_optional_id(data["owner_id"], "owner_id")
    if "resolution_note" in data:
        checked["resolution_note"] = check_text(
            data["resolution_note"],
            "resolution_note",
            max_len=RESOLUTION_NOTE_MAX,
            required=False,
            multiline=True,
        )
    return checked


def _check_rights(user: User, post: Post, details: PainPoint, data: dict[str, Any]) -> None:
    if data.keys() & WORDING_FIELDS and not policy.can_edit_pain_point(user, post):
        raise Forbidden(_("Only its author and the people who triage can reword a pain point."))
    if "owner_id" in data and not policy.can_triage_pain_point(user, post):
        raise Forbidden(_("Only community managers and managers can triage pain points."))
    moving = data.keys() & {"status", "resolution_note"}
    if moving and not policy.can_move_pain_point(user, post, details.owner_id):
        raise Forbidden(_("Only community managers and managers can triage pain points."))


def _check_owner(owner_id: int | None, post: Post) -> None:
    if owner_id is None:
        return
    owner = db.session.get(User, owner_id)
    if owner is None or not policy.can_see_post(owner, post):
        raise ValidationFailed(
            _("The owner must be an active colleague who can see this pain point."),
            fields={"owner_id": "unknown"},
        )


def _check_status(details: PainPoint, status: str, note: str | None) -> None:
    if status == "new" and details.status != "new":
        raise Conflict(_("A pain point that was triaged cannot go back to new."))
    if status in CLOSED_STATUSES and not note:
        raise ValidationFailed(
            _("Say how it was resolved: a resolution note is required to close a pain point."),
            fields={"resolution_note": "required"},
        )


def _listeners(pain_point_id: int) -> list[int]:
    """Its voters and followers, each once."""
    voters = select(PainPointVote.user_id).where(PainPointVote.post_id == pain_point_id)
    followers = select(PainPointFollower.user_id).where(PainPointFollower.post_id == pain_point_id)
    return sorted(set(db.session.scalars(voters)) | set(db.session.scalars(followers)))


def do_update_pain_point(user: User, pain_point_id: int, data: Any) -> Post:
    """Change any of ``{"title", "description", "site", "department", "hours_per_week"}``
    (its author, triagers) and ``{"status", "owner_id", "resolution_note"}`` (triagers;
    the owner moves the status too). A new status tells every voter and follower
    (``pain_point_status``). Publishes ``pain_point.updated``. All or nothing.

    :raise ValidationFailed: unknown fields or status, a bad value, an owner who cannot
        see it, closing without a resolution note.
    :raise NotFound: ``user`` may not see it. :raise Forbidden: an employee triaging,
        someone else's wording, an archived group.
    :raise Conflict: merged into another, or back to ``new``.
    """
    data = check_known_fields(data, WORDING_FIELDS | TRIAGE_FIELDS)
    wording = check_wording(data, new=False)
    triage = _check_triage(data)
    post, details = access_pain_point(user, pain_point_id)
    _check_rights(user, post, details, data)
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    details = lock_pain_point(pain_point_id)
    if details.merged_into_id is not None:
        raise Conflict(
            _("This pain point was merged into pain point #%(id)s.", id=details.merged_into_id)
        )
    now = utcnow()
    changed = apply_wording(user, post, details, wording)
    if "owner_id" in triage and triage["owner_id"] != details.owner_id:
        _check_owner(triage["owner_id"], post)
        details.owner_id = triage["owner_id"]
        changed.append("owner_id")
    note = triage.get("resolution_note", details.resolution_note)
    if "resolution_note" in triage and triage["resolution_note"] != (details.resolution_note or ""):
        details.resolution_note = triage["resolution_note"] or None
        changed.append("resolution_note")
    new_status = triage.get("status", details.status)
    if new_status != details.status:
        _check_status(details, new_status, note)
        details.status, details.status_changed_at = new_status, now
        changed.append("status")
    if not changed:
        return post
    details.updated_at = now
    if "title" in changed or "description" in changed:
        post.edited_at = now
    db.session.flush()
    if "status" in changed:
        params, text = params_and_text(
            "pain_point_status", title=post.title or "", status=new_status
        )
        notifications.do_notify(
            _listeners(pain_point_id),
            NotificationType.PAIN_POINT_STATUS,
            actor=user,
            post=post,
            text=text,
            params=params,
        )
    publish_update(post, details)
    return post


def _move_people(model: type, source_id: int, target_id: int) -> None:
    """Give ``target_id`` the rows of ``source_id`` it lacks, then drop the source's: a
    person counted on both is counted once."""
    other = aliased(model)
    already = exists().where(other.post_id == target_id, other.user_id == model.user_id)
    rows = select(literal(target_id), model.user_id, model.created_at).where(
        model.post_id == source_id, ~already
    )
    db.session.execute(
        model.__table__.insert().from_select(["post_id", "user_id", "created_at"], rows)
    )
    db.session.execute(delete(model).where(model.post_id == source_id))


def _access_target(user: User, into_id: int) -> tuple[Post, PainPoint]:
    try:
        return access_pain_point(user, into_id)
    except NotFound:
        raise ValidationFailed(
            _("No such pain point to merge into."), fields={"into_id": "unknown"}
        ) from None


def do_merge(user: User, pain_point_id: int, data: Any) -> Post:
    """Merge ``pain_point_id`` (a duplicate) into ``{"into_id"}``: its votes and followers
    join the target's, each person once; it leaves the lists (``merged_into_id``) and its
    voters and followers are told (``pain_point_merged``). The target must be as visible
    as the duplicate: of the same group, or company-wide when every voter and follower
    sees it (not a guest of the duplicate's group). Returns the target.

    :raise ValidationFailed: no ``into_id``, itself, a target ``user`` cannot see or
        that its voters could not see.
    :raise NotFound: ``user`` may not see the duplicate. :raise Forbidden: not a triager
        of both, or an archived group.
    :raise Conflict: either is already merged.
    """
    data = check_known_fields(data, {"into_id"})
    into_id = check_optional_id(data.get("into_id"), "into_id")
    if into_id is None:
        raise ValidationFailed(_("into_id is required."), fields={"into_id": "required"})
    post, _details = access_pain_point(user, pain_point_id)
    if into_id == pain_point_id:
        raise ValidationFailed(
            _("A pain point cannot be merged into itself."), fields={"into_id": "self"}
        )
    target, _target_details = _access_target(user, into_id)
    both = (post, target)
    if not all(policy.can_triage_pain_point(user, p) for p in both):
        raise Forbidden(_("Only community managers and managers can triage pain points."))
    if policy.is_read_only(post) or policy.is_read_only(target):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if target.group_id is not None and target.group_id != post.group_id:
        raise ValidationFailed(
            _("A pain point can only be merged into one of the same group or a company-wide one."),
            fields={"into_id": "narrower_audience"},
        )
    if policy.merge_leaves_someone_blind(pain_point_id, into_id):
        raise ValidationFailed(
            _(
                "Some people who vote for or follow this pain point could not see that one "
                "(a guest of its group): merge it into one of its own group."
            ),
            fields={"into_id": "narrower_audience"},
        )
    first, second = sorted((pain_point_id, into_id))  # one lock order: no deadlock
    locked = {first: lock_pain_point(first), second: lock_pain_point(second)}
    details, target_details = locked[pain_point_id], locked[into_id]
    if details.merged_into_id is not None:
        raise Conflict(_("This pain point is already merged into another."))
    if target_details.merged_into_id is not None:
        raise Conflict(
            _(
                "That pain point was itself merged into pain point #%(id)s: merge into it.",
                id=target_details.merged_into_id,
            )
        )
    told = _listeners(pain_point_id)
    params, text = params_and_text(
        "pain_point_merged", title=post.title or "", into=target.title or ""
    )
    _move_people(PainPointVote, pain_point_id, into_id)
    _move_people(PainPointFollower, pain_point_id, into_id)
    details.merged_into_id, details.merged_at = into_id, utcnow()
    details.updated_at = details.merged_at
    db.session.flush()
    notifications.do_notify(
        told,
        NotificationType.PAIN_POINT_MERGED,
        actor=user,
        post=target,
        text=text,
        params=params,
    )
    publish_update(post, details)
    publish_update(target, target_details)
    return target
