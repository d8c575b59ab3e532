"""SQLAlchemy models, one module per domain."""

from .announcements import AUDIENCE_KINDS, Announcement, AnnouncementRecipient, AudienceKind
from .events import Event
from .groups import Group, GroupJoinRequest, GroupMembership, GroupVisibility
from .notifications import NOTIFICATION_TYPES, Notification, NotificationMute, NotificationType
from .polls import (
    DATE_ANSWERS,
    POLL_KINDS,
    RESULTS_VISIBILITY,
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
)
from .posts import REACTION_KINDS, Comment, Mention, Post, PostHashtag, Reaction, ReactionKind
from .recognition import (
    CELEBRATION_KINDS,
    Celebration,
    CelebrationPerson,
    CompanyValue,
    Kudos,
    KudosRecipient,
)
from .users import ROLES_ALL, ApiToken, Role, User, hash_token

__all__ = [
    "CELEBRATION_KINDS",
    "DATE_ANSWERS",
    "POLL_KINDS",
    "RESULTS_VISIBILITY",
    "Ballot",
    "BallotChoice",
    "Celebration",
    "CelebrationPerson",
    "CompanyValue",
    "Kudos",
    "KudosRecipient",
    "Poll",
    "PollOption",
    "AUDIENCE_KINDS",
    "NOTIFICATION_TYPES",
    "Announcement",
    "AnnouncementRecipient",
    "AudienceKind",
    "GroupJoinRequest",
    "Notification",
    "NotificationMute",
    "NotificationType",
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
