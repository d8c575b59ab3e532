"""Sign-in and sign-out pages (session cookie, CSRF-protected forms)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..errors import DomainError
from ..services import accounts
from ._common import failed, form_next

bp = Blueprint("auth", __name__)


@bp.get("/sign-in")
def sign_in():
    if current_user.is_authenticated:
        return redirect(form_next() or url_for("feed.home"))
    return render_template("sign_in.html", email="", next=form_next())


@bp.post("/sign-in")
def sign_in_submit():
    email = request.form.get("email", "")
    try:
        user = accounts.authenticate(email, request.form.get("password", ""))
    except DomainError as error:
        status = failed(error)  # flash first: the page shows it
        return render_template("sign_in.html", email=email, next=form_next()), status
    login_user(user, remember=request.form.get("remember") == "on")
    return redirect(form_next() or url_for("feed.home"))


@bp.post("/sign-out")
def sign_out():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))
