"""OpenAPI description of the moderation routes (socialnet/api/moderation.py)."""

from __future__ import annotations

from typing import Any

from ...models import REPORT_REASONS, WATCHED_WORD_ACTIONS
from ...services.case_actions import ACTIONS, BULK_MAX_CASES
from ...services.reports import REPORT_TARGET_TYPES
from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
    NO_CONTENT,
    NULLABLE_DATE_TIME,
    R400,
    R401,
    R403,
    R404,
    R409,
    error_response,
    id_param,
    json_body_of,
    json_response,
    operation,
    page_of,
    ref,
)

NULLABLE_USER = {"allOf": [ref("UserSummary")], "nullable": True}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


CASE_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer"},
    "kind": {"type": "string", "enum": ["report", "flag", "approval", "appeal"]},
    "status": {"type": "string", "enum": ["open", "closed"]},
    "severity": {"type": "integer", "minimum": 1, "maximum": 3},
    "report_count": {"type": "integer", "minimum": 0},
    "summary": {"type": "string"},
    "target_type": {"type": "string", "enum": ["post", "comment", "user", "group"]},
    "target_id": {"type": "integer"},
    "group_id": {"type": "integer", "nullable": True},
    "subject": NULLABLE_USER,
    "assignee": NULLABLE_USER,
    "resolution": {"type": "string", "nullable": True, "enum": [*ACTIONS, "withdrawn", None]},
    "appeal_of_id": {"type": "integer", "nullable": True},
    "opened_at": DATE_TIME,
    "updated_at": DATE_TIME,
    "closed_at": NULLABLE_DATE_TIME,
}

AUDIT_ENTRY = {
    "type": "object",
    "required": [
        "id",
        "actor",
        "action",
        "target_type",
        "target_id",
        "reason",
        "summary",
        "changes",
        "created_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "actor": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "nullable": True},
                "display_name": {"type": "string"},
            },
        },
        "action": {"type": "string", "description": "e.g. case.hide, user.role_changed"},
        "target_type": {"type": "string"},
        "target_id": {"type": "integer", "nullable": True},
        "reason": {"type": "string"},
        "before": {"type": "object"},
        "after": {"type": "object"},
        "summary": {
            "type": "string",
            "description": "the entry as a sentence with names, in the reader's language",
        },
        "changes": {
            "type": "array",
            "description": "the labelled fields of before/after, values in words",
            "items": {
                "type": "object",
                "required": ["field", "label", "before", "after"],
                "properties": {
                    "field": {"type": "string"},
                    "label": {"type": "string"},
                    "before": {"type": "string"},
                    "after": {"type": "string"},
                },
            },
        },
        "created_at": DATE_TIME,
        "redacted": {
            "type": "string",
            "nullable": True,
            "description": (
                "null, or what the target is when the reader may not see it "
                '("a secret group", "an announcement you cannot read", "a case you cannot '
                'see"): before/after then keep only fields that name nothing, reason is empty'
            ),
        },
    },
}

NOTE = {
    "type": "object",
    "required": ["id", "author", "body", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "author": NULLABLE_USER,
        "body": {"type": "string"},
        "created_at": DATE_TIME,
    },
}

ACTION_BODY_PROPERTIES: dict[str, Any] = {
    "action": {"type": "string", "enum": list(ACTIONS)},
    "message": {
        "type": "string",
        "nullable": True,
        "maxLength": 2000,
        "description": "told to the person concerned; required for warn",
    },
    "duration_hours": {
        "type": "integer",
        "minimum": 1,
        "maximum": 24 * 366,
        "nullable": True,
        "description": "mute (required) and suspend (absent: indefinitely)",
    },
    "group_id": {
        "type": "integer",
        "nullable": True,
        "description": "move: the destination group (null: the company feed)",
    },
    "close": {"type": "boolean", "default": True, "description": "false keeps the case open"},
}

