"""Newsletters (issue #18): composing (and what is refused), scheduling, publication and
sending through the job loop once per recipient, in each reader's language, through a real
SMTP server; the web page; opens, clicks (no open redirect), reach, CSV and analytics."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from socialnet.extensions import db, mail
from socialnet.jobs import run_due_jobs
from socialnet.models import (
    GroupMembership,
    Newsletter,
    NewsletterClick,
    NewsletterItem,
    NewsletterRecipient,
    NewsletterSection,
    Post,
)
from socialnet.models._time import utcnow
from socialnet.services.newsletters import sending, tracking
from tests.conftest import PASSWORD
from tests.helpers import assert_error, count_rows
from tests.mail_sink import PUBLIC_URL, header, parts_of, smtp  # noqa: F401 (the fixture)
from tests.web import csrf_from, html_of

API = "/api/v1/newsletters"


def body(*post_ids: int, audience: dict | None = None, **fields) -> dict:
    return {
        "title": fields.pop("title", "Lumen this month"),
        "intro": fields.pop("intro", "What **happened** in November."),
        "sections": fields.pop(
            "sections", [{"heading": "Around the sites", "text": "", "post_ids": list(post_ids)}]
        ),
        "audience": audience or {"kind": "company"},
        **fields,
    }


def soon() -> str:
    return (utcnow() + timedelta(hours=1)).isoformat()


def after_publish():
    return utcnow() + timedelta(hours=2)


@pytest.fixture
def sent_mail(app):
    with mail.record_messages() as outbox:
        yield outbox


@pytest.fixture
def issue(api, cm, fred, make_post):
    """A company issue with two company posts, scheduled in an hour."""
    first = make_post(fred, "The Lyon plant opened its new line")
    second = make_post(fred, "Paris won the safety award")
    response = api(cm).post(API, body(first.id, second.id, publish_at=soon()))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def newsletter_tables() -> dict[str, int]:
    return {
        m.__tablename__: count_rows(m)
        for m in (Newsletter, NewsletterSection, NewsletterItem, NewsletterRecipient)
    }


# ------------------------------------------------------------------------ composing


def test_a_community_manager_composes_a_draft_then_schedules_it(api, cm, fred, make_post):
    post = make_post(fred, "Record quarter for the Lyon team")
    camille = api(cm)
    draft = camille.post(API, body(post.id))
    assert draft.status_code == 201, draft.get_json()
    data = draft.get_json()
    assert data["status"] == "draft" and data["publish_at"] is None
    assert data["intro_html"] == "<p>What <strong>happened</strong> in November.</p>\n"
    [section] = data["sections"]
    [item] = section["items"]
    assert item["post_id"] == post.id and item["excerpt"] == "Record quarter for the Lyon team"
    assert item["author"]["id"] == fred.id and item["url"] == f"/posts/{post.id}"
    scheduled = camille.post(f"{API}/{data['id']}/schedule", {"publish_at": soon()})
    assert scheduled.status_code == 200 and scheduled.get_json()["status"] == "scheduled"
    assert camille.get(f"{API}/{data['id']}").get_json() == scheduled.get_json()
    listed = camille.get(API).get_json()["items"]
    assert [n["id"] for n in listed] == [data["id"]]


def test_only_community_managers_and_admins_compose(api, employee, manager, fred, make_post):
    post = make_post(fred)
    for person in (employee, manager, fred):
        assert_error(api(person).post(API, body(post.id)), 403, "forbidden")
    assert count_rows(Newsletter) == 0


def test_a_draft_is_invisible_to_everyone_but_its_managers(api, cm, admin, employee, fred, issue):
    path = f"{API}/{issue['id']}"
    assert api(admin).get(path).status_code == 200
    for person in (employee, fred):
        assert_error(api(person).get(path), 404)
        assert_error(api(person).get(f"{path}/reach"), 404)
        assert_error(api(person).patch(path, {"title": "Mine"}), 404)
        assert api(person).get(API).get_json()["items"] == []


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"sections": []}, "sections", "empty"),
        ({"sections": None}, "sections", "empty"),
        ({"sections": [{"heading": "", "post_ids": []}]}, "sections[0].heading", "empty"),
        ({"sections": [{"heading": "A", "post_ids": ["7"]}]}, "sections[0]", "invalid"),
        ({"sections": [{"heading": "A", "links": []}]}, "links", "not_allowed"),
        ({"sections": [{"heading": f"S{n}"} for n in range(13)]}, "sections", "too_many"),
        ({"audience": {"kind": "planet"}}, "audience", "invalid"),
        ({"audience": {"kind": "site", "value": "Atlantis"}}, "audience", "unknown_site"),
        ({"audience": {"kind": "department", "value": "Magic"}}, "audience", "unknown_department"),
        ({"audience": {"kind": "group", "value": 999999}}, "audience", "unknown_group"),
        ({"publish_at": "2020-01-01T09:00:00Z"}, "publish_at", "past"),
        ({"publish_at": "next tuesday"}, "publish_at", "not_datetime"),
        ({"title": "   "}, "title", "empty"),
        ({"colour": "blue"}, "colour", "not_allowed"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(api, cm, fred, make_post, change, field, code):
    post = make_post(fred)
    refused = assert_error(api(cm).post(API, {**body(post.id), **change}), 400)
    assert refused["fields"][field] == code, refused
    assert set(newsletter_tables().values()) == {0}


def test_five_hundred_posts_are_refused(api, cm):
    many = [{"heading": "All", "post_ids": list(range(1, 501))}]
    refused = assert_error(api(cm).post(API, body(sections=many)), 400)
    assert refused["fields"] == {"sections": "too_many_posts"}
    assert "at most 40 posts" in refused["message"] and "500" in refused["message"]
    assert count_rows(Newsletter) == 0


def test_a_post_twice_is_refused(api, cm, fred, make_post):
    post = make_post(fred)
    twice = [{"heading": "A", "post_ids": [post.id]}, {"heading": "B", "post_ids": [post.id]}]
    refused = assert_error(api(cm).post(API, body(sections=twice)), 400)
    assert refused["fields"] == {"sections": "duplicate_post"}


def test_a_deleted_or_missing_post_is_refused_alike(api, cm, fred, make_post):
    deleted = make_post(fred, "Gone soon")
    assert api(fred).delete(f"/api/v1/posts/{deleted.id}").status_code in (200, 204)
    for post_id in (deleted.id, 987654):
        refused = assert_error(api(cm).post(API, body(post_id)), 400)
        assert refused["fields"] == {"sections": "unknown_post"}
        assert refused["post_ids"] == [post_id]
        assert str(post_id) in refused["message"]
    assert count_rows(Newsletter) == 0


def test_a_secret_group_post_is_refused_for_the_company_but_fine_for_the_group(
    api, cm, fred, employee, make_group, make_post
):
    board = make_group("Board", "secret", members=(cm, fred))
    secret = make_post(fred, "Merger talks", board)
    refused = assert_error(api(cm).post(API, body(secret.id)), 400)
    assert refused["fields"] == {"sections": "not_visible_to_audience"}
    assert refused["post_ids"] == [secret.id]
    assert count_rows(Newsletter) == 0
    for_board = api(cm).post(API, body(secret.id, audience={"kind": "group", "value": board.id}))
    assert for_board.status_code == 201, for_board.get_json()


def test_a_secret_group_post_the_composer_cannot_see_is_simply_unknown(
    api, cm, fred, make_group, make_post
):
    board = make_group("Board", "secret", members=(fred,))
    secret = make_post(fred, "Merger talks", board)
    refused = assert_error(api(cm).post(API, body(secret.id)), 400)
    assert refused["fields"] == {"sections": "unknown_post"}
    group_audience = {"kind": "group", "value": board.id}
    refused = assert_error(api(cm).post(API, body(audience=group_audience)), 400)
    assert refused["fields"] == {"audience": "unknown_group"}


def test_a_private_group_post_reaches_a_site_only_if_everyone_there_is_a_member(
    api, cm, fred, employee, make_group, make_post
):
    lab = make_group("Paris lab", "private", members=(cm, fred))
    post = make_post(fred, "Lab results", lab)
    paris = {"kind": "site", "value": "Paris"}  # fred only works in Paris
    assert api(cm).post(API, body(post.id, audience=paris)).status_code == 201
    lyon = {"kind": "site", "value": "Lyon"}  # employee (Lyon) is not a member
    refused = assert_error(api(cm).post(API, body(post.id, audience=lyon)), 400)
    assert refused["fields"] == {"sections": "not_visible_to_audience"}


def test_a_published_or_cancelled_issue_cannot_change(api, cm, issue, sent_mail):
    camille = api(cm)
    run_due_jobs(after_publish())
    path = f"{API}/{issue['id']}"
    assert_error(camille.patch(path, {"title": "Late fix"}), 409)
    assert_error(camille.post(f"{path}/cancel"), 409)
    assert_error(camille.post(f"{path}/schedule", {}), 409)


def test_cancelling_a_scheduled_issue_sends_nothing(api, cm, issue, sent_mail):
    cancelled = api(cm).post(f"{API}/{issue['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    done = run_due_jobs(after_publish())
    assert done["newsletters_published"] == 0 and sent_mail == []


def test_editing_checks_the_whole_issue_again(
    api, cm, fred, employee, make_group, make_post, issue
):
    board = make_group("Board", "secret", members=(cm, fred))
    secret = make_post(fred, "Merger talks", board)
    path = f"{API}/{issue['id']}"
    sections = [{"heading": "News", "post_ids": [secret.id]}]
    refused = assert_error(api(cm).patch(path, {"sections": sections}), 400)
    assert refused["fields"] == {"sections": "not_visible_to_audience"}
    kept = api(cm).get(path).get_json()
    assert [i["post_id"] for i in kept["sections"][0]["items"]] == [
        i["post_id"] for i in issue["sections"][0]["items"]
    ]
    changed = api(cm).patch(path, {"title": "Lumen in November"}).get_json()
    assert changed["title"] == "Lumen in November" and changed["status"] == "scheduled"
    assert changed["publish_at"] == issue["publish_at"]


# ------------------------------------------------------------------------ sending


def recipients_of(messages) -> list[str]:
    return sorted(r for m in messages for r in m.recipients)


def test_the_job_publishes_and_sends_once_to_everyone(
    api, cm, employee, manager, fred, admin, issue, sent_mail
):
    assert run_due_jobs(utcnow())["newsletters_published"] == 0  # not yet
    first = run_due_jobs(after_publish())
    assert first["newsletters_published"] == 1
    everyone = sorted(u.email for u in (cm, employee, manager, fred, admin))
    assert recipients_of(sent_mail) == everyone
    again = run_due_jobs(after_publish() + timedelta(minutes=5))
    assert again["newsletters_published"] == 0 and again["newsletter_emails_sent"] == 0
    assert recipients_of(sent_mail) == everyone
    data = api(cm).get(f"{API}/{issue['id']}").get_json()
    assert data["status"] == "sent" and data["recipient_count"] == 5


def test_a_recipient_another_process_claimed_is_not_sent_again(cm, employee, issue, sent_mail):
    newsletter = db.session.get(Newsletter, issue["id"])
    assert sending.do_publish(newsletter, after_publish()) == 4  # cm, fred, emma, her manager
    assert sending.do_publish(newsletter, after_publish()) is None  # published once
    assert sending.claim(newsletter, [employee.id], utcnow()) == [employee.id]
    assert sending.claim(newsletter, [employee.id], utcnow()) == []
    db.session.commit()
    run_due_jobs(after_publish())
    assert employee.email not in recipients_of(sent_mail)
    assert len(sent_mail) == 3


def test_emails_go_in_batches(app, cm, issue, sent_mail, make_user):
    for n in range(5):
        make_user(f"Extra {n}")
    newsletter = db.session.get(Newsletter, issue["id"])
    sending.do_publish(newsletter, after_publish())
    assert sending.queue_due_emails(after_publish(), limit=4) == 4
    db.session.commit()
    assert db.session.get(Newsletter, issue["id"]).status == "sending"
    assert sending.queue_due_emails(after_publish(), limit=100) == 3  # cm, fred, 5 others
    db.session.commit()
    assert db.session.get(Newsletter, issue["id"]).status == "sent"
    assert len(sent_mail) == 7 and len(set(recipients_of(sent_mail))) == 7


def test_content_is_checked_again_when_sending(api, cm, fred, employee, issue, sent_mail):
    [first, second] = issue["sections"][0]["items"]
    assert api(fred).delete(f"/api/v1/posts/{first['post_id']}").status_code in (200, 204)
    run_due_jobs(after_publish())
    [to_emma] = [m for m in sent_mail if m.recipients == [employee.email]]
    assert "new line" not in to_emma.body and "safety award" in to_emma.body
    row = db.session.get(NewsletterRecipient, (issue["id"], employee.id))
    assert row.items_sent == 1


def test_a_person_who_left_the_group_gets_only_what_they_still_see(
    api, cm, fred, employee, make_group, make_post, sent_mail
):
    team = make_group("Team", "private", members=(cm, fred, employee))
    post = make_post(fred, "Team offsite photos", team)
    audience = {"kind": "group", "value": team.id}
    created = api(cm).post(API, body(post.id, audience=audience, publish_at=soon())).get_json()
    newsletter = db.session.get(Newsletter, created["id"])
    sending.do_publish(newsletter, after_publish())
    db.session.commit()
    db.session.execute(
        GroupMembership.__table__.delete().where(GroupMembership.user_id == employee.id)
    )
    db.session.commit()
    run_due_jobs(after_publish())
    [to_emma] = [m for m in sent_mail if m.recipients == [employee.email]]
    assert "offsite" not in to_emma.body and "offsite" not in to_emma.html
    [to_fred] = [m for m in sent_mail if m.recipients == [fred.email]]
    assert "offsite" in to_fred.body
    assert_error(api(employee).get(f"{API}/{created['id']}"), 404)  # a private group's issue


def test_deactivated_and_suspended_people_get_nothing(api, cm, issue, make_user, sent_mail):
    gone = make_user("Gone Person")
    banned = make_user("Banned Person")
    newsletter = db.session.get(Newsletter, issue["id"])
    sending.do_publish(newsletter, after_publish())
    gone.active = False
    banned.suspended_until = utcnow() + timedelta(days=30)
    db.session.commit()
    run_due_jobs(after_publish())
    got = recipients_of(sent_mail)
    assert gone.email not in got and banned.email not in got and cm.email in got


def test_an_author_who_lost_the_right_has_the_issue_cancelled(cm, issue, sent_mail):
    cm.role = "employee"
    db.session.commit()
    assert run_due_jobs(after_publish())["newsletters_published"] == 0
    newsletter = db.session.get(Newsletter, issue["id"])
    assert newsletter.status == "cancelled" and sent_mail == []


def test_a_real_issue_through_smtp_in_each_readers_language(
    api,
    cm,
    fred,
    make_user,
    make_post,
    smtp,  # noqa: F811 (the fixture imported above)
):
    claire = make_user("Claire Dupont", language="fr")
    post = make_post(fred, "Bravo à l'équipe <b>Lyon</b> & co")
    created = api(cm).post(API, body(post.id, publish_at=soon())).get_json()
    run_due_jobs(after_publish())
    messages = smtp.wait_for(3)
    [french] = [m for m in messages if m["X-Envelope-To"] == claire.email]
    assert header(french, "Subject") == "Lettre d'information de Lumen & Co : Lumen this month"
    parts = parts_of(french)
    assert set(parts) == {"text/plain", "text/html"}
    assert "Lire en ligne" in parts["text/plain"] and "Lire la suite" in parts["text/html"]
    assert f"{PUBLIC_URL}/newsletters/{created['id']}" in parts["text/plain"]
    assert "&lt;b&gt;Lyon&lt;/b&gt; &amp; co" in parts["text/html"]  # escaped
    clicks = re.findall(rf'href="({PUBLIC_URL}/newsletters/click/[^"]+)"', parts["text/html"])
    assert len(clicks) == 1
    assert re.search(rf'src="{PUBLIC_URL}/newsletters/open/[^"]+\.gif"', parts["text/html"])
    [english] = [m for m in messages if m["X-Envelope-To"] == cm.email]
    assert header(english, "Subject") == "Lumen & Co newsletter: Lumen this month"


# ------------------------------------------------------------------------ reach


def published(issue) -> Newsletter:
    """The issue published and sent now (today, for analytics)."""
    newsletter = db.session.get(Newsletter, issue["id"])
    sending.do_publish(newsletter)
    sending.queue_due_emails()
    db.session.commit()
    return newsletter


def test_opens_and_clicks_are_counted_and_clicks_go_to_the_post(
    app, client, api, cm, employee, manager, issue, sent_mail
):
    newsletter = published(issue)
    [first, second] = [i for s in newsletter.sections for i in s.items]
    opened = client.get(f"/newsletters/open/{tracking.open_token(newsletter.id, employee.id)}.gif")
    assert opened.status_code == 200 and opened.mimetype == "image/gif"
    for _ in range(2):
        token = tracking.click_token(newsletter.id, employee.id, first.id)
        clicked = client.get(f"/newsletters/click/{token}")
        assert clicked.status_code == 302
        assert urlsplit(clicked.headers["Location"]).path == f"/posts/{first.post_id}"
    client.get(f"/newsletters/click/{tracking.click_token(newsletter.id, manager.id, second.id)}")
    reach = api(cm).get(f"{API}/{newsletter.id}/reach").get_json()
    assert (reach["recipients"], reach["sent"], reach["opened"], reach["clicked"]) == (4, 4, 2, 2)
    assert reach["open_rate"] == 0.5 and reach["click_rate"] == 0.5
    assert [(i["post_id"], i["clicks"], i["people"]) for i in reach["items"]] == [
        (first.post_id, 2, 1),
        (second.post_id, 1, 1),
    ]
    csv = api(cm).get(f"{API}/{newsletter.id}/reach.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("row,section,post_id,title,recipients,sent,opened")
    assert lines[1] == "issue,,,Lumen this month,4,4,2,0.5,3,2,0.5"
    assert lines[2].startswith(f"item,Around the sites,{first.post_id},") and len(lines) == 4


def test_tampered_or_foreign_tracking_links_are_refused_and_count_nothing(
    client, api, cm, employee, fred, make_post, issue, sent_mail
):
    newsletter = published(issue)
    item = newsletter.sections[0].items[0]
    other = api(cm).post(API, body(make_post(fred, "Another").id)).get_json()
    other_item = db.session.get(Newsletter, other["id"]).sections[0].items[0]
    good = tracking.click_token(newsletter.id, employee.id, item.id)
    bad = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # tampered signature
        tracking.click_token(newsletter.id, employee.id, other_item.id),  # another issue's item
        tracking.click_token(other["id"], employee.id, other_item.id),  # never sent
        tracking.click_token(newsletter.id, 999, item.id),  # not a recipient
        tracking.open_token(newsletter.id, employee.id),  # an open token is not a click
        "https:%2F%2Fevil.example",
    ]
    for token in bad:
        refused = client.get(f"/newsletters/click/{token}?next=https://evil.example")
        assert refused.status_code == 404, token
        assert "evil" not in refused.headers.get("Location", "")
    pixel = client.get(f"/newsletters/open/{good}.gif")  # a click token as an open
    assert pixel.status_code == 200 and pixel.mimetype == "image/gif"
    db.session.rollback()
    assert count_rows(NewsletterClick) == 0
    row = db.session.get(NewsletterRecipient, (newsletter.id, employee.id))
    assert row.opened_at is None and row.open_count == 0
    redirected = client.get(f"/newsletters/click/{good}?url=https://evil.example")
    assert urlsplit(redirected.headers["Location"]).netloc in ("", "localhost")


def test_reach_and_csv_are_for_managers_only(api, employee, fred, issue, sent_mail):
    newsletter = published(issue)
    for person in (employee, fred):
        assert_error(api(person).get(f"{API}/{newsletter.id}/reach"), 403)
        assert api(person).get(f"{API}/{newsletter.id}/reach.csv").status_code == 403
        assert_error(api(person).get(f"{API}/{newsletter.id}/preview"), 403)


def test_newsletters_are_in_analytics(api, cm, employee, issue, sent_mail, client):
    newsletter = published(issue)
    client.get(f"/newsletters/open/{tracking.open_token(newsletter.id, employee.id)}.gif")
    report = api(cm).get("/api/v1/analytics/newsletters").get_json()
    [row] = report["items"]
    assert (row["id"], row["sent"], row["opened"], row["open_rate"]) == (newsletter.id, 4, 1, 0.25)
    csv = api(cm).get("/api/v1/analytics/newsletters.csv").get_data(as_text=True)
    assert csv.splitlines()[1].startswith(f"{newsletter.id},")
    assert_error(api(employee).get("/api/v1/analytics/newsletters"), 403)


# ------------------------------------------------------------------------ reading


def test_recipients_read_the_web_page_and_the_api_others_do_not(
    api, auth, cm, employee, fred, make_user, issue, sent_mail
):
    newsletter = published(issue)
    late = make_user("Late Joiner")  # joined after publication: not a recipient
    emma = auth.login(employee)
    page = emma.get(f"/newsletters/{newsletter.id}")
    assert page.status_code == 200
    html = html_of(page)
    assert "Lumen this month" in html and "Paris won the safety award" in html
    assert "Preview the email" not in html  # no manager's tools for a reader
    assert "Lumen this month" in html_of(emma.get("/newsletters"))
    assert api(employee).get(f"{API}/{newsletter.id}").status_code == 200
    assert api(employee).get(API).get_json()["items"][0]["id"] == newsletter.id
    assert_error(api(late).get(f"{API}/{newsletter.id}"), 404)
    assert auth.login(late).get(f"/newsletters/{newsletter.id}").status_code == 404


def test_preview_as_a_reader_in_their_language_writes_nothing(
    api, cm, fred, make_user, make_group, make_post, sent_mail
):
    claire = make_user("Claire Dupont", language="fr")
    post = make_post(fred, "Bravo")
    created = api(cm).post(API, body(post.id)).get_json()
    before = newsletter_tables()
    preview = api(cm).get(f"{API}/{created['id']}/preview?user_id={claire.id}")
    assert preview.status_code == 200, preview.get_json()
    data = preview.get_json()
    assert data["reader"]["id"] == claire.id and data["items_shown"] == 1
    assert data["subject"].startswith("Lettre d'information")
    assert "/newsletters/click/" not in data["html"] and "/newsletters/open/" not in data["html"]
    assert f"/posts/{post.id}" in data["html"]
    assert newsletter_tables() == before and sent_mail == []
    refused = assert_error(api(cm).get(f"{API}/{created['id']}/preview?user_id=999999"), 400)
    assert refused["fields"] == {"user_id": "not_in_audience"}


# ------------------------------------------------------------------------ pages


def test_the_composer_page_creates_an_issue_and_shows_errors(auth, cm, fred, make_post):
    post = make_post(fred, "Welcome to the new canteen")
    camille = auth.login(cm)
    form_page = camille.get("/newsletters/new")
    assert form_page.status_code == 200
    token = csrf_from(form_page)
    fields = {
        "csrf_token": token,
        "audience": "company",
        "title": "Canteen news",
        "intro": "Bon appétit",
        "heading_0": "Food",
        "text_0": "",
        "posts_0": f"http://localhost/posts/{post.id}",
        "publish_at": "",
    }
    refused = camille.post("/newsletters/new", data={**fields, "posts_0": "yesterday"})
    assert refused.status_code == 400
    assert "neither a post number nor a link" in html_of(refused)
    assert count_rows(Newsletter) == 0
    saved = camille.post("/newsletters/new", data=fields)
    assert saved.status_code == 302
    [newsletter] = db.session.scalars(select(Newsletter)).all()
    assert newsletter.status == "draft" and newsletter.sections[0].items[0].post_id == post.id
    page = camille.get(saved.headers["Location"])
    assert "Canteen news" in html_of(page) and "Preview the email" in html_of(page)
    preview = camille.get(f"/newsletters/{newsletter.id}/preview?as={fred.handle}")
    assert preview.status_code == 200 and "Welcome to the new canteen" in html_of(preview)
    sent = camille.post(f"/newsletters/{newsletter.id}/send", data={"csrf_token": token})
    assert sent.status_code == 302
    assert db.session.get(Newsletter, newsletter.id).status == "scheduled"
    assert camille.get(f"/newsletters/{newsletter.id}/edit").status_code == 200


def test_employees_cannot_open_the_composer(auth, employee):
    assert auth.login(employee).get("/newsletters/new").status_code == 403


def test_the_reach_page(auth, cm, employee, issue, sent_mail, client):
    newsletter = published(issue)
    client.get(f"/newsletters/open/{tracking.open_token(newsletter.id, employee.id)}.gif")
    page = auth.login(cm).get(f"/newsletters/{newsletter.id}/reach")
    assert page.status_code == 200 and "25" in html_of(page)
    assert db.session.scalar(select(Post.id).limit(1)) is not None


def test_a_process_that_claims_between_our_read_and_our_claim_wins(
    app, monkeypatch, cm, employee, manager, issue, sent_mail
):
    """Two processes read the same pending recipients; the other one claims (and commits)
    two of them first: this pass sends only the others, and nobody gets two emails."""
    newsletter = db.session.get(Newsletter, issue["id"])
    sending.do_publish(newsletter, after_publish())
    db.session.commit()
    read_pending = sending._pending
    raced = []

    def pending_then_raced(newsletter, limit):
        ids = read_pending(newsletter, limit)
        if raced:  # the pass's last look ("anyone left?"), after its own claim
            return ids
        raced.append(ids)
        with db.engine.connect() as other:  # the other process's own connection
            other.execute(
                NewsletterRecipient.__table__.update()
                .where(
                    NewsletterRecipient.newsletter_id == newsletter.id,
                    NewsletterRecipient.user_id.in_([employee.id, manager.id]),
                )
                .values(sent_at=utcnow())
            )
            other.commit()
        return ids

    monkeypatch.setattr(sending, "_pending", pending_then_raced)
    assert sending.queue_due_emails(after_publish()) == 2
    db.session.commit()
    assert employee.id in raced[0] and manager.id in raced[0]  # both read as pending
    assert employee.email not in recipients_of(sent_mail)
    assert manager.email not in recipients_of(sent_mail)
    assert len(sent_mail) == 2 and cm.email in recipients_of(sent_mail)
    assert db.session.get(Newsletter, issue["id"]).status == "sent"


def test_reading_records_are_in_the_export_and_go_with_the_account(
    api, client, cm, employee, issue, sent_mail
):
    newsletter = published(issue)
    item = newsletter.sections[0].items[0]
    client.get(f"/newsletters/click/{tracking.click_token(newsletter.id, employee.id, item.id)}")
    [entry] = tracking.export_entries(employee)
    assert entry["newsletter_id"] == newsletter.id and entry["open_count"] == 1
    assert entry["clicks"][0]["post_id"] == item.post_id and entry["clicks"][0]["count"] == 1
    deleted = api(employee).delete("/api/v1/me", json_body={"password": PASSWORD})
    assert deleted.status_code == 204
    db.session.rollback()
    assert db.session.get(NewsletterRecipient, (newsletter.id, employee.id)) is None
    assert count_rows(NewsletterClick) == 0


def test_guests_are_addressed_only_through_a_group_audience(app, make_user, make_group, employee):
    """A company, site or department newsletter goes to employees; a guest receives one
    only as a member of the group it addresses (issue #19: a guest sees nothing
    company-wide)."""
    from datetime import date

    from socialnet.models import GroupMembership
    from socialnet.services.newsletters.audience import audience_ids

    project = make_group("Project Atlas", "private", members=(employee,))
    guest = make_user(
        "Gabe Guest",
        email="gabe@agency.example",
        guest_company="Agency",
        guest_expires_on=date.today() + timedelta(days=30),
        site=employee.site,
        department=employee.department,
    )
    db.session.add(GroupMembership(group_id=project.id, user_id=guest.id))
    db.session.commit()

    def ids(kind, value="", group_id=None):
        return set(db.session.scalars(audience_ids(kind, value, group_id)))

    assert employee.id in ids("company") and guest.id not in ids("company")
    assert guest.id not in ids("site", employee.site or "")
    assert guest.id not in ids("department", employee.department or "")
    assert {employee.id, guest.id} <= ids("group", group_id=project.id)
