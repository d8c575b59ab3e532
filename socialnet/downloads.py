"""File downloads answered by pages and the API alike."""

from __future__ import annotations

from flask import Response


def zip_download(body: bytes, filename: str) -> Response:
    """``body`` as an attachment named ``filename``, never cached (it holds personal data)."""
    response = Response(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
