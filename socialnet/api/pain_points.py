"""The pain-point register: file, read, list, totals, CSV, vote, follow, triage, merge.
Comments are the post's (``/posts/{id}/comments``)."""

from __future__ import annotations

from flask import Response, jsonify, request

from ..services import pain_points
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


def _answer(user, post):
    return jsonify(pain_points.pain_point_for(user, post))


@bp.post("/pain-points")
def file_pain_point():
    user = require_user()
    post = pain_points.do_file_pain_point(user, json_body())
    commit()
    return created(pain_points.pain_point_for(user, post))


@bp.get("/pain-points")
def list_pain_points():
    return jsonify(pain_points.list_pain_points(require_user(), request.args))


@bp.get("/pain-points/summary")
def pain_points_summary():
    return jsonify(pain_points.summarize(require_user(), request.args))


@bp.get("/pain-points.csv")
def export_pain_points():
    text = pain_points.export_csv(require_user(), request.args)
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="pain-points.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/pain-points/<id:pain_point_id>")
def get_pain_point(pain_point_id: int):
    user = require_user()
    post, _details = pain_points.access_pain_point(user, pain_point_id)
    return _answer(user, post)


@bp.patch("/pain-points/<id:pain_point_id>")
def update_pain_point(pain_point_id: int):
    user = require_user()
    post = pain_points.do_update_pain_point(user, pain_point_id, json_body())
    commit()
    return _answer(user, post)


@bp.put("/pain-points/<id:pain_point_id>/vote")
def vote_pain_point(pain_point_id: int):
    user = require_user()
    post = pain_points.do_vote(user, pain_point_id)
    commit()
    return _answer(user, post)


@bp.delete("/pain-points/<id:pain_point_id>/vote")
def unvote_pain_point(pain_point_id: int):
    user = require_user()
    post = pain_points.do_unvote(user, pain_point_id)
    commit()
    return _answer(user, post)


@bp.put("/pain-points/<id:pain_point_id>/follow")
def follow_pain_point(pain_point_id: int):
    user = require_user()
    post = pain_points.do_follow(user, pain_point_id, follow=True)
    commit()
    return _answer(user, post)


@bp.delete("/pain-points/<id:pain_point_id>/follow")
def unfollow_pain_point(pain_point_id: int):
    user = require_user()
    post = pain_points.do_follow(user, pain_point_id, follow=False)
    commit()
    return _answer(user, post)


@bp.post("/pain-points/<id:pain_point_id>/merge")
def merge_pain_point(pain_point_id: int):
    user = require_user()
    target = pain_points.do_merge(user, pain_point_id, json_body())
    commit()
    return _answer(user, target)
