"""The vocabulary of the OpenAPI document: references, responses, parameters, operations.

Each domain module of this package builds its ``PATHS`` and ``SCHEMAS`` from these.
"""

from __future__ import annotations

from typing import Any

from ...limits import MAX_ID


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict[str, Any]:
    return json_response(ref("Error"), description)


def page_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "next_cursor": {"type": "string", "nullable": True},
        },
    }


def items_of(name: str) -> dict[str, Any]:
    """A response ``{"items": [<name>, ...]}`` (a whole list, no cursor)."""
    return json_response(
        {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": ref(name)}},
        }
    )


#: OpenAPI 3.0 has no nullable reference: one of the object or null.
NULL = {"type": "object", "nullable": True, "enum": [None]}


def nullable_ref(name: str) -> dict[str, Any]:
    return {"anyOf": [ref(name), NULL]}


COUNT = {"type": "integer", "minimum": 0}
NULLABLE_STRING = {"type": "string", "nullable": True}
DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {**DATE_TIME, "nullable": True}

R400 = error_response("Invalid input: the message says what, `fields` says where")
R401 = error_response("Not signed in, or the token is invalid or revoked")
R403 = error_response("Not allowed (or CSRF token missing on a cookie-authenticated call)")
R404 = error_response("Not found — also the answer for anything the caller may not see")
R409 = error_response("Conflict with existing data")
R413 = error_response("Too large")
NO_CONTENT = {"description": "Done; no body"}

LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}
CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "`next_cursor` of the previous page; opaque and bound to its list",
    "schema": {"type": "string"},
}


#: An object id: what the API accepts wherever an id is given (``limits.MAX_ID``).
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": dict(ID)}


def json_body_of(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


def operation(summary: str, responses: dict[Any, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {str(k): v for k, v in responses.items()}, **extra}


SECURITY_NONE: list[dict[str, list[str]]] = []
