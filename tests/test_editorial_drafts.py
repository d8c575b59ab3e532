"""Editorial drafts (issue #18): an item's draft is a real post or poll kept unpublished
(its author alone sees it; the communication team through the item); the job loop
publishes it at ``publish_at`` exactly once, even with two passes at once; the item then
links to the published post and its engagement; what is refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import EditorialItem, Post
from socialnet.models._time import utcnow
from socialnet.services.editorial import drafts
from tests.group_fixtures import API, ids, notifications_of
from tests.helpers import assert_error, count_rows

ITEMS = f"{API}/editorial/items"


def at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


def plan(client, assignee, **fields) -> dict:
    body = {"title": "Safety week", "assignee_id": assignee.id, **fields}
    created = client.post(ITEMS, body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def write(client, item, draft) -> dict:
    written = client.put(f"{ITEMS}/{item['id']}/draft", draft)
    assert written.status_code == 200, written.get_json()
    return written.get_json()


def make_due(item_id: int) -> None:
    """Move a scheduled item's time into the past, as time passing would."""
    db.session.rollback()
    item = db.session.get(EditorialItem, item_id)
    item.publish_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_a_draft_is_written_scheduled_and_published_once(api, cm, employee, fred, socket_for):
    camille, emma = api(cm), api(employee)
    item = plan(camille, employee, due_at=at(hours=2))
    written = write(emma, item, {"kind": "post", "body": f"Safety first @{fred.handle} #safety"})
    assert written["status"] == "draft" and written["post"]["state"] == "draft"
    post_id = written["post"]["id"]
    # the team sees it on the item; nobody else sees the post anywhere
    assert camille.get(f"{ITEMS}/{item['id']}").get_json()["post"]["id"] == post_id
    assert emma.get(f"{API}/posts/{post_id}").get_json()["moderation_state"] == "draft"
    for outsider in (camille, api(fred)):
        assert_error(outsider.get(f"{API}/posts/{post_id}"), 404)
        assert post_id not in ids(outsider.get(f"{API}/feed?limit=100"))
        found = outsider.get(f"{API}/search?q=Safety&type=posts").get_json()["items"]
        assert post_id not in [hit.get("id") for hit in found]
    assert notifications_of(api(fred)) == []  # mentioned, but not in a draft
    topic = api(fred).get(f"{API}/topics/safety")
    assert topic.status_code == 404 or topic.get_json().get("post_count", 0) == 0, topic.get_json()
    scheduled = camille.patch(
        f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": at(hours=1)}
    )
    assert scheduled.status_code == 200, scheduled.get_json()
    assert run_due_jobs(utcnow())["editorial_published"] == 0  # not yet
    make_due(item["id"])
    sock = socket_for(fred)
    sock.get_received()
    assert run_due_jobs(utcnow())["editorial_published"] == 1
    assert run_due_jobs(utcnow())["editorial_published"] == 0  # once
    draft_id, post_id = post_id, camille.get(f"{ITEMS}/{item['id']}").get_json()["post"]["id"]
    assert post_id > draft_id  # published as a new post
    assert_error(emma.get(f"{API}/posts/{draft_id}"), 404)
    heard = [p for p in sock.get_received() if p["name"] == "post.created"]
    assert [p["args"][0]["data"]["id"] for p in heard] == [post_id]
    assert post_id in ids(api(fred).get(f"{API}/feed?limit=100"))
    assert [n["type"] for n in notifications_of(api(fred))] == ["mentioned"]
    assert api(fred).get(f"{API}/topics/safety").get_json()["post_count"] == 1
    # the item links to the published post and how it does
    api(fred).put(f"{API}/posts/{post_id}/reactions/like")
    api(fred).post(f"{API}/posts/{post_id}/comments", {"body": "Noted"})
    shown = camille.get(f"{ITEMS}/{item['id']}").get_json()
    assert shown["status"] == "published" and shown["post"]["state"] == "published"
    assert shown["post"]["published_at"] is not None
    assert shown["post"]["engagement"] == {"reactions": 1, "comments": 1}
    assert_error(emma.put(f"{ITEMS}/{item['id']}/draft", {"kind": "post", "body": "v2"}), 409)


def test_a_poll_draft_and_a_replaced_draft(api, cm, employee, fred):
    emma = api(employee)
    item = plan(api(cm), employee)
    first = write(emma, item, {"kind": "post", "body": "First try"})
    second = write(
        emma, item, {"kind": "poll", "question": "Which day?", "options": ["Mon", "Tue"]}
    )
    assert second["post"]["kind"] == "poll" and second["post"]["question"] == "Which day?"
    assert second["post"]["id"] != first["post"]["id"]
    assert_error(emma.get(f"{API}/posts/{first['post']['id']}"), 404)  # replaced: gone
    poll = emma.get(f"{API}/posts/{second['post']['id']}").get_json()
    assert_error(api(fred).get(f"{API}/polls/{poll['poll']['id']}"), 404)


def test_the_draft_goes_to_the_items_group(api, cm, employee, fred, make_group):
    group = make_group("Lyon plant", members=(cm, employee))
    item = plan(api(cm), employee, target={"kind": "group", "value": group.id})
    written = write(api(employee), item, {"kind": "post", "body": "For the plant"})
    post = db.session.get(Post, written["post"]["id"])
    assert post.group_id == group.id


