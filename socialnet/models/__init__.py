"""SQLAlchemy models, one module per domain."""

from .events import Event
from .groups import Group, GroupMembership, GroupVisibility
from .posts import REACTION_KINDS, Comment, Mention, Post, PostHashtag, Reaction, ReactionKind
from .users import ROLES_ALL, ApiToken, Role, User, hash_token

__all__ = [
    "REACTION_KINDS",
    "ROLES_ALL",
    "ApiToken",
    "Comment",
    "Event",
    "Group",
    "GroupMembership",
    "GroupVisibility",
    "Mention",
    "Post",
    "PostHashtag",
    "Reaction",
    "ReactionKind",
    "Role",
    "User",
    "hash_token",
]
