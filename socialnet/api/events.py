"""Events: create, read, list, answer (RSVP), edit, cancel, attendance, messages."""

from __future__ import annotations

from flask import jsonify, request, url_for

from ..downloads import calendar_download, site_address
from ..services import events, feed
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.post("/events")
def create_event():
    user = require_user()
    post = events.do_create_event(user, json_body())
    commit()
    return created(feed.serialize_posts_for(user, [post], fresh=True)[0])


@bp.get("/events")
def list_events():
    items = events.list_events(
        require_user(),
        request.args.get("from"),
        request.args.get("to"),
        request.args.get("group_id"),
    )
    return jsonify({"items": items})


@bp.get("/events/<id:event_id>")
def get_event(event_id: int):
    user = require_user()
    post, _details = events.access_event(user, event_id)
    return jsonify(events.event_for(user, post))


@bp.patch("/events/<id:event_id>")
def edit_event(event_id: int):
    user = require_user()
    post = events.do_edit_event(user, event_id, json_body())
    commit()
    return jsonify(events.event_for(user, post))


@bp.post("/events/<id:event_id>/cancel")
def cancel_event(event_id: int):
    user = require_user()
    post = events.do_cancel_event(user, event_id)
    commit()
    return jsonify(events.event_for(user, post))


@bp.put("/events/<id:event_id>/rsvp")
def rsvp(event_id: int):
    user = require_user()
    post = events.do_rsvp(user, event_id, json_body())
    commit()
    return jsonify(events.event_for(user, post))


@bp.get("/events/<id:event_id>/attendees")
def attendees(event_id: int):
    return jsonify(events.attendees(require_user(), event_id))


@bp.put("/events/<id:event_id>/attendance")
def take_attendance(event_id: int):
    user = require_user()
    events.do_take_attendance(user, event_id, json_body())
    commit()
    return jsonify(events.attendees(user, event_id))


@bp.post("/events/<id:event_id>/messages")
def message_attendees(event_id: int):
    user = require_user()
    told = events.do_message_attendees(user, event_id, json_body())
    commit()
    return jsonify({"notified": told})


@bp.post("/polls/<id:poll_id>/event")
def event_from_poll(poll_id: int):
    user = require_user()
    data = json_body() if request.content_length else {}  # one click: no body needed
    post = events.do_event_from_poll(user, poll_id, data)
    commit()
    return created(feed.serialize_posts_for(user, [post], fresh=True)[0])


@bp.get("/events/<id:event_id>.ics")
def event_ics(event_id: int):
    body = events.event_ics(require_user(), event_id, *site_address())
    return calendar_download(body, f"event-{event_id}.ics")


@bp.post("/me/calendar-feed")
def create_calendar_feed():
    token = events.do_create_feed(require_user())
    commit()
    base, _host = site_address()
    return created({"url": base.rstrip("/") + url_for("events.calendar_feed", token=token)})


@bp.delete("/me/calendar-feed")
def revoke_calendar_feed():
    events.do_revoke_feed(require_user())
    commit()
    return no_content()
