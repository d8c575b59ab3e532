"""Groups: creating, joining, governing, the directory, members and each group's feed."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.models import Group, GroupJoinRequest, GroupMembership, Post
from tests.group_fixtures import API, create_group, ids, notifications_of
from tests.helpers import assert_error, count_rows, table_counts
from tests.test_feed import count_statements


def _membership(group_id: int, user) -> GroupMembership | None:
    db.session.rollback()
    return db.session.get(GroupMembership, (group_id, user.id))


# --- creating -----------------------------------------------------------------------------


def test_creator_becomes_the_groups_admin(api, employee):
    group = create_group(api(employee), "Formation", "private", description="Training")
    assert group["type"] == "private" and group["description"] == "Training"
    assert group["my_role"] == "admin" and group["member_count"] == 1
    assert group["official"] is False
    assert _membership(group["id"], employee).role == "admin"


def test_group_creation_can_be_restricted_to_some_roles(app, api, employee, cm):
    app.config["GROUP_CREATION_ROLES"] = ["community_manager", "admin"]
    assert_error(api(employee).post(f"{API}/groups", {"name": "Mine"}), 403, "forbidden")
    assert count_rows(Group) == 0
    assert create_group(api(cm), "News")["my_role"] == "admin"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "X", "type": "hidden"}, "type"),
        ({"name": "X", "cover_color": "red"}, "cover_color"),
        ({"name": "X", "cover_color": "#12345g"}, "cover_color"),
        ({"name": "X", "owner_id": 1}, "owner_id"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"type": "public"}, "name"),
        ({"name": "X", "official": "yes"}, "official"),
    ],
)
def test_bad_group_input_is_refused_with_nothing_written(api, cm, body, field):
    body = assert_error(api(cm).post(f"{API}/groups", body), 400, "invalid")
    assert field in body.get("fields", {}), body
    assert table_counts(Group, GroupMembership) == {"groups": 0, "group_memberships": 0}


def test_a_name_too_long_is_refused_with_nothing_written(api, cm):
    body = assert_error(api(cm).post(f"{API}/groups", {"name": "n" * 121}), 413, "too_large")
    assert body["fields"] == {"name": "too_long"}
    assert count_rows(Group) == 0


def test_bad_group_update_changes_nothing(api, employee):
    me = api(employee)
    group = create_group(me, "Formation")
    for body in ({"type": "hidden"}, {"cover_color": "blue"}, {"name": ""}, {"colour": "#000000"}):
        assert_error(me.patch(f"{API}/groups/{group['id']}", body), 400, "invalid")
    again = me.get(f"{API}/groups/{group['id']}").get_json()
    assert (again["name"], again["type"], again["cover_color"]) == (
        "Formation",
        "public",
        group["cover_color"],
    )


# --- official groups ----------------------------------------------------------------------


def test_only_community_managers_mark_a_group_official(api, employee, cm):
    assert_error(api(employee).post(f"{API}/groups", {"name": "Fake news", "official": True}), 403)
    assert count_rows(Group) == 0
    mine = create_group(api(employee), "Mine")
    assert_error(api(employee).patch(f"{API}/groups/{mine['id']}", {"official": True}), 403)
    # A community manager need not be a member to mark a group official.
    response = api(cm).patch(f"{API}/groups/{mine['id']}", {"official": True})
    assert response.status_code == 200 and response.get_json()["official"] is True
    assert create_group(api(cm), "News", official=True)["official"] is True


def test_non_admin_cannot_change_a_group(api, employee, manager, fred):
    group = create_group(api(manager), "Production", "public")
    api(employee).post(f"{API}/groups/{group['id']}/join")
    for user in (employee, fred):
        for body in ({"type": "private"}, {"name": "Mine now"}, {"archived": True}, {}):
            assert_error(api(user).patch(f"{API}/groups/{group['id']}", body), 403, "forbidden")
    db.session.rollback()
    stored = db.session.get(Group, group["id"])
    assert (stored.visibility, stored.name, stored.archived_at) == ("public", "Production", None)


def test_nobody_can_change_or_delete_a_secret_group_they_cannot_see(api, manager, fred, admin):
    group = create_group(api(manager), "Board", "secret")
    for user in (fred, admin):
        assert_error(api(user).patch(f"{API}/groups/{group['id']}", {"name": "x"}), 404)
        assert_error(api(user).delete(f"{API}/groups/{group['id']}"), 404)
    assert count_rows(Group) == 1


# --- joining ------------------------------------------------------------------------------


def test_joining_a_public_group_is_immediate(api, manager, employee, capture_events):
    group = create_group(api(manager), "Formation", "public")
    response = api(employee).post(f"{API}/groups/{group['id']}/join")
    assert response.get_json() == {"group_id": group["id"], "status": "joined"}
    assert _membership(group["id"], employee).role == "member"
    [joined] = capture_events.of_type("member.joined")
    assert joined.room == f"group:{group['id']}"
    assert joined.payload["data"]["user"]["id"] == employee.id
    assert_error(api(employee).post(f"{API}/groups/{group['id']}/join"), 409, "conflict")


def test_asking_to_join_a_private_group_notifies_its_admins(api, manager, cm, employee, fred):
    group = create_group(api(manager), "Managers", "private")
    api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": cm.id, "role": "admin"})
    api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": employee.id})
    for _ in range(2):  # asking twice is one request
        response = api(fred).post(f"{API}/groups/{group['id']}/join")
        assert response.get_json() == {"group_id": group["id"], "status": "requested"}
    assert _membership(group["id"], fred) is None
    assert count_rows(GroupJoinRequest) == 1
    assert api(fred).get(f"{API}/groups/{group['id']}").get_json()["request_pending"] is True
    for admin_of_group in (manager, cm):
        requests = [
            n for n in notifications_of(api(admin_of_group)) if n["type"] == "join_requested"
        ]
        assert [(n["actor"]["id"], n["group_id"]) for n in requests] == [(fred.id, group["id"])]
    # A plain member is not told, and does not see the pending requests.
    assert not [n for n in notifications_of(api(employee)) if n["type"] == "join_requested"]
    assert_error(api(employee).get(f"{API}/groups/{group['id']}/requests"), 403)
    pending = api(manager).get(f"{API}/groups/{group['id']}/requests").get_json()["items"]
    assert [r["user"]["id"] for r in pending] == [fred.id]


def test_joining_a_secret_group_by_id_is_a_404_like_a_missing_group(api, manager, fred):
    group = create_group(api(manager), "Board", "secret")
    secret = api(fred).post(f"{API}/groups/{group['id']}/join")
    missing = api(fred).post(f"{API}/groups/{group['id'] + 1000}/join")
    assert assert_error(secret, 404) == assert_error(missing, 404)
    assert count_rows(GroupJoinRequest) == 0
    assert _membership(group["id"], fred) is None


def test_approving_a_request_makes_a_member_and_tells_them(api, manager, fred):
    group = create_group(api(manager), "Managers", "private")
    api(fred).post(f"{API}/groups/{group['id']}/join")
    response = api(manager).post(f"{API}/groups/{group['id']}/requests/{fred.id}/approve")
    assert response.get_json()["status"] == "approved"
    assert _membership(group["id"], fred).role == "member"
    assert count_rows(GroupJoinRequest) == 0
    approved = [n for n in notifications_of(api(fred)) if n["type"] == "request_approved"]
    assert [n["group_id"] for n in approved] == [group["id"]]
    assert api(fred).get(f"{API}/groups/{group['id']}/feed").status_code == 200


def test_declining_a_request_removes_it(api, manager, fred):
    group = create_group(api(manager), "Managers", "private")
    api(fred).post(f"{API}/groups/{group['id']}/join")
    response = api(manager).post(f"{API}/groups/{group['id']}/requests/{fred.id}/decline")
    assert response.get_json()["status"] == "declined"
    assert _membership(group["id"], fred) is None and count_rows(GroupJoinRequest) == 0
    assert_error(api(manager).post(f"{API}/groups/{group['id']}/requests/{fred.id}/approve"), 404)


def test_only_group_admins_decide_on_requests(api, manager, employee, fred, make_user):
    group = create_group(api(manager), "Managers", "private")
    api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": employee.id})
    api(fred).post(f"{API}/groups/{group['id']}/join")
    for user in (employee, fred, make_user("Other Person")):
        for decision in ("approve", "decline"):
            url = f"{API}/groups/{group['id']}/requests/{fred.id}/{decision}"
            assert_error(api(user).post(url), 403, "forbidden")
    assert _membership(group["id"], fred) is None and count_rows(GroupJoinRequest) == 1


def test_nobody_approves_their_own_request_even_a_company_admin(api, manager, admin):
    group = create_group(api(manager), "Managers", "private")
    assert api(admin).post(f"{API}/groups/{group['id']}/join").get_json()["status"] == "requested"
    url = f"{API}/groups/{group['id']}/requests/{admin.id}/approve"
    assert_error(api(admin).post(url), 403, "forbidden")
    assert _membership(group["id"], admin) is None and count_rows(GroupJoinRequest) == 1


# --- members ------------------------------------------------------------------------------


def test_admins_add_members_who_are_told(api, manager, employee, fred, capture_events):
    group = create_group(api(manager), "Board", "secret")
    response = api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": employee.id})
    assert response.status_code == 201
    assert _membership(group["id"], employee).role == "member"
    added = [n for n in notifications_of(api(employee)) if n["type"] == "added"]
    assert [n["group_id"] for n in added] == [group["id"]]
    assert added[0]["summary"] == "Marc Manager added you to Board"  # not "invited you"
    assert capture_events.rooms("member.joined") == {f"group:{group['id']}"}
    # Now a member, the invitee may see the secret group; a member is not an admin.
    assert api(employee).get(f"{API}/groups/{group['id']}").get_json()["my_role"] == "member"
    add_fred = api(employee).post(f"{API}/groups/{group['id']}/members", {"user_id": fred.id})
    assert_error(add_fred, 403)
    assert_error(api(fred).post(f"{API}/groups/{group['id']}/members", {"user_id": fred.id}), 404)
    assert _membership(group["id"], fred) is None


def test_adding_bad_or_existing_members_is_refused(api, manager, employee, make_user):
    group = create_group(api(manager), "Board", "private")
    me = api(manager)
    url = f"{API}/groups/{group['id']}/members"
    assert me.post(url, {"user_id": employee.id}).status_code == 201
    assert_error(me.post(url, {"user_id": employee.id}), 409)
    gone = make_user("Gone Person", active=False)
    for body in ({"user_id": 99999}, {"user_id": gone.id}, {"user_id": "x"}, {}):
        assert_error(me.post(url, body), 400, "invalid")
    assert_error(me.post(url, {"user_id": employee.id, "role": "owner"}), 400)
    assert count_rows(GroupMembership) == 2


def test_a_private_member_leaves_and_no_longer_reads(api, manager, employee, make_post):
    group = create_group(api(manager), "Board", "private")
    api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": employee.id})
    response = api(employee).delete(f"{API}/groups/{group['id']}/members/{employee.id}")
    assert response.status_code == 204
    assert _membership(group["id"], employee) is None
    assert_error(api(employee).get(f"{API}/groups/{group['id']}/feed"), 403)


def test_admins_remove_members_others_cannot(api, manager, employee, fred, capture_events):
    group = create_group(api(manager), "Production", "public")
    for user in (employee, fred):
        api(user).post(f"{API}/groups/{group['id']}/join")
    assert_error(api(fred).delete(f"{API}/groups/{group['id']}/members/{employee.id}"), 403)
    assert _membership(group["id"], employee) is not None
    response = api(manager).delete(f"{API}/groups/{group['id']}/members/{employee.id}")
    assert response.status_code == 204
    assert _membership(group["id"], employee) is None
    [left] = capture_events.of_type("member.left")
    assert left.payload["data"] == {"group_id": group["id"], "user_id": employee.id}
    assert_error(api(manager).delete(f"{API}/groups/{group['id']}/members/{employee.id}"), 404)


def test_promote_and_demote_and_the_last_admin_rule(api, manager, employee):
    group = create_group(api(manager), "Board", "private")
    url = f"{API}/groups/{group['id']}/members"
    api(manager).post(url, {"user_id": employee.id})
    # The last admin can neither step down nor leave.
    assert_error(api(manager).patch(f"{url}/{manager.id}", {"role": "member"}), 409, "conflict")
    assert_error(api(manager).delete(f"{url}/{manager.id}"), 409, "conflict")
    assert _membership(group["id"], manager).role == "admin"
    # A member cannot promote themselves.
    assert_error(api(employee).patch(f"{url}/{employee.id}", {"role": "admin"}), 403)
    assert_error(api(manager).patch(f"{url}/{employee.id}", {"role": "owner"}), 400)
    # Hand over, then leave.
    assert api(manager).patch(f"{url}/{employee.id}", {"role": "admin"}).status_code == 204
    assert _membership(group["id"], employee).role == "admin"
    assert api(manager).delete(f"{url}/{manager.id}").status_code == 204
    assert_error(api(employee).delete(f"{url}/{employee.id}"), 409)
    # Demotion works while another admin remains.
    api(employee).post(url, {"user_id": manager.id, "role": "admin"})
    assert api(employee).patch(f"{url}/{manager.id}", {"role": "member"}).status_code == 204
    assert _membership(group["id"], manager).role == "member"


# --- archive ------------------------------------------------------------------------------


def test_an_archived_group_is_read_only(api, manager, employee, fred, make_post):
    group = create_group(api(manager), "Old project", "public")
    api(employee).post(f"{API}/groups/{group['id']}/join")
    before = api(employee).post(f"{API}/posts", {"body": "before", "group_id": group["id"]})
    assert before.status_code == 201
    response = api(manager).patch(f"{API}/groups/{group['id']}", {"archived": True})
    assert response.get_json()["archived"] is True
    posts_before = count_rows(Post)
    for user in (employee, manager):
        refused = api(user).post(f"{API}/posts", {"body": "after", "group_id": group["id"]})
        assert_error(refused, 403)
    assert count_rows(Post) == posts_before
    assert_error(api(fred).post(f"{API}/groups/{group['id']}/join"), 409)
    assert ids(api(fred).get(f"{API}/groups/{group['id']}/feed")) == [before.get_json()["id"]]


# --- directory ----------------------------------------------------------------------------


def test_directory_lists_official_first_then_by_name_and_hides_secret_groups(
    api, cm, employee, fred
):
    create_group(api(employee), "beta", "public")
    create_group(api(employee), "Alpha", "private")
    create_group(api(employee), "Hidden", "secret")
    create_group(api(cm), "Zulu News", "public", official=True)
    names = [g["name"] for g in api(fred).get(f"{API}/groups").get_json()["items"]]
    assert names == ["Zulu News", "Alpha", "beta"]
    names = [g["name"] for g in api(employee).get(f"{API}/groups").get_json()["items"]]
    assert names == ["Zulu News", "Alpha", "beta", "Hidden"]
    found = api(employee).get(f"{API}/groups?q=HID").get_json()["items"]
    assert [g["name"] for g in found] == ["Hidden"]
    assert api(fred).get(f"{API}/groups?q=hid").get_json()["items"] == []
    mine = api(employee).get(f"{API}/groups?mine=1").get_json()["items"]
    assert {g["name"] for g in mine} == {"Alpha", "beta", "Hidden"}


def test_directory_search_treats_wildcards_literally(api, employee):
    create_group(api(employee), "100% Lyon")
    create_group(api(employee), "Lyon site")
    found = api(employee).get(f"{API}/groups", query_string={"q": "%"}).get_json()["items"]
    assert [g["name"] for g in found] == ["100% Lyon"]


def test_directory_cursor_pagination_has_no_gaps_or_repeats(api, cm, employee):
    for i in range(7):
        create_group(api(employee), f"Group {i}", ("public", "private")[i % 2])
    create_group(api(cm), "Official", official=True)
    me = api(employee)
    seen, cursor = [], None
    while True:
        url = f"{API}/groups?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = me.get(url).get_json()
        seen += [g["name"] for g in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["Official"] + [f"Group {i}" for i in range(7)]
    assert_error(me.get(f"{API}/groups?limit=3&q=x&cursor={page_cursor(me)}"), 400)


def page_cursor(client) -> str:
    """A cursor of the unfiltered directory (not valid for a filtered one)."""
    return client.get(f"{API}/groups?limit=1").get_json()["next_cursor"]


def test_members_list_admins_first(api, manager, employee, fred, make_user):
    group = create_group(api(manager), "Zeta", "public")
    aaron = make_user("Aaron Member")
    for user in (employee, aaron):
        api(user).post(f"{API}/groups/{group['id']}/join")
    items = api(fred).get(f"{API}/groups/{group['id']}/members").get_json()["items"]
    assert [(m["id"], m["role"]) for m in items] == [
        (manager.id, "admin"),
        (aaron.id, "member"),
        (employee.id, "member"),
    ]
    two = api(fred).get(f"{API}/groups/{group['id']}/members?limit=2").get_json()
    rest = (
        api(fred)
        .get(f"{API}/groups/{group['id']}/members?limit=2&cursor={two['next_cursor']}")
        .get_json()
    )
    assert [m["id"] for m in two["items"] + rest["items"]] == [m["id"] for m in items]


# --- feeds --------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility, outsider_status", [("private", 403), ("secret", 404)])
def test_group_feed_and_members_for_members_and_outsiders(
    api, manager, employee, fred, visibility, outsider_status
):
    group = create_group(api(manager), "Team", visibility)
    api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": employee.id})
    post = api(employee).post(f"{API}/posts", {"body": "inside", "group_id": group["id"]})
    assert ids(api(manager).get(f"{API}/groups/{group['id']}/feed")) == [post.get_json()["id"]]
    for path in ("feed", "members"):
        assert_error(api(fred).get(f"{API}/groups/{group['id']}/{path}"), outsider_status)


def test_a_public_groups_feed_is_readable_by_everyone(api, manager, fred):
    group = create_group(api(manager), "Open", "public")
    post = api(manager).post(f"{API}/posts", {"body": "hello all", "group_id": group["id"]})
    assert ids(api(fred).get(f"{API}/groups/{group['id']}/feed")) == [post.get_json()["id"]]


def test_home_feed_is_the_company_space_and_my_groups_only(api, manager, employee, fred, make_post):
    mine = create_group(api(employee), "Mine", "private")
    public_other = create_group(api(manager), "Not mine", "public")
    company = make_post(manager, "company news")
    me = api(employee)
    in_mine = me.post(f"{API}/posts", {"body": "mine", "group_id": mine["id"]}).get_json()
    api(manager).post(f"{API}/posts", {"body": "elsewhere", "group_id": public_other["id"]})
    assert ids(me.get(f"{API}/feed")) == [in_mine["id"], company.id]
    assert ids(api(fred).get(f"{API}/feed")) == [company.id]


def test_posting_into_a_group_you_are_not_in_is_refused(api, manager, fred, make_group):
    public = create_group(api(manager), "Open", "public")
    private = create_group(api(manager), "Closed", "private")
    secret = create_group(api(manager), "Hidden", "secret")
    for group in (public, private):  # listed groups: the refusal can say why
        response = api(fred).post(f"{API}/posts", {"body": "x", "group_id": group["id"]})
        assert assert_error(response, 403)["message"] == "Join this group to post in it."
    response = api(fred).post(f"{API}/posts", {"body": "x", "group_id": secret["id"]})
    assert assert_error(response, 400)["fields"] == {"group_id": "unknown"}  # existence hidden
    assert count_rows(Post) == 0


def _group_feed_statements(client, group_id: int) -> list[str]:
    db.session.rollback()
    with count_statements() as statements:
        response = client.get(f"{API}/groups/{group_id}/feed?limit=50")
    assert response.status_code == 200
    return statements


def test_group_feed_costs_the_same_queries_for_1_and_20_posts(api, manager, employee):
    from socialnet.services.comments import do_create_comment
    from socialnet.services.reactions import do_set_reaction

    group = create_group(api(manager), "Team", "private")
    api(manager).post(f"{API}/groups/{group['id']}/members", {"user_id": employee.id})
    me = api(employee)
    assert me.get(f"{API}/me").status_code == 200  # the token's hourly last-use write, done

    def populate(n: int) -> None:
        for i in range(n):
            body = {"body": f"post {i} @emma.employee #t{i}", "group_id": group["id"]}
            post_id = api(manager).post(f"{API}/posts", body).get_json()["id"]
            post = db.session.get(Post, post_id)
            do_set_reaction(employee, post, "like", active=True)
            do_create_comment(employee, post_id, {"body": f"c{i}"})
            db.session.commit()

    populate(1)
    one = _group_feed_statements(me, group["id"])
    populate(19)
    twenty = _group_feed_statements(me, group["id"])
    assert len(ids(me.get(f"{API}/groups/{group['id']}/feed?limit=50"))) == 20
    assert len(twenty) == len(one), "\n\n".join(twenty)


def test_group_updated_event_goes_to_the_group_without_viewer_fields(api, manager, capture_events):
    group = create_group(api(manager), "Team", "public")
    api(manager).patch(f"{API}/groups/{group['id']}", {"description": "We build things"})
    [event] = capture_events.of_type("group.updated")
    assert event.room == f"group:{group['id']}"
    assert event.payload["data"]["description"] == "We build things"
    assert "my_role" not in event.payload["data"]  # the admin's role is not everyone's


def test_an_approved_members_open_socket_joins_the_room_at_once(api, manager, fred, socket_for):
    from tests.conftest import received_events

    group = create_group(api(manager), "Managers", "private")
    sock = socket_for(fred)
    sock.get_received()
    api(fred).post(f"{API}/groups/{group['id']}/join")
    api(manager).post(f"{API}/groups/{group['id']}/requests/{fred.id}/approve")
    [joined] = received_events(sock, "member.joined")  # their own arrival, too
    assert joined["data"]["user"]["id"] == fred.id
    post = api(manager).post(f"{API}/posts", {"body": "welcome", "group_id": group["id"]})
    assert [e["data"]["id"] for e in received_events(sock, "post.created")] == [
        post.get_json()["id"]
    ]
