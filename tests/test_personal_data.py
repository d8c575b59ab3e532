"""Personal data: download one's data, delete one's account, admin exports, the setting.

The export must hold everything stored about the person and nothing private of
anyone else; deletion must erase the profile, end every session, and treat the
person's contributions as the company's ``account_deletion`` setting says, in
one transaction (a refused deletion changes nothing).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from socialnet.extensions import db
from socialnet.models import (
    Announcement,
    ApiToken,
    AuditLogEntry,
    Ballot,
    Celebration,
    Comment,
    CompanyValue,
    Endorsement,
    GroupMembership,
    Kudos,
    Notification,
    Poll,
    PollOption,
    Post,
    Reaction,
    User,
    UserSkill,
)
from socialnet.models._time import utcnow
from socialnet.services.posts import do_delete_post
from tests.conftest import PASSWORD
from tests.group_fixtures import announce, set_group_role
from tests.helpers import assert_error
from tests.test_polls import make_poll, vote
from tests.web import form, html_of

EXPORT = "/api/v1/me/export"
ME = "/api/v1/me"
SETTINGS = "/api/v1/admin/settings"


def archive_of(response) -> tuple[dict, str, bytes]:
    """(data.json, README.txt, raw bytes of data.json) of an export response."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="socialnet-')
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "data.json"]
        raw = archive.read("data.json")
        return json.loads(raw), archive.read("README.txt").decode(), raw


@pytest.fixture
def values():
    value = CompanyValue(name="Entraide", emoji="🤝")
    db.session.add(value)
    db.session.commit()
    return value


@pytest.fixture
def life(api, employee, manager, fred, make_group, values):
    """Emma's life on the network: posts (one deleted), comments, a reaction, a vote,
    kudos given and received (one of them in a secret group she has since left)."""
    emma, marc = api(employee), api(manager)
    secret = make_group("Projet Orion", "secret", members=(employee, fred))
    set_group_role(secret, fred)
    kept = emma.post("/api/v1/posts", {"body": "Emma's **first** post"}).get_json()
    gone = emma.post("/api/v1/posts", {"body": "A post Emma deleted"}).get_json()
    assert emma.delete(f"/api/v1/posts/{gone['id']}").status_code == 204
    marc_post = marc.post("/api/v1/posts", {"body": "Marc asks a question"}).get_json()
    assert (
        emma.post(f"/api/v1/posts/{marc_post['id']}/comments", {"body": "Emma answers"})
    ).status_code == 201
    assert emma.put(f"/api/v1/posts/{marc_post['id']}/reactions/like").status_code in (200, 201)
    poll = make_poll(marc)
    assert vote(emma, poll, 1).status_code == 200
    given = emma.post(
        "/api/v1/kudos",
        {"recipient_ids": [manager.id], "message": "Merci Marc", "value": "Entraide"},
    )
    assert given.status_code == 201, given.get_json()
    received = marc.post(
        "/api/v1/kudos",
        {"recipient_ids": [employee.id], "message": "Bravo Emma", "value": "Entraide"},
    )
    assert received.status_code == 201
    hidden = api(fred).post(
        "/api/v1/kudos",
        {
            "recipient_ids": [employee.id],
            "message": "Orion codename is BLUEFIN",
            "value": "Entraide",
            "group_id": secret.id,
        },
    )
    assert hidden.status_code == 201, hidden.get_json()
    secret_post = api(fred).post(
        "/api/v1/posts",
        {"body": "Orion launch date: TOPSECRET-42, cc @emma.employee", "group_id": secret.id},
    )
    assert secret_post.status_code == 201
    mentioned = db.session.scalars(
        select(Notification).where(
            Notification.user_id == employee.id,
            Notification.post_id == secret_post.get_json()["id"],
        )
    ).all()
    assert mentioned, "the mention notified Emma while she was a member"
    assert emma.delete(f"/api/v1/groups/{secret.id}/members/{employee.id}").status_code == 204
    return {
        "kept": kept,
        "gone": gone,
        "marc_post": marc_post,
        "poll": poll,
        "secret": secret,
        "secret_post": secret_post.get_json(),
    }


