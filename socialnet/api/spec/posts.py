"""OpenAPI description of the feed, post, comment and reaction routes (socialnet/api/posts.py)."""

from __future__ import annotations

import copy
from typing import Any

from ...models import REACTION_KINDS
from .common import (
    CURSOR,
    DATE_TIME,
    ID,
    LIMIT,
    NO_CONTENT,
    NULLABLE_DATE_TIME,
    NULLABLE_STRING,
    R400,
    R401,
    R403,
    R404,
    R413,
    id_param,
    json_body_of,
    json_response,
    operation,
    page_of,
    ref,
)

#: The order of a post's comments; a cursor continues the order it was made for.
ORDER = {
    "name": "order",
    "in": "query",
    "required": False,
    "description": "oldest first (the default) or newest first (a feed card's latest "
    "comments, with limit=2)",
    "schema": {"type": "string", "enum": ["oldest", "newest"], "default": "oldest"},
}
KIND = {
    "name": "kind",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(REACTION_KINDS)},
}
#: Files to attach (posts and comments, on create and on edit).
FILE_IDS = {
    "type": "array",
    "maxItems": 10,
    "items": ID,
    "description": "the caller's own unattached uploads (POST /files); on edit, "
    "the list replaces the attached files",
}
POST_ID = id_param("post_id")
COMMENT_ID = id_param("comment_id")

SCHEMAS: dict[str, Any] = {
    "ReactionCounts": {
        "type": "object",
        "required": list(REACTION_KINDS),
        "properties": {kind: {"type": "integer", "minimum": 0} for kind in REACTION_KINDS},
    },
    "Post": {
        "type": "object",
        "required": [
            "id",
            "author",
            "group_id",
            "kind",
            "title",
            "comments_enabled",
            "body",
            "body_html",
            "created_at",
            "edited_at",
            "comment_count",
            "reactions",
            "url",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "author": ref("UserSummary"),
            "group_id": {"type": "integer", "nullable": True},
            "via_topic": {
                "type": "string",
                "description": "home feed only: the followed topic that brought this post of "
                "a public group the reader is not in",
            },
            "kind": {
                "type": "string",
                "enum": [
                    "post",
                    "announcement",
                    "poll",
                    "kudos",
                    "celebration",
                    "event",
                    "synthesis",
                    "pain_point",
                    "feedback",
                ],  # fmt: skip
            },
            "poll": {"type": "object", "description": "posts of kind poll: the poll"},
            "event": {
                "type": "object",
                "description": "posts of kind event: the event (as GET /events/{event_id})",
            },
            "pain_point": {
                "type": "object",
                "description": "posts of kind pain_point: the pain point (as GET "
                "/pain-points/{pain_point_id})",
            },
            "feedback": {
                "type": "object",
                "description": "posts of kind feedback: its sections and topics",
            },
            "kudos": {"type": "object", "description": "posts of kind kudos: who, for what"},
            "synthesis": ref("SynthesisAttachment"),
            "celebration": {"type": "object", "description": "posts of kind celebration"},
            "title": {**NULLABLE_STRING, "description": "announcements have one"},
            "comments_enabled": {"type": "boolean"},
            "body": {"type": "string", "description": "the author's Markdown"},
            "body_html": {"type": "string", "description": "sanitized HTML rendering"},
            "created_at": DATE_TIME,
            "edited_at": NULLABLE_DATE_TIME,
            "comment_count": {"type": "integer"},
            "reactions": ref("ReactionCounts"),
            "my_reactions": {
                "type": "array",
                "items": {"type": "string", "enum": list(REACTION_KINDS)},
                "description": "the caller's reactions; absent in broadcast events",
            },
            "url": {"type": "string"},
            "moderation_state": {
                "type": "string",
                "enum": ["published", "pending", "hidden", "draft"],
                "description": "others only ever see published posts; the author also "
                "sees their own held ('pending'), 'hidden by moderation' ones, and the "
                "'draft' of an editorial item until it is published",
            },
            "pinned": {"type": "boolean"},
            "featured": {"type": "boolean"},
            "files": {"type": "array", "items": ref("File"), "description": "attached files"},
        },
    },
    "FeedPage": {
        "allOf": [
            page_of("Post"),
            {
                "type": "object",
                "properties": {
                    "pinned": {
                        "type": "array",
                        "description": "first page only: unread, unexpired announcements",
                        "items": {
                            "allOf": [
                                ref("Post"),
                                {
                                    "type": "object",
                                    "required": ["announcement"],
                                    "properties": {"announcement": ref("Announcement")},
                                },
                            ]
                        },
                    },
                    "pinned_posts": {
                        "type": "array",
                        "description": "first page only: posts pinned to the company feed",
                        "items": ref("Post"),
                    },
                    "featured": {
                        "type": "array",
                        "description": "first page only: posts featured by community managers",
                        "items": ref("Post"),
                    },
                },
            },
        ]
    },
    "PostCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 10000},
            "group_id": {"type": "integer", "nullable": True},
            "file_ids": FILE_IDS,
        },
    },
    "PostEdit": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 10000},
            "file_ids": FILE_IDS,
        },
    },
    "Comment": {
        "type": "object",
        "required": ["id", "post_id", "author", "body", "body_html", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "post_id": {"type": "integer"},
            "author": ref("UserSummary"),
            "body": {"type": "string"},
            "body_html": {"type": "string"},
            "created_at": DATE_TIME,
            "edited_at": NULLABLE_DATE_TIME,
            "moderation_state": {"type": "string", "enum": ["published", "pending", "hidden"]},
            "files": {"type": "array", "items": ref("File"), "description": "attached files"},
        },
    },
    "CommentCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 4000},
            "file_ids": FILE_IDS,
        },
    },
    "ReactionState": {
        "description": "Also the `data` of the `reaction.updated` event.",
        "type": "object",
        "required": ["post_id", "kind", "user_id", "active", "reactions"],
        "properties": {
            "post_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(REACTION_KINDS)},
            "user_id": {"type": "integer"},
            "active": {"type": "boolean"},
            "reactions": ref("ReactionCounts"),
        },
    },
}


