"""Who may see and do what: the one place authorization is decided.

Every read path (feed, permalink, profile, API, socket rooms, catch-up) calls
:func:`visible_posts_filter` or :func:`can_see_post`; every mutation calls a
``can_*`` predicate. A private object that a user may not see must be handled
exactly like a missing one (404).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from .models import (
    Announcement,
    AnnouncementRecipient,
    Comment,
    Group,
    GroupMembership,
    GroupVisibility,
    ModerationState,
    Post,
    Role,
    User,
)
from .services.validation import MAX_ID

MODERATOR_ROLES = frozenset({Role.COMMUNITY_MANAGER.value, Role.ADMIN.value})

COMPANY_ROOM = "company"


def is_admin(user: User) -> bool:
    return user.active and user.role == Role.ADMIN.value


def is_moderator(user: User) -> bool:
    return user.active and user.role in MODERATOR_ROLES


#: ``+posts.group_id``: the same value, but no index can serve it. Visibility is a
#: filter, never the way in: without this SQLite walks ``ix_posts_group_id_id`` for
#: ``group_id IS NULL`` (most posts), then sorts the whole table to find the newest
#: 20 — 0.5 s at 200,000 posts instead of 0.1 ms walking the primary key backwards.
GROUP_OF_POST = UnaryExpression(
    Post.group_id, operator=operators.custom_op("+"), type_=Post.group_id.type
)


def member_group_ids(user: User):
    """SQL subquery of the ids of the groups ``user`` belongs to."""
    return select(GroupMembership.group_id).where(GroupMembership.user_id == user.id)


def readable_group_ids(user: User):
    """SQL subquery of the groups whose content ``user`` may read: public ones and their own."""
    public = select(Group.id).where(Group.visibility == GroupVisibility.PUBLIC.value)
    return public.union_all(member_group_ids(user))  # IN needs no de-duplication


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
    a group, only by readers of that group); deleted posts by nobody.
    """
    if not user.active:
        return Post.id.is_(None)
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


#: States in which content reaches its author only: held for approval, or hidden
#: (the author sees it marked "pending" / "hidden by moderation"). Anything not
#: published reaches nobody else; "removed" content reaches no one at all through
#: the product's read paths — moderators open it through its case.
AUTHOR_ONLY_STATES = (ModerationState.PENDING.value, ModerationState.HIDDEN.value)


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


def home_feed_filter(user: User) -> ColumnElement[bool]:
    """Visible posts that belong in the home feed: company space and the user's groups."""
    return and_(
        visible_posts_filter(user),
        or_(GROUP_OF_POST.is_(None), GROUP_OF_POST.in_(member_group_ids(user))),
    )


def can_see_post(user: User, post: Post | None) -> bool:
    """Python twin of :func:`visible_posts_filter` for one already-loaded post."""
    if post is None or not user.active or post.deleted_at is not None:
        return False
    if not moderation_allows_one(post.moderation_state, post.author_id, user):
        return False
    addressed = post.kind != "announcement" or post.author_id == user.id
    if not addressed and not is_announcement_recipient(user, post.id):
        return False
    if post.group_id is None:
        return True
    return can_read_group(user, post.group_id)


def is_announcement_recipient(user: User, post_id: int) -> bool:
    from .extensions import db

    query = received_announcement_post_ids(user).where(Announcement.post_id == post_id)
    return db.session.scalar(query.limit(1)) is not None


def visible_groups_filter(user: User) -> ColumnElement[bool]:
    """Groups whose existence ``user`` may know: all but the secret ones they are not in."""
    return or_(
        Group.visibility != GroupVisibility.SECRET.value, Group.id.in_(member_group_ids(user))
    )


def can_see_group(user: User, group: Group | None) -> bool:
    """May ``user`` know that ``group`` exists? (A secret group is a 404 to outsiders.)"""
    if group is None or not user.active:
        return False
    return group.visibility != GroupVisibility.SECRET.value or is_group_member(user, group.id)


def group_role(user: User, group_id: int) -> str | None:
    """``"admin"``, ``"member"`` or None."""
    from .extensions import db

    membership = db.session.get(GroupMembership, (group_id, user.id))
    return membership.role if membership else None


def is_group_admin(user: User, group_id: int) -> bool:
    return user.active and group_role(user, group_id) == "admin"


def can_manage_group(user: User, group: Group) -> bool:
    """Group admins manage their group; company admins any group they may see."""
    return user.active and (
        is_group_admin(user, group.id) or (is_admin(user) and can_see_group(user, group))
    )


