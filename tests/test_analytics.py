"""Engagement analytics: exact figures on a small known company, ranges, permissions,
visibility of secret groups, CSV, bad input, the activity recorder and the API document."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from socialnet import lifecycle
from socialnet.extensions import db
from socialnet.models import (
    Announcement,
    AnnouncementRecipient,
    Ballot,
    Comment,
    CompanyValue,
    Kudos,
    KudosRecipient,
    ModerationCase,
    Poll,
    Post,
    Reaction,
    UserActivityDay,
)
from socialnet.services import analytics
from socialnet.services.analytics.periods import Range, offset_segments
from tests.test_openapi import Checker

RANGE = "from=2026-03-01&to=2026-03-03"
REPORTS = (
    "overview",
    "groups",
    "contributors",
    "questions",
    "announcements",
    "polls",
    "kudos",
    "moderation",
)


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute)


def _post(author, body, when, group=None, kind="post", deleted=False) -> Post:
    post = Post(
        author_id=author.id,
        group_id=group.id if group else None,
        kind=kind,
        body=body,
        body_html=body,
        created_at=when,
        deleted_at=when if deleted else None,
    )
    db.session.add(post)
    db.session.flush()
    return post


def _comment(post, author, when) -> None:
    db.session.add(Comment(post_id=post.id, author_id=author.id, body="ok", body_html="ok",
                           created_at=when))  # fmt: skip
    post.comment_count += 1


def _case(opened, closed=None, target_id=1) -> None:
    db.session.add(
        ModerationCase(
            kind="report",
            target_type="post",
            target_id=target_id,
            status="closed" if closed else "open",
            opened_at=opened,
            closed_at=closed,
        )
    )


@pytest.fixture
def utc(app):
    app.config["COMPANY_TIMEZONE"] = "UTC"


@pytest.fixture
def world(utc, admin, cm, manager, employee, fred, make_group):
    """The known company of these tests (see each test for the figures it implies)."""
    formation = make_group("Formation", "public", members=(employee, fred))
    skunk = make_group("Skunkworks", "secret", members=(employee, manager))
    comms = make_group("Comms", "secret", members=(cm,))
    p1 = _post(employee, "How do we book rooms?", at(1, 10))
    _post(employee, "deleted thought", at(1, 11), deleted=True)
    p2 = _post(manager, "Welcome! Questions?", at(2, 9))
    _comment(p2, employee, at(2, 10))
    _post(employee, "Secret question?", at(2, 11), group=skunk)
    poll_post = _post(manager, "Lunch?", at(2, 12), kind="poll")
    poll = Poll(post_id=poll_post.id, question="Where do we eat?", created_at=at(2, 12))
    db.session.add(poll)
    db.session.flush()
    db.session.add_all(
        [
            Ballot(poll_id=poll.id, user_id=employee.id, created_at=at(2, 13)),
            Ballot(poll_id=poll.id, user_id=fred.id, created_at=at(3, 9)),
        ]
    )
    p6 = _post(fred, "Agenda?", at(3, 12), group=formation)
    _comment(p6, employee, at(3, 13))
    kudos_post = _post(manager, "Thanks!", at(3, 10), kind="kudos")
    entraide = CompanyValue(name="Entraide", emoji="🤝")
    db.session.add_all([entraide, CompanyValue(name="Expertise")])
    db.session.flush()
    kudos = Kudos(post_id=kudos_post.id, giver_id=manager.id, value_id=entraide.id,
                  message="Thanks!", created_at=at(3, 10))  # fmt: skip
    db.session.add(kudos)
    db.session.flush()
    db.session.add_all(KudosRecipient(kudos_id=kudos.id, user_id=u.id) for u in (employee, fred))
    _post(admin, "Before the range", datetime(2026, 2, 28, 23, 59, 59))
    _post(fred, "Tomorrow?", datetime(2026, 3, 4, 0, 0, 0))
    db.session.add(Reaction(post_id=p2.id, user_id=fred.id, kind="like", created_at=at(3, 8)))
    db.session.add(UserActivityDay(user_id=cm.id, day=date(2026, 3, 3)))
    a1 = _announcement(cm, "Quarterly results", at(2, 8))
    _announcement(cm, "Skunk news", at(2, 8), group=skunk)
    _announcement(cm, "Old news", datetime(2026, 2, 20, 8))
    db.session.add_all(
        [
            AnnouncementRecipient(
                announcement_id=a1.id, user_id=employee.id, acknowledged_at=at(2, 9)
            ),  # fmt: skip
            AnnouncementRecipient(announcement_id=a1.id, user_id=manager.id),
            AnnouncementRecipient(
                announcement_id=a1.id, user_id=fred.id, acknowledged_at=at(3, 9)
            ),  # fmt: skip
        ]
    )
    _case(at(1, 0), at(1, 2), target_id=1)  # 2 h
    _case(at(1, 12), at(2, 0), target_id=2)  # 12 h
    _case(at(2, 10), at(3, 14), target_id=3)  # 28 h
    _case(at(3, 9), None, target_id=4)  # still open
    _case(datetime(2026, 2, 27), datetime(2026, 3, 3), target_id=5)  # 96 h
    db.session.commit()
    return {"p1": p1, "formation": formation, "skunk": skunk, "comms": comms, "poll": poll}


def _announcement(sender, title, published, group=None) -> Announcement:
    announcement = Announcement(
        sender_id=sender.id,
        title=title,
        body=title,
        audience_kind="group" if group else "company",
        group_id=group.id if group else None,
        publish_at=published,
        published_at=published,
        expires_at=published + timedelta(days=30),
    )
    db.session.add(announcement)
    db.session.flush()
    return announcement


def get(api, user, name, query=RANGE):
    response = api(user).get(f"/api/v1/analytics/{name}?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# --- figures ---------------------------------------------------------------------------


def test_overview_counts_active_people_and_volume_per_day(api, world, cm):
    data = get(api, cm, "overview")
    assert data["range"] == {"from": "2026-03-01", "to": "2026-03-03", "days": 3,
                             "timezone": "UTC"}  # fmt: skip
    assert data["daily"] == [
        {"day": "2026-03-01", "active": 1, "posts": 1, "comments": 0, "reactions": 0},
        {"day": "2026-03-02", "active": 2, "posts": 3, "comments": 1, "reactions": 0},
        {"day": "2026-03-03", "active": 4, "posts": 2, "comments": 1, "reactions": 1},
    ]
    # employee, manager, fred, and cm (a reader: only a recorded day); the admin's post
    # of 28 February falls in the WAU/MAU windows but not in the range.
    assert data["totals"] == {"active_people": 4, "dau": 4, "wau": 5, "mau": 5,
                              "posts": 6, "comments": 2, "reactions": 1}  # fmt: skip
    # 1 March 2026 is a Sunday: its week starts on Monday 23 February.
    assert data["weekly"] == [{"start": "2026-02-23", "active": 1},
                              {"start": "2026-03-02", "active": 4}]  # fmt: skip
    assert data["monthly"] == [{"start": "2026-03-01", "active": 4}]


def test_groups_list_only_groups_the_viewer_may_know(api, world, cm, admin):
    items = get(api, cm, "groups")["items"]
    assert items == [
        {"group_id": world["formation"].id, "name": "Formation", "visibility": "public",
         "archived": False, "members": 2, "active_members": 2, "posts": 1, "comments": 1,
         "replies_per_post": 1.0},
        {"group_id": world["comms"].id, "name": "Comms", "visibility": "secret",
         "archived": False, "members": 1, "active_members": 0, "posts": 0, "comments": 0,
         "replies_per_post": None},
    ]  # fmt: skip
    names = {g["name"] for g in get(api, admin, "groups")["items"]}
    assert names == {"Formation"}  # the admin is in neither secret group
    # ...while company-wide totals still count the secret group's post.
    assert get(api, admin, "overview")["daily"][1]["posts"] == 3


def test_top_contributors(api, world, cm, employee, manager, fred):
    items = get(api, cm, "contributors")["items"]
    assert [(c["user"]["id"], c["posts"], c["comments"], c["reactions_given"],
             c["contributions"]) for c in items] == [
        (employee.id, 2, 2, 0, 4),
        (manager.id, 3, 0, 0, 3),
        (fred.id, 1, 0, 1, 1),
    ]  # fmt: skip


def test_questions_without_replies_only_among_readable_posts(api, world, cm, employee):
    data = get(api, cm, "questions")
    assert data["total"] == 1
    [item] = data["items"]
    assert item["post_id"] == world["p1"].id
    assert item["excerpt"] == "How do we book rooms?"
    assert item["author"]["id"] == employee.id


def test_announcement_read_rates(api, world, cm, admin):
    [item] = get(api, cm, "announcements")["items"]  # the secret group's one is not listed
    assert (item["title"], item["recipients"], item["read"], item["read_rate"]) == (
        "Quarterly results", 3, 2, 0.6667,
    )  # fmt: skip


def test_poll_participation_is_ballots_over_audience(api, world, cm):
    [item] = get(api, cm, "polls")["items"]
    # a company poll: its audience is every active account (5)
    assert (item["question"], item["ballots"], item["audience"], item["participation"]) == (
        "Where do we eat?", 2, 5, 0.4,
    )  # fmt: skip


def test_kudos_per_value(api, world, cm):
    items = get(api, cm, "kudos")["items"]
    assert [(v["name"], v["kudos"], v["recipients"]) for v in items] == [
        ("Entraide", 1, 2),
        ("Expertise", 0, 0),
    ]


def test_moderation_volume_and_median_time_to_resolve(api, world, cm):
    data = get(api, cm, "moderation")
    assert (data["opened"], data["closed"], data["open_now"]) == (4, 4, 1)
    assert data["median_hours_to_resolve"] == 20.0  # of 2, 12, 28 and 96 hours
    assert data["daily"] == [
        {"day": "2026-03-01", "opened": 2, "closed": 1},
        {"day": "2026-03-02", "opened": 1, "closed": 1},
        {"day": "2026-03-03", "opened": 1, "closed": 2},
    ]
    odd = get(api, cm, "moderation", "from=2026-03-01&to=2026-03-02")
    assert odd["median_hours_to_resolve"] == 7.0  # (2 + 12) / 2
    empty = get(api, cm, "moderation", "from=2025-01-01&to=2025-01-02")
    assert empty["median_hours_to_resolve"] is None


# --- ranges and days --------------------------------------------------------------------


def test_range_bounds_are_whole_days_both_included(api, world, cm):
    one_day = get(api, cm, "overview", "from=2026-03-04&to=2026-03-04")
    assert one_day["totals"]["posts"] == 1  # posted at 00:00:00 on 4 March
    before = get(api, cm, "overview", "from=2026-02-28&to=2026-02-28")
    assert before["totals"]["posts"] == 1  # at 23:59:59 on 28 February
    assert get(api, cm, "questions", "from=2026-03-04&to=2026-03-04")["total"] == 1


def test_default_range_is_the_last_30_days(api, utc, cm):
    data = get(api, cm, "overview", "")
    today = datetime.utcnow().date()  # noqa: DTZ003  (UTC company day)
    assert data["range"]["to"] == today.isoformat()
    assert data["range"]["from"] == (today - timedelta(days=29)).isoformat()
    assert len(data["daily"]) == 30


def test_days_are_company_days_across_daylight_saving(app, api, cm, employee):
    app.config["COMPANY_TIMEZONE"] = "Europe/Paris"
    _post(employee, "late", datetime(2026, 3, 1, 23, 30))  # 00:30 on 2 March in Paris
    _post(employee, "a", datetime(2026, 3, 28, 23, 30))  # 00:30 on 29 March (CET, +1)
    _post(employee, "b", datetime(2026, 3, 29, 22, 30))  # 00:30 on 30 March (CEST, +2)
    db.session.commit()
    march2 = get(api, cm, "overview", "from=2026-03-02&to=2026-03-02")
    assert march2["totals"]["posts"] == 1
    daily = get(api, cm, "overview", "from=2026-03-28&to=2026-03-30")["daily"]
    assert [d["posts"] for d in daily] == [0, 1, 1]


def test_offset_segments_find_the_transition():
    from zoneinfo import ZoneInfo

    period = Range(date(2026, 3, 28), date(2026, 3, 30), ZoneInfo("Europe/Paris"))
    assert offset_segments(period.since, period.until, period.tz) == [
        (datetime(2026, 3, 27, 23, 0), 60),
        (datetime(2026, 3, 29, 1, 0), 120),
    ]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("from=2026-03-05&to=2026-03-01", "from", "after_to"),
        ("from=yesterday", "from", "not_date"),
        ("to=2026-13-01", "to", "not_date"),
        ("from=2025-01-01&to=2026-01-02", "to", "too_long"),
        ("from=0001-01-01&to=0001-01-02", "from", "out_of_range"),
    ],
)
def test_bad_ranges_are_400_with_a_message(api, cm, query, field, code):
    for name in ("overview", "groups", "groups.csv"):
        response = api(cm).get(f"/api/v1/analytics/{name}?{query}")
        assert response.status_code == 400
        body = response.get_json()
        assert body["fields"] == {field: code}
        assert body["message"]


def test_the_longest_range_is_accepted(api, utc, cm):
    assert get(api, cm, "overview", "from=2024-01-01&to=2024-12-31")["range"]["days"] == 366


# --- permissions ------------------------------------------------------------------------


def test_only_community_managers_and_admins_read_analytics(api, cm, admin, employee, manager,
                                                           fred):  # fmt: skip
    for name in (*REPORTS, "daily.csv"):
        for user in (employee, manager, fred):
            response = api(user).get(f"/api/v1/analytics/{name}")
            assert response.status_code == 403, (name, user)
            assert response.get_json()["error"] == "forbidden"
        assert api(None).get(f"/api/v1/analytics/{name}").status_code == 401
        for user in (cm, admin):
            assert api(user).get(f"/api/v1/analytics/{name}").status_code == 200


def test_dashboard_page(signed_in, world, cm, admin, employee, fred, client):
    page = signed_in(cm).get("/analytics?" + RANGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for marker in ('id="chart-active"', 'id="analytics-data"', "vendor/chart.js/chart.umd.min.js",
                   "Formation", "Comms", "Quarterly results", "How do we book rooms?"):  # fmt: skip
        assert marker in html
    assert "Skunkworks" not in html and "Skunk news" not in html and "Secret question" not in html
    assert "<script>" not in html  # only src= scripts and JSON data islands (CSP)
    assert signed_in(admin).get("/analytics").status_code == 200
    for user in (employee, fred):
        assert signed_in(user).get("/analytics").status_code == 403
    anonymous = client.get("/analytics")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_dashboard_page_with_a_bad_range_says_why(signed_in, utc, cm):
    page = signed_in(cm).get("/analytics?from=2026-03-05&to=2026-03-01")
    assert page.status_code == 400
    assert "&#39;from&#39; must not be after &#39;to&#39;." in page.get_data(as_text=True)


# --- CSV --------------------------------------------------------------------------------


def _csv(api, user, table, query=RANGE) -> list[list[str]]:
    response = api(user).get(f"/api/v1/analytics/{table}.csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_every_table_exports_as_csv(api, world, cm):
    assert _csv(api, cm, "daily") == [
        ["day", "active_people", "posts", "comments", "reactions"],
        ["2026-03-01", "1", "1", "0", "0"],
        ["2026-03-02", "2", "3", "1", "0"],
        ["2026-03-03", "4", "2", "1", "1"],
    ]
    groups = _csv(api, cm, "groups")
    assert groups[1] == [str(world["formation"].id), "Formation", "public", "False", "2", "2",
                         "1", "1", "1.0"]  # fmt: skip
    assert [row[1] for row in groups[1:]] == ["Formation", "Comms"]
    assert _csv(api, cm, "kudos")[1] == [_id_of("Entraide"), "Entraide", "1", "2"]
    assert _csv(api, cm, "moderation")[3] == ["2026-03-03", "1", "2"]
    for table in analytics.CSV_TABLES:
        rows = _csv(api, cm, table)
        assert rows[0] == analytics.CSV_TABLES[table][1]
    assert api(cm).get("/api/v1/analytics/nothing.csv").status_code == 404


def _id_of(value_name: str) -> str:
    return str(db.session.scalar(select(CompanyValue.id).where(CompanyValue.name == value_name)))


def test_csv_cells_cannot_run_as_formulas(api, utc, cm, employee, make_group):
    group = make_group('=HYPERLINK("http://evil")', "public", members=(employee,))
    _post(employee, "@SUM(A1)?", datetime.utcnow(), group=group)  # noqa: DTZ003
    db.session.commit()
    groups = _csv(api, cm, "groups", "")
    assert groups[1][1] == '\'=HYPERLINK("http://evil")'
    questions = _csv(api, cm, "questions", "")
    assert questions[1][5] == '\'=HYPERLINK("http://evil")'
    assert questions[1][6] == "'@SUM(A1)?"


# --- recording who is active ------------------------------------------------------------


def test_active_days_are_recorded_once_per_person_and_day(app, api, signed_in, utc, cm,
                                                          employee):  # fmt: skip
    app.config["ANALYTICS_RECORD_ACTIVITY"] = True
    lifecycle.forget_recorded()
    browser = signed_in(employee)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    assert browser.get("/").status_code == 200
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert browser.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not any("user_activity_days" in s for s in statements)
    assert api(employee).get("/api/v1/me").status_code == 200  # bearer: process cache
    assert api(fred_like := cm).get("/api/v1/analytics/overview").status_code == 200
    rows = db.session.execute(select(UserActivityDay.user_id, UserActivityDay.day)).all()
    today = datetime.utcnow().date()  # noqa: DTZ003
    assert sorted(rows) == sorted([(employee.id, today), (fred_like.id, today)])
    overview = get(api, cm, "overview", "")
    assert overview["totals"]["dau"] == 2
    lifecycle.forget_recorded()


def test_refused_requests_record_nothing(app, api, utc, employee):
    app.config["ANALYTICS_RECORD_ACTIVITY"] = True
    lifecycle.forget_recorded()
    assert api(employee).get("/api/v1/analytics/overview").status_code == 403
    assert api(None).get("/api/v1/me").status_code == 401
    assert db.session.scalar(select(func.count()).select_from(UserActivityDay)) == 0
    lifecycle.forget_recorded()


# --- API document -----------------------------------------------------------------------


def test_answers_match_the_openapi_document(api, client, world, cm, employee):
    document = client.get("/api/v1/openapi.json").get_json()
    check = Checker(document)
    for name in REPORTS:
        path = f"/analytics/{name}"
        check(api(cm).get(f"/api/v1{path}?{RANGE}"), "get", path)
        check(api(cm).get(f"/api/v1{path}"), "get", path)
        check(api(cm).get(f"/api/v1{path}?from=nope"), "get", path)
        check(api(employee).get(f"/api/v1{path}"), "get", path)
        check(api(None).get(f"/api/v1{path}"), "get", path)
    csv_path = "/analytics/{table}.csv"
    check(api(employee).get("/api/v1/analytics/daily.csv"), "get", csv_path)
    check(api(cm).get("/api/v1/analytics/nothing.csv"), "get", csv_path)
    check(api(cm).get("/api/v1/analytics/daily.csv?to=x"), "get", csv_path)
    tables = document["paths"][csv_path]["get"]["parameters"][0]["schema"]["enum"]
    assert set(tables) == set(analytics.CSV_TABLES)
