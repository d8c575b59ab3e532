"""Polls: create, vote, retract, close, pick a date poll's final slot, read results, export.

One module per job: :mod:`.reading`, :mod:`.creating`, :mod:`.voting`, :mod:`.export`;
this package exposes what the request layer calls.

A poll is a post of kind ``poll``: the post carries its audience, visibility,
comments, reactions and moderation; :func:`access_poll` answers 404 for a poll
whose post the caller may not see, exactly like a missing one.

Rules worth knowing:

* One ballot per person per poll is guaranteed by the ``UNIQUE(poll_id, user_id)``
  key: a vote is ``INSERT … ON CONFLICT DO UPDATE`` (never check-then-insert),
  then its choices are replaced, all in the request's one transaction.
* Counts are shown to a viewer only when the poll's results rule allows it
  (:func:`results_visible_to`); ``poll.updated`` events carry counts only when
  the rule allows them to *everyone*, otherwise just the number of voters.
* An anonymous poll never reveals who voted for what to anybody (admins
  included): no voter list, no names in the CSV, no user ids in events. A poll
  cannot be changed after creation, so it cannot become named after votes.
"""

from .creating import MAX_OPTIONS, do_create_poll
from .export import export_csv
from .reading import access_poll, polls_for_posts, results
from .voting import do_close, do_pick_final_slot, do_retract_vote, do_vote

__all__ = [
    "MAX_OPTIONS",
    "access_poll",
    "do_close",
    "do_create_poll",
    "do_pick_final_slot",
    "do_retract_vote",
    "do_vote",
    "export_csv",
    "polls_for_posts",
    "results",
]
