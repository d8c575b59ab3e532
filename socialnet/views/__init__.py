"""HTML blueprints (templates live in ../templates)."""

from flask import Flask


def register_views(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .feed import bp as feed_bp
    from .people import bp as people_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(feed_bp)
    app.register_blueprint(people_bp)