SCHEMAS: dict[str, Any] = {
    "ReportCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["target_type", "target_id", "reason"],
        "properties": {
            "target_type": {"type": "string", "enum": list(REPORT_TARGET_TYPES)},
            "target_id": {"type": "integer", "minimum": 1},
            "reason": {"type": "string", "enum": list(REPORT_REASONS)},
            "text": {
                "type": "string",
                "nullable": True,
                "maxLength": 1000,
                "description": "required for other",
            },
        },
    },
    "ReportReceipt": {
        "type": "object",
        "required": ["id", "case_id", "status"],
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["received"]},
        },
    },
    "Case": {"type": "object", "required": list(CASE_PROPERTIES), "properties": CASE_PROPERTIES},
    "CaseDetail": {
        "allOf": [
            ref("Case"),
            {
                "type": "object",
                "required": ["target", "reports", "notes", "history", "appeal_text"],
                "properties": {
                    "target": {
                        "type": "object",
                        "nullable": True,
                        "description": "the post, comment, person or group, as moderators "
                        "see it (hidden, held and removed content included)",
                    },
                    "appeal_text": {"type": "string"},
                    "reports": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "reporter": ref("UserSummary"),
                                "reason": {"type": "string", "enum": list(REPORT_REASONS)},
                                "text": {"type": "string"},
                                "created_at": DATE_TIME,
                            },
                        },
                    },
                    "notes": {"type": "array", "items": ref("CaseNote")},
                    "history": {"type": "array", "items": ref("AuditEntry")},
                },
            },
        ]
    },
    "CaseAction": {
        "type": "object",
        "additionalProperties": False,
        "required": ["action"],
        "properties": ACTION_BODY_PROPERTIES,
    },
    "BulkAction": {
        "type": "object",
        "additionalProperties": False,
        "required": ["action", "case_ids"],
        "properties": {
            **ACTION_BODY_PROPERTIES,
            "case_ids": {
                "type": "array",
                "minItems": 1,
                "maxItems": BULK_MAX_CASES,
                "items": {"type": "integer"},
            },
        },
    },
    "CaseNote": NOTE,
    "NoteCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": 4000}},
    },
    "Assign": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "assignee_id": {
                "type": "integer",
                "nullable": True,
                "description": "a moderator; null or absent: unassign",
            }
        },
    },
    "AppealCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}},
    },
    "AppealReceipt": {
        "type": "object",
        "required": ["id", "appeal_of_id", "status"],
        "properties": {
            "id": {"type": "integer"},
            "appeal_of_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["open"]},
        },
    },
    "WatchedWord": {
        "type": "object",
        "required": ["id", "pattern", "regex", "action", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "pattern": {"type": "string"},
            "regex": {"type": "boolean"},
            "action": {"type": "string", "enum": list(WATCHED_WORD_ACTIONS)},
            "created_at": DATE_TIME,
        },
    },
    "WatchedWordCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["pattern", "action"],
        "properties": {
            "pattern": {"type": "string", "minLength": 1, "maxLength": 200},
            "regex": {"type": "boolean", "default": False},
            "action": {"type": "string", "enum": list(WATCHED_WORD_ACTIONS)},
        },
    },
    "Pin": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"pinned": {"type": "boolean", "default": True}},
    },
    "Feature": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"featured": {"type": "boolean", "default": True}},
    },
    "AuditEntry": AUDIT_ENTRY,
}

_CASE_ID = id_param("case_id")
_CASE = json_response(ref("Case"))
_MUTATION_ERRORS = {400: R400, 401: R401, 403: R403, 404: R404, 409: R409}
_OPTIONAL_BODY = {
    "required": False,
    "content": {"application/json": {"schema": {"type": "object"}}},
}

