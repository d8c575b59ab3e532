"""Announcements at the edges: dates at the calendar's limits, and reminders racing."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from socialnet.errors import Conflict
from socialnet.extensions import db
from socialnet.models import Announcement, Notification
from socialnet.models._time import utcnow
from socialnet.services.announcements import do_remind
from tests.group_fixtures import API, announce, announcement_body, create_group
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


# --- a sender who can no longer see the audience (security finding 3) --------------------
#
# The sender's own rights to an announcement (read it, its reach, remind) last while they
# may still see its audience: for a group, while they may read the group (a member of a
# private or secret group; anyone for a public one). A sender who left, was removed, or
# whose group turned private or secret under them sees what any non-member sees: 404.
# Company, site, department and reporting-line audiences are people the sender still sees
# (names and org chart are company-wide), so those senders keep their rights.


def _sender_paths(client, announcement: dict) -> dict[str, int]:
    url = f"{API}/announcements/{announcement['id']}"
    return {
        "read": client.get(url).status_code,
        "reach": client.get(f"{url}/reach").status_code,
        "permalink": client.get(f"{API}/posts/{announcement['post_id']}").status_code,
    }


def _private_group_announced_by(api, sender, other_admin, recipient, type: str = "private"):
    """A ``type`` group created by ``sender`` (its admin), with ``other_admin`` as a second
    admin and ``recipient`` as a member, and an announcement from ``sender`` to it."""
    group = create_group(api(sender), name="Confidential board", type=type)
    for person, role in ((other_admin, "admin"), (recipient, "member")):
        response = api(sender).post(
            f"{API}/groups/{group['id']}/members", {"user_id": person.id, "role": role}
        )
        assert response.status_code == 201, response.get_json()
    return group, announce(api(sender), "group", group["id"], title="Board minutes")


@pytest.mark.parametrize("how", ["left", "removed"])
def test_a_sender_out_of_the_private_group_reads_nothing_of_it(
    api, auth, employee, manager, fred, make_user, how
):
    group, sent = _private_group_announced_by(api, employee, manager, fred)
    sender = api(employee)
    assert _sender_paths(sender, sent) == {"read": 200, "reach": 200, "permalink": 200}
    page = auth.login(employee)
    assert page.get(f"/announcements/{sent['id']}/reach").status_code == 200
    by = employee if how == "left" else manager
    response = api(by).delete(f"{API}/groups/{group['id']}/members/{employee.id}")
    assert response.status_code == 204, response.get_data(as_text=True)

    assert _sender_paths(sender, sent) == {"read": 404, "reach": 404, "permalink": 404}
    remind = sender.post(f"{API}/announcements/{sent['id']}/remind")
    assert_error(remind, 404, "not_found")
    assert db.session.get(Announcement, sent["id"]).reminded_at is None
    renamed = api(manager).patch(f"{API}/groups/{group['id']}", {"name": "Merger team"})
    assert renamed.status_code == 200, renamed.get_json()
    reach_page = page.get(f"/announcements/{sent['id']}/reach")
    assert reach_page.status_code == 404
    assert "Merger team" not in reach_page.get_data(as_text=True)
    # what any non-member sees: the same answers as an outsider of the group
    assert _sender_paths(api(fred), sent)["read"] == 200  # a recipient still member
    outsider = api(make_user("Otto Outsider"))
    assert _sender_paths(outsider, sent) == {"read": 404, "reach": 404, "permalink": 404}


@pytest.mark.parametrize("type", ["private", "secret"])
def test_a_community_manager_who_sent_to_a_public_group_loses_it_when_it_closes(
    api, cm, employee, manager, type
):
    group = create_group(api(employee), name="Open forum")
    joined = api(manager).post(f"{API}/groups/{group['id']}/join")
    assert joined.status_code in (200, 201), joined.get_json()
    sent = announce(api(cm), "group", group["id"], title="Forum rules")
    assert _sender_paths(api(cm), sent) == {"read": 200, "reach": 200, "permalink": 200}
    closed = api(employee).patch(f"{API}/groups/{group['id']}", {"type": type})
    assert closed.status_code == 200, closed.get_json()

    assert _sender_paths(api(cm), sent) == {"read": 404, "reach": 404, "permalink": 404}
    assert_error(api(cm).post(f"{API}/announcements/{sent['id']}/remind"), 404, "not_found")


def test_a_sender_who_left_a_public_group_keeps_their_announcement(api, employee, manager, fred):
    """A public group's content and members are readable by everyone: leaving it takes
    nothing the sender could not see as an outsider (sending again is another right)."""
    group, sent = _private_group_announced_by(api, employee, manager, fred, type="public")
    response = api(employee).delete(f"{API}/groups/{group['id']}/members/{employee.id}")
    assert response.status_code == 204
    assert _sender_paths(api(employee), sent) == {"read": 200, "reach": 200, "permalink": 200}
    # no longer the group's admin, they may not announce to it again: no reminder either
    remind = api(employee).post(f"{API}/announcements/{sent['id']}/remind")
    assert_error(remind, 403, "forbidden")


def test_a_manager_whose_reporting_line_changed_keeps_their_announcement(
    api, manager, employee, make_user
):
    """The reporting line is copied when the announcement is published: its recipients are
    its audience, and their names are no secret (the directory shows who reports to whom)."""
    sent = announce(api(manager), "reports")
    other = make_user("Olga Other", role="manager")
    employee.manager_id = other.id
    db.session.commit()
    assert _sender_paths(api(manager), sent) == {"read": 200, "reach": 200, "permalink": 200}
    reach = api(manager).get(f"{API}/announcements/{sent['id']}/reach").get_json()
    assert [p["id"] for p in reach["not_read"]] == [employee.id]


def test_a_reminder_is_a_new_send_the_sender_must_still_be_allowed_to_make(
    api, auth, cm, admin, employee
):
    """A community manager demoted after announcing to the company still reads it and its
    reach (their own words, to people they see), but may not remind the company any more:
    a reminder reaches the audience again, like the scheduled publication it mirrors."""
    sent = announce(api(cm), "company")
    demoted = api(admin).patch(f"{API}/users/{cm.id}", {"role": "employee"})
    assert demoted.status_code == 200, demoted.get_json()
    page = auth.login(cm).get(f"/announcements/{sent['id']}/reach")
    assert page.status_code == 200 and "Send reminder" not in page.get_data(as_text=True)
    assert _sender_paths(api(cm), sent) == {"read": 200, "reach": 200, "permalink": 200}
    assert_error(api(cm).post(f"{API}/announcements/{sent['id']}/remind"), 403, "forbidden")
    page = auth.login(admin).get(f"/announcements/{sent['id']}/reach")
    assert "Send reminder" in page.get_data(as_text=True)
    assert db.session.get(Announcement, sent["id"]).reminded_at is None
    reminded = api(admin).post(f"{API}/announcements/{sent['id']}/remind")
    assert reminded.status_code == 200, reminded.get_json()  # a moderator still may
