"""Read helpers for the HTML pages: everything one page shows, gathered in one call.

The HTML views stay thin by asking this module for a page's whole content. It
composes the other services and asks :mod:`socialnet.policy` what the viewer may
do (edit, delete) so templates never decide permissions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..errors import Forbidden
from ..extensions import db
from ..models import Announcement, Comment, Group, GroupMembership, ModerationState, Post, User
from ..serializers import comment_dict
from ..text_keys import fold
from . import comments, directory, feed, groups, reactions
from .accounts import access_user
from .files import files_for_comments
from .posts import NOT_EDITABLE_KINDS, access_post

COMMENTS_PAGE = 50
#: How many of a post's latest comments its feed card shows ("View all N" loads the rest).
CARD_COMMENTS = 2
PUBLISHED = ModerationState.PUBLISHED.value


@dataclass
class PostPage:
    post: dict[str, Any]
    comments: list[dict[str, Any]]
    next_cursor: str | None
    can_edit: bool
    can_delete: bool
    #: A question, and the viewer may mark or unmark its best answer.
    can_choose_best_answer: bool = False


@dataclass
class ProfilePage:
    person: User
    manager: User | None
    reports: list[User]
    posts: list[dict[str, Any]]
    next_cursor: str | None
    post_permissions: dict[int, dict[str, bool]] = field(default_factory=dict)


def post_permissions(viewer: User, posts: list[dict[str, Any]]) -> dict[int, dict[str, bool]]:
    """``{post_id: {"edit": bool, "delete": bool}}`` for serialized posts, without queries."""
    moderator = policy.is_moderator(viewer)
    out = {}
    for post in posts:
        own = viewer.active and post["author"]["id"] == viewer.id
        editable = own and post.get("kind", "post") not in NOT_EDITABLE_KINDS
        out[post["id"]] = {"edit": editable, "delete": own or (viewer.active and moderator)}
    return out


def post_page(viewer: User, post_id: int, cursor: str | None) -> PostPage:
    """A permalink: the post as ``viewer`` sees it and its comments, oldest first.

    :raise NotFound: the post is missing, deleted or not visible to ``viewer``.
    """
    post = access_post(viewer, post_id)
    rows, next_cursor = comments.list_comments(viewer, post_id, cursor, COMMENTS_PAGE)
    may_choose = post.kind == "question" and policy.can_choose_best_answer(viewer, post)
    items = []
    attached = files_for_comments([c.id for c in rows])
    for comment in rows:
        item = {**comment_dict(comment), "files": attached[comment.id]}
        item["can_delete"] = policy.can_delete_comment(viewer, comment, post)
        item["can_edit"] = policy.can_edit_comment(viewer, comment)
        item["is_best_answer"] = comment.id == post.best_answer_id
        item["may_choose"] = may_choose and comment.moderation_state == PUBLISHED
        items.append(item)
    return PostPage(
        post=feed.serialize_posts_for(viewer, [post])[0],
        comments=items,
        next_cursor=next_cursor,
        can_edit=policy.can_edit_post(viewer, post),
        can_delete=policy.can_delete_post(viewer, post),
        can_choose_best_answer=may_choose,
    )


def card_comments(viewer: User, posts: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """``{post id: its latest comments}`` under feed cards (at most :data:`CARD_COMMENTS`,
    oldest first, as the comment macro reads them); ``posts`` are serialized posts
    ``viewer`` sees. Two queries whatever the number of posts."""
    latest = comments.latest_for_posts(viewer, [p["id"] for p in posts], CARD_COMMENTS)
    attached = files_for_comments([c.id for rows in latest.values() for c in rows])
    post_authors = {p["id"]: p["author"]["id"] for p in posts}
    return {
        post_id: [
            {
                **comment_dict(c),
                "files": attached[c.id],
                "can_delete": policy.can_delete_comment_by(
                    viewer, c.author_id, post_authors[post_id]
                ),
            }
            for c in rows
        ]
        for post_id, rows in latest.items()
    }


def access_editable_post(viewer: User, post_id: int) -> Post:
    """The post, if ``viewer`` may edit it.

    :raise NotFound: not visible. :raise Forbidden: visible but someone else's.
    """
    post = access_post(viewer, post_id)
    if not policy.can_edit_post(viewer, post):
        raise Forbidden(_("Only the author can edit a post."))
    return post


def access_editable_comment(viewer: User, comment_id: int) -> Comment:
    """The comment, if ``viewer`` may edit it (its author).

    :raise NotFound: not visible. :raise Forbidden: visible but someone else's.
    """
    comment, _post = comments.access_comment(viewer, comment_id)
    if not policy.can_edit_comment(viewer, comment):
        raise Forbidden(_("Only its author can edit a comment."))
    return comment


def do_react(viewer: User, post_id: int, kind: str, active: bool | None) -> dict[str, Any]:
    """Set a reaction from a form: ``active`` True/False, or None to toggle the current state.

    Forms send the state they displayed, so a double submit stays idempotent.
    """
    post = access_post(viewer, post_id)
    reactions.check_kind(kind)
    if active is None:
        active = kind not in reactions.my_reactions_for(viewer, [post.id])[post.id]
    return reactions.do_set_reaction(viewer, post, kind, active)


def profile_page(viewer: User, person_id: int, cursor: str | None, limit: int) -> ProfilePage:
    """A person's card (manager, direct reports) and the posts of theirs ``viewer`` may see.

    :raise NotFound: nobody has this id, or ``viewer`` may not see them (a guest: anyone
        outside their groups).
    """
    person = access_user(person_id, viewer)
    org_visible = policy.can_see_org_chart(viewer)  # a guest sees no manager nor reports
    manager = db.session.get(User, person.manager_id) if person.manager_id and org_visible else None
    posts, next_cursor = feed.profile_feed(viewer, person, cursor, limit)
    return ProfilePage(
        person=person,
        manager=manager,
        reports=directory.direct_reports(person) if org_visible else [],
        posts=posts,
        next_cursor=next_cursor,
        post_permissions=post_permissions(viewer, posts),
    )


# -- groups, announcements, notifications ------------------------------------------------


@dataclass
class GroupPage:
    """A group page: what ``viewer`` may know of the group, and what they may do there."""

    group: dict[str, Any]
    can_read: bool
    can_manage: bool
    can_post: bool
    can_mark_official: bool
    tab: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    post_permissions: dict[int, dict[str, bool]] = field(default_factory=dict)
    card_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    next_cursor: str | None = None
    members: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[User] = field(default_factory=list)


GROUP_TABS = ("feed", "members", "about")
MEMBERS_PAGE = 50


def group_page(
    viewer: User,
    group_id: int,
    tab: str,
    cursor: str | None,
    limit: int,
    picker_query: str | None = None,
) -> GroupPage:
    """A group's header plus one tab (feed, members, about).

    Outsiders of a private group get the about tab only (its existence is public,
    its content is not); admins also get the join requests and, when they search
    the people picker, the matching people who are not members yet.

    :raise NotFound: missing, or secret and ``viewer`` is not a member.
    """
    model = groups.access_group(viewer, group_id)
    can_read = policy.can_read_group(viewer, model.id)
    can_manage = policy.can_manage_group(viewer, model)
    page = GroupPage(
        group=groups.describe(viewer, model),
        can_read=can_read,
        can_manage=can_manage,
        can_post=policy.can_post_in_group(viewer, model.id),
        can_mark_official=policy.can_mark_official(viewer),
        tab=tab if tab in GROUP_TABS and can_read else "feed" if can_read else "about",
    )
    if page.tab == "feed":
        page.posts, page.next_cursor = groups.group_feed(viewer, model.id, cursor, limit)
        page.post_permissions = post_permissions(viewer, page.posts)
        page.card_comments = card_comments(viewer, page.posts)
    elif page.tab == "members":
        page.members, page.next_cursor = groups.list_members(viewer, model.id, cursor, MEMBERS_PAGE)
        if can_manage:
            page.requests = groups.list_join_requests(viewer, model.id)
            if picker_query:
                page.candidates = people_not_in_group(viewer, model.id, picker_query)
    return page


def people_not_in_group(viewer: User, group_id: int, query: str, limit: int = 8) -> list[User]:
    """The people picker: active people matching ``query`` who are not members yet."""
    found, _cursor = directory.search_people(
        query=query, department=None, site=None, cursor=None, limit=limit + 20, viewer=viewer
    )
    members = set(
        db.session.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group_id,
                GroupMembership.user_id.in_([u.id for u in found]),
            )
        )
    )
    return [u for u in found if u.id not in members][:limit]


def my_groups(user: User, *, writable_only: bool = False) -> list[Group]:
    """The groups ``user`` belongs to, by name (``writable_only``: not archived)."""
    query = (
        select(Group)
        .where(Group.id.in_(policy.member_group_ids(user)))
        .order_by(Group.name_key, Group.id)
    )
    if writable_only:
        query = query.where(Group.archived_at.is_(None))
    return list(db.session.scalars(query))


def with_groups(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``group`` ({id, name}) to each serialized group post, in one query."""
    ids = {p["group_id"] for p in posts if p.get("group_id")}
    if not ids:
        return posts
    names = dict(db.session.execute(select(Group.id, Group.name).where(Group.id.in_(ids))).all())
    for post in posts:
        if post.get("group_id") in names:
            post["group"] = {"id": post["group_id"], "name": names[post["group_id"]]}
    return posts


