"""OpenAPI description of the files routes (socialnet/api/files.py)."""

from __future__ import annotations

from typing import Any

from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
    R400,
    R401,
    R403,
    R404,
    error_response,
    id_param,
    json_response,
    operation,
    page_of,
    ref,
)

BINARY = {"type": "string", "format": "binary"}

SCHEMAS: dict[str, Any] = {
    "GroupFile": {
        "type": "object",
        "required": ["file", "uploader", "created_at", "post_id", "post_url"],
        "properties": {
            "file": ref("File"),
            "uploader": ref("UserSummary"),
            "created_at": DATE_TIME,
            "post_id": {"type": "integer", "description": "the post it is on, or its comment's"},
            "post_url": {"type": "string"},
        },
    },
    "File": {
        "type": "object",
        "description": "An uploaded file; the same object in an upload's answer and in the "
        "`files` of posts and comments.",
        "required": [
            "id",
            "name",
            "size",
            "content_type",
            "url",
            "thumbnail_url",
            "width",
            "height",
        ],
        "properties": {
            "id": {"type": "integer"},
            "name": {
                "type": "string",
                "maxLength": 200,
                "description": "the name sent, without path parts or control characters",
            },
            "size": {"type": "integer", "minimum": 1, "description": "bytes"},
            "content_type": {"type": "string", "description": "sniffed from the bytes"},
            "url": {"type": "string", "description": "GET it (authenticated) to download"},
            "thumbnail_url": {"type": "string", "nullable": True, "description": "images only"},
            "width": {"type": "integer", "nullable": True, "description": "images only"},
            "height": {"type": "integer", "nullable": True, "description": "images only"},
        },
    },
}

FILE_ID = id_param("file_id")
DOWNLOAD = {
    "description": "The file's bytes (`Range` supported: 206). Images inline, anything else "
    "`Content-Disposition: attachment`; always `X-Content-Type-Options: nosniff` and a "
    "sandboxing `Content-Security-Policy`.",
    "content": {"*/*": {"schema": BINARY}},
}

PATHS: dict[str, Any] = {
    "/files": {
        "post": operation(
            "Upload a file (multipart/form-data, field `file`). Accepted, judged from the "
            "bytes: JPEG, PNG, GIF, WebP, PDF, docx, xlsx, pptx, odt, UTF-8 text, CSV. Images "
            "are stripped of EXIF/GPS metadata, turned upright and get a thumbnail. Attach it "
            "with `file_ids` when creating or editing a post or a comment; an upload never "
            "attached is deleted after 24 hours.",
            {
                201: json_response(ref("File"), "Stored"),
                400: R400,
                401: R401,
                413: error_response("Over SOCIALNET_MAX_UPLOAD_MB"),
                415: error_response("A type that is not accepted (executables, SVG, HTML…)"),
                429: error_response("Over the person's daily upload quota"),
            },
            requestBody={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": BINARY},
                        }
                    }
                },
            },
        )
    },
    "/files/{file_id}/{name}": {
        "get": operation(
            "Download a file: its uploader while unattached, then whoever may see the post "
            "or comment it is attached to (anyone else: 404).",
            {200: DOWNLOAD, 206: DOWNLOAD, 401: R401, 404: R404},
            parameters=[
                FILE_ID,
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
        )
    },
    "/groups/{group_id}/files": {
        "get": operation(
            "A group's files, newest first: those on the posts and comments of the group the "
            "caller may see.",
            {200: json_response(page_of("GroupFile")), 400: R400, 401: R401, 403: R403, 404: R404},
            parameters=[id_param("group_id"), LIMIT, CURSOR],
        )
    },
    "/files/{file_id}/thumb/640": {
        "get": operation(
            "An image's thumbnail (WebP, at most 640 pixels a side), with the same access "
            "rules as the file.",
            {
                200: {"description": "WebP", "content": {"image/webp": {"schema": BINARY}}},
                401: R401,
                404: R404,
            },
            parameters=[FILE_ID],
        )
    },
}
