"""OpenAPI description of the newsletters and editorial calendar routes
(socialnet/api/newsletters.py, socialnet/api/editorial.py)."""

from __future__ import annotations

from typing import Any

from ...services.newsletters.composing import MAX_ITEMS, MAX_SECTIONS
from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
    NULLABLE_DATE_TIME,
    R400,
    R401,
    R403,
    R404,
    R409,
    R413,
    error_response,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)

NEWSLETTER_ID = id_param("newsletter_id")
STATUS = {"type": "string", "enum": ["draft", "scheduled", "sending", "sent", "cancelled"]}
RATE = {"type": "number", "minimum": 0, "maximum": 1}
COUNT = {"type": "integer", "minimum": 0}
AUDIENCE = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"type": "string", "enum": ["company", "site", "department", "group"]},
        "value": {
            "nullable": True,
            "description": "site or department name, or group id; none for the company",
        },
    },
}
SECTION_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["heading"],
    "properties": {
        "heading": {"type": "string", "maxLength": 200},
        "text": {"type": "string", "maxLength": 5000, "description": "Markdown"},
        "post_ids": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1},
            "description": "posts of the feed every person of the audience may see",
        },
    },
}
ITEM = {
    "type": "object",
    "required": ["id", "post_id", "title", "excerpt", "author", "group", "url"],
    "properties": {
        "id": {"type": "integer"},
        "post_id": {"type": "integer"},
        "title": {"type": "string"},
        "excerpt": {"type": "string"},
        "author": ref("UserSummary"),
        "group": {"type": "string", "nullable": True},
        "url": {"type": "string"},
    },
}
SUMMARY_FIELDS = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "status": STATUS,
    "audience": AUDIENCE,
    "publish_at": NULLABLE_DATE_TIME,
    "published_at": NULLABLE_DATE_TIME,
    "recipient_count": COUNT,
    "url": {"type": "string"},
}
SCHEMAS: dict[str, Any] = {
    "Newsletter": {
        "type": "object",
        "description": "An issue; each section lists only the posts the caller may see now.",
        "required": [
            *SUMMARY_FIELDS,
            "intro",
            "intro_html",
            "sections",
            "sent_at",
            "cancelled_at",
            "author",
            "created_at",
        ],
        "properties": {
            **SUMMARY_FIELDS,
            "intro": {"type": "string"},
            "intro_html": {"type": "string"},
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["heading", "text", "text_html", "items"],
                    "properties": {
                        "heading": {"type": "string"},
                        "text": {"type": "string"},
                        "text_html": {"type": "string"},
                        "items": {"type": "array", "items": ITEM},
                    },
                },
            },
            "sent_at": NULLABLE_DATE_TIME,
            "cancelled_at": NULLABLE_DATE_TIME,
            "author": ref("UserSummary"),
            "created_at": DATE_TIME,
        },
    },
    "NewsletterSummary": {
        "type": "object",
        "required": list(SUMMARY_FIELDS),
        "properties": SUMMARY_FIELDS,
    },
    "NewsletterCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "sections", "audience"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "intro": {"type": "string", "maxLength": 5000, "description": "Markdown"},
            "sections": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_SECTIONS,
                "items": SECTION_IN,
                "description": f"at most {MAX_ITEMS} posts in all, each once",
            },
            "audience": AUDIENCE,
            "publish_at": {
                **NULLABLE_DATE_TIME,
                "description": "when to send it (within a year); absent or null: a draft",
            },
        },
    },
    "NewsletterUpdate": {
        "type": "object",
        "additionalProperties": False,
        "description": "Fields given replace the stored ones; the issue is checked whole.",
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "intro": {"type": "string", "maxLength": 5000},
            "sections": {"type": "array", "items": SECTION_IN},
            "audience": AUDIENCE,
            "publish_at": NULLABLE_DATE_TIME,
        },
    },
    "NewsletterSchedule": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "publish_at": {**DATE_TIME, "description": "absent: at the next pass of the jobs"}
        },
    },
    "NewsletterPreview": {
        "type": "object",
        "required": ["reader", "subject", "html", "text", "items_shown"],
        "properties": {
            "reader": ref("UserSummary"),
            "subject": {"type": "string"},
            "html": {"type": "string"},
            "text": {"type": "string"},
            "items_shown": COUNT,
        },
    },
    "NewsletterReach": {
        "type": "object",
        "description": "Counts and rates (over emails sent); nobody is named.",
        "required": [
            "newsletter_id",
            "title",
            "status",
            "published_at",
            "recipients",
            "sent",
            "opened",
            "clicked",
            "open_rate",
            "click_rate",
            "items",
        ],
        "properties": {
            "newsletter_id": {"type": "integer"},
            "title": {"type": "string"},
            "status": STATUS,
            "published_at": NULLABLE_DATE_TIME,
            "recipients": COUNT,
            "sent": COUNT,
            "opened": COUNT,
            "clicked": COUNT,
            "open_rate": RATE,
            "click_rate": RATE,
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "item_id",
                        "post_id",
                        "section",
                        "title",
                        "clicks",
                        "people",
                        "click_rate",
                    ],
                    "properties": {
                        "item_id": {"type": "integer"},
                        "post_id": {"type": "integer", "nullable": True},
                        "section": {"type": "string"},
                        "title": {"type": "string"},
                        "clicks": COUNT,
                        "people": COUNT,
                        "click_rate": RATE,
                    },
                },
            },
        },
    },
}
ERRORS = {401: R401, 403: R403, 404: R404}
ONE = [NEWSLETTER_ID]