# --- questions: a post kind with a title, answered by comments ---------------------------

QUESTION_TITLE_MAX = 200


def _post_or_question() -> dict[str, Any]:
    """``Post`` with what questions add: the kind, ``answered`` and ``best_answer``."""
    schema = copy.deepcopy(SCHEMAS["Post"])
    props = schema["properties"]
    props["kind"] = {**props["kind"], "enum": [*props["kind"]["enum"], "question"]}
    props["title"] = {**props["title"], "description": "announcements and questions have one"}
    props["answered"] = {
        "type": "boolean",
        "description": "questions only: a best answer is chosen (and still published)",
    }
    props["best_answer"] = {
        **copy.deepcopy(SCHEMAS["Comment"]),  # a Comment, or null
        "nullable": True,
        "description": "questions only: the chosen answer, shown under the question",
    }
    return schema


def _post_create() -> dict[str, Any]:
    """A post (``PostCreate`` as it was, ``kind`` "post" optional) or a question."""
    post = copy.deepcopy(SCHEMAS["PostCreate"])
    post["properties"]["kind"] = {"type": "string", "enum": ["post"], "default": "post"}
    question = copy.deepcopy(post)
    question["required"] = ["kind", "title"]
    question["properties"]["kind"] = {"type": "string", "enum": ["question"]}
    question["properties"]["title"] = {
        "type": "string",
        "minLength": 1,
        "maxLength": QUESTION_TITLE_MAX,
        "description": "one line",
    }
    question["properties"]["body"] = {
        **question["properties"]["body"],
        "minLength": 0,
        "description": "the details, optional",
    }
    return {
        "description": 'A post, or a question (`"kind": "question"` with a `title`)',
        "oneOf": [post, question],
    }


SCHEMAS["Post"] = _post_or_question()
SCHEMAS["PostCreate"] = _post_create()

PATHS: dict[str, Any] = {
    "/feed": {
        "get": operation(
            "The home feed: company posts and the caller's groups, newest first; the first "
            "page also lists unread announcements addressed to the caller in `pinned`",
            {200: json_response(ref("FeedPage")), 400: R400, 401: R401},
            parameters=[
                LIMIT,
                CURSOR,
                {"name": "tag", "in": "query", "schema": {"type": "string"}},
            ],
        )
    },
    "/posts": {
        "post": operation(
            "Publish a post (Markdown; @mentions and #hashtags)",
            {
                201: json_response(ref("Post"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                413: R413,
            },
            requestBody=json_body_of("PostCreate"),
        )
    },
    "/posts/{post_id}": {
        "parameters": [POST_ID],
        "get": operation("One post", {200: json_response(ref("Post")), 401: R401, 404: R404}),
        "patch": operation(
            "Edit one's own post",
            {
                200: json_response(ref("Post")),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                413: R413,
            },
            requestBody=json_body_of("PostEdit"),
        ),
        "delete": operation(
            "Delete a post (its author; moderators)",
            {204: NO_CONTENT, 401: R401, 403: R403, 404: R404},
        ),
    },
    "/posts/{post_id}/comments": {
        "parameters": [POST_ID],
        "get": operation(
            "Comments on a post, oldest first (order=newest: newest first)",
            {200: json_response(page_of("Comment")), 400: R400, 401: R401, 404: R404},
            parameters=[ORDER, LIMIT, CURSOR],
        ),
        "post": operation(
            "Comment on a post",
            {
                201: json_response(ref("Comment"), "Created"),
                400: R400,
                401: R401,
                404: R404,
                413: R413,
            },
            requestBody=json_body_of("CommentCreate"),
        ),
    },
    "/comments/{comment_id}": {
        "patch": operation(
            "Edit one's own comment: its body and, with `file_ids`, its files (the list given "
            "replaces them; files dropped are deleted). Marked edited; `comment.updated` goes "
            "to the post's audience (to the author only while held for approval).",
            {
                200: json_response(ref("Comment")),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                413: R413,
            },
            parameters=[COMMENT_ID],
            requestBody=json_body_of("CommentCreate"),
        ),
        "delete": operation(
            "Delete a comment (its author, the post's author, moderators)",
            {204: NO_CONTENT, 401: R401, 403: R403, 404: R404},
            parameters=[COMMENT_ID],
        ),
    },
    "/posts/{post_id}/reactions/{kind}": {
        "parameters": [POST_ID, KIND],
        "put": operation(
            "React (idempotent)",
            {200: json_response(ref("ReactionState")), 401: R401, 404: R404},
        ),
        "delete": operation(
            "Remove one's reaction (idempotent)",
            {200: json_response(ref("ReactionState")), 401: R401, 404: R404},
        ),
    },
}
