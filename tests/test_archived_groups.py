"""An archived group is read-only: no comments, edits or reactions on its posts."""

from __future__ import annotations

from socialnet import policy
from socialnet.extensions import db
from socialnet.models import Comment, Group, Reaction
from socialnet.models._time import utcnow
from tests.group_fixtures import API
from tests.helpers import assert_error, count_rows

READ_ONLY = "This group is archived: it is read-only."


def _archive(group: Group) -> None:
    db.session.get(Group, group.id).archived_at = utcnow()
    db.session.commit()


def test_posts_of_an_archived_group_take_no_comments_edits_or_reactions(
    api, employee, manager, make_group, make_post, capture_events
):
    group = make_group("Old project", members=(employee, manager))
    post = make_post(employee, "Before the archive", group=group)
    api(manager).put(f"{API}/posts/{post.id}/reactions/like")
    _archive(group)
    author, member = api(employee), api(manager)
    capture_events.events.clear()

    refused = [
        author.post(f"{API}/posts/{post.id}/comments", {"body": "late"}),
        member.post(f"{API}/posts/{post.id}/comments", {"body": "late"}),
        author.patch(f"{API}/posts/{post.id}", {"body": "rewritten"}),
        author.put(f"{API}/posts/{post.id}/reactions/like"),
        member.delete(f"{API}/posts/{post.id}/reactions/like"),
    ]
    for response in refused:
        assert assert_error(response, 403, "forbidden")["message"] == READ_ONLY
    assert count_rows(Comment) == 0
    assert count_rows(Reaction) == 1
    assert db.session.get(type(post), post.id).body == "Before the archive"
    assert capture_events.events == []

    assert author.delete(f"{API}/posts/{post.id}").status_code == 204  # still allowed


def test_is_read_only(employee, make_group, make_post):
    group = make_group("Old project", members=(employee,))
    in_group, in_company = make_post(employee, "g", group=group), make_post(employee, "c")
    assert not policy.is_read_only(in_group) and not policy.is_read_only(in_company)
    _archive(group)
    assert policy.is_read_only(in_group) and not policy.is_read_only(in_company)
