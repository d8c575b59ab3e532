"""The events pages' organiser buttons (issue #17): edit, cancel, attendance, messages,
and one's personal calendar feed — all forms, working without JavaScript."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from socialnet.extensions import db
from socialnet.models import CalendarFeed, EventDetails, EventRsvp, Notification
from socialnet.services.celebrations import company_tz
from tests.test_events import PREFIX, event_body
from tests.web import form, html_of


def _event(api, organiser, **overrides):
    answer = api(organiser).post(PREFIX + "/events", event_body(**overrides))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_organisers_edit_in_company_time_and_attendees_are_told(api, signed_in, employee, fred):
    item = _event(api, employee)
    api(fred).put(f"{PREFIX}/events/{item['id']}/rsvp", {"status": "going"})
    page = signed_in(employee)
    card = html_of(page.get(f"/posts/{item['id']}"))
    for button in ("Edit the event", "Take attendance", "Cancel the event", "Write to the"):
        assert button in card
    assert "Edit the event" not in html_of(signed_in(fred).get(f"/posts/{item['id']}"))
    edit = html_of(page.get(f"/events/{item['id']}/edit"))
    assert 'value="Trade breakfast"' in edit and 'type="datetime-local"' in edit
    local_start = (datetime.now(company_tz()) + timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    fields = {
        "title": "Trade breakfast, moved",
        "description": "Croissants",
        "starts_at": local_start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local_start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Lyon, room 4",
        "online_url": "",
        "capacity": "12",
        "rsvp_closes_at": "",
    }
    saved = form(page, f"/events/{item['id']}/edit", **fields)
    assert saved.status_code == 302, html_of(saved)
    details = db.session.get(EventDetails, item["id"])
    db.session.refresh(details)
    expected = local_start.astimezone(company_tz()).utcoffset()
    assert details.starts_at == (local_start - expected).replace(tzinfo=None)
    assert details.capacity == 12 and details.location == "Lyon, room 4"
    assert db.session.query(Notification).filter_by(user_id=fred.id, type="event_changed").count()
    assert signed_in(fred).get(f"/events/{item['id']}/edit").status_code == 403
    # ends before it starts: refused, what was typed is shown again, nothing changed
    bad = {**fields, "ends_at": fields["starts_at"], "location": "Paris"}
    refused = form(page, f"/events/{item['id']}/edit", **bad)
    assert refused.status_code == 400 and 'value="Paris"' in html_of(refused)
    db.session.refresh(details)
    assert details.location == "Lyon, room 4"


def test_message_cancel_and_attendance_from_the_page(api, signed_in, employee, fred, make_user):
    item = _event(api, employee)
    zoe = make_user("Zoé Maybe")
    api(fred).put(f"{PREFIX}/events/{item['id']}/rsvp", {"status": "going"})
    api(zoe).put(f"{PREFIX}/events/{item['id']}/rsvp", {"status": "maybe"})
    page = signed_in(employee)
    sent = form(page, f"/events/{item['id']}/message", body="Bring your badge")
    assert sent.status_code == 302
    told = db.session.query(Notification).filter_by(type="event_message").count()
    assert told == 2
    early = form(page, f"/events/{item['id']}/attendance", user_id=str(fred.id))
    assert early.status_code == 409  # not started yet: nothing recorded
    past = datetime.now() - timedelta(hours=1)  # noqa: DTZ005 (naive UTC is compared below)
    db.session.execute(
        update(EventDetails)
        .where(EventDetails.post_id == item["id"])
        .values(starts_at=past.replace(microsecond=0), ends_at=past + timedelta(hours=2))
    )
    db.session.commit()
    listed = html_of(page.get(f"/events/{item['id']}/attendance"))
    assert "Fred Interloper" in listed and "Zoé Maybe" in listed
    assert form(page, f"/events/{item['id']}/attendance", user_id=str(fred.id)).status_code == 302
    came = {r.user_id: r.attended for r in db.session.query(EventRsvp)}
    assert came == {fred.id: True, zoe.id: False}
    later = _event(api, employee, title="Second breakfast")
    api(fred).put(f"{PREFIX}/events/{later['id']}/rsvp", {"status": "going"})
    cancelled = form(page, f"/events/{later['id']}/cancel", next=f"/posts/{later['id']}")
    assert cancelled.status_code == 302
    assert db.session.get(EventDetails, later["id"]).cancelled_at is not None
    assert db.session.query(Notification).filter_by(type="event_cancelled").count() == 1
    assert form(signed_in(fred), f"/events/{later['id']}/cancel").status_code == 302
    assert form(page, f"/events/{later['id']}/cancel").status_code == 302  # twice: flashed


def test_the_personal_calendar_feed_from_the_events_page(api, signed_in, employee, client):
    item = _event(api, employee)
    api(employee).put(f"{PREFIX}/events/{item['id']}/rsvp", {"status": "going"})
    page = signed_in(employee)
    assert "Get my calendar feed address" in html_of(page.get("/events"))
    shown = form(page, "/events/calendar-feed")
    assert shown.status_code == 200
    url = html_of(shown).split('data-field="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    path = url[url.index("/calendar/") :]
    feed = client.get(path)
    assert feed.status_code == 200 and b"Trade breakfast" in feed.data
    assert form(page, "/events/calendar-feed/revoke").status_code == 302
    assert db.session.query(CalendarFeed).count() == 0
    assert client.get(path).status_code == 404