# ------------------------------------------------------------------------ export


def test_export_holds_everything_about_the_person(api, employee, life):
    data, readme, _ = archive_of(api(employee).get(EXPORT))
    assert data["format_version"] == 1
    assert data["profile"]["email"] == employee.email
    assert data["profile"]["manager"]["display_name"] == "Marc Manager"
    posts = {p["id"]: p for p in data["posts"]}
    assert posts[life["kept"]["id"]]["body"] == "Emma's **first** post"
    assert posts[life["gone"]["id"]]["deleted_at"] is not None  # still stored, so disclosed
    assert [c["body"] for c in data["comments"]] == ["Emma answers"]
    assert [(r["post_id"], r["kind"]) for r in data["reactions"]] == [
        (life["marc_post"]["id"], "like")
    ]
    [ballot] = data["poll_ballots"]
    assert ballot["poll_id"] == life["poll"]["id"]
    assert [c["option"] for c in ballot["choices"]] == ["Sushi"]
    assert [k["message"] for k in data["kudos_given"]] == ["Merci Marc"]
    assert data["kudos_given"][0]["recipients"][0]["display_name"] == "Marc Manager"
    assert data["groups"] == []  # she left the secret group
    assert {"personal_data.exported", "post.deleted"} >= {e["action"] for e in data["audit_log"]}
    assert "data.json" in readme and employee.display_name in readme


def test_export_leaves_out_what_the_person_can_no_longer_read(api, employee, life):
    data, _, raw = archive_of(api(employee).get(EXPORT))
    assert [k["message"] for k in data["kudos_received"]] == ["Bravo Emma"]
    text = raw.decode()
    assert "BLUEFIN" not in text  # a kudos in a secret group she left
    assert "TOPSECRET-42" not in text  # a notification must not carry it either
    assert "Projet Orion" not in text
    assert life["secret_post"]["id"] not in {n["post_id"] for n in data["notifications"]}


def test_export_is_audited_and_needs_a_signed_in_person(api, employee):
    assert_error(api(None).get(EXPORT), 401)
    archive_of(api(employee).get(EXPORT))
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "personal_data.exported")
    ).one()
    assert (entry.actor_id, entry.target_id) == (employee.id, employee.id)


def test_admin_exports_a_person_on_request_and_nobody_else_can(api, admin, cm, employee, fred):
    data, _, _ = archive_of(api(admin).get(f"/api/v1/users/{employee.id}/export"))
    assert data["profile"]["id"] == employee.id
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "personal_data.exported")
    ).one()
    assert (entry.actor_id, entry.target_id) == (admin.id, employee.id)
    for someone in (cm, fred, employee):
        assert_error(api(someone).get(f"/api/v1/users/{employee.id}/export"), 403)
    assert_error(api(admin).get("/api/v1/users/999999/export"), 404)


def test_export_from_the_web_pages(signed_in, admin, employee):
    page = signed_in(employee).get("/settings/preferences")
    assert "/settings/data/export" in html_of(page)
    data, _, _ = archive_of(signed_in(employee).get("/settings/data/export"))
    assert data["profile"]["id"] == employee.id
    profile = signed_in(admin).get(f"/people/{employee.id}")
    assert f"/people/{employee.id}/export" in html_of(profile)
    data, _, _ = archive_of(signed_in(admin).get(f"/people/{employee.id}/export"))
    assert data["profile"]["email"] == employee.email
    assert signed_in(employee).get(f"/people/{admin.id}/export").status_code == 403


# ------------------------------------------------------------------------ delete


