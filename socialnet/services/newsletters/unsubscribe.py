"""One-click unsubscribe from the newsletters' emails (RFC 8058), as the digest has.

Each email carries a signed link naming its reader (``List-Unsubscribe`` and
``List-Unsubscribe-Post`` headers, and a footer link); following it and confirming
(or the mail client's one-click ``POST``) records a :class:`NewsletterOptOut`: no further
issue is emailed to that person (the issues stay readable on the site). The same token
subscribes them again. A token is signed with its own salt, so a digest token does
nothing here and a tampered one names nobody.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...models import NewsletterOptOut, User
from ...models._time import utcnow
from ..unsubscribe_tokens import person_for, token_for

SALT = "socialnet.newsletter-unsubscribe"


def unsubscribe_token(user: User) -> str:
    """A token that stops the newsletters' emails to ``user``, and nobody else."""
    return token_for(user, SALT)


def access_unsubscribe(token: Any) -> User:
    """The person a newsletter unsubscribe token was made for (:func:`person_for`)."""
    return person_for(token, SALT)


def is_unsubscribed(user: User) -> bool:
    return db.session.get(NewsletterOptOut, user.id) is not None


def do_unsubscribe(token: Any) -> User:
    """Stop the emails to the token's person (again changes nothing). :raise: as above."""
    user = access_unsubscribe(token)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(NewsletterOptOut)
        .values(user_id=user.id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    db.session.flush()
    return user


def do_resubscribe(token: Any) -> User:
    """Send the newsletters to the token's person again. :raise: as above."""
    user = access_unsubscribe(token)
    db.session.execute(delete(NewsletterOptOut).where(NewsletterOptOut.user_id == user.id))
    db.session.flush()
    return user


def opted_out_ids():
    """SQL subquery of the people who unsubscribed."""
    return select(NewsletterOptOut.user_id)
