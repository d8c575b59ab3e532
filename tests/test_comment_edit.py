"""Editing a comment (issue #15: files are attached "when creating or editing a post or a
comment"): its author only, body and files together, marked edited, told live, nothing
half-written on bad input, held again when its words need approval."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.models import Comment, FileUpload, Mention, Post
from tests.helpers import assert_error
from tests.test_files import upload
from tests.web import form, html_of

API = "/api/v1"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    saved = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["STORAGE_DIR"] = saved


def _upload(client, data: bytes, name: str) -> int:
    response = upload(client, data, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def thread(api, employee, manager):
    """The manager's post, and the employee's comment on it with one file."""
    post = api(manager).post(f"{API}/posts", {"body": "Ideas for the offsite?"}).get_json()
    me = api(employee)
    first = _upload(me, b"first draft", "draft.txt")
    comment = me.post(
        f"{API}/posts/{post['id']}/comments", {"body": "A boat trip", "file_ids": [first]}
    ).get_json()
    return {"post": post, "comment": comment, "file": first}


def test_the_author_edits_body_and_files_and_everyone_hears(
    api, employee, fred, thread, capture_events
):
    me = api(employee)
    second = _upload(me, b"budget", "budget.txt")
    url = f"{API}/comments/{thread['comment']['id']}"
    answer = me.patch(url, {"body": f"A boat trip, @{fred.handle}?", "file_ids": [second]})
    assert answer.status_code == 200, answer.get_json()
    edited = answer.get_json()
    assert edited["edited_at"] and "boat trip" in edited["body_html"]
    assert [f["id"] for f in edited["files"]] == [second]
    assert db.session.get(FileUpload, thread["file"]) is None  # dropped: deleted
    [event] = capture_events.of_type("comment.updated")
    assert event.payload["data"] == edited and event.room == "company"
    listed = api(fred).get(f"{API}/posts/{thread['post']['id']}/comments").get_json()["items"]
    assert listed[0]["body"] == edited["body"] and listed[0]["edited_at"]
    told = api(fred).get(f"{API}/notifications").get_json()["items"]
    assert [n["type"] for n in told] == ["mentioned"]
    # without file_ids the files stay
    assert me.patch(url, {"body": "A boat trip!"}).get_json()["files"] == edited["files"]


def test_only_the_author_edits_and_bad_input_changes_nothing(
    api, admin, manager, fred, employee, thread
):
    url = f"{API}/comments/{thread['comment']['id']}"
    assert_error(api(manager).patch(url, {"body": "rewritten"}), 403)  # the post's author
    assert_error(api(admin).patch(url, {"body": "rewritten"}), 403)  # moderators neither
    me = api(employee)
    theirs = _upload(api(fred), b"x", "x.txt")
    for body in (
        {"body": ""},
        {"body": "x" * 4001},
        {"body": "ok", "file_ids": [theirs]},
        {"body": "ok", "file_ids": list(range(1, 12))},
        {"body": "ok", "extra": 1},
    ):
        assert me.patch(url, body).status_code in (400, 413), body
    assert_error(me.patch(f"{API}/comments/999999", {"body": "x"}), 404)
    db.session.expire_all()
    comment = db.session.get(Comment, thread["comment"]["id"])
    assert (comment.body, comment.edited_at) == ("A boat trip", None)
    assert db.session.get(FileUpload, thread["file"]).comment_id == comment.id


def test_a_comment_on_a_post_one_cannot_see_is_a_404(api, employee, fred, make_group):
    group = make_group("Board", visibility="private", members=(employee,))
    me = api(employee)
    post = me.post(f"{API}/posts", {"body": "secret", "group_id": group.id}).get_json()
    comment = me.post(f"{API}/posts/{post['id']}/comments", {"body": "mine"}).get_json()
    assert_error(api(fred).patch(f"{API}/comments/{comment['id']}", {"body": "x"}), 404)


def test_words_that_need_approval_hold_the_edited_comment(
    api, employee, fred, thread, capture_events, watch
):
    watch("casino", "require_approval")
    url = f"{API}/comments/{thread['comment']['id']}"
    edited = api(employee).patch(url, {"body": "Let us go to the casino"})
    assert edited.status_code == 200 and edited.get_json()["moderation_state"] == "pending"
    assert db.session.get(Post, thread["post"]["id"]).comment_count == 0
    assert [e.room for e in capture_events.of_type("comment.updated")] == [f"user:{employee.id}"]
    hidden = capture_events.of_type("comment.hidden")
    assert [e.payload["data"]["id"] for e in hidden] == [thread["comment"]["id"]]
    listed = api(fred).get(f"{API}/posts/{thread['post']['id']}/comments").get_json()["items"]
    assert listed == []
    assert db.session.query(Mention).count() == 0
    # its author still reads it, marked pending
    mine = api(employee).get(f"{API}/posts/{thread['post']['id']}/comments").get_json()["items"]
    assert [c["moderation_state"] for c in mine] == ["pending"]


def test_the_post_page_offers_edit_to_the_author_and_the_form_saves(
    signed_in, employee, fred, thread
):
    comment_id, post_id = thread["comment"]["id"], thread["post"]["id"]
    mine = signed_in(employee)
    page = html_of(mine.get(f"/posts/{post_id}"))
    assert f'href="/comments/{comment_id}/edit"' in page
    assert f'href="/comments/{comment_id}/edit"' not in html_of(
        signed_in(fred).get(f"/posts/{post_id}")
    )
    assert signed_in(fred).get(f"/comments/{comment_id}/edit").status_code == 403

    assert "A boat trip" in html_of(mine.get(f"/comments/{comment_id}/edit"))
    refused = form(mine, f"/comments/{comment_id}/edit", body="")
    assert refused.status_code == 400 and 'id="edit-body"' in html_of(refused)
    saved = form(mine, f"/comments/{comment_id}/edit", body="A **boat** trip")
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/posts/{post_id}#comment-{comment_id}")
    after = html_of(signed_in(fred).get(f"/posts/{post_id}"))
    assert "<strong>boat</strong>" in after and "draft.txt" in after  # its file stays
    assert mine.post(f"/comments/{comment_id}/edit", data={"body": "no token"}).status_code == 400
