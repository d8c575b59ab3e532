"""The personal digest: its preference, what it tells (and never leaks), once per period,
in each reader's language, through a real SMTP server, with a one-click unsubscribe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from socialnet.extensions import db, mail
from socialnet.jobs import run_due_jobs
from socialnet.models import DigestSend, GroupMembership, Post, User
from socialnet.models._time import now_utc, utcnow
from socialnet.services import digest
from socialnet.services.celebrations import company_tz
from socialnet.services.reactions import do_set_reaction
from tests.digest_support import next_week, post_ids_in, tomorrow, weekly
from tests.group_fixtures import announce
from tests.helpers import assert_error
from tests.mail_sink import PUBLIC_URL, header, parts_of, smtp  # noqa: F401 (the fixture)
from tests.web import csrf_from, form, html_of

PREFS = "/api/v1/me/preferences"
# "this week" and "tomorrow" are read from the clock: the same day for the test and the code
pytestmark = pytest.mark.usefixtures("midday")


def engage(post: Post, *people: User) -> Post:
    for person in people:
        do_set_reaction(person, post, "like", True)
    db.session.commit()
    return post


@pytest.fixture
def sent_mail(app):
    """Emails the app sent (built but suppressed), through Flask-Mail's signal."""
    with mail.record_messages() as outbox:
        yield outbox


# --------------------------------------------------------------------- the preference


def test_digest_is_weekly_by_default_and_can_be_daily_or_off(api, employee):
    emma = api(employee)
    assert emma.get(PREFS).get_json()["digest"] == "weekly"
    changed = emma.patch(PREFS, {"digest": "daily"})
    assert changed.status_code == 200 and changed.get_json()["digest"] == "daily"
    assert emma.patch(PREFS, {"digest": "off"}).get_json()["digest"] == "off"
    db.session.expire_all()
    assert db.session.get(User, employee.id).digest == "off"


@pytest.mark.parametrize("value", ["monthly", "", None, 7, ["daily"], "DAILY"])
def test_a_bad_digest_frequency_is_refused_and_changes_nothing(api, employee, value):
    emma = api(employee)
    refused = emma.patch(PREFS, {"digest": value, "leaderboard_opt_out": True})
    body = assert_error(refused, 400)
    assert body["fields"] == {"digest": "not_a_frequency"}
    assert "daily, weekly, off" in body["message"]
    assert emma.get(PREFS).get_json() | {"language": None} == {
        "leaderboard_opt_out": False,
        "celebrate_birthday": False,
        "language": None,
        "digest": "weekly",
    }


def test_the_preferences_page_sets_the_digest(signed_in, employee):
    client = signed_in(employee)
    page = client.get("/settings/preferences")
    assert 'name="digest"' in html_of(page) and 'value="weekly" selected' in html_of(page)
    saved = form(client, "/settings/preferences", digest="daily", celebrate_birthday="on")
    assert saved.status_code == 302
    db.session.expire_all()
    emma = db.session.get(User, employee.id)
    assert (emma.digest, emma.celebrate_birthday) == ("daily", True)
    refused = form(client, "/settings/preferences", digest="hourly")
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, employee.id).digest == "daily"


# --------------------------------------------------------------------- periods


def test_periods_start_on_the_day_or_the_monday_and_tell_the_one_before(app):
    monday = datetime(2026, 3, 9, 6, 30, tzinfo=UTC)  # 07:30 in Paris
    week = digest.current_period("weekly", monday + timedelta(days=2))
    assert week.start == monday.date()
    assert week.until - week.since == timedelta(days=7)
    assert week.until == datetime(2026, 3, 8, 23, 0)  # Monday 00:00 in Paris, as UTC
    day = digest.current_period("daily", monday)
    assert (day.start, day.since, day.until) == (
        monday.date(),
        datetime(2026, 3, 7, 23, 0),
        datetime(2026, 3, 8, 23, 0),
    )
    assert digest.is_due(day, monday)
    assert not digest.is_due(day, monday - timedelta(hours=1))  # 06:30 in Paris


# --------------------------------------------------------------------- what it tells


def test_a_digest_tells_unread_announcements_mentions_and_engaging_posts(
    api, cm, manager, employee, fred, make_group, make_post
):
    notice = announce(api(cm), "company", title="New canteen hours")
    group = make_group("Lyon plant", "private", members=(employee, manager, fred))
    mention = make_post(manager, "Thanks @emma.employee for the audit", group)
    popular = engage(make_post(fred, "Our line broke a record", group), manager, cm)
    quiet = make_post(fred, "Nobody reacts to this", group)
    mine = engage(make_post(employee, "My own post"), manager)
    d = weekly(employee)
    assert [i["title"] for i in d.announcements] == ["New canteen hours"]
    assert [i["post_id"] for i in d.mentions] == [mention.id]
    assert d.mentions[0]["group"] == "Lyon plant"
    assert [i["post_id"] for i in d.posts] == [popular.id]
    assert d.posts[0]["reactions"] == 2
    assert quiet.id not in post_ids_in(d) and mine.id not in post_ids_in(d)
    assert d.posts[0]["url"] == f"http://127.0.0.1:5000/posts/{popular.id}"
    # once acknowledged, the announcement is no longer missed
    assert api(employee).post(f"/api/v1/announcements/{notice['id']}/ack").status_code == 200
    assert weekly(employee).announcements == []


