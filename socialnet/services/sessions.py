"""Browser sessions recorded on the server: started at sign-in, ended at sign-out.

The Flask-Login id kept in the session cookie (and copied into the remember-me
cookie) is ``"<user id>:<session epoch>:<session key>"``. A cookie loads its user
only while the :class:`~socialnet.models.UserSession` of that key is live, belongs
to that user, and the user's epoch has not moved on; so signing out, "sign out
everywhere", a password change or reset, deactivation and deletion all end every
copy of the cookie, wherever it was saved. Cookies from before this table name no
session: their holders sign in again.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import User, UserSession, hash_token
from ..models._time import utcnow
from ..realtime.presence import disconnect_room_sockets
from ..realtime.publisher import after_commit
from .company_day import guest_locked_out

#: ``last_seen_at`` is refreshed at most this often, so reads do not all become writes.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
#: Longer "keys" are not ours (``token_urlsafe(32)`` gives 43 characters).
KEY_MAX = 100


def session_room(session_id: int) -> str:
    """The Socket.IO room of the sockets opened with one browser session."""
    return f"session:{session_id}"


def do_start_session(user: User) -> UserSession:
    """Record a new session of ``user`` and make it the one ``user.get_id()`` names.

    The caller commits, then signs the browser in (``login_user``).
    """
    key = UserSession.new_key()
    row = UserSession(user_id=user.id, key_hash=hash_token(key))
    db.session.add(row)
    db.session.flush()
    user.session_key, user.login_session = key, row
    return row


def _parse(login_id: str) -> tuple[int, int, str] | None:
    raw_id, _, rest = login_id.partition(":")
    raw_epoch, _, key = rest.partition(":")
    if not (raw_id.isdigit() and raw_epoch.isdigit() and key and len(key) <= KEY_MAX):
        return None
    if not key.isascii():
        return None
    return int(raw_id), int(raw_epoch), key


def live_session_user(login_id: str) -> User | None:
    """The user a cookie's Flask-Login id names, if its session is live, else None.

    Live means: the key names a session row that has not ended, of this user, who is
    active, not suspended, not a guest whose access ended, and still at this session
    epoch. The returned user carries the session (``session_key``, ``login_session``).
    One query.
    """
    parsed = _parse(login_id)
    if parsed is None:
        return None
    user_id, epoch, key = parsed
    row = db.session.scalar(select(UserSession).where(UserSession.key_hash == hash_token(key)))
    if row is None or row.ended_at is not None or row.user_id != user_id:
        return None
    user = row.user
    if not user.active or user.session_epoch != epoch or user.is_suspended(utcnow()):
        return None
    if guest_locked_out(user):
        return None
    user.session_key, user.login_session = key, row
    return user


def do_end_session(user: User) -> None:
    """End the browser session ``user`` was loaded for (a no-op without one); the
    sockets opened with it are disconnected at commit."""
    row = user.login_session
    if row is None or row.ended_at is not None:
        return
    row.ended_at = utcnow()
    db.session.flush()
    room = session_room(row.id)
    after_commit(lambda: disconnect_room_sockets(room))


def do_end_all_sessions(user: User) -> None:
    """End every live session of ``user`` (their sockets are the caller's business)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def do_note_session_use(row: UserSession) -> bool:
    """Record that ``row`` was used now, if the stored time is older than the resolution.

    Returns True when the row changed (the caller commits).
    """
    now = utcnow()
    if now - row.last_seen_at < LAST_SEEN_RESOLUTION:
        return False
    row.last_seen_at = now
    db.session.flush()
    return True