PATHS: dict[str, Any] = {
    "/newsletters": {
        "post": operation(
            "Compose a newsletter (community managers and admins): a draft, or scheduled "
            "with publish_at. Every post must be visible to every person of the audience.",
            {
                201: json_response(ref("Newsletter"), "Created"),
                400: R400,
                413: R413,
                401: R401,
                403: R403,
            },
            requestBody=json_body_of("NewsletterCreate"),
        ),
        "get": operation(
            "Newsletters the caller may read, newest first: all for community managers and "
            "admins, the ones received for everyone else",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items", "next_cursor"],
                        "properties": {
                            "items": {"type": "array", "items": ref("NewsletterSummary")},
                            "next_cursor": {"type": "string", "nullable": True},
                        },
                    }
                ),
                400: R400,
                401: R401,
            },
            parameters=[LIMIT, CURSOR],
        ),
    },
    "/newsletters/{newsletter_id}": {
        "get": operation(
            "An issue (its managers; its recipients once published)",
            {200: json_response(ref("Newsletter")), **ERRORS},
            parameters=ONE,
        ),
        "patch": operation(
            "Change a draft or scheduled issue",
            {
                200: json_response(ref("Newsletter")),
                400: R400,
                409: R409,
                413: R413,
                **ERRORS,
            },
            parameters=ONE,
            requestBody=json_body_of("NewsletterUpdate"),
        ),
    },
    "/newsletters/{newsletter_id}/schedule": {
        "post": operation(
            "Schedule (or move) an issue; its content is checked again",
            {200: json_response(ref("Newsletter")), 400: R400, 409: R409, **ERRORS},
            parameters=ONE,
            requestBody=json_body_of("NewsletterSchedule"),
        )
    },
    "/newsletters/{newsletter_id}/cancel": {
        "post": operation(
            "Cancel a draft or scheduled issue",
            {200: json_response(ref("Newsletter")), 409: R409, **ERRORS},
            parameters=ONE,
        )
    },
    "/newsletters/{newsletter_id}/preview": {
        "get": operation(
            "The email as one reader of the audience would receive it (nothing is sent)",
            {200: json_response(ref("NewsletterPreview")), 400: R400, **ERRORS},
            parameters=[
                NEWSLETTER_ID,
                {
                    "name": "user_id",
                    "in": "query",
                    "required": False,
                    "description": "the reader (default: the caller)",
                    "schema": {"type": "integer", "minimum": 1},
                },
            ],
        )
    },
    "/newsletters/{newsletter_id}/reach": {
        "get": operation(
            "Recipients, emails sent, opens and clicks per item, as counts and rates",
            {200: json_response(ref("NewsletterReach")), **ERRORS},
            parameters=ONE,
        )
    },
    "/newsletters/{newsletter_id}/reach.csv": {
        "get": operation(
            "The reach as CSV: one line for the issue, one per item (formula-safe cells)",
            {
                200: {
                    "description": "CSV with a header row",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **ERRORS,
            },
            parameters=ONE,
        )
    },
}


