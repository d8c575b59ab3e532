"""Newsletter pages: the archive, an issue as a web page, the composer, the preview as a
reader, the reach; and the two links of the emails (the open image and tracked clicks).

The email links need no sign-in (mail clients fetch the image without cookies): the signed
token names the issue, the recipient and the item (``services/newsletters/tracking.py``).
A click goes to the item's post on this site, never to a URL the request carries. They
are the only GET routes that write, and they write a count, nothing a person did.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from .. import policy
from ..errors import DomainError
from ..extensions import csrf, db
from ..models import Group, User
from ..services import pages
from ..services.newsletters import composing, reading, sending, tracking
from ..services.newsletters import unsubscribe as unsubscribe_links
from ..unit_of_work import attempt, commit
from ._common import me
from .announcements import _audience, _publish_at

bp = Blueprint("newsletters", __name__)

#: A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
BLANK_SECTIONS = 2


def status_labels() -> dict[str, str]:
    return {
        "draft": _("Draft"),
        "scheduled": _("Scheduled"),
        "sending": _("Sending"),
        "sent": _("Sent"),
        "cancelled": _("Cancelled"),
    }


def audience_label(data: dict) -> str:
    """Who an issue goes to, in words and in the page's language."""
    kind, value = data["audience"]["kind"], data["audience"]["value"]
    if kind == "site":
        return _("the %(site)s site", site=value)
    if kind == "department":
        return _("the %(department)s department", department=value)
    if kind == "group":
        group = db.session.get(Group, value) if value else None
        return _("the %(group)s group", group=group.name) if group else _("a group")
    return _("the whole company")


@bp.get("/newsletters")
@login_required
def index():
    listing = reading.list_newsletters(me(), request.args.get("cursor"), 20)
    return render_template(
        "newsletters.html",
        listing=listing,
        can_compose=policy.can_compose_newsletter(me()),
        can_plan=policy.can_plan_editorial(me()),
        status_labels=status_labels(),
    )


@bp.get("/newsletters/<id:newsletter_id>")
@login_required
def page(newsletter_id: int):
    newsletter = composing.access_newsletter(me(), newsletter_id)
    data = reading.describe(me(), newsletter)
    return render_template(
        "newsletter.html",
        n=data,
        audience=audience_label(data),
        can_manage=policy.can_manage_newsletter(me(), newsletter),
        status_labels=status_labels(),
    )


# -- the composer ----------------------------------------------------------------------------


def _form_sections() -> list[dict]:
    form, sections = request.form, []
    for n in range(composing.MAX_SECTIONS):
        heading = form.get(f"heading_{n}", "")
        text = form.get(f"text_{n}", "")
        refs = form.get(f"posts_{n}", "")
        if not (heading.strip() or text.strip() or refs.strip()):
            continue
        ids = composing.parse_post_refs(refs, f"sections[{n}].post_ids")
        sections.append({"heading": heading, "text": text, "post_ids": ids})
    return sections


def _form_data() -> dict:
    form = request.form
    return {
        "title": form.get("title", ""),
        "intro": form.get("intro", ""),
        "audience": _audience(form.get("audience", "")),
        "sections": _form_sections(),
        "publish_at": _publish_at(form.get("publish_at", ""), form.get("tz_offset", "")),
    }


def _draft_of(data: dict) -> dict:
    """The form's fields from an issue's input (``composing.as_input``)."""
    audience = data["audience"]
    value = audience.get("value")
    sections = [
        {
            "heading": s["heading"],
            "text": s["text"],
            "posts": " ".join(str(i) for i in s["post_ids"]),
        }
        for s in data["sections"]
    ]
    return {
        "title": data["title"],
        "intro": data["intro"],
        "audience": audience["kind"] + (f":{value}" if value is not None else ""),
        "publish_at": (data["publish_at"] or "")[:16],
        "sections": sections,
    }


def _form_draft() -> dict:
    form = request.form
    sections = [
        {
            "heading": form.get(f"heading_{n}", ""),
            "text": form.get(f"text_{n}", ""),
            "posts": form.get(f"posts_{n}", ""),
        }
        for n in range(composing.MAX_SECTIONS)
    ]
    while sections and not any(sections[-1].values()):
        sections.pop()
    return {
        "title": form.get("title", ""),
        "intro": form.get("intro", ""),
        "audience": form.get("audience", ""),
        "publish_at": form.get("publish_at", ""),
        "sections": sections,
    }


def _render_form(draft: dict, newsletter_id: int | None = None, status: int = 200):
    rows = draft["sections"] + [{"heading": "", "text": "", "posts": ""}] * BLANK_SECTIONS
    return render_template(
        "newsletter_form.html",
        draft=draft,
        sections=rows[: composing.MAX_SECTIONS],
        options=pages.announce_options(me()),
        newsletter_id=newsletter_id,
        max_items=composing.MAX_ITEMS,
    ), status


