"""OpenAPI description of the events routes (socialnet/api/events.py). An event is a post
of kind ``event``; its id is its post's id."""

from __future__ import annotations

import copy
from typing import Any

from ...models.calendar import EVENT_CAPACITY_MAX, EVENT_LOCATION_MAX, EVENT_URL_MAX
from .common import (
    DATE_TIME,
    NO_CONTENT,
    NULLABLE_DATE_TIME,
    NULLABLE_STRING,
    R400,
    R401,
    R403,
    R404,
    R409,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)
from .posts import SCHEMAS as POST_SCHEMAS

COUNT = {"type": "integer", "minimum": 0}
_STATUS = {"type": "string", "enum": ["going", "maybe", "declined", "waiting"]}
_CAPACITY = {
    "type": "integer",
    "minimum": 1,
    "maximum": EVENT_CAPACITY_MAX,
    "nullable": True,
    "description": "seats; null: no limit",
}


def _event_post_schema() -> dict[str, Any]:
    schema = copy.deepcopy(POST_SCHEMAS["Post"])
    schema["properties"]["kind"] = {"type": "string", "enum": ["event"]}
    schema["properties"]["event"] = ref("Event")
    schema["required"] = [*schema["required"], "event"]
    return schema


_FIELDS: dict[str, Any] = {
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": {"type": "string", "description": "Markdown, may be empty"},
    "starts_at": {**DATE_TIME, "description": "in the future; no offset means UTC"},
    "ends_at": {**DATE_TIME, "description": "after starts_at, 14 days later at most"},
    "location": {"type": "string", "maxLength": EVENT_LOCATION_MAX},
    "online_url": {
        "type": "string",
        "maxLength": EVENT_URL_MAX,
        "nullable": True,
        "description": "an http:// or https:// link",
    },
    "capacity": _CAPACITY,
    "rsvp_closes_at": {**NULLABLE_DATE_TIME, "description": "at or before starts_at"},
}

_PERSON = {
    "allOf": [
        ref("UserSummary"),
        {
            "type": "object",
            "required": ["attended"],
            "properties": {
                "attended": {
                    "type": "boolean",
                    "nullable": True,
                    "description": "once attendance is taken",
                },
                "waiting_position": {"type": "integer", "minimum": 1},
            },
        },
    ]
}

SCHEMAS: dict[str, Any] = {
    "Event": {
        "type": "object",
        "description": "The same object in a feed item's `event`, GET /events/{event_id}, "
        "the list; `event.updated` carries it without the caller's fields (`my_rsvp`, "
        "`can_rsvp`, `can_manage`).",
        "required": [
            "id",
            "post_id",
            "group_id",
            "title",
            "description",
            "description_html",
            "organiser_id",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "capacity",
            "seats_left",
            "rsvp_closes_at",
            "cancelled",
            "cancelled_at",
            "attendance_taken_at",
            "source_poll_id",
            "counts",
            "url",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer", "description": "the event's post id"},
            "post_id": {"type": "integer"},
            "group_id": {"type": "integer", "nullable": True},
            "title": NULLABLE_STRING,
            "description": {"type": "string"},
            "description_html": {"type": "string", "description": "sanitized HTML"},
            "organiser_id": {"type": "integer"},
            "starts_at": DATE_TIME,
            "ends_at": DATE_TIME,
            "location": {"type": "string"},
            "online_url": NULLABLE_STRING,
            "capacity": _CAPACITY,
            "seats_left": {**COUNT, "nullable": True},
            "rsvp_closes_at": NULLABLE_DATE_TIME,
            "cancelled": {"type": "boolean"},
            "cancelled_at": NULLABLE_DATE_TIME,
            "attendance_taken_at": NULLABLE_DATE_TIME,
            "source_poll_id": {
                "type": "integer",
                "nullable": True,
                "description": "the date poll it was made from",
            },
            "counts": {
                "type": "object",
                "required": ["going", "maybe", "declined", "waiting"],
                "properties": {k: COUNT for k in ("going", "maybe", "declined", "waiting")},
            },
            "url": {"type": "string"},
            "my_rsvp": {
                "type": "object",
                "nullable": True,
                "required": ["status", "waiting_position"],
                "properties": {
                    "status": _STATUS,
                    "waiting_position": {"type": "integer", "minimum": 1, "nullable": True},
                },
            },
            "can_rsvp": {"type": "boolean"},
            "can_manage": {"type": "boolean"},
        },
    },
    "EventPost": _event_post_schema(),
    "EventCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "starts_at", "ends_at"],
        "properties": {**_FIELDS, "group_id": {"type": "integer", "nullable": True}},
    },
    "EventChange": {
        "type": "object",
        "additionalProperties": False,
        "description": "any of the fields; those left out keep their value",
        "properties": _FIELDS,
    },
    "EventFromPoll": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "title": _FIELDS["title"],
            "description": _FIELDS["description"],
            "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 20160, "default": 60},
            "location": _FIELDS["location"],
            "online_url": _FIELDS["online_url"],
            "capacity": _CAPACITY,
            "rsvp_closes_at": _FIELDS["rsvp_closes_at"],
        },
    },
    "Rsvp": {
        "type": "object",
        "additionalProperties": False,
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["going", "maybe", "declined"]}},
    },
    "EventAttendees": {
        "type": "object",
        "required": ["event_id", "going", "maybe", "waiting"],
        "properties": {
            "event_id": {"type": "integer"},
            "going": {"type": "array", "items": _PERSON},
            "maybe": {"type": "array", "items": _PERSON},
            "waiting": {"type": "array", "items": _PERSON, "description": "in line, in order"},
            "declined": {"type": "array", "items": _PERSON, "description": "organisers only"},
        },
    },
}