def test_a_mention_in_a_comment_is_told_with_the_comment(api, manager, employee, make_post):
    post = make_post(manager, "Safety review")
    said = api(manager).post(f"/api/v1/posts/{post.id}/comments", {"body": "@emma.employee ok?"})
    assert said.status_code == 201
    [line] = weekly(employee).mentions
    assert (line["post_id"], line["in_comment"], line["text"]) == (
        post.id,
        True,
        "@emma.employee ok?",
    )


def test_only_what_happened_in_the_period_is_told(manager, employee, fred, make_post):
    old = engage(make_post(fred, "Last month's news"), manager)
    old.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert weekly(employee).items == 0
    daily = digest.gather(employee, digest.current_period("daily", tomorrow()))
    assert old.id not in post_ids_in(daily)


# --------------------------------------------------------------------- leaks


def test_a_post_of_a_secret_group_one_left_is_not_in_the_digest(
    employee, manager, fred, make_group, make_post
):
    secret = make_group("Projet Orion", "secret", members=(employee, manager, fred))
    post = engage(make_post(manager, "Orion: the buyer is @emma.employee's client", secret), fred)
    assert post.id in post_ids_in(weekly(employee))  # while she is a member
    db.session.execute(
        GroupMembership.__table__.delete().where(
            GroupMembership.group_id == secret.id, GroupMembership.user_id == employee.id
        )
    )
    db.session.commit()
    left = weekly(employee)
    assert post.id not in post_ids_in(left) and left.items == 0


def test_a_hidden_or_deleted_post_is_not_in_the_digest(api, employee, manager, fred, make_post):
    hidden = engage(make_post(manager, "Hidden @emma.employee"), fred)
    deleted = engage(make_post(fred, "Deleted @emma.employee"), manager)
    assert post_ids_in(weekly(employee)) == {hidden.id, deleted.id}
    hidden.moderation_state = "hidden"
    db.session.commit()
    assert api(fred).delete(f"/api/v1/posts/{deleted.id}").status_code == 204
    assert weekly(employee).items == 0


def test_an_announcement_not_addressed_to_one_is_not_in_their_digest(
    api, cm, employee, fred, make_group
):
    group = make_group("Sales", "private", members=(fred,))
    announce(api(cm), "group", group.id, title="Sales bonus")
    assert [i["title"] for i in weekly(fred).announcements] == ["Sales bonus"]
    assert weekly(employee).announcements == []


def test_a_public_group_post_on_a_followed_topic_is_told_a_private_one_never(
    api, employee, manager, fred, make_group, make_post
):
    public = make_group("Open lab", "public", members=(fred,))
    private = make_group("Board", "private", members=(fred,))
    told = engage(make_post(fred, "#safety first", public), manager)
    untold = engage(make_post(fred, "#safety in the board", private), manager)
    assert api(employee).put("/api/v1/topics/safety/follow").status_code in (200, 201, 204)
    ids = post_ids_in(weekly(employee))
    assert told.id in ids and untold.id not in ids


# --------------------------------------------------------------------- the job


def test_the_job_sends_each_digest_once_per_period(sent_mail, employee, manager, fred, make_post):
    engage(make_post(fred, "Record week"), manager)
    first = run_due_jobs(next_week())
    again = run_due_jobs(next_week() + timedelta(hours=3))
    assert first["digests_sent"] >= 1 and again["digests_sent"] == 0
    to_emma = [m for m in sent_mail if m.recipients == [employee.email]]
    assert len(to_emma) == 1
    rows = db.session.scalars(select(DigestSend).where(DigestSend.user_id == employee.id)).all()
    assert [(r.frequency, r.item_count) for r in rows] == [("weekly", 1)]


def test_a_period_another_process_claimed_is_not_sent_again(
    sent_mail, employee, manager, fred, make_post
):
    engage(make_post(fred, "Record week"), manager)
    period = digest.current_period("weekly", next_week())
    assert digest.claim(employee, period) is not None  # the other process's insert
    db.session.commit()
    assert digest.claim(employee, period) is None
    run_due_jobs(next_week())
    assert employee.email not in {r for m in sent_mail for r in m.recipients}
    count = db.session.scalar(
        select(func.count()).select_from(DigestSend).where(DigestSend.user_id == employee.id)
    )
    assert count == 1


