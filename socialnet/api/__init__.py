"""The JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``.

Each module adds its routes to :data:`bp` (``api/blueprint.py``) when imported here; the
OpenAPI document is assembled in ``api/spec/``.
"""

from . import (  # noqa: F401  (routes register on import)
    accounts,
    advocacy,
    analytics,
    announcements,
    briefings,
    circles,
    editorial,
    events,
    files,
    groups,
    guests,
    knowledge,
    moderation,
    newsletters,
    notifications,
    onboarding,
    openapi,
    pain_points,
    people,
    personal_data,
    polls,
    posts,
    questions,
    recognition,
    search,
    topics,
    users,
)
from .blueprint import bp

__all__ = ["bp"]
