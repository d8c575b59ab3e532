"""Serves the OpenAPI 3.0 document of /api/v1 (built by :mod:`socialnet.api.spec`)."""

from flask import jsonify

from .blueprint import bp
from .spec import build_document


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(build_document())