def _save(newsletter_id: int | None):
    with attempt() as outcome:
        data = _form_data()
        if newsletter_id is None:
            newsletter = composing.do_create_newsletter(me(), data)
        else:
            newsletter = composing.do_update_newsletter(me(), newsletter_id, data)
    if outcome.failed:
        return _render_form(_form_draft(), newsletter_id, outcome.status)
    if newsletter.status == "scheduled":
        flash(_("Newsletter scheduled."), "success")
    else:
        flash(_("Draft saved."), "success")
    return redirect(url_for("newsletters.page", newsletter_id=newsletter.id))


@bp.route("/newsletters/new", methods=["GET", "POST"])
@login_required
def create():
    composing.check_can_compose(me())
    if request.method == "POST":
        return _save(None)
    draft = {"title": "", "intro": "", "audience": "company", "publish_at": "", "sections": []}
    return _render_form(draft)


@bp.route("/newsletters/<id:newsletter_id>/edit", methods=["GET", "POST"])
@login_required
def edit(newsletter_id: int):
    newsletter = composing.access_managed(me(), newsletter_id)
    if request.method == "POST":
        return _save(newsletter_id)
    return _render_form(_draft_of(composing.as_input(newsletter)), newsletter_id)


@bp.post("/newsletters/<id:newsletter_id>/send")
@login_required
def send_now(newsletter_id: int):
    with attempt() as outcome:
        composing.do_schedule(me(), newsletter_id, {})
    if not outcome.failed:
        flash(_("The newsletter goes out at the next pass of the jobs, within minutes."), "success")
    return redirect(url_for("newsletters.page", newsletter_id=newsletter_id))


@bp.post("/newsletters/<id:newsletter_id>/cancel")
@login_required
def cancel(newsletter_id: int):
    with attempt() as outcome:
        composing.do_cancel(me(), newsletter_id)
    if not outcome.failed:
        flash(_("Newsletter cancelled."), "success")
    return redirect(url_for("newsletters.page", newsletter_id=newsletter_id))


@bp.get("/newsletters/<id:newsletter_id>/preview")
@login_required
def preview(newsletter_id: int):
    newsletter = composing.access_managed(me(), newsletter_id)
    who = request.args.get("as", "").strip()
    shown = {"n": reading.summary_dict(newsletter), "who": who}
    reader = _person(who) if who else me()
    try:
        result = sending.preview(me(), newsletter_id, reader.id if reader else -1)
    except DomainError as error:
        flash(error.message, "error")
        return render_template("newsletter_preview.html", **shown), error.status
    finally:
        db.session.rollback()  # a preview writes nothing
    return render_template("newsletter_preview.html", **shown, result=result)


def _person(who: str) -> User | None:
    column = User.email if "@" in who else User.handle
    return db.session.scalar(select(User).where(column == who.lower().lstrip("@")))


@bp.get("/newsletters/<id:newsletter_id>/reach")
@login_required
def reach(newsletter_id: int):
    return render_template("newsletter_reach.html", r=tracking.reach(me(), newsletter_id))


# -- the email's links ---------------------------------------------------------------------------


@bp.get("/newsletters/open/<token>.gif")
def opened(token: str):
    if tracking.do_record_open(token):
        commit()
    return Response(PIXEL, mimetype="image/gif")


@bp.get("/newsletters/click/<token>")
def click(token: str):
    item = tracking.do_record_click(token)  # NotFound: the error page, nothing written
    commit()
    if item.post_id is None:
        return redirect(url_for("newsletters.page", newsletter_id=item.newsletter_id))
    return redirect(url_for("feed.post", post_id=item.post_id))


def _unsubscribe_token() -> str:
    return request.args.get("token") or request.form.get("token") or ""


@bp.get("/newsletters/unsubscribe")
def unsubscribe():
    """Asks to confirm: a link scanner opening the email's link changes nothing."""
    token = _unsubscribe_token()
    with attempt() as outcome:
        user = unsubscribe_links.access_unsubscribe(token)
    if outcome.failed:
        return render_template("newsletter_unsubscribe.html", token=""), outcome.status
    done = unsubscribe_links.is_unsubscribed(user)
    return render_template("newsletter_unsubscribe.html", token=token, user=user, done=done)


@bp.post("/newsletters/unsubscribe")
@csrf.exempt  # the one-click POST of mail clients (RFC 8058): the token authorizes it
def unsubscribe_submit():
    token = _unsubscribe_token()
    resubscribe = request.form.get("action") == "resubscribe"
    with attempt() as outcome:
        if resubscribe:
            user = unsubscribe_links.do_resubscribe(token)
        else:
            user = unsubscribe_links.do_unsubscribe(token)
    if outcome.failed:
        return render_template("newsletter_unsubscribe.html", token=""), outcome.status
    return render_template(
        "newsletter_unsubscribe.html", token=token, user=user, done=not resubscribe
    )
