# ruff: noqa: F811  (the fixtures imported above are test parameters)
"""Daily rollups: the same figures whichever path (rollup or live tables), idempotent,
invalidated by triggers when a rolled-up day changes, run by the job loop and the CLI."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import AnalyticsDay, AnalyticsSpan, Post, Reaction, UserActivityDay
from socialnet.services.analytics.rollup import do_rollup
from tests.test_analytics import _comment, _post, at, utc, world  # noqa: F401  (fixtures)

UTC = ZoneInfo("UTC")
TODAY = date(2026, 3, 5)  # 1–4 March (and February) finished, 5 March live
RANGES = (
    "from=2026-03-01&to=2026-03-03",
    "from=2026-03-01&to=2026-03-05",
    "from=2026-02-01&to=2026-03-31",  # long: whole February month and weeks from rollups
    "from=2026-02-25&to=2026-03-04",
    "from=2026-03-05&to=2026-03-05",
)


def _reports(api, cm):
    names = ("overview", "daily.csv", "groups", "contributors", "groups.csv", "contributors.csv")
    return {(q, name): get(api, cm, name, q) for q in RANGES for name in names}


def _rows():
    days = db.session.execute(
        select(AnalyticsDay.day, AnalyticsDay.posts, AnalyticsDay.comments,
               AnalyticsDay.reactions, AnalyticsDay.ballots, AnalyticsDay.active_people)
        .order_by(AnalyticsDay.day)
    ).all()  # fmt: skip
    spans = db.session.execute(
        select(AnalyticsSpan.kind, AnalyticsSpan.start, AnalyticsSpan.active_people).order_by(
            AnalyticsSpan.kind, AnalyticsSpan.start
        )
    ).all()
    return days, spans


def _roll(since=date(2026, 2, 1)) -> int:
    rolled = do_rollup(TODAY, UTC, since=since)
    db.session.commit()
    return rolled


def _forget_rollups() -> None:
    db.session.execute(delete(AnalyticsSpan))
    db.session.execute(delete(AnalyticsDay))
    db.session.commit()


def get(api, user, name, query):  # the JSON report, or the CSV text
    response = api(user).get(f"/api/v1/analytics/{name}?{query}")
    assert response.status_code == 200, response.data
    return response.data.decode() if name.endswith(".csv") else response.get_json()


def test_rollups_give_the_live_figures(api, world, cm, fred):
    _post(fred, "today, live", at(5, 9))
    db.session.commit()
    live = _reports(api, cm)
    assert _roll() == 32  # 1 February .. 4 March
    days, spans = _rows()
    assert days[-1] == (date(2026, 3, 4), 1, 0, 0, 0, 1)
    assert days[-2] == (date(2026, 3, 3), 2, 1, 1, 1, 4)
    assert ("month", date(2026, 2, 1), 1) in spans  # the admin, on 28 February
    assert ("week", date(2026, 2, 23), 2) in spans  # the admin, and the employee on 1 March
    assert _reports(api, cm) == live
    _forget_rollups()  # the folded writers stay in user_activity_days: same figures
    assert _reports(api, cm) == live


def test_rolling_up_twice_changes_nothing(api, world, cm):
    _roll()
    first = _rows()
    assert _roll() == 0
    assert _rows() == first


def test_writers_are_folded_into_user_activity_days(world, employee, manager, fred, cm):
    _roll()
    on = db.session.scalars(
        select(UserActivityDay.user_id).where(UserActivityDay.day == date(2026, 3, 3))
    ).all()
    assert set(on) == {employee.id, manager.id, fred.id, cm.id}


def test_a_changed_day_falls_back_to_the_live_tables_until_rolled_again(
    api,
    world,
    cm,
    fred,
):
    _roll()
    before = get(api, cm, "overview", RANGES[0])
    assert before["daily"][2]["reactions"] == 1
    db.session.execute(delete(Reaction).where(Reaction.user_id == fred.id))  # withdrawn
    db.session.execute(
        update(Post).where(Post.body == "Agenda?").values(deleted_at=at(4))
    )  # deleted later
    db.session.commit()
    assert db.session.get(AnalyticsDay, date(2026, 3, 3)) is None  # the triggers forgot it
    assert db.session.get(AnalyticsDay, date(2026, 3, 2)) is not None
    assert db.session.get(AnalyticsSpan, ("week", date(2026, 3, 2))) is None
    assert db.session.get(AnalyticsSpan, ("month", date(2026, 2, 1))) is not None
    after = get(api, cm, "overview", RANGES[0])
    assert after["daily"][2]["reactions"] == 0
    assert after["daily"][2]["posts"] == 1
    assert after["daily"][2]["active"] == 4  # fred stays active on the day he acted
    assert _roll() == 1
    assert db.session.get(AnalyticsDay, date(2026, 3, 3)).reactions == 0
    assert get(api, cm, "overview", RANGES[0]) == after
    _forget_rollups()
    assert get(api, cm, "overview", RANGES[0]) == after


def test_a_late_row_on_a_rolled_day_is_counted(api, world, cm, admin):
    _roll()
    _post(admin, "back-dated import", at(2, 15))
    db.session.commit()
    assert db.session.get(AnalyticsDay, date(2026, 3, 2)) is None
    data = get(api, cm, "overview", RANGES[0])
    assert data["daily"][1]["posts"] == 4 and data["daily"][1]["active"] == 3
    _roll()
    assert get(api, cm, "overview", RANGES[0]) == data


def test_days_roll_up_in_the_company_zone_across_daylight_saving(app, api, cm, employee):
    app.config["COMPANY_TIMEZONE"] = "Europe/Paris"
    paris = ZoneInfo("Europe/Paris")
    for when in ((3, 1, 23, 30), (3, 28, 23, 30), (3, 29, 22, 30), (3, 30, 21, 59)):
        _post(employee, "x", datetime(2026, *when))
    db.session.commit()
    query = "from=2026-03-01&to=2026-04-02"
    live = get(api, cm, "overview", query)
    assert do_rollup(date(2026, 4, 1), paris, since=date(2026, 3, 1)) == 31
    db.session.commit()
    rolled = get(api, cm, "overview", query)
    assert rolled == live
    assert [d["posts"] for d in rolled["daily"][27:31]] == [0, 1, 2, 0]


def test_the_job_loop_rolls_up_finished_days(app, world, cm):
    done = run_due_jobs(datetime(2026, 3, 5, 12))
    assert done["analytics_days_rolled"] == 5  # 28 February (the first data) .. 4 March
    assert run_due_jobs(datetime(2026, 3, 5, 13))["analytics_days_rolled"] == 0
    assert db.session.get(AnalyticsDay, date(2026, 3, 5)) is None  # today stays live


def test_flask_analytics_rollup(app, world, cm):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analytics", "rollup", "--since", "2026-03-01"])
    assert result.exit_code == 0, result.output
    rolled = int(result.output.split(":")[1])
    assert rolled >= 4  # every finished day from 1 March to yesterday
    again = runner.invoke(args=["analytics", "rollup", "--since", "2026-03-01"])
    assert again.output.strip() == "analytics_days_rolled: 0"


def _same_as_live(api, cm) -> dict:
    """The reports now (rollups, some maybe forgotten), with none, and rolled up again
    are the same."""
    now = _reports(api, cm)
    _forget_rollups()
    assert _reports(api, cm) == now
    _roll()
    assert _reports(api, cm) == now
    return now


def test_comments_on_old_posts_and_moved_posts_keep_group_figures_exact(
    api, world, cm, employee, fred
):
    _roll()
    _same_as_live(api, cm)
    agenda = db.session.scalar(select(Post).where(Post.body == "Agenda?"))
    _comment(agenda, fred, at(5, 8))  # today, on a post of 3 March: its replies change
    db.session.commit()
    assert db.session.get(AnalyticsDay, date(2026, 3, 3)) is None
    data = _same_as_live(api, cm)
    formation = data[("from=2026-03-01&to=2026-03-03", "groups")]["items"][0]
    assert (formation["name"], formation["replies_per_post"]) == ("Formation", 2.0)
    welcome = db.session.scalar(select(Post).where(Post.body == "Welcome! Questions?"))
    db.session.execute(
        update(Post).where(Post.id == welcome.id).values(group_id=world["formation"].id)
    )  # moved by a moderator: its comment of 2 March and reaction of 3 March move too
    db.session.commit()
    assert db.session.get(AnalyticsDay, date(2026, 3, 2)) is None
    assert db.session.get(AnalyticsDay, date(2026, 3, 1)) is not None
    data = _same_as_live(api, cm)
    formation = data[("from=2026-03-01&to=2026-03-03", "groups")]["items"][0]
    assert (formation["posts"], formation["comments"], formation["active_members"]) == (2, 2, 2)
