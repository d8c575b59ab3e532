"""Doing a journey: completing and uncompleting steps (the new joiner only), and the
final feedback question, whose answer becomes a lessons-learned entry (a ``feedback``
post) for HR.

Anonymous feedback: the post is signed by the template's author (or the first active
administrator), nothing is audited, and no moment links it to the person: the post and
the journey's ``feedback_answered_at`` are dated at the start of the company's day, and
only the person sees that they answered (``reading.journey_dict``), so their name
reaches no API, export or audit line, and no timestamp can be matched with the post's.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Forbidden, NotFound
from ...extensions import db
from ...models import Group, OnboardingJourney, OnboardingStep, OnboardingTemplate, User
from ...models._time import utcnow
from ...models.onboarding import ANSWER_MAX
from ..celebrations import company_tz
from ..company_day import company_today
from ..groups.membership import do_join
from ..knowledge import do_create_feedback
from ..validation import check_known_fields, check_text
from .journeys import access_journey
from .templates import feedback_signer

FEEDBACK_TOPIC = "onboarding"


def _own_step(
    user: User, journey_id: int, step_id: int
) -> tuple[OnboardingJourney, OnboardingStep]:
    """:raise NotFound: not visible, or no such step in it. :raise Forbidden: visible but
    not ``user``'s own journey (the manager and buddy read, they do not tick)."""
    journey, _person = access_journey(user, journey_id)
    step = db.session.get(OnboardingStep, step_id)
    if step is None or step.journey_id != journey.id:
        raise NotFound(_("No such step."))
    if journey.user_id != user.id:
        raise Forbidden(_("Only the new joiner ticks the steps of their journey."))
    return journey, step


def _settle(journey: OnboardingJourney) -> None:
    remaining = db.session.scalar(
        select(OnboardingStep.id)
        .where(OnboardingStep.journey_id == journey.id, OnboardingStep.completed_at.is_(None))
        .limit(1)
    )
    journey.completed_at = None if remaining is not None else (journey.completed_at or utcnow())


def do_complete_step(user: User, journey_id: int, step_id: int, data: object) -> OnboardingStep:
    """Tick a step (``{"answer"}`` for a question step). A group step joins the group (or
    asks to, if private) unless already a member. Flushes.

    :raise Conflict: already completed. :raise ValidationFailed: a question without answer.
    """
    journey, step = _own_step(user, journey_id, step_id)
    data = check_known_fields(data if data is not None else {}, {"answer"})
    if step.completed_at is not None:
        raise Conflict(_("This step is already done."), fields={"step_id": "done"})
    if step.action == "question":
        step.answer = check_text(data.get("answer"), "answer", max_len=ANSWER_MAX, multiline=True)
    group_id = step.group_id if step.action == "group" else None
    if group_id is not None and not policy.is_group_member(user, group_id):
        do_join(user, group_id)
    step.completed_at = utcnow()
    db.session.flush()
    _settle(journey)
    db.session.flush()
    return step


def do_uncomplete_step(user: User, journey_id: int, step_id: int) -> OnboardingStep:
    """Untick a step (its answer goes too). :raise Conflict: it was not done."""
    journey, step = _own_step(user, journey_id, step_id)
    if step.completed_at is None:
        raise Conflict(_("This step is not done yet."), fields={"step_id": "not_done"})
    step.completed_at = None
    step.answer = None
    db.session.flush()
    _settle(journey)
    db.session.flush()
    return step


def _anonymous_author(journey: OnboardingJourney) -> User:
    template = (
        db.session.get(OnboardingTemplate, journey.template_id) if journey.template_id else None
    )
    signer = feedback_signer(template)
    if signer is None:
        raise Conflict(_("Nobody can receive this feedback right now: try again later."))
    return signer


def _join_feedback_group(user: User, journey: OnboardingJourney) -> None:
    """A signed answer is ``user``'s post: they join the (public) feedback group first, as
    a group step does. A group made private since is left to the posting check."""
    group_id = journey.feedback_group_id
    if group_id is None or policy.is_group_member(user, group_id):
        return
    group = db.session.get(Group, group_id)
    if group is not None and policy.is_public_group(group) and not group.is_archived:
        do_join(user, group_id)


def start_of_company_day(now: datetime) -> datetime:
    """The instant (naive UTC) the company's day holding ``now`` (naive UTC) began."""
    midnight = datetime.combine(company_today(now), time(), tzinfo=company_tz())
    return midnight.astimezone(UTC).replace(tzinfo=None)


def do_answer_feedback(
    user: User, journey_id: int, data: object, *, now: datetime | None = None
) -> OnboardingJourney:
    """Answer the final question (``{"answer"}``), once, after every step is done: the
    answer is published as a ``feedback`` post (lessons learned, topic #onboarding) in the
    template's feedback group (joined first if public), signed by the person — or, if the
    template says anonymous, by HR, with no link back to the person and dated at the start
    of the company's day (see the module docstring). ``now``: naive UTC, default the clock.
    Flushes.

    :raise Conflict: steps remain, or already answered. :raise ValidationFailed: no answer.
    :raise Forbidden: the group was made private since and they are not a member.
    """
    journey, _person = access_journey(user, journey_id)
    if journey.user_id != user.id:
        raise Forbidden(_("Only the new joiner answers their journey's question."))
    data = check_known_fields(data, {"answer"})
    answer = check_text(data.get("answer"), "answer", max_len=ANSWER_MAX, multiline=True)
    if journey.completed_at is None:
        raise Conflict(_("Finish the steps of your journey first."), fields={"answer": "early"})
    if journey.feedback_answered_at is not None:
        raise Conflict(_("You have already answered."), fields={"answer": "done"})
    if journey.anonymous_feedback:
        author = _anonymous_author(journey)
    else:
        author = user
        _join_feedback_group(user, journey)
    now = now or utcnow()
    dated = start_of_company_day(now) if journey.anonymous_feedback else now
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        title = _("Onboarding feedback: %(journey)s", journey=journey.template_name)
    post = do_create_feedback(
        author,
        {
            "title": title[:200],
            "context": journey.feedback_question,
            "lessons": answer,
            "topics": [FEEDBACK_TOPIC],
            "group_id": journey.feedback_group_id,
        },
        created_at=dated,
    )
    journey.feedback_answered_at = dated
    journey.feedback_post_id = None if journey.anonymous_feedback else post.id
    db.session.flush()
    return journey