def test_nothing_to_say_no_email(sent_mail, employee):
    done = run_due_jobs(next_week())
    assert done["digests_sent"] == 0 and sent_mail == []
    [row] = db.session.scalars(select(DigestSend).where(DigestSend.user_id == employee.id))
    assert row.item_count == 0


def test_deactivated_suspended_and_off_get_nothing(sent_mail, make_user, manager, fred, make_post):
    gone = make_user("Gone Person", active=False)
    banned = make_user("Banned Person", suspended_until=utcnow() + timedelta(days=30))
    quiet = make_user("Quiet Person", digest="off")
    daily = make_user("Daily Person", digest="daily")
    engage(make_post(fred, "Everyone should see this"), manager)
    run_due_jobs(next_week())
    got = {r for m in sent_mail for r in m.recipients}
    assert not got & {gone.email, banned.email, quiet.email}
    # On a Sunday (company time) next Monday is tomorrow, whose daily digest rightly holds
    # today's post; on any other day a daily reader gets no weekly digest then.
    if now_utc().astimezone(company_tz()).weekday() != 6:
        assert daily.email not in got
    assert manager.email in got  # a weekly reader did get it
    run_due_jobs(tomorrow())
    assert daily.email in {r for m in sent_mail for r in m.recipients}


def test_the_digest_waits_for_its_hour(sent_mail, employee, manager, fred, make_post):
    engage(make_post(fred, "Record week"), manager)
    early = next_week().astimezone(company_tz()).replace(hour=6)
    assert run_due_jobs(early)["digests_sent"] == 0
    assert db.session.scalar(select(func.count()).select_from(DigestSend)) == 0


def test_no_public_url_no_digest(app, sent_mail, employee, manager, fred, make_post):
    engage(make_post(fred, "Record week"), manager)
    app.config.update(HOST="0.0.0.0")
    try:
        assert run_due_jobs(next_week())["digests_sent"] == 0
    finally:
        app.config.update(HOST="127.0.0.1")
    assert db.session.scalar(select(func.count()).select_from(DigestSend)) == 0


# --------------------------------------------------------------------- through SMTP


def test_a_real_digest_through_smtp_in_the_readers_language(
    app,
    smtp,  # noqa: F811 (the fixture imported above)
    make_user,
    manager,
    fred,
    make_post,
):
    claire = make_user("Claire Dupont", language="fr")
    post = engage(make_post(fred, "Bravo à l'équipe <b>Lyon</b> & co"), manager, claire)
    assert run_due_jobs(next_week())["digests_sent"] >= 1
    [message] = [m for m in smtp.wait_for(1) if m["X-Envelope-To"] == claire.email]
    assert header(message, "Subject") == "Votre semaine sur Lumen & Co : ce que vous avez manqué"
    types = [part.get_content_type() for part in message.walk()]
    assert types.count("multipart/alternative") == 1, types
    parts = parts_of(message)
    assert set(parts) == {"text/plain", "text/html"}
    link = f"{PUBLIC_URL}/posts/{post.id}"
    assert "Bonjour Claire Dupont" in parts["text/plain"] and link in parts["text/plain"]
    assert "Publications les plus engageantes" in parts["text/plain"]
    assert f'href="{link}"' in parts["text/html"]
    assert "&lt;b&gt;Lyon&lt;/b&gt; &amp; co" in parts["text/html"]  # escaped, never raw HTML
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{PUBLIC_URL}/digest/unsubscribe?token=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in parts["text/plain"]
    english = [m for m in smtp.messages if m["X-Envelope-To"] == manager.email]
    assert english and header(english[0], "Subject") == "Your week on Lumen & Co: what you missed"


def test_a_person_without_a_language_gets_the_company_default(
    app, sent_mail, employee, manager, fred, make_post
):
    engage(make_post(fred, "Record week"), manager)
    app.config.update(DEFAULT_LANGUAGE="fr")
    try:
        run_due_jobs(next_week())
    finally:
        app.config.update(DEFAULT_LANGUAGE="en")
    [message] = [m for m in sent_mail if m.recipients == [employee.email]]
    assert message.subject.startswith("Votre semaine")


# --------------------------------------------------------------------- unsubscribe


def _unsubscribe_path(user: User) -> str:
    link = digest.link("digest.unsubscribe", token=digest.unsubscribe_token(user))
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_one_click_unsubscribe_per_rfc_8058(app, employee):
    path = _unsubscribe_path(employee)
    client = app.test_client()  # a mail client: no cookie, no CSRF token
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "unsubscribed" in html_of(answer)
    db.session.expire_all()
    assert db.session.get(User, employee.id).digest == "off"
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_opening_the_link_only_asks_to_confirm(app, employee):
    client = app.test_client()
    page = client.get(_unsubscribe_path(employee))
    assert page.status_code == 200 and employee.email in html_of(page)
    db.session.expire_all()
    assert db.session.get(User, employee.id).digest == "weekly"
    confirmed = client.post(_unsubscribe_path(employee), data={"csrf_token": csrf_from(page)})
    assert confirmed.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, employee.id).digest == "off"


