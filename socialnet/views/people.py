"""HTML views: people (being built)."""

from flask import Blueprint

bp = Blueprint("people", __name__)
