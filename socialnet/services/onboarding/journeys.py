"""A new joiner's journey: starting it (steps copied from a template, a buddy, the welcome
post), reading it (the person, their manager, their buddy, HR; anyone else a 404), and
changing the buddy.

The welcome post is the new joiner's celebration (``celebrations.do_welcome_new_joiner``):
written now if the hire date is today or just past, by the daily job on the day otherwise,
never twice (the celebrations' unique key).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed
from ...extensions import db
from ...models import (
    OnboardingJourney,
    OnboardingStep,
    OnboardingTemplate,
    User,
)
from ...models._time import utcnow
from ..celebrations import do_welcome_new_joiner
from ..company_day import company_today
from ..validation import check_known_fields, check_optional_id, parse_date
from .templates import default_template

START_FIELDS = {"user_id", "template_id", "buddy_id", "hire_date"}
PATCH_FIELDS = {"buddy_id"}


def _check_buddy(value: Any, person: User) -> User | None:
    """The buddy named by ``value`` (None: none chosen).

    :raise ValidationFailed: nobody by that id, or a guest. :raise Unprocessable: a
        deactivated account, or the new joiner themself.
    """
    buddy_id = check_optional_id(value, "buddy_id")
    if buddy_id is None:
        return None
    buddy = db.session.get(User, buddy_id)
    if buddy is None or buddy.deleted_at is not None or policy.is_guest(buddy):
        raise ValidationFailed(_("No such person."), fields={"buddy_id": "unknown"})
    if not policy.can_be_buddy(buddy, person):
        reason = "self" if buddy.id == person.id else "inactive"
        raise Unprocessable(
            _("This person cannot be a buddy: choose an active colleague other than the "
              "new joiner."),
            fields={"buddy_id": reason},
        )  # fmt: skip
    return buddy


def suggest_buddy(person: User, *, excluding: int | None = None) -> User | None:
    """An active employee of ``person``'s site and department (not them, not
    ``excluding``), the one who is buddy of the fewest journeys in progress."""
    load = (
        select(func.count(OnboardingJourney.id))
        .where(OnboardingJourney.buddy_id == User.id, OnboardingJourney.completed_at.is_(None))
        .scalar_subquery()
    )
    query = select(User).where(policy.buddy_candidates_filter(person))
    if excluding is not None:
        query = query.where(User.id != excluding)
    return db.session.scalar(query.order_by(load, User.id).limit(1))


def _copy_steps(journey: OnboardingJourney, template: OnboardingTemplate) -> None:
    for position, step in enumerate(template.steps):
        db.session.add(
            OnboardingStep(
                journey_id=journey.id,
                position=position,
                day_offset=step["day_offset"],
                due_on=journey.hire_date + timedelta(days=step["day_offset"]),
                title=step["title"],
                description=step.get("description") or "",
                action=step["action"],
                url=step.get("url"),
                group_id=step.get("group_id"),
                person_id=step.get("person_id"),
                question=step.get("question"),
            )
        )


def do_start_journey(
    person: User,
    *,
    template: OnboardingTemplate | None = None,
    buddy: User | None = None,
    today: date | None = None,
) -> OnboardingJourney | None:
    """Start ``person``'s journey from ``template`` (default: the default template) on
    their hire date, with ``buddy`` (default: :func:`suggest_buddy`), and post the welcome.
    Flushes. Returns None when there is no template to start from.

    :raise ValidationFailed: ``person`` has no hire date or may not have a journey.
    :raise Conflict: they have one already.
    """
    if not policy.may_have_journey(person):
        raise ValidationFailed(
            _("Only active employees have an onboarding journey."), fields={"user_id": "guest"}
        )
    if person.hire_date is None:
        raise ValidationFailed(
            _("Give a hire date first: steps are due days after it."),
            fields={"hire_date": "required"},
        )
    template = template or default_template()
    if template is None:
        return None
    if db.session.scalar(
        select(OnboardingJourney.id).where(OnboardingJourney.user_id == person.id)
    ):
        raise Conflict(_("This person's journey has already started."), fields={"user_id": "taken"})
    chosen = buddy is not None
    buddy = buddy or suggest_buddy(person)
    journey = OnboardingJourney(
        user_id=person.id,
        template_id=template.id,
        template_name=template.name,
        hire_date=person.hire_date,
        buddy_id=buddy.id if buddy else None,
        buddy_source="chosen" if chosen else ("suggested" if buddy else "none"),
        feedback_question=template.feedback_question,
        anonymous_feedback=template.anonymous_feedback,
        feedback_group_id=template.feedback_group_id,
        started_at=utcnow(),
    )
    db.session.add(journey)
    db.session.flush()
    _copy_steps(journey, template)
    db.session.flush()
    do_welcome_new_joiner(person, today or company_today())
    return journey


def do_start_for_new_account(person: User, data: dict[str, Any]) -> OnboardingJourney | None:
    """The journey of an account just created with a hire date: ``data`` may name the
    ``onboarding_template_id`` and the ``buddy_id`` (chosen by the manager). Nothing when
    there is no hire date, the person is a guest, or no template exists."""
    if person.hire_date is None or not policy.may_have_journey(person):
        return None
    template = _check_template(data.get("onboarding_template_id"), "onboarding_template_id")
    buddy = _check_buddy(data.get("buddy_id"), person)
    return do_start_journey(person, template=template, buddy=buddy)


def _check_template(value: Any, field: str) -> OnboardingTemplate | None:
    template_id = check_optional_id(value, field)
    if template_id is None:
        return None
    template = db.session.get(OnboardingTemplate, template_id)
    if template is None:
        raise ValidationFailed(_("No such journey template."), fields={field: "unknown"})
    return template


def do_start_for(actor: User, data: Any) -> OnboardingJourney:
    """``POST /onboarding/journeys``: HR or the person's manager starts a journey for an
    existing person (``hire_date`` may be given when the account has none).

    :raise NotFound: the person does not exist or ``actor`` may not steer their journey.
    :raise ValidationFailed: no template given and no default one.
    """
    data = check_known_fields(data, START_FIELDS)
    user_id = check_optional_id(data.get("user_id"), "user_id")
    person = db.session.get(User, user_id) if user_id else None
    if person is None or not policy.can_steer_journey(actor, person):
        raise NotFound(_("No such person."))
    template = _check_template(data.get("template_id"), "template_id")
    buddy = _check_buddy(data.get("buddy_id"), person)
    hire_date = parse_date(data.get("hire_date"), "hire_date")
    if hire_date is not None and person.hire_date is None:
        person.hire_date = hire_date
    journey = do_start_journey(person, template=template, buddy=buddy)
    if journey is None:
        raise ValidationFailed(
            _("There is no default journey template: choose one."),
            fields={"template_id": "required"},
        )
    return journey


def access_journey(viewer: User, journey_id: int) -> tuple[OnboardingJourney, User]:
    """The journey and its person. :raise NotFound: missing or not ``viewer``'s to see."""
    journey = db.session.get(OnboardingJourney, journey_id)
    person = db.session.get(User, journey.user_id) if journey is not None else None
    if person is None or not policy.can_see_journey(viewer, journey, person):
        raise NotFound(_("No such journey."))
    return journey, person


