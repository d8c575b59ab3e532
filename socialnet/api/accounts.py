"""Sign-in, sign-out, sign-up, personal tokens, and the caller's own account."""

from flask import jsonify
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..serializers import iso, user_private
from ..services import accounts, tokens
from ..services.validation import check_known_fields
from . import bp
from .common import commit, created, json_body, no_content, require_user


@bp.post("/auth/login")
def login():
    data = check_known_fields(json_body(), {"email", "password", "remember"})
    user = accounts.authenticate(data.get("email"), data.get("password"))
    login_user(user, remember=data.get("remember") is True)
    return jsonify({"user": user_private(user), "csrf_token": generate_csrf()})


@bp.post("/auth/logout")
def logout():
    require_user()
    logout_user()
    return no_content()


@bp.post("/auth/signup")
def signup():
    user = accounts.do_signup(json_body())
    commit()
    login_user(user)
    return created({"user": user_private(user), "csrf_token": generate_csrf()})


@bp.get("/auth/csrf")
def csrf_token():
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/me")
def me():
    return jsonify(user_private(require_user()))


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
    token, secret = tokens.do_create_token(require_user(), json_body())
    commit()
    return created({**_token_dict(token), "token": secret})


@bp.delete("/tokens/<id:token_id>")
def revoke_token(token_id: int):
    tokens.do_revoke_token(require_user(), token_id)
    commit()
    return no_content()
