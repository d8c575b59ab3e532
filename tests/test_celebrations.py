"""Celebrations: the daily job (occasions, idempotence, time zone), team successes, Today."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import Celebration, CelebrationPerson, Event, Notification, Post
from socialnet.services.celebrations import company_today, do_run_celebrations, today
from tests.helpers import assert_error, count_rows, table_counts

DAY = date(2026, 6, 15)


def _run(day: date = DAY) -> int:
    created = do_run_celebrations(day, today=day)
    db.session.commit()
    return created


def _celebrations() -> list[tuple[str, int, int | None]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Celebration.kind, Celebration.user_id, Celebration.years).order_by(Celebration.id)
    )
    return [tuple(r) for r in rows]


def test_birthdays_only_for_people_who_opted_in(make_user, admin, capture_events):
    yes = make_user("Yes Birthday", birth_month=6, birth_day=15, celebrate_birthday=True)
    make_user("No Birthday", birth_month=6, birth_day=15, celebrate_birthday=False)
    make_user("Other Day", birth_month=6, birth_day=16, celebrate_birthday=True)
    make_user("Gone Birthday", birth_month=6, birth_day=15, celebrate_birthday=True, active=False)
    assert _run() == 1
    assert _celebrations() == [("birthday", yes.id, None)]
    post = db.session.scalar(select(Post).where(Post.kind == "celebration"))
    assert post.author_id == admin.id and "Happy birthday" in post.body
    assert f"@{yes.handle}" in post.body and 'class="mention"' in post.body_html
    events = capture_events.of_type("celebration.created")
    assert [e.room for e in events] == ["company"]
    data = events[0].payload["data"]
    assert data["celebration"]["kind"] == "birthday" and data["post"]["id"] == post.id
    assert data["celebration"]["person"]["id"] == yes.id
    assert db.session.scalar(select(Notification.user_id).where(Notification.type == "celebrated"))


def test_february_29_is_celebrated_on_february_28_in_other_years(make_user, admin):
    leap = make_user("Leap Day", birth_month=2, birth_day=29, celebrate_birthday=True)
    hired = make_user("Leap Hire", hire_date=date(2024, 2, 29))
    assert _run(date(2027, 2, 28)) == 2
    assert sorted(_celebrations()) == sorted(
        [("birthday", leap.id, None), ("anniversary", hired.id, 3)]
    )
    assert _run(date(2028, 2, 28)) == 0  # a leap year: their day exists
    assert _run(date(2028, 2, 29)) == 2


def test_anniversary_years_and_new_joiners(make_user, manager):
    six = make_user("Six Years", hire_date=date(2020, 6, 15), manager_id=manager.id)
    one = make_user("One Year", hire_date=date(2025, 6, 15))
    joiner = make_user(
        "New Joiner",
        hire_date=DAY,
        manager_id=manager.id,
        department="Qualité",
        job_title="Technicienne",
    )
    make_user("Not Today", hire_date=date(2020, 6, 14))
    make_user("Future Joiner", hire_date=DAY + timedelta(days=1))
    assert _run() == 3
    assert _celebrations() == [
        ("anniversary", six.id, 6),
        ("anniversary", one.id, 1),
        ("new_joiner", joiner.id, None),
    ]
    welcome = db.session.scalar(
        select(Post)
        .join(Celebration, Celebration.post_id == Post.id)
        .where(Celebration.kind == "new_joiner")
    )
    assert welcome.author_id == manager.id
    assert "Qualité" in welcome.body and f"@{manager.handle}" in welcome.body
    assert "Technicienne" in welcome.body and f"@{joiner.handle}" in welcome.body
    six_post = db.session.scalar(
        select(Post)
        .join(Celebration, Celebration.post_id == Post.id)
        .where(Celebration.user_id == six.id)
    )
    assert six_post.author_id == manager.id and "6 years" in six_post.body


def test_running_twice_creates_nothing_more(make_user, admin):
    make_user("Birthday", birth_month=6, birth_day=15, celebrate_birthday=True)
    make_user("Joiner", hire_date=DAY)
    assert _run() == 2
    counts = table_counts(Celebration, Post, Event, Notification)
    assert _run() == 0
    assert table_counts(Celebration, Post, Event, Notification) == counts


def test_two_runs_at_once_create_each_celebration_once(app, make_user, admin):
    for i in range(5):
        make_user(f"Birthday {i}", birth_month=6, birth_day=15, celebrate_birthday=True)
        make_user(f"Joiner {i}", hire_date=DAY)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(do_run_celebrations(DAY, today=DAY))
                db.session.commit()
            except BaseException as exc:  # reported below
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(results) in ([0, 10], [5, 5]) and sum(results) == 10
    assert count_rows(Celebration) == 10
    assert count_rows(Post) == 10
    assert len(set(db.session.scalars(select(Celebration.post_id)))) == 10


def test_far_past_and_future_days_are_refused(make_user, admin):
    make_user("Joiner", hire_date=DAY - timedelta(days=8))
    with pytest.raises(ValueError, match="more than 7 days ago"):
        do_run_celebrations(DAY - timedelta(days=8), today=DAY)
    with pytest.raises(ValueError, match="future"):
        do_run_celebrations(DAY + timedelta(days=1), today=DAY)
    assert count_rows(Celebration) == 0
    assert do_run_celebrations(DAY - timedelta(days=7), today=DAY) == 0  # a week back: fine


def test_company_time_zone_decides_the_day(app, make_user, admin):
    make_user("Leap Day", birth_month=2, birth_day=29, celebrate_birthday=True)
    make_user("Late Feb", birth_month=2, birth_day=27, celebrate_birthday=True)
    late = datetime(2027, 2, 27, 23, 30)  # UTC; already 28 February in Paris
    assert company_today(late) == date(2027, 2, 28)
    done = run_due_jobs(late)
    assert done["celebrations_created"] == 1
    assert [k for k, _u, _y in _celebrations()] == ["birthday"]
    app.config["COMPANY_TIMEZONE"] = "America/New_York"
    assert company_today(late) == date(2027, 2, 27)


def test_today_panel_and_feed_attachment(api, make_user, admin, employee, fred):
    person = make_user("Birthday Person", birth_month=6, birth_day=15, celebrate_birthday=True)
    make_user("Joiner", hire_date=DAY)
    _run()
    panel = today(fred, DAY)
    assert panel["date"] == DAY.isoformat()
    assert [i["kind"] for i in panel["items"]] == ["birthday", "new_joiner"]
    assert panel["items"][0]["person"]["id"] == person.id
    feed = api(fred).get("/api/v1/feed").get_json()["items"]
    kinds = {p["celebration"]["kind"] for p in feed if p["kind"] == "celebration"}
    assert kinds == {"birthday", "new_joiner"}


def test_today_endpoint_lists_what_the_caller_may_see(
    api, make_group, manager, employee, fred, cm, midday
):
    private = make_group("Atelier", visibility="private", members=(manager, employee))
    body = {"message": "Line 3 restarted!", "people_ids": [employee.id], "group_id": private.id}
    assert api(manager).post("/api/v1/celebrations", body).status_code == 201
    public = {"title": "Audit passed", "message": "Bravo", "people_ids": [employee.id, fred.id]}
    assert api(cm).post("/api/v1/celebrations", public).status_code == 201
    mine = api(employee).get("/api/v1/celebrations/today").get_json()
    assert mine["date"] == company_today().isoformat() and len(mine["items"]) == 2
    outsider = api(fred).get("/api/v1/celebrations/today").get_json()["items"]
    assert [i["kind"] for i in outsider] == ["team_success"]
    assert {p["id"] for p in outsider[0]["people"]} == {employee.id, fred.id}


def test_team_success_by_managers_only(api, make_user, manager, employee, fred, capture_events):
    body = {"title": "Record month", "message": "Well done", "people_ids": [employee.id]}
    for outsider in (fred, employee):
        before = table_counts(Celebration, Post, Notification)
        assert_error(api(outsider).post("/api/v1/celebrations", body), 403)
        assert table_counts(Celebration, Post, Notification) == before
    response = api(manager).post("/api/v1/celebrations", body)
    assert response.status_code == 201, response.get_json()
    got = response.get_json()
    assert got["celebration"]["kind"] == "team_success" and got["post"]["kind"] == "celebration"
    assert got["celebration"]["people"][0]["id"] == employee.id
    assert got["post"]["title"] == "Record month"
    assert count_rows(CelebrationPerson) == 1
    assert capture_events.rooms("celebration.created") == {"company"}
    notes = api(employee).get("/api/v1/notifications").get_json()["items"]
    assert notes[0]["type"] == "celebrated"
    # An employee with reports counts as a manager.
    lead = make_user("Team Lead")
    make_user("Report", manager_id=lead.id)
    assert api(lead).post("/api/v1/celebrations", body).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({"message": "x", "people_ids": []}, "people_ids"),
        ({"message": "x", "people_ids": [999999]}, "people_ids"),
        ({"message": "", "people_ids": "me"}, "people_ids"),
        ({"message": " ", "people_ids": [1]}, "message"),
    ],
)
def test_team_success_bad_input(api, manager, employee, body, field):
    result = assert_error(api(manager).post("/api/v1/celebrations", body), 400)
    assert field in result["fields"]
    assert count_rows(Celebration) == 0


def test_cli_runs_celebrations_and_refuses_far_past(app, make_user, admin, midday):
    runner = app.test_cli_runner()
    day = company_today()
    make_user("Joiner", hire_date=day)
    result = runner.invoke(args=["jobs", "celebrations", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    assert "celebrations_created: 1" in result.output
    again = runner.invoke(args=["jobs", "celebrations"])
    assert "celebrations_created: 0" in again.output, again.output
    old = (day - timedelta(days=30)).isoformat()
    refused = runner.invoke(args=["jobs", "celebrations", "--date", old])
    assert refused.exit_code != 0 and "more than 7 days ago" in refused.output
    bad = runner.invoke(args=["jobs", "celebrations", "--date", "tomorrow"])
    assert bad.exit_code != 0
    assert count_rows(Celebration) == 1
