"""Events pages: the calendar (a month grid and a list), and the personal calendar feed
that calendar applications subscribe to (its secret token is its only credential)."""

from __future__ import annotations

from flask import Blueprint, Response

from ..downloads import calendar_download, site_address
from ..services import events

bp = Blueprint("events", __name__)


@bp.get("/calendar/<string:token>.ics")
def calendar_feed(token: str) -> Response:
    """A person's feed: no session, no CSRF; an unknown or revoked token is a 404."""
    return calendar_download(events.feed_ics(token, *site_address()), "socialnet.ics")