# -- the editorial calendar ----------------------------------------------------------------

EDITORIAL_STATUS = {
    "type": "string",
    "enum": ["idea", "assigned", "draft", "scheduled", "published", "dropped"],
}
EDITORIAL_FIELDS = {
    "title": {"type": "string", "maxLength": 200},
    "brief": {"type": "string", "maxLength": 5000},
    "due_at": NULLABLE_DATE_TIME,
    "publish_at": NULLABLE_DATE_TIME,
    "assignee_id": {"type": "integer", "minimum": 1, "nullable": True},
    "target": AUDIENCE,
    "status": EDITORIAL_STATUS,
}
SPAN_PARAMS = [
    {
        "name": "view",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["month", "week"], "default": "month"},
    },
    {
        "name": "date",
        "in": "query",
        "required": False,
        "description": "a day of the month or week (default: today, company time)",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "assignee_id",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1},
    },
    {"name": "site", "in": "query", "required": False, "schema": {"type": "string"}},
]
SCHEMAS["EditorialItem"] = {
    "type": "object",
    "required": [
        *EDITORIAL_FIELDS,
        "id",
        "assignee",
        "late",
        "created_at",
        "updated_at",
        "post",
    ],
    "properties": {
        **EDITORIAL_FIELDS,
        "id": {"type": "integer"},
        "post": {
            **ref("EditorialPost"),
            "nullable": True,
            "description": "the item's draft (kept unpublished) or its published post",
        },
        "assignee": {**ref("UserSummary"), "nullable": True},
        "late": {"type": "boolean", "description": "due and not yet drafted or scheduled"},
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
    },
}
SCHEMAS["EditorialItemCreate"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title"],
    "properties": EDITORIAL_FIELDS,
}
SCHEMAS["EditorialItemUpdate"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": EDITORIAL_FIELDS,
}
SCHEMAS["EditorialView"] = {
    "type": "object",
    "required": ["view", "from", "to", "previous", "next", "days"],
    "properties": {
        "view": {"type": "string", "enum": ["month", "week"]},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "previous": {"type": "string", "format": "date"},
        "next": {"type": "string", "format": "date"},
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "items"],
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "items": {"type": "array", "items": ref("EditorialItem")},
                },
            },
        },
    },
}
ITEM_ID = id_param("item_id")
R422_ASSIGNEE = error_response(
    "The assignee is a guest (`fields.assignee_id`: `guest`) or may not read the target "
    "group (`cannot_read`)"
)
PATHS.update(
    {
        "/editorial/items": {
            "post": operation(
                "Plan an editorial item (community managers and admins); dates not in the past",
                {
                    201: json_response(ref("EditorialItem"), "Created"),
                    400: R400,
                    413: R413,
                    422: R422_ASSIGNEE,
                    401: R401,
                    403: R403,
                },
                requestBody=json_body_of("EditorialItemCreate"),
            ),
            "get": operation(
                "A month or a week of the editorial calendar, by day (items the caller may "
                "see: all for community managers and admins, one's own assignments otherwise)",
                {200: json_response(ref("EditorialView")), 400: R400, 401: R401},
                parameters=SPAN_PARAMS,
            ),
        },
        "/editorial/items/{item_id}": {
            "get": operation(
                "An editorial item",
                {200: json_response(ref("EditorialItem")), **ERRORS},
                parameters=[ITEM_ID],
            ),
            "patch": operation(
                "Change an editorial item (the whole item is checked again); its target "
                "cannot change while its draft waits (409)",
                {
                    200: json_response(ref("EditorialItem")),
                    400: R400,
                    409: R409,
                    413: R413,
                    422: R422_ASSIGNEE,
                    **ERRORS,
                },
                parameters=[ITEM_ID],
                requestBody=json_body_of("EditorialItemUpdate"),
            ),
        },
        "/editorial/calendar.ics": {
            "get": operation(
                "The same span and filters as an iCalendar file",
                {
                    200: {
                        "description": "iCalendar (RFC 5545)",
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                    400: R400,
                    401: R401,
                },
                parameters=SPAN_PARAMS,
            )
        },
    }
)
