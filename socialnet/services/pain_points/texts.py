"""The words of the register a person reads: the status names, and the notifications'
stored text (the company language's wording; ``system_text`` words them again when read,
from the same parameters)."""

from __future__ import annotations

from ...system_text import PAIN_POINT_STATUS_LABELS as STATUS_LABELS
from ...system_text import pain_point_status_label as status_label
from ...system_text import pain_point_text

__all__ = ["STATUS_LABELS", "params_and_text", "status_label"]


def params_and_text(type: str, **params: str) -> tuple[dict[str, str], str]:
    """A notification's parameters and its stored wording, from one source."""
    return params, pain_point_text(type, params) or ""
