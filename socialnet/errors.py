"""Domain errors raised by services and turned into responses by the request layer.

Services raise these; the API answers them as ``{"error": code, "message": …}``
with the status below, HTML views flash the message or abort with the status.

Messages are for people, so they are translated where they are raised
(``gettext`` as ``_``, ``ngettext`` for counts: a request is active, its language
applies); a module-level ``lazy_gettext`` constant is accepted too and turned into
text when raised. The ``code`` and the values of ``fields`` are codes for programs:
they stay English whatever the language.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **extra: Any):
        message = str(message)  # a lazy_gettext constant: its text in the current language
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class Unprocessable(ValidationFailed):
    """Well-formed, but not acceptable as it stands: 422 (a briefing whose embargo is past
    or with no key message, a journey step with a negative day offset, a deactivated buddy)."""

    status = 422
    code = "unprocessable"


class NotAuthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """Also answered for objects the caller may not see: a leak is a 404, never a 403."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    """A file whose bytes are not one of the accepted types (uploads)."""

    status = 415
    code = "unsupported_type"


class QuotaExceeded(DomainError):
    """A person's allowance for the day is used up (uploads)."""

    status = 429
    code = "quota_exceeded"


class Unavailable(DomainError):
    """The server is not set up for this (a missing setting); the message says which."""

    status = 503
    code = "unavailable"
