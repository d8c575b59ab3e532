"""What moderators do with cases, and what everyone else then sees (or no longer sees)."""

from __future__ import annotations

from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import AuditLogEntry, ModerationCase, Post, Sanction, User
from socialnet.models._time import utcnow
from tests.helpers import assert_error, count_rows, table_counts
from tests.moderation_fixtures import act, make_group_admin, reported_case


def _feed_ids(client) -> list[int]:
    return [p["id"] for p in client.get("/api/v1/feed").get_json()["items"]]


def test_hide_takes_the_post_out_of_every_read_path_at_once(
    api, employee, fred, cm, make_post, capture_events, socket_for
):
    post = make_post(employee, "Our supplier prices are 12.40 per unit")
    case_id = reported_case(api(fred), "post", post.id, "confidential")
    watcher = socket_for(fred)
    watcher.get_received()

    response = act(api(cm), case_id, "hide", message="Confidential figures")
    assert response.status_code == 200
    assert response.get_json()["status"] == "closed"
    assert response.get_json()["resolution"] == "hide"

    hidden = [e.payload["data"] for e in capture_events.of_type("post.hidden")]
    assert hidden == [{"id": post.id, "group_id": None, "moderation_state": "hidden"}]
    assert capture_events.rooms("post.hidden") == {"company"}
    assert any(p["name"] == "post.hidden" for p in watcher.get_received())

    assert post.id not in _feed_ids(api(fred))
    assert_error(api(fred).get(f"/api/v1/posts/{post.id}"), 404)
    profile = api(fred).get(f"/api/v1/users/{employee.id}/posts").get_json()["items"]
    assert post.id not in [p["id"] for p in profile]
    # its author still sees it, marked
    mine = api(employee).get(f"/api/v1/posts/{post.id}").get_json()
    assert mine["moderation_state"] == "hidden"
    # the moderator opens it through its case
    detail = api(cm).get(f"/api/v1/moderation/cases/{case_id}").get_json()
    assert detail["target"]["body"] == "Our supplier prices are 12.40 per unit"
    assert [h["action"] for h in detail["history"]] == ["case.hide"]


def test_the_author_is_told_and_may_appeal_once(api, employee, fred, cm, make_post):
    post = make_post(employee)
    case_id = reported_case(api(fred), "post", post.id)
    act(api(cm), case_id, "hide", message="Off-topic here")
    notes = api(employee).get("/api/v1/notifications").get_json()["items"]
    notice = next(n for n in notes if n["type"] == "moderation")
    assert "hid your post" in notice["text"] and "Off-topic here" in notice["text"]

    mine = api(employee).get("/api/v1/moderation/mine").get_json()["items"]
    assert [(c["id"], c["appealed"]) for c in mine] == [(case_id, False)]
    assert_error(api(fred).post(f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "x"}), 404)
    appeal = api(employee).post(
        f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "It was on topic"}
    )
    assert appeal.status_code == 201
    again = api(employee).post(f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "Please"})
    assert_error(again, 409)
    queue = api(cm).get("/api/v1/moderation/cases?kind=appeal").get_json()["items"]
    assert [c["appeal_of_id"] for c in queue] == [case_id]

    restored = act(api(cm), appeal.get_json()["id"], "restore")
    assert restored.status_code == 200
    assert post.id in _feed_ids(api(fred))


def test_an_action_on_a_closed_case_is_refused_and_changes_nothing(
    api, employee, fred, cm, make_post
):
    post = make_post(employee)
    case_id = reported_case(api(fred), "post", post.id)
    assert act(api(cm), case_id, "dismiss").status_code == 200
    entries = count_rows(AuditLogEntry)
    body = assert_error(act(api(cm), case_id, "delete"), 409)
    assert "closed" in body["message"]
    assert count_rows(AuditLogEntry) == entries
    db.session.rollback()
    assert db.session.get(Post, post.id).moderation_state == "published"