def can_mark_official(user: User) -> bool:
    return is_moderator(user)


def can_announce_to(user: User, audience_kind: str, group: Group | None = None) -> bool:
    """Who may announce to whom.

    Community managers and admins: the company, a site, a department or any
    group they may see. Group admins: their group. Managers (anyone with
    reports): their reporting line — the service checks that reports exist.
    """
    if not user.active:
        return False
    if audience_kind == "reports":
        return True
    if audience_kind == "group":
        return group is not None and (
            is_group_admin(user, group.id) or (is_moderator(user) and can_see_group(user, group))
        )
    return is_moderator(user)


def can_see_reach(user: User, announcement: Announcement) -> bool:
    """The sender, and community managers / admins who may read the announcement's audience."""
    if not user.active:
        return False
    if announcement.sender_id == user.id:
        return True
    if not is_moderator(user):
        return False
    return announcement.group_id is None or can_read_group(user, announcement.group_id)


def can_read_group(user: User, group_id: int) -> bool:
    from .extensions import db

    group = db.session.get(Group, group_id)
    if group is None:
        return False
    if group.visibility == GroupVisibility.PUBLIC.value:
        return True
    return is_group_member(user, group_id)


def is_group_member(user: User, group_id: int) -> bool:
    from .extensions import db

    return db.session.get(GroupMembership, (group_id, user.id)) is not None


def readers_among(user_ids: list[int], group_id: int | None) -> list[int]:
    """The people of ``user_ids`` who may read content of ``group_id`` (None: the company).

    Used to record mentions: naming someone in a private group must not give
    them (or a notification built from the mention) a way into the group.
    """
    from .extensions import db

    if not user_ids or group_id is None:
        return user_ids
    group = db.session.get(Group, group_id)
    if group is None:
        return []
    if group.visibility == GroupVisibility.PUBLIC.value:
        return user_ids
    members = set(
        db.session.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group_id, GroupMembership.user_id.in_(user_ids)
            )
        )
    )
    return [uid for uid in user_ids if uid in members]


def can_post_in_group(user: User, group_id: int | None) -> bool:
    """Company posts: any active employee. Group posts: members of a group not archived."""
    from .extensions import db

    if not user.active:
        return False
    if group_id is None:
        return True
    group = db.session.get(Group, group_id)
    return group is not None and not group.is_archived and is_group_member(user, group_id)


#: What a service answers (403) when :func:`is_read_only` refuses a change.
READ_ONLY_REFUSAL = "This group is archived: it is read-only."


def is_read_only(post: Post) -> bool:
    """The post belongs to an archived group: no comments, edits or reactions any more."""
    from .extensions import db

    if post.group_id is None:
        return False
    group = db.session.get(Group, post.group_id)
    return group is not None and group.is_archived


def can_edit_post(user: User, post: Post) -> bool:
    """Only the author edits. Moderators may hide or delete, never rewrite someone's words."""
    return user.active and post.author_id == user.id


def can_delete_post(user: User, post: Post) -> bool:
    return user.active and (post.author_id == user.id or is_moderator(user))


def can_delete_comment(user: User, comment: Comment, post: Post) -> bool:
    return user.active and (
        comment.author_id == user.id or post.author_id == user.id or is_moderator(user)
    )


def can_manage_users(user: User) -> bool:
    return is_admin(user)


#: Announcement rooms older than this are not joined on connect (``join`` still works).
ANNOUNCEMENT_ROOM_DAYS = 30


def rooms_for(user: User) -> list[str]:
    """The Socket.IO rooms a connection of ``user`` joins on connect."""
    from datetime import timedelta

    from .extensions import db
    from .models._time import utcnow

    if not user.active:
        return []
    group_ids = db.session.scalars(member_group_ids(user)).all()
    since = utcnow() - timedelta(days=ANNOUNCEMENT_ROOM_DAYS)
    announcement_ids = db.session.scalars(
        select(Announcement.id)
        .where(
            Announcement.published_at >= since,
            Announcement.audience_kind.in_(PER_ANNOUNCEMENT_ROOM_AUDIENCES),
            # an ex-member of a private group no longer hears its announcements
            or_(
                Announcement.group_id.is_(None), Announcement.group_id.in_(readable_group_ids(user))
            ),
            or_(
                Announcement.sender_id == user.id,
                Announcement.id.in_(
                    select(AnnouncementRecipient.announcement_id).where(
                        AnnouncementRecipient.user_id == user.id
                    )
                ),
            ),
        )
        .order_by(Announcement.id)
    ).all()
    return [
        COMPANY_ROOM,
        f"user:{user.id}",
        *(f"group:{gid}" for gid in sorted(group_ids)),
        *(f"announcement:{aid}" for aid in announcement_ids),
    ]


