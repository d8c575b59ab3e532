"""Recognition: kudos, company values, the leaderboard, celebrations and personal settings."""

from flask import jsonify, request

from ..serializers import company_value_dict
from ..services import celebrations, kudos, preferences
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/kudos")
def give_kudos():
    given, post = kudos.do_give_kudos(require_user(), json_body())
    commit()
    return created(kudos.describe_kudos(given, post))


@bp.get("/users/<id:user_id>/kudos")
def kudos_received(user_id: int):
    return jsonify(kudos.kudos_received(require_user(), user_id))


@bp.get("/kudos/leaderboard")
def kudos_leaderboard():
    args = request.args
    return jsonify(
        kudos.leaderboard(require_user(), args.get("period"), args.get("at"), args.get("group_id"))
    )


@bp.get("/values")
def list_values():
    return jsonify({"items": kudos.list_values(require_user())})


@bp.post("/values")
def create_value():
    value = kudos.do_create_value(require_user(), json_body())
    commit()
    return created(company_value_dict(value))


@bp.patch("/values/<id:value_id>")
def update_value(value_id: int):
    value = kudos.do_update_value(require_user(), value_id, json_body())
    commit()
    return jsonify(company_value_dict(value))


@bp.get("/celebrations/today")
def celebrations_today():
    return jsonify(celebrations.today(require_user()))


@bp.post("/celebrations")
def create_team_success():
    celebration, post = celebrations.do_create_team_success(require_user(), json_body())
    commit()
    return created(celebrations.describe(celebration, post))


@bp.get("/me/preferences")
def get_preferences():
    return jsonify(preferences.preferences(require_user()))


@bp.patch("/me/preferences")
def update_preferences():
    answer = preferences.do_update_preferences(require_user(), json_body())
    commit()
    return jsonify(answer)
