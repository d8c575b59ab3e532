"""HTML views: feed (being built)."""

from flask import Blueprint

bp = Blueprint("feed", __name__)
