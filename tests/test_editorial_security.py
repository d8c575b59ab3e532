"""Editorial calendar, security review: a draft never leaves the group it was written in
(its item's target is frozen while it waits, the item shows its text only to those who
may read that group, and the job loop never publishes it elsewhere)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import EditorialItem, Group, GroupMembership, Post, User
from socialnet.models._time import utcnow
from tests.group_fixtures import API, notifications_of
from tests.helpers import assert_error
from tests.test_editorial_drafts import ITEMS, at, make_due, plan, write


def _secret_draft(api, cm, employee, make_group, fred, admin):
    """An item aimed at a secret group with a waiting draft, and ``fred`` a correspondent
    outside the group."""
    secret = make_group("Merger", visibility="secret", members=(cm, employee))
    named = api(admin).put(
        f"{API}/users/{fred.id}/correspondent", {"scope": "site", "value": "Paris"}
    )
    assert named.status_code == 200, named.get_json()
    item = plan(api(cm), employee, target={"kind": "group", "value": secret.id})
    written = write(api(employee), item, {"kind": "post", "body": "Merger with Acme"})
    return secret, item, written["post"]["id"]


def test_the_target_of_an_item_with_a_waiting_draft_cannot_change(
    api, cm, employee, fred, admin, make_group
):
    secret, item, post_id = _secret_draft(api, cm, employee, make_group, fred, admin)
    assert_error(api(fred).get(f"{ITEMS}/{item['id']}"), 404)
    refused = assert_error(
        api(cm).patch(f"{ITEMS}/{item['id']}", {"target": {"kind": "company"}}), 409
    )
    assert "draft" in refused["message"]
    db.session.rollback()
    stored = db.session.get(EditorialItem, item["id"])
    assert (stored.target_kind, stored.group_id) == ("group", secret.id)
    assert_error(api(fred).get(f"{ITEMS}/{item['id']}"), 404)
    # other fields still change, the same target given again is no change
    same = api(cm).patch(
        f"{ITEMS}/{item['id']}",
        {"brief": "Angle", "target": {"kind": "group", "value": secret.id}},
    )
    assert same.status_code == 200, same.get_json()
    # without a draft waiting, the target moves freely
    other = plan(api(cm), employee, target={"kind": "group", "value": secret.id})
    moved = api(cm).patch(f"{ITEMS}/{other['id']}", {"target": {"kind": "company"}})
    assert moved.status_code == 200, moved.get_json()


def _retarget_behind_the_checks(item_id: int) -> None:
    """An item whose target no longer matches its draft's group (data written before the
    rule, or by hand)."""
    db.session.rollback()
    stored = db.session.get(EditorialItem, item_id)
    stored.target_kind, stored.target_value, stored.group_id = "company", "", None
    db.session.commit()


def test_the_item_shows_its_draft_only_to_readers_of_the_drafts_group(
    api, cm, employee, fred, admin, make_group
):
    secret, item, post_id = _secret_draft(api, cm, employee, make_group, fred, admin)
    _retarget_behind_the_checks(item["id"])
    shown = api(fred).get(f"{ITEMS}/{item['id']}").get_json()["post"]
    assert shown["id"] == post_id
    assert shown["body_html"] is None and shown["question"] is None
    assert "Acme" not in str(api(fred).get(f"{ITEMS}?view=month").get_json())
    # a reader of the group still sees nothing: the draft is not where the item says
    assert api(cm).get(f"{ITEMS}/{item['id']}").get_json()["post"]["body_html"] is None


def test_a_draft_is_not_published_outside_its_items_target(
    api, cm, employee, fred, admin, make_group
):
    secret, item, post_id = _secret_draft(api, cm, employee, make_group, fred, admin)
    scheduled = api(cm).patch(
        f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": at(hours=1)}
    )
    assert scheduled.status_code == 200, scheduled.get_json()
    _retarget_behind_the_checks(item["id"])
    make_due(item["id"])
    assert run_due_jobs(utcnow())["editorial_published"] == 0
    db.session.rollback()
    stored = db.session.get(EditorialItem, item["id"])
    assert stored.status == "scheduled" and stored.published_at is None
    posts = db.session.scalars(select(Post).where(Post.author_id == employee.id)).all()
    assert [(p.id, p.moderation_state) for p in posts] == [(post_id, "draft")]


def _case_about(post_id: int) -> int:
    """A report case about a draft, as one made before drafts were refused."""
    from socialnet.services.case_opening import open_case, target_of_post

    db.session.rollback()
    case = open_case(
        "report", target_of_post(db.session.get(Post, post_id)), severity=2, summary="x"
    )
    db.session.commit()
    return case.id


def test_a_draft_cannot_be_reported_nor_restored_by_a_moderator(api, cm, employee):
    item = plan(api(cm), employee)
    post_id = write(api(employee), item, {"kind": "post", "body": "Not yet"})["post"]["id"]
    report = {"target_type": "post", "target_id": post_id, "reason": "spam"}
    refused = assert_error(api(employee).post(f"{API}/reports", report), 409)
    assert refused["message"] == "A draft cannot be reported."
    case_id = _case_about(post_id)
    for action in ("restore", "hide", "dismiss"):
        assert_error(
            api(cm).post(f"{API}/moderation/cases/{case_id}/actions", {"action": action}), 409
        )
    assert_error(
        api(cm).post(f"{API}/moderation/bulk", {"action": "restore", "case_ids": [case_id]}), 409
    )
    db.session.rollback()
    assert db.session.get(Post, post_id).moderation_state == "draft"
    assert_error(api(cm).get(f"{API}/posts/{post_id}"), 404)


def test_the_item_shows_a_hidden_or_removed_post_only_to_whom_may_see_it(api, cm, employee):
    item = plan(api(cm), employee)
    write(api(employee), item, {"kind": "post", "body": "Spicy words"})
    scheduled = api(cm).patch(
        f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": at(hours=1)}
    )
    assert scheduled.status_code == 200, scheduled.get_json()
    make_due(item["id"])
    assert run_due_jobs(utcnow())["editorial_published"] == 1
    db.session.rollback()
    post_id = db.session.get(EditorialItem, item["id"]).post_id
    assert "Spicy" in api(cm).get(f"{ITEMS}/{item['id']}").get_json()["post"]["body_html"]
    for state in ("hidden", "removed", "pending"):
        db.session.rollback()
        db.session.get(Post, post_id).moderation_state = state
        db.session.commit()
        shown = api(cm).get(f"{ITEMS}/{item['id']}").get_json()["post"]
        assert shown["state"] == state and shown["body_html"] is None, state
        # its author still sees what they may see of their own post
        own = api(employee).get(f"{ITEMS}/{item['id']}").get_json()["post"]["body_html"]
        assert (own is None) == (state == "removed"), state


def test_the_assignee_must_read_the_target_and_is_never_a_guest(
    api, cm, employee, fred, make_group, make_user
):
    secret = make_group("Merger", visibility="secret", members=(cm, employee))
    target = {"kind": "group", "value": secret.id}
    outside = assert_error(
        api(cm).post(ITEMS, {"title": "Merger", "assignee_id": fred.id, "target": target}), 422
    )
    assert outside["fields"] == {"assignee_id": "cannot_read"}
    guest = make_user(
        "Gabe Guest", guest_company="Agency", guest_expires_on=date.today() + timedelta(days=30)
    )
    db.session.add(GroupMembership(group_id=secret.id, user_id=guest.id))
    db.session.commit()
    for aim in (target, {"kind": "company"}):
        refused = assert_error(
            api(cm).post(ITEMS, {"title": "Hi", "assignee_id": guest.id, "target": aim}), 422
        )
        assert refused["fields"] == {"assignee_id": "guest"}
    # moving an item to a group its assignee cannot read is refused the same way
    item = plan(api(cm), fred)
    moved = assert_error(api(cm).patch(f"{ITEMS}/{item['id']}", {"target": target}), 422)
    assert moved["fields"] == {"assignee_id": "cannot_read"}
    assert db.session.scalar(select(func.count(EditorialItem.id))) == 1
    ok = api(cm).post(ITEMS, {"title": "Merger", "assignee_id": employee.id, "target": target})
    assert ok.status_code == 201, ok.get_json()


def test_a_reminder_goes_only_to_an_assignee_who_still_reads_the_target(
    api, cm, employee, make_group
):
    from socialnet.services.editorial import reminders

    secret = make_group("Merger", visibility="secret", members=(cm, employee))
    item = plan(api(cm), employee, target={"kind": "group", "value": secret.id}, due_at=at(hours=3))
    db.session.query(GroupMembership).filter_by(group_id=secret.id, user_id=employee.id).delete()
    db.session.commit()
    assert reminders.do_send_item_reminders(utcnow()) == 0
    db.session.commit()
    assert notifications_of(api(employee)) == []
    assert db.session.get(EditorialItem, item["id"]).reminded_at is None


def _leave(user, group) -> None:
    db.session.query(GroupMembership).filter_by(group_id=group.id, user_id=user.id).delete()


@pytest.mark.parametrize(
    "change",
    [
        lambda user, group: setattr(user, "muted_until", utcnow() + timedelta(days=1)),
        lambda user, group: setattr(user, "suspended_until", utcnow() + timedelta(days=1)),
        lambda user, group: setattr(user, "active", False),
        _leave,
        lambda user, group: setattr(group, "archived_at", utcnow()),
    ],
    ids=["muted", "suspended", "deactivated", "left the group", "group archived"],
)
def test_a_draft_whose_author_may_no_longer_post_there_is_not_published(
    api, cm, employee, fred, make_group, change, caplog
):
    group = make_group("Plant", members=(cm, employee, fred))
    item = plan(api(cm), employee, target={"kind": "group", "value": group.id})
    draft_id = write(api(employee), item, {"kind": "post", "body": "Plant news"})["post"]["id"]
    scheduled = api(cm).patch(
        f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": at(hours=1)}
    )
    assert scheduled.status_code == 200, scheduled.get_json()
    make_due(item["id"])
    db.session.rollback()
    change(db.session.get(User, employee.id), db.session.get(Group, group.id))
    db.session.commit()
    assert run_due_jobs(utcnow())["editorial_published"] == 0
    assert f"editorial item {item['id']} not published" in caplog.text
    db.session.rollback()
    stored = db.session.get(EditorialItem, item["id"])
    assert (stored.status, stored.published_at, stored.post_id) == ("scheduled", None, draft_id)
    assert db.session.get(Post, draft_id).moderation_state == "draft"
    assert db.session.scalar(select(func.count(Post.id))) == 1  # nothing half-written
    assert notifications_of(api(fred)) == []


def test_drafts_that_cannot_be_published_do_not_hold_up_the_others(
    api, cm, employee, fred, make_group, monkeypatch
):
    from socialnet.services.editorial import drafts

    monkeypatch.setattr(drafts, "DUE_BATCH", 2)
    group = make_group("Plant", members=(cm, employee, fred))
    stuck = []
    for title in ("First", "Second"):
        item = plan(api(cm), employee, title=title, target={"kind": "group", "value": group.id})
        write(api(employee), item, {"kind": "post", "body": title})
        api(cm).patch(f"{ITEMS}/{item['id']}", {"status": "scheduled", "publish_at": at(hours=1)})
        make_due(item["id"])
        stuck.append(item["id"])
    later = plan(api(cm), fred, title="Third")
    write(api(fred), later, {"kind": "post", "body": "Third"})
    api(cm).patch(f"{ITEMS}/{later['id']}", {"status": "scheduled", "publish_at": at(hours=2)})
    db.session.rollback()
    db.session.get(EditorialItem, later["id"]).publish_at = utcnow() - timedelta(seconds=30)
    _leave(employee, group)  # the two oldest cannot be published any more
    db.session.commit()
    assert run_due_jobs(utcnow())["editorial_published"] == 1
    db.session.rollback()
    assert db.session.get(EditorialItem, later["id"]).status == "published"
    assert [db.session.get(EditorialItem, i).status for i in stuck] == ["scheduled", "scheduled"]


def test_a_refusal_after_the_new_post_is_written_leaves_nothing_behind(
    api, cm, fred, make_group, make_user
):
    """A guest's draft mentions a member of their group who has left it since: the
    ordinary services refuse the mention once the new post is written; nothing stays."""
    guest = make_user(
        "Gabe Guest", guest_company="Agency", guest_expires_on=date.today() + timedelta(days=30)
    )
    group = make_group("Project", members=(cm, fred, guest))
    item = plan(api(cm), cm, target={"kind": "group", "value": group.id})
    db.session.rollback()
    db.session.get(EditorialItem, item["id"]).assignee_id = guest.id  # assigned before the rule
    db.session.commit()
    draft_id = write(api(guest), item, {"kind": "post", "body": "Hello @fred.interloper"})["post"][
        "id"
    ]
    db.session.rollback()
    stored = db.session.get(EditorialItem, item["id"])  # scheduled before the rule too
    stored.status, stored.publish_at = "scheduled", utcnow() - timedelta(minutes=1)
    _leave(fred, group)
    db.session.commit()
    assert run_due_jobs(utcnow())["editorial_published"] == 0
    db.session.rollback()
    assert db.session.scalars(select(Post.id)).all() == [draft_id]
    assert db.session.get(EditorialItem, item["id"]).status == "scheduled"
