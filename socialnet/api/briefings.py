"""Manager cascades: briefings (draft, edit, send), reading them (a read receipt), the
manager's relay, the cascade's progress, and the questions raised on the way."""

from __future__ import annotations

from flask import jsonify

from ..serializers import announcement_dict
from ..services import briefings
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/briefings")
def create_briefing():
    user = require_user()
    briefing = briefings.do_create_briefing(user, json_body())
    commit()
    return created(briefings.briefing_dict(user, briefing))


@bp.get("/briefings")
def list_briefings():
    return jsonify({"items": briefings.list_briefings(require_user())})


@bp.get("/briefings/<id:briefing_id>")
def get_briefing(briefing_id: int):
    """Reading it is its read receipt (a manager's first read is recorded)."""
    user = require_user()
    briefing = briefings.access_briefing(user, briefing_id)
    briefings.do_mark_read(user, briefing)
    commit()
    return jsonify(briefings.briefing_dict(user, briefing))


@bp.patch("/briefings/<id:briefing_id>")
def update_briefing(briefing_id: int):
    user = require_user()
    briefing = briefings.do_update_briefing(user, briefing_id, json_body())
    commit()
    return jsonify(briefings.briefing_dict(user, briefing))


@bp.post("/briefings/<id:briefing_id>/send")
def send_briefing(briefing_id: int):
    user = require_user()
    briefings.do_send_briefing(user, briefing_id)
    commit()
    return jsonify(briefings.briefing_dict(user, briefings.access_briefing(user, briefing_id)))


@bp.post("/briefings/<id:briefing_id>/relay")
def relay_briefing(briefing_id: int):
    user = require_user()
    briefing, announcement = briefings.do_relay(user, briefing_id, json_body())
    commit()
    return created(
        {
            "briefing": briefings.briefing_dict(user, briefing),
            "announcement": announcement_dict(announcement),
        }
    )


@bp.get("/briefings/<id:briefing_id>/progress")
def briefing_progress(briefing_id: int):
    return jsonify(briefings.progress(require_user(), briefing_id))


@bp.get("/briefings/<id:briefing_id>/questions")
def list_briefing_questions(briefing_id: int):
    return jsonify({"items": briefings.list_questions(require_user(), briefing_id)})


@bp.post("/briefings/<id:briefing_id>/questions")
def ask_briefing_question(briefing_id: int):
    user = require_user()
    question = briefings.do_ask(user, briefing_id, json_body())
    commit()
    return created(briefings.question_dict(user, question))


@bp.put("/briefings/<id:briefing_id>/questions/<id:question_id>/answer")
def answer_briefing_question(briefing_id: int, question_id: int):
    user = require_user()
    question = briefings.do_answer(user, briefing_id, question_id, json_body())
    commit()
    return jsonify(briefings.question_dict(user, question))
