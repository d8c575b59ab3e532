"""Posts and comments: the SQL filter every read path uses, and its Python twin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from ..extensions import db
from ..models import (
    Announcement,
    AnnouncementRecipient,
    Comment,
    ModerationState,
    Post,
    PostHashtag,
    TopicCount,
    TopicFollow,
    User,
)
from .groups import (
    can_read_group,
    is_group_admin,
    member_group_ids,
    public_group_ids,
    readable_group_ids,
)
from .guests import is_guest
from .roles import is_moderator

#: ``+posts.group_id``: the same value, but no index can serve it. Visibility is a
#: filter, never the way in: without this SQLite walks ``ix_posts_group_id_id`` for
#: ``group_id IS NULL`` (most posts), then sorts the whole table to find the newest
#: 20 — 0.5 s at 200,000 posts instead of 0.1 ms walking the primary key backwards.
GROUP_OF_POST = UnaryExpression(
    Post.group_id, operator=operators.custom_op("+"), type_=Post.group_id.type
)


def received_announcement_post_ids(user: User):
    """SQL subquery of the posts of the announcements addressed to ``user``."""
    return (
        select(Announcement.post_id)
        .join(AnnouncementRecipient, AnnouncementRecipient.announcement_id == Announcement.id)
        .where(AnnouncementRecipient.user_id == user.id)
    )


def visible_posts_filter(user: User) -> ColumnElement[bool]:
    """The SQL condition a post must meet to be seen by ``user``.

    Company posts are seen by every active employee; group posts by readers of
    the group; an announcement by its sender and recipients only (and, being in
    a group, only by readers of that group — its sender included, the rule of
    :func:`~.announcements.sender_sees_audience`); deleted posts by nobody. A guest sees
    the posts of their own groups only, never the company space nor an announcement.
    """
    if not user.active:
        return Post.id.is_(None)
    if is_guest(user):
        return and_(
            Post.deleted_at.is_(None),
            moderation_allows(Post.moderation_state, Post.author_id, user.id),
            GROUP_OF_POST.in_(member_group_ids(user)),
            Post.kind != "announcement",
        )
    return and_(
        Post.deleted_at.is_(None),
        moderation_allows(Post.moderation_state, Post.author_id, user.id),
        or_(GROUP_OF_POST.is_(None), GROUP_OF_POST.in_(readable_group_ids(user))),
        or_(
            Post.kind != "announcement",
            Post.author_id == user.id,
            Post.id.in_(received_announcement_post_ids(user)),
        ),
    )


def visible_tag_uses(user: User, tags: Callable[[Any], ColumnElement[bool]]):
    """SQL ``SELECT tag, uses``: for each hashtag whose key meets ``tags(column)``, how many
    posts carrying it ``user`` may see (:func:`visible_posts_filter`), when at least one.

    The same figure as counting ``post_hashtags`` joined to visible posts, without reading
    every use of a busy tag: posts not deleted, published and not announcements are seen
    by every reader of their place, and the database keeps their count per tag and place
    (``models.topics.TopicCount``, 0 for the company): those of the places ``user`` reads
    are summed. Any other post ``user`` may see is theirs (held for approval or hidden) or
    an announcement they sent or received: those few are counted one by one, through
    :func:`visible_posts_filter` itself.
    """
    if not user.active:
        return select(TopicCount.tag, TopicCount.posts.label("uses")).where(false())
    places = TopicCount.group_key.in_(readable_group_ids(user))
    if not is_guest(user):  # the company space (key 0) is not a guest's
        places = or_(TopicCount.group_key == 0, places)
    counted = select(TopicCount.tag.label("tag"), TopicCount.posts.label("uses")).where(
        tags(TopicCount.tag), places
    )
    own_or_received = union(
        select(Post.id.label("id")).where(Post.author_id == user.id),
        received_announcement_post_ids(user),
    ).subquery()
    others = (
        select(PostHashtag.tag.label("tag"), literal(1).label("uses"))
        .select_from(own_or_received)
        .join(Post, Post.id == own_or_received.c.id)
        .join(PostHashtag, PostHashtag.post_id == Post.id)
        .where(tags(PostHashtag.tag), visible_posts_filter(user), not_(COUNTED_POST))
    )
    both = union_all(counted, others).subquery()
    uses = func.sum(both.c.uses)
    return select(both.c.tag, uses.label("uses")).group_by(both.c.tag).having(uses > 0)


#: The posts ``topic_counts`` counts (the condition of its triggers, in
#: ``models/topics.py``): seen by every reader of their place.
COUNTED_POST = and_(
    Post.deleted_at.is_(None),
    Post.moderation_state == ModerationState.PUBLISHED.value,
    Post.kind != "announcement",
)


#: States in which content reaches its author only: held for approval, or hidden
#: (the author sees it marked "pending" / "hidden by moderation"). Anything not
#: published reaches nobody else; "removed" content reaches no one at all through
#: the product's read paths — moderators open it through its case.
AUTHOR_ONLY_STATES = (
    ModerationState.PENDING.value,
    ModerationState.HIDDEN.value,
    ModerationState.DRAFT.value,
)

#: SQL: the post is not an editorial draft. Counts and calendars (events lists and feeds,
#: reminders, kudos leaderboards and profiles) leave drafts out even for their author: a
#: draft is not yet anything that happened.
NOT_A_DRAFT: ColumnElement[bool] = Post.moderation_state != ModerationState.DRAFT.value


def moderation_allows(state, author_id, viewer_id) -> ColumnElement[bool]:
    """SQL: content in ``state`` by ``author_id`` may be seen by ``viewer_id`` (columns or
    values): published content by anyone, pending or hidden content by its author only."""
    return or_(
        state == ModerationState.PUBLISHED.value,
        and_(author_id == viewer_id, state.in_(AUTHOR_ONLY_STATES)),
    )


def moderation_allows_one(state: str, author_id: int, user: User) -> bool:
    """Python twin of :func:`moderation_allows` for one loaded post or comment."""
    return state == ModerationState.PUBLISHED.value or (
        author_id == user.id and state in AUTHOR_ONLY_STATES
    )


def visible_comments_filter(user: User) -> ColumnElement[bool]:
    """Comments ``user`` may see, on a post they may see: not deleted, and published
    (or pending/hidden and their own)."""
    return and_(
        Comment.deleted_at.is_(None),
        moderation_allows(Comment.moderation_state, Comment.author_id, user.id),
    )


def followed_topic_post_ids(user: User):
    """SQL subquery of the posts carrying a hashtag ``user`` follows (any group)."""
    return (
        select(PostHashtag.post_id)
        .join(TopicFollow, TopicFollow.tag == PostHashtag.tag)
        .where(TopicFollow.user_id == user.id)
    )


def followed_topic_filter(user: User) -> ColumnElement[bool]:
    """SQL: a post of a PUBLIC group carrying a topic ``user`` follows. Following a topic
    never opens a private or secret group: only public groups reach a non-member's feed,
    and never a guest's."""
    if is_guest(user):
        return false()
    return and_(GROUP_OF_POST.in_(public_group_ids()), Post.id.in_(followed_topic_post_ids(user)))