PATHS: dict[str, Any] = {
    "/reports": {
        "post": operation(
            "Report a post, comment, poll, kudos or person (one report per person and "
            "target; reports of one target make one case); an editorial draft, or a "
            "comment on one, cannot be reported (409)",
            {
                201: json_response(ref("ReportReceipt"), "Received"),
                **_MUTATION_ERRORS,
            },
            requestBody=json_body_of("ReportCreate"),
        )
    },
    "/moderation/cases": {
        "get": operation(
            "The review queue: open cases by severity then age (closed: newest first). "
            "Community managers see all; group admins their groups' cases",
            {200: json_response(page_of("Case")), 400: R400, 401: R401, 403: R403},
            parameters=[
                _query("status", "open (default) or closed", enum=["open", "closed"]),
                _query("kind", "report, flag, approval or appeal"),
                _query("assignee", "'me': only cases assigned to the caller"),
                _query("group_id", "only the cases of this group"),
                LIMIT,
                CURSOR,
            ],
        )
    },
    "/moderation/cases/{case_id}": {
        "parameters": [_CASE_ID],
        "get": operation(
            "A case with its target, reports, internal notes and history",
            {200: json_response(ref("CaseDetail")), 401: R401, 404: R404},
        ),
    },
    "/moderation/cases/{case_id}/actions": {
        "parameters": [_CASE_ID],
        "post": operation(
            "Act on an open case (closes it unless close is false); no action applies "
            "to a case about an editorial draft (409)",
            {200: _CASE, **_MUTATION_ERRORS},
            requestBody=json_body_of("CaseAction"),
        ),
    },
    "/moderation/bulk": {
        "post": operation(
            "One action on several cases, all or nothing",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("Case")}},
                    }
                ),
                **_MUTATION_ERRORS,
            },
            requestBody=json_body_of("BulkAction"),
        )
    },
    "/moderation/cases/{case_id}/notes": {
        "parameters": [_CASE_ID],
        "post": operation(
            "Add an internal note (moderators only see it)",
            {201: json_response(ref("CaseNote"), "Created"), **_MUTATION_ERRORS},
            requestBody=json_body_of("NoteCreate"),
        ),
    },
    "/moderation/cases/{case_id}/assign": {
        "parameters": [_CASE_ID],
        "post": operation(
            "Assign the case to a moderator (null: unassign)",
            {200: _CASE, **_MUTATION_ERRORS},
            requestBody=json_body_of("Assign"),
        ),
    },
    "/moderation/cases/{case_id}/appeal": {
        "parameters": [_CASE_ID],
        "post": operation(
            "Appeal a decision about the caller, once; the appeal lands in the queue",
            {201: json_response(ref("AppealReceipt"), "Created"), **_MUTATION_ERRORS},
            requestBody=json_body_of("AppealCreate"),
        ),
    },
    "/moderation/mine": {
        "get": operation(
            "Decisions about the caller that may be appealed",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": {
                                "type": "array",
                                "items": {
                                    "allOf": [
                                        ref("Case"),
                                        {
                                            "type": "object",
                                            "required": ["appealed"],
                                            "properties": {"appealed": {"type": "boolean"}},
                                        },
                                    ]
                                },
                            }
                        },
                    }
                ),
                401: R401,
            },
        )
    },
    "/moderation/watched-words": {
        "get": operation(
            "The watched words (community managers)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("WatchedWord")}},
                    }
                ),
                401: R401,
                403: R403,
            },
        ),
        "post": operation(
            "Watch a word or pattern; catastrophic regular expressions are refused",
            {201: json_response(ref("WatchedWord"), "Created"), **_MUTATION_ERRORS},
            requestBody=json_body_of("WatchedWordCreate"),
        ),
    },
    "/moderation/watched-words/{word_id}": {
        "parameters": [id_param("word_id")],
        "delete": operation(
            "Stop watching a word", {204: NO_CONTENT, 401: R401, 403: R403, 404: R404}
        ),
    },
    "/posts/{post_id}/pin": {
        "parameters": [id_param("post_id")],
        "post": operation(
            "Pin (or with pinned false, unpin) a post in its space",
            {200: json_response(ref("Post")), **_MUTATION_ERRORS},
            requestBody={
                **_OPTIONAL_BODY,
                "content": {"application/json": {"schema": ref("Pin")}},
            },
        ),
    },
    "/posts/{post_id}/feature": {
        "parameters": [id_param("post_id")],
        "post": operation(
            "Feature (or with featured false, unfeature) a post on the home page",
            {200: json_response(ref("Post")), **_MUTATION_ERRORS},
            requestBody={
                **_OPTIONAL_BODY,
                "content": {"application/json": {"schema": ref("Feature")}},
            },
        ),
    },
    "/audit-log": {
        "get": operation(
            "The audit log, newest first, filtered; format=csv exports it (oldest first)",
            {
                200: {
                    "description": "A page of entries, or CSV",
                    "content": {
                        "application/json": {"schema": page_of("AuditEntry")},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                400: R400,
                401: R401,
                403: R403,
                413: error_response("A filter is longer than it may be"),
            },
            parameters=[
                _query("action", "exact action, or a prefix ending in '.' (case.)"),
                _query("actor", "part of the actor's name or handle (case and accents ignored)"),
                _query("actor_id", "entries by this person"),
                _query("target_type", "case, user, group, post, watched_word…"),
                _query("target_id", "with target_type"),
                _query("from", "first day (YYYY-MM-DD, from 1900-01-01)", format="date"),
                _query("to", "last day (YYYY-MM-DD, up to 9000-12-31)", format="date"),
                _query("format", "csv to download", enum=["csv"]),
                LIMIT,
                CURSOR,
            ],
        )
    },
}
