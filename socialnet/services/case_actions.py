"""What moderators do with a case: dismiss, approve, hide, restore, delete, warn, mute,
suspend, lock comments, move a post — one case at a time or in bulk.

Moderators never edit anyone's words: they hide (restorable), delete (kept for the
case and its appeal, shown to nobody) or restore. Every action is written to the
audit log in the same transaction, tells the person concerned (who may appeal
once), and closes the case unless ``"close": false`` asks to keep it open for a
further action. Hidden or deleted content leaves every open feed at once:
``post.hidden`` / ``comment.hidden`` go to everyone who could see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from .. import policy, system_text
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    CaseKind,
    CaseStatus,
    Comment,
    Group,
    ModerationCase,
    ModerationState,
    NotificationType,
    Post,
    User,
)
from ..models._time import utcnow
from ..realtime.publisher import publish
from ..serializers import comment_dict, iso, post_dict
from . import audit, notifications, sanctions
from .cases import access_case, publish_case_updated
from .files import with_comment_files, with_post_files
from .reactions import reaction_counts
from .validation import MAX_ID, check_known_fields, check_optional_id, check_text

ACTIONS = (
    "dismiss",
    "approve",
    "hide",
    "restore",
    "delete",
    "warn",
    "mute",
    "suspend",
    "lock",
    "move",
)
SANCTIONS = ("warn", "mute", "suspend")
ACTIONS_BY_TARGET = {
    "post": frozenset(ACTIONS),
    "comment": frozenset({"dismiss", "approve", "hide", "restore", "delete", *SANCTIONS}),
    "user": frozenset({"dismiss", "restore", *SANCTIONS}),
    "group": frozenset({"dismiss", *SANCTIONS}),
}
MESSAGE_MAX_CHARS = 2000
BULK_MAX_CASES = 100


@dataclass(frozen=True)
class ActionRequest:
    action: str
    message: str
    duration_hours: int | None
    group_id: int | None
    close: bool


def check_action_request(data: Any, *, extra_fields: frozenset[str] = frozenset()) -> ActionRequest:
    data = check_known_fields(
        data, {"action", "message", "duration_hours", "group_id", "close", *extra_fields}
    )
    action = data.get("action")
    if action not in ACTIONS:
        raise ValidationFailed(
            _("action must be one of: %(actions)s.", actions=", ".join(ACTIONS)),
            fields={"action": "unknown"},
        )
    message = check_text(
        data.get("message"), "message", max_len=MESSAGE_MAX_CHARS, required=False, multiline=True
    )
    if action == "warn" and not message:
        raise ValidationFailed(_("A warning needs a message."), fields={"message": "required"})
    # Checked for every action (like group_id), used only by mute and suspend.
    duration = sanctions.check_duration(data.get("duration_hours"), required=action == "mute")
    if action not in ("mute", "suspend"):
        duration = None
    group_id = check_optional_id(data.get("group_id"), "group_id")
    if action == "move" and "group_id" not in data:
        raise ValidationFailed(
            _("Name the group to move the post to (group_id, or null for the company feed)."),
            fields={"group_id": "required"},
        )
    close = data.get("close", True)
    if not isinstance(close, bool):
        raise ValidationFailed(_("close must be true or false."), fields={"close": "not_bool"})
    return ActionRequest(action, message or "", duration, group_id, close)


# --- checks ----------------------------------------------------------------------------


def _about_a_draft(case: ModerationCase) -> bool:
    """The case is about an editorial draft (or a comment on one): unpublished, its
    author's alone, published by the editorial calendar only."""
    post_id: int | None = None
    if case.target_type == "post":
        post_id = case.target_id
    elif case.target_type == "comment":
        post_id = db.session.scalar(select(Comment.post_id).where(Comment.id == case.target_id))
    if post_id is None:
        return False
    state = db.session.scalar(select(Post.moderation_state).where(Post.id == post_id))
    return state == ModerationState.DRAFT.value