def test_wrong_or_missing_password_deletes_nothing(api, employee):
    client = api(employee)
    body = assert_error(client.delete(ME, json_body={"password": "not my password"}), 400)
    assert body["fields"] == {"password": "incorrect"}
    assert_error(client.delete(ME, json_body={}), 400)
    assert_error(client.delete(ME, json_body={"password": PASSWORD, "extra": 1}), 400)
    assert_error(client.delete(ME), 400)
    db.session.expire_all()
    still = db.session.get(User, employee.id)
    assert (still.active, still.deleted_at, still.email) == (True, None, employee.email)
    assert client.get(ME).status_code == 200  # the token still works


def test_delete_anonymises_by_default(api, employee, manager, life, socket_for):
    emma_id, email = employee.id, employee.email
    report = User(
        email="rita@lumen.example",
        handle="rita",
        display_name="Rita Report",
        password_hash="x",
        manager_id=employee.id,
    )
    db.session.add(report)
    db.session.commit()
    sock = socket_for(employee)
    assert sock.is_connected()
    client = api(employee)
    assert client.delete(ME, json_body={"password": PASSWORD}).status_code == 204

    db.session.expire_all()
    tomb = db.session.get(User, emma_id)
    assert tomb.display_name == "Former colleague"
    assert tomb.email == f"deleted-{emma_id}@deleted.invalid"
    assert (tomb.active, tomb.job_title, tomb.department, tomb.site) == (False, "", "", "")
    assert tomb.manager_id is None and tomb.hire_date is None and tomb.deleted_at is not None
    assert db.session.get(User, report.id).manager_id is None
    assert not db.session.scalars(select(ApiToken).where(ApiToken.user_id == emma_id)).all()
    assert not db.session.scalars(select(Notification).where(Notification.user_id == emma_id)).all()
    assert not db.session.scalars(
        select(GroupMembership).where(GroupMembership.user_id == emma_id)
    ).all()
    assert not sock.is_connected()
    assert_error(client.get(ME), 401)
    login = api(None).post("/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert_error(login, 401)

    # Contributions stay, under "Former colleague".
    post = api(manager).get(f"/api/v1/posts/{life['kept']['id']}").get_json()
    assert post["body"] == "Emma's **first** post"
    assert post["author"]["display_name"] == "Former colleague"
    assert db.session.scalars(select(Reaction).where(Reaction.user_id == emma_id)).all()
    assert db.session.scalars(select(Ballot).where(Ballot.user_id == emma_id)).all()
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "account.deleted")
    ).one()
    assert entry.actor_id == emma_id and entry.actor_name == "Former colleague"
    assert json.loads(entry.after) == {"mode": "anonymise"}


def test_delete_with_remove_erases_contributions_live(
    api, admin, employee, manager, life, capture_events
):
    assert api(admin).patch(SETTINGS, {"account_deletion": "remove"}).status_code == 200
    marc = api(manager)
    marc_post_id = life["marc_post"]["id"]
    second = api(employee).post(f"/api/v1/posts/{marc_post_id}/comments", {"body": "And more"})
    assert second.status_code == 201
    before = marc.get(f"/api/v1/posts/{marc_post_id}").get_json()
    assert (before["comment_count"], before["reactions"]["like"]) == (2, 1)
    poll_before = marc.get(f"/api/v1/polls/{life['poll']['id']}").get_json()
    assert sum(o["votes"] for o in poll_before["options"]) == 1

    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204

    assert_error(marc.get(f"/api/v1/posts/{life['kept']['id']}"), 404)
    after = marc.get(f"/api/v1/posts/{marc_post_id}").get_json()
    assert after["comment_count"] == 0
    assert after["reactions"]["like"] == 0
    poll_after = marc.get(f"/api/v1/polls/{life['poll']['id']}").get_json()
    assert sum(o["votes"] for o in poll_after["options"]) == 0
    db.session.expire_all()
    for post in db.session.scalars(select(Post).where(Post.author_id == employee.id)):
        assert (post.body, post.body_html, post.deleted_at is not None) == ("", "", True)
    for comment in db.session.scalars(select(Comment).where(Comment.author_id == employee.id)):
        assert (comment.body, comment.deleted_at is not None) == ("", True)
    deleted_ids = {e.payload["data"]["id"] for e in capture_events.of_type("post.deleted")}
    assert life["kept"]["id"] in deleted_ids
    assert len(capture_events.of_type("comment.deleted")) == 2


