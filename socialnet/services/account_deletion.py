"""Deleting one's own account (GDPR art. 17), in one transaction.

The ``users`` row stays as a tombstone: "Former colleague", no email, name,
title, site, manager, dates or password, ``active`` false and ``deleted_at``
set, so that what must outlive the person (the append-only audit log, open
moderation cases, announcement reach figures) keeps a valid reference and
nothing else can ever sign in as them or be given their id. Their sessions,
tokens and sockets end at commit.

What becomes of what they contributed is the company's choice
(:data:`~.company_settings.ACCOUNT_DELETION`):

- ``anonymise`` (default): posts, comments, reactions and votes stay, under
  "Former colleague" (conversations and poll results stay whole);
- ``remove``: posts and comments are deleted with their text erased (the
  rows stay as tombstones for moderation and analytics history), and so are
  the words stored beside them (kudos messages, announcements, poll questions
  and options, hashtags and mentions, circle syntheses and topics, questions on
  briefings); reactions
  and ballots are deleted, and open browsers drop them live. The event log keeps
  old event snapshots for reconnect catch-up, but catch-up never replays a
  deleted post or comment, and it names people as they are now ("Former
  colleague").

In both modes celebrations *of* the person (birthday, anniversary, new joiner)
are removed, since they exist only to name them, and they leave the team
successes that named them; their scheduled announcements are cancelled;
memberships, join requests, notifications, notification settings, topic follows,
tokens, activity days and their newsletter reading records (sends, opens, clicks) are
deleted.

Retained on purpose, and said so in the user-facing text: audit entries they
made before (the audit log is append-only and the security record of the
company) and reports they filed (the case history; the reporter is shown to
moderators as "Former colleague").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from .. import policy, system_text
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..markup import MENTION_RE
from ..models import (
    AdvocacyProfile,
    Announcement,
    ApiToken,
    Ballot,
    Celebration,
    CelebrationPerson,
    Comment,
    Endorsement,
    Group,
    GroupJoinRequest,
    GroupMembership,
    Kudos,
    Mention,
    ModerationState,
    NewsletterClick,
    NewsletterRecipient,
    Notification,
    NotificationMute,
    Poll,
    PollOption,
    Post,
    PostHashtag,
    Reaction,
    TopicCount,
    TopicFollow,
    User,
    UserActivityDay,
    UserSession,
    UserSkill,
)
from ..models._time import utcnow
from ..realtime.publisher import publish
from ..text_keys import fold
from . import audit, company_settings, onboarding
from .accounts import do_end_sessions, verify_password
from .briefings import personal as briefing_personal
from .cases import do_close_cases_about
from .circles import personal as circle_personal
from .files import delete_uploads_of
from .people.avatar import forget_avatar
from .validation import check_known_fields

#: What colleagues see in place of a deleted person's name.
FORMER_COLLEAGUE = "Former colleague"
#: ``password_hash`` of a deleted account: not an argon2 hash, so no password matches.
NO_PASSWORD = "!deleted"


def _check_password(user: User, data: Any) -> None:
    data = check_known_fields(data, {"password"})
    if not verify_password(user, data.get("password")):
        raise ValidationFailed(
            _("Your password is not correct: your account was not deleted."),
            fields={"password": "incorrect"},
        )


def _check_not_last_admin(user: User) -> None:
    """Someone must still run the company's network and each group the person runs."""
    if policy.is_admin(user):
        others = db.session.scalar(
            select(func.count(User.id)).where(policy.administrators_filter(), User.id != user.id)
        )
        if not others:
            raise Conflict(
                _(
                    "You are the network's last administrator: make someone else an "
                    "administrator before deleting your account."
                )
            )
    other_admin = (
        select(GroupMembership.group_id)
        .where(policy.group_admin_rows(), GroupMembership.user_id != user.id)
        .scalar_subquery()
    )
    other_member = (
        select(GroupMembership.group_id).where(GroupMembership.user_id != user.id).scalar_subquery()
    )
    stranded = db.session.scalars(
        select(Group.name)
        .join(GroupMembership, GroupMembership.group_id == Group.id)
        .where(
            GroupMembership.user_id == user.id,
            policy.group_admin_rows(),
            Group.id.not_in(other_admin),
            Group.id.in_(other_member),
        )
        .order_by(Group.name)
    ).all()
    if stranded:
        raise Conflict(
            _(
                "You are the last admin of %(groups)s: make another member an admin "
                "before deleting your account.",
                groups=", ".join(f"“{name}”" for name in stranded),
            )
        )