def home_feed_filter(user: User) -> ColumnElement[bool]:
    """Visible posts that belong in the home feed: company space, the user's groups, and
    posts of public groups on the topics they follow (:func:`followed_topic_filter`)."""
    return and_(
        visible_posts_filter(user),
        or_(
            GROUP_OF_POST.is_(None),
            GROUP_OF_POST.in_(member_group_ids(user)),
            followed_topic_filter(user),
        ),
    )


def can_see_post(user: User, post: Post | None) -> bool:
    """Python twin of :func:`visible_posts_filter` for one already-loaded post."""
    if post is None or not user.active or post.deleted_at is not None:
        return False
    if not moderation_allows_one(post.moderation_state, post.author_id, user):
        return False
    if is_guest(user) and (post.group_id is None or post.kind == "announcement"):
        return False
    addressed = post.kind != "announcement" or post.author_id == user.id
    if not addressed and not is_announcement_recipient(user, post.id):
        return False
    if post.group_id is None:
        return True
    return can_read_group(user, post.group_id)


def is_announcement_recipient(user: User, post_id: int) -> bool:

    query = received_announcement_post_ids(user).where(Announcement.post_id == post_id)
    return db.session.scalar(query.limit(1)) is not None


def can_edit_post(user: User, post: Post) -> bool:
    """Only the author edits. Moderators may hide or delete, never rewrite someone's words."""
    return user.active and post.author_id == user.id


def can_delete_post(user: User, post: Post) -> bool:
    return user.active and (post.author_id == user.id or is_moderator(user))


def can_edit_comment(user: User, comment: Comment) -> bool:
    """Only the author edits a comment (moderators hide or delete, never rewrite)."""
    return user.active and comment.author_id == user.id


def can_delete_comment(user: User, comment: Comment, post: Post) -> bool:
    return can_delete_comment_by(user, comment.author_id, post.author_id)


def can_delete_comment_by(user: User, comment_author_id: int, post_author_id: int) -> bool:
    """:func:`can_delete_comment` from the two authors' ids (a list of serialized posts):
    the comment's author, the post's author, or a moderator."""
    return user.active and (
        comment_author_id == user.id or post_author_id == user.id or is_moderator(user)
    )


def can_manage_poll(user: User, post: Post) -> bool:
    """The poll's author or a community manager / admin: close it, export its votes, see
    ``after_vote`` results before voting."""
    return user.active and (post.author_id == user.id or is_moderator(user))


def can_choose_best_answer(user: User, post: Post) -> bool:
    """Who marks (or unmarks) a question's best answer: the asker, an admin of the
    question's group, or a community manager / admin. The caller has checked that
    ``user`` may see the question (otherwise: 404, not this)."""
    if not user.active:
        return False
    if post.author_id == user.id or is_moderator(user):
        return True
    return post.group_id is not None and is_group_admin(user, post.group_id)
