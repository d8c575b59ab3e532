"""`flask jobs run`: publishes due scheduled announcements, once."""

from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import Announcement, Post
from socialnet.models._time import utcnow


def _schedule(api, cm, minutes: int) -> int:
    publish_at = (utcnow() + timedelta(minutes=minutes)).isoformat() + "Z"
    body = {
        "title": "Site closed on Friday",
        "body": "The Lyon site is closed on **Friday**.",
        "audience": {"kind": "company"},
        "expires_in_days": 3,
        "publish_at": publish_at,
    }
    response = api(cm).post("/api/v1/announcements", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "scheduled"
    return response.get_json()["id"]


def test_jobs_run_publishes_what_is_due_and_only_once(app, api, cm, employee):
    announcement_id = _schedule(api, cm, minutes=10)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "announcements_published: 0" in result.output  # not due yet

    announcement = db.session.get(Announcement, announcement_id)
    announcement.publish_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["jobs", "run"])
    assert "announcements_published: 1" in result.output, result.output
    again = runner.invoke(args=["jobs", "run"])
    assert "announcements_published: 0" in again.output, again.output

    db.session.expire_all()
    announcement = db.session.get(Announcement, announcement_id)
    assert announcement.published_at is not None
    assert db.session.query(Post).filter_by(kind="announcement").count() == 1
    pinned = api(employee).get("/api/v1/feed").get_json()["pinned"]
    assert [p["announcement"]["id"] for p in pinned] == [announcement_id]


def test_jobs_run_celebrates_today_once(app, make_user, admin, midday):
    from socialnet.models import Celebration
    from socialnet.services.celebrations import company_today

    make_user("New Joiner", hire_date=company_today())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "run"])
    assert "celebrations_created: 1" in result.output, result.output
    again = runner.invoke(args=["jobs", "run"])
    assert "celebrations_created: 0" in again.output, again.output
    assert db.session.query(Celebration).count() == 1
