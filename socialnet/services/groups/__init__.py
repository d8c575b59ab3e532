"""Groups: create and govern them, join, invite, approve, leave, and read their feed.

One module per job: :mod:`.reading`, :mod:`.governing` (create, change, delete) and
:mod:`.membership`; this package exposes what the request layer calls. Visibility
rules live in :mod:`socialnet.policy`; these modules apply them.
Membership changes move open sockets in or out of the group's room right
after the commit, so a removed member stops receiving the group at once.
"""

from .governing import check_may_create_group, do_create_group, do_delete_group, do_update_group
from .membership import (
    do_add_member,
    do_decide_request,
    do_join,
    do_remove_member,
    do_set_member_role,
    list_join_requests,
    list_members,
)
from .reading import access_group, describe, describe_many, group_feed, list_groups

__all__ = [
    "access_group",
    "check_may_create_group",
    "describe",
    "describe_many",
    "do_add_member",
    "do_create_group",
    "do_decide_request",
    "do_delete_group",
    "do_join",
    "do_remove_member",
    "do_set_member_role",
    "do_update_group",
    "group_feed",
    "list_groups",
    "list_join_requests",
    "list_members",
]
