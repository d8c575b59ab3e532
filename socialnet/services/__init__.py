"""Business rules, one module per domain.

Functions are named ``access_*`` (load what the caller may see, else NotFound),
``check_*`` (validate, raise DomainError) and ``do_*`` (change state). Services
``flush()`` but never commit: the request layer commits once per request.
"""
