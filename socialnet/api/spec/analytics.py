"""OpenAPI description of the analytics routes (socialnet/api/analytics.py)."""

from __future__ import annotations

from typing import Any

from ...services import analytics
from .common import DATE_TIME, R400, R401, R403, R404, json_response, operation, ref

COUNT = {"type": "integer", "minimum": 0}
DAY = {"type": "string", "format": "date"}
RATE = {"type": "number", "minimum": 0, "nullable": True}
RANGE_PARAMS = [
    {
        "name": "from",
        "in": "query",
        "required": False,
        "description": "first company day (YYYY-MM-DD, included, from 2000-01-01); "
        "default: 29 days before `to`",
        "schema": DAY,
    },
    {
        "name": "to",
        "in": "query",
        "required": False,
        "description": "last company day (included, up to 9000-12-31); default today. "
        "At most 366 days in all.",
        "schema": DAY,
    },
]


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def _items_of(name: str, **extra: Any) -> dict[str, Any]:
    return _obj(
        {"range": ref("AnalyticsRange"), **extra, "items": {"type": "array", "items": ref(name)}}
    )


SCHEMAS: dict[str, Any] = {
    "AnalyticsRange": _obj(
        {
            "from": DAY,
            "to": DAY,
            "days": {"type": "integer", "minimum": 1},
            "timezone": {"type": "string"},
        }
    ),
    "AnalyticsOverview": {
        "description": "Company-wide. A person is *active* on a day when they made a "
        "successful signed-in request, or wrote a post (not a celebration), comment, "
        "reaction or ballot that day. DAU: active on `to`; WAU/MAU: distinct active in "
        "the 7/30 days ending on `to`. Posts and comments: live (not deleted, published).",
        **_obj(
            {
                "range": ref("AnalyticsRange"),
                "totals": _obj(
                    {k: COUNT for k in ("active_people", "dau", "wau", "mau", "posts", "comments")}
                    | {"reactions": COUNT}
                ),
                "daily": {
                    "type": "array",
                    "items": _obj(
                        {"day": DAY, "active": COUNT, "posts": COUNT, "comments": COUNT}
                        | {"reactions": COUNT}
                    ),
                },
                "weekly": {"type": "array", "items": _obj({"start": DAY, "active": COUNT})},
                "monthly": {"type": "array", "items": _obj({"start": DAY, "active": COUNT})},
            }
        ),
    },
    "AnalyticsGroup": _obj(
        {
            "group_id": {"type": "integer"},
            "name": {"type": "string"},
            "visibility": {"type": "string", "enum": ["public", "private", "secret"]},
            "archived": {"type": "boolean"},
            "members": COUNT,
            "active_members": COUNT,
            "posts": COUNT,
            "comments": COUNT,
            "replies_per_post": {"type": "number", "minimum": 0, "nullable": True},
        }
    ),
    "AnalyticsContributor": _obj(
        {
            "user": ref("UserSummary"),
            "posts": COUNT,
            "comments": COUNT,
            "reactions_given": COUNT,
            "contributions": COUNT,
        }
    ),
    "AnalyticsQuestion": _obj(
        {
            "post_id": {"type": "integer"},
            "author": ref("UserSummary"),
            "group_id": {"type": "integer", "nullable": True},
            "group_name": {"type": "string", "nullable": True},
            "excerpt": {"type": "string"},
            "created_at": DATE_TIME,
            "url": {"type": "string"},
        }
    ),
    "AnalyticsAnnouncement": _obj(
        {
            "announcement_id": {"type": "integer"},
            "post_id": {"type": "integer", "nullable": True},
            "title": {"type": "string"},
            "audience_kind": {"type": "string"},
            "audience_value": {"type": "string"},
            "group_id": {"type": "integer", "nullable": True},
            "published_at": DATE_TIME,
            "recipients": COUNT,
            "read": COUNT,
            "read_rate": RATE,
        }
    ),
    "AnalyticsNewsletter": _obj(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "published_at": DATE_TIME,
            "recipients": COUNT,
            "sent": COUNT,
            "opened": COUNT,
            "clicked": COUNT,
            "open_rate": RATE,
            "click_rate": RATE,
        }
    ),
    "AnalyticsPoll": _obj(
        {
            "poll_id": {"type": "integer"},
            "post_id": {"type": "integer"},
            "question": {"type": "string"},
            "group_id": {"type": "integer", "nullable": True},
            "created_at": DATE_TIME,
            "closed": {"type": "boolean"},
            "ballots": COUNT,
            "audience": {**COUNT, "description": "group members, or active accounts"},
            "participation": RATE,
        }
    ),
    "AnalyticsKudosValue": _obj(
        {
            "value_id": {"type": "integer"},
            "name": {"type": "string"},
            "emoji": {"type": "string"},
            "active": {"type": "boolean"},
            "kudos": COUNT,
            "recipients": COUNT,
        }
    ),
    "AnalyticsModeration": _obj(
        {
            "range": ref("AnalyticsRange"),
            "opened": COUNT,
            "closed": COUNT,
            "open_now": COUNT,
            "median_hours_to_resolve": RATE,
            "daily": {
                "type": "array",
                "items": _obj({"day": DAY, "opened": COUNT, "closed": COUNT}),
            },
        }
    ),
    "AnalyticsOnboarding": {
        "description": "Every journey of active people as of today (the range is echoed, "
        "not applied: journeys span weeks). A step is late when done after its due day, or "
        "still undone past it.",
        **_obj(
            {
                "range": ref("AnalyticsRange"),
                "in_progress": COUNT,
                "completed": COUNT,
                "total": COUNT,
                "completion_rate": {"type": "number", "minimum": 0, "maximum": 1},
                "feedback_answered": {
                    **COUNT,
                    "description": "journeys whose final question was answered (anonymous "
                    "or not): who answered an anonymous one is shown to nobody but them",
                },
                "late_steps": {
                    "type": "array",
                    "items": _obj(
                        {
                            "template_name": {"type": "string"},
                            "title": {"type": "string"},
                            "late": COUNT,
                            "total": COUNT,
                            "late_rate": {"type": "number", "minimum": 0, "maximum": 1},
                        }
                    ),
                },
            }
        ),
    },
}
SCHEMAS |= {
    "AnalyticsGroups": _items_of("AnalyticsGroup"),
    "AnalyticsContributors": _items_of("AnalyticsContributor"),
    "AnalyticsQuestions": _items_of("AnalyticsQuestion", total=COUNT),
    "AnalyticsAnnouncements": _items_of("AnalyticsAnnouncement"),
    "AnalyticsNewsletters": _items_of("AnalyticsNewsletter"),
    "AnalyticsPolls": _items_of("AnalyticsPoll"),
    "AnalyticsKudos": _items_of("AnalyticsKudosValue"),
}

