"""Read helpers of the moderation pages: what the queue rows and the case page show,
loaded in batches (one query per kind of target), and which action forms fit a case.

The services check every action again when a form is posted; these only decide
what to offer.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import policy
from ..extensions import db
from ..models import Comment, Group, Post, Report, User
from . import case_actions, case_serializers

PREVIEW_CHARS = 160
REASON_LABELS = {
    "spam": _l("Spam"),
    "harassment": _l("Harassment"),
    "confidential": _l("Confidential information"),
    "off_topic": _l("Off-topic"),
    "other": _l("Other"),
}


def _plain(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _previews(rows: list[Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """What each case is about, for queue rows: one query per kind of target."""
    wanted: dict[str, set[int]] = {}
    for case in rows:
        wanted.setdefault(case.target_type, set()).add(case.target_id)
    out: dict[tuple[str, int], dict[str, Any]] = {}
    if wanted.get("post"):
        for post in db.session.scalars(select(Post).where(Post.id.in_(wanted["post"]))):
            out["post", post.id] = {
                "text": _plain(post.title or post.body),
                "state": "deleted" if post.deleted_at else post.moderation_state,
                "url": f"/posts/{post.id}",
            }
    if wanted.get("comment"):
        for comment in db.session.scalars(select(Comment).where(Comment.id.in_(wanted["comment"]))):
            out["comment", comment.id] = {
                "text": _plain(comment.body),
                "state": "deleted" if comment.deleted_at else comment.moderation_state,
                "url": f"/posts/{comment.post_id}#comment-{comment.id}",
            }
    if wanted.get("user"):
        for person in db.session.scalars(select(User).where(User.id.in_(wanted["user"]))):
            out["user", person.id] = {
                "text": f"{person.display_name} (@{person.handle})",
                "state": "published",
                "url": f"/people/{person.id}",
            }
    if wanted.get("group"):
        for group in db.session.scalars(select(Group).where(Group.id.in_(wanted["group"]))):
            out["group", group.id] = {
                "text": group.name,
                "state": "published",
                "url": f"/groups/{group.id}",
            }
    return out


def _reasons(case_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """``{case_id: [(reason label, count), …]}`` in one grouped query."""
    out: dict[int, list[tuple[str, int]]] = {}
    if not case_ids:
        return out
    counted = db.session.execute(
        select(Report.case_id, Report.reason, func.count())
        .where(Report.case_id.in_(case_ids))
        .group_by(Report.case_id, Report.reason)
        .order_by(Report.case_id, func.count().desc())
    )
    for case_id, reason, count in counted:
        out.setdefault(case_id, []).append((str(REASON_LABELS.get(reason, reason)), count))
    return out


def group_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(select(Group.id, Group.name).where(Group.id.in_(wanted))).all())


def queue_rows(rows: list[Any]) -> list[dict[str, Any]]:
    items = case_serializers.case_dicts(rows)
    previews = _previews(rows)
    reasons = _reasons([c.id for c in rows])
    names = group_names({c.group_id for c in rows})
    for item in items:
        item["preview"] = previews.get((item["target_type"], item["target_id"]))
        item["reasons"] = reasons.get(item["id"], [])
        item["group_name"] = names.get(item["group_id"]) if item["group_id"] else None
    return items


def _fits_case(user: User, case: Any, action: str) -> bool:
    """The action applies to this kind of case and target, and the viewer may take it."""
    if action not in case_actions.ACTIONS_BY_TARGET[case.target_type]:
        return False
    if not policy.can_take_case_action(user, case.group_id, action):
        return False
    if action == "approve":
        return case.kind == "approval"
    if action == "dismiss":
        return case.kind != "approval"
    if action in case_actions.SANCTIONS:
        return case.subject_user_id not in (None, user.id)
    return True


#: For a post or comment: the states in which each action makes sense.
_STATES_FOR = {
    "approve": ("pending",),
    "hide": ("published", "pending"),
    "restore": ("hidden", "removed"),
    "delete": ("published", "pending", "hidden"),
}


def _fits_target(action: str, case: Any, target: dict[str, Any] | None) -> bool:
    if case.target_type not in ("post", "comment"):
        return True
    if target is None or target.get("deleted"):
        return action in ("dismiss", *case_actions.SANCTIONS)
    if action == "lock":
        return bool(target.get("comments_enabled", True))
    states = _STATES_FOR.get(action)
    return states is None or target.get("moderation_state") in states


def available_actions(user: User, case: Any, target: dict[str, Any] | None) -> list[str]:
    """The action forms a case page offers: those that fit the case, its target's state
    and the viewer's rights (the service checks again when one is posted)."""
    if not case.is_open:
        return []
    return [
        action
        for action in case_actions.ACTIONS
        if _fits_case(user, case, action) and _fits_target(action, case, target)
    ]