@dataclass
class AnnounceOptions:
    """The audiences ``user`` may address, for the announcement composer."""

    reports: bool
    company: bool
    sites: list[str]
    departments: list[str]
    groups: list[Group]

    @property
    def any(self) -> bool:
        return self.reports or self.company or bool(self.groups)


def announce_options(user: User) -> AnnounceOptions:
    """Only what :func:`policy.can_announce_to` allows: reports if they have any;
    company, sites and departments for community managers and admins; groups they admin
    (community managers: every group they may see)."""
    moderator = policy.is_moderator(user)
    departments, sites = directory.departments_and_sites() if moderator else ([], [])
    query = (
        select(Group)
        .where(policy.announceable_groups_filter(user))
        .order_by(Group.name_key, Group.id)
    )
    return AnnounceOptions(
        reports=user.active and policy.has_reports(user),
        company=moderator,
        sites=sites,
        departments=departments,
        groups=list(db.session.scalars(query)) if user.active else [],
    )


def may_announce(user: User) -> bool:
    """Cheap check for showing the "New announcement" link (``policy.may_announce``)."""
    return policy.may_announce(user)


def audience_label(announcement: Announcement) -> str:
    """Who an announcement addresses, in words ("the whole company", "the Lyon site"…)."""
    kind = announcement.audience_kind
    if kind == "company":
        return _("the whole company")
    if kind == "reports":
        return _("the sender's reporting line")
    if kind == "site":
        return _("the %(site)s site", site=announcement.audience_value)
    if kind == "department":
        return _("the %(department)s department", department=announcement.audience_value)
    group = db.session.get(Group, announcement.group_id) if announcement.group_id else None
    return _("the %(group)s group", group=group.name) if group else _("a group")


# -- kudos and celebrations ---------------------------------------------------------------


def people_ids_from_handles(raw: str, field: str) -> list[int]:
    """``"@ana.martin, ben.okafor"`` → the ids of those active people, in order (a form's
    people picker sends handles; JavaScript fills them from the directory).

    :raise ValidationFailed: a handle nobody has (``fields[field] = "unknown"``).
    """
    from ..errors import ValidationFailed

    handles = [fold(h.lstrip("@")) for h in raw.replace(",", " ").split()]
    handles = list(dict.fromkeys(h for h in handles if h))[:60]
    if not handles:
        return []
    found = dict(
        db.session.execute(
            select(User.handle_key, User.id).where(
                User.handle_key.in_(handles), User.active.is_(True)
            )
        ).all()
    )
    missing = [h for h in handles if h not in found]
    if missing:
        raise ValidationFailed(
            _("Nobody active has the handle @%(handle)s.", handle=missing[0]),
            fields={field: "unknown"},
        )
    return [found[h] for h in handles]


def may_celebrate_team(viewer: User) -> bool:
    return policy.can_celebrate_team(viewer)
