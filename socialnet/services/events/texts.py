"""Every sentence the events domain writes into a notification, in one place.

Notifications store a ``type`` and a short ``text`` (the event's title, and what changed
or the organisers' message); the notification centre's summary wraps them
(``serializers._SUMMARIES``). Keeping the text here lets it move to "kind + params
rendered when read" in one edit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: What a change to each field is called in "Breakfast: time, place".
CHANGE_LABELS = {
    "title": _l("title"),
    "description": _l("description"),
    "starts_at": _l("time"),
    "ends_at": _l("time"),
    "location": _l("place"),
    "online_url": _l("online link"),
    "capacity": _l("seats"),
    "rsvp_closes_at": _l("answer deadline"),
}
MESSAGE_MAX_IN_TEXT = 300


def notification_text(kind: str, title: str, *, changed=(), message: str = "") -> str:
    """The ``text`` of an event notification of ``kind`` about the event ``title``.

    ``changed``: field names (``event_changed``); ``message``: the organisers' words
    (``event_message``); ``kind`` "reminder_day" / "reminder_hour" for reminders.
    """
    if kind == "event_changed":
        labels = list(dict.fromkeys(str(CHANGE_LABELS[f]) for f in changed if f in CHANGE_LABELS))
        return _("%(title)s (%(changes)s)", title=title, changes=", ".join(labels))
    if kind == "event_message":
        return f"{title}: {message[:MESSAGE_MAX_IN_TEXT]}"
    if kind == "reminder_day":
        return _("%(title)s starts tomorrow", title=title)
    if kind == "reminder_hour":
        return _("%(title)s starts within the hour", title=title)
    return title
