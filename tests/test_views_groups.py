"""Group, announcement and notification pages with the Flask test client.

CSRF stays on: each form post carries the token read from a rendered page.
Pages must render for the right people, answer 404 (secret) or 403 to the
wrong ones, work without JavaScript, and show hostile text escaped.
"""

from __future__ import annotations

import json
from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import (
    Announcement,
    AnnouncementRecipient,
    Group,
    GroupJoinRequest,
    GroupMembership,
    Notification,
    NotificationMute,
    Post,
)
from socialnet.models._time import utcnow
from socialnet.services import announcements
from tests.web import CONFIG_RE, XSS, XSS_ESCAPED, form, html_of


def admin_of(group: Group, user) -> None:
    membership = db.session.get(GroupMembership, (group.id, user.id))
    if membership is None:
        db.session.add(GroupMembership(group_id=group.id, user_id=user.id, role="admin"))
    else:
        membership.role = "admin"
    db.session.commit()


# ------------------------------------------------------------------ pages and who sees them


def test_group_pages_require_sign_in(client, make_group):
    group = make_group()
    for path in (
        "/groups",
        "/groups/new",
        f"/groups/{group.id}",
        "/announcements/new",
        "/notifications",
        "/notifications/settings",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/sign-in"), path


def test_directory_lists_official_first_and_hides_secret_groups(
    signed_in, employee, fred, make_group
):
    zebra = make_group("Zebra news")
    zebra.is_official = True
    db.session.commit()
    make_group("Alpha crew")
    make_group("Hidden circle", "secret", members=(employee,))
    make_group("Private board", "private")

    html = html_of(signed_in(fred).get("/groups"))
    assert "Hidden circle" not in html
    assert html.index("Zebra news") < html.index("Alpha crew")
    assert "✓ Official" in html
    assert "Request to join" in html  # the private group
    assert 'action="/groups/' in html and ">Join<" in html

    mine = html_of(signed_in(employee).get("/groups?mine=1"))
    assert "Hidden circle" in mine and "Alpha crew" not in mine
    assert "Zebra" in html_of(signed_in(fred).get("/groups?q=zeb"))
    assert "Alpha" not in html_of(signed_in(fred).get("/groups?q=zeb"))


def test_secret_group_is_a_404_to_outsiders_everywhere(signed_in, employee, fred, make_group):
    group = make_group("Hidden circle", "secret", members=(employee,))
    me = signed_in(fred)
    for path in (
        f"/groups/{group.id}",
        f"/groups/{group.id}?tab=members",
        f"/groups/{group.id}/edit",
    ):
        assert me.get(path).status_code == 404, path
    for path in (f"/groups/{group.id}/join", f"/groups/{group.id}/posts"):
        response = form(me, path, body="hi")
        assert response.status_code in (302, 404), path
    db.session.expire_all()
    assert db.session.get(GroupMembership, (group.id, fred.id)) is None
    assert db.session.query(Post).count() == 0
    assert signed_in(employee).get(f"/groups/{group.id}").status_code == 200


def test_private_group_shows_about_and_request_button_to_outsiders(
    signed_in, employee, fred, make_group, make_post
):
    group = make_group("Board", "private", members=(employee,))
    group.description = "Strategy talk"
    db.session.commit()
    make_post(employee, "Confidential plan", group)

    outsider = signed_in(fred)
    for tab in ("", "?tab=members", "?tab=feed"):
        html = html_of(outsider.get(f"/groups/{group.id}{tab}"))
        assert "Strategy talk" in html and "Request to join" in html
        assert "Confidential plan" not in html and "Emma Employee" not in html
    assert "Confidential plan" not in html_of(outsider.get("/"))

    response = form(outsider, f"/groups/{group.id}/join", next=f"/groups/{group.id}")
    assert response.status_code == 302
    assert db.session.get(GroupJoinRequest, (group.id, fred.id)) is not None
    assert "Request pending" in html_of(outsider.get(f"/groups/{group.id}"))

    member = html_of(signed_in(employee).get(f"/groups/{group.id}"))
    assert "Confidential plan" in member and "Request to join" not in member


def test_group_page_embeds_live_config_for_its_room(signed_in, employee, make_group):
    group = make_group("Formation", members=(employee,))
    html = html_of(signed_in(employee).get(f"/groups/{group.id}"))
    config = json.loads(CONFIG_RE.search(html).group(1))
    assert config["page"] == "group" and config["group_id"] == group.id
    assert config["member"] is True and config["me"] == employee.id


# ------------------------------------------------------------------ forms without JavaScript


def test_create_a_group_with_the_form(signed_in, employee):
    me = signed_in(employee)
    assert "Create a group" in html_of(me.get("/groups/new"))
    response = form(
        me,
        "/groups/new",
        name="Formation",
        description="Training",
        type="private",
        cover_color="#12AB34",
    )
    assert response.status_code == 302
    group = db.session.query(Group).one()
    assert response.location == f"/groups/{group.id}"
    assert (group.visibility, group.cover_color) == ("private", "#12ab34")
    assert db.session.get(GroupMembership, (group.id, employee.id)).role == "admin"
    assert 'fill="#12ab34"' in html_of(me.get(f"/groups/{group.id}"))


def test_group_forms_need_csrf(signed_in, employee, make_group):
    group = make_group(members=(employee,))
    me = signed_in(employee)
    for path, data in [
        ("/groups/new", {"name": "Sneaky"}),
        (f"/groups/{group.id}/posts", {"body": "sneaky"}),
        (f"/groups/{group.id}/leave", {}),
        ("/announcements/new", {"title": "x"}),
        ("/notifications/read", {}),
        ("/notifications/settings", {}),
    ]:
        assert me.post(path, data=data).status_code == 400, path
    assert db.session.query(Group).count() == 1
    assert db.session.query(Post).count() == 0


def test_bad_group_form_keeps_the_typed_text(signed_in, employee):
    response = form(signed_in(employee), "/groups/new", name="  ", description="Kept text")
    assert response.status_code == 400
    assert "Kept text" in html_of(response)
    assert db.session.query(Group).count() == 0


def test_post_into_a_group_and_from_the_home_audience_selector(
    signed_in, employee, fred, make_group, capture_events
):
    group = make_group("Formation", "private", members=(employee,))
    me = signed_in(employee)
    home = html_of(me.get("/"))
    assert f'<option value="{group.id}"' in home and "All company" in home

    response = form(me, "/posts", body="From home", group_id=str(group.id))
    assert response.status_code == 302
    response = form(me, f"/groups/{group.id}/posts", body="From the group page")
    assert response.status_code == 302
    assert {p.group_id for p in db.session.query(Post)} == {group.id}
    assert capture_events.rooms("post.created") == {f"group:{group.id}"}
    assert "From home" in html_of(me.get(f"/groups/{group.id}"))
    assert ">Formation</a>" in html_of(me.get("/"))  # the "in Formation" label

    outsider = signed_in(fred)
    refused = form(outsider, f"/groups/{group.id}/posts", body="x")
    assert refused.status_code == 403 and "Join this group to post in it." in html_of(refused)
    assert form(outsider, "/posts", body="x", group_id=str(group.id)).status_code == 403
    public = make_group("Open", "public", members=(employee,))
    refused = form(outsider, f"/groups/{public.id}/posts", body="kept draft")
    assert refused.status_code == 403 and "Join this group to post in it." in html_of(refused)
    assert db.session.query(Post).count() == 2


def test_admin_manages_members_requests_and_roles(signed_in, employee, fred, make_user, make_group):
    group = make_group("Board", "private", members=(fred,))
    admin_of(group, employee)
    requester = make_user("Rita Requester")
    db.session.add(GroupJoinRequest(group_id=group.id, user_id=requester.id))
    db.session.commit()
    me = signed_in(employee)

    page = html_of(me.get(f"/groups/{group.id}?tab=members"))
    assert "Requests to join" in page and "Rita Requester" in page
    assert "Make admin" in page and "Remove" in page
    base = f"/groups/{group.id}"
    assert form(me, f"{base}/requests/{requester.id}/approve").status_code == 302
    assert db.session.get(GroupMembership, (group.id, requester.id)) is not None

    newcomer = make_user("Nina Newcomer", job_title="Welder")
    picker = html_of(me.get(f"{base}?tab=members&q=nina"))
    assert "Nina Newcomer" in picker and 'name="user_id"' in picker
    assert (
        "Fred Interloper"
        not in html_of(me.get(f"{base}?tab=members&q=fred"))
        .split("picker-results")[1]
        .split("</ul>")[0]
    )
    assert form(me, f"{base}/members", user_id=str(newcomer.id)).status_code == 302
    assert db.session.get(GroupMembership, (group.id, newcomer.id)) is not None
    added = db.session.query(Notification).filter_by(user_id=newcomer.id).one()
    assert added.type == "added"

    assert form(me, f"{base}/members/{fred.id}/role", role="admin").status_code == 302
    assert db.session.get(GroupMembership, (group.id, fred.id)).role == "admin"
    assert form(me, f"{base}/members/{fred.id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupMembership, (group.id, fred.id)) is None


def test_non_admin_member_actions_are_refused(signed_in, employee, fred, make_user, make_group):
    group = make_group("Board", "private", members=(employee, fred))
    admin = make_user("Alice Admin")
    admin_of(group, admin)
    me = signed_in(fred)
    page = html_of(me.get(f"/groups/{group.id}?tab=members"))
    assert "Make admin" not in page and "Add a member" not in page
    assert me.get(f"/groups/{group.id}/edit").status_code == 403
    response = form(me, f"/groups/{group.id}/members/{employee.id}/remove")
    assert response.status_code == 302
    assert "Only the group" in html_of(me.get(response.location))
    response = form(me, f"/groups/{group.id}/edit", name="Mine now", type="public")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(GroupMembership, (group.id, employee.id)) is not None
    assert db.session.get(Group, group.id).name == "Board"


def test_last_admin_cannot_leave_and_is_told_why(signed_in, employee, make_group):
    group = make_group("Solo")
    admin_of(group, employee)
    me = signed_in(employee)
    response = form(me, f"/groups/{group.id}/leave")
    assert response.status_code == 302
    assert "The last admin cannot leave" in html_of(me.get(response.location))
    assert db.session.get(GroupMembership, (group.id, employee.id)) is not None


def test_edit_group_and_official_toggle(signed_in, employee, cm, make_group):
    group = make_group("Formation")
    admin_of(group, employee)
    me = signed_in(employee)
    assert 'value="Formation"' in html_of(me.get(f"/groups/{group.id}/edit"))
    response = form(
        me,
        f"/groups/{group.id}/edit",
        name="Formation 2",
        description="New",
        type="private",
        cover_color="#000000",
        archived="on",
    )
    assert response.status_code == 302
    db.session.expire_all()
    group = db.session.get(Group, group.id)
    assert (group.name, group.visibility, group.is_archived) == ("Formation 2", "private", True)
    assert "Mark as official" not in html_of(me.get(f"/groups/{group.id}?tab=about"))
    assert form(me, f"/groups/{group.id}/official", official="1").status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, group.id).is_official is False

    group.visibility = "public"
    db.session.commit()
    manager = signed_in(cm)
    assert "Mark as official" in html_of(manager.get(f"/groups/{group.id}?tab=about"))
    assert form(manager, f"/groups/{group.id}/official", official="1").status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, group.id).is_official is True


