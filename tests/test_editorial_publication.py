"""Editorial publication (security review, item 6): a draft written days ago is published
as a new post (a new id), so it sits at the top of every feed, which is paginated by id;
the draft's row is gone for everybody; a poll keeps its question, options and settings,
a post its files."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import EditorialItem, FileUpload, Poll, PollOption, Post
from socialnet.models._time import utcnow
from tests.group_fixtures import API, ids
from tests.helpers import assert_error
from tests.test_editorial_drafts import ITEMS, at, make_due, plan, write
from tests.test_files import png_bytes, upload


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _schedule_and_publish(api, cm, item_id: int) -> None:
    scheduled = api(cm).patch(
        f"{ITEMS}/{item_id}", {"status": "scheduled", "publish_at": at(hours=1)}
    )
    assert scheduled.status_code == 200, scheduled.get_json()
    make_due(item_id)
    assert run_due_jobs(utcnow())["editorial_published"] == 1
    db.session.rollback()


def test_a_published_draft_is_a_new_post_at_the_top_of_the_feeds(
    api, cm, employee, fred, make_post, capture_events
):
    emma = api(employee)
    item = plan(api(cm), employee)
    picture = upload(emma, png_bytes(), "plant.png").get_json()["id"]
    draft_id = write(
        emma, item, {"kind": "post", "body": "Plant news @fred.interloper", "file_ids": [picture]}
    )["post"]["id"]
    newer = [make_post(fred, "Later news").id, make_post(employee, "My later news").id]
    _schedule_and_publish(api, cm, item["id"])
    shown = api(cm).get(f"{ITEMS}/{item['id']}").get_json()
    published_id = shown["post"]["id"]
    assert published_id > max(newer) > draft_id
    assert shown["status"] == "published" and shown["post"]["state"] == "published"
    assert shown["post"]["body_html"].startswith("<p>Plant news")
    for reader in (emma, api(fred)):
        assert ids(reader.get(f"{API}/feed?limit=3"))[0] == published_id
    for anyone in (emma, api(fred), api(cm)):
        assert_error(anyone.get(f"{API}/posts/{draft_id}"), 404)
    published = emma.get(f"{API}/posts/{published_id}").get_json()
    assert [f["id"] for f in published["files"]] == [picture]
    assert db.session.get(FileUpload, picture).post_id == published_id
    assert db.session.get(Post, draft_id).deleted_at is not None
    assert db.session.get(EditorialItem, item["id"]).post_id == published_id
    created = [e.payload["data"]["id"] for e in capture_events.of_type("post.created")]
    assert created.count(published_id) == 1 and [
        f["id"]
        for f in [
            e
            for e in capture_events.of_type("post.created")
            if e.payload["data"]["id"] == published_id
        ][0].payload["data"]["files"]
    ] == [picture]
    # published once: another pass does nothing
    assert run_due_jobs(utcnow())["editorial_published"] == 0


def test_a_published_poll_keeps_its_question_options_and_settings(api, cm, employee, fred):
    item = plan(api(cm), employee)
    closes = at(days=3)
    draft = {
        "kind": "poll",
        "question": "Which day?",
        "options": ["Mon", "Tue", "Wed"],
        "multiple": True,
        "max_choices": 2,
        "anonymous": True,
        "results": "after_vote",
        "closes_at": closes,
    }
    draft_id = write(api(employee), item, draft)["post"]["id"]
    _schedule_and_publish(api, cm, item["id"])
    published_id = db.session.get(EditorialItem, item["id"]).post_id
    assert published_id != draft_id
    poll = db.session.scalar(db.select(Poll).where(Poll.post_id == published_id))
    assert (poll.question, poll.multiple, poll.max_choices, poll.anonymous, poll.results) == (
        "Which day?",
        True,
        2,
        True,
        "after_vote",
    )
    assert poll.closes_at.isoformat() + "Z" == closes
    options = db.session.scalars(
        db.select(PollOption.text)
        .where(PollOption.poll_id == poll.id)
        .order_by(PollOption.position)
    ).all()
    assert options == ["Mon", "Tue", "Wed"]
    assert (
        api(fred).get(f"{API}/posts/{published_id}").get_json()["poll"]["question"] == "Which day?"
    )
    assert_error(api(employee).get(f"{API}/posts/{draft_id}"), 404)
