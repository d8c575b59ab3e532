"""Manager cascades (issue #18): briefings the communication team sends to managers, who
relay them to their reporting lines after the embargo; the cascade's progress, reminders,
and the questions raised on the way.

Modules: ``checks`` (fields, 422s), ``reading`` (access, the dict, read receipts),
``composing`` (draft, edit, send), ``relaying`` (the manager's one action), ``progress``
(figures and the job loop's reminders), ``questions``.
"""

from .composing import do_create_briefing, do_send_briefing, do_update_briefing
from .progress import do_send_relay_reminders, progress
from .questions import do_answer, do_ask, list_questions, question_dict
from .reading import access_briefing, briefing_dict, do_mark_read, list_briefings
from .relaying import do_relay

__all__ = [
    "access_briefing",
    "briefing_dict",
    "do_answer",
    "do_ask",
    "do_create_briefing",
    "do_mark_read",
    "do_relay",
    "do_send_briefing",
    "do_send_relay_reminders",
    "do_update_briefing",
    "list_briefings",
    "list_questions",
    "progress",
    "question_dict",
]
