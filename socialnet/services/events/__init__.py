"""Events: a post kind with a time, a place, seats, answers (RSVPs) and a waiting list.

One module per job: :mod:`.reading` (who sees what, the list, ``event.updated``),
:mod:`.creating` (create, edit, cancel, the event's lock), :mod:`.rsvp` (answers and the
waiting list), :mod:`.organising` (attendance, messages), :mod:`.calendars` (.ics files
and personal feeds), :mod:`.reminders` (the job loop's reminders), :mod:`.from_polls`
(a date poll's final slot becomes an event), :mod:`.personal` (the personal-data
export's answers and feed) and :mod:`.texts` (every notification sentence). This
package exposes what the request layer and the jobs call.

An event is a post of kind ``event`` (its title and description are the post's title and
body), so it has the post's audience, visibility, comments and moderation;
:func:`access_event` answers 404 for an event its caller may not see, exactly like a
missing one.
"""

from .calendars import do_create_feed, do_revoke_feed, event_ics, feed_ics
from .creating import do_cancel_event, do_create_event, do_edit_event, on_cancel
from .from_polls import do_event_from_poll
from .organising import do_message_attendees, do_take_attendance
from .reading import access_event, event_for, events_for_posts, list_events
from .reminders import do_send_reminders
from .rsvp import attendees, do_rsvp

__all__ = [
    "access_event",
    "attendees",
    "do_cancel_event",
    "do_create_feed",
    "do_revoke_feed",
    "do_send_reminders",
    "event_ics",
    "feed_ics",
    "do_create_event",
    "do_edit_event",
    "do_event_from_poll",
    "do_message_attendees",
    "do_rsvp",
    "do_take_attendance",
    "event_for",
    "events_for_posts",
    "list_events",
    "on_cancel",
]
