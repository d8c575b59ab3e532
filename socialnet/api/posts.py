"""The feed, posts, comments and reactions."""

from flask import jsonify, request

from ..pagination import parse_limit
from ..serializers import comment_dict, page
from ..services import comments, feed, pins, posts, reactions
from ..services.files import files_for_comments
from ..unit_of_work import commit, reads_only
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.get("/feed")
@reads_only
def get_feed():
    user = require_user()
    items, next_cursor = feed.home_feed(
        user,
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
        request.args.get("tag"),
    )
    body = page(items, next_cursor)
    if not request.args.get("cursor"):
        body.update(pins.home_page_extras(user))  # announcements, pins, featured: page 1
    return jsonify(body)


@bp.post("/posts")
def create_post():
    user = require_user()
    post = posts.do_create_post(user, json_body())
    # Serialized before the commit, which expires the post: not loaded again, with its author.
    item = feed.serialize_posts_for(user, [post], fresh=True)[0]
    commit()
    return created(item)


@bp.get("/posts/<id:post_id>")
@reads_only
def get_post(post_id: int):
    user = require_user()
    return jsonify(feed.serialize_posts_for(user, [posts.access_post(user, post_id)])[0])


@bp.patch("/posts/<id:post_id>")
def edit_post(post_id: int):
    user = require_user()
    post = posts.do_edit_post(user, post_id, json_body())
    commit()
    return jsonify(feed.serialize_posts_for(user, [post])[0])


@bp.delete("/posts/<id:post_id>")
def delete_post(post_id: int):
    posts.do_delete_post(require_user(), post_id)
    commit()
    return no_content()


@bp.get("/posts/<id:post_id>/comments")
@reads_only
def list_comments(post_id: int):
    items, next_cursor = comments.list_comments(
        require_user(),
        post_id,
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
        comments.check_order(request.args.get("order")),
    )
    attached = files_for_comments([c.id for c in items])
    return jsonify(page([{**comment_dict(c), "files": attached[c.id]} for c in items], next_cursor))


@bp.post("/posts/<id:post_id>/comments")
def create_comment(post_id: int):
    comment = comments.do_create_comment(require_user(), post_id, json_body())
    commit()
    return created({**comment_dict(comment), "files": files_for_comments([comment.id])[comment.id]})


@bp.patch("/comments/<id:comment_id>")
def edit_comment(comment_id: int):
    comment = comments.do_edit_comment(require_user(), comment_id, json_body())
    commit()
    return jsonify({**comment_dict(comment), "files": files_for_comments([comment.id])[comment.id]})


@bp.delete("/comments/<id:comment_id>")
def delete_comment(comment_id: int):
    comments.do_delete_comment(require_user(), comment_id)
    commit()
    return no_content()


@bp.put("/posts/<id:post_id>/reactions/<kind>")
def add_reaction(post_id: int, kind: str):
    user = require_user()
    state = reactions.do_set_reaction(user, posts.access_post(user, post_id), kind, active=True)
    commit()
    return jsonify(state)


@bp.delete("/posts/<id:post_id>/reactions/<kind>")
def remove_reaction(post_id: int, kind: str):
    user = require_user()
    state = reactions.do_set_reaction(user, posts.access_post(user, post_id), kind, active=False)
    commit()
    return jsonify(state)