def test_xss_in_group_name_and_description_is_escaped(signed_in, employee, fred):
    me = signed_in(employee)
    form(me, "/groups/new", name=XSS, description=XSS, type="public", cover_color="#123456")
    group = db.session.query(Group).one()
    for client, path in [
        (me, f"/groups/{group.id}?tab=about"),
        (me, "/groups"),
        (me, f"/groups/{group.id}/edit"),
        (me, "/"),
        (signed_in(fred), f"/groups/{group.id}?tab=about"),
    ]:
        html = html_of(client.get(path))
        assert "<script>alert" not in html and "<img src=x" not in html, path
    assert XSS_ESCAPED in html


# ------------------------------------------------------------------ announcements


def _announce(sender, **over):
    data = {
        "title": "Safety week",
        "body": "Read the **rules**",
        "audience": {"kind": "company"},
        "expires_in_days": 7,
        **over,
    }
    announcement = announcements.do_create_announcement(sender, data)
    db.session.commit()
    return announcement


def test_announcement_composer_offers_only_allowed_audiences(
    signed_in, employee, manager, cm, fred, make_group
):
    group = make_group("Formation")
    admin_of(group, fred)
    plain = html_of(signed_in(employee).get("/announcements/new"))
    assert "You cannot send one yet" in plain and 'name="audience"' not in plain

    boss = html_of(signed_in(manager).get("/announcements/new"))
    assert 'value="reports"' in boss and 'value="company"' not in boss

    group_admin = html_of(signed_in(fred).get("/announcements/new"))
    assert f'value="group:{group.id}"' in group_admin and 'value="reports"' not in group_admin

    comms = html_of(signed_in(cm).get("/announcements/new"))
    assert 'value="company"' in comms and 'value="site:Lyon"' in comms
    assert 'value="department:Engineering"' in comms and f'value="group:{group.id}"' in comms


