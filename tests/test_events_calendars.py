"""Events in calendars (issue #17): the .ics of one event, the personal feed at a secret,
revocable URL (both parsed back with ``icalendar``, time zone included)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from icalendar import Calendar

from socialnet.extensions import db
from socialnet.models import CalendarFeed
from tests.test_events import PREFIX, event_body


def _parse(response) -> Calendar:
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_one_event_as_ics_with_its_time_zone(api, employee, fred, make_group):
    item = api(employee).post(PREFIX + "/events", event_body()).get_json()
    calendar = _parse(api(employee).get(f"{PREFIX}/events/{item['id']}.ics"))
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Trade breakfast"
    assert str(vevent["LOCATION"]) == "Lyon, room 3"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["UID"]).startswith(f"event-{item['id']}@")
    start = vevent["DTSTART"].dt
    assert start.tzinfo is not None and str(start.tzinfo) in ("Europe/Paris",)
    assert (
        start.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")
        == (item["event"]["starts_at"])
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert f"/posts/{item['id']}" in str(vevent["URL"])

    group = make_group("Secret team", "secret", members=(employee,))
    hidden = api(employee).post(PREFIX + "/events", event_body(group_id=group.id)).get_json()
    assert api(fred).get(f"{PREFIX}/events/{hidden['id']}.ics").status_code == 404
    assert api(None).get(f"{PREFIX}/events/{item['id']}.ics").status_code == 401

    api(employee).post(f"{PREFIX}/events/{item['id']}/cancel")
    cancelled = _parse(api(employee).get(f"{PREFIX}/events/{item['id']}.ics"))
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_the_personal_feed_is_secret_revocable_and_rechecks_visibility(
    api, client, employee, make_user, make_group
):
    organiser = make_user("Olivia Organiser")
    group = make_group("Lyon circle", "private", members=(organiser, employee))
    shared = api(organiser).post(PREFIX + "/events", event_body(title="Company day")).get_json()
    private = (
        api(organiser)
        .post(PREFIX + "/events", event_body(title="Circle", group_id=group.id))
        .get_json()
    )
    skipped = api(organiser).post(PREFIX + "/events", event_body(title="Skipped")).get_json()
    me = api(employee)
    for event_id, status in ((shared["id"], "going"), (private["id"], "maybe")):
        me.put(f"{PREFIX}/events/{event_id}/rsvp", {"status": status})
    me.put(f"{PREFIX}/events/{skipped['id']}/rsvp", {"status": "declined"})

    created = me.post(PREFIX + "/me/calendar-feed")
    assert created.status_code == 201
    url = created.get_json()["url"]
    path = url[url.index("/calendar/") :]
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    stored = db.session.get(CalendarFeed, employee.id)
    assert stored.token_hash != token and token not in stored.token_hash

    def titles():
        return sorted(str(e["SUMMARY"]) for e in _parse(client.get(path)).walk("VEVENT"))

    assert titles() == ["Circle", "Company day"]
    # leaving the group takes its event out of the feed at once
    left = me.delete(f"{PREFIX}/groups/{group.id}/members/{employee.id}")
    assert left.status_code == 204, left.get_json()
    assert titles() == ["Company day"]
    # a new URL replaces the old one; revoking ends it
    again = me.post(PREFIX + "/me/calendar-feed").get_json()["url"]
    assert client.get(path).status_code == 404
    new_path = again[again.index("/calendar/") :]
    assert client.get(new_path).status_code == 200
    assert me.delete(PREFIX + "/me/calendar-feed").status_code == 204
    assert me.delete(PREFIX + "/me/calendar-feed").status_code == 204
    assert client.get(new_path).status_code == 404
    assert client.get("/calendar/cal_guessed.ics").status_code == 404
    assert client.get("/calendar/x.ics").status_code == 404


def test_reminders_the_day_before_and_the_hour_before_once_each(api, employee, make_user):
    from datetime import timedelta

    from socialnet.jobs import run_due_jobs
    from socialnet.models import EventDetails, EventReminder, Notification
    from socialnet.models._time import utcnow

    item = api(employee).post(PREFIX + "/events", event_body(capacity=1)).get_json()
    url = f"{PREFIX}/events/{item['id']}"
    going, maybe, waiting, declined = (make_user(n) for n in ("Go", "May", "Wait", "No"))
    api(going).put(url + "/rsvp", {"status": "going"})
    api(maybe).put(url + "/rsvp", {"status": "maybe"})
    api(waiting).put(url + "/rsvp", {"status": "going"})
    api(declined).put(url + "/rsvp", {"status": "declined"})
    starts = db.session.get(EventDetails, item["id"]).starts_at

    def reminded():
        rows = db.session.query(Notification).filter_by(type="event_reminder")
        return sorted((n.user_id, n.text) for n in rows)

    assert run_due_jobs(starts - timedelta(days=2))["event_reminders_sent"] == 0
    done = run_due_jobs(starts - timedelta(hours=23))
    assert done["event_reminders_sent"] == 2
    day = [
        (going.id, "Trade breakfast starts tomorrow"),
        (maybe.id, "Trade breakfast starts tomorrow"),
    ]
    assert reminded() == sorted(day)
    assert run_due_jobs(starts - timedelta(hours=22))["event_reminders_sent"] == 0  # once
    assert run_due_jobs(starts - timedelta(minutes=50))["event_reminders_sent"] == 2
    assert run_due_jobs(starts - timedelta(minutes=10))["event_reminders_sent"] == 0
    assert db.session.query(EventReminder).count() == 4
    assert run_due_jobs(starts + timedelta(minutes=10))["event_reminders_sent"] == 0
    summary = api(going).get(PREFIX + "/notifications").get_json()["items"][0]["summary"]
    assert summary == "Reminder: Trade breakfast starts within the hour"

    # a cancelled event reminds nobody
    other = api(employee).post(PREFIX + "/events", event_body(title="Other")).get_json()
    api(going).put(f"{PREFIX}/events/{other['id']}/rsvp", {"status": "going"})
    api(employee).post(f"{PREFIX}/events/{other['id']}/cancel")
    assert run_due_jobs(starts - timedelta(minutes=30))["event_reminders_sent"] == 0
    assert utcnow() < starts
