"""Personal API tokens: created once, stored hashed, revocable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import ApiToken, User, hash_token
from ..models._time import utcnow
from ..realtime.presence import disconnect_room_sockets
from ..realtime.publisher import after_commit
from .accounts import verify_password
from .company_day import guest_locked_out
from .validation import check_known_fields, check_text

#: Why a bearer token alone cannot create tokens.
TOKEN_CANNOT_MINT = _l(
    "A token cannot create other tokens on its own: send your account password as "
    "`password`, or create the token while signed in."
)


def _check_proof(user: User, data: dict[str, Any], *, by_token: bool) -> None:
    """A token made by a token would outlive the revocation of the one that made it:
    creating one takes a signed-in session or the account password.

    :raise Forbidden: a bearer-token caller sent no password.
    :raise ValidationFailed: a password was sent and it is not the account's.
    """
    if "password" not in data:
        if by_token:
            raise Forbidden(TOKEN_CANNOT_MINT)
        return
    if not verify_password(user, data["password"]):
        raise ValidationFailed(
            _("Your password is not correct: no token was created."),
            fields={"password": "incorrect"},
        )


def do_create_token(user: User, data: Any, *, by_token: bool = False) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its secret, which is never stored.

    ``by_token``: the caller authenticated with a bearer token, so ``data`` must hold
    the account ``password`` (see :func:`_check_proof`); a cookie session needs none.
    """
    data = check_known_fields(data, {"name", "password"})
    _check_proof(user, data, by_token=by_token)
    name = check_text(data.get("name"), "name", max_len=80)
    secret = ApiToken.new_secret()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret))
    db.session.add(token)
    db.session.flush()
    return token, secret


def do_revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; sockets opened with it are disconnected at commit.

    Another person's token is a 404, like a missing one.
    """
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_("No such token."))
    token.revoked_at = utcnow()
    db.session.flush()
    room = f"token:{token.id}"
    after_commit(lambda: disconnect_room_sockets(room))
    return token


#: ``last_used_at`` is refreshed at most this often, so reads do not all become writes.
LAST_USED_RESOLUTION = timedelta(hours=1)


#: Every bearer request runs it: built once (building it cost as much as running it).
_LIVE_TOKEN = select(ApiToken).where(
    ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None)
)


def live_token(secret: str) -> ApiToken | None:
    """The live token for ``secret`` whose owner is active, or None.

    Secrets are ASCII: anything else (a lone surrogate cannot even be hashed) is unknown.
    """
    if not secret.startswith("snt_") or len(secret) > 100 or not secret.isascii():
        return None
    token = db.session.scalar(_LIVE_TOKEN, {"token_hash": hash_token(secret)})
    if token is None or not token.user.active or token.user.is_suspended(utcnow()):
        return None
    if guest_locked_out(token.user):  # expired, or removed from their last group
        return None
    return token


def user_for_token(secret: str) -> User | None:
    """The active owner of a live token, or None (unknown, revoked, or owner deactivated)."""
    token = live_token(secret)
    return token.user if token else None


def do_note_token_use(token: ApiToken) -> bool:
    """Record that ``token`` was used now, if the stored time is older than the resolution.

    Returns True when the row changed (the caller commits).
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    token.last_used_at = now
    db.session.flush()
    return True


def list_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
    )
