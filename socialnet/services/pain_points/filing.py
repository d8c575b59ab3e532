"""Filing a pain point and rewording it: the checks of its fields, then the post and its
register row. The filer's voice counts: filing is also their vote, and they follow it."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import NotificationType, PainPoint, PainPointFollower, PainPointVote, Post, User
from ...models.pain_points import MINUTES_PER_WEEK_MAX, PAIN_POINT_PLACE_MAX
from ...realtime.publisher import publish
from ...serializers import post_dict
from .. import notifications
from .. import screening as screening_gate
from ..posts import QUESTION_TITLE_MAX, _store_body, check_group_for_posting
from ..validation import check_known_fields, check_text
from .reading import KIND, pain_point_for

CREATE_FIELDS = {"title", "description", "group_id", "site", "department", "hours_per_week"}
#: What rewording may change (the group is where it was raised, for good).
WORDING_FIELDS = CREATE_FIELDS - {"group_id"}


def check_hours(value: Any) -> int | None:
    """Hours a week per person affected (a number 0..40, or null) as whole minutes."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValidationFailed(
            _("hours_per_week must be a number of hours, or null."),
            fields={"hours_per_week": "not_number"},
        )
    if not 0 <= value <= MINUTES_PER_WEEK_MAX / 60:
        raise ValidationFailed(
            _("hours_per_week must be between 0 and %(max)s.", max=MINUTES_PER_WEEK_MAX // 60),
            fields={"hours_per_week": "out_of_range"},
        )
    return round(value * 60)


def check_wording(data: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """The wording fields present in ``data`` (all of them when ``new``), checked."""
    checked: dict[str, Any] = {}
    if new or "title" in data:
        checked["title"] = check_text(data.get("title"), "title", max_len=QUESTION_TITLE_MAX)
    if new or "description" in data:
        checked["description"] = check_text(
            data.get("description"),
            "description",
            max_len=current_app.config["POST_MAX_CHARS"],
            required=False,
            multiline=True,
        )
    for field in ("site", "department"):
        if data.get(field) is not None:  # absent or null: the filer's (unchanged on edits)
            checked[field] = check_text(
                data[field], field, max_len=PAIN_POINT_PLACE_MAX, required=False
            )
    if "hours_per_week" in data:
        checked["minutes_per_week"] = check_hours(data["hours_per_week"])
    return checked


def insert_ignoring_duplicates(model: type, values: dict[str, Any], key: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: True when the row is new (one per person)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=key)
    return db.session.scalar(stmt.returning(model.post_id)) is not None


def add_vote(pain_point_id: int, user_id: int) -> bool:
    """Record ``user_id``'s voice (and make them a follower). False: they had voted."""
    insert_ignoring_duplicates(
        PainPointFollower, {"post_id": pain_point_id, "user_id": user_id}, ["post_id", "user_id"]
    )
    return insert_ignoring_duplicates(
        PainPointVote, {"post_id": pain_point_id, "user_id": user_id}, ["post_id", "user_id"]
    )


def do_file_pain_point(user: User, data: Any) -> Post:
    """File ``{"title", "description", "group_id", "site", "department",
    "hours_per_week"}`` (in a group, or for the company; site and department default to
    the filer's) and publish ``post.created`` to its audience. The filer votes for it and
    follows it. Nothing is written if any field is refused.

    :raise ValidationFailed: unknown fields, no title, a bad estimate, an unknown or
        invisible group. :raise TooLarge: a field too long.
    :raise Forbidden: muted, not a member of the group, or the group is archived.
    """
    data = check_known_fields(data, CREATE_FIELDS)
    fields = check_wording(data, new=True)
    group_id = check_group_for_posting(user, data.get("group_id"))
    site = fields.get("site", user.site or "")[:PAIN_POINT_PLACE_MAX]
    department = fields.get("department", user.department or "")[:PAIN_POINT_PLACE_MAX]
    screening = screening_gate.check_writing(
        user,
        {
            "title": fields["title"],
            "body": fields["description"],
            "site": site,
            "department": department,
        },
    )
    post = Post(
        author_id=user.id,
        author=user,
        group_id=group_id,
        kind=KIND,
        title=screening.texts["title"],
        body="",
        body_html="",
    )
    db.session.add(post)
    db.session.flush()
    mentioned = _store_body(post, screening.texts["body"])
    db.session.add(
        PainPoint(
            post_id=post.id,
            site=screening.texts.get("site", site),
            department=screening.texts.get("department", department),
            minutes_per_week=fields.get("minutes_per_week"),
        )
    )
    db.session.flush()
    add_vote(post.id, user.id)
    screening_gate.settle_post(user, post, screening)
    item = post_dict(post)
    item["pain_point"] = pain_point_for(user, post)
    for key in ("my_vote", "following", "can_vote", "can_edit", "can_triage"):
        item["pain_point"].pop(key)  # the audience's view, not the filer's
    publish("post.created", item, room=policy.room_for_post(post), post_id=post.id)
    notifications.do_notify(mentioned, NotificationType.MENTIONED, actor=user, post=post)
    return post


def apply_wording(user: User, post: Post, details: PainPoint, fields: dict[str, Any]) -> list[str]:
    """Store the checked wording ``fields`` (screened); the names of those that changed."""
    current = {
        "title": post.title,
        "description": post.body,
        "site": details.site,
        "department": details.department,
        "minutes_per_week": details.minutes_per_week,
    }
    changed = [f for f, v in fields.items() if current[f] != v]
    if not changed:
        return []
    texts = {f: fields.get(f, current[f]) for f in ("title", "site", "department")}
    screening = screening_gate.check_writing(
        user, {**texts, "body": fields.get("description", current["description"])}
    )
    post.title = screening.texts["title"]
    if "description" in changed:
        _store_body(post, screening.texts["body"], new=False)
    details.site = screening.texts.get("site", texts["site"])
    details.department = screening.texts.get("department", texts["department"])
    if "minutes_per_week" in fields:
        details.minutes_per_week = fields["minutes_per_week"]
    return changed
