"""The JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # CSRF is enforced in authenticate_request for cookie-authenticated calls

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
    questions,
    recognition,
    users,
)
from .common import authenticate_request, refuse_repeated_query_parameters  # noqa: E402

bp.before_request(refuse_repeated_query_parameters)
bp.before_request(authenticate_request)