_ERRORS = {400: R400, 401: R401, 403: R403}


def _get(summary: str, schema: str) -> dict[str, Any]:
    return {
        "get": operation(
            summary + " (community managers and admins)",
            {200: json_response(ref(schema)), **_ERRORS},
            parameters=RANGE_PARAMS,
        )
    }


PATHS: dict[str, Any] = {
    "/analytics/overview": _get(
        "Active people (daily, weekly, monthly) and posts, comments, reactions per day",
        "AnalyticsOverview",
    ),
    "/analytics/groups": _get(
        "Engagement per group the caller may know of (secret groups they are not in are left out)",
        "AnalyticsGroups",
    ),
    "/analytics/contributors": _get("Top 20 contributors", "AnalyticsContributors"),
    "/analytics/questions": _get(
        "Posts with a question mark and no reply, among those the caller may read",
        "AnalyticsQuestions",
    ),
    "/analytics/announcements": _get(
        "Announcements published in the range and their read rates", "AnalyticsAnnouncements"
    ),
    "/analytics/newsletters": _get(
        "Newsletters published in the range: emails sent, open and click rates",
        "AnalyticsNewsletters",
    ),
    "/analytics/polls": _get(
        "Polls of the range and their participation (ballots ÷ audience)", "AnalyticsPolls"
    ),
    "/analytics/kudos": _get("Kudos per company value", "AnalyticsKudos"),
    "/analytics/moderation": _get(
        "Cases opened and closed per day, backlog, median time to resolve",
        "AnalyticsModeration",
    ),
    "/analytics/onboarding": _get(
        "Onboarding journeys: in progress, completion rate, the steps most often late",
        "AnalyticsOnboarding",
    ),
    "/analytics/{table}.csv": {
        "get": operation(
            "One table of the dashboard as CSV (cells are formula-safe)",
            {
                200: {
                    "description": "CSV with a header row",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **_ERRORS,
                404: R404,
            },
            parameters=[
                {
                    "name": "table",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(analytics.CSV_TABLES)},
                },
                *RANGE_PARAMS,
            ],
        )
    },
}
