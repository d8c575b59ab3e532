"""OpenAPI description of the document itself and of the error every operation may answer."""

from __future__ import annotations

from typing import Any

from .common import SECURITY_NONE, operation

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "machine-readable code"},
            "message": {"type": "string", "description": "human-readable explanation"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "per-field problem codes, for 400s",
            },
            "request_id": {
                "type": "string",
                "description": "this request's id, also in the X-Request-ID header and the "
                "server's request log: quote it to support",
            },
        },
    },
}

PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": operation(
            "This document",
            {200: {"description": "OpenAPI 3.0 document"}},
            security=SECURITY_NONE,
        )
    },
}
