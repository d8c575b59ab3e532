"""Posts, comments and reactions over the API, including every way to send bad input."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.models import Comment, Event, Mention, Post, PostHashtag, Reaction
from socialnet.services.reactions import do_set_reaction
from tests.helpers import assert_error, count_rows, table_counts

WRITE_TABLES = (Post, Comment, Reaction, Mention, PostHashtag, Event)


def _nothing_written(before: dict[str, int]) -> None:
    assert table_counts(*WRITE_TABLES) == before


# --- create, read, edit, delete ---------------------------------------------------------


def test_create_get_edit_delete(api, employee, fred):
    me = api(employee)
    response = me.post("/api/v1/posts", {"body": "First *draft* #plans"})
    assert response.status_code == 201
    post = response.get_json()
    assert post["author"]["id"] == employee.id
    assert post["body"] == "First *draft* #plans"
    assert "<em>draft</em>" in post["body_html"]
    assert post["edited_at"] is None
    assert post["group_id"] is None
    assert post["comment_count"] == 0
    assert post["my_reactions"] == []
    assert set(post["reactions"].values()) == {0}

    got = api(fred).get(f"/api/v1/posts/{post['id']}")
    assert got.status_code == 200
    assert got.get_json()["body"] == post["body"]

    edited = me.patch(f"/api/v1/posts/{post['id']}", {"body": "Final version #done"})
    assert edited.status_code == 200
    assert edited.get_json()["edited_at"] is not None
    assert edited.get_json()["body"] == "Final version #done"
    db.session.rollback()
    assert set(db.session.scalars(db.select(PostHashtag.tag))) == {"done"}

    assert me.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert_error(me.get(f"/api/v1/posts/{post['id']}"), 404, "not_found")
    assert_error(api(fred).get(f"/api/v1/posts/{post['id']}"), 404, "not_found")
    assert post["id"] not in [p["id"] for p in me.get("/api/v1/feed").get_json()["items"]]
    posts = me.get(f"/api/v1/users/{employee.id}/posts").get_json()["items"]
    assert post["id"] not in [p["id"] for p in posts]
    # the row stays for moderation, marked deleted by whom
    db.session.rollback()
    row = db.session.get(Post, post["id"])
    assert row.deleted_at is not None and row.deleted_by_id == employee.id
    # and every further action on it is a 404
    assert_error(me.delete(f"/api/v1/posts/{post['id']}"), 404)
    assert_error(me.patch(f"/api/v1/posts/{post['id']}", {"body": "again"}), 404)
    assert_error(me.post(f"/api/v1/posts/{post['id']}/comments", {"body": "hi"}), 404)
    assert_error(me.put(f"/api/v1/posts/{post['id']}/reactions/like"), 404)


def test_only_the_author_edits(api, employee, fred, cm, make_post, make_group):
    post = make_post(employee, "mine")
    before = table_counts(*WRITE_TABLES)
    assert_error(api(fred).patch(f"/api/v1/posts/{post.id}", {"body": "pwned"}), 403, "forbidden")
    # moderators delete, never rewrite
    assert_error(api(cm).patch(f"/api/v1/posts/{post.id}", {"body": "rewritten"}), 403)
    assert_error(api(fred).delete(f"/api/v1/posts/{post.id}"), 403, "forbidden")
    _nothing_written(before)
    db.session.rollback()
    assert db.session.get(Post, post.id).body == "mine"

    secret = make_group("Board", "private", members=(employee,))
    hidden = make_post(employee, "board only", secret)
    before = table_counts(*WRITE_TABLES)
    missing = assert_error(api(fred).get("/api/v1/posts/987654"), 404)
    for response in (
        api(fred).get(f"/api/v1/posts/{hidden.id}"),
        api(fred).patch(f"/api/v1/posts/{hidden.id}", {"body": "pwned"}),
        api(fred).delete(f"/api/v1/posts/{hidden.id}"),
        api(fred).get(f"/api/v1/posts/{hidden.id}/comments"),
        api(fred).post(f"/api/v1/posts/{hidden.id}/comments", {"body": "hi"}),
        api(fred).put(f"/api/v1/posts/{hidden.id}/reactions/like"),
        api(fred).delete(f"/api/v1/posts/{hidden.id}/reactions/like"),
        api(fred).put(f"/api/v1/posts/{hidden.id}/reactions/nonsense"),
    ):
        assert assert_error(response, 404, "not_found") == missing  # no side channel
    _nothing_written(before)


def test_moderator_deletes_others_post(api, employee, cm, make_post):
    post = make_post(employee)
    assert api(cm).delete(f"/api/v1/posts/{post.id}").status_code == 204
    assert_error(api(employee).get(f"/api/v1/posts/{post.id}"), 404)


def test_anonymous_can_do_nothing(api, employee, make_post):
    post = make_post(employee)
    before = table_counts(*WRITE_TABLES)
    anon = api(None)
    for response in (
        anon.get("/api/v1/feed"),
        anon.get(f"/api/v1/posts/{post.id}"),
        anon.post("/api/v1/posts", {"body": "hi"}),
        anon.patch(f"/api/v1/posts/{post.id}", {"body": "hi"}),
        anon.delete(f"/api/v1/posts/{post.id}"),
        anon.post(f"/api/v1/posts/{post.id}/comments", {"body": "hi"}),
        anon.put(f"/api/v1/posts/{post.id}/reactions/like"),
    ):
        assert_error(response, 401, "unauthenticated")
    _nothing_written(before)


# --- comments ---------------------------------------------------------------------------


def test_comments_create_list_delete_keep_the_count(api, employee, fred, manager, make_post):
    post = make_post(employee)
    url = f"/api/v1/posts/{post.id}/comments"
    first = api(fred).post(url, {"body": "Nice @emma.employee"})
    assert first.status_code == 201
    assert 'class="mention"' in first.get_json()["body_html"]
    second = api(manager).post(url, {"body": "Agreed"}).get_json()
    third = api(fred).post(url, {"body": "Me again"}).get_json()

    listing = api(employee).get(url).get_json()
    assert [c["id"] for c in listing["items"]] == [
        first.get_json()["id"],
        second["id"],
        third["id"],
    ]
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["comment_count"] == 3

    page1 = api(employee).get(url + "?limit=2").get_json()
    page2 = api(employee).get(url + f"?limit=2&cursor={page1['next_cursor']}").get_json()
    assert [c["id"] for c in page1["items"] + page2["items"]] == [c["id"] for c in listing["items"]]
    assert page2["next_cursor"] is None

    # Fred may not delete the manager's comment; the post's author may
    assert_error(api(fred).delete(f"/api/v1/comments/{second['id']}"), 403)
    assert api(employee).delete(f"/api/v1/comments/{second['id']}").status_code == 204
    assert api(fred).delete(f"/api/v1/comments/{third['id']}").status_code == 204
    assert_error(api(fred).delete(f"/api/v1/comments/{third['id']}"), 404)
    assert_error(api(fred).delete("/api/v1/comments/424242"), 404)

    remaining = api(employee).get(url).get_json()["items"]
    assert [c["id"] for c in remaining] == [first.get_json()["id"]]
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["comment_count"] == 1
    db.session.rollback()
    assert db.session.get(Post, post.id).comment_count == 1


def test_comment_on_a_private_post_from_outside_is_a_404(
    api, employee, fred, make_group, make_post
):
    group = make_group("Board", "private", members=(employee,))
    post = make_post(employee, "secret", group)
    comment = api(employee).post(f"/api/v1/posts/{post.id}/comments", {"body": "mine"}).get_json()
    assert_error(api(fred).delete(f"/api/v1/comments/{comment['id']}"), 404, "not_found")
    assert count_rows(Comment) == 1


def test_comment_bad_input(api, employee, make_post):
    post = make_post(employee)
    url = f"/api/v1/posts/{post.id}/comments"
    before = table_counts(*WRITE_TABLES)
    me = api(employee)
    assert_error(me.post(url, {"body": "   "}), 400)
    assert_error(me.post(url, {"body": "x" * 4001}), 413, "too_large")
    assert_error(me.post(url, {"body": "hi", "post_id": 3}), 400)
    assert_error(me.post(url, {"body": 7}), 400)
    assert_error(me.get(url + "?cursor=forged"), 400)
    _nothing_written(before)


# --- reactions --------------------------------------------------------------------------


def test_reactions_are_idempotent_and_counted_per_kind(api, employee, fred, manager, make_post):
    post = make_post(employee)
    url = f"/api/v1/posts/{post.id}/reactions"
    first = api(fred).put(f"{url}/like")
    assert first.status_code == 200
    assert first.get_json()["active"] is True
    assert first.get_json()["reactions"]["like"] == 1
    again = api(fred).put(f"{url}/like")
    assert again.status_code == 200
    assert again.get_json()["reactions"]["like"] == 1
    api(fred).put(f"{url}/celebrate")
    api(manager).put(f"{url}/like")
    assert count_rows(Reaction) == 3

    seen_by_fred = api(fred).get(f"/api/v1/posts/{post.id}").get_json()
    assert seen_by_fred["reactions"] == {
        "like": 2,
        "celebrate": 1,
        "support": 0,
        "insightful": 0,
        "funny": 0,
    }
    assert seen_by_fred["my_reactions"] == ["celebrate", "like"]
    assert api(employee).get(f"/api/v1/posts/{post.id}").get_json()["my_reactions"] == []
    feed_item = api(fred).get("/api/v1/feed").get_json()["items"][0]
    assert feed_item["my_reactions"] == ["celebrate", "like"]
    assert feed_item["reactions"]["like"] == 2

    removed = api(fred).delete(f"{url}/like")
    assert removed.status_code == 200
    assert removed.get_json()["active"] is False
    assert removed.get_json()["reactions"]["like"] == 1
    assert api(fred).delete(f"{url}/like").status_code == 200  # idempotent too
    assert count_rows(Reaction) == 2


def test_unknown_reaction_kind_is_a_404_with_the_known_kinds(api, employee, make_post):
    post = make_post(employee)
    before = table_counts(*WRITE_TABLES)
    body = assert_error(api(employee).put(f"/api/v1/posts/{post.id}/reactions/love"), 404)
    assert "like" in body["message"] and "love" in body["message"]
    assert_error(api(employee).delete(f"/api/v1/posts/{post.id}/reactions/LIKE"), 404)
    _nothing_written(before)


# --- bad input, each refused with a JSON error and no write ------------------------------


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"body": ""}, 400),
        ({"body": "   \n\t "}, 400),
        ({"body": "x" * 10_001}, 413),
        ({"body": 5}, 400),
        ({"body": None}, 400),
        ({"body": ["a"]}, 400),
        ({"body": "ok", "group_id": "x"}, 400),
        ({"body": "ok", "group_id": True}, 400),
        ({"body": "ok", "group_id": 0}, 400),
        ({"body": "ok", "group_id": -3}, 400),
        ({"body": "ok", "group_id": 10**30}, 400),
        ({"body": "ok", "group_id": 424242}, 400),
        ({"body": "ok", "author_id": 1}, 400),
        ({"body": "ok", "id": 1}, 400),
        ({"body": "ok", "created_at": "2020-01-01"}, 400),
        ({"body": "bell \x07"}, 400),
        ({"body": "nul \x00 byte"}, 400),
        ({"body": "escape \x1b[31m"}, 400),
        ([{"body": "in a list"}], 400),
        ("just a string", 400),
        (42, 400),
    ],
)
def test_create_post_bad_input(api, employee, payload, status):
    before = table_counts(*WRITE_TABLES)
    me = api(employee)
    response = me.client.post(
        "/api/v1/posts", json=payload, headers={"Authorization": f"Bearer {me.token}"}
    )
    assert_error(response, status)
    _nothing_written(before)


def test_create_post_raw_body_errors(api, employee):
    me = api(employee)
    auth = {"Authorization": f"Bearer {me.token}"}
    before = table_counts(*WRITE_TABLES)
    cases = [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": "", "content_type": "application/json"}, 400),
        ({"data": "null", "content_type": "application/json"}, 400),
        ({"data": '{"body": "form"}', "content_type": "text/plain"}, 400),
        ({"data": {"body": "form"}}, 400),
        ({"data": b'{"body": "\xff\xfe"}', "content_type": "application/json"}, 400),
        ({"data": "[" * 50_000 + "]" * 50_000, "content_type": "application/json"}, 400),
        ({"data": '{"a":' * 30_000 + "1" + "}" * 30_000, "content_type": "application/json"}, 400),
        ({"data": '{"body": "' + "x" * 300_000 + '"}', "content_type": "application/json"}, 413),
    ]
    for kwargs, status in cases:
        response = me.client.post("/api/v1/posts", headers=auth, **kwargs)
        assert_error(response, status)
    _nothing_written(before)


def test_multiline_text_keeps_newlines_and_tabs(api, employee):
    response = api(employee).post("/api/v1/posts", {"body": "line one\nline\ttwo\r\nthree"})
    assert response.status_code == 201
    assert response.get_json()["body"] == "line one\nline\ttwo\r\nthree"


def test_post_into_groups(api, employee, fred, make_group):
    private = make_group("Board", "private", members=(employee,))
    secret = make_group("Orion", "secret", members=(employee,))
    public = make_group("Runners", "public", members=(employee,))
    before = table_counts(*WRITE_TABLES)
    missing = assert_error(api(fred).post("/api/v1/posts", {"body": "x", "group_id": 424242}), 400)
    hidden = assert_error(
        api(fred).post("/api/v1/posts", {"body": "x", "group_id": secret.id}), 400
    )
    assert hidden == missing  # a secret group is answered like a missing one
    # A private group is listed (its existence is public), so the refusal can say why.
    refused = assert_error(
        api(fred).post("/api/v1/posts", {"body": "x", "group_id": private.id}), 403
    )
    assert refused["message"] == "Join this group to post in it."
    assert_error(api(fred).post("/api/v1/posts", {"body": "x", "group_id": public.id}), 403)
    _nothing_written(before)
    ok = api(employee).post("/api/v1/posts", {"body": "x", "group_id": private.id})
    assert ok.status_code == 201 and ok.get_json()["group_id"] == private.id


@pytest.mark.parametrize(
    "query",
    ["limit=100000", "limit=0", "limit=abc", "limit=-1", "limit=1.5", "limit=%C2%B2", "limit=٣"],
)
def test_feed_limit_out_of_range(api, employee, query):
    body = assert_error(api(employee).get(f"/api/v1/feed?{query}"), 400, "invalid")
    assert body["fields"] == {"limit": "out_of_range"}


def test_feed_limit_bounds_are_inclusive(api, employee, make_post):
    make_post(employee)
    assert api(employee).get("/api/v1/feed?limit=1").status_code == 200
    assert api(employee).get("/api/v1/feed?limit=100").status_code == 200


def test_forged_and_foreign_cursors(api, employee, make_post):
    for _ in range(3):
        make_post(employee)
    me = api(employee)
    profile = me.get(f"/api/v1/users/{employee.id}/posts?limit=1").get_json()
    assert profile["next_cursor"]
    body = assert_error(me.get(f"/api/v1/feed?cursor={profile['next_cursor']}"), 400)
    assert body["fields"] == {"cursor": "foreign"}
    feed_cursor = me.get("/api/v1/feed?limit=1").get_json()["next_cursor"]
    body = assert_error(me.get(f"/api/v1/feed?tag=x&cursor={feed_cursor}"), 400)
    assert body["fields"] == {"cursor": "foreign"}
    for forged in ("abc", feed_cursor[:-2] + "xx", "W10.bad", "é", "%00"):
        body = assert_error(me.get(f"/api/v1/feed?cursor={forged}"), 400)
        assert body["fields"] == {"cursor": "invalid"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/posts/99999999999999999999",
        "/api/v1/posts/2147483648",
        "/api/v1/posts/0",
        "/api/v1/posts/-1",
        "/api/v1/posts/abc",
        "/api/v1/posts/99999999999999999999/comments",
        "/api/v1/users/99999999999999999999",
        "/api/v1/users/99999999999999999999/posts",
    ],
)
def test_huge_or_malformed_ids_in_the_url_are_404(api, employee, path):
    assert_error(api(employee).get(path), 404, "not_found")


def test_huge_ids_on_mutations_are_404(api, employee):
    me = api(employee)
    assert_error(me.patch("/api/v1/posts/99999999999999999999", {"body": "x"}), 404)
    assert_error(me.delete("/api/v1/comments/99999999999999999999"), 404)
    assert_error(me.put("/api/v1/posts/99999999999999999999/reactions/like"), 404)
    assert_error(me.delete("/api/v1/tokens/99999999999999999999"), 404)


def test_text_filters_with_nul_bytes_do_not_crash(api, employee, make_post):
    make_post(employee, "hello #news")
    me = api(employee)
    assert_error(me.get("/api/v1/feed?tag=news%00"), 400, "invalid")
    assert_error(me.get("/api/v1/users?q=emma%00"), 400, "invalid")
    assert_error(me.get("/api/v1/users?department=a%00b&site=x"), 400, "invalid")
    assert_error(me.get("/api/v1/users?site=%00"), 400, "invalid")
    assert me.get("/api/v1/feed?tag=news").get_json()["items"]


def test_wrong_method_is_a_json_405(api, employee):
    response = api(employee).put("/api/v1/feed")
    assert_error(response, 405)


def test_hashtags_that_grow_when_folded_do_not_crash_the_insert(api, employee):
    """A tag is stored as its key (``text_keys.fold``): ``ß`` folds to ``ss``, so 40 of them
    make an 80-character key, past the 64 the column holds: that tag is dropped, the post
    and its other tags are kept. ``İ`` folds to ``i`` and keeps its length."""
    body = "#" + "ß" * 40 + " #" + "İ" * 40 + " #ok"
    response = api(employee).post("/api/v1/posts", {"body": body})
    assert response.status_code == 201, response.get_json()
    db.session.rollback()
    assert set(db.session.scalars(db.select(PostHashtag.tag))) == {"i" * 40, "ok"}


def test_mentions_are_recorded_only_for_people_who_can_read_the_post(
    api, employee, manager, fred, make_group
):
    board = make_group("Board", "private", members=(employee, manager))
    body = {"body": "@marc.manager @fred.interloper look", "group_id": board.id}
    post = api(employee).post("/api/v1/posts", body).get_json()
    api(employee).post(f"/api/v1/posts/{post['id']}/comments", {"body": "@fred.interloper hi"})
    api(employee).post("/api/v1/posts", {"body": "@fred.interloper company"})
    db.session.rollback()
    rows = db.session.execute(db.select(Mention.post_id, Mention.user_id)).all()
    assert sorted(rows) == sorted([(post["id"], manager.id), (post["id"] + 1, fred.id)])


def test_a_reaction_is_part_of_the_callers_transaction(employee, fred, make_post):
    post = make_post(employee)
    do_set_reaction(fred, post, "like", active=True)
    db.session.rollback()  # e.g. a later step of the request failed
    assert count_rows(Reaction) == 0
    assert count_rows(Event) == 1  # only the post's own post.created
