"""HTML views: auth (being built)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.get("/sign-in")
def sign_in():
    return "sign in"
