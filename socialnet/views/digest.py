"""One-click unsubscribe from the digest email (RFC 8058), without signing in; and the
administrators' preview of any email (``/admin/mail-preview``).

The link in the email and in its ``List-Unsubscribe`` header carries a signed token
(``services/digest.py``): ``GET`` asks to confirm (a link scanner opening it changes
nothing), ``POST`` turns the digest off. Mail clients send that ``POST`` themselves, with
``List-Unsubscribe=One-Click`` and no cookie, so it is exempt from CSRF: the token is
what authorizes it, and it names one person only.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..extensions import csrf, db
from ..services import digest, mail_preview
from ..unit_of_work import attempt
from ._common import me

bp = Blueprint("digest", __name__)


def _token() -> str:
    return request.args.get("token") or request.form.get("token") or ""


@bp.get("/digest/unsubscribe")
def unsubscribe():
    token = _token()
    with attempt() as outcome:
        user = digest.access_unsubscribe(token)
    if outcome.failed:
        return render_template("digest_unsubscribe.html", token="", done=False), outcome.status
    return render_template("digest_unsubscribe.html", token=token, user=user, done=False)


@bp.post("/digest/unsubscribe")
@csrf.exempt
def unsubscribe_submit():
    with attempt() as outcome:
        user = digest.do_unsubscribe(_token())
    if outcome.failed:
        return render_template("digest_unsubscribe.html", token="", done=False), outcome.status
    return render_template("digest_unsubscribe.html", token="", user=user, done=True)


@bp.get("/admin/mail-preview")
@login_required
def mail_preview_page():
    mail_preview.check_can_preview(me())
    email, kind = request.args.get("to", ""), request.args.get("kind", "digest")
    shown = {"to": email, "kind": kind, "kinds": mail_preview.KINDS}
    if not email:
        return render_template("mail_preview.html", **shown)
    with attempt() as outcome:
        message, items = mail_preview.preview(mail_preview.access_person(email), kind)
        db.session.rollback()  # a preview writes nothing
    if outcome.failed:
        return render_template("mail_preview.html", **shown), outcome.status
    return render_template("mail_preview.html", **shown, message=message, items=items)