def my_journey(user: User) -> OnboardingJourney | None:
    if not policy.may_have_journey(user):
        return None
    return db.session.scalar(select(OnboardingJourney).where(OnboardingJourney.user_id == user.id))


def do_set_buddy(actor: User, journey_id: int, data: Any) -> OnboardingJourney:
    """Change the buddy (``{"buddy_id": id | null}``): the person's manager or HR.

    :raise NotFound: not visible. :raise Forbidden: visible but not steerable (the buddy,
        the person). :raise Unprocessable: a deactivated buddy, or the person themself.
    """
    journey, person = access_journey(actor, journey_id)
    if not policy.can_steer_journey(actor, person):
        raise Forbidden(_("Only the manager or HR can choose the buddy."))
    data = check_known_fields(data, PATCH_FIELDS)
    if "buddy_id" in data:
        buddy = _check_buddy(data["buddy_id"], person)
        journey.buddy_id = buddy.id if buddy else None
        journey.buddy_source = "chosen" if buddy else "none"
        journey.buddy_replaced_at = None
    db.session.flush()
    return journey


def do_replace_buddy(buddy: User) -> int:
    """``buddy`` was deactivated: each journey in progress they were buddy of gets a new
    suggestion, or none, and says so (``buddy_replaced_at``). Flushes; returns how many."""
    journeys = db.session.scalars(
        select(OnboardingJourney).where(
            OnboardingJourney.buddy_id == buddy.id, OnboardingJourney.completed_at.is_(None)
        )
    ).all()
    now = utcnow()
    for journey in journeys:
        person = db.session.get(User, journey.user_id)
        replacement = suggest_buddy(person, excluding=buddy.id) if person else None
        journey.buddy_id = replacement.id if replacement else None
        journey.buddy_source = "suggested" if replacement else "none"
        journey.buddy_replaced_at = now
    db.session.flush()
    return len(journeys)


def check_in_progress_flag(raw: str | None) -> bool:
    """The ``in_progress`` query parameter: absent, ``0`` or ``1``.

    :raise ValidationFailed: anything else."""
    if raw in (None, "", "0", "1"):
        return raw == "1"
    raise ValidationFailed(_("in_progress must be 0 or 1."), fields={"in_progress": "invalid"})


def list_journeys(viewer: User, *, in_progress_only: bool = False) -> list[OnboardingJourney]:
    """The journeys ``viewer`` may see, newest hire date first."""
    query = select(OnboardingJourney).where(policy.visible_journeys_filter(viewer))
    if in_progress_only:
        query = query.where(OnboardingJourney.completed_at.is_(None))
    return list(
        db.session.scalars(
            query.order_by(OnboardingJourney.hire_date.desc(), OnboardingJourney.id.desc())
        )
    )


def do_forget(user: User) -> None:
    """``user`` deleted their account: their journey goes (steps and answers with it) and
    the journeys they were buddy of get a new suggestion. Flushes."""
    own = select(OnboardingJourney.id).where(OnboardingJourney.user_id == user.id)
    db.session.execute(delete(OnboardingStep).where(OnboardingStep.journey_id.in_(own)))
    db.session.execute(delete(OnboardingJourney).where(OnboardingJourney.user_id == user.id))
    do_replace_buddy(user)
