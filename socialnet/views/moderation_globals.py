"""What every page may ask about moderation: the viewer's rights and the template globals.

The viewer's :class:`policy.ModerationReach` is computed once per request (one query at
most) and kept on ``g``; the globals below read it, so a feed of twenty posts asks the
database once whether its pin, feature and report buttons show. They only *read*.
"""

from __future__ import annotations

from typing import Any

from flask import g, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user

from .. import policy
from ..models import REPORT_REASONS
from ..services import (
    pages,
    pins,
)
from ._common import me, take_draft

#: The reasons a person may give when reporting, as the report form shows them.
REASON_LABELS = {
    "spam": _l("Spam"),
    "harassment": _l("Harassment"),
    "confidential": _l("Confidential information"),
    "off_topic": _l("Off-topic"),
    "other": _l("Other"),
}

#: What each case action is called on its button, in flashes and in "my notices".
ACTION_LABELS = {
    "dismiss": _l("Dismiss"),
    "approve": _l("Approve"),
    "hide": _l("Hide"),
    "restore": _l("Restore"),
    "delete": _l("Delete"),
    "warn": _l("Warn"),
    "mute": _l("Mute"),
    "suspend": _l("Suspend"),
    "lock": _l("Lock comments"),
    "move": _l("Move"),
}
#: What a watched word does when it matches.
WORD_ACTION_LABELS = {
    "block": _l("Block (refuse the text)"),
    "require_approval": _l("Require approval"),
    "flag": _l("Flag (publish, open a case)"),
    "censor": _l("Censor (mask the word)"),
}


def moderation_labels() -> dict[str, dict[Any, str]]:
    """The words the moderation pages show for codes (kinds, states, severities…), in the
    request's language: ``{"kind": {"report": "Report"…}, "status", "target", "severity",
    "state", "reason"}``. A code missing here is shown as it is."""
    return {
        "kind": {
            "report": pgettext("case kind", "Report"),
            "flag": pgettext("case kind", "Flag"),
            "approval": pgettext("case kind", "Approval"),
            "appeal": pgettext("case kind", "Appeal"),
        },
        "status": {
            "open": pgettext("case status", "Open"),
            "closed": pgettext("case status", "Closed"),
        },
        "target": {
            "post": pgettext("case target", "Post"),
            "comment": pgettext("case target", "Comment"),
            "user": pgettext("case target", "Person"),
            "group": pgettext("case target", "Group"),
            "announcement": pgettext("case target", "Announcement"),
            "case": pgettext("case target", "Case"),
            "settings": pgettext("case target", "Settings"),
            "watched_word": pgettext("case target", "Watched word"),
        },
        "severity": {
            3: pgettext("severity", "High"),
            2: pgettext("severity", "Medium"),
            1: pgettext("severity", "Low"),
        },
        "state": {
            "published": pgettext("moderation state", "Published"),
            "pending": pgettext("moderation state", "Pending"),
            "hidden": pgettext("moderation state", "Hidden"),
            "removed": pgettext("moderation state", "Removed"),
            "deleted": pgettext("moderation state", "Deleted"),
        },
        "reason": {code: str(label) for code, label in REASON_LABELS.items()},
        "action": {code: str(label) for code, label in ACTION_LABELS.items()},
        "word_action": {code: str(label) for code, label in WORD_ACTION_LABELS.items()},
        "yours": {
            "post": _("your post"),
            "comment": _("your comment"),
            "user": _("your account"),
            "group": _("your group"),
        },
    }


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
        "REPORT_REASONS": [(r, REASON_LABELS[r]) for r in REPORT_REASONS],
        "moderation_labels": moderation_labels,
    }
