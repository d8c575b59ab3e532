"""The ``/api/v1`` blueprint, which every API module adds its routes to.

It lives apart from ``api/__init__.py`` (which imports those modules so their routes
register) so that no module imports the package that imports it.
"""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: CSRF is enforced in lifecycle.authenticate_request for cookie-authenticated calls, which
#: with refuse_repeated_query_parameters runs before every handler here (lifecycle.install).
csrf.exempt(bp)
