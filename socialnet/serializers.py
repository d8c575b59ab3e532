"""Model → JSON-ready dicts, in one place, per audience.

The API answers and the realtime events use these same functions, so an
event's ``data`` is shaped exactly like the API object. Per-viewer fields
(``my_reactions``) are only added for a known viewer and never broadcast.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from . import system_text
from .models import (
    REACTION_KINDS,
    Announcement,
    Celebration,
    Comment,
    CompanyValue,
    Group,
    Kudos,
    Notification,
    Post,
    User,
)


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


#: The square sizes of avatars (``services.people.avatar``) and the one ``avatar_url`` names.
AVATAR_SIZES = (32, 64, 160)
AVATAR_DEFAULT_SIZE = 160


def avatar_url(user: User, size: int = AVATAR_DEFAULT_SIZE) -> str | None:
    """The URL of ``user``'s avatar at ``size`` (``api.download_avatar``; its version makes
    a change visible at once), or None when they show their initials. Built without
    ``url_for`` so that jobs, outside any request, serialize people too."""
    if not user.avatar_keys:
        return None
    return f"/api/v1/users/{user.id}/avatar/{user.avatar_version}/{size}"


def avatar_src(person: Any, size: int) -> str | None:
    """Templates' ``avatar_src``: the avatar URL at ``size`` of a user dict (its
    ``avatar_url`` at another size), of a ``User``, or None (initials; no person)."""
    if isinstance(person, dict):
        url = person.get("avatar_url")
        return f"{url.rsplit('/', 1)[0]}/{size}" if url else None
    if isinstance(person, User):
        return avatar_url(person, size)
    return None


#: The columns :func:`user_summary` reads, for lists that load only those of each person
#: they name (``load_only``): a feed page's authors, not their whole rows (about text,
#: search keys, password hash…), which cost as much to send and convert as the posts.
SUMMARY_COLUMNS = (
    User.id,
    User.stored_name,
    User.deleted_at,
    User.handle,
    User.job_title,
    User.avatar_keys,
    User.avatar_version,
    User.guest_company,
)


def user_summary(user: User) -> dict[str, Any]:
    """What any colleague sees next to a post or comment. A guest from the extended
    company is marked (``is_guest``, ``guest_company``) wherever their name shows."""
    return {
        "id": user.id,
        "display_name": user.display_name,
        "handle": user.handle,
        "job_title": user.job_title,
        "initials": user.initials,
        "avatar_url": avatar_url(user),
        "is_guest": user.is_guest,
        "guest_company": user.guest_company,
    }


def user_profile(user: User, *, skills: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The directory card: what any colleague may see of a colleague.

    ``skills`` (``services.people.skills.skills_of``) is added when given: the person's
    own card has it, directory lists do not (one query per person)."""
    birthday = (
        f"--{user.birth_month:02d}-{user.birth_day:02d}"
        if user.birth_month and user.birth_day
        else None
    )
    data = {
        **user_summary(user),
        "email": user.email,
        "department": user.department,
        "site": user.site,
        "manager_id": user.manager_id,
        "hire_date": iso(user.hire_date),
        "birthday": birthday,
        "active": user.active,
        "pronouns": user.pronouns or "",
        "phone": user.phone or "",
        "about": user.about or "",
        "about_html": user.about_html or "",
        "languages": list(user.languages or []),
        "location_detail": user.location_detail or "",
    }
    if skills is not None:
        data["skills"] = skills
    return data


