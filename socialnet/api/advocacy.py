"""Employee advocacy: shareable posts, sharing, figures and the leaderboard."""

from __future__ import annotations

from flask import Response, jsonify, request

from ..hosts import request_base_url
from ..services.advocacy import figures, links, offers
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.put("/posts/<id:post_id>/shareable")
def mark_shareable(post_id: int):
    shareable, post, is_new = offers.do_mark_shareable(require_user(), post_id, json_body())
    commit()
    answer = offers.shareable_dict(shareable, post)
    return created(answer) if is_new else jsonify(answer)


@bp.get("/posts/<id:post_id>/shareable")
def get_shareable_offer(post_id: int):
    shareable, post = offers.access_managed(require_user(), post_id)
    return jsonify(offers.shareable_dict(shareable, post))


@bp.delete("/posts/<id:post_id>/shareable")
def withdraw_shareable(post_id: int):
    offers.do_withdraw(require_user(), post_id)
    commit()
    return no_content()


@bp.get("/shareables")
def list_shareables():
    return jsonify({"items": links.list_offered(require_user())})


@bp.get("/shareables/<id:shareable_id>")
def get_shareable(shareable_id: int):
    shareable, post = links.access_offered(require_user(), shareable_id)
    return jsonify(offers.shareable_dict(shareable, post))


@bp.post("/shareables/<id:shareable_id>/shares")
def open_share(shareable_id: int):
    share = links.do_open_share(require_user(), shareable_id, json_body(), request_base_url())
    commit()
    return created(share)


@bp.get("/me/advocacy")
def my_advocacy():
    return jsonify(figures.own(require_user()))


@bp.patch("/me/advocacy")
def update_my_advocacy():
    answer = figures.do_set_preferences(require_user(), json_body())
    commit()
    return jsonify(answer)


@bp.get("/advocacy/leaderboard")
def advocacy_leaderboard():
    return jsonify(figures.leaderboard(require_user(), request.args))


@bp.get("/analytics/advocacy")
def analytics_advocacy():
    return jsonify(figures.report(require_user(), request.args))


@bp.get("/analytics/advocacy/<table>.csv")
def analytics_advocacy_csv(table: str):
    text = figures.export_csv(require_user(), table, request.args)
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="advocacy-{table}.csv"',  # checked
            "X-Content-Type-Options": "nosniff",
        },
    )
