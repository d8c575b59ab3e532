"""Moderation: reports, the review queue, case actions, appeals, watched words, pins,
the audit log."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _

from ..errors import ValidationFailed
from ..pagination import parse_limit
from ..serializers import page
from ..services import audit, case_actions, case_serializers, cases, pins, reports, watched_words
from ..services.feed import serialize_posts_for
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.post("/reports")
def create_report():
    report, case = reports.do_report(require_user(), json_body())
    commit()
    return created({"id": report.id, "case_id": case.id, "status": "received"})


@bp.get("/moderation/cases")
def list_cases():
    user = require_user()
    cases.check_can_open_queue(user)
    filters = cases.check_list_filters(request.args)
    rows, next_cursor = cases.list_cases(
        user, filters, request.args.get("cursor"), parse_limit(request.args.get("limit"))
    )
    return jsonify(page(case_serializers.case_dicts(rows), next_cursor))


@bp.get("/moderation/cases/<id:case_id>")
def get_case(case_id: int):
    user = require_user()
    return jsonify(case_serializers.case_detail(cases.access_case(user, case_id), user))


@bp.post("/moderation/cases/<id:case_id>/actions")
def act_on_case(case_id: int):
    case = case_actions.do_case_action(require_user(), case_id, json_body())
    commit()
    return jsonify(case_serializers.case_dict(case))


@bp.post("/moderation/bulk")
def bulk_action():
    done = case_actions.do_bulk_action(require_user(), json_body())
    commit()
    return jsonify({"items": case_serializers.case_dicts(done)})


@bp.post("/moderation/cases/<id:case_id>/notes")
def add_note(case_id: int):
    note, author = cases.do_add_note(require_user(), case_id, json_body())
    commit()
    return created(case_serializers.note_dict(note, author))


@bp.post("/moderation/cases/<id:case_id>/assign")
def assign_case(case_id: int):
    case = cases.do_assign(require_user(), case_id, json_body())
    commit()
    return jsonify(case_serializers.case_dict(case))


@bp.get("/moderation/mine")
def my_moderation():
    """Decisions about the caller that they may appeal."""
    user = require_user()
    mine = cases.my_cases(user)
    appealed = cases.appealed_ids([c.id for c in mine])
    items = [{**case_serializers.case_dict(c), "appealed": c.id in appealed} for c in mine]
    return jsonify({"items": items})


@bp.post("/moderation/cases/<id:case_id>/appeal")
def appeal_case(case_id: int):
    appeal = cases.do_appeal(require_user(), case_id, json_body())
    commit()
    return created({"id": appeal.id, "appeal_of_id": appeal.appeal_of_id, "status": "open"})


@bp.get("/moderation/watched-words")
def list_watched_words():
    words = watched_words.list_words(require_user())
    return jsonify({"items": [watched_words.word_dict(w) for w in words]})


@bp.post("/moderation/watched-words")
def add_watched_word():
    word = watched_words.do_add_word(require_user(), json_body())
    commit()
    return created(watched_words.word_dict(word))


@bp.delete("/moderation/watched-words/<id:word_id>")
def delete_watched_word(word_id: int):
    watched_words.do_delete_word(require_user(), word_id)
    commit()
    return no_content()


@bp.post("/posts/<id:post_id>/pin")
def pin_post(post_id: int):
    user = require_user()
    post = pins.do_pin(user, post_id, json_body() if request.content_length else None)
    commit()
    return jsonify(serialize_posts_for(user, [post])[0])


@bp.post("/posts/<id:post_id>/feature")
def feature_post(post_id: int):
    user = require_user()
    post = pins.do_feature(user, post_id, json_body() if request.content_length else None)
    commit()
    return jsonify(serialize_posts_for(user, [post])[0])


@bp.get("/audit-log")
def audit_log():
    user = require_user()
    audit.check_can_read(user)
    filters = audit.check_filters(request.args)
    limit = parse_limit(request.args.get("limit"))  # checked for CSV too, where it is unused
    if request.args.get("format") not in (None, "", "csv"):
        raise ValidationFailed(_("format must be csv (or left out)."), fields={"format": "invalid"})
    if request.args.get("format") == "csv":
        return Response(
            audit.export_csv(user, filters),
            mimetype="text/csv",
            headers={
                "Content-Disposition": 'attachment; filename="audit-log.csv"',
                "X-Content-Type-Options": "nosniff",
            },
        )
    rows, next_cursor = audit.list_entries(user, filters, request.args.get("cursor"), limit)
    return jsonify(page(audit.entries_for(user, rows), next_cursor))