@pytest.mark.parametrize(
    "draft, field, code",
    [
        ({"kind": "story", "body": "x"}, "kind", "invalid"),
        ({"kind": "post", "body": ""}, "body", "empty"),
        ({"kind": "post", "body": "x", "group_id": 1}, "group_id", "not_allowed"),
        ({"kind": "poll", "question": "Q?", "options": ["only one"]}, "options", None),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_written(api, cm, employee, draft, field, code):
    item = plan(api(cm), employee)
    refused = assert_error(api(employee).put(f"{ITEMS}/{item['id']}/draft", draft), 400)
    assert field in refused["fields"], refused
    assert code is None or refused["fields"][field] == code, refused
    assert count_rows(Post) == 0
    assert api(cm).get(f"{ITEMS}/{item['id']}").get_json()["post"] is None


def test_only_the_assignee_writes_the_draft(api, cm, employee, fred, admin):
    item = plan(api(cm), employee)
    assert_error(api(fred).put(f"{ITEMS}/{item['id']}/draft", {"kind": "post", "body": "x"}), 404)
    assert_error(api(cm).put(f"{ITEMS}/{item['id']}/draft", {"kind": "post", "body": "x"}), 403)
    assert_error(api(admin).put(f"{ITEMS}/9999/draft", {"kind": "post", "body": "x"}), 404)
    unassigned = api(cm).post(ITEMS, {"title": "Anyone"}).get_json()
    assert (
        api(cm).put(f"{ITEMS}/{unassigned['id']}/draft", {"kind": "post", "body": "x"}).status_code
        == 200
    )
    assert count_rows(Post) == 1


def test_scheduling_in_the_past_is_refused(api, cm, employee):
    item = plan(api(cm), employee)
    refused = assert_error(
        api(cm).patch(
            f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": "2020-01-01T08:00:00Z"}
        ),
        400,
    )
    assert refused["fields"]["publish_at"] == "past"
    assert api(cm).get(f"{ITEMS}/{item['id']}").get_json()["status"] == "assigned"


def _scheduled_draft(api, cm, employee) -> tuple[int, int]:
    item = plan(api(cm), employee)
    post_id = write(api(employee), item, {"kind": "post", "body": "Once"})["post"]["id"]
    api(cm).patch(f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": at(hours=1)})
    make_due(item["id"])
    return item["id"], post_id


def test_two_passes_that_both_saw_the_item_due_publish_it_once(api, cm, employee, capture_events):
    item_id, post_id = _scheduled_draft(api, cm, employee)
    now = utcnow()
    first, second = drafts.due_item_ids(now), drafts.due_item_ids(now)
    assert first == second == [item_id]  # both passes found it before either claimed it
    assert drafts.do_publish_item(item_id, now) is True
    db.session.commit()
    assert drafts.do_publish_item(item_id, now) is False
    db.session.commit()
    published_id = db.session.get(EditorialItem, item_id).post_id
    created = [(e.room, e.payload["data"]["id"]) for e in capture_events.of_type("post.created")]
    # the draft to its author; the published post once
    assert created == [(f"user:{employee.id}", post_id), ("company", published_id)]


def test_two_processes_at_once_publish_once(app, api, cm, employee):
    item_id, post_id = _scheduled_draft(api, cm, employee)

    def one_pass(_n: int) -> int:
        with app.app_context():
            try:
                published = drafts.publish_due(utcnow())
                db.session.commit()
                return published
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one_pass, range(2)))
    assert sorted(results) == [0, 1], results
    db.session.rollback()
    assert db.session.get(Post, post_id).deleted_at is not None  # the draft's row
    published_id = db.session.scalar(select(EditorialItem.post_id))
    assert db.session.get(Post, published_id).moderation_state == "published"
    assert db.session.scalar(select(func.count(Post.id)).where(Post.deleted_at.is_(None))) == 1
    published = db.session.scalars(select(EditorialItem.status)).all()
    assert published == ["published"]


def test_a_deleted_or_dropped_draft_is_not_published(api, cm, employee):
    item_id, post_id = _scheduled_draft(api, cm, employee)
    assert api(employee).delete(f"{API}/posts/{post_id}").status_code == 204
    dropped_id, dropped_post = _scheduled_draft(api, cm, employee)
    api(cm).patch(f"{ITEMS}/{dropped_id}", {"status": "dropped"})
    assert run_due_jobs(utcnow())["editorial_published"] == 0
    db.session.rollback()
    assert db.session.get(Post, dropped_post).moderation_state == "draft"
    assert db.session.get(EditorialItem, item_id).status == "scheduled"


def test_a_draft_cannot_go_into_a_newsletter(api, cm, employee):
    """Composing checks what the composer and every recipient may see: a draft is neither."""
    item = plan(api(cm), employee)
    post_id = write(api(employee), item, {"kind": "post", "body": "Not yet"})["post"]["id"]
    issue = {
        "title": "Weekly",
        "intro": "",
        "sections": [{"heading": "News", "text": "", "post_ids": [post_id]}],
        "audience": {"kind": "company"},
    }
    refused = assert_error(api(cm).post(f"{API}/newsletters", issue), 400)
    assert refused["fields"]["sections"] == "unknown_post", refused


def test_an_item_with_a_draft_is_published_by_scheduling_it_not_by_hand(api, cm, employee):
    item = plan(api(cm), employee)
    write(api(employee), item, {"kind": "post", "body": "Wait for it"})
    refused = assert_error(api(cm).patch(f"{ITEMS}/{item['id']}", {"status": "published"}), 400)
    assert refused["fields"] == {"status": "has_draft"}
    assert api(cm).get(f"{ITEMS}/{item['id']}").get_json()["status"] == "draft"