def test_send_an_announcement_with_the_form_then_read_it(
    signed_in, cm, employee, fred, capture_events
):
    comms = signed_in(cm)
    response = form(
        comms,
        "/announcements/new",
        audience="site:Lyon",
        title="Canteen closed",
        body="Friday only",
        expires_in_days="3",
        comments_enabled="on",
    )
    assert response.status_code == 302, html_of(response)
    announcement = db.session.query(Announcement).one()
    assert response.location == f"/announcements/{announcement.id}/reach"
    assert announcement.audience_value == "Lyon" and announcement.published_at is not None

    reader = signed_in(employee)
    home = html_of(reader.get("/"))
    assert f'id="pinned-{announcement.id}"' in home and "Canteen closed" in home
    assert f'id="pinned-{announcement.id}"' not in html_of(signed_in(fred).get("/"))  # Paris

    response = form(reader, f"/announcements/{announcement.id}/ack", next="/")
    assert response.status_code == 302 and response.location == "/"
    assert f'id="pinned-{announcement.id}"' not in html_of(reader.get("/"))
    row = db.session.get(AnnouncementRecipient, (announcement.id, employee.id))
    assert row.acknowledged_at is not None

    assert form(signed_in(fred), f"/announcements/{announcement.id}/ack").status_code == 404


