"""The OpenAPI 3.0 document of /api/v1, assembled from one module per domain.

Each module in :data:`DOMAINS` exposes ``PATHS`` (relative to /api/v1) and ``SCHEMAS``
(``components.schemas``), written with the vocabulary of :mod:`.common`. The document is
written by hand next to the handlers' domains and checked against the server by
tests/test_openapi.py: every route is documented, every documented operation exists, and
real responses validate against the schemas.

To document a new domain, add its module here and to :data:`DOMAINS`; a path or schema
that two domains both define is refused rather than silently overwritten.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

from . import (
    accounts,
    advocacy,
    analytics,
    announcements,
    briefings,
    circle_sessions,
    circles,
    editorial,
    events,
    files,
    groups,
    guests,
    knowledge,
    meta,
    moderation,
    newsletters,
    notifications,
    onboarding,
    pain_points,
    people,
    personal_data,
    polls,
    posts,
    questions,
    recognition,
    search,
    topics,
    users,
)
from .common import R413

#: The domains documented, each a module with ``PATHS`` and ``SCHEMAS``.
DOMAINS: tuple[ModuleType, ...] = (
    meta,
    accounts,
    users,
    posts,
    groups,
    announcements,
    notifications,
    recognition,
    polls,
    personal_data,
    files,
    analytics,
    moderation,
    search,
    questions,
    topics,
    people,
    events,
    advocacy,
    guests,
    newsletters,
    editorial,
    circles,
    circle_sessions,
    pain_points,
    knowledge,
    briefings,
    onboarding,
)


def _merged(part: str) -> dict[str, Any]:
    """The union of every domain's ``part`` (``"PATHS"`` or ``"SCHEMAS"``), deep-copied so
    building the document never changes a module's constants.

    :raise ValueError: two domains define the same key.
    """
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for domain in DOMAINS:
        for key, value in getattr(domain, part).items():
            if key in owner:
                raise ValueError(f"{part} {key!r}: in both {owner[key]} and {domain.__name__}")
            owner[key] = domain.__name__
            merged[key] = copy.deepcopy(value)
    return merged


def _with_house_rules(paths: dict[str, Any]) -> dict[str, Any]:
    """Rules true of every operation, stated once rather than at each one.

    - An operation that takes a body may answer 413: the body is over
      ``MAX_CONTENT_LENGTH``, or a field is over its ``maxLength`` (``TooLarge``).
    - An optional query parameter sent empty (``?to=``, a blank form field) counts
      as absent: ``allowEmptyValue``.
    """
    for item in paths.values():
        for method, op in item.items():
            if method == "parameters":
                continue
            if "requestBody" in op:
                op["responses"].setdefault("413", R413)
            for i, param in enumerate(op.get("parameters", [])):
                if param.get("in") == "query" and not param.get("required"):
                    op["parameters"][i] = {**param, "allowEmptyValue": True}
    return paths


def build_document() -> dict[str, Any]:
    """The whole document, as served at /api/v1/openapi.json."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "socialnet API",
            "version": "1.0.0",
            "description": (
                "The JSON API of socialnet, an enterprise social network. Authenticate "
                "with a bearer token (POST /tokens) or the session cookie; cookie-"
                "authenticated mutations need the X-CSRFToken header. Errors are "
                '`{"error": code, "message": text}`; anything the caller may not see '
                "answers 404 exactly like a missing object."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": _merged("SCHEMAS"),
        },
        "paths": _with_house_rules(_merged("PATHS")),
    }
