"""Pinned and featured posts."""

from __future__ import annotations

from tests.helpers import assert_error
from tests.moderation_fixtures import make_group_admin


def test_company_pins_and_features_head_the_first_page_for_those_who_may_see_them(
    api, cm, employee, fred, make_post, make_group, capture_events
):
    team = make_group("Team", "private", members=(employee, cm))
    open_post = make_post(employee, "open to all")
    team_post = make_post(employee, "team only", group=team)
    assert api(cm).post(f"/api/v1/posts/{open_post.id}/pin").get_json()["pinned"] is True
    assert capture_events.rooms("post.updated") == {"company"}
    assert api(cm).post(f"/api/v1/posts/{team_post.id}/feature").status_code == 200
    assert api(cm).post(f"/api/v1/posts/{open_post.id}/feature").status_code == 200

    mine = api(employee).get("/api/v1/feed").get_json()
    assert [p["id"] for p in mine["pinned_posts"]] == [open_post.id]
    assert [p["id"] for p in mine["featured"]] == [open_post.id, team_post.id]
    theirs = api(fred).get("/api/v1/feed").get_json()
    assert [p["id"] for p in theirs["featured"]] == [open_post.id]  # the team's is not theirs
    later = api(employee).get(f"/api/v1/feed?cursor={mine['next_cursor']}")
    assert mine["next_cursor"] is None or "pinned_posts" not in later.get_json()

    api(cm).post(f"/api/v1/posts/{open_post.id}/pin", {"pinned": False})
    assert api(employee).get("/api/v1/feed").get_json()["pinned_posts"] == []


def test_group_admins_pin_in_their_group(api, employee, make_user, make_group, make_post):
    lead = make_user("Lea Lead")
    group = make_group("Makers", "public", members=(employee, lead))
    make_group_admin(lead, group)
    post = make_post(employee, "how-to", group=group)
    assert_error(api(employee).post(f"/api/v1/posts/{post.id}/pin"), 403)
    assert api(lead).post(f"/api/v1/posts/{post.id}/pin").status_code == 200
    feed = api(employee).get(f"/api/v1/groups/{group.id}/feed").get_json()
    assert [p["id"] for p in feed["pinned_posts"]] == [post.id]


def test_pins_are_limited_and_validated(api, cm, employee, make_post):
    posts = [make_post(employee, f"p{i}") for i in range(6)]
    for post in posts[:5]:
        assert api(cm).post(f"/api/v1/posts/{post.id}/pin").status_code == 200
    body = assert_error(api(cm).post(f"/api/v1/posts/{posts[5].id}/pin"), 409)
    assert "unpin one first" in body["message"]
    assert_error(api(cm).post(f"/api/v1/posts/{posts[0].id}/pin", {"pinned": "yes"}), 400)
    assert_error(api(cm).post(f"/api/v1/posts/{posts[0].id}/pin", {"other": 1}), 400)
    assert_error(api(cm).post("/api/v1/posts/999999/pin"), 404)
    pinned = api(employee).get("/api/v1/feed").get_json()["pinned_posts"]
    assert len(pinned) == 5