def test_announcement_form_errors_are_shown_and_keep_the_draft(signed_in, cm, employee):
    comms = signed_in(cm)
    response = form(
        comms,
        "/announcements/new",
        audience="company",
        title="Kept title",
        body="Kept body",
        expires_in_days="30",
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "expires_in_days must be" in html and "Kept title" in html and "Kept body" in html

    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = form(
        comms,
        "/announcements/new",
        audience="company",
        title="t",
        body="b",
        expires_in_days="2",
        publish_at=past,
    )
    assert response.status_code == 400 and "in the past" in html_of(response)

    response = form(
        signed_in(employee),
        "/announcements/new",
        audience="company",
        title="t",
        body="b",
        expires_in_days="2",
    )
    assert response.status_code == 403
    assert db.session.query(Announcement).count() == 0


def test_schedule_an_announcement_in_the_browsers_time_zone(signed_in, cm, employee):
    later = utcnow() + timedelta(days=1)
    local = (later - timedelta(minutes=-120)).strftime("%Y-%m-%dT%H:%M")  # UTC+2 wall clock
    response = form(
        signed_in(cm),
        "/announcements/new",
        audience="company",
        title="Tomorrow",
        body="b",
        expires_in_days="2",
        publish_at=local,
        tz_offset="-120",
    )
    assert response.status_code == 302
    announcement = db.session.query(Announcement).one()
    assert announcement.published_at is None
    assert abs(announcement.publish_at - later.replace(second=0, microsecond=0)) < timedelta(
        minutes=1
    )
    html = html_of(signed_in(cm).get(f"/announcements/{announcement.id}/reach"))
    assert "Scheduled for" in html


def test_reach_page_and_one_time_reminder(signed_in, cm, employee, fred, make_user):
    make_user("Zoe Reader")
    announcement = _announce(cm)
    announcements.do_acknowledge(employee, announcement.id)
    db.session.commit()
    comms = signed_in(cm)
    html = html_of(comms.get(f"/announcements/{announcement.id}/reach"))
    audience = db.session.query(AnnouncementRecipient).count()
    assert f"<dd>{audience}</dd>" in html and "<dd>1</dd>" in html
    assert 'class="rate-fill" width="' in html
    assert "Fred Interloper" in html and "Emma Employee" not in html.split("Not read yet")[1]
    assert "Send reminder" in html

    response = form(comms, f"/announcements/{announcement.id}/remind")
    assert response.status_code == 302
    html = html_of(comms.get(response.location))
    assert "Reminder sent to" in html and "Send reminder" not in html
    assert "A reminder was sent" in html
    response = form(comms, f"/announcements/{announcement.id}/remind")
    assert "already sent" in html_of(comms.get(response.location))

    assert signed_in(employee).get(f"/announcements/{announcement.id}/reach").status_code == 403
    assert signed_in(fred).get(f"/announcements/{announcement.id}/reach").status_code == 403
    outsider = make_user("Olivia Outsider")
    db.session.commit()
    assert signed_in(outsider).get(f"/announcements/{announcement.id}/reach").status_code == 404


def test_xss_in_announcement_title_is_escaped(signed_in, cm, employee):
    announcement = _announce(cm, title=XSS)
    for client, path in [
        (signed_in(employee), "/"),
        (signed_in(cm), f"/announcements/{announcement.id}/reach"),
        (signed_in(employee), f"/posts/{announcement.post_id}"),
        (signed_in(employee), "/notifications"),
    ]:
        html = html_of(client.get(path))
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path


def test_comments_off_hides_the_comment_form(signed_in, cm, employee):
    announcement = _announce(cm, comments_enabled=False)
    html = html_of(signed_in(employee).get(f"/posts/{announcement.post_id}"))
    assert "Comments are turned off" in html and 'id="comment-form"' not in html


# ------------------------------------------------------------------ notifications


def test_bell_count_list_and_mark_read_without_javascript(signed_in, employee, fred, make_post):
    make_post(fred, f"Hello @{employee.handle}")
    make_post(fred, f"Again @{employee.handle}")
    me = signed_in(employee)
    home = html_of(me.get("/"))
    assert 'id="bell-count" data-count="2"' in home and "Notifications, 2 unread" in home

    page = html_of(me.get("/notifications"))
    assert page.count("Fred Interloper mentioned you") == 2
    first = db.session.query(Notification).order_by(Notification.id).first()
    response = form(me, "/notifications/read", id=str(first.id), go=f"/posts/{first.post_id}")
    assert response.status_code == 302 and response.location == f"/posts/{first.post_id}"
    assert 'data-count="1"' in html_of(me.get("/"))
    assert html_of(me.get("/notifications?unread=1")).count("mentioned you") == 1

    evil = form(me, "/notifications/read", id=str(first.id), go="//evil.example/")
    assert evil.location == "/notifications"

    assert form(me, "/notifications/read").status_code == 302
    assert 'data-count="0"' in html_of(me.get("/"))
    assert "No unread notifications." in html_of(me.get("/notifications?unread=1"))


def test_notification_settings_mute_a_type(signed_in, employee, fred, make_post):
    me = signed_in(employee)
    page = html_of(me.get("/notifications/settings"))
    assert 'name="notify_mentioned" checked' in page
    fields = {"notify_replied": "on", "notify_reacted": "on"}
    assert form(me, "/notifications/settings", **fields).status_code == 302
    muted = {m.type for m in db.session.query(NotificationMute).filter_by(user_id=employee.id)}
    assert "mentioned" in muted and "replied" not in muted
    assert 'name="notify_mentioned" >' in html_of(me.get("/notifications/settings"))
    make_post(fred, f"Hi @{employee.handle}")
    assert db.session.query(Notification).filter_by(user_id=employee.id).count() == 0


def test_notifications_never_show_someone_elses(signed_in, employee, fred, make_post):
    make_post(employee, f"Hi @{fred.handle}")
    assert "mentioned you" not in html_of(signed_in(employee).get("/notifications"))
    theirs = db.session.query(Notification).one()
    form(signed_in(employee), "/notifications/read", id=str(theirs.id))
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
