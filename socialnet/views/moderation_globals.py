"""What every page may ask about moderation: the viewer's rights and the template globals.

The viewer's :class:`policy.ModerationReach` is computed once per request (one query at
most) and kept on ``g``; the globals below read it, so a feed of twenty posts asks the
database once whether its pin, feature and report buttons show. They only *read*.
"""

from __future__ import annotations

from typing import Any

from flask import g, session
from flask_login import current_user

from .. import policy
from ..models import REPORT_REASONS
from ..services import (
    moderation_pages,
    pages,
    pins,
)
from ._common import me, take_draft


def _rights() -> policy.ModerationReach:
    """The viewer's moderation reach, computed once per request (one query at most)."""
    if "moderation_rights" not in g:
        g.moderation_rights = policy.moderation_reach(
            me() if current_user.is_authenticated else None
        )
    return g.moderation_rights


def can_open_queue() -> bool:
    return _rights().can_open_queue


def post_moderation(post: dict[str, Any]) -> dict[str, bool]:
    """``{"pin", "feature", "report"}`` for one serialized post, as ``policy.ModerationReach``
    decides (published posts only, as the service says)."""
    if not current_user.is_authenticated:
        return {"pin": False, "feature": False, "report": False}
    rights = _rights()
    shown = post.get("moderation_state", "published") == "published" and bool(post.get("id"))
    author = (post.get("author") or {}).get("id")
    return {
        "pin": shown and rights.can_pin(post.get("group_id")),
        "feature": shown and rights.can_feature,
        "report": author != current_user.id,
    }


def report_draft(target_type: str, target_id: int):
    """The refused report of this target, to reopen its form with what was typed."""
    if "report_draft" not in g:
        g.report_draft = take_draft("report") if "draft:report" in session else None
    draft = g.report_draft
    if (
        draft
        and draft.get("target_type") == target_type
        and draft.get("target_id") == str(target_id)
    ):
        return draft
    return None


def home_highlights() -> dict[str, Any]:
    """The home page's "Pinned" and "Featured" strips (company pins, featured posts)."""
    pinned, featured = pins.home_highlights(me())
    return {"pinned": pages.with_groups(pinned), "featured": pages.with_groups(featured)}


def group_pins(group_id: int) -> list[dict[str, Any]]:
    return pins.pinned_posts(me(), group_id)


def template_globals() -> dict[str, Any]:
    """``context_processor``: what every template may ask about moderation."""
    return {
        "can_open_moderation_queue": can_open_queue,
        "post_moderation": post_moderation,
        "report_draft": report_draft,
        "home_highlights": home_highlights,
        "group_pins": group_pins,
        "REPORT_REASONS": [(r, moderation_pages.REASON_LABELS[r]) for r in REPORT_REASONS],
    }
