"""Error responses: JSON ``{"error", "message", "request_id"}`` under /api/, an HTML page
elsewhere (showing the request id too, so a person can quote it to support)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import BaseConverter

from .errors import DomainError
from .extensions import db
from .hosts import REFUSED_MESSAGE
from .request_log import request_id
from .services.validation import MAX_ID

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}

#: The human message of each HTTP error (Werkzeug's descriptions are English only).
#: A description given with ``abort(status, description)`` wins over these.
HTTP_MESSAGES = {
    400: _l("The request is not valid."),
    401: _l("Sign in to continue."),
    403: _l("You do not have permission to do this."),
    404: _l("This page or resource does not exist."),
    405: _l("This method is not allowed for this address."),
    409: _l("This conflicts with the current state of the resource."),
    413: _l("The request is too large."),
    415: _l("This content type is not supported."),
    429: _l("Too many requests. Wait a moment and try again."),
}


def _up_to_regex(maximum: int) -> str:
    """A regex matching exactly the decimal numbers 1..``maximum`` (no sign, no leading 0)."""
    digits = str(maximum)
    alternatives = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(int(d) for d in digits):
        lowest = 1 if i == 0 else 0
        if digit > lowest:
            rest = len(digits) - i - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            alternatives.append(f"{digits[:i]}[{lowest}-{digit - 1}]{tail}")
    alternatives.append(digits)
    return "|".join(alternatives)


class IdConverter(BaseConverter):
    """``<id:name>``: a positive id that fits the database's integer columns.

    Anything else (0, negative, 2**80) does not match the route: a clean 404
    instead of an overflow error from the database driver. The range is in the
    regex rather than in ``to_python`` because Werkzeug answers a conversion
    failure with 405 when another method's rule shares the path.
    """

    regex = _up_to_regex(MAX_ID)

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _json(body: dict, status: int):
    return {**body, "request_id": request_id()}, status


def _domain_error(error: DomainError):
    db.session.rollback()
    if _wants_json():
        return _json(error.to_dict(), error.status)
    return render_template("error.html", status=error.status, message=error.message), error.status


def _http_message(error: HTTPException, status: int) -> str:
    """The translated message for ``status``, unless the code that aborted gave its own
    description (then that text, already translated by whoever wrote it, is kept)."""
    default_description = type(error).description
    custom = error.description and error.description != default_description
    if status in HTTP_MESSAGES and (status == 413 or not custom):
        return str(HTTP_MESSAGES[status])
    return error.description or error.name


def _http_error(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    message = _http_message(error, status)
    if _wants_json():
        return _json({"error": HTTP_CODES.get(status, "error"), "message": message}, status)
    return render_template("error.html", status=status, message=message), status


def _csrf_error(error: CSRFError):
    db.session.rollback()
    message = _(
        "This form has expired or did not come from socialnet. Reload the page and try again."
    )
    if _wants_json():
        return _json({"error": "csrf_failed", "message": message}, 403)
    return render_template("error.html", status=400, message=message), 400


def _untrusted_host(_error: SecurityError):
    """A Host not in TRUSTED_HOSTS: no route was matched and no URL can be built, so the
    page stands alone (the usual error page links to the feed)."""
    db.session.rollback()
    if _wants_json():
        return _json({"error": "bad_request", "message": REFUSED_MESSAGE}, 400)
    return render_template("host_refused.html", message=REFUSED_MESSAGE), 400


def register_error_handlers(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
