"""Peer-learning circles: a small secret group with a facilitator and a rhythm.

One module per job: :mod:`.reading` (who sees a circle, its topics and sessions, the
synthesis clock), :mod:`.creating`, :mod:`.topics` (propose, vote, pick),
:mod:`.sessions` (plan one — its event in the circle's group —, attendance),
:mod:`.syntheses` (publish, share company-wide, the ``synthesis`` post kind's
attachment), :mod:`.relay` (a member passes a shared synthesis on to their team),
:mod:`.personal` (export, erasure), :mod:`.reminders` (the job loop's reminder and escalation) and
:mod:`.dashboard`. This package exposes what the request layer and the jobs call.

A circle is a group: a circle the caller does not belong to is a 404, exactly like a
missing one, and its sessions' events and syntheses are posts only its members see.
"""

from .creating import do_create_circle, do_update_circle
from .dashboard import dashboard
from .reading import (
    access_circle,
    access_session,
    circle_dict,
    list_circles,
    list_sessions,
    list_topics,
    session_dicts,
    synthesis_clock,
    topic_dicts,
)
from .relay import do_relay_synthesis, relay_targets
from .reminders import do_send_synthesis_reminders
from .sessions import do_create_session, do_take_attendance
from .syntheses import do_publish_synthesis, do_share_synthesis, section_labels
from .topics import do_pick_topic, do_propose_topic, do_unvote, do_vote

__all__ = [
    "access_circle",
    "access_session",
    "circle_dict",
    "dashboard",
    "do_create_circle",
    "do_create_session",
    "do_pick_topic",
    "do_propose_topic",
    "do_publish_synthesis",
    "do_relay_synthesis",
    "do_send_synthesis_reminders",
    "do_share_synthesis",
    "do_take_attendance",
    "do_unvote",
    "do_update_circle",
    "do_vote",
    "list_circles",
    "list_sessions",
    "list_topics",
    "relay_targets",
    "section_labels",
    "session_dicts",
    "synthesis_clock",
    "topic_dicts",
]