def test_delete_hides_from_the_author_too_but_the_case_keeps_it(api, employee, fred, cm, make_post):
    post = make_post(employee, "spam spam")
    case_id = reported_case(api(fred), "post", post.id)
    act(api(cm), case_id, "delete")
    assert_error(api(employee).get(f"/api/v1/posts/{post.id}"), 404)
    detail = api(cm).get(f"/api/v1/moderation/cases/{case_id}").get_json()
    assert detail["target"]["moderation_state"] == "removed"


def test_hiding_a_comment_lowers_the_count_and_restoring_puts_it_back(
    api, employee, fred, cm, make_post, capture_events
):
    post = make_post(employee)
    comment = api(fred).post(f"/api/v1/posts/{post.id}/comments", {"body": "rude words"}).get_json()
    case_id = reported_case(api(employee), "comment", comment["id"], "harassment")
    act(api(cm), case_id, "hide", close=False)
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["comment_count"] == 0
    listed = api(employee).get(f"/api/v1/posts/{post.id}/comments").get_json()["items"]
    assert listed == []
    own = api(fred).get(f"/api/v1/posts/{post.id}/comments").get_json()["items"]
    assert [c["moderation_state"] for c in own] == ["hidden"]
    assert capture_events.rooms("comment.hidden") == {"company"}
    act(api(cm), case_id, "restore")
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["comment_count"] == 1


def test_mute_lets_people_read_but_not_write_anywhere(api, employee, fred, cm, make_post):
    post = make_post(employee)
    case_id = reported_case(api(employee), "user", fred.id, "harassment")
    assert_error(act(api(cm), case_id, "mute"), 400)  # a mute needs a duration
    assert act(api(cm), case_id, "mute", duration_hours=24, message="Cool down").status_code == 200
    client = api(fred)
    attempts = [
        client.post("/api/v1/posts", {"body": "hello"}),
        client.post(f"/api/v1/posts/{post.id}/comments", {"body": "hi"}),
        client.put(f"/api/v1/posts/{post.id}/reactions/like"),
        client.post("/api/v1/polls", {"question": "Q?", "options": ["a", "b"]}),
    ]
    for response in attempts:
        body = assert_error(response, 403)
        assert "muted until" in body["message"]
    assert client.get("/api/v1/feed").status_code == 200
    assert table_counts(Sanction) == {"sanctions": 1}
    # when the mute ends, writing works again
    db.session.rollback()
    person = db.session.get(User, fred.id)
    person.muted_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/api/v1/posts", {"body": "back"}).status_code == 201


def test_suspension_ends_tokens_sockets_and_sign_in(api, app, employee, fred, cm, socket_for):
    case_id = reported_case(api(employee), "user", fred.id, "harassment")
    client = api(fred)
    sock = socket_for(fred)
    assert sock.is_connected()
    assert act(api(cm), case_id, "suspend", duration_hours=72).status_code == 200
    assert not sock.is_connected()
    assert_error(client.get("/api/v1/feed"), 401)
    web = app.test_client()
    response = web.post(
        "/api/v1/auth/login", json={"email": fred.email, "password": "correct horse battery"}
    )
    body = assert_error(response, 401)
    assert "suspended until" in body["message"]


def test_indefinite_suspension_reads_until_further_notice(api, app, employee, fred, cm):
    case_id = reported_case(api(employee), "user", fred.id, "harassment")
    act(api(cm), case_id, "suspend")
    response = app.test_client().post(
        "/api/v1/auth/login", json={"email": fred.email, "password": "correct horse battery"}
    )
    assert "further notice" in assert_error(response, 401)["message"]


def test_moderators_cannot_rewrite_anyones_words(api, employee, cm, admin, make_post):
    post = make_post(employee, "my words")
    for moderator in (cm, admin):
        assert_error(api(moderator).patch(f"/api/v1/posts/{post.id}", {"body": "theirs"}), 403)
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["body"] == "my words"


def test_lock_turns_comments_off(api, employee, fred, cm, make_post):
    post = make_post(employee)
    case_id = reported_case(api(fred), "post", post.id)
    act(api(cm), case_id, "lock")
    body = assert_error(api(fred).post(f"/api/v1/posts/{post.id}/comments", {"body": "x"}), 403)
    assert "turned off" in body["message"]