def test_last_admin_of_the_network_or_of_a_group_must_hand_over(
    api, admin, employee, fred, make_group
):
    body = assert_error(api(admin).delete(ME, json_body={"password": PASSWORD}), 409)
    assert "last administrator" in body["message"]
    run = make_group("Run club", "private", members=(employee, fred))
    set_group_role(run, employee)
    body = assert_error(api(employee).delete(ME, json_body={"password": PASSWORD}), 409)
    assert "Run club" in body["message"]
    db.session.expire_all()
    assert db.session.get(User, employee.id).deleted_at is None
    assert db.session.get(GroupMembership, (run.id, employee.id)) is not None
    solo = make_group("Solo", "private", members=(fred,))
    set_group_role(solo, fred)
    assert api(fred).delete(ME, json_body={"password": PASSWORD}).status_code == 204


def test_a_deleted_account_cannot_be_reactivated(api, admin, employee):
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    body = assert_error(api(admin).patch(f"/api/v1/users/{employee.id}", {"active": True}), 409)
    assert "deleted" in body["message"]


def test_celebrations_of_the_deleted_person_go(api, employee, manager):
    post = Post(author_id=manager.id, kind="celebration", body="Happy birthday Emma!", body_html="")
    db.session.add(post)
    db.session.flush()
    db.session.add(
        Celebration(
            post_id=post.id, kind="birthday", user_id=employee.id, occasion_date=utcnow().date()
        )
    )
    db.session.commit()
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    assert not db.session.scalars(select(Celebration)).all()
    gone = db.session.get(Post, post.id)
    assert gone.deleted_at is not None and "Emma" not in gone.body


def test_delete_from_the_web_page(signed_in, employee):
    browser = signed_in(employee)
    page = browser.get("/settings/account/delete")
    assert "Former colleague" in html_of(page)
    refused = form(browser, "/settings/account/delete", password=PASSWORD)  # box not ticked
    assert refused.status_code == 400 and "Tick the box" in html_of(refused)
    wrong = form(browser, "/settings/account/delete", password="nope", confirm="on")
    assert wrong.status_code == 400 and "not correct" in html_of(wrong)
    db.session.expire_all()
    assert db.session.get(User, employee.id).deleted_at is None
    done = form(browser, "/settings/account/delete", password=PASSWORD, confirm="on")
    assert done.status_code == 302 and done.headers["Location"].endswith("/sign-in")
    assert browser.get("/").status_code == 302  # signed out
    db.session.expire_all()
    assert db.session.get(User, employee.id).deleted_at is not None


def test_deleted_profile_shows_no_personal_data(api, signed_in, employee, fred):
    email = employee.email
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    page = html_of(signed_in(fred).get(f"/people/{employee.id}"))
    assert "Account deleted" in page and email not in page and "Emma" not in page


def test_a_post_deleted_before_loses_its_text_too_in_remove_mode(api, admin, employee, make_post):
    post = make_post(employee, "Words I once wrote")
    do_delete_post(employee, post.id)
    db.session.commit()
    api(admin).patch(SETTINGS, {"account_deletion": "remove"})
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == ""


# ---------------------------------------------------------------------- settings


def test_only_admins_see_and_change_settings(api, admin, cm, employee):
    for someone in (cm, employee):
        assert_error(api(someone).get(SETTINGS), 403)
        assert_error(api(someone).patch(SETTINGS, {"account_deletion": "remove"}), 403)
    items = api(admin).get(SETTINGS).get_json()["items"]
    assert items == [
        {
            "key": "account_deletion",
            "value": "anonymise",
            "allowed": ["anonymise", "remove"],
            "help": items[0]["help"],
        }
    ]