def check_action_allowed(user: User, case: ModerationCase, request: ActionRequest) -> None:
    """:raise Conflict: the case is closed, is about a draft, or the action does not fit
    it. :raise Forbidden: a group admin asking for an account-wide action."""
    if not case.is_open:
        raise Conflict(_("Case #%(id)d is already closed.", id=case.id), case_id=case.id)
    if _about_a_draft(case):
        raise Conflict(
            _("This is an unpublished draft: no moderation action applies to it."),
            case_id=case.id,
        )
    action = request.action
    if action not in ACTIONS_BY_TARGET[case.target_type]:
        raise Conflict(
            _(
                "'%(action)s' does not apply to a %(target)s.",
                action=action,
                target=case.target_type,
            ),
            case_id=case.id,
        )
    if case.kind == CaseKind.APPROVAL.value and action == "dismiss":
        raise Conflict(_("Approve or delete the held content."), case_id=case.id)
    if action == "approve" and case.kind != CaseKind.APPROVAL.value:
        raise Conflict(_("Only held content is approved."), case_id=case.id)
    if action in SANCTIONS and case.subject_user_id is None:
        raise Conflict(_("Nobody to sanction on this case."), case_id=case.id)
    if not policy.can_take_case_action(user, case.group_id, action):
        raise Forbidden(
            _("Only community managers can mute, suspend or move; ask one."), case_id=case.id
        )


# --- the actions -----------------------------------------------------------------------


def _post(case: ModerationCase) -> Post:
    post = db.session.get(Post, case.target_id)
    if post is None or post.deleted_at is not None:
        raise Conflict(_("This post no longer exists."), case_id=case.id)
    return post


def _comment(case: ModerationCase) -> tuple[Comment, Post]:
    comment = db.session.get(Comment, case.target_id)
    post = db.session.get(Post, comment.post_id) if comment else None
    if comment is None or comment.deleted_at is not None or post is None:
        raise Conflict(_("This comment no longer exists."), case_id=case.id)
    return comment, post


def _set_post_state(actor: User, post: Post, state: str) -> dict[str, Any]:
    """Move ``post`` to ``state`` and tell its audience: leaving "published" sends
    ``post.hidden`` to everyone who could see it; arriving sends ``post.created``."""
    before = post.moderation_state
    if before == state:
        return {"moderation_state": before}
    audience = policy.audience_room_for_post(post)
    post.moderation_state = state
    if state != ModerationState.PUBLISHED.value:  # out of sight: out of the pins too
        post.pinned_at = post.pinned_by_id = post.featured_at = None
    post.moderated_at = utcnow()
    post.moderated_by_id = actor.id
    db.session.flush()
    if before == ModerationState.PUBLISHED.value:
        publish(
            "post.hidden",
            {"id": post.id, "group_id": post.group_id, "moderation_state": state},
            room=audience,
            post_id=post.id,
            group_id=post.group_id,
        )
    if state == ModerationState.PUBLISHED.value:
        author = db.session.get(User, post.author_id)
        post.author = author
        publish(
            "post.created",
            with_post_files(post_dict(post, reaction_counts=reaction_counts(post.id))),
            room=audience,
            post_id=post.id,
            group_id=post.group_id,
        )
    return {"moderation_state": before}


def _set_comment_state(comment: Comment, post: Post, state: str) -> dict[str, Any]:
    before = comment.moderation_state
    if before == state:
        return {"moderation_state": before}
    comment.moderation_state = state
    published = ModerationState.PUBLISHED.value
    delta = (state == published) - (before == published)
    if delta:
        db.session.execute(
            update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count + delta)
        )
    db.session.flush()
    room = policy.room_for_post(post)
    if before == published:
        data = {"id": comment.id, "post_id": post.id, "moderation_state": state}
        publish("comment.hidden", data, room=room, post_id=post.id, group_id=post.group_id)
    if state == published:
        comment.author = db.session.get(User, comment.author_id)
        publish(
            "comment.created",
            with_comment_files(comment_dict(comment)),
            room=room,
            post_id=post.id,
            group_id=post.group_id,
        )
    return {"moderation_state": before}


def _set_content_state(actor: User, case: ModerationCase, state: str) -> dict[str, Any]:
    if case.target_type == "post":
        return _set_post_state(actor, _post(case), state)
    comment, post = _comment(case)
    return _set_comment_state(comment, post, state)


def _restore(actor: User, case: ModerationCase, request: ActionRequest) -> dict[str, Any]:
    if case.target_type == "user":
        person = db.session.get(User, case.target_id)
        return sanctions.do_lift(person) if person else {}
    if case.target_type == "post":
        post = _post(case)
        if not post.comments_enabled and case.kind == CaseKind.APPEAL.value:
            post.comments_enabled = True  # an appeal of a lock is granted by unlocking
    return _set_content_state(actor, case, ModerationState.PUBLISHED.value)


