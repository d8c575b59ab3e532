"""The JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: CSRF is enforced in lifecycle.authenticate_request for cookie-authenticated calls, which
#: with refuse_repeated_query_parameters runs before every handler here (lifecycle.install).
csrf.exempt(bp)

from . import (  # noqa: E402,F401  (routes register on import)
    accounts,
    analytics,
    announcements,
    groups,
    moderation,
    notifications,
    openapi,
    personal_data,
    polls,
    posts,
    recognition,
    users,
)
