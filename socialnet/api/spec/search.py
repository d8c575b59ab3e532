"""The OpenAPI description of /search and /search/suggest."""

from __future__ import annotations

from typing import Any

from ...services.search import MAX_QUERY_LENGTH, TYPES
from .common import CURSOR, LIMIT, R400, R401, json_response, operation, ref

_Q = {
    "name": "q",
    "in": "query",
    "required": True,
    "description": "What to look for (at most "
    f"{MAX_QUERY_LENGTH} characters). Words match any word starting with their stem, "
    'ignoring case and accents ("réunions" finds "réunion", "ecole" "École", "jul" '
    '"Julie"); `"quoted words"` are a phrase; `-word` or `-"a phrase"` excludes. Other '
    "punctuation is ignored. Empty, too long, or only exclusions: 400.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
    "example": "réunions",
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
_DAY = {"type": "string", "format": "date"}

PATHS: dict[str, Any] = {
    "/search": {
        "get": operation(
            "Search what the caller may see — posts of every kind, comments, people, groups, "
            "files, topics — by relevance, then newest first. Visibility is the feed's: nothing "
            "from a group the caller may not read, nothing deleted, removed, hidden or pending "
            "(except the caller's own). Files are found by their name and by the words of PDF, "
            "Word (docx), text and CSV files (read by the job loop shortly after the upload), "
            "only while the post or comment they are attached to may be read. Group, author, "
            "topic, date and `unanswered` filters narrow the results to posts, comments and "
            "files (`unanswered`: posts only).",
            {200: json_response(ref("SearchPage")), 400: R400, 401: R401},
            parameters=[
                _Q,
                _query(
                    "type",
                    "`all` (default): posts, comments, people, groups and files ranked "
                    "together; `topics`: hashtags starting with the query, most used first",
                    {"type": "string", "enum": list(TYPES)},
                ),
                _query("group_id", "posts in this group, and their comments", _ID),
                _query("author_id", "posts, comments or files by this person", _ID),
                _query(
                    "topic",
                    "posts with this hashtag (`#` optional), and their comments",
                    {"type": "string", "maxLength": 100},
                ),
                _query("from", "written on or after this day (UTC)", _DAY),
                _query("to", "written on or before this day (UTC)", _DAY),
                _query(
                    "unanswered",
                    "1: questions without a best answer only (posts of kind `question`)",
                    {"type": "string", "enum": ["1"]},
                ),
                LIMIT,
                CURSOR,
            ],
        )
    },
    "/search/suggest": {
        "get": operation(
            "Type-ahead: up to 8 people, 8 groups and 8 topics for what is typed so far "
            "(every word a prefix)",
            {200: json_response(ref("SearchSuggestions")), 400: R400, 401: R401},
            parameters=[_Q],
        )
    },
}

SCHEMAS: dict[str, Any] = {
    "Topic": {
        "type": "object",
        "required": ["tag", "post_count", "url"],
        "properties": {
            "tag": {"type": "string", "description": "folded: lower case, no accents"},
            "post_count": {"type": "integer", "description": "posts the caller may see"},
            "url": {"type": "string"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["type", "id", "snippet", "object"],
        "properties": {
            "type": {
                "type": "string",
                "enum": ["post", "comment", "person", "group", "file", "topic"],
            },
            "id": {
                "description": "the object's id (a topic's: its tag)",
                "oneOf": [{"type": "integer"}, {"type": "string"}],
            },
            "snippet": {
                "type": "string",
                "description": "a short extract, HTML-escaped, matched words in `<mark>` "
                "(a file's: of its name, or of its text where a word matched)",
            },
            "object": {
                "description": "what the API answers elsewhere for this thing: a Post as in "
                "the feed (with its poll, kudos…), a Comment, a User, a Group, a file as a "
                "group's Files list has it (GroupFile), a Topic",
                "anyOf": [
                    ref("Post"),
                    ref("Comment"),
                    ref("User"),
                    ref("Group"),
                    ref("GroupFile"),
                    ref("Topic"),
                ],
            },
        },
    },
    "SearchPage": {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": ref("SearchResult")},
            "next_cursor": {"type": "string", "nullable": True},
        },
    },
    "SearchSuggestions": {
        "type": "object",
        "required": ["people", "groups", "topics"],
        "properties": {
            "people": {"type": "array", "maxItems": 8, "items": ref("User")},
            "groups": {"type": "array", "maxItems": 8, "items": ref("Group")},
            "topics": {"type": "array", "maxItems": 8, "items": ref("Topic")},
        },
    },
}