def _remove_posts(user: User) -> None:
    """Delete ``user``'s posts, erasing their text; open feeds drop them live."""
    posts = db.session.scalars(
        select(Post).where(Post.author_id == user.id, Post.deleted_at.is_(None))
    ).all()
    now = utcnow()
    for post in posts:
        room = policy.room_for_post(post)  # before: a removed post is nobody's
        post.deleted_at, post.deleted_by_id = now, user.id
        post.title, post.body, post.body_html, post.system = None, "", "", None
        do_close_cases_about("post", post.id)
        publish("post.deleted", {"id": post.id}, room=room, post_id=post.id)
    # Text of posts deleted earlier goes too: a deleted account keeps no words.
    db.session.execute(
        update(Post)
        .where(Post.author_id == user.id, Post.deleted_at.is_not(None))
        .values(title=None, body="", body_html="", system=None)
    )


def _remove_comments(user: User) -> None:
    """Delete ``user``'s comments, erasing their text and fixing the posts' counts."""
    rows = db.session.execute(
        select(Comment, Post)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.author_id == user.id, Comment.deleted_at.is_(None))
    ).all()
    now = utcnow()
    counted: Counter[int] = Counter()
    for comment, post in rows:
        comment.deleted_at = now
        do_close_cases_about("comment", comment.id)
        if comment.moderation_state == ModerationState.PUBLISHED.value:  # only those count
            counted[post.id] += 1
        publish(
            "comment.deleted",
            {"id": comment.id, "post_id": post.id},
            room=policy.room_for_post(post),
            post_id=post.id,
        )
    for post_id, removed in counted.items():
        db.session.execute(
            update(Post)
            .where(Post.id == post_id)
            .values(comment_count=Post.comment_count - removed)
        )
    db.session.execute(
        update(Comment).where(Comment.author_id == user.id).values(body="", body_html="")
    )


def _erase_attached_text(user: User) -> None:
    """The words stored beside their posts: kudos messages, announcements, their polls'
    questions and options, and the hashtags and mentions indexed from their text."""
    own_posts = select(Post.id).where(Post.author_id == user.id)
    own_comments = select(Comment.id).where(Comment.author_id == user.id)
    db.session.execute(update(Kudos).where(Kudos.giver_id == user.id).values(message=""))
    db.session.execute(
        update(Announcement).where(Announcement.sender_id == user.id).values(title="", body="")
    )
    own_polls = select(Poll.id).where(Poll.post_id.in_(own_posts))
    db.session.execute(update(Poll).where(Poll.id.in_(own_polls)).values(question=""))
    db.session.execute(update(PollOption).where(PollOption.poll_id.in_(own_polls)).values(text=""))
    db.session.execute(delete(PostHashtag).where(PostHashtag.post_id.in_(own_posts)))
    # The triggers counted those tags down; a tag nobody uses any more keeps no row.
    db.session.execute(delete(TopicCount).where(TopicCount.posts <= 0))
    db.session.execute(
        delete(Mention).where(Mention.post_id.in_(own_posts) | Mention.comment_id.in_(own_comments))
    )
    circle_personal.erase_words_of(user)
    briefing_personal.erase_words_of(user)


def _remove_contributions(user: User) -> None:
    _remove_posts(user)
    _remove_comments(user)
    _erase_attached_text(user)
    db.session.execute(delete(Reaction).where(Reaction.user_id == user.id))
    db.session.execute(delete(Ballot).where(Ballot.user_id == user.id))  # cascades to choices


def _remove_celebrations_of(user: User) -> None:
    """Celebrations of ``user`` go, and their posts' text with them (already deleted ones too)."""
    posts = db.session.scalars(
        select(Post)
        .join(Celebration, Celebration.post_id == Post.id)
        .where(Celebration.user_id == user.id)
    ).all()
    now = utcnow()
    for post in posts:
        if post.deleted_at is None:
            publish(
                "post.deleted", {"id": post.id}, room=policy.room_for_post(post), post_id=post.id
            )
            post.deleted_at = now
        post.title, post.body, post.body_html, post.system = None, "", "", None
    db.session.execute(delete(Celebration).where(Celebration.user_id == user.id))
    db.session.execute(delete(CelebrationPerson).where(CelebrationPerson.user_id == user.id))


def _cancel_scheduled_announcements(user: User) -> None:
    """Nothing goes out in a deleted person's name after they left."""
    db.session.execute(
        update(Announcement)
        .where(
            Announcement.sender_id == user.id,
            Announcement.published_at.is_(None),
            Announcement.cancelled_at.is_(None),
        )
        .values(cancelled_at=utcnow())
    )


def _delete_personal_rows(user: User) -> None:
    for model in (
        AdvocacyProfile,  # off the advocacy leaderboard; their share links keep counting
        GroupMembership,
        GroupJoinRequest,
        Notification,
        NotificationMute,
        NewsletterClick,
        NewsletterRecipient,
        TopicFollow,
        ApiToken,
        UserActivityDay,
        UserSession,
        UserSkill,
    ):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(
        delete(Endorsement).where(
            or_(Endorsement.user_id == user.id, Endorsement.endorser_id == user.id)
        )
    )


