"""The search page: one box over posts, comments, people, groups, files and topics.

A thin view over :mod:`socialnet.services.search`, which decides what the reader may
see. An empty box shows what to try instead of an error; a query the service refuses
(too long, nothing to look for, a bad filter) is shown as a message on the page, with
a 400 status, and the reader's words kept in the box.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import ValidationFailed
from ..services import search
from ._common import me

bp = Blueprint("search", __name__)

SEARCH_PAGE = 20
#: The tabs of the results page, in order, with their labels.
TABS = (
    ("all", _l("All")),
    ("posts", _l("Posts")),
    ("comments", _l("Comments")),
    ("people", _l("People")),
    ("groups", _l("Groups")),
    ("files", _l("Files")),
    ("topics", _l("Topics")),
)


@bp.get("/search")
@login_required
def results():
    query = request.args.get("q", "").strip()
    context = {"query": query, "tabs": _tabs(), "args": request.args, "items": [], "next_url": None}
    if not query:
        return render_template("search.html", **context, error=None)
    try:
        filters = search.parse_filters(request.args)
        items, next_cursor = search.search(
            me(), query, filters, request.args.get("cursor"), SEARCH_PAGE
        )
    except ValidationFailed as refused:
        return render_template("search.html", **context, error=refused.message), 400
    next_url = _same_search(cursor=next_cursor) if next_cursor else None
    context.update(items=items, next_url=next_url, type=filters.type)
    return render_template("search.html", **context, error=None)


def _same_search(**changes: str | None) -> str:
    """This search's URL with ``changes`` to its query string (``None`` drops a key)."""
    args = {key: value for key, value in request.args.items() if key != "cursor"}
    args.update(changes)
    return url_for("search.results", **{k: v for k, v in args.items() if v is not None})


def _tabs() -> list[tuple[str, str, str]]:
    """``(type, label, url)`` of each tab: the same search, from its first page."""
    return [(key, label, _same_search(type=key)) for key, label in TABS]
