"""Journey templates, written by HR (``policy.can_manage_onboarding``).

A template's ``steps`` are replaced as a whole: ``[{"day_offset", "title",
"description"?, "action", "url"?, "group_id"?, "person_id"?, "question"?}]``. A negative
day offset is refused with 422; a group or person the author cannot see is "unknown"
(400). One template at most is the default (setting one unsets the others).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select, update

from ... import policy
from ...errors import Forbidden, NotFound, Unprocessable, ValidationFailed
from ...extensions import db
from ...models import Group, OnboardingTemplate, User
from ...models._time import utcnow
from ...models.onboarding import (
    DAY_OFFSET_MAX,
    QUESTION_MAX,
    STEP_ACTIONS,
    STEP_DESCRIPTION_MAX,
    STEP_TITLE_MAX,
    STEP_URL_MAX,
    STEPS_MAX,
    TEMPLATE_NAME_MAX,
)
from ...serializers import iso
from ..validation import check_known_fields, check_optional_id, check_text

FIELDS = {
    "name",
    "description",
    "is_default",
    "steps",
    "feedback_question",
    "anonymous_feedback",
    "feedback_group_id",
}
STEP_FIELDS = {
    "day_offset",
    "title",
    "description",
    "action",
    "url",
    "group_id",
    "person_id",
    "question",
}


def may_manage(user: User) -> bool:
    """Whether ``user`` writes templates (the pages show HR's links)."""
    return policy.can_manage_onboarding(user)


#: The field each action reads; given with another action, it is refused.
ACTION_FIELDS = {"url": "link", "group_id": "group", "person_id": "person", "question": "question"}


def check_can_manage(user: User) -> None:
    """:raise Forbidden: not HR (a guest gets a 404 from the callers that read)."""
    if not policy.can_manage_onboarding(user):
        raise Forbidden(_("Journey templates are for HR and administrators."))


def _check_offset(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _("day_offset must be a whole number of days."), fields={where: "not_integer"}
        )
    if value < 0:
        raise Unprocessable(
            _("A step cannot come before the hire date: day_offset must be 0 or more."),
            fields={where: "negative"},
        )
    if value > DAY_OFFSET_MAX:
        raise ValidationFailed(
            _("day_offset is at most %(max)s days.", max=DAY_OFFSET_MAX),
            fields={where: "out_of_range"},
        )
    return value


def _check_url(value: Any, where: str) -> str:
    url = check_text(value, where, max_len=STEP_URL_MAX)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValidationFailed(
            _("A step's link must be an http:// or https:// address."), fields={where: "bad_url"}
        )
    return url


def _check_group(actor: User, value: Any, where: str) -> int:
    group_id = check_optional_id(value, where)
    group = db.session.get(Group, group_id) if group_id else None
    if group is None or not policy.can_see_group(actor, group) or policy.is_secret_group(group):
        raise ValidationFailed(_("No such group."), fields={where: "unknown"})
    return group.id


def _check_person(value: Any, where: str) -> int:
    person_id = check_optional_id(value, where)
    person = db.session.get(User, person_id) if person_id else None
    if person is None or not policy.may_have_journey(person):
        raise ValidationFailed(_("No such person."), fields={where: "unknown"})
    return person.id


def _check_step(actor: User, raw: Any, index: int) -> dict[str, Any]:
    where = f"steps[{index}]"
    if not isinstance(raw, dict):
        raise ValidationFailed(_("Each step must be an object."), fields={where: "not_object"})
    check_known_fields(raw, STEP_FIELDS)
    action = raw.get("action", "none")
    if action not in STEP_ACTIONS:
        raise ValidationFailed(
            _("action must be one of: %(values)s.", values=", ".join(STEP_ACTIONS)),
            fields={f"{where}.action": "unknown"},
        )
    step: dict[str, Any] = {
        "day_offset": _check_offset(raw.get("day_offset"), f"{where}.day_offset"),
        "title": check_text(raw.get("title"), f"{where}.title", max_len=STEP_TITLE_MAX),
        "description": check_text(
            raw.get("description"),
            f"{where}.description",
            max_len=STEP_DESCRIPTION_MAX,
            required=False,
            multiline=True,
        ),
        "action": action,
        "url": None,
        "group_id": None,
        "person_id": None,
        "question": None,
    }
    for field, owner in ACTION_FIELDS.items():
        if owner != action and raw.get(field) not in (None, ""):
            raise ValidationFailed(
                _("%(field)s does not go with this action.", field=field),
                fields={f"{where}.{field}": "not_for_action"},
            )
    if action == "link":
        step["url"] = _check_url(raw.get("url"), f"{where}.url")
    elif action == "group":
        step["group_id"] = _check_group(actor, raw.get("group_id"), f"{where}.group_id")
    elif action == "person":
        step["person_id"] = _check_person(raw.get("person_id"), f"{where}.person_id")
    elif action == "question":
        step["question"] = check_text(
            raw.get("question"), f"{where}.question", max_len=QUESTION_MAX
        )
    return step


def _check_steps(actor: User, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not 1 <= len(value) <= STEPS_MAX:
        raise ValidationFailed(
            _("steps must be a list of 1 to %(max)s steps.", max=STEPS_MAX),
            fields={"steps": "not_list"},
        )
    steps = [_check_step(actor, raw, i) for i, raw in enumerate(value)]
    return sorted(steps, key=lambda s: s["day_offset"])  # stable: same day keeps its order


def _check_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(
            _("%(field)s must be true or false.", field=field), fields={field: "not_bool"}
        )
    return value


def _apply(actor: User, template: OnboardingTemplate, data: dict[str, Any]) -> None:
    if "name" in data:
        template.name = check_text(data["name"], "name", max_len=TEMPLATE_NAME_MAX)
    if "description" in data:
        template.description = check_text(
            data["description"], "description", max_len=STEP_DESCRIPTION_MAX, required=False
        )
    if "steps" in data:
        template.steps = _check_steps(actor, data["steps"])
    if "feedback_question" in data:
        template.feedback_question = check_text(
            data["feedback_question"], "feedback_question", max_len=QUESTION_MAX, required=False
        )
    if "anonymous_feedback" in data:
        template.anonymous_feedback = _check_bool(data["anonymous_feedback"], "anonymous_feedback")
    if "feedback_group_id" in data:
        value = data["feedback_group_id"]
        template.feedback_group_id = (
            None if value is None else _check_group(actor, value, "feedback_group_id")
        )
    if "is_default" in data:
        template.is_default = _check_bool(data["is_default"], "is_default")


def feedback_signer(template: OnboardingTemplate | None) -> User | None:
    """Who signs a template's anonymous answers: its author while they are HR, else the
    first administrator (None: nobody can)."""
    author = (
        db.session.get(User, template.created_by_id)
        if template and template.created_by_id
        else None
    )
    if author is not None and policy.can_manage_onboarding(author):
        return author
    return db.session.scalar(
        select(User).where(policy.administrators_filter()).order_by(User.id).limit(1)
    )


def _check_feedback_group(template: OnboardingTemplate) -> None:
    """The group of the answers takes them: only members post in a group, and a signed
    answer is the new joiner's own post (the knowledge base shows its author), so it goes
    to a public group (they join it as they answer); an anonymous one is posted by
    :func:`feedback_signer`, who must be able to post there.

    :raise Unprocessable: ``not_public`` or ``signer_not_member`` on ``feedback_group_id``.
    """
    group = (
        db.session.get(Group, template.feedback_group_id) if template.feedback_group_id else None
    )
    if group is None:
        return
    if not template.anonymous_feedback:
        if not policy.is_public_group(group) or group.is_archived:
            raise Unprocessable(
                _("Answers signed by the new joiner go to a public group (they join it as "
                  "they answer) or to the company space: choose one, or make the answers "
                  "anonymous."),
                fields={"feedback_group_id": "not_public"},
            )  # fmt: skip
        return
    signer = feedback_signer(template)
    if signer is None or not policy.can_post_in_group(signer, group.id):
        raise Unprocessable(
            _("Anonymous answers are posted by the template's author, who cannot post in "
              "this group: choose a group they belong to."),
            fields={"feedback_group_id": "signer_not_member"},
        )  # fmt: skip


def _keep_one_default(template: OnboardingTemplate) -> None:
    if template.is_default:
        db.session.execute(
            update(OnboardingTemplate)
            .where(OnboardingTemplate.id != template.id, OnboardingTemplate.is_default.is_(True))
            .values(is_default=False)
            .execution_options(synchronize_session=False)
        )


def do_create_template(actor: User, data: Any) -> OnboardingTemplate:
    """Create a template from ``data`` (``name`` and ``steps`` required). Flushes.

    :raise Forbidden: not HR. :raise ValidationFailed: bad fields, unknown group or person.
    :raise Unprocessable: a negative day offset; a feedback group the answers cannot be
        posted in (see :func:`_check_feedback_group`).
    """
    check_can_manage(actor)
    data = check_known_fields(data, FIELDS)
    if "name" not in data or "steps" not in data:
        missing = "name" if "name" not in data else "steps"
        raise ValidationFailed(
            _("%(field)s is required.", field=missing), fields={missing: "required"}
        )
    template = OnboardingTemplate(created_by_id=actor.id, description="", steps=[])
    _apply(actor, template, data)
    _check_feedback_group(template)
    db.session.add(template)
    db.session.flush()
    _keep_one_default(template)
    return template


def access_template(user: User, template_id: int) -> OnboardingTemplate:
    """:raise NotFound: missing, or ``user`` is not HR (templates are HR's)."""
    template = db.session.get(OnboardingTemplate, template_id)
    if template is None or not policy.can_manage_onboarding(user):
        raise NotFound(_("No such journey template."))
    return template


def do_update_template(actor: User, template_id: int, data: Any) -> OnboardingTemplate:
    """Change some fields; journeys already started keep their copy of the steps.

    :raise Unprocessable: as :func:`do_create_template`, the whole template checked again
        (making the answers signed is refused while the group is private)."""
    template = access_template(actor, template_id)
    data = check_known_fields(data, FIELDS)
    _apply(actor, template, data)
    _check_feedback_group(template)
    template.updated_at = utcnow()
    db.session.flush()
    _keep_one_default(template)
    return template


def do_delete_template(actor: User, template_id: int) -> None:
    """Delete a template; journeys started from it go on (their steps are copies)."""
    db.session.delete(access_template(actor, template_id))
    db.session.flush()


def list_templates(user: User) -> list[OnboardingTemplate]:
    """Every template, default first. :raise NotFound: not HR (guests included)."""
    if not policy.can_manage_onboarding(user):
        raise NotFound(_("No such journey template."))
    return list(
        db.session.scalars(
            select(OnboardingTemplate).order_by(
                OnboardingTemplate.is_default.desc(), OnboardingTemplate.name, OnboardingTemplate.id
            )
        )
    )


def default_template() -> OnboardingTemplate | None:
    return db.session.scalar(
        select(OnboardingTemplate).where(OnboardingTemplate.is_default.is_(True)).limit(1)
    )


def template_dict(template: OnboardingTemplate) -> dict[str, Any]:
    """The one shape of a template (API and pages)."""
    return {
        "id": template.id,
        "name": template.name,
        "description": template.description,
        "is_default": template.is_default,
        "steps": [dict(step) for step in template.steps],
        "feedback_question": template.feedback_question,
        "anonymous_feedback": template.anonymous_feedback,
        "feedback_group_id": template.feedback_group_id,
        "created_at": iso(template.created_at),
        "updated_at": iso(template.updated_at),
    }