def _tombstone_handle(user: User) -> str:
    return f"deleted-{user.id}"


def _unmention_in(text: str, user: User) -> str:
    """``text`` (Markdown, plain text or stored HTML) with every @mention of ``user``
    renamed to their tombstone handle.

    A mention is what the renderer would read as one: ``MENTION_RE`` takes the longest
    handle, so ``@jo`` inside ``@joanna`` or ``@jo.anna`` is not theirs, and an ``@``
    glued to a word (``mail@jo``) is no mention. In HTML a linked mention keeps its
    ``data-user-id``, which now points at the tombstone.
    """
    handle, new = user.handle_key, _tombstone_handle(user)

    def rename(match: re.Match[str]) -> str:
        start = match.start()
        glued = start > 0 and (text[start - 1].isalnum() or text[start - 1] in MENTION_GLUE)
        return f"@{new}" if fold(match.group(1)) == handle and not glued else match.group(0)

    return MENTION_RE.sub(rename, text)


#: Characters that make an ``@`` right after them part of something else (as in ``markup``).
MENTION_GLUE = "_@#/&"

#: Every stored text that renders an @handle, by model: Markdown source, HTML, plain text.
MENTIONING_COLUMNS: tuple[tuple[type, tuple[str, ...]], ...] = (
    (Post, ("title", "body", "body_html")),
    (Comment, ("body", "body_html")),
    (Announcement, ("title", "body")),
    (Kudos, ("message",)),
    (Poll, ("question",)),
    (PollOption, ("text",)),
)


def _unmention(user: User) -> None:
    """Every stored text naming ``user`` by handle loses the handle, whoever wrote it and
    whether or not a mention row was recorded (a non-member named in a secret group's post,
    an announcement): posts (kudos and celebrations included), comments, announcements,
    kudos messages and poll text, in Markdown and in stored HTML.

    A SQL ``LIKE`` on ``@handle`` finds the candidates; :func:`_unmention_in` renames
    exactly, so longer handles sharing the prefix are left alone.
    """
    needle = f"@{user.handle.lower()}"
    for model, columns in MENTIONING_COLUMNS:
        found = [
            func.lower(func.coalesce(getattr(model, c), "")).contains(needle, autoescape=True)
            for c in columns
        ]
        for row in db.session.scalars(select(model).where(or_(*found))):
            for column in columns:
                value = getattr(row, column)
                if value:
                    setattr(row, column, _unmention_in(value, user))
    # System posts name people in their parameters, worded when read (a welcome post
    # names the newcomer's manager).
    for post in db.session.scalars(select(Post).where(Post.system.is_not(None))):
        if post.system and system_text.names_person(post.system, user.id):
            post.system = system_text.rename_person(post.system, user.id, _tombstone_handle(user))


def _erase_profile(user: User) -> None:
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.handle = _tombstone_handle(user)
    user.display_name = FORMER_COLLEAGUE
    user.password_hash = NO_PASSWORD
    user.job_title = user.department = user.site = ""
    user.pronouns = user.phone = user.about = user.about_html = user.location_detail = ""
    user.languages = []
    user.manager_id = None
    user.hire_date = user.birth_month = user.birth_day = None
    user.celebrate_birthday = False
    user.leaderboard_opt_out = True
    user.active = False
    user.deleted_at = utcnow()
    # Their reports now report to nobody: the org chart must not point at a tombstone.
    db.session.execute(update(User).where(User.manager_id == user.id).values(manager_id=None))


def do_delete_account(user: User, data: Any) -> str:
    """Delete ``user``'s own account after checking their password; return the mode used.

    Everything happens in the caller's transaction (nothing if it rolls back);
    events, socket disconnections and the end of every session follow the commit.

    :raise ValidationFailed: the password is missing or wrong (nothing changes).
    :raise Conflict: they are the last administrator of the network, or the last
        admin of a group that has other members (nothing changes).
    """
    _check_password(user, data)
    _check_not_last_admin(user)
    mode = company_settings.get(company_settings.ACCOUNT_DELETION)
    if mode == company_settings.REMOVE:
        _remove_contributions(user)
    delete_uploads_of(user, attached_too=mode == company_settings.REMOVE)
    forget_avatar(user)
    _remove_celebrations_of(user)
    _cancel_scheduled_announcements(user)
    onboarding.do_forget(user)
    _unmention(user)  # while the old handle is known
    _delete_personal_rows(user)
    do_end_sessions(user)  # after the tokens are gone: it revokes none, bumps the epoch
    _erase_profile(user)
    db.session.flush()
    audit.record(user, "account.deleted", "user", user.id, after={"mode": mode})
    return mode