def test_move_takes_a_post_to_another_group_live(
    api, employee, fred, cm, make_group, make_post, capture_events
):
    team = make_group("Team", "private", members=(employee,))
    post = make_post(employee, "belongs in the team")
    case_id = reported_case(api(fred), "post", post.id, "off_topic")
    assert_error(act(api(cm), case_id, "move"), 400)  # where to?
    assert act(api(cm), case_id, "move", group_id=team.id).status_code == 200
    assert capture_events.rooms("post.hidden") == {"company"}
    assert f"group:{team.id}" in capture_events.rooms("post.created")
    assert_error(api(fred).get(f"/api/v1/posts/{post.id}"), 404)
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["group_id"] == team.id


def test_bulk_is_all_or_nothing(api, employee, fred, cm, make_post, make_user):
    posts = [make_post(employee, f"post {i}") for i in range(3)]
    ids = [reported_case(api(fred), "post", p.id) for p in posts]
    act(api(cm), ids[2], "dismiss")
    before = count_rows(AuditLogEntry)
    response = api(cm).post("/api/v1/moderation/bulk", {"case_ids": ids, "action": "hide"})
    body = assert_error(response, 409)
    assert body["case_id"] == ids[2]
    assert count_rows(AuditLogEntry) == before
    assert all(
        p["moderation_state"] == "published"
        for p in api(employee).get("/api/v1/feed").get_json()["items"]
    )
    done = api(cm).post("/api/v1/moderation/bulk", {"case_ids": ids[:2], "action": "hide"})
    assert done.status_code == 200
    assert [c["resolution"] for c in done.get_json()["items"]] == ["hide", "hide"]
    for bad in (
        {"case_ids": [], "action": "hide"},
        {"case_ids": list(range(1, 102)), "action": "hide"},
        {"case_ids": ["1"], "action": "hide"},
        {"case_ids": ids, "action": "explode"},
    ):
        assert_error(api(cm).post("/api/v1/moderation/bulk", bad), 400)


def test_group_admins_moderate_their_group_only(
    api, employee, fred, make_user, make_group, make_post
):
    lead = make_user("Lea Lead")
    ours = make_group("Ours", "public", members=(employee, lead))
    theirs = make_group("Theirs", "public", members=(employee,))
    make_group_admin(lead, ours)
    in_ours = reported_case(api(fred), "post", make_post(employee, "a", group=ours).id)
    in_theirs = reported_case(api(fred), "post", make_post(employee, "b", group=theirs).id)
    queue = api(lead).get("/api/v1/moderation/cases").get_json()["items"]
    assert [c["id"] for c in queue] == [in_ours]
    assert_error(api(lead).get(f"/api/v1/moderation/cases/{in_theirs}"), 404)
    assert_error(act(api(lead), in_theirs, "hide"), 404)
    body = assert_error(act(api(lead), in_ours, "mute", duration_hours=1), 403)
    assert "community managers" in body["message"]
    assert act(api(lead), in_ours, "hide").status_code == 200


def test_the_queue_is_sorted_by_severity_then_age_and_pages(api, employee, fred, cm, make_post):
    low = reported_case(api(fred), "post", make_post(employee, "1").id, "off_topic")
    high = reported_case(api(fred), "post", make_post(employee, "2").id, "harassment")
    mid = reported_case(api(fred), "post", make_post(employee, "3").id, "spam")
    high2 = reported_case(api(fred), "post", make_post(employee, "4").id, "confidential")
    first = api(cm).get("/api/v1/moderation/cases?limit=2").get_json()
    rest = api(cm).get(f"/api/v1/moderation/cases?limit=2&cursor={first['next_cursor']}").get_json()
    assert [c["id"] for c in first["items"] + rest["items"]] == [high, high2, mid, low]
    assert rest["next_cursor"] is None
    assert_error(api(cm).get("/api/v1/moderation/cases?status=maybe"), 400)


