"""Sign-in, sign-out, password change and reset, and one's account: data download,
account deletion; administrators' company settings and data exports on request.
(Session cookie, CSRF-protected forms.)"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..downloads import zip_download
from ..lifecycle import end_this_session, sign_in_afresh, sign_in_with_session
from ..models import User
from ..services import accounts, company_settings, password_reset, passwords, personal_data
from ..services.account_deletion import do_delete_account
from ..unit_of_work import attempt, commit
from ._common import form_next, me

bp = Blueprint("auth", __name__)

#: What every page that asks for a new password says about the rules (the same rules as
#: :data:`passwords.PASSWORD_RULES`, in the page's language).
RULES = _l(
    "at least %(num)d characters, none of your name, your email address or the "
    "company's name, and not a commonly used password",
    num=passwords.PASSWORD_MIN,
)
#: How the company settings page names each setting, explains it and names its values.
SETTING_TEXTS = {
    company_settings.ACCOUNT_DELETION: (
        _l("Account deletion"),
        _l(
            "When someone deletes their account, their posts, comments, reactions and votes "
            "are kept under 'Former colleague' (anonymise) or erased (remove)."
        ),
        {company_settings.ANONYMISE: _l("anonymise"), company_settings.REMOVE: _l("remove")},
    ),
}


def _described_settings() -> list[dict]:
    """:func:`company_settings.describe`, with each setting's words in the page's language."""
    described = []
    for setting in company_settings.describe():
        label, help_text, options = SETTING_TEXTS.get(
            setting["key"], (setting["key"].replace("_", " ").capitalize(), setting["help"], {})
        )
        described.append({**setting, "label": label, "help": help_text, "option_labels": options})
    return described


@bp.get("/sign-in")
def sign_in():
    if current_user.is_authenticated:
        return redirect(form_next() or url_for("feed.home"))
    return render_template("sign_in.html", email="", next=form_next())


@bp.post("/sign-in")
def sign_in_submit():
    email = request.form.get("email", "")
    with attempt() as outcome:
        user = accounts.authenticate(email, request.form.get("password", ""))
    if outcome.failed:
        return render_template("sign_in.html", email=email, next=form_next()), outcome.status
    sign_in_with_session(user, remember=request.form.get("remember") == "on")
    return redirect(form_next() or url_for("feed.home"))


@bp.post("/sign-out")
def sign_out():
    end_this_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    accounts.do_sign_out_everywhere(me())
    commit()
    logout_user()
    flash(_("You are signed out on every device, and your API tokens are revoked."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.get("/settings/password")
@login_required
def change_password():
    return render_template("password_change.html", rules=RULES)


@bp.post("/settings/password")
@login_required
def change_password_submit():
    user = me()
    with attempt() as outcome:
        accounts.do_change_password(
            user,
            {
                "current_password": request.form.get("current_password", ""),
                "password": request.form.get("password", ""),
            },
        )
    if outcome.failed:
        return render_template("password_change.html", rules=RULES), outcome.status
    sign_in_afresh(user)
    flash(_("Your password is changed. Every other session and API token has ended."), "info")
    return redirect(url_for("recognition.preferences"))


@bp.get("/password-reset")
def password_reset_request():
    return render_template("password_reset_request.html", sent=False)


@bp.post("/password-reset")
def password_reset_request_submit():
    email = request.form.get("email", "")
    with attempt() as outcome:
        password_reset.do_request_reset({"email": email})
    if outcome.failed:
        return render_template(
            "password_reset_request.html", sent=False, email=email
        ), outcome.status
    return render_template("password_reset_request.html", sent=True)


@bp.get("/password-reset/confirm")
def password_reset_confirm():
    token = request.args.get("token", "")
    with attempt() as outcome:
        password_reset.access_reset_user(token)
    if outcome.failed:
        return render_template("password_reset_confirm.html", token="", rules=RULES), outcome.status
    return render_template("password_reset_confirm.html", token=token, rules=RULES)


@bp.post("/password-reset/confirm")
def password_reset_confirm_submit():
    token = request.form.get("token", "")
    with attempt() as outcome:
        password_reset.do_confirm_reset(
            {"token": token, "password": request.form.get("password", "")}
        )
    if outcome.failed:
        keep = token if outcome.error.fields.get("token") is None else ""
        return render_template(
            "password_reset_confirm.html", token=keep, rules=RULES
        ), outcome.status
    logout_user()  # whoever was signed in here, they sign in again with the new password
    flash(_("Your password is changed, and every session has ended. Sign in with it."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.get("/sign-up/confirm")
def signup_confirm():
    token = request.args.get("token", "")
    with attempt() as outcome:
        email, name = password_reset.access_signup(token)
    if outcome.failed:
        return render_template("password_new_account.html", token="", rules=RULES), outcome.status
    return render_template(
        "password_new_account.html", token=token, email=email, name=name, rules=RULES
    )


@bp.post("/sign-up/confirm")
def signup_confirm_submit():
    token = request.form.get("token", "")
    with attempt() as outcome:
        user = password_reset.do_confirm_signup(
            {"token": token, "password": request.form.get("password", "")}
        )
    if outcome.failed:
        if outcome.error.fields.get("token"):
            return render_template(
                "password_new_account.html", token="", rules=RULES
            ), outcome.status
        email, name = password_reset.access_signup(token)
        return render_template(
            "password_new_account.html", token=token, email=email, name=name, rules=RULES
        ), outcome.status
    sign_in_with_session(user)
    flash(_("Welcome! Your account is ready."), "info")
    return redirect(url_for("feed.home"))


@bp.get("/settings/data/export")
@login_required
def export_my_data():
    return _export(me(), me())


@bp.get("/settings/account/delete")
@login_required
def delete_account():
    mode = company_settings.get(company_settings.ACCOUNT_DELETION)
    return render_template("account_delete.html", mode=mode)


@bp.post("/settings/account/delete")
@login_required
def delete_account_submit():
    mode = company_settings.get(company_settings.ACCOUNT_DELETION)
    if request.form.get("confirm") != "on":
        flash(_("Tick the box to confirm that you want to delete your account."), "error")
        return render_template("account_delete.html", mode=mode), 400
    with attempt() as outcome:
        do_delete_account(me(), {"password": request.form.get("password", "")})
    if outcome.failed:
        return render_template("account_delete.html", mode=mode), outcome.status
    logout_user()
    flash(_("Your account is deleted. Thank you for taking part."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/admin/settings", methods=["GET", "POST"])
@login_required
def company_settings_page():
    company_settings.check_can_manage(me())
    status = 200
    if request.method == "POST":
        with attempt() as outcome:
            company_settings.do_update(
                me(), {key: request.form.get(key) for key in company_settings.SETTINGS}
            )
        if not outcome.failed:
            flash(_("Settings saved."), "success")
            return redirect(url_for("auth.company_settings_page"))
        status = outcome.status
    return render_template("admin_settings.html", settings=_described_settings()), status


@bp.get("/people/<id:person_id>/export")
@login_required
def export_person_data(person_id: int):
    admin = me()
    return _export(admin, personal_data.access_person_for_export(admin, person_id))


def _export(actor: User, person: User) -> Response:
    """``person``'s data as a zip download by ``actor``; the audit entry commits with it."""
    body = personal_data.do_export(actor, person, current_app.config["COMPANY_NAME"])
    commit()
    return zip_download(body, personal_data.export_filename(person))
