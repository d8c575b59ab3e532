"""A poll's results as CSV, for its author and community managers."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...errors import Conflict, Forbidden
from ...extensions import db
from ...models import Post, User
from ...models.polls import DATE_ANSWERS
from ...serializers import iso
from ..csv_export import to_csv
from .reading import _load, _voters_by_option, access_poll, can_manage, results_visible_to


def export_csv(user: User, poll_id: int) -> str:
    """``results.csv`` for the author and community managers: one row per option with its
    counts and, for named polls only, the voters' names.

    :raise NotFound: missing or invisible. :raise Forbidden: anyone else.
    :raise Conflict: results are not visible yet (``after_close`` and still open).
    """
    poll = access_poll(user, poll_id)
    post = db.session.get(Post, poll.post_id)
    if not can_manage(user, poll, post):
        raise Forbidden(_("Only the poll's author or a community manager can export results."))
    if not results_visible_to(user, poll, post, voted=False):
        raise Conflict(_("Results are available once the poll closes."))
    options, counts, _voters, _mine = _load(None, [poll])
    names: dict[int, list[str]] = {}
    if not poll.anonymous:
        names = {
            option_id: [
                f"{v['display_name']}{' (' + v['answer'] + ')' if 'answer' in v else ''}"
                for v in entries
            ]
            for option_id, entries in _voters_by_option(poll).items()
        }
    header = ["option", "starts_at", *DATE_ANSWERS] if poll.kind == "date" else ["option", "votes"]
    if not poll.anonymous:
        header.append("voters")
    rows = []
    for option in options[poll.id]:
        answered = counts[option.id]
        if poll.kind == "date":
            row: list[Any] = [option.text, iso(option.starts_at)]
            row += [answered[a] for a in DATE_ANSWERS]
        else:
            row = [option.text, answered["yes"]]
        if not poll.anonymous:
            row.append("; ".join(names.get(option.id, [])))
        rows.append(row)
    return to_csv(header, rows)
