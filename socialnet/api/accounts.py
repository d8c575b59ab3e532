"""Sign-in, sign-out, sign-up, password change and reset, personal tokens, the caller's account."""

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import logout_user
from flask_wtf.csrf import generate_csrf

from ..lifecycle import end_this_session, sign_in_afresh, sign_in_with_session
from ..serializers import iso, user_private
from ..services import accounts, password_reset, tokens
from ..services.people.skills import skills_of
from ..services.validation import check_known_fields
from ..unit_of_work import commit
from .blueprint import bp
from .common import bearer_call, created, json_body, no_content, require_user


@bp.post("/auth/login")
def login():
    data = check_known_fields(json_body(), {"email", "password", "remember"})
    user = accounts.authenticate(data.get("email"), data.get("password"))
    sign_in_with_session(user, remember=data.get("remember") is True)
    return jsonify({"user": user_private(user), "csrf_token": generate_csrf()})


@bp.post("/auth/logout")
def logout():
    require_user()
    end_this_session()
    return no_content()


#: The one answer to a sign-up request, whether or not the address has an account.
SIGNUP_REQUESTED = _l(
    "Check your inbox: we emailed this address a link to finish signing up "
    "(or, if it already has an account, how to sign in)."
)


@bp.post("/auth/signup")
def signup():
    password_reset.do_request_signup(json_body())
    commit()  # the email leaves after this, on its own thread
    return jsonify({"message": SIGNUP_REQUESTED}), 202


@bp.post("/auth/signup/confirm")
def confirm_signup():
    user = password_reset.do_confirm_signup(json_body())
    commit()
    sign_in_with_session(user)
    return created({"user": user_private(user), "csrf_token": generate_csrf()})


@bp.get("/auth/csrf")
def csrf_token():
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/me")
def me():
    user = require_user()
    return jsonify(user_private(user, skills=skills_of(user)))


def _token_dict(token) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
    }


@bp.get("/tokens")
def list_tokens():
    return jsonify(
        {"items": [_token_dict(t) for t in tokens.list_tokens(require_user())], "next_cursor": None}
    )


@bp.post("/tokens")
def create_token():
    token, secret = tokens.do_create_token(require_user(), json_body(), by_token=bearer_call())
    commit()
    return created({**_token_dict(token), "token": secret})


@bp.delete("/tokens/<id:token_id>")
def revoke_token(token_id: int):
    tokens.do_revoke_token(require_user(), token_id)
    commit()
    return no_content()


def _cookie_call() -> bool:
    """Whether the caller came with the session cookie (not a bearer token)."""
    return not request.headers.get("Authorization")


@bp.post("/me/password")
def change_password():
    """Change one's password; other sessions, every token and socket end.

    A cookie caller stays signed in here with a fresh session; a bearer caller's
    token is revoked like the others.
    """
    user = require_user()
    accounts.do_change_password(user, json_body())
    commit()
    if _cookie_call():
        sign_in_afresh(user)
    return no_content()


@bp.post("/me/sessions/revoke-all")
def sign_out_everywhere():
    """End every session, token and socket of the caller, this one included."""
    accounts.do_sign_out_everywhere(require_user())
    commit()
    if _cookie_call():
        logout_user()
    return no_content()


#: The one answer to a reset request, whoever the email names (or does not).
RESET_REQUESTED = _l(
    "If an account uses this address, an email with a link to choose a new password "
    "is on its way. The link works once, for a limited time."
)


@bp.post("/auth/password-reset")
def request_password_reset():
    password_reset.do_request_reset(json_body())
    commit()  # the email leaves after this, on its own thread
    return jsonify({"message": RESET_REQUESTED}), 202


@bp.post("/auth/password-reset/confirm")
def confirm_password_reset():
    password_reset.do_confirm_reset(json_body())
    commit()
    return no_content()
