"""Topic counts kept by the database (``topic_counts``, issue #13's type-ahead speed).

Whatever happens to posts and their hashtags (tags edited, posts held, hidden, deleted,
moved, turned into announcements, hard-deleted, topics merged), the kept counts equal a
recount, and ``policy.visible_tag_uses`` answers, for every person, exactly what counting
the uses among the posts ``visible_posts_filter`` lets them see answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, text, update

from socialnet import policy
from socialnet.extensions import db
from socialnet.models import (
    Announcement,
    AnnouncementRecipient,
    Post,
    PostHashtag,
    TopicCount,
    User,
)
from socialnet.models.topics import RECOUNT_TOPICS, TOPIC_COUNT_SHARDS
from socialnet.services.posts import do_create_post, do_edit_post
from socialnet.services.topics.core import do_merge


def _kept() -> dict[tuple[str, int, int], int]:
    """Non-zero counts by (tag, place, shard)."""
    columns = (TopicCount.tag, TopicCount.group_key, TopicCount.shard, TopicCount.posts)
    rows = db.session.execute(select(*columns))
    return {(tag, group, shard): n for tag, group, shard, n in rows if n}


def _recounted() -> dict[tuple[str, int, int], int]:
    kept = _kept()
    savepoint = db.session.begin_nested()
    for statement in RECOUNT_TOPICS:
        db.session.execute(text(statement))
    recount = _kept()
    savepoint.rollback()
    assert _kept() == kept
    return recount


def _uses_by_policy(user: User) -> dict[str, int]:
    query = policy.visible_tag_uses(user, lambda tag: tag.like("t%"))
    return dict(db.session.execute(query).all())


def _uses_counted(user: User) -> dict[str, int]:
    uses = func.count(PostHashtag.post_id)
    query = (
        select(PostHashtag.tag, uses)
        .join(Post, Post.id == PostHashtag.post_id)
        .where(PostHashtag.tag.like("t%"), policy.visible_posts_filter(user))
        .group_by(PostHashtag.tag)
    )
    return dict(db.session.execute(query).all())


def _check(people: list[User]) -> None:
    db.session.flush()
    assert _kept() == _recounted()
    for person in people:
        assert _uses_by_policy(person) == _uses_counted(person), person.display_name


def test_kept_counts_and_visible_uses_match_a_recount_through_every_change(
    employee, fred, cm, make_user, make_group
):
    outsider = make_user("Olga Outside")
    people = [employee, fred, cm, outsider]
    public = make_group("Public", members=(employee,))
    private = make_group("Private", visibility="private", members=(employee, fred))
    secret = make_group("Secret", visibility="secret", members=(fred,))
    posts = [
        do_create_post(author, {"body": f"Note #{tags}", "group_id": group})
        for author, tags, group in (
            (employee, "tqual #tvert", None),
            (employee, "tqual", public.id),
            (fred, "tqual #tbleu", private.id),
            (fred, "tsecret", secret.id),
            (fred, "tvert", None),
            (outsider, "tqual", None),
        )
    ]
    _check(people)
    assert _uses_by_policy(employee) == {"tqual": 4, "tvert": 2, "tbleu": 1}
    assert "tsecret" not in _uses_by_policy(employee)

    do_edit_post(employee, posts[0].id, {"body": "Note #tbleu #trouge"})  # tags change
    _check(people)
    posts[1].moderation_state = "pending"  # the author alone sees it
    posts[2].moderation_state = "hidden"
    _check(people)
    posts[1].moderation_state = "published"
    posts[4].deleted_at = datetime(2026, 1, 1)
    _check(people)
    posts[5].group_id = secret.id  # moved into a group outsiders cannot read
    _check(people)

    announcement = do_create_post(cm, {"body": "Annonce #tqual #tannonce"})
    db.session.flush()
    announcement.kind = "announcement"  # its recipients (and its sender) only
    sent = Announcement(
        post_id=announcement.id,
        sender_id=cm.id,
        title="Annonce",
        body="Annonce",
        audience_kind="company",
        expires_at=datetime(2030, 1, 1),
    )
    db.session.add(sent)
    db.session.flush()
    db.session.add(AnnouncementRecipient(announcement_id=sent.id, user_id=fred.id))
    _check(people)
    assert _uses_by_policy(fred)["tannonce"] == 1
    assert "tannonce" not in _uses_by_policy(employee)

    do_merge(cm, "tbleu", {"into": "tqual"})  # posts re-tagged, duplicates dropped
    _check(people)
    db.session.execute(update(PostHashtag).where(PostHashtag.tag == "tvert").values(tag="tvert2"))
    _check(people)
    db.session.execute(delete(Post).where(Post.id == posts[3].id))  # the cascade takes its tags
    db.session.expire_all()
    _check(people)
    db.session.execute(delete(PostHashtag).where(PostHashtag.post_id == posts[0].id))
    _check(people)
    db.session.commit()
    assert _kept() == _recounted()


def test_an_inactive_person_sees_no_topic(employee, fred):
    do_create_post(employee, {"body": "Note #tqual"})
    fred.active = False
    db.session.flush()
    assert _uses_by_policy(fred) == {} == _uses_counted(fred)


def test_posts_with_the_same_tag_at_once_do_not_wait_for_each_other(employee, fred):
    """A busy tag's count is spread over shards (the post's id modulo
    ``TOPIC_COUNT_SHARDS``): a post does not lock the row another one, not yet committed,
    updated, so people posting with the same tag at once do not queue until its COMMIT."""
    first = do_create_post(employee, {"body": "#tbusy one"})
    second = do_create_post(fred, {"body": "#tbusy two"})
    db.session.commit()
    kept = _kept()
    assert {key for key in kept if key[0] == "tbusy"} == {
        ("tbusy", 0, first.id % TOPIC_COUNT_SHARDS),
        ("tbusy", 0, second.id % TOPIC_COUNT_SHARDS),
    }
    assert kept == _recounted()
    if db.engine.dialect.name != "postgresql":
        return  # SQLite: one writer at a time whatever the rows
    insert_tag = text("INSERT INTO post_hashtags (post_id, tag) VALUES (:post, 'tbusy')")
    with db.engine.connect() as holder, db.engine.connect() as other:
        holder.execute(text("DELETE FROM post_hashtags WHERE post_id = :post"), {"post": first.id})
        holder.execute(insert_tag, {"post": first.id})  # its shard's row, locked till the end
        other.execute(text("SET LOCAL lock_timeout = '2s'"))
        other.execute(text("DELETE FROM post_hashtags WHERE post_id = :post"), {"post": second.id})
        other.execute(insert_tag, {"post": second.id})  # another shard: no wait
        other.rollback()
        holder.rollback()
