"""Feeds: order, keyset pagination, who sees what, and a constant query count."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from socialnet.extensions import db
from socialnet.services.comments import do_create_comment
from socialnet.services.reactions import do_set_reaction
from tests.helpers import assert_error


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_home_feed_is_newest_first(api, employee, manager, make_post):
    posts = [make_post(author, f"post {i}") for i, author in enumerate([employee, manager] * 3)]
    assert _ids(api(employee).get("/api/v1/feed")) == [p.id for p in reversed(posts)]


def test_keyset_pagination_is_stable_while_others_post(api, employee, manager, make_post):
    older = [make_post(manager, f"old {i}").id for i in range(7)]
    me = api(employee)
    page1 = me.get("/api/v1/feed?limit=3").get_json()
    assert [p["id"] for p in page1["items"]] == older[::-1][:3]

    newer = [make_post(manager, f"new {i}").id for i in range(4)]

    seen = [p["id"] for p in page1["items"]]
    cursor = page1["next_cursor"]
    while cursor:
        page = me.get(f"/api/v1/feed?limit=3&cursor={cursor}").get_json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert seen == older[::-1]  # no duplicates, no gaps, none of the newer posts
    assert len(set(seen)) == len(seen)
    assert _ids(me.get("/api/v1/feed?limit=3"))[:3] == newer[::-1][:3]


def test_last_page_has_no_cursor(api, employee, make_post):
    for i in range(4):
        make_post(employee, f"p{i}")
    page = api(employee).get("/api/v1/feed?limit=4").get_json()
    assert len(page["items"]) == 4 and page["next_cursor"] is None
    page = api(employee).get("/api/v1/feed?limit=2").get_json()
    second = api(employee).get(f"/api/v1/feed?limit=2&cursor={page['next_cursor']}").get_json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None


def test_deleted_posts_leave_no_gap_in_pages(api, employee, make_post):
    ids = [make_post(employee, f"p{i}").id for i in range(6)]
    api(employee).delete(f"/api/v1/posts/{ids[3]}")
    me = api(employee)
    page1 = me.get("/api/v1/feed?limit=2").get_json()
    page2 = me.get(f"/api/v1/feed?limit=2&cursor={page1['next_cursor']}").get_json()
    assert [p["id"] for p in page1["items"] + page2["items"]] == [ids[5], ids[4], ids[2], ids[1]]


def test_private_group_posts_only_for_members(
    api, employee, manager, fred, admin, cm, make_group, make_post
):
    board = make_group("Board", "private", members=(employee, manager))
    secret = make_group("Skunkworks", "secret", members=(manager,))
    company = make_post(admin, "company news")
    board_post = make_post(employee, "board only", board)
    secret_post = make_post(manager, "secret", secret)

    assert _ids(api(employee).get("/api/v1/feed")) == [board_post.id, company.id]
    assert _ids(api(manager).get("/api/v1/feed")) == [secret_post.id, board_post.id, company.id]
    for outsider in (fred, admin, cm):  # neither role nor curiosity opens a private group
        client = api(outsider)
        assert _ids(client.get("/api/v1/feed")) == [company.id]
        assert_error(client.get(f"/api/v1/posts/{board_post.id}"), 404)
        assert_error(client.get(f"/api/v1/posts/{secret_post.id}"), 404)
        assert _ids(client.get(f"/api/v1/users/{employee.id}/posts")) == []


def test_public_group_posts_by_permalink_but_not_in_outsiders_home_feed(
    api, employee, fred, make_group, make_post
):
    runners = make_group("Runners", "public", members=(employee,))
    post = make_post(employee, "Sunday run", runners)
    assert _ids(api(employee).get("/api/v1/feed")) == [post.id]
    assert _ids(api(fred).get("/api/v1/feed")) == []
    assert api(fred).get(f"/api/v1/posts/{post.id}").status_code == 200
    assert _ids(api(fred).get(f"/api/v1/users/{employee.id}/posts")) == [post.id]
    # an outsider may react to and comment on a public group's post
    assert api(fred).put(f"/api/v1/posts/{post.id}/reactions/like").status_code == 200
    assert api(fred).post(f"/api/v1/posts/{post.id}/comments", {"body": "go"}).status_code == 201


def test_profile_feed_shows_only_that_author(api, employee, manager, fred, make_post):
    mine = [make_post(employee, f"e{i}").id for i in range(3)]
    make_post(manager, "not mine")
    assert _ids(api(fred).get(f"/api/v1/users/{employee.id}/posts")) == mine[::-1]
    page = api(fred).get(f"/api/v1/users/{employee.id}/posts?limit=2").get_json()
    rest = api(fred).get(f"/api/v1/users/{employee.id}/posts?limit=2&cursor={page['next_cursor']}")
    assert [p["id"] for p in page["items"]] + _ids(rest) == mine[::-1]
    assert_error(api(fred).get("/api/v1/users/424242/posts"), 404)


def test_profile_cursor_is_bound_to_its_author(api, employee, manager, make_post):
    for i in range(3):
        make_post(employee, f"e{i}")
        make_post(manager, f"m{i}")
    cursor = api(employee).get(f"/api/v1/users/{employee.id}/posts?limit=1").get_json()
    body = assert_error(
        api(employee).get(f"/api/v1/users/{manager.id}/posts?cursor={cursor['next_cursor']}"), 400
    )
    assert body["fields"] == {"cursor": "foreign"}


def test_tag_filter(api, employee, fred, make_group, make_post):
    board = make_group("Board", "private", members=(employee,))
    lyon = make_post(employee, "Hello #Lyon")
    make_post(employee, "Hello #Paris")
    hidden = make_post(employee, "Secret #lyon plans", board)
    code = make_post(employee, "`#lyon` in code")
    assert _ids(api(employee).get("/api/v1/feed?tag=lyon")) == [hidden.id, lyon.id]
    assert _ids(api(employee).get("/api/v1/feed?tag=%23LYON")) == [hidden.id, lyon.id]
    assert _ids(api(fred).get("/api/v1/feed?tag=lyon")) == [lyon.id]
    assert code.id not in _ids(api(employee).get("/api/v1/feed?tag=code"))
    assert _ids(api(fred).get("/api/v1/feed?tag=nothing")) == []


def test_edit_changes_the_tags(api, employee, make_post):
    post = make_post(employee, "#before")
    api(employee).patch(f"/api/v1/posts/{post.id}", {"body": "#after"})
    assert _ids(api(employee).get("/api/v1/feed?tag=before")) == []
    assert _ids(api(employee).get("/api/v1/feed?tag=after")) == [post.id]


# --- query-count guard ------------------------------------------------------------------


@contextmanager
def count_statements():
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _populate(n: int, authors, group, make_post) -> None:
    for i in range(n):
        author = authors[i % len(authors)]
        post = make_post(author, f"post {i} @emma.employee #tag{i}", group if i % 2 else None)
        for j, reactor in enumerate(authors):
            do_set_reaction(reactor, post, ("like", "celebrate", "funny")[j % 3], active=True)
        do_create_comment(authors[(i + 1) % len(authors)], post.id, {"body": f"c{i}"})
    db.session.commit()


def _feed_statements(client) -> list[str]:
    db.session.rollback()  # expires everything: nothing is served from the identity map
    with count_statements() as statements:
        response = client.get("/api/v1/feed?limit=50")
    assert response.status_code == 200
    return statements


def test_feed_costs_the_same_queries_for_1_and_20_posts(
    api, employee, manager, fred, make_group, make_post
):
    team = make_group("Team", "private", members=(employee, manager, fred))
    authors = [employee, manager, fred]
    me = api(employee)
    assert me.get("/api/v1/me").status_code == 200  # the token's hourly last-use write, done

    _populate(1, authors, team, make_post)
    one = _feed_statements(me)
    assert len(me.get("/api/v1/feed").get_json()["items"]) == 1

    _populate(19, authors, team, make_post)
    twenty = _feed_statements(me)
    items = me.get("/api/v1/feed?limit=50").get_json()["items"]
    assert len(items) == 20
    assert all(sum(item["reactions"].values()) == 3 for item in items)
    assert all(item["comment_count"] == 1 for item in items)

    assert len(twenty) == len(one), "\n\n".join(twenty)
    # token, posts, reaction counts, my reactions, followed topics (via_topic), attached
    # files, and one check that no announcement, company pin or featured post exists (their
    # own queries run only then)
    assert len(one) <= 7, "\n\n".join(one)


def test_page_one_extras_load_only_when_the_check_finds_some(
    api, cm, employee, fred, make_group, make_post
):
    """Pins, features and announcements are loaded (through the visibility filter) only
    when one cheap query finds any; what the page shows is the same either way."""
    team = make_group("Team", "private", members=(cm, fred))
    me = api(employee)
    assert me.get("/api/v1/me").status_code == 200  # the token's hourly last-use write, done
    make_post(employee, "plain")
    quiet = _feed_statements(me)
    assert not [s for s in quiet if "ORDER BY posts.pinned_at" in s or "featured_at DESC" in s]

    hidden = make_post(cm, "in a private group", team)
    assert api(cm).post(f"/api/v1/posts/{hidden.id}/feature").status_code == 200
    body = me.get("/api/v1/feed").get_json()
    assert body["featured"] == [] and body["pinned_posts"] == [] and body["pinned"] == []
    assert len(_feed_statements(me)) == len(quiet) + 1  # featured: checked, then filtered

    shown = make_post(cm, "for everyone")
    assert api(cm).post(f"/api/v1/posts/{shown.id}/pin").status_code == 200
    body = me.get("/api/v1/feed").get_json()
    assert [p["id"] for p in body["pinned_posts"]] == [shown.id]
    assert body["featured"] == []
    assert api(fred).get("/api/v1/feed").get_json()["featured"][0]["id"] == hidden.id


def test_a_page_reads_only_its_authors_summaries_and_answers_them_whole(
    api, employee, manager, make_user, make_group, make_post
):
    """Issue #16: a page's authors are read for their summary only (not their about text,
    search keys or password hash); the summary is the same dict as anywhere else, for a
    former colleague and a guest too."""
    from socialnet.models import User
    from socialnet.serializers import user_summary

    guest = make_user("Gina Guest", guest_company="Agency")
    gone = make_user("Gone Colleague")
    make_post(manager, "from the manager")
    make_post(gone, "before leaving")
    gone.deleted_at = gone.created_at
    shared = make_group("Agency work", "private", members=(employee, guest))
    make_post(guest, "hello from the agency", shared)
    manager.avatar_keys, manager.avatar_version = {"160": "k160"}, 3
    db.session.commit()
    client = api(employee)
    manager_id, gone_id, guest_id = manager.id, gone.id, guest.id
    db.session.expunge_all()  # nobody loaded before the request: the page reads them
    with count_statements() as seen:
        items = client.get("/api/v1/feed").get_json()["items"]
    (page,) = [s for s in seen if "FROM posts" in s and "JOIN users" in s]
    assert "password_hash" not in page and "search_key" not in page and "about_html" not in page
    db.session.expunge_all()
    authors = {item["author"]["id"]: item["author"] for item in items}
    assert set(authors) == {manager_id, gone_id, guest_id}
    for user_id, summary in authors.items():
        assert summary == user_summary(db.session.get(User, user_id))
    assert authors[manager_id]["avatar_url"].endswith("/3/160")
    assert authors[gone_id]["display_name"] != "Gone Colleague"  # a former colleague now
    assert authors[guest_id]["is_guest"] and authors[guest_id]["guest_company"] == "Agency"
