"""File downloads answered by pages and the API alike."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, request, send_file
from flask_babel import gettext as _

from .errors import NotFound
from .models import FileUpload
from .storage import get_storage


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


def send_stored(key: str, mimetype: str, name: str, *, inline: bool) -> Response:
    """Stored bytes under ``key`` (the caller has asked the policy): ``Range`` and
    conditional requests served, ``nosniff``, a sandboxing CSP, an attachment unless
    ``inline``. :raise NotFound: the bytes are missing."""
    path = get_storage().path(key)
    if path is None or not path.is_file():
        raise NotFound(_("No such file."))
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=name,
        conditional=True,
        etag=True,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def send_upload(f: FileUpload) -> Response:
    """An uploaded file the caller may see: inline for images, an attachment otherwise."""
    mimetype = f.content_type
    if mimetype.startswith("text/"):
        mimetype += "; charset=utf-8"
    return send_stored(f.storage_key, mimetype, f.name, inline=f.is_image)
