"""Announcements at the edges: dates at the calendar's limits, and reminders racing."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from socialnet.errors import Conflict
from socialnet.extensions import db
from socialnet.models import Announcement, Notification
from socialnet.models._time import utcnow
from socialnet.services.announcements import do_remind
from tests.group_fixtures import API, announce, announcement_body
from tests.helpers import assert_error, count_rows

EXTREMES = [
    "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59+00:00",
]


@pytest.mark.parametrize("publish_at", EXTREMES)
def test_publish_at_at_the_calendars_limits_is_a_400(api, cm, employee, publish_at):
    body = announcement_body("company", publish_at=publish_at)
    response = api(cm).post(f"{API}/announcements", body)
    error = assert_error(response, 400, "invalid")
    assert "publish_at" in error["fields"], error
    assert count_rows(Announcement) == 0


@pytest.mark.parametrize(
    ("publish_at", "tz_offset"),
    [("9999-12-31T23:59", "900"), ("0001-01-01T00:00", "-900"), ("9999-12-31T23:59", "")],
)
def test_the_form_answers_400_for_dates_at_the_limits(auth, cm, employee, publish_at, tz_offset):
    client = auth.login(cm)
    response = client.post(
        "/announcements/new",
        data={
            "csrf_token": client.csrf_token,
            "audience": "company",
            "title": "Kept title",
            "body": "b",
            "expires_in_days": "2",
            "publish_at": publish_at,
            "tz_offset": tz_offset,
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "publish_at" in html and "Kept title" in html  # the form again, with the error
    assert count_rows(Announcement) == 0


def test_two_concurrent_reminders_notify_once(api, manager, employee):
    sent = announce(api(manager), "reports")
    announcement = db.session.get(Announcement, sent["id"])
    assert announcement.reminded_at is None  # read by this request...
    db.session.execute(  # ...while another request's reminder commits
        update(Announcement)
        .where(Announcement.id == sent["id"])
        .values(reminded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    before = db.session.query(Notification).count()
    with pytest.raises(Conflict, match="A reminder was already sent for this announcement."):
        do_remind(manager, sent["id"])
    assert db.session.query(Notification).count() == before
