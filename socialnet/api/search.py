"""Search: one query over posts, comments, people, groups, files and topics; type-ahead."""

from flask import jsonify, request

from ..pagination import parse_limit
from ..serializers import page
from ..services import search
from .blueprint import bp
from .common import require_user


@bp.get("/search")
def search_everything():
    items, next_cursor = search.search(
        require_user(),
        request.args.get("q"),
        search.parse_filters(request.args),
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
    )
    return jsonify(page(items, next_cursor))


@bp.get("/search/suggest")
def search_suggest():
    return jsonify(search.suggest(require_user(), request.args.get("q")))
