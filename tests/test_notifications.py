"""Notifications: who is told what, grouping, mutes, visibility at read time, read state,
realtime delivery, the API and its input checks."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from socialnet import policy
from socialnet.extensions import db
from socialnet.models import (
    Announcement,
    AnnouncementRecipient,
    Event,
    GroupMembership,
    Notification,
    NotificationMute,
    Post,
    User,
)
from socialnet.models._time import utcnow
from socialnet.services import notifications as svc
from socialnet.services.comments import do_create_comment
from socialnet.services.posts import do_edit_post
from socialnet.services.reactions import do_set_reaction
from tests.conftest import received_events
from tests.helpers import assert_error, count_rows, table_counts

NOTIFICATIONS = "/api/v1/notifications"


def rows_for(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def listed(api_client, query: str = "") -> dict:
    response = api_client.get(f"{NOTIFICATIONS}{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def notification_events(capture) -> list:
    return capture.of_type("notification.created")


@contextmanager
def count_selects():
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# --- what each action produces ----------------------------------------------------------


def test_a_mention_in_a_post_notifies_the_person_named(api, employee, manager, capture_events):
    post = api(manager).post("/api/v1/posts", {"body": "Thanks @emma.employee!"}).get_json()

    [n] = listed(api(employee))["items"]
    assert n["type"] == "mentioned" and n["post_id"] == post["id"] and n["count"] == 1
    assert n["actor"]["id"] == manager.id
    assert n["summary"] == "Marc Manager mentioned you"
    assert n["url"] == f"/posts/{post['id']}" and n["read_at"] is None
    assert rows_for(manager) == []


def test_an_edit_notifies_only_people_newly_mentioned(api, employee, manager, fred, cm):
    me = api(manager)
    post = me.post("/api/v1/posts", {"body": "Hi @emma.employee"}).get_json()
    me.patch(f"/api/v1/posts/{post['id']}", {"body": "Hi @emma.employee @fred.interloper"})
    do_edit_post(manager, post["id"], {"body": "Hi @fred.interloper @camille.community"})
    db.session.commit()

    assert [n.type for n in rows_for(employee)] == ["mentioned"]
    assert [n.type for n in rows_for(fred)] == ["mentioned"]
    assert [n.type for n in rows_for(cm)] == ["mentioned"]


def test_a_comment_notifies_the_author_and_the_people_it_mentions(
    api, employee, manager, fred, make_post
):
    post = make_post(employee, "Lunch?")
    api(manager).post(
        f"/api/v1/posts/{post.id}/comments", {"body": "Yes @fred.interloper @emma.employee"}
    )

    [reply] = rows_for(employee)  # the author hears once, as a reply, not also as a mention
    assert (reply.type, reply.actor_id, reply.post_id) == ("replied", manager.id, post.id)
    assert listed(api(employee))["items"][0]["summary"] == "Marc Manager commented on your post"
    [mention] = rows_for(fred)
    assert (mention.type, mention.actor_id, mention.post_id) == ("mentioned", manager.id, post.id)


def test_reactions_group_into_one_unread_row_per_post(
    api, make_user, employee, make_post, capture_events
):
    post = make_post(employee)
    reactors = [make_user(name) for name in ("Ana Martin", "Bo Chen", "Cy Diaz", "Di Egan")]
    for reactor in reactors:
        do_set_reaction(reactor, post, "like", active=True)
        db.session.commit()
    do_set_reaction(reactors[-1], post, "celebrate", active=True)  # a second kind: no news
    db.session.commit()

    [row] = rows_for(employee)
    assert (row.type, row.count, row.actor_id) == ("reacted", 4, reactors[-1].id)
    body = listed(api(employee))
    assert body["unread_count"] == 1
    assert body["items"][0]["summary"] == "Di Egan and 3 others reacted to your post"
    events = notification_events(capture_events)
    assert [e.payload["data"]["count"] for e in events] == [1, 2, 3, 4]
    assert {e.payload["data"]["id"] for e in events} == {row.id}

    api(employee).post(f"{NOTIFICATIONS}/read", {"all": True})
    do_set_reaction(reactors[0], post, "funny", active=True)  # not a first reaction either
    do_set_reaction(reactors[0], post, "like", active=False)
    db.session.commit()
    do_set_reaction(reactors[0], post, "like", active=False)
    db.session.commit()
    late = make_user("Ed Late")
    do_set_reaction(late, post, "like", active=True)
    db.session.commit()
    newest = rows_for(employee)[-1]
    assert len(rows_for(employee)) == 2 and (newest.count, newest.actor_id) == (1, late.id)
    assert listed(api(employee))["items"][0]["summary"] == "Ed Late reacted to your post"


def test_two_reactors_read_as_one_other(api, employee, manager, fred, make_post):
    post = make_post(employee)
    do_set_reaction(manager, post, "like", active=True)
    do_set_reaction(fred, post, "like", active=True)
    db.session.commit()
    summary = listed(api(employee))["items"][0]["summary"]
    assert summary == "Fred Interloper and 1 other reacted to your post"


def test_own_actions_notify_nobody(api, employee, make_post, capture_events):
    post = make_post(employee, "Note to self @emma.employee")
    api(employee).post(f"/api/v1/posts/{post.id}/comments", {"body": "me again @emma.employee"})
    api(employee).put(f"/api/v1/posts/{post.id}/reactions/like")
    assert count_rows(Notification) == 0
    assert notification_events(capture_events) == []


def test_inactive_people_are_not_notified(make_user, employee, make_post):
    gone = make_user("Gone Colleague", active=False)
    make_post(employee, "Bye @gone.colleague")
    assert svc.do_notify([gone.id], "invited", actor=employee) == []
    assert count_rows(Notification) == 0


def test_a_mention_inside_a_private_group_does_not_reach_outsiders(
    employee, manager, fred, make_group, make_post, capture_events, socket_for
):
    board = make_group("Board", "private", members=(employee, manager))
    fred_socket = socket_for(fred)
    fred_socket.get_received()

    post = make_post(employee, "Ask @fred.interloper and @marc.manager", board)
    do_create_comment(manager, post.id, {"body": "or @fred.interloper?"})
    db.session.commit()
    # even when a service names him directly
    assert svc.do_notify([fred.id], "mentioned", actor=employee, post=post) == []
    db.session.commit()

    assert rows_for(fred) == []
    assert [n.type for n in rows_for(manager)] == ["mentioned"]
    assert f"user:{fred.id}" not in capture_events.rooms("notification.created")
    assert received_events(fred_socket) == []


def test_a_deleted_post_notifies_nobody(employee, manager, make_post):
    post = make_post(employee)
    post.deleted_at = utcnow()
    db.session.commit()
    assert svc.do_notify([manager.id], "mentioned", actor=employee, post=post) == []


# --- mutes ------------------------------------------------------------------------------


def test_muted_types_are_not_notified(api, employee, manager, make_post, capture_events):
    me = api(employee)
    response = me.put(f"{NOTIFICATIONS}/settings", {"muted": ["reacted", "mentioned", "reacted"]})
    assert response.status_code == 200
    assert response.get_json() == {
        "muted": ["mentioned", "reacted"],
        "types": [t for t in svc.NOTIFICATION_TYPES if t != "moderation"],
    }
    refused = me.put(f"{NOTIFICATIONS}/settings", {"muted": ["moderation"]})
    assert refused.status_code == 400
    assert refused.get_json()["fields"] == {"muted": "not_mutable"}
    assert me.get(f"{NOTIFICATIONS}/settings").get_json()["muted"] == ["mentioned", "reacted"]

    post = make_post(employee)
    do_set_reaction(manager, post, "like", active=True)
    do_create_comment(manager, post.id, {"body": "@emma.employee look"})  # a reply: not muted
    db.session.commit()
    make_post(manager, "Hey @emma.employee")

    assert [n.type for n in rows_for(employee)] == ["replied"]
    assert len(notification_events(capture_events)) == 1

    assert me.put(f"{NOTIFICATIONS}/settings", {"muted": []}).get_json()["muted"] == []
    make_post(manager, "Hey again @emma.employee")
    assert [n.type for n in rows_for(employee)] == ["replied", "mentioned"]


def test_settings_refuse_unknown_types_and_write_nothing(api, employee):
    me = api(employee)
    me.put(f"{NOTIFICATIONS}/settings", {"muted": ["invited"]})
    for body in (
        {"muted": ["invited", "gossip"]},
        {"muted": "reacted"},
        {"muted": [1]},
        {"muted": [["reacted"]]},
        {},
        {"muted": [], "extra": 1},
        ["reacted"],
    ):
        assert_error(me.put(f"{NOTIFICATIONS}/settings", body), 400)
    assert me.get(f"{NOTIFICATIONS}/settings").get_json()["muted"] == ["invited"]
    assert count_rows(NotificationMute) == 1


# --- visibility at read time ------------------------------------------------------------


def _notify_on(post, recipient, actor) -> None:
    svc.do_notify([recipient.id], "mentioned", actor=actor, post=post)
    db.session.commit()


def test_notifications_of_a_deleted_post_disappear(api, employee, manager, make_post):
    kept, gone = (
        make_post(manager, "kept @emma.employee"),
        make_post(manager, "gone @emma.employee"),
    )
    svc.do_notify([employee.id], "invited", actor=manager)  # no post: always listed
    db.session.commit()
    assert listed(api(employee))["unread_count"] == 3

    api(manager).delete(f"/api/v1/posts/{gone.id}")
    body = listed(api(employee))
    assert [n["post_id"] for n in body["items"]] == [None, kept.id]
    assert body["unread_count"] == 2 == svc.unread_count(employee)


def test_notifications_vanish_when_the_group_turns_private(
    api, employee, manager, make_group, make_post
):
    runners = make_group("Runners", "public", members=(manager,))
    post = make_post(manager, "Run with @emma.employee?", runners)
    assert listed(api(employee))["unread_count"] == 1

    runners.visibility = "private"
    db.session.commit()
    assert listed(api(employee)) == {"items": [], "next_cursor": None, "unread_count": 0}
    assert listed(api(employee), "?unread=1")["items"] == []

    db.session.add(GroupMembership(group_id=runners.id, user_id=employee.id))
    db.session.commit()
    assert [n["post_id"] for n in listed(api(employee))["items"]] == [post.id]


def test_notifications_vanish_when_removed_from_the_group(
    api, employee, manager, make_group, make_post
):
    board = make_group("Board", "private", members=(employee, manager))
    make_post(manager, "Board meets, @emma.employee", board)
    assert listed(api(employee))["unread_count"] == 1

    db.session.execute(
        GroupMembership.__table__.delete().where(GroupMembership.user_id == employee.id)
    )
    db.session.commit()
    assert listed(api(employee))["items"] == [] and svc.unread_count(employee) == 0


@pytest.fixture
def world(make_user, make_group, make_post, manager, employee, fred):
    """People, groups of each kind, posts of each kind, announcements (one in a group)."""
    zoe = make_user("Zoe Reader")
    people = [manager, employee, fred, zoe]
    groups = {
        "public": make_group("Open", "public", members=(manager, zoe)),
        "private": make_group("Closed", "private", members=(manager, employee)),
        "secret": make_group("Hidden", "secret", members=(manager, zoe)),
    }
    posts = [
        make_post(manager, "company"),
        make_post(manager, "open", groups["public"]),
        make_post(manager, "closed", groups["private"]),
        make_post(manager, "hidden", groups["secret"]),
        make_post(employee, "deleted"),
        make_post(manager, "to Emma"),
        make_post(manager, "to the closed group", groups["private"]),
        make_post(manager, "to Zoe, in a group she cannot read", groups["private"]),
    ]
    posts[4].deleted_at = utcnow()
    for post, reader in ((posts[5], employee), (posts[6], employee), (posts[7], zoe)):
        post.kind = "announcement"
        announcement = Announcement(
            post_id=post.id,
            sender_id=manager.id,
            title="t",
            body="b",
            audience_kind="company",
            expires_at=utcnow() + timedelta(days=7),
        )
        db.session.add(announcement)
        db.session.flush()
        db.session.add(AnnouncementRecipient(announcement_id=announcement.id, user_id=reader.id))
    db.session.commit()
    return people, groups, posts


def _pairs_by_sql(people, posts) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(User.id, Post.id).where(
            User.id.in_([p.id for p in people]),
            Post.id.in_([p.id for p in posts]),
            policy.post_visible_to_row(User.id),
        )
    )
    return {(user_id, post_id) for user_id, post_id in rows}


def _pairs_by_policy(people, posts) -> set[tuple[int, int]]:
    pairs = {(u.id, p.id) for u in people for p in posts if policy.can_see_post(u, p)}
    for user in people:  # and the SQL filter of the policy says the same
        visible = db.session.scalars(
            select(Post.id).where(
                Post.id.in_([p.id for p in posts]), policy.visible_posts_filter(user)
            )
        )
        assert {(user.id, pid) for pid in visible} == {(u, p) for u, p in pairs if u == user.id}
    return pairs


def test_the_per_row_filter_agrees_with_the_policy(world):
    """``post_visible_to_row`` (one statement for many people) says what the policy says
    for each of them, before and after groups change visibility."""
    people, groups, posts = world
    assert _pairs_by_sql(people, posts) == _pairs_by_policy(people, posts)
    groups["public"].visibility = "private"
    groups["private"].visibility = "public"
    groups["secret"].visibility = "public"
    db.session.commit()
    assert _pairs_by_sql(people, posts) == _pairs_by_policy(people, posts)


def test_batch_unread_counts_agree_with_the_policy(world):
    people, groups, posts = world
    for post in posts:
        db.session.add_all(
            Notification(user_id=p.id, type="mentioned", post_id=post.id) for p in people
        )
    db.session.add_all(Notification(user_id=p.id, type="invited") for p in people)
    groups["public"].visibility = "private"
    db.session.commit()

    counts = svc._unread_counts([p.id for p in people])
    assert counts == {p.id: svc.unread_count(p) for p in people}
    assert len(set(counts.values())) > 1


def test_only_addressees_hear_of_an_announcement_they_are_mentioned_in(world, manager):
    people, _groups, posts = world
    to_emma = posts[5]
    notified = svc.do_notify([p.id for p in people], "mentioned", actor=manager, post=to_emma)
    assert [n.user_id for n in notified] == [people[1].id]
    assert svc.do_notify_many(select(User.id), "announcement", actor=manager, post=to_emma) == 1
    # Zoe is addressed, but the announcement is in a group she cannot read
    assert svc.do_notify([people[3].id], "mentioned", actor=manager, post=posts[7]) == []


# --- reading and read state -------------------------------------------------------------


def test_pages_newest_first_with_cursors_bound_to_the_reader(api, employee, manager, fred):
    for i in range(5):
        svc.do_notify([employee.id, fred.id], "invited", actor=manager, text=f"n{i}")
    db.session.commit()
    me = api(employee)

    first = listed(me, "?limit=2")
    second = listed(me, f"?limit=2&cursor={first['next_cursor']}")
    third = listed(me, f"?limit=2&cursor={second['next_cursor']}")
    texts = [n["text"] for page in (first, second, third) for n in page["items"]]
    assert texts == ["n4", "n3", "n2", "n1", "n0"] and third["next_cursor"] is None
    assert first["unread_count"] == 5

    assert_error(api(fred).get(f"{NOTIFICATIONS}?cursor={first['next_cursor']}"), 400)
    assert_error(me.get(f"{NOTIFICATIONS}?unread=1&cursor={first['next_cursor']}"), 400)


def test_mark_read_one_then_all_and_never_someone_elses(api, employee, manager, fred):
    svc.do_notify([employee.id, fred.id], "invited", actor=manager)
    svc.do_notify([employee.id, fred.id], "invited", actor=manager)
    db.session.commit()
    mine = [n.id for n in rows_for(employee)]
    freds = [n.id for n in rows_for(fred)]
    me = api(employee)

    response = me.post(f"{NOTIFICATIONS}/read", {"ids": [mine[0], *freds, 999_999]})
    assert response.status_code == 200 and response.get_json() == {"unread_count": 1}
    assert [n["read_at"] is None for n in listed(me)["items"]] == [True, False]
    assert [n["id"] for n in listed(me, "?unread=1")["items"]] == [mine[1]]
    assert all(n.read_at is None for n in rows_for(fred))

    assert me.post(f"{NOTIFICATIONS}/read", {"all": True}).get_json() == {"unread_count": 0}
    assert all(n.read_at is not None for n in rows_for(employee))
    assert all(n.read_at is None for n in rows_for(fred))
    assert listed(api(fred))["unread_count"] == 2


def test_bad_input_is_a_400_and_writes_nothing(api, employee, manager):
    svc.do_notify([employee.id], "invited", actor=manager)
    db.session.commit()
    me = api(employee)
    before = table_counts(Notification, NotificationMute, Event)
    for body in (
        {"ids": 3},
        {"ids": "1,2"},
        {"ids": [True]},
        {"ids": [0]},
        {"ids": [2**31]},
        {"ids": [1.5]},
        {"ids": list(range(1, 502))},
        {"all": False},
        {"all": 1},
        {"ids": [1], "all": True},
        {},
        [1, 2],
    ):
        assert_error(me.post(f"{NOTIFICATIONS}/read", body), 400)
    assert_error(me.post(f"{NOTIFICATIONS}/read", data="ids", content_type="text/plain"), 400)
    for query in ("?limit=0", "?limit=101", "?limit=x", "?unread=yes", "?cursor=forged"):
        assert_error(me.get(f"{NOTIFICATIONS}{query}"), 400)
    assert table_counts(Notification, NotificationMute, Event) == before
    assert all(n.read_at is None for n in rows_for(employee))


def test_anonymous_callers_are_refused(api):
    anonymous = api(None)
    assert_error(anonymous.get(NOTIFICATIONS), 401)
    assert_error(anonymous.post(f"{NOTIFICATIONS}/read", {"all": True}), 401)
    assert_error(anonymous.get(f"{NOTIFICATIONS}/settings"), 401)
    assert_error(anonymous.put(f"{NOTIFICATIONS}/settings", {"muted": []}), 401)


# --- realtime ---------------------------------------------------------------------------


def test_notification_created_goes_to_the_recipient_only(
    api, employee, manager, fred, make_post, capture_events, socket_for
):
    sockets = {p.id: socket_for(p) for p in (employee, manager, fred)}
    for sock in sockets.values():
        sock.get_received()
    post = make_post(employee)
    capture_events.events.clear()

    api(manager).post(f"/api/v1/posts/{post.id}/comments", {"body": "nice"})

    [captured] = notification_events(capture_events)
    assert captured.room == f"user:{employee.id}"
    data = captured.payload["data"]
    assert (data["type"], data["actor"]["id"], data["unread_count"]) == ("replied", manager.id, 1)
    assert data == {**listed(api(employee))["items"][0], "unread_count": 1}
    [received] = received_events(sockets[employee.id], "notification.created")
    assert received == captured.payload
    for other in (manager, fred):
        assert received_events(sockets[other.id], "notification.created") == [], other


def test_a_rolled_back_notification_is_never_sent(employee, manager, capture_events):
    svc.do_notify([employee.id], "invited", actor=manager)
    db.session.rollback()
    assert count_rows(Notification) == 0 and notification_events(capture_events) == []


def test_do_notify_costs_the_same_selects_for_2_and_30_recipients(make_user, manager, make_post):
    people = [make_user(f"Colleague {i}") for i in range(30)]
    post = make_post(manager)

    def selects(recipients) -> int:
        ids = [p.id for p in recipients]
        db.session.expire_all()
        post_again, actor = db.session.get(type(post), post.id), db.session.get(User, manager.id)
        with count_selects() as statements:
            svc.do_notify(ids, "reacted", actor=actor, post=post_again)
        db.session.commit()
        return len(statements)

    assert selects(people[:2]) == selects(people) == selects(people)  # new rows, then grouped
    rows = list(db.session.scalars(select(Notification)))  # grouped: the same reactor again
    assert len(rows) == 30 and {n.count for n in rows} == {1}  # only refreshes the row


# --- large audiences --------------------------------------------------------------------


def test_do_notify_many_inserts_from_a_select(
    make_user, admin, employee, manager, fred, capture_events
):
    gone = make_user("Gone Colleague", active=False)
    muted = make_user("Muted Colleague")
    db.session.add(NotificationMute(user_id=muted.id, type="announcement"))
    db.session.commit()
    audience = select(User.id).where(User.department == "Engineering")  # not fred (Sales)

    count = svc.do_notify_many(audience, "announcement", actor=manager, text="Site closed Friday")
    db.session.commit()

    expected = {employee.id}  # not the sender, the inactive, the muted, nor outside
    assert count == len(expected)
    recipients = {n.user_id for n in db.session.scalars(select(Notification))}
    assert recipients == expected and gone.id not in recipients and muted.id not in recipients
    [captured] = notification_events(capture_events)
    assert captured.room == f"user:{employee.id}"
    data = captured.payload["data"]
    assert data["unread_count"] == 1 and data["text"] == "Site closed Friday"
    assert data["summary"] == "Announcement from Marc Manager: Site closed Friday"
    assert data["id"] == rows_for(employee)[0].id
    assert admin.id not in recipients and fred.id not in recipients


def test_do_notify_many_reaches_only_readers_of_the_post(
    make_user, employee, manager, fred, make_group, make_post
):
    board = make_group("Board", "private", members=(employee, manager))
    post = make_post(manager, "members only", board)
    everyone = select(User.id)
    assert svc.do_notify_many(everyone, "announcement", actor=manager, post=post) == 1
    db.session.commit()
    assert [n.user_id for n in db.session.scalars(select(Notification))] == [employee.id]

    post.deleted_at = utcnow()
    db.session.commit()
    assert svc.do_notify_many(everyone, "announcement", actor=manager, post=post) == 0


def test_unknown_types_are_a_programming_error(employee):
    with pytest.raises(ValueError):
        svc.do_notify([employee.id], "gossip", actor=None)
    with pytest.raises(ValueError):
        svc.do_notify_many(select(User.id), "gossip", actor=None)


@pytest.mark.parametrize(
    ("type", "summary"),
    [
        ("join_requested", "Marc Manager asked to join Formation"),
        ("request_approved", "Your request to join Formation was approved"),
        ("invited", "Marc Manager invited you to join Formation"),
    ],
)
def test_group_notifications_name_the_group(api, employee, manager, make_group, type, summary):
    group = make_group("Formation", "private", members=(manager,))
    svc.do_notify([employee.id], type, actor=manager, group=group)
    db.session.commit()
    [item] = listed(api(employee))["items"]
    assert item["summary"] == summary and item["url"] == f"/groups/{group.id}"


# --- OpenAPI ----------------------------------------------------------------------------


def test_answers_match_the_openapi_document(client, api, employee, manager, make_post):
    from tests.test_openapi import Checker

    check = Checker(client.get("/api/v1/openapi.json").get_json())
    me = api(employee)
    make_post(manager, "Hello @emma.employee")
    svc.do_notify([employee.id], "invited", actor=None)
    db.session.commit()

    page = check(me.get(f"{NOTIFICATIONS}?limit=1"), "get", "/notifications").get_json()
    assert page["items"][0]["actor"] is None and page["next_cursor"]
    check(me.get(f"{NOTIFICATIONS}?unread=1&cursor={page['next_cursor']}"), "get", "/notifications")
    check(me.get(f"{NOTIFICATIONS}?limit=0"), "get", "/notifications")
    check(api(None).get(NOTIFICATIONS), "get", "/notifications")
    read = f"{NOTIFICATIONS}/read"
    check(me.post(read, {"ids": [page["items"][0]["id"]]}), "post", "/notifications/read")
    check(me.post(read, {"all": True}), "post", "/notifications/read")
    check(me.post(read, {"ids": "x"}), "post", "/notifications/read")
    settings = f"{NOTIFICATIONS}/settings"
    check(me.put(settings, {"muted": ["reacted"]}), "put", "/notifications/settings")
    check(me.put(settings, {"muted": ["nope"]}), "put", "/notifications/settings")
    check(me.get(settings), "get", "/notifications/settings")
    check(api(None).get(settings), "get", "/notifications/settings")
    assert {s for _m, _p, s in check.checked} == {"200", "400", "401"}