#: Audiences that have no room of their own: their announcement gets one. A group's
#: room is not its audience: readers of a public group listen to it without being
#: members, and members who join later were not addressed.
PER_ANNOUNCEMENT_ROOM_AUDIENCES = ("reports", "site", "department", "group")


def announcement_room(announcement: Announcement) -> str:
    """The room of an announcement's audience: the company's, or its own."""
    if announcement.audience_kind == "company":
        return COMPANY_ROOM
    return f"announcement:{announcement.id}"


def can_join_room(user: User, room: str) -> bool:
    """May ``user`` listen to ``room``? Unknown room names are refused."""
    if not user.active:
        return False
    if room == COMPANY_ROOM:
        return True
    kind, _, raw_id = room.partition(":")
    # ASCII digits of a storable id only ("²".isdigit() is true; 2**80 overflows SQLite).
    if not (raw_id.isascii() and raw_id.isdigit()) or not 0 < int(raw_id) <= MAX_ID:
        return False
    if kind == "user":
        return int(raw_id) == user.id
    if kind == "group":
        return can_read_group(user, int(raw_id))
    if kind == "announcement":
        from .extensions import db

        announcement = db.session.get(Announcement, int(raw_id))
        post = (
            db.session.get(Post, announcement.post_id)
            if announcement and announcement.post_id
            else None
        )
        return can_see_post(user, post)
    return False


def room_for_post(post: Post) -> str:
    """The room whose listeners may see ``post`` (its audience).

    A post that is not published (held for approval, hidden) reaches its author only.
    """
    if post.moderation_state != ModerationState.PUBLISHED.value:
        return f"user:{post.author_id}"
    return audience_room_for_post(post)


def audience_room_for_post(post: Post) -> str:
    """The room of everyone who could see ``post`` if it were published."""
    if post.kind == "announcement":
        from .extensions import db

        announcement = db.session.scalar(
            select(Announcement).where(Announcement.post_id == post.id)
        )
        if announcement is not None:
            return announcement_room(announcement)
    return COMPANY_ROOM if post.group_id is None else f"group:{post.group_id}"


# --- moderation ------------------------------------------------------------------------

#: Case actions a group admin may take on cases of their group; the others (account-wide
#: sanctions, moving a post elsewhere) are for community managers and admins.
GROUP_ADMIN_CASE_ACTIONS = frozenset(
    {"dismiss", "approve", "hide", "restore", "delete", "warn", "lock"}
)


def administered_group_ids(user: User):
    """SQL subquery of the groups ``user`` is an admin of."""
    return select(GroupMembership.group_id).where(
        GroupMembership.user_id == user.id, GroupMembership.role == "admin"
    )


def cases_visible_filter(user: User) -> ColumnElement[bool]:
    """Cases ``user`` may see in the review queue: all for community managers and admins,
    those of their groups for group admins, none for anyone else."""
    from .models import ModerationCase

    if not user.active:
        return ModerationCase.id.is_(None)
    if is_moderator(user):
        return ModerationCase.id.is_not(None)
    return ModerationCase.group_id.in_(administered_group_ids(user))


def can_moderate_group(user: User, group_id: int | None) -> bool:
    """Community managers moderate everything; group admins their group's content."""
    if is_moderator(user):
        return True
    return group_id is not None and is_group_admin(user, group_id)


def can_take_case_action(user: User, case_group_id: int | None, action: str) -> bool:
    if is_moderator(user):
        return True
    return can_moderate_group(user, case_group_id) and action in GROUP_ADMIN_CASE_ACTIONS


def can_read_audit_log(user: User) -> bool:
    return is_moderator(user)


def can_read_analytics(user: User) -> bool:
    return is_moderator(user)


def can_pin(user: User, post: Post, scope: str) -> bool:
    """Community managers pin to the company feed or a group; group admins in their group."""
    if scope == "company":
        return is_moderator(user)
    return post.group_id is not None and can_moderate_group(user, post.group_id)


def can_feature(user: User) -> bool:
    return is_moderator(user)
