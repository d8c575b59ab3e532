"""Reports, and the cases they open: several reports of one thing make one case.

Anyone may report a post, a comment, a poll, a kudos or a person they can see.
The report names its target as the reporter sees it (a poll by its poll id, a
kudos by its kudos id); the case is about the post that carries it, so reports
of a poll through its post or through the poll meet in the same case. Cases are
opened by :mod:`.case_opening`, which the writing gate (``screening``) shares.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    REPORT_REASONS,
    CaseKind,
    Kudos,
    ModerationCase,
    ModerationState,
    Poll,
    Post,
    Report,
    User,
)
from .case_opening import Target, open_case, target_of_comment, target_of_post
from .cases import publish_case_updated
from .comments import access_comment
from .posts import access_post
from .validation import MAX_ID, check_known_fields, check_text

REPORT_TARGET_TYPES = ("post", "comment", "poll", "kudos", "user")
REPORT_TEXT_MAX_CHARS = 1000
#: Severity of a case by the worst reason reported (3 is the top of the queue).
REASON_SEVERITY = {"harassment": 3, "confidential": 3, "spam": 2, "off_topic": 1, "other": 1}


def _check_target_id(target_id: Any) -> int:
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 0 < target_id <= MAX_ID:
        raise ValidationFailed(_("target_id must be an id."), fields={"target_id": "invalid"})
    return target_id


def _user_target(user: User, person_id: int) -> Target:
    person = db.session.get(User, person_id)
    if person is None or not person.active:
        raise NotFound(_("No such user."))
    if person.id == user.id:
        raise ValidationFailed(_("You cannot report yourself."), fields={"target_id": "self"})
    return Target("user", person.id, None, person.id)


def _check_not_draft(post: Post) -> None:
    """:raise Conflict: ``post`` is a draft (its author alone sees it: nothing to report,
    and a moderator's "restore" must not publish it)."""
    if post.moderation_state == ModerationState.DRAFT.value:
        raise Conflict(_("A draft cannot be reported."))


def _comment_target(user: User, comment_id: int) -> Target:
    comment, post = access_comment(user, comment_id)
    _check_not_draft(post)
    return target_of_comment(comment, post)


def _post_target(user: User, target_type: str, target_id: int) -> Target:
    """A post, poll or kudos (the last two by their own ids), as the post carrying it."""
    post_id: int | None = target_id
    if target_type in ("poll", "kudos"):
        model = Poll if target_type == "poll" else Kudos
        post_id = db.session.scalar(select(model.post_id).where(model.id == target_id))
    try:
        if post_id is None:
            raise NotFound("missing")  # internal: caught just below
        post = access_post(user, post_id)
    except NotFound:
        raise NotFound(_("No such %(target_type)s.", target_type=target_type)) from None
    _check_not_draft(post)
    return target_of_post(post)


def _resolve_target(user: User, target_type: Any, target_id: Any) -> Target:
    """The case target of a report, if ``user`` can see it (else 404, like a missing one)."""
    if target_type not in REPORT_TARGET_TYPES:
        raise ValidationFailed(
            _("target_type must be one of: %(values)s.", values=", ".join(REPORT_TARGET_TYPES)),
            fields={"target_type": "unknown"},
        )
    target_id = _check_target_id(target_id)
    if target_type == "user":
        return _user_target(user, target_id)
    if target_type == "comment":
        return _comment_target(user, target_id)
    return _post_target(user, target_type, target_id)


def do_report(user: User, data: Any) -> tuple[Report, ModerationCase]:
    """Report ``{"target_type", "target_id", "reason", "text"}``.

    :raise ValidationFailed: unknown type or reason, bad id, "other" without text,
        reporting oneself. :raise NotFound: the target is missing or invisible to
        ``user``. :raise Conflict: ``user`` already reported it (one report each), or it
        is (on) a draft.
    """
    data = check_known_fields(data, {"target_type", "target_id", "reason", "text"})
    reason = data.get("reason")
    if reason not in REPORT_REASONS:
        raise ValidationFailed(
            _("reason must be one of: %(values)s.", values=", ".join(REPORT_REASONS)),
            fields={"reason": "unknown"},
        )
    text = check_text(
        data.get("text"), "text", max_len=REPORT_TEXT_MAX_CHARS, required=False, multiline=True
    )
    if reason == "other" and not text:
        raise ValidationFailed(_("Tell us what is wrong."), fields={"text": "required"})
    target = _resolve_target(user, data.get("target_type"), data.get("target_id"))
    already = db.session.scalar(
        select(Report.id).where(
            Report.reporter_id == user.id,
            Report.target_type == target.type,
            Report.target_id == target.id,
        )
    )
    if already is not None:
        raise Conflict(_("You have already reported this; moderators are looking at it."))
    case = open_case(
        CaseKind.REPORT.value,
        target,
        severity=REASON_SEVERITY[reason],
        summary=f"Reported: {reason.replace('_', ' ')}",
        reports=1,
    )
    label = reason.replace("_", " ")
    if label not in case.summary:  # "Reported: spam, harassment"
        case.summary = f"{case.summary}, {label}" if case.summary else f"Reported: {label}"
    report = Report(
        case_id=case.id,
        reporter_id=user.id,
        target_type=target.type,
        target_id=target.id,
        reason=reason,
        text=text or "",
    )
    db.session.add(report)
    db.session.flush()
    publish_case_updated(case)
    return report, case
