"""The WSGI edge (``socialnet/edge.py``) and the lifecycle's cheaper hooks: what every
request pays for, kept equivalent to what it replaced (issue #16)."""

from __future__ import annotations

from prometheus_client import REGISTRY

from socialnet import lifecycle

COUNT = "socialnet_http_requests_total"


def _count(**labels: str) -> float:
    return REGISTRY.get_sample_value(COUNT, labels) or 0.0


def _all(response, name: str) -> list[str]:
    return response.headers.getlist(name)


def test_each_security_header_is_sent_once(client, api, employee):
    for response in (
        client.get("/healthz"),
        client.get("/sign-in"),
        api(employee).get("/api/v1/me"),
        client.get("/socket.io/?EIO=4&transport=polling"),
    ):
        for name in (*lifecycle.COMMON_HEADERS, "Content-Security-Policy", "Cache-Control"):
            assert len(_all(response, name)) == 1, (response.request.path, name)
        assert len(_all(response, "X-Request-ID")) == 1


def test_a_view_cannot_opt_a_page_into_caching(app, client, monkeypatch):
    """Only ``PRIVATELY_CACHED`` endpoints keep their own Cache-Control; any other answer
    that sets one is sent ``no-store`` (once)."""

    def careless(response):
        response.headers["Cache-Control"] = "public, max-age=600"
        return response

    monkeypatch.setitem(app.after_request_funcs, None, [careless, *app.after_request_funcs[None]])
    response = client.get("/sign-in")
    assert _all(response, "Cache-Control") == ["no-store"]


def test_flask_requests_are_counted_once_engineio_ones_not(client):
    before = _count(endpoint="ops.healthz", method="GET", status="2xx")
    unmatched = _count(endpoint="unmatched", method="GET", status="4xx")
    client.get("/healthz")
    client.get("/healthz")
    client.get("/socket.io/?EIO=4&transport=polling")
    assert client.get("/no/such/page").status_code == 404
    assert _count(endpoint="ops.healthz", method="GET", status="2xx") == before + 2
    assert _count(endpoint="unmatched", method="GET", status="4xx") == unmatched + 1


def test_library_hooks_are_replaced_by_their_cheaper_equivalents(app):
    """If Flask-WTF or Flask-Login change how they register their hooks, the replacement
    leaves theirs in place (still correct, only slower): this says so."""
    before = app.before_request_funcs[None]
    assert lifecycle.protect_from_csrf in before
    assert not [f for f in before if getattr(f, "__qualname__", "").startswith("CSRFProtect.")]
    names = [getattr(f, "__name__", "") for f in app.after_request_funcs[None]]
    assert "refresh_remember_cookie" in names and "_update_remember_cookie" not in names


def test_a_missing_static_file_is_not_kept_a_found_one_may_be(client):
    missing = client.get("/static/js/no-such-file.js")
    assert missing.status_code == 404
    assert _all(missing, "Cache-Control") == ["no-store"]
    found = client.get("/static/js/app.js")
    found.close()
    assert found.status_code == 200 and "no-store" not in found.headers.get("Cache-Control", "")


def test_a_stray_method_is_counted_as_other_never_as_its_own_series(client):
    before = _count(endpoint="unmatched", method="OTHER", status="4xx")
    assert client.open("/healthz", method="BREW").status_code == 405
    assert _count(endpoint="unmatched", method="OTHER", status="4xx") == before + 1
    assert (
        REGISTRY.get_sample_value(
            COUNT, {"endpoint": "unmatched", "method": "BREW", "status": "4xx"}
        )
        is None
    )