_EVENT_ID = id_param("event_id")
_EVENT = json_response(ref("Event"))
_DAY = {"type": "string", "format": "date"}

PATHS: dict[str, Any] = {
    "/events": {
        "post": operation(
            "Create an event (a post of kind `event`), for the company or in a group",
            {201: json_response(ref("EventPost"), "Created"), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("EventCreate"),
        ),
        "get": operation(
            "The caller's calendar: visible events of the company and of their groups "
            "overlapping the days, by start (500 at most)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("Event")}},
                    }
                ),
                400: R400,
                401: R401,
                404: R404,
            },
            parameters=[
                {
                    "name": "from",
                    "in": "query",
                    "required": False,
                    "description": "first company day (included); default today",
                    "schema": _DAY,
                },
                {
                    "name": "to",
                    "in": "query",
                    "required": False,
                    "description": "last company day (included); default 30 days after "
                    "`from`; 400 days at most",
                    "schema": _DAY,
                },
                {
                    "name": "group_id",
                    "in": "query",
                    "required": False,
                    "description": "one group's events (a group the caller may read)",
                    "schema": {"type": "integer", "minimum": 1},
                },
            ],
        ),
    },
    "/events/{event_id}": {
        "parameters": [_EVENT_ID],
        "get": operation("An event as the caller sees it", {200: _EVENT, 401: R401, 404: R404}),
        "patch": operation(
            "Organisers change the event; people who answered are told what changed, and "
            "new seats go to the waiting list in order",
            {200: _EVENT, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("EventChange"),
        ),
    },
    "/events/{event_id}/cancel": {
        "parameters": [_EVENT_ID],
        "post": operation(
            "Organisers cancel the event; everyone who answered is told (409 for an "
            "editorial draft, which is rewritten or dropped from its item)",
            {200: _EVENT, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
    "/events/{event_id}/rsvp": {
        "parameters": [_EVENT_ID],
        "put": operation(
            "Answer: past capacity, `going` joins the waiting list (`my_rsvp.status` "
            "`waiting` with its position); leaving a seat promotes the first waiting; "
            "409 for an editorial draft (answers open once it is published)",
            {200: _EVENT, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("Rsvp"),
        ),
    },
    "/events/{event_id}/attendees": {
        "parameters": [_EVENT_ID],
        "get": operation(
            "Who answered: going, maybe, the waiting list in order (declined: organisers)",
            {200: json_response(ref("EventAttendees")), 401: R401, 404: R404},
        ),
    },
    "/events/{event_id}/attendance": {
        "parameters": [_EVENT_ID],
        "put": operation(
            "Organisers record who came, once the event has started; the others who said "
            "going or maybe are marked absent",
            {
                200: json_response(ref("EventAttendees")),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                409: R409,
            },
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["user_ids"],
                            "properties": {
                                "user_ids": {"type": "array", "items": {"type": "integer"}}
                            },
                        }
                    }
                },
            },
        ),
    },
    "/events/{event_id}/messages": {
        "parameters": [_EVENT_ID],
        "post": operation(
            "Organisers write to the people going, maybe going or waiting (a notification)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["notified"],
                        "properties": {"notified": COUNT},
                    }
                ),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
            },
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["body"],
                            "properties": {"body": {"type": "string", "maxLength": 1000}},
                        }
                    }
                },
            },
        ),
    },
    "/events/{event_id}.ics": {
        "parameters": [_EVENT_ID],
        "get": operation(
            "The event as an iCalendar file (Outlook, Google Calendar): times in the "
            "company's zone with its VTIMEZONE; a cancelled event is STATUS:CANCELLED",
            {
                200: {
                    "description": "text/calendar, one VEVENT",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                },
                401: R401,
                404: R404,
            },
        ),
    },
    "/me/calendar-feed": {
        "post": operation(
            "Create (or replace) the caller's secret calendar-feed URL: the events they "
            "answered going, maybe or waiting. Shown once; the previous URL stops working",
            {
                201: json_response(
                    {
                        "type": "object",
                        "required": ["url"],
                        "properties": {"url": {"type": "string", "format": "uri"}},
                    },
                    "Created",
                ),
                401: R401,
            },
        ),
        "delete": operation(
            "Revoke the caller's calendar feed (idempotent)", {204: NO_CONTENT, 401: R401}
        ),
    },
    "/polls/{poll_id}/event": {
        "parameters": [id_param("poll_id")],
        "post": operation(
            "A date poll's author turns its final slot into an event (same group, the "
            "question as title); the people who answered yes to that slot are invited. "
            "The body is optional",
            {
                201: json_response(ref("EventPost"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                409: R409,
            },
            requestBody={
                "required": False,
                "content": {"application/json": {"schema": ref("EventFromPoll")}},
            },
        ),
    },
}
