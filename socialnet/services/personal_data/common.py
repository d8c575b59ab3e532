"""The few helpers the export's sections share."""

from __future__ import annotations

from typing import Any

from ...models import User


def person_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "display_name": user.display_name}