def user_private(user: User, *, skills: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The user themself, and admins: adds the role."""
    return {
        **user_profile(user, skills=skills),
        "role": user.role,
        "created_at": iso(user.created_at),
    }


def empty_reaction_counts() -> dict[str, int]:
    return dict.fromkeys(REACTION_KINDS, 0)


def post_dict(
    post: Post,
    *,
    reaction_counts: dict[str, int] | None = None,
    my_reactions: list[str] | None = None,
) -> dict[str, Any]:
    """A post. ``my_reactions`` is present only when serialized for one viewer.

    A post the system wrote (``post.system``) is worded in the current language."""
    worded = system_text.render_post(post.system) if post.body else None  # erased stays so
    body, body_html = worded or (post.body, post.body_html)
    data: dict[str, Any] = {
        "id": post.id,
        "author": user_summary(post.author),
        "group_id": post.group_id,
        "kind": post.kind,
        "title": post.title,
        "body": body,
        "body_html": body_html,
        "comments_enabled": post.comments_enabled,
        "created_at": iso(post.created_at),
        "edited_at": iso(post.edited_at),
        "comment_count": post.comment_count,
        "reactions": reaction_counts if reaction_counts is not None else empty_reaction_counts(),
        "url": f"/posts/{post.id}",
        # "published" for everyone else; its author also sees "pending", "hidden", "draft"
        "moderation_state": post.moderation_state,
        "pinned": post.pinned_at is not None,
        "featured": post.featured_at is not None,
    }
    if my_reactions is not None:
        data["my_reactions"] = my_reactions
    return data


def comment_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "author": user_summary(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "moderation_state": comment.moderation_state,
    }


def reaction_state(
    post_id: int, kind: str, user_id: int, active: bool, counts: dict[str, int]
) -> dict[str, Any]:
    """Answer of PUT/DELETE on a reaction, and ``data`` of ``reaction.updated``."""
    return {
        "post_id": post_id,
        "kind": kind,
        "user_id": user_id,
        "active": active,
        "reactions": counts,
    }


def page(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}


#: What each kind of notification says: (with the notification's text, without it).
_SUMMARIES = {
    "mentioned": (None, _l("%(name)s mentioned you")),
    "group_mentioned": (None, _l("%(name)s mentioned %(group)s")),
    "replied": (None, _l("%(name)s commented on your post")),
    "reacted": (None, _l("%(name)s reacted to your post")),
    "join_requested": (None, _l("%(name)s asked to join %(group)s")),
    "request_approved": (None, _l("Your request to join %(group)s was approved")),
    "invited": (None, _l("%(name)s invited you to join %(group)s")),
    "added": (None, _l("%(name)s added you to %(group)s")),
    "announcement": (
        _l("Announcement from %(name)s: %(text)s"),
        _l("Announcement from %(name)s"),
    ),
    "poll_decided": (_l("%(name)s: %(text)s"), _l("%(name)s chose a poll’s final option")),
    "kudos": (_l("%(name)s gave you kudos for %(text)s"), _l("%(name)s gave you kudos")),
    "best_answer": (None, _l("%(name)s chose your answer as the best answer")),
    "celebrated": (_l("%(name)s celebrated you: %(text)s"), _l("%(name)s celebrated you")),
    # events: the text is built by services/events/texts.py
    "event_promoted": (
        _l("A seat freed up: you are going to %(text)s"),
        _l("A seat freed up: you are going"),
    ),
    "event_changed": (_l("%(name)s changed %(text)s"), _l("%(name)s changed an event")),
    "event_cancelled": (_l("%(name)s cancelled %(text)s"), _l("%(name)s cancelled an event")),
    "event_reminder": (_l("Reminder: %(text)s"), _l("Reminder: an event starts soon")),
    "event_invited": (_l("%(name)s invited you to %(text)s"), _l("%(name)s invited you")),
    "event_message": (_l("%(name)s wrote about %(text)s"), _l("%(name)s wrote about an event")),
    # circles: the text is the session's title
    "synthesis_due": (
        _l("Your synthesis of %(text)s is due by the end of today"),
        _l("Your synthesis of the last session is due by the end of today"),
    ),
    "synthesis_late": (
        _l("The synthesis of %(text)s is late"),
        _l("The synthesis of a session of your circle is late"),
    ),
    # briefings: the text is the briefing's title (the question's, once answered)
    "briefing": (
        _l("%(name)s sent you a briefing: %(text)s"),
        _l("%(name)s sent you a briefing"),
    ),
    "briefing_reminder": (
        _l("Your team is waiting: relay the briefing %(text)s"),
        _l("A briefing is waiting for you to relay it"),
    ),
    "briefing_answered": (
        _l("The communication team answered your question: %(text)s"),
        _l("The communication team answered your question"),
    ),
    # the editorial calendar: the text is the item's title
    "editorial_due": (
        _l("Reminder: “%(text)s” is due within a day"),
        _l("Reminder: an editorial item is due within a day"),
    ),
    # onboarding: the text is the step's title
    "onboarding_step_overdue": (
        _l("A step of your onboarding is overdue: %(text)s"),
        _l("A step of your onboarding is overdue"),
    ),
    "pain_point_status": (
        _l("%(name)s updated a pain point: %(text)s"),
        _l("%(name)s updated a pain point you follow"),
    ),
    "pain_point_merged": (
        _l("%(name)s merged duplicates: %(text)s"),
        _l("%(name)s merged a pain point you follow into another"),
    ),
}


def _grouped_summary(type: str, actor_name: str, others: int) -> str | None:
    """ "Zoé and 4 others reacted": a row that stands for several people's doing."""
    if others <= 0:
        return None
    if type == "reacted":
        return ngettext(
            "%(name)s and %(num)d other reacted to your post",
            "%(name)s and %(num)d others reacted to your post",
            others,
            name=actor_name,
        )
    if type == "replied":
        return ngettext(
            "%(name)s and %(num)d other commented on your post",
            "%(name)s and %(num)d others commented on your post",
            others,
            name=actor_name,
        )
    return None


def _notification_summary(n: Notification, actor_name: str, group_name: str, text: str) -> str:
    """One line of plain text (clients escape it) saying what happened, in the language of
    the moment it is built (a request's, or the recipient's inside ``for_person``)."""
    grouped = _grouped_summary(n.type, actor_name, n.count - 1)
    if grouped is not None:
        return grouped
    if n.type == "moderation" and text:
        return text  # the notice speaks for itself ("A moderator hid your post. …")
    if n.type == "poll_decided" and n.params and "option" in n.params:
        return _(
            "%(name)s picked %(option)s for “%(question)s”",
            name=actor_name,
            option=n.params["option"],
            question=n.params.get("question", ""),
        )
    if n.type == "editorial_late" and n.params and isinstance(n.params.get("count"), int):
        return ngettext(
            "%(num)d editorial item is late",
            "%(num)d editorial items are late",
            n.params["count"],
        )
    params = {"name": actor_name, "group": group_name, "text": text}
    if n.type in _SUMMARIES:
        with_text, without_text = _SUMMARIES[n.type]
        template = with_text if (text and with_text is not None) else without_text
        return str(template) % params
    return f"{actor_name}: {text}" if text else actor_name


def _notification_url(n: Notification) -> str | None:
    params = n.params or {}
    if n.post_id is not None:
        comment_id = params.get("comment_id")
        anchor = f"#comment-{int(comment_id)}" if isinstance(comment_id, int) else ""
        return f"/posts/{n.post_id}{anchor}"
    if n.group_id is not None:
        return f"/groups/{n.group_id}"
    url = params.get("url")
    # Only the paths the services write (a moderation notice's content); never another site.
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    return None


def notification_dict(
    n: Notification, actor: User | None, group: Group | None = None, preview: str | None = None
) -> dict[str, Any]:
    """A line of a person's notification centre; also the ``data`` of ``notification.created``.

    ``actor`` is ``n.actor_id``'s user (None once that account is gone), ``group``
    is ``n.group_id``'s group, used to name it in the summary. ``text`` and
    ``summary`` are worded now, in the current language, from the row's parameters
    (``system_text``). ``preview`` is an excerpt of the words concerned (the comment,
    the post, the moderator's message), found by the caller among what the reader may
    see (``services.notifications.previews``); a moderation notice's is its message.
    """
    text = system_text.notification_text(n.type, n.params, n.text)
    if preview is None and n.type == "moderation" and n.params:
        preview = system_text.preview(n.params.get("message"))
    summary = _notification_summary(
        n,
        actor.display_name if actor is not None else system_text.someone(),
        group.name if group is not None else system_text.a_group(),
        text,
    )
    return {
        "id": n.id,
        "type": n.type,
        "actor": user_summary(actor) if actor is not None else None,
        "count": n.count,
        "post_id": n.post_id,
        "group_id": n.group_id,
        "text": text,
        "summary": summary,
        "preview": preview,
        "url": _notification_url(n),
        "created_at": iso(n.created_at),
        "read_at": iso(n.read_at),
    }


def group_dict(
    group: Group,
    *,
    member_count: int,
    my_role: str | None = None,
    request_pending: bool = False,
    include_viewer: bool = True,
) -> dict[str, Any]:
    """A group card. ``my_role`` / ``request_pending`` describe the viewer (absent in events)."""
    data: dict[str, Any] = {
        "id": group.id,
        "name": group.name,
        "handle": group.handle,
        "description": group.description,
        "type": group.visibility,
        "official": group.is_official,
        "cover_color": group.cover_color,
        "archived": group.archived_at is not None,
        "premoderated": group.premoderated,
        "member_count": member_count,
        "created_at": iso(group.created_at),
        "url": f"/groups/{group.id}",
    }
    if include_viewer:
        data["my_role"] = my_role
        data["request_pending"] = request_pending
    return data


def announcement_dict(announcement: Announcement, *, acknowledged_at: Any = None) -> dict[str, Any]:
    """An announcement as its sender and recipients see it."""
    return {
        "id": announcement.id,
        "post_id": announcement.post_id,
        "sender_id": announcement.sender_id,
        "title": announcement.title,
        "audience": {"kind": announcement.audience_kind, "value": _audience_value(announcement)},
        "publish_at": iso(announcement.publish_at),
        "published_at": iso(announcement.published_at),
        "expires_at": iso(announcement.expires_at),
        "comments_enabled": announcement.comments_enabled,
        "reminded_at": iso(announcement.reminded_at),
        "status": _announcement_status(announcement),
        "acknowledged_at": iso(acknowledged_at),
        "url": f"/announcements/{announcement.id}",
    }


def _announcement_status(announcement: Announcement) -> str:
    if announcement.cancelled_at is not None:
        return "cancelled"
    return "published" if announcement.published_at else "scheduled"


def _audience_value(announcement: Announcement) -> Any:
    if announcement.audience_kind == "group":
        return announcement.group_id
    if announcement.audience_kind in ("company", "reports"):
        return None
    return announcement.audience_value


def company_value_dict(value: CompanyValue) -> dict[str, Any]:
    """A company value badge (kudos are given for one)."""
    return {
        "id": value.id,
        "name": value.name,
        "description": value.description,
        "emoji": value.emoji,
        "active": value.active,
    }


def kudos_dict(
    kudos: Kudos, *, value: CompanyValue, giver: User, recipients: list[User]
) -> dict[str, Any]:
    """Kudos as anyone who may see its post sees them; also ``data["kudos"]`` of
    ``kudos.created`` and the ``kudos`` attachment of a feed item."""
    return {
        "id": kudos.id,
        "post_id": kudos.post_id,
        "giver": user_summary(giver),
        "recipients": [user_summary(u) for u in recipients],
        "value": company_value_dict(value),
        "message": kudos.message,
        "created_at": iso(kudos.created_at),
    }


def celebration_dict(
    celebration: Celebration, *, person: User | None, people: list[User]
) -> dict[str, Any]:
    """A celebration: one person's occasion (``person``), or a team success (``people``)."""
    return {
        "id": celebration.id,
        "kind": celebration.kind,
        "date": iso(celebration.occasion_date),
        "years": celebration.years,
        "person": user_summary(person) if person is not None else None,
        "people": [user_summary(u) for u in people],
        "post_id": celebration.post_id,
        "created_at": iso(celebration.created_at),
    }


def event_dict(
    post: Post,
    details: Any,
    counts: dict[str, int],
    *,
    my_rsvp: Any = None,
    can_rsvp: bool | None = None,
    can_manage: bool | None = None,
) -> dict[str, Any]:
    """An event (``details``: its :class:`~.models.EventDetails`), the same everywhere: a
    feed item's ``event``, a permalink, ``GET /events/{id}``, the list. ``counts`` has
    "going", "maybe", "declined" and "waiting". Broadcast events (``event.updated``) are
    built without a viewer: no ``my_rsvp``, ``can_rsvp`` or ``can_manage``."""
    seats_left = None
    if details.capacity is not None:
        seats_left = max(details.capacity - counts.get("going", 0), 0)
    data: dict[str, Any] = {
        "id": post.id,
        "post_id": post.id,
        "group_id": post.group_id,
        "title": post.title,
        "description": post.body,
        "description_html": post.body_html,
        "organiser_id": post.author_id,
        "starts_at": iso(details.starts_at),
        "ends_at": iso(details.ends_at),
        "location": details.location,
        "online_url": details.online_url,
        "capacity": details.capacity,
        "seats_left": seats_left,
        "rsvp_closes_at": iso(details.rsvp_closes_at),
        "cancelled": details.cancelled_at is not None,
        "cancelled_at": iso(details.cancelled_at),
        "attendance_taken_at": iso(details.attendance_taken_at),
        "source_poll_id": details.source_poll_id,
        "counts": {k: counts.get(k, 0) for k in ("going", "maybe", "declined", "waiting")},
        "url": f"/posts/{post.id}",
    }
    if can_manage is not None:
        data["my_rsvp"] = (
            {"status": my_rsvp.status, "waiting_position": my_rsvp.waiting_position}
            if my_rsvp is not None
            else None
        )
        data["can_rsvp"] = bool(can_rsvp)
        data["can_manage"] = can_manage
    return data


def hours(minutes: int | float | None) -> float | None:
    """Minutes as hours, to the hundredth (the register speaks in hours)."""
    return None if minutes is None else round(minutes / 60, 2)


def pain_point_dict(
    post: Post,
    details: Any,
    counts: dict[str, int],
    *,
    owner: User | None,
    viewer: dict[str, bool] | None = None,
) -> dict[str, Any]:
    """A pain point (``details``: its :class:`~.models.PainPoint`), the same everywhere: a
    feed item's ``pain_point``, ``GET /pain-points/{id}``, the register's list and
    ``pain_point.updated``. ``counts`` has "votes" and "recent_votes" (the last seven
    days). ``hours_at_stake`` is hours a week × voters while open; ``hours_given_back``
    the same once solved. ``viewer`` (``my_vote``, ``following``, ``can_vote``,
    ``can_edit``, ``can_triage``) is added for a known viewer, never broadcast."""
    votes = counts.get("votes", 0)
    weekly = hours((details.minutes_per_week or 0) * votes)
    open_ = details.status not in ("solved", "wont_fix") and details.merged_into_id is None
    data: dict[str, Any] = {
        "id": post.id,
        "post_id": post.id,
        "group_id": post.group_id,
        "author_id": post.author_id,
        "title": post.title,
        "description": post.body,
        "description_html": post.body_html,
        "site": details.site,
        "department": details.department,
        "status": details.status,
        "owner": user_summary(owner) if owner is not None else None,
        "resolution_note": details.resolution_note,
        "hours_per_week": hours(details.minutes_per_week),
        "votes": votes,
        "recent_votes": counts.get("recent_votes", 0),
        "hours_at_stake": weekly if open_ else 0.0,
        "hours_given_back": weekly if details.status == "solved" else 0.0,
        "merged_into_id": details.merged_into_id,
        "comment_count": post.comment_count,
        "created_at": iso(post.created_at),
        "status_changed_at": iso(details.status_changed_at),
        "url": f"/posts/{post.id}",
    }
    if viewer is not None:
        data.update(viewer)
    return data
