"""A feed card shows the post's latest two comments, a reply box and "View all N comments"
(issue #14); the comments API lists newest first on request (``order=newest``)."""

from __future__ import annotations

import re

from socialnet.extensions import db
from socialnet.services.comments import do_create_comment
from tests.helpers import assert_error
from tests.test_feed import count_statements
from tests.web import form, html_of


def _comment(author, post, body: str) -> int:
    comment = do_create_comment(author, post.id, {"body": body})
    db.session.commit()
    return comment.id


def _card(page: str, post_id: int) -> str:
    start = page.index(f'id="post-{post_id}"')
    return page[start : page.index("</article>", start)]


def test_comments_api_lists_newest_first_on_request(api, employee, manager, make_post):
    post = make_post(employee)
    ids = [_comment(manager, post, f"c{i}") for i in range(5)]
    me = api(employee)

    first = me.get(f"/api/v1/posts/{post.id}/comments?order=newest&limit=2").get_json()
    assert [c["id"] for c in first["items"]] == [ids[4], ids[3]]
    cursor = first["next_cursor"]
    rest = me.get(f"/api/v1/posts/{post.id}/comments?order=newest&limit=10&cursor={cursor}")
    assert [c["id"] for c in rest.get_json()["items"]] == [ids[2], ids[1], ids[0]]
    oldest = me.get(f"/api/v1/posts/{post.id}/comments?limit=2").get_json()
    assert [c["id"] for c in oldest["items"]] == ids[:2]
    # a cursor continues only the order it was made for
    assert_error(me.get(f"/api/v1/posts/{post.id}/comments?cursor={cursor}"), 400)
    assert_error(me.get(f"/api/v1/posts/{post.id}/comments?order=random"), 400, "invalid")


def test_the_feed_card_shows_the_latest_two_comments_and_a_reply_box(
    signed_in, employee, manager, fred, make_post, make_group
):
    busy = make_post(employee, "Busy post")
    quiet = make_post(employee, "Quiet post")
    for i in range(4):
        _comment(manager, busy, f"remark number {i}")
    _comment(fred, quiet, "only remark")

    page = html_of(signed_in(employee).get("/"))
    card = _card(page, busy.id)
    assert "remark number 3" in card and "remark number 2" in card
    assert "remark number 1" not in card
    assert card.index("remark number 2") < card.index("remark number 3")  # oldest first
    assert f'href="/posts/{busy.id}#comments" data-field="view-all" >View all 4 comments' in card
    assert f'action="/posts/{busy.id}/comments" class="reply-form"' in card
    quiet_card = _card(page, quiet.id)
    assert "only remark" in quiet_card
    assert re.search(r'data-field="view-all" hidden', quiet_card)

    secret = make_group("Hush", "secret", members=(manager,))
    hidden_post = make_post(manager, "inside", group=secret)
    _comment(manager, hidden_post, "nobody outside reads this")
    assert "nobody outside reads this" not in html_of(signed_in(employee).get("/"))


def test_a_group_feed_card_has_them_too_and_the_reply_form_works_without_js(
    signed_in, employee, manager, make_group, make_post
):
    group = make_group("Makers", "public", members=(employee, manager))
    post = make_post(manager, "Group news", group=group)
    client = signed_in(employee)
    card = _card(html_of(client.get(f"/groups/{group.id}")), post.id)
    assert 'class="reply-form"' in card

    sent = form(client, f"/posts/{post.id}/comments", body="Count me in")
    assert sent.status_code == 302
    card = _card(html_of(client.get(f"/groups/{group.id}")), post.id)
    assert "Count me in" in card
    empty = form(client, f"/posts/{post.id}/comments", body="   ")
    assert empty.status_code == 400


def test_the_feed_page_costs_the_same_queries_with_1_or_8_commented_posts(
    signed_in, employee, manager, fred, make_post
):
    client = signed_in(employee)
    assert client.get("/").status_code == 200  # session writes of the first visit, done

    def statements(n: int) -> int:
        for i in range(n):
            post = make_post(manager, f"post {i}")
            for j in range(3):
                _comment(fred if j % 2 else manager, post, f"c{i}-{j}")
        db.session.rollback()
        with count_statements() as seen:
            assert client.get("/").status_code == 200
        return len(seen)

    assert statements(1) == statements(7)


def test_the_card_fragment_has_the_comments_when_asked(signed_in, employee, manager, make_post):
    post = make_post(employee)
    _comment(manager, post, "fragment remark")
    client = signed_in(employee)
    with_comments = html_of(client.get(f"/posts/{post.id}/card?comments=1"))
    assert "fragment remark" in with_comments and "reply-form" in with_comments
    assert "fragment remark" not in html_of(client.get(f"/posts/{post.id}/card"))
