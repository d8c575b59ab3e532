"""Unsubscribing from the newsletters' emails (issue #18), as from the digest: every
email carries a one-click link (RFC 8058 headers and a footer link) naming its reader;
opening it only asks to confirm; once unsubscribed, no further issue is emailed to them
(the issues stay readable on the site); the same link subscribes them again; a tampered,
foreign or digest token unsubscribes nobody."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer

from socialnet.extensions import db, mail
from socialnet.jobs import run_due_jobs
from socialnet.models import NewsletterOptOut
from socialnet.models._time import utcnow
from socialnet.services import digest
from socialnet.services.newsletters import unsubscribe
from tests.helpers import count_rows
from tests.mail_sink import PUBLIC_URL, smtp  # noqa: F401 (the fixture: a public URL)
from tests.web import csrf_from, html_of

API = "/api/v1/newsletters"


@pytest.fixture
def sent_mail(app):
    with mail.record_messages() as outbox:
        yield outbox


def _issue(api, cm, post_id: int, title: str) -> None:
    publish_at = (utcnow() + timedelta(hours=1)).isoformat()
    body = {
        "title": title,
        "intro": "",
        "sections": [{"heading": "News", "text": "", "post_ids": [post_id]}],
        "audience": {"kind": "company"},
        "publish_at": publish_at,
    }
    created = api(cm).post(API, body)
    assert created.status_code == 201, created.get_json()


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.mark.usefixtures("smtp")  # a public URL and a real SMTP server
def test_the_email_carries_the_link_and_unsubscribing_stops_the_next_issues(
    app, api, cm, employee, fred, make_post, sent_mail
):
    post = make_post(fred, "The Lyon plant opened its new line")
    _issue(api, cm, post.id, "November")
    run_due_jobs(utcnow() + timedelta(hours=2))
    [message] = [m for m in sent_mail if m.recipients == [employee.email]]
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{PUBLIC_URL}/newsletters/unsubscribe?token=")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header.strip("<>")
    assert link in message.body and link in message.html
    client = app.test_client()  # the mail client's one-click POST: no cookie, no CSRF token
    done = client.post(_path(link), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in html_of(done)
    assert client.post(_path(link), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert count_rows(NewsletterOptOut) == 1
    _issue(api, cm, post.id, "December")
    before = len(sent_mail)
    run_due_jobs(utcnow() + timedelta(hours=3))
    sent_now = [r for m in sent_mail[before:] for r in m.recipients]
    assert employee.email not in sent_now and fred.email in sent_now


def test_opening_the_link_asks_to_confirm_and_the_link_subscribes_again(app, employee):
    path = f"/newsletters/unsubscribe?token={unsubscribe.unsubscribe_token(employee)}"
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and employee.email in html_of(page)
    assert count_rows(NewsletterOptOut) == 0  # a link scanner changes nothing
    token = csrf_from(page)
    assert client.post(path, data={"csrf_token": token}).status_code == 200
    assert count_rows(NewsletterOptOut) == 1
    again = client.post(path, data={"csrf_token": token, "action": "resubscribe"})
    assert again.status_code == 200 and count_rows(NewsletterOptOut) == 0


def test_a_tampered_foreign_or_digest_token_unsubscribes_nobody(app, employee, fred):
    client = app.test_client()
    token = unsubscribe.unsubscribe_token(employee)
    forged = URLSafeSerializer("another-key", salt=unsubscribe.SALT).dumps({"u": fred.id})
    digest_token = digest.unsubscribe_token(fred)
    for bad in (token[:-2] + "xx", forged, digest_token, "", "é" * 10, "x" * 500):
        answer = client.post(f"/newsletters/unsubscribe?token={bad}", data={})
        assert answer.status_code == 400, bad
        assert "not valid" in html_of(answer)
        assert client.get(f"/newsletters/unsubscribe?token={bad}").status_code == 400
    employee.active = False
    db.session.commit()
    assert client.post(f"/newsletters/unsubscribe?token={token}", data={}).status_code == 400
    assert count_rows(NewsletterOptOut) == 0