def _lock(actor: User, case: ModerationCase, request: ActionRequest) -> dict[str, Any]:
    post = _post(case)
    before = {"comments_enabled": post.comments_enabled}
    post.comments_enabled = False
    db.session.flush()
    if post.moderation_state == ModerationState.PUBLISHED.value:
        post.author = db.session.get(User, post.author_id)
        publish(
            "post.updated",
            with_post_files(post_dict(post, reaction_counts=reaction_counts(post.id))),
            room=policy.room_for_post(post),
            post_id=post.id,
            group_id=post.group_id,
        )
    return before


def _check_move_destination(actor: User, post: Post, group_id: int | None) -> None:
    if post.kind == "announcement":
        raise Conflict(_("Announcements keep their audience; they cannot be moved."))
    if group_id == post.group_id:
        raise ValidationFailed(_("The post is already there."), fields={"group_id": "same"})
    if group_id is not None:
        group = db.session.get(Group, group_id)
        if group is None or not policy.can_see_group(actor, group):
            raise ValidationFailed(_("No such group."), fields={"group_id": "unknown"})
        if group.is_archived:
            raise Forbidden(policy.READ_ONLY_REFUSAL)


def _regroup_cases_about(post: Post, group_id: int | None) -> None:
    """Every case about ``post`` and its comments now belongs to its new group: the old
    group's admins lose them with the post."""
    db.session.execute(
        update(ModerationCase)
        .where(
            or_(
                and_(ModerationCase.target_type == "post", ModerationCase.target_id == post.id),
                and_(
                    ModerationCase.target_type == "comment",
                    ModerationCase.target_id.in_(
                        select(Comment.id).where(Comment.post_id == post.id)
                    ),
                ),
            )
        )
        .values(group_id=group_id)
        .execution_options(synchronize_session="fetch")
    )


def _move(actor: User, case: ModerationCase, request: ActionRequest) -> dict[str, Any]:
    post = _post(case)
    _check_move_destination(actor, post, request.group_id)
    before = {"group_id": post.group_id}
    published = post.moderation_state == ModerationState.PUBLISHED.value
    if published:
        old_room = policy.audience_room_for_post(post)
        publish(
            "post.hidden",
            {"id": post.id, "group_id": post.group_id, "moderation_state": "moved"},
            room=old_room,
            post_id=post.id,
            group_id=post.group_id,
        )
    post.group_id = request.group_id
    _regroup_cases_about(post, request.group_id)
    db.session.flush()
    if published:
        post.author = db.session.get(User, post.author_id)
        publish(
            "post.created",
            with_post_files(post_dict(post, reaction_counts=reaction_counts(post.id))),
            room=policy.room_for_post(post),
            post_id=post.id,
            group_id=post.group_id,
        )
    return before


def _sanction(actor: User, case: ModerationCase, request: ActionRequest) -> dict[str, Any]:
    person = db.session.get(User, case.subject_user_id)
    if person is None:
        raise Conflict(_("This person no longer exists."), case_id=case.id)
    before = {"muted_until": person.muted_until, "suspended_until": person.suspended_until}
    sanctions.do_sanction(
        actor,
        person,
        request.action,
        message=request.message,
        duration_hours=request.duration_hours,
        case_id=case.id,
    )
    return before


