"""File downloads answered by pages and the API alike."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, request


def zip_download(body: bytes, filename: str) -> Response:
    """``body`` as an attachment named ``filename``, never cached (it holds personal data)."""
    response = Response(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def site_address() -> tuple[str, str]:
    """The site's address for links inside downloaded files (``PUBLIC_URL``, else the
    request's), and its host name (calendar event UIDs)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base, urlsplit(base).hostname or "socialnet"


def calendar_download(body: bytes, filename: str) -> Response:
    """An iCalendar file (RFC 5545); private, never cached."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
