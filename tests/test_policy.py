"""policy.py: the predicates, and the SQL filter agreeing with its Python twin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from socialnet import policy
from socialnet.extensions import db
from socialnet.models import Comment, Post
from socialnet.models._time import utcnow
from socialnet.services.comments import do_create_comment

PERSONAS = ("admin", "cm", "manager", "employee", "fred")


@pytest.fixture
def world(request, make_user, make_group, make_post):
    """Personas, an inactive colleague, groups of every kind, and posts in each."""
    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    people["gone"] = make_user("Gone Colleague", active=False)
    groups = {
        "public": make_group("Runners", "public", members=(people["employee"],)),
        "private": make_group("Board", "private", members=(people["employee"], people["manager"])),
        "secret": make_group("Skunkworks", "secret", members=(people["manager"],)),
    }
    posts = {
        "company": make_post(people["employee"], "company"),
        "public": make_post(people["employee"], "public", groups["public"]),
        "private": make_post(people["manager"], "private", groups["private"]),
        "secret": make_post(people["manager"], "secret", groups["secret"]),
        "deleted": make_post(people["employee"], "deleted"),
    }
    posts["deleted"].deleted_at = utcnow()
    db.session.commit()
    return people, groups, posts


EXPECTED_VISIBLE = {
    "admin": {"company", "public"},
    "cm": {"company", "public"},
    "manager": {"company", "public", "private", "secret"},
    "employee": {"company", "public", "private"},
    "fred": {"company", "public"},
    "gone": set(),
}

EXPECTED_HOME = {
    "admin": {"company"},
    "cm": {"company"},
    "manager": {"company", "private", "secret"},
    "employee": {"company", "public", "private"},
    "fred": {"company"},
    "gone": set(),
}


@pytest.mark.parametrize("who", list(EXPECTED_VISIBLE))
def test_visible_posts_filter_and_can_see_post_agree(world, who):
    people, _groups, posts = world
    user = people[who]
    by_id = {post.id: name for name, post in posts.items()}
    visible = db.session.scalars(select(Post.id).where(policy.visible_posts_filter(user))).all()
    assert {by_id[i] for i in visible} == EXPECTED_VISIBLE[who]
    assert {name for name, post in posts.items() if policy.can_see_post(user, post)} == (
        EXPECTED_VISIBLE[who]
    )
    home = db.session.scalars(select(Post.id).where(policy.home_feed_filter(user))).all()
    assert {by_id[i] for i in home} == EXPECTED_HOME[who]
    assert policy.can_see_post(user, None) is False


def test_group_reading_and_posting(world):
    people, groups, _posts = world
    reads = {
        who: {kind for kind, g in groups.items() if policy.can_read_group(people[who], g.id)}
        for who in people
    }
    assert reads["fred"] == {"public"}
    assert reads["admin"] == {"public"}  # administrators are not group members
    assert reads["employee"] == {"public", "private"}
    assert reads["manager"] == {"public", "private", "secret"}
    assert policy.can_read_group(people["employee"], 424242) is False

    posts_in = {
        who: {kind for kind, g in groups.items() if policy.can_post_in_group(people[who], g.id)}
        for who in people
    }
    assert posts_in["fred"] == set()  # reading a public group is not belonging to it
    assert posts_in["employee"] == {"public", "private"}
    assert posts_in["gone"] == set()
    assert all(policy.can_post_in_group(people[w], None) for w in PERSONAS)
    assert policy.can_post_in_group(people["gone"], None) is False


def test_roles(world):
    people, _groups, _posts = world
    assert [w for w in people if policy.is_admin(people[w])] == ["admin"]
    assert [w for w in people if policy.is_moderator(people[w])] == ["admin", "cm"]
    assert [w for w in people if policy.can_manage_users(people[w])] == ["admin"]
    people["admin"].active = False  # a deactivated admin holds no power
    assert not policy.is_admin(people["admin"])
    assert not policy.is_moderator(people["admin"])
    assert not policy.can_manage_users(people["admin"])


def test_edit_and_delete_posts(world):
    people, _groups, posts = world
    post = posts["company"]  # by employee
    assert [w for w in people if policy.can_edit_post(people[w], post)] == ["employee"]
    assert [w for w in people if policy.can_delete_post(people[w], post)] == [
        "admin",
        "cm",
        "employee",
    ]
    people["employee"].active = False
    assert not policy.can_edit_post(people["employee"], post)
    assert not policy.can_delete_post(people["employee"], post)


def test_delete_comments(world):
    people, _groups, posts = world
    post = posts["company"]  # by employee
    comment = do_create_comment(people["manager"], post.id, {"body": "c"})
    db.session.commit()
    comment = db.session.get(Comment, comment.id)
    allowed = [w for w in people if policy.can_delete_comment(people[w], comment, post)]
    assert allowed == ["admin", "cm", "manager", "employee"]  # everyone but fred and gone


def test_rooms_for_and_can_join_room(world):
    people, groups, _posts = world
    manager, fred = people["manager"], people["fred"]
    assert policy.rooms_for(manager) == [
        "company",
        f"user:{manager.id}",
        *sorted((f"group:{groups['private'].id}", f"group:{groups['secret'].id}")),
    ]
    assert policy.rooms_for(fred) == ["company", f"user:{fred.id}"]
    assert policy.rooms_for(people["gone"]) == []

    assert policy.can_join_room(fred, "company")
    assert policy.can_join_room(fred, f"user:{fred.id}")
    assert policy.can_join_room(fred, f"group:{groups['public'].id}")
    assert not policy.can_join_room(fred, f"group:{groups['private'].id}")
    assert not policy.can_join_room(fred, f"group:{groups['secret'].id}")
    assert not policy.can_join_room(fred, f"user:{manager.id}")
    for room in ("group:x", "group:0", "group:99999999999999999999", "user:²", "other:1", "users"):
        assert not policy.can_join_room(fred, room), room
    assert not policy.can_join_room(people["gone"], "company")
    assert not policy.can_join_room(people["gone"], f"user:{people['gone'].id}")


def test_room_for_post(world):
    _people, groups, posts = world
    assert policy.room_for_post(posts["company"]) == "company"
    assert policy.room_for_post(posts["private"]) == f"group:{groups['private'].id}"


def test_readers_among(world):
    people, groups, _posts = world
    ids = [people[w].id for w in ("fred", "employee", "manager")]
    assert policy.readers_among(ids, None) == ids
    assert policy.readers_among(ids, groups["public"].id) == ids
    assert policy.readers_among(ids, groups["private"].id) == ids[1:]
    assert policy.readers_among(ids, groups["secret"].id) == [people["manager"].id]
    assert policy.readers_among(ids, 424242) == []
    assert policy.readers_among([], groups["private"].id) == []


def test_readable_announcements_filter_agrees_with_can_read_announcement(world, make_post):
    """The audit log redacts announcements through the SQL twin; it must say what the
    predicate says, for every persona and audience, and after the sender leaves."""
    from socialnet.models import Announcement, AnnouncementRecipient, GroupMembership

    people, groups, _posts = world
    announcements = []
    for audience, group in (
        ("company", None),
        ("reports", None),
        ("group", groups["public"]),
        ("group", groups["private"]),
        ("group", groups["secret"]),
    ):
        sender = people["manager"] if group is not groups["public"] else people["employee"]
        post = make_post(sender, f"{audience} news", group)
        post.kind = "announcement"
        announcement = Announcement(
            sender_id=sender.id,
            title=f"{audience} news",
            body="b",
            audience_kind=audience,
            audience_value="",
            group_id=group.id if group else None,
            post_id=post.id,
            published_at=utcnow(),
            expires_at=utcnow(),
        )
        db.session.add(announcement)
        db.session.flush()
        db.session.add(
            AnnouncementRecipient(announcement_id=announcement.id, user_id=people["employee"].id)
            if sender is not people["employee"]
            else AnnouncementRecipient(announcement_id=announcement.id, user_id=people["fred"].id)
        )
        announcements.append(announcement)
    db.session.commit()

    def agree() -> None:
        ids = [a.id for a in announcements]
        for person in people.values():
            by_sql = set(
                db.session.scalars(
                    select(Announcement.id)
                    .outerjoin(Post, Post.id == Announcement.post_id)
                    .where(Announcement.id.in_(ids), policy.readable_announcements_filter(person))
                )
            )
            by_python = {a.id for a in announcements if policy.can_read_announcement(person, a)}
            assert by_sql == by_python, person.display_name

    agree()
    private_sender = db.session.get(GroupMembership, (groups["private"].id, people["manager"].id))
    db.session.delete(private_sender)  # the sender of the private group's announcement leaves
    db.session.commit()
    assert not policy.can_read_announcement(people["manager"], announcements[3])
    assert policy.can_read_announcement(people["manager"], announcements[0])
    agree()