Handler = Callable[[User, ModerationCase, ActionRequest], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {
    "dismiss": lambda actor, case, request: {},
    "approve": lambda a, c, r: _set_content_state(a, c, ModerationState.PUBLISHED.value),
    "hide": lambda a, c, r: _set_content_state(a, c, ModerationState.HIDDEN.value),
    "delete": lambda a, c, r: _set_content_state(a, c, ModerationState.REMOVED.value),
    "restore": _restore,
    "lock": _lock,
    "move": _move,
    "warn": _sanction,
    "mute": _sanction,
    "suspend": _sanction,
}


# --- telling the person concerned ------------------------------------------------------

#: Actions the person concerned is told of (``system_text.moderation_text`` words them).
NOTICE_ACTIONS = frozenset(
    {"hide", "delete", "lock", "move", "warn", "mute", "suspend", "approve", "restore"}
)


def _content_url(case: ModerationCase, action: str) -> str:
    """Where the notice links: the content itself (its author may open it, hidden or
    pending), else — removed content reaches nobody — the person's notices and appeals."""
    if action == "delete":
        return "/moderation/mine"
    if case.target_type == "post":
        return f"/posts/{case.target_id}"
    if case.target_type == "comment":
        post_id = db.session.scalar(select(Comment.post_id).where(Comment.id == case.target_id))
        if post_id is not None:
            return f"/posts/{post_id}#comment-{case.target_id}"
    if case.target_type == "group":
        return f"/groups/{case.target_id}"
    return "/moderation/mine"


def _notice(case: ModerationCase, request: ActionRequest) -> dict[str, Any] | None:
    """The parameters of the notice about ``request`` on ``case`` (None: nothing to tell)."""
    if request.action not in NOTICE_ACTIONS:
        return None
    person = db.session.get(User, case.subject_user_id) if case.subject_user_id else None
    until = None
    if person is not None and request.action in ("mute", "suspend"):
        moment = person.muted_until if request.action == "mute" else person.suspended_until
        until = iso(moment)
    if case.kind == CaseKind.APPEAL.value:
        appeal = "final"
    elif request.action not in ("approve", "restore"):
        appeal = "once"
    else:
        appeal = None
    return {
        "action": request.action,
        "target_type": case.target_type,
        "until": until,
        "message": request.message or "",
        "case_id": case.id,
        "appeal": appeal,
        "url": _content_url(case, request.action),
    }


# --- entry points ----------------------------------------------------------------------


def _apply(actor: User, case: ModerationCase, request: ActionRequest) -> None:
    before = _HANDLERS[request.action](actor, case, request)
    now = utcnow()
    case.updated_at = now
    if request.close:
        case.status = CaseStatus.CLOSED.value
        case.resolution = request.action
        case.resolved_by_id = actor.id
        case.closed_at = now
    after: dict[str, Any] = {"status": case.status}
    if request.duration_hours:
        after["duration_hours"] = request.duration_hours
    if request.action == "move":
        after["group_id"] = request.group_id
    audit.record(
        actor,
        f"case.{request.action}",
        "case",
        case.id,
        reason=request.message,
        before={"target": f"{case.target_type}:{case.target_id}", **before},
        after=after,
    )
    db.session.flush()
    params = _notice(case, request)
    if params and case.subject_user_id is not None:
        with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
            text = system_text.moderation_text(params)  # the fallback, as written
        notifications.do_notify(
            [case.subject_user_id],
            NotificationType.MODERATION,
            actor=actor,
            text=text,
            params=params,
        )
    publish_case_updated(case)


def do_case_action(actor: User, case_id: int, data: Any) -> ModerationCase:
    """Apply one action to one case (see the module's docstring).

    :raise NotFound: not a case ``actor`` moderates. :raise Conflict: closed case,
        or an action that does not fit it. :raise Forbidden: beyond a group admin's reach.
    :raise ValidationFailed: a bad action body.
    """
    request = check_action_request(data)
    case = access_case(actor, case_id)
    check_action_allowed(actor, case, request)
    _apply(actor, case, request)
    return case


def do_bulk_action(actor: User, data: Any) -> list[ModerationCase]:
    """The same action on several cases, all or nothing: every case is checked before
    any is touched, and a failure while applying rolls the whole request back.

    :raise ValidationFailed: no or too many ids. :raise NotFound / Conflict / Forbidden:
        for the first case that cannot take the action (its id is in the error).
    """
    if not isinstance(data, dict):
        raise ValidationFailed(_("The request body must be a JSON object."))
    request = check_action_request(data, extra_fields=frozenset({"case_ids"}))
    ids = data.get("case_ids")
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > BULK_MAX_CASES
        or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in ids)
    ):
        raise ValidationFailed(
            ngettext(
                "case_ids must be a list of 1 to %(num)d case id.",
                "case_ids must be a list of 1 to %(num)d case ids.",
                BULK_MAX_CASES,
            ),
            fields={"case_ids": "invalid"},
        )
    cases = []
    for case_id in dict.fromkeys(ids):
        try:
            case = access_case(actor, case_id)
        except NotFound:
            raise NotFound(_("No such case: #%(id)d.", id=case_id), case_id=case_id) from None
        check_action_allowed(actor, case, request)
        cases.append(case)
    for case in cases:
        check_action_allowed(actor, case, request)  # an earlier one may have changed it
        _apply(actor, case, request)
    return cases