def test_notes_and_assignment(api, employee, fred, cm, admin, make_post):
    case_id = reported_case(api(fred), "post", make_post(employee).id)
    note = api(cm).post(f"/api/v1/moderation/cases/{case_id}/notes", {"body": "<b>check HR</b>"})
    assert note.status_code == 201
    assert_error(
        api(cm).post(f"/api/v1/moderation/cases/{case_id}/assign", {"assignee_id": fred.id}), 400
    )
    assigned = api(cm).post(f"/api/v1/moderation/cases/{case_id}/assign", {"assignee_id": admin.id})
    assert assigned.get_json()["assignee"]["id"] == admin.id
    mine = api(admin).get("/api/v1/moderation/cases?assignee=me").get_json()["items"]
    assert [c["id"] for c in mine] == [case_id]
    detail = api(cm).get(f"/api/v1/moderation/cases/{case_id}").get_json()
    assert detail["notes"][0]["body"] == "<b>check HR</b>"  # stored as text; pages escape it
    assert_error(api(employee).get(f"/api/v1/moderation/cases/{case_id}"), 404)
    db.session.rollback()
    assert db.session.get(ModerationCase, case_id).assignee_id == admin.id


def test_moving_a_post_takes_all_its_cases_away_from_the_old_groups_admins(
    api, employee, fred, cm, make_user, make_group, make_post
):
    lead = make_user("Lea Lead")
    old = make_group("Old", "public", members=(employee, lead, fred))
    secret = make_group("Board", "secret", members=(cm,))
    make_group_admin(lead, old)
    post = make_post(employee, "moving soon", group=old)
    comment = api(fred).post(f"/api/v1/posts/{post.id}/comments", {"body": "hm"}).get_json()
    post_case = reported_case(api(fred), "post", post.id)
    comment_case = reported_case(api(employee), "comment", comment["id"])
    flag_case = reported_case(api(make_user()), "post", post.id, "harassment")
    assert flag_case == post_case  # same target, same case
    assert act(api(cm), post_case, "move", group_id=secret.id, close=True).status_code == 200
    for case_id in (post_case, comment_case):
        assert_error(api(lead).get(f"/api/v1/moderation/cases/{case_id}"), 404)
    assert_error(act(api(lead), comment_case, "delete"), 404)


def test_a_hidden_post_leaves_the_pins(api, employee, fred, cm, make_post):
    post = make_post(employee)
    api(cm).post(f"/api/v1/posts/{post.id}/pin")
    case_id = reported_case(api(fred), "post", post.id)
    act(api(cm), case_id, "hide")
    assert api(employee).get("/api/v1/feed").get_json()["pinned_posts"] == []
    db.session.rollback()
    assert db.session.get(Post, post.id).pinned_at is None


def test_an_author_deleting_held_content_withdraws_its_cases(api, employee, cm, watch):
    watch("salary", "require_approval")
    post = api(employee).post("/api/v1/posts", {"body": "salary talk"}).get_json()
    assert api(employee).delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert api(cm).get("/api/v1/moderation/cases").get_json()["items"] == []
    closed = api(cm).get("/api/v1/moderation/cases?status=closed").get_json()["items"]
    assert [c["resolution"] for c in closed] == ["withdrawn"]


def test_out_of_range_ids_are_a_400_not_a_500(api, cm):
    client = api(cm)
    assert_error(
        client.post("/api/v1/moderation/bulk", {"case_ids": [2**70], "action": "hide"}), 400
    )
    assert_error(client.get("/api/v1/moderation/cases?group_id=9999999999"), 400)
    assert_error(client.get(f"/api/v1/moderation/cases?group_id={'9' * 5000}"), 400)
    assert_error(client.get("/api/v1/audit-log?actor_id=9999999999"), 400)


def test_a_decision_on_an_appeal_is_final(api, employee, fred, cm, make_post):
    post = make_post(employee)
    case_id = reported_case(api(fred), "post", post.id)
    act(api(cm), case_id, "hide")
    appeal = api(employee).post(f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "why"})
    act(api(cm), appeal.get_json()["id"], "warn", message="Please keep it on topic")
    mine = api(employee).get("/api/v1/moderation/mine").get_json()["items"]
    assert [(c["id"], c["appealed"]) for c in mine] == [(case_id, True)]
    notes = api(employee).get("/api/v1/notifications").get_json()["items"]
    assert "final" in notes[0]["text"] and "may appeal" not in notes[0]["text"]
