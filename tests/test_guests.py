"""Guests from the extended company (issue #19): invitations, sign-up, the "Guest · Company"
label, what guests may not do, expiry and renewal, the end of access when removed from the
last group (open sockets included), and every bad input the issue names."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import GroupMembership, GuestInvitation, User
from socialnet.services.guests import invitations as invitations_service
from tests.conftest import PASSWORD
from tests.group_fixtures import API, set_group_role
from tests.helpers import count_rows
from tests.web import csrf_from, form, html_of

NEW_PASSWORD = "a long guest passphrase 42"
SOON = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def mailbox(app, monkeypatch):
    """Invitation emails, caught instead of sent (``[(to, subject, body)]``)."""
    app.config["PUBLIC_URL"] = "https://social.lumen.example"
    sent = []
    monkeypatch.setattr(
        invitations_service,
        "send_in_background",
        lambda _app, message: sent.append((message.recipients[0], message.subject, message.body)),
    )
    return sent


def _token(mail: tuple[str, str, str]) -> str:
    return re.search(r"/guests/join/([A-Za-z0-9_\-]+)", mail[2]).group(1)


@pytest.fixture
def project(make_group, employee, manager):
    """A private group whose admin is the manager; the employee is a member."""
    group = make_group("Project Atlas", "private", members=(employee,))
    set_group_role(group, manager, "admin")
    return group


@pytest.fixture
def guest(make_user, project):
    user = make_user(
        "Gabe Guest",
        email="gabe@agency.example",
        guest_company="Agency",
        guest_expires_on=date.today() + timedelta(days=30),
    )
    db.session.add(GroupMembership(group_id=project.id, user_id=user.id))
    db.session.commit()
    return user


def _invite(client, group_ids, email="zoe@studio.example", change=None):
    body = {"email": email, "company": "Studio", "group_ids": group_ids, "access_until": SOON}
    return client.post(f"{API}/guests/invitations", {**body, **(change or {})})


# --- inviting and signing up ---------------------------------------------------------------


def test_a_group_admin_invites_and_the_guest_signs_up_into_their_groups(
    api, manager, project, mailbox
):
    response = _invite(api(manager), [project.id])
    assert response.status_code == 201, response.get_json()
    invitation = response.get_json()
    assert invitation["status"] == "pending" and invitation["groups"][0]["id"] == project.id
    assert "token" not in str(invitation)
    [mail] = mailbox
    assert mail[0] == "zoe@studio.example" and "Project Atlas" in mail[2]

    accepted = api(None).post(
        f"{API}/guests/accept",
        {"token": _token(mail), "display_name": "Zoé Studio", "password": NEW_PASSWORD},
    )
    assert accepted.status_code == 201, accepted.get_json()
    user = accepted.get_json()["user"]
    assert user["is_guest"] is True and user["guest_company"] == "Studio"
    zoe = db.session.get(User, user["id"])
    assert zoe.guest_expires_on.isoformat() == SOON
    assert db.session.get(GroupMembership, (project.id, zoe.id)) is not None
    # the link works once
    again = api(None).post(
        f"{API}/guests/accept",
        {"token": _token(mail), "display_name": "Again", "password": NEW_PASSWORD},
    )
    assert again.status_code == 400 and again.get_json()["fields"] == {"token": "invalid"}
    listed = api(manager).get(f"{API}/guests/invitations").get_json()["items"]
    assert [i["status"] for i in listed] == ["accepted"]


def test_an_existing_guest_invited_again_joins_the_new_group_at_once(
    api, admin, guest, make_group, mailbox
):
    other = make_group("Launch", "public")
    response = _invite(api(admin), [other.id], email=guest.email)
    assert response.status_code == 201 and response.get_json()["status"] == "accepted"
    assert mailbox == []
    assert db.session.get(GroupMembership, (other.id, guest.id)) is not None


def test_the_guest_label_shows_wherever_the_name_shows(api, signed_in, guest, employee, project):
    post = api(guest).post(f"{API}/posts", {"body": "Hello team", "group_id": project.id})
    assert post.status_code == 201
    assert post.get_json()["author"]["guest_company"] == "Agency"
    card = api(employee).get(f"{API}/users/{guest.id}").get_json()
    assert card["is_guest"] is True and card["guest_company"] == "Agency"
    me = api(employee).get(f"{API}/users/{employee.id}").get_json()
    assert me["is_guest"] is False and me["guest_company"] is None
    page = html_of(signed_in(employee).get(f"/groups/{project.id}"))
    assert "Guest · Agency" in page
    members = html_of(signed_in(employee).get(f"/groups/{project.id}?tab=members"))
    assert "Guest · Agency" in members


# --- bad input: nothing is written ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"email": "not-an-email"}, 400, {"email": "invalid"}),
        ({"company": "  "}, 400, {"company": "empty"}),
        ({"group_ids": []}, 400, {"group_ids": "invalid"}),
        ({"group_ids": ["1"]}, 400, {"group_ids": "invalid"}),
        ({"group_ids": [2**80]}, 400, {"group_ids": "invalid"}),  # beyond a database integer
        ({"access_until": "2001-01-01"}, 400, {"access_until": "out_of_range"}),
        ({"access_until": "soon"}, 400, {"access_until": "not_date"}),
        ({"access_until": None}, 400, {"access_until": "required"}),
        ({"surprise": 1}, 400, None),
    ],
)
def test_bad_invitations_are_refused_and_write_nothing(
    api, manager, project, mailbox, change, status, fields
):
    response = _invite(api(manager), [project.id], change=change)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["message"]
    if fields:
        assert response.get_json()["fields"] == fields
    assert count_rows(GuestInvitation) == 0 and mailbox == []


def test_an_employees_address_cannot_be_invited(app, api, manager, employee, project, mailbox):
    response = _invite(api(manager), [project.id], email=employee.email.upper())
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"email": "employee"}
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]  # a company address, no account
    response = _invite(api(manager), [project.id], email="new.hire@lumen.example")
    assert response.status_code == 409
    assert count_rows(GuestInvitation) == 0 and mailbox == []


def test_only_its_admins_invite_guests_into_a_secret_group(
    api, admin, manager, employee, make_group, mailbox
):
    secret = make_group("Board", "secret", members=(employee, admin))
    set_group_role(secret, manager, "admin")
    # a company admin who is a member but not its admin: refused
    response = _invite(api(admin), [secret.id])
    assert response.status_code == 403, response.get_json()
    # a member: not a group admin, so not an inviter at all
    assert _invite(api(employee), [secret.id]).status_code == 403
    assert count_rows(GuestInvitation) == 0 and mailbox == []
    assert _invite(api(manager), [secret.id]).status_code == 201


def test_nobody_invites_into_a_group_they_cannot_see_or_do_not_run(
    api, admin, manager, fred, make_group, project, mailbox
):
    secret = make_group("Hidden", "secret")
    assert _invite(api(admin), [secret.id]).status_code == 404
    assert _invite(api(fred), [project.id]).status_code == 403
    other = make_group("Elsewhere", "public")
    assert _invite(api(manager), [project.id, other.id]).status_code == 403
    assert count_rows(GuestInvitation) == 0 and mailbox == []
    assert _invite(api(admin), [other.id]).status_code == 201  # admins: any non-secret group


def test_forged_revoked_and_expired_invitation_links_are_refused(api, manager, project, mailbox):
    assert _invite(api(manager), [project.id]).status_code == 201
    token = _token(mailbox[0])
    anonymous = api(None)
    people = count_rows(User)
    for bad in ("nope", "x" * 500, token[:-2]):
        answer = anonymous.post(
            f"{API}/guests/accept",
            {"token": bad, "display_name": "Zoé", "password": NEW_PASSWORD},
        )
        assert answer.status_code == 400 and answer.get_json()["fields"] == {"token": "invalid"}
    weak = anonymous.post(
        f"{API}/guests/accept", {"token": token, "display_name": "Zoé", "password": "short"}
    )
    assert weak.status_code == 400 and "password" in weak.get_json()["fields"]
    assert count_rows(User) == people
    [invitation] = api(manager).get(f"{API}/guests/invitations").get_json()["items"]
    assert api(manager).delete(f"{API}/guests/invitations/{invitation['id']}").status_code == 204
    revoked = anonymous.post(
        f"{API}/guests/accept", {"token": token, "display_name": "Zoé", "password": NEW_PASSWORD}
    )
    assert revoked.status_code == 400


# --- what a guest may not do ---------------------------------------------------------------


def test_a_guest_cannot_create_groups_announce_or_post_to_the_company(api, guest, project):
    client = api(guest)
    assert client.post(f"{API}/groups", {"name": "Mine", "type": "public"}).status_code == 403
    announcement = {
        "title": "Hi",
        "body": "All",
        "audience": {"kind": "group", "value": project.id},
        "expires_in_days": 7,
    }
    assert client.post(f"{API}/announcements", announcement).status_code in (403, 404)
    assert client.post(f"{API}/posts", {"body": "To all"}).status_code == 403
    assert client.post(f"{API}/polls", {"question": "Q?", "options": ["a", "b"]}).status_code in (
        400,
        403,
    )
    assert client.get(f"{API}/kudos/leaderboard").status_code == 403
    assert client.post(f"{API}/groups/{project.id}/members", {"user_id": guest.id}).status_code in (
        403,
        409,
    )


def test_a_guest_mentions_only_the_members_of_their_groups(api, guest, employee, fred, project):
    client = api(guest)
    inside = client.post(f"{API}/posts", {"body": f"Hi @{employee.handle}", "group_id": project.id})
    assert inside.status_code == 201
    outside = client.post(f"{API}/posts", {"body": f"Hi @{fred.handle}", "group_id": project.id})
    assert outside.status_code == 400
    assert outside.get_json()["fields"] == {"body": "mention_out_of_reach"}
    comment = client.post(
        f"{API}/posts/{inside.get_json()['id']}/comments", {"body": f"cc @{fred.handle}"}
    )
    assert comment.status_code == 400


def test_a_guest_is_never_a_group_admin_nor_given_a_company_role(
    api, admin, manager, guest, project
):
    promote = api(manager).patch(f"{API}/groups/{project.id}/members/{guest.id}", {"role": "admin"})
    assert promote.status_code == 400 and promote.get_json()["fields"] == {"role": "guest_admin"}
    role = api(admin).patch(f"{API}/users/{guest.id}", {"role": "admin"})
    assert role.status_code == 400 and role.get_json()["fields"] == {"role": "guest"}
    assert db.session.get(User, guest.id).role == "employee"


# --- the end of access ---------------------------------------------------------------------


def test_removed_from_the_last_group_the_guest_loses_access_at_once(
    api, manager, guest, project, make_group, socket_for
):
    other = make_group("Launch", "public", members=(guest,))
    client = api(guest)
    sock = socket_for(guest)
    assert sock.is_connected()
    removed = api(manager).delete(f"{API}/groups/{project.id}/members/{guest.id}")
    assert removed.status_code == 204
    assert sock.is_connected()  # still in another group
    assert client.get(f"{API}/me").status_code == 200
    leaving = client.delete(f"{API}/groups/{other.id}/members/{guest.id}")
    assert leaving.status_code == 204
    assert not sock.is_connected()
    assert client.get(f"{API}/me").status_code == 401
    db.session.expire_all()
    assert db.session.get(User, guest.id).guest_ended_at is not None
    refused = api(None).post(f"{API}/auth/login", {"email": guest.email, "password": PASSWORD})
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "guest_access_ended"


def test_an_expired_guests_open_socket_is_refused_then_disconnected(
    api, guest, project, socket_for, token_for
):
    sock = socket_for(guest)
    assert sock.is_connected()
    token = token_for(guest)
    guest.guest_expires_on = date.today() - timedelta(days=2)
    db.session.commit()
    # before the job runs: every request and socket message is refused already
    assert (
        api(None).get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    answer = sock.emit("join", {"room": f"group:{project.id}"}, callback=True)
    assert answer["error"] in ("unauthenticated", "not_found")
    fresh = socket_for(None, token=token)
    assert not fresh.is_connected()
    assert run_due_jobs()["guests_expired"] == 1
    assert not sock.is_connected()
    assert run_due_jobs()["guests_expired"] == 0  # once


def test_renewal_gives_access_back_and_only_their_managers_renew(
    api, manager, employee, admin, guest
):
    guest.guest_expires_on = date.today() - timedelta(days=2)
    db.session.commit()
    run_due_jobs()
    assert (
        api(employee).patch(f"{API}/guests/{guest.id}", {"access_until": SOON}).status_code == 404
    )
    assert (
        api(manager).patch(f"{API}/guests/{employee.id}", {"access_until": SOON}).status_code == 404
    )
    bad = api(manager).patch(f"{API}/guests/{guest.id}", {"access_until": "2000-01-01"})
    assert bad.status_code == 400
    renewed = api(manager).patch(f"{API}/guests/{guest.id}", {"access_until": SOON})
    assert renewed.status_code == 200, renewed.get_json()
    assert renewed.get_json()["access_ended"] is False
    assert api(guest).get(f"{API}/me").status_code == 200
    listed = api(admin).get(f"{API}/guests").get_json()["items"]
    assert [g["user"]["id"] for g in listed] == [guest.id]
    assert api(employee).get(f"{API}/guests").status_code == 403


# --- pages ---------------------------------------------------------------------------------


def test_the_invitation_page_invites_and_the_join_page_signs_up(
    app, signed_in, manager, employee, project, mailbox
):
    assert signed_in(employee).get("/guests").status_code == 403
    browser = signed_in(manager)
    page = browser.get("/guests")
    assert page.status_code == 200 and "Project Atlas" in html_of(page)
    sent = form(
        browser,
        "/guests/invite",
        {
            "email": "zoe@studio.example",
            "company": "Studio",
            "group_ids": str(project.id),
            "access_until": SOON,
        },
    )
    assert sent.status_code == 302, html_of(sent)
    refused = form(
        browser,
        "/guests/invite",
        {
            "email": employee.email,
            "company": "X",
            "group_ids": str(project.id),
            "access_until": SOON,
        },
    )
    assert refused.status_code == 409 and "employee" in html_of(refused)
    newcomer = app.test_client()
    join = newcomer.get(f"/guests/join/{_token(mailbox[0])}")
    assert join.status_code == 200 and "Studio" in html_of(join)
    done = newcomer.post(
        f"/guests/join/{_token(mailbox[0])}",
        data={
            "csrf_token": csrf_from(join),
            "display_name": "Zoé Studio",
            "password": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    home = html_of(newcomer.get("/"))
    assert "Guest · Studio" in home and "Project Atlas" in home
    assert "All company" not in home and 'href="/people"' not in home
    assert app.test_client().get("/guests/join/forged").status_code == 400


def test_a_guest_is_told_at_once_that_guests_create_no_groups(signed_in, guest, employee):
    """The web form is refused before it is filled (not after), with the reason; an
    employee still gets the form, and the groups page offers guests no creation link."""
    refused = signed_in(guest).get("/groups/new")
    assert refused.status_code == 403
    assert "Guests cannot create groups." in html_of(refused)
    assert 'action="/groups/new"' not in html_of(refused)
    assert "/groups/new" not in html_of(signed_in(guest).get("/groups"))
    assert signed_in(employee).get("/groups/new").status_code == 200


def test_a_guests_pages_show_their_groups_members_only(
    signed_in, guest, employee, manager, fred, project
):
    """Profile pages of co-members without their manager or reports; nobody else's page;
    a directory and a search of the members of their groups only."""
    browser = signed_in(guest)
    profile = browser.get(f"/people/{employee.id}")
    assert profile.status_code == 200 and employee.display_name in html_of(profile)
    assert "<dt>Manager</dt>" not in html_of(profile)
    assert "<dt>Manager</dt>" in html_of(signed_in(fred).get(f"/people/{employee.id}"))
    assert browser.get(f"/people/{fred.id}").status_code == 404
    assert browser.get(f"/people/{employee.id}/org").status_code == 404
    directory = html_of(browser.get("/people"))
    assert employee.display_name in directory and fred.display_name not in directory
    assert fred.display_name not in html_of(browser.get("/search?q=fred"))


def test_deleting_the_guests_only_group_ends_their_access(api, manager, guest, project):
    client = api(guest)
    assert client.get(f"{API}/me").status_code == 200
    assert api(manager).delete(f"{API}/groups/{project.id}").status_code == 204
    assert client.get(f"{API}/me").status_code == 401