def test_a_tampered_or_foreign_token_unsubscribes_nobody(app, employee, fred):
    client = app.test_client()
    token = digest.unsubscribe_token(employee)
    forged = URLSafeSerializer("another-key", salt=digest.UNSUBSCRIBE_SALT).dumps({"u": fred.id})
    other_salt = URLSafeSerializer(app.secret_key, salt="socialnet.other").dumps({"u": fred.id})
    for bad in (token[:-2] + "xx", forged, other_salt, "", "é" * 10, "x" * 500):
        answer = client.post(f"/digest/unsubscribe?token={bad}", data={})
        assert answer.status_code == 400, bad
        assert "not valid" in html_of(answer)
        assert client.get(f"/digest/unsubscribe?token={bad}").status_code == 400
    db.session.expire_all()
    assert {db.session.get(User, u.id).digest for u in (employee, fred)} == {"weekly"}


def test_a_deactivated_persons_link_no_longer_works(app, employee):
    path = _unsubscribe_path(employee)
    employee.active = False
    db.session.commit()
    assert app.test_client().post(path).status_code == 400


def test_ones_own_hidden_post_is_not_told_even_through_a_comment(api, employee, manager, make_post):
    own = make_post(employee, "My proposal")
    said = api(manager).post(f"/api/v1/posts/{own.id}/comments", {"body": "@emma.employee yes"})
    assert said.status_code == 201
    assert post_ids_in(weekly(employee)) == {own.id}
    own.moderation_state = "hidden"
    db.session.commit()
    assert weekly(employee).items == 0


# --------------------------------------------------------------------- flask mail preview


def _preview(app, *args: str):
    return app.test_cli_runner().invoke(args=["mail", "preview", *args])


def test_mail_preview_prints_a_digest_in_the_persons_language(
    app, tmp_path, make_user, manager, fred, make_post
):
    claire = make_user("Claire Dupont", language="fr")
    post = engage(make_post(fred, "Bravo l'équipe"), manager)
    html = tmp_path / "digest.html"
    result = _preview(app, "--to", claire.email, "--html", str(html))
    assert result.exit_code == 0, result.output
    # this week's posts are told next week: the preview tells last week's (nothing yet)
    assert "Subject: Votre semaine sur Lumen & Co" in result.output
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in result.output
    assert "nothing to say" in result.output
    assert "Bonjour Claire Dupont" in result.output
    assert html.read_text().startswith("<!doctype html>")
    daily = _preview(app, "--to", claire.email, "--frequency", "daily")
    assert daily.exit_code == 0 and "Votre journée" in daily.output
    assert db.session.scalar(select(func.count()).select_from(DigestSend)) == 0
    assert post.id  # nothing written, nothing sent


def test_mail_preview_of_a_reset_email_holds_no_working_link(app, employee):
    result = _preview(app, "--to", employee.email, "--kind", "password_reset")
    assert result.exit_code == 0, result.output
    assert "Reset your Lumen & Co password" in result.output
    assert "/password-reset/confirm?token=PREVIEW" in result.output
    for kind in ("signup", "signup_exists"):
        assert _preview(app, "--to", employee.email, "--kind", kind).exit_code == 0


def test_mail_preview_refuses_an_unknown_person_or_kind(app, employee):
    unknown = _preview(app, "--to", "nobody@lumen.example")
    assert unknown.exit_code == 1 and "No account has this email address." in unknown.output
    assert _preview(app, "--to", employee.email, "--kind", "spam").exit_code == 2


def test_the_admin_mail_preview_page(signed_in, admin, employee, fred):
    page = signed_in(admin).get(f"/admin/mail-preview?to={employee.email}&kind=digest")
    assert page.status_code == 200
    html = html_of(page)
    assert "Your week on Lumen &amp; Co: what you missed" in html
    assert 'sandbox=""' in html and 'srcdoc="&lt;!doctype html&gt;' in html
    assert html.count("<!doctype html>") == 1  # the email's HTML is escaped into srcdoc
    reset = html_of(
        signed_in(admin).get(f"/admin/mail-preview?to={employee.email}&kind=password_reset")
    )
    assert "token=PREVIEW" in reset
    assert signed_in(admin).get("/admin/mail-preview?to=nobody@x.example").status_code == 404
    assert signed_in(admin).get(f"/admin/mail-preview?to={fred.email}&kind=x").status_code == 400
    assert signed_in(fred).get(f"/admin/mail-preview?to={employee.email}").status_code == 403
