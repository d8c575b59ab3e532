"""Recognition: kudos given and received (received only while their post is readable by
the person), celebrations of them, endorsements given and received."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.orm import aliased

from ... import policy
from ...extensions import db
from ...models import (
    Celebration,
    CelebrationPerson,
    CompanyValue,
    Endorsement,
    Kudos,
    KudosRecipient,
    Post,
    Skill,
    User,
)
from ...serializers import iso
from .common import person_ref


def kudos_given(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Kudos, CompanyValue.name)
        .join(CompanyValue, CompanyValue.id == Kudos.value_id)
        .where(Kudos.giver_id == user.id)
        .order_by(Kudos.id)
    ).all()
    recipients: dict[int, list[dict[str, Any]]] = {}
    if rows:
        for kudos_id, person in db.session.execute(
            select(KudosRecipient.kudos_id, User)
            .join(User, User.id == KudosRecipient.user_id)
            .where(KudosRecipient.kudos_id.in_([k.id for k, _ in rows]))
        ).all():
            recipients.setdefault(kudos_id, []).append(person_ref(person))
    return [
        {
            "id": k.id,
            "post_id": k.post_id,
            "value": value,
            "message": k.message,
            "recipients": recipients.get(k.id, []),
            "created_at": iso(k.created_at),
        }
        for k, value in rows
    ]


def kudos_received(user: User) -> list[dict[str, Any]]:
    """Kudos thanking ``user`` whose post they can still read (see the module docstring)."""
    rows = db.session.execute(
        select(Kudos, CompanyValue.name, User)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(CompanyValue, CompanyValue.id == Kudos.value_id)
        .join(User, User.id == Kudos.giver_id)
        .join(Post, Post.id == Kudos.post_id)
        .where(KudosRecipient.user_id == user.id, policy.visible_posts_filter(user))
        .order_by(Kudos.id)
    ).all()
    return [
        {
            "id": k.id,
            "post_id": k.post_id,
            "from": person_ref(giver),
            "value": value,
            "message": k.message,
            "created_at": iso(k.created_at),
        }
        for k, value, giver in rows
    ]


def celebrations(user: User) -> list[dict[str, Any]]:
    named = select(CelebrationPerson.celebration_id).where(CelebrationPerson.user_id == user.id)
    rows = db.session.scalars(
        select(Celebration)
        .where((Celebration.user_id == user.id) | Celebration.id.in_(named))
        .order_by(Celebration.id)
    ).all()
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "post_id": c.post_id,
            "occasion_date": iso(c.occasion_date),
            "years": c.years,
        }
        for c in rows
    ]


#: The other person of an endorsement, built once (an ORM alias costs ~1.7 ms to build).
_COLLEAGUE = aliased(User, name="colleague")


def endorsements(user: User) -> dict[str, list[dict[str, Any]]]:
    """Endorsements ``user`` gave and received, with the colleague's name (one query)."""
    colleague = _COLLEAGUE
    rows = db.session.execute(
        select(Endorsement, Skill.name, colleague)
        .join(Skill, Skill.id == Endorsement.skill_id)
        .join(
            colleague,
            colleague.id
            == case(
                (Endorsement.user_id == user.id, Endorsement.endorser_id),
                else_=Endorsement.user_id,
            ),
        )
        .where(or_(Endorsement.user_id == user.id, Endorsement.endorser_id == user.id))
        .order_by(Endorsement.id)
    ).all()
    given, received = [], []
    for row, skill, other in rows:
        item = {"skill": skill, "created_at": iso(row.created_at)}
        if row.endorser_id == user.id:
            given.append({**item, "to": person_ref(other)})
        else:
            received.append({**item, "by": person_ref(other)})
    return {"endorsements_given": given, "endorsements_received": received}
