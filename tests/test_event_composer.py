"""The composer's event kind (issue #14): POST /events/new from the feed or a group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialnet.extensions import db
from socialnet.models import EventDetails, Post
from tests.web import form, html_of


def _local(hours: int) -> str:
    return (datetime.now(UTC) + timedelta(days=3, hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_an_event_from_the_feed_composer_is_published(signed_in, employee):
    client = signed_in(employee)
    page = html_of(client.get("/"))
    assert 'id="event-composer"' in page and 'aria-controls="event-composer"' in page
    sent = form(
        client,
        "/events/new",
        title="Afterwork",
        starts_at=_local(0),
        ends_at=_local(2),
        location="Lyon",
        tz_offset="-60",
        next="/",
    )
    assert sent.status_code == 302
    post = db.session.query(Post).filter_by(kind="event", title="Afterwork").one()
    assert sent.headers["Location"].endswith(f"/#post-{post.id}")
    assert "Afterwork" in html_of(client.get("/"))


def test_a_refused_event_comes_back_filled_with_the_reason(signed_in, employee):
    client = signed_in(employee)
    sent = form(
        client, "/events/new", title="Backwards", starts_at=_local(2), ends_at=_local(0), next="/"
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/#event-composer")
    page = html_of(client.get("/"))
    assert 'value="Backwards"' in page and "<details" in page
    assert db.session.query(Post).filter_by(kind="event").count() == 0


def test_an_event_in_a_group_from_its_page(signed_in, employee, fred, make_group):
    group = make_group("Makers", "private", members=(employee,))
    client = signed_in(employee)
    assert 'id="event-composer"' in html_of(client.get(f"/groups/{group.id}"))
    form(
        client,
        "/events/new",
        title="Build day",
        starts_at=_local(0),
        ends_at=_local(3),
        group_id=str(group.id),
        next=f"/groups/{group.id}",
    )
    post = db.session.query(Post).filter_by(kind="event").one()
    assert post.group_id == group.id
    outsider = form(
        signed_in(fred),
        "/events/new",
        title="Sneaky",
        starts_at=_local(0),
        ends_at=_local(1),
        group_id=str(group.id),
        next="/",
    )
    assert outsider.status_code == 302
    assert db.session.query(Post).filter_by(title="Sneaky").count() == 0


def test_the_composer_takes_seats_an_online_link_and_an_answer_deadline(signed_in, employee):
    """As POST /api/v1/events does: capacity, online_url, rsvp_closes_at (browser's zone)."""
    client = signed_in(employee)
    page = html_of(client.get("/"))
    for name in ("online_url", "capacity", "rsvp_closes_at"):
        assert f'name="{name}"' in page
    sent = form(
        client,
        "/events/new",
        title="Webinar",
        starts_at=_local(0),
        ends_at=_local(1),
        online_url="https://meet.example.com/abc",
        capacity="25",
        rsvp_closes_at=_local(-5),
        tz_offset="-60",
        next="/",
    )
    assert sent.status_code == 302
    post = db.session.query(Post).filter_by(kind="event", title="Webinar").one()
    details = db.session.get(EventDetails, post.id)
    assert details.online_url == "https://meet.example.com/abc" and details.capacity == 25
    assert details.rsvp_closes_at == details.starts_at - timedelta(hours=5)


def test_refused_seats_link_or_deadline_come_back_filled(signed_in, employee):
    client = signed_in(employee)
    cases = (
        {"capacity": "0"},
        {"capacity": "many"},
        {"online_url": "javascript:alert(1)"},
        {"rsvp_closes_at": _local(3)},  # after the start
    )
    for bad in cases:
        sent = form(
            client,
            "/events/new",
            title="Refused",
            starts_at=_local(0),
            ends_at=_local(1),
            next="/",
            **bad,
        )
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/#event-composer")
        page = html_of(client.get("/"))
        assert 'value="Refused"' in page, bad
        assert 'class="flash flash-error"' in page, bad
    assert db.session.query(Post).filter_by(kind="event").count() == 0