@pytest.mark.parametrize(
    "body",
    [{"account_deletion": "shred"}, {"account_deletion": ["remove"]}, {"colour": "blue"}, []],
)
def test_bad_settings_are_refused_and_change_nothing(api, admin, body):
    assert_error(api(admin).patch(SETTINGS, body), 400)
    assert api(admin).get(SETTINGS).get_json()["items"][0]["value"] == "anonymise"
    assert not db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "settings.changed")
    ).all()


def test_changing_a_setting_is_audited_and_shown_on_the_admin_page(api, signed_in, admin):
    assert api(admin).patch(SETTINGS, {"account_deletion": "remove"}).status_code == 200
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "settings.changed")
    ).one()
    assert json.loads(entry.before) == {"account_deletion": "anonymise"}
    assert json.loads(entry.after) == {"account_deletion": "remove"}
    browser = signed_in(admin)
    assert 'value="remove" aria-describedby="help-account_deletion" checked' in html_of(
        browser.get("/admin/settings")
    )
    saved = form(browser, "/admin/settings", account_deletion="anonymise")
    assert saved.status_code == 302
    assert api(admin).get(SETTINGS).get_json()["items"][0]["value"] == "anonymise"
    refused = form(browser, "/admin/settings", account_deletion="burn")
    assert refused.status_code == 400


