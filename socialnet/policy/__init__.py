"""Who may see and do what: the one place authorization is decided.

Every read path (feed, permalink, profile, API, socket rooms, catch-up) calls
:func:`visible_posts_filter` or :func:`can_see_post`; every mutation calls a
``can_*`` predicate. A private object that a user may not see must be handled
exactly like a missing one (404).

The package has one module per domain (``roles``, ``groups``, ``posts``,
``announcements``, ``rooms``, ``moderation``, ``notifications``, ``audit``); this module
re-exports their public names, so callers write ``policy.<name>``. Policy imports
models, ``extensions`` and ``limits`` only — never a service — so any service may ask it.
Outside this package no code compares a role or builds a visibility filter
(tests/test_architecture.py).
"""

from __future__ import annotations

from .announcements import (
    can_announce_to,
    can_read_announcement,
    can_see_reach,
    sender_sees_audience,
)
from .audit import (
    AUDIT_SAFE_FIELDS,
    can_read_audit_log,
    readable_announcements_filter,
    redacted_audit_entries,
)
from .groups import (
    READ_ONLY_REFUSAL,
    administered_group_ids,
    can_manage_group,
    can_post_in_group,
    can_read_group,
    can_see_group,
    group_role,
    is_group_admin,
    is_group_member,
    is_read_only,
    member_group_ids,
    readable_group_ids,
    readers_among,
    visible_groups_filter,
)
from .moderation import (
    GROUP_ADMIN_CASE_ACTIONS,
    ModerationReach,
    can_moderate_group,
    can_open_queue,
    can_pin,
    can_take_case_action,
    cases_visible_filter,
    moderation_reach,
)
from .notifications import (
    group_known_to_row,
    post_visible_to_row,
    visible_notifications_filter,
    visible_notifications_to_row,
)
from .posts import (
    AUTHOR_ONLY_STATES,
    GROUP_OF_POST,
    can_delete_comment,
    can_delete_post,
    can_edit_post,
    can_see_post,
    home_feed_filter,
    is_announcement_recipient,
    moderation_allows,
    moderation_allows_one,
    received_announcement_post_ids,
    visible_comments_filter,
    visible_posts_filter,
)
from .roles import (
    MODERATOR_ROLES,
    can_feature,
    can_manage_users,
    can_mark_official,
    can_read_analytics,
    is_admin,
    is_moderator,
)
from .rooms import (
    ANNOUNCEMENT_ROOM_DAYS,
    COMPANY_ROOM,
    PER_ANNOUNCEMENT_ROOM_AUDIENCES,
    announcement_room,
    audience_room_for_post,
    can_join_room,
    room_for_post,
    rooms_for,
)

__all__ = [
    "AUDIT_SAFE_FIELDS",
    "ANNOUNCEMENT_ROOM_DAYS",
    "AUTHOR_ONLY_STATES",
    "COMPANY_ROOM",
    "GROUP_ADMIN_CASE_ACTIONS",
    "GROUP_OF_POST",
    "MODERATOR_ROLES",
    "ModerationReach",
    "PER_ANNOUNCEMENT_ROOM_AUDIENCES",
    "READ_ONLY_REFUSAL",
    "administered_group_ids",
    "announcement_room",
    "audience_room_for_post",
    "can_announce_to",
    "can_delete_comment",
    "can_delete_post",
    "can_edit_post",
    "can_feature",
    "can_join_room",
    "can_manage_group",
    "can_manage_users",
    "can_mark_official",
    "can_moderate_group",
    "can_open_queue",
    "can_pin",
    "can_read_announcement",
    "can_post_in_group",
    "can_read_analytics",
    "can_read_audit_log",
    "can_read_group",
    "can_see_group",
    "can_see_post",
    "can_see_reach",
    "can_take_case_action",
    "cases_visible_filter",
    "group_known_to_row",
    "group_role",
    "home_feed_filter",
    "is_admin",
    "is_announcement_recipient",
    "is_group_admin",
    "is_group_member",
    "is_moderator",
    "is_read_only",
    "member_group_ids",
    "moderation_allows",
    "moderation_allows_one",
    "moderation_reach",
    "readable_group_ids",
    "post_visible_to_row",
    "readable_announcements_filter",
    "readers_among",
    "received_announcement_post_ids",
    "redacted_audit_entries",
    "room_for_post",
    "rooms_for",
    "sender_sees_audience",
    "visible_comments_filter",
    "visible_groups_filter",
    "visible_notifications_filter",
    "visible_notifications_to_row",
    "visible_posts_filter",
]
