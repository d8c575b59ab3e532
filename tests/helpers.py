"""Assertion helpers shared by the API, feed and socket tests."""

from __future__ import annotations

from sqlalchemy import func, select

from socialnet.extensions import db


def assert_error(response, status: int, code: str | None = None) -> dict:
    """``response`` is a JSON error ``{"error", "message", "request_id"}`` with ``status``
    (and ``code``); answers the body without ``request_id``, which names the request (it is
    the ``X-Request-ID`` header) and so differs between two otherwise identical answers."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.is_json, response.get_data(as_text=True)
    body = response.get_json()
    assert body.pop("request_id", None) == response.headers["X-Request-ID"], body
    assert isinstance(body.get("error"), str) and body["error"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    if code is not None:
        assert body["error"] == code, body
    return body


def count_rows(model) -> int:
    """Rows of ``model`` in the database, read in a fresh transaction."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def table_counts(*models) -> dict[str, int]:
    return {model.__tablename__: count_rows(model) for model in models}
