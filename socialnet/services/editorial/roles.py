"""The correspondent role as a profile shows it; a module light enough for the people
services to import (``correspondents`` builds on the groups services)."""

from __future__ import annotations

from ...extensions import db
from ...models import Correspondent, User


def role_of(person: User) -> dict[str, str] | None:
    """``{"scope", "value"}`` of ``person``'s correspondent role, or None (the profile)."""
    row = db.session.get(Correspondent, person.id)
    return None if row is None else {"scope": row.scope_kind, "value": row.scope_value}