def test_delete_password_guessing_is_rate_limited(app, api, employee):
    from socialnet.ratelimits import limiter

    limiter.reset()
    app.config["RATE_LIMITS_ENABLED"] = True
    client = api(employee)
    statuses = [
        client.delete(ME, json_body={"password": f"guess {n}"}).status_code for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    assert client.delete(ME, json_body={"password": PASSWORD}).status_code == 429


def test_scheduled_announcements_of_a_deleted_sender_are_cancelled(api, manager, employee):
    later = (utcnow() + timedelta(days=2)).replace(microsecond=0).isoformat() + "Z"
    sent = announce(api(manager), "reports", publish_at=later)
    assert api(manager).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    assert db.session.get(Announcement, sent["id"]).cancelled_at is not None


# ------------------------------------------------- findings of the session's review


def test_catch_up_names_a_deleted_person_as_they_are_now(api, employee, manager, life, socket_for):
    """Old event snapshots hold Emma's name; a reconnect from event 0 must not replay it."""
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    sock = socket_for(manager, last_event_id=0)
    [catchup] = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    assert catchup["events"], "Marc missed events: the replay is not empty"
    replay = json.dumps(catchup["events"]).replace("Emma's **first**", "").replace("Bravo Emma", "")
    replay = replay.replace("Emma answers", "").replace("Emma&#39;s", "").replace("Emma's", "")
    assert "Emma" not in replay and "emma.employee" not in replay  # the texts above are content
    assert "Former colleague commented on your post" in replay  # a notification's summary


def test_export_leaves_out_a_join_request_to_a_group_turned_secret(api, employee, fred, make_group):
    group = make_group("Pilot", "private", members=(fred,))
    set_group_role(group, fred)
    assert api(employee).post(f"/api/v1/groups/{group.id}/join").status_code in (200, 201, 202)
    data, _, _ = archive_of(api(employee).get(EXPORT))
    assert [r["name"] for r in data["group_join_requests"]] == ["Pilot"]
    changed = api(fred).patch(f"/api/v1/groups/{group.id}", {"type": "secret", "name": "Layoffs"})
    assert changed.status_code == 200, changed.get_json()
    data, _, raw = archive_of(api(employee).get(EXPORT))
    assert data["group_join_requests"] == [] and b"Layoffs" not in raw


def test_export_leaves_out_notifications_about_a_secret_group_one_left(
    api, employee, fred, make_group
):
    group = make_group("Conclave", "secret", members=(fred,))
    set_group_role(group, fred)
    added = api(fred).post(f"/api/v1/groups/{group.id}/members", {"user_id": employee.id})
    assert added.status_code in (200, 201), added.get_json()
    data, _, _ = archive_of(api(employee).get(EXPORT))
    assert group.id in {n["group_id"] for n in data["notifications"]}
    removed = api(fred).delete(f"/api/v1/groups/{group.id}/members/{employee.id}")
    assert removed.status_code == 204
    data, _, _ = archive_of(api(employee).get(EXPORT))
    assert group.id not in {n["group_id"] for n in data["notifications"]}


def test_remove_mode_leaves_no_words_beside_the_posts(api, admin, employee, manager, values):
    api(admin).patch(SETTINGS, {"account_deletion": "remove"})
    emma = api(employee)
    marker = "zanzibarmarker"
    assert emma.post("/api/v1/posts", {"body": f"#{marker} cc @marc.manager"}).status_code == 201
    kudos = emma.post(
        "/api/v1/kudos",
        {"recipient_ids": [manager.id], "message": f"{marker} merci", "value": "Entraide"},
    )
    assert kudos.status_code == 201
    make_poll(emma, question=f"{marker}?", options=[f"{marker} A", f"{marker} B"])
    assert emma.delete(ME, json_body={"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        if table.name in ("events", "audit_log"):
            continue  # the event log is covered by catch-up; the audit log holds no text
        for row in db.session.execute(table.select()).all():
            assert marker not in json.dumps([str(v) for v in row]), (table.name, row)


def test_a_non_admin_gets_403_on_settings_whatever_the_body(api, employee):
    assert_error(api(employee).patch(SETTINGS, {"no": "such key"}), 403)
    response = api(employee).call(
        "PATCH", SETTINGS, data="not json", headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 403)


def test_mentions_of_a_deleted_person_lose_their_handle(api, employee, manager):
    marc = api(manager)
    post = marc.post("/api/v1/posts", {"body": "Thanks @emma.employee and @marc.manager"})
    comment = marc.post(
        f"/api/v1/posts/{post.get_json()['id']}/comments", {"body": "cc @Emma.Employee!"}
    )
    assert comment.status_code == 201
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    now = marc.get(f"/api/v1/posts/{post.get_json()['id']}").get_json()
    tomb = f"@deleted-{employee.id}"
    assert now["body"] == f"Thanks {tomb} and @marc.manager"
    assert f'data-user-id="{employee.id}"' in now["body_html"] and tomb in now["body_html"]
    assert "emma" not in now["body_html"].lower()
    [reply] = marc.get(f"/api/v1/posts/{now['id']}/comments").get_json()["items"]
    assert reply["body"] == f"cc {tomb}!" and "emma" not in reply["body_html"].lower()


def test_deletion_renames_handles_no_mention_row_recorded(
    api, admin, employee, manager, fred, make_group, make_user
):
    """A secret group's post names a non-member (no mention row), an announcement names
    her in its title and body: every rendered @handle of hers goes, in Markdown and HTML,
    while a longer handle sharing her handle's start stays."""
    longer = make_user("Emma Employee Bis", handle="emma.employeebis")
    secret = make_group("Projet Orion", "secret", members=(manager, fred))
    marc = api(manager)
    text = "Ask @emma.employee (not @emma.employeebis, nor @Emma.Employee.x)."
    post = marc.post("/api/v1/posts", {"body": text, "group_id": secret.id}).get_json()
    comment = marc.post(f"/api/v1/posts/{post['id']}/comments", {"body": text}).get_json()
    sent = announce(api(admin), "company", title="Welcome @emma.employee", body=text)
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204

    tomb = f"@deleted-{employee.id}"
    expected = f"Ask {tomb} (not @emma.employeebis, nor @Emma.Employee.x)."
    stored_post = db.session.get(Post, post["id"])
    stored_comment = db.session.get(Comment, comment["id"])
    announcement = db.session.get(Announcement, sent["id"])
    published = db.session.get(Post, announcement.post_id)
    for markdown in (stored_post.body, stored_comment.body, announcement.body, published.body):
        assert markdown == expected
    assert announcement.title == published.title == f"Welcome {tomb}"
    for html in (stored_post.body_html, stored_comment.body_html, published.body_html):
        assert tomb in html and "@emma.employeebis" in html and "@Emma.Employee.x" in html
        assert "@emma.employee " not in html.replace("employeebis", "")
    assert db.session.get(User, longer.id).handle == "emma.employeebis"


def test_deletion_renames_handles_in_kudos_and_polls(api, employee, manager, fred, values):
    """Kudos messages, poll questions and options written by others lose her handle too."""
    marc = api(manager)
    kudos = marc.post(
        "/api/v1/kudos",
        {"recipient_ids": [fred.id], "value": "Entraide", "message": "Like @emma.employee"},
    )
    assert kudos.status_code == 201, kudos.get_json()
    make_poll(marc, question="Lunch with @emma.employee?", options=["@emma.employee's", "No"])
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    tomb = f"@deleted-{employee.id}"
    assert db.session.scalars(select(Kudos)).one().message == f"Like {tomb}"
    poll = db.session.scalars(select(Poll)).one()
    assert poll.question == f"Lunch with {tomb}?"
    options = db.session.scalars(select(PollOption).order_by(PollOption.position)).all()
    assert [o.text for o in options] == [f"{tomb}'s", "No"]
    for post in db.session.scalars(select(Post)):
        assert "emma" not in (post.body + post.body_html).lower(), post.kind


# --- people (issue #15): the profile people edit, skills, endorsements -----------------


def _endorse(api, who, person, skill):
    url = f"/api/v1/users/{person.id}/skills/{skill}/endorsement"
    assert api(who).put(url).status_code == 200


def test_export_holds_the_profile_people_edit_skills_and_endorsements(api, employee, manager, fred):
    profile = {
        "pronouns": "she/her",
        "phone": "+33 1",
        "about": "Line *three*",
        "languages": ["French"],
        "location_detail": "Building B",
        "skills": ["Python", "Welding"],
    }
    assert api(employee).patch(ME, profile).status_code == 200
    assert api(manager).patch(ME, {"skills": ["Budgets"]}).status_code == 200
    _endorse(api, fred, employee, "Python")
    _endorse(api, employee, manager, "Budgets")
    data, readme, _ = archive_of(api(employee).get(EXPORT))
    mine = data["profile"]
    for field in ("pronouns", "phone", "about", "languages", "location_detail"):
        assert mine[field] == profile[field], field
    assert data["skills"] == [
        {"name": "Python", "endorsement_count": 1},
        {"name": "Welding", "endorsement_count": 0},
    ]
    [received] = data["endorsements_received"]
    assert received["skill"] == "Python"
    assert received["by"]["display_name"] == "Fred Interloper"
    [given] = data["endorsements_given"]
    assert (given["skill"], given["to"]["display_name"]) == ("Budgets", "Marc Manager")
    assert "endorsements_given" in readme


def test_deletion_erases_the_profile_people_edit_skills_and_endorsements(
    api, employee, manager, fred
):
    profile = {"pronouns": "she/her", "phone": "+33 1", "about": "Hi", "languages": ["French"]}
    api(employee).patch(ME, {**profile, "location_detail": "B2", "skills": ["Python"]})
    api(manager).patch(ME, {"skills": ["Budgets"]})
    _endorse(api, fred, employee, "Python")
    _endorse(api, employee, manager, "Budgets")
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    gone = db.session.get(User, employee.id)
    assert (gone.pronouns, gone.phone, gone.about, gone.about_html) == ("", "", "", "")
    assert (gone.languages, gone.location_detail) == ([], "")
    assert db.session.scalars(select(UserSkill).where(UserSkill.user_id == gone.id)).all() == []
    assert db.session.scalars(select(Endorsement)).all() == []
    card = api(fred).get(f"/api/v1/users/{manager.id}").get_json()
    assert card["skills"] == [{"name": "Budgets", "endorsement_count": 0}]
