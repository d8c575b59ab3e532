"""Which host names this site answers to, and the address its emailed links are built on.

The ``Host`` header is chosen by the client: a link built from it can point anywhere
(a password-reset link to ``attacker.example`` hands over the token). So:

- **Links** are built only from :func:`public_url`: ``SOCIALNET_PUBLIC_URL``, or, when
  the server listens on loopback only (``HOST=127.0.0.1``, as ``make run`` does),
  ``http://HOST:PORT``. Otherwise there is none: emails with links are not sent (the
  person is told why, see ``services.password_reset``) and :func:`warn_at_start_up`
  tells the administrator.
- **Requests** whose Host is not allowed are refused with a 400 before any handler runs
  (Flask's ``TRUSTED_HOSTS``, filled by :func:`trusted_hosts`): the public URL's host,
  ``SOCIALNET_ALLOWED_HOSTS``, and the loopback names ``localhost`` and ``127.0.0.1``
  (only the machine itself reaches them: local health checks and ``make run``). Engine.IO,
  served outside Flask, is checked by :func:`refuse_untrusted_socket_host`; ``/healthz``,
  ``/readyz`` and ``/metrics`` follow the same rule, so a prober that addresses a process
  by another IP sends an allowed Host or has that IP listed.

Werkzeug matches names exactly (lowercase; ``.example.com`` also matches subdomains) and
cannot match IPv6 literals such as ``[::1]``: reach the site by name or IPv4.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

log = logging.getLogger(__name__)

#: Always answered: only this machine can send them to a process that listens on it.
LOOPBACK_NAMES = ("localhost", "127.0.0.1")
#: A host name or IPv4 address, optionally with a leading dot (every subdomain).
_NAME_RE = re.compile(r"\.?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
_PORT_RE = re.compile(r":[0-9]{1,5}$")
#: Distinct refused hosts logged per process, so a scanner cannot flood the log.
_REFUSALS_LOGGED_MAX = 100
_refusals_logged: set[str] = set()


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address, IPv6 with or without brackets) is this machine only."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_allowed_hosts(value: str | Iterable[str] | None) -> list[str]:
    """``SOCIALNET_ALLOWED_HOSTS``: names separated by commas or spaces, lowercased.

    ``social.example.com``, ``.example.com`` (the domain and every subdomain) or an IPv4
    address; a ``:port`` is dropped (any port is answered).
    :raise RuntimeError: an entry is not such a name (``*``, a URL, a path).
    """
    entries = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value or [])
    hosts = []
    for entry in (e.strip().lower() for e in entries):
        if not entry:
            continue
        name = _PORT_RE.sub("", entry)
        if not _NAME_RE.fullmatch(name):
            raise RuntimeError(
                f"SOCIALNET_ALLOWED_HOSTS: {entry!r} is not a host name. List the names this "
                "site is reached by, e.g. 'social.example.com,.example.com' (no scheme, path "
                "or '*')."
            )
        hosts.append(name)
    return hosts


def _explicit_public_url(config: dict[str, Any]) -> str:
    """``PUBLIC_URL`` without its trailing slash. :raise RuntimeError: not an http(s) URL."""
    url = str(config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise RuntimeError(
            f"SOCIALNET_PUBLIC_URL must be the site's address as people reach it, like "
            f"'https://social.example.com', not {url!r}."
        )
    return url


def public_url(config: dict[str, Any]) -> str:
    """The base of every emailed link, or ``""`` when there is none to trust.

    ``PUBLIC_URL`` when set; else ``http://HOST:PORT`` when HOST is a loopback address
    (nobody else can reach that server, so nobody else can be sent there); else ``""``.
    """
    explicit = _explicit_public_url(config)
    if explicit:
        return explicit
    host = str(config.get("HOST") or "")
    if not is_loopback(host):
        return ""
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{name}:{config.get('PORT') or 5000}"


def trusted_hosts(config: dict[str, Any]) -> list[str]:
    """Flask's ``TRUSTED_HOSTS``: the public URL's host, ALLOWED_HOSTS, the loopback names."""
    base = public_url(config)
    names = [urlsplit(base).hostname or ""] if base else []
    names += parse_allowed_hosts(config.get("ALLOWED_HOSTS"))
    names += LOOPBACK_NAMES
    return list(dict.fromkeys(n for n in names if n and ":" not in n))


def warn_at_start_up(config: dict[str, Any]) -> None:
    """Tell the administrator when emailed links are off, and what to set."""
    if public_url(config):
        return
    log.warning(
        "SOCIALNET_PUBLIC_URL is not set and the server listens on %s, not on loopback only: "
        "password-reset and sign-up emails will not be sent (their links would have to "
        "trust the Host header), and only %s answer. Set SOCIALNET_PUBLIC_URL to the site's "
        "address, e.g. https://social.example.com.",
        config.get("HOST"),
        ", ".join(trusted_hosts(config)),
    )


def note_refused(host: str | None) -> None:
    """Log a refused Host once per process (up to a bound), for an administrator to act on."""
    shown = (host or "")[:100]
    if shown in _refusals_logged or len(_refusals_logged) >= _REFUSALS_LOGGED_MAX:
        return
    _refusals_logged.add(shown)
    log.warning(
        "refused a request for host %r: not the public URL's host, a loopback name or one "
        "of SOCIALNET_ALLOWED_HOSTS (add it there if this site is reached by that name)",
        shown,
    )


def _refuse_early() -> None:
    """``before_request``, first: an untrusted Host is refused before any other hook runs.

    Flask notes the refusal (a SecurityError as the routing exception) but would run
    every before-request hook before raising it; nothing should run for such a request.
    """
    from flask import request

    if isinstance(request.routing_exception, SecurityError):
        note_refused(request.environ.get("HTTP_HOST"))
        raise request.routing_exception


def refuse_untrusted_hosts(app: Any) -> None:
    """Register :func:`_refuse_early` ahead of every other ``before_request`` hook."""
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_early)


REFUSED_MESSAGE = _l("This server does not answer to this address (its Host is not allowed).")


def refuse_untrusted_socket_host(
    environ: dict[str, Any], start_response: Callable[..., Any], config: dict[str, Any]
) -> list[bytes] | None:
    """Refuse an Engine.IO request (what Flask does not route) whose Host is not trusted:
    answers the 400 and returns its body, or ``None`` to let it through.

    Flask checks every other path itself (``TRUSTED_HOSTS``), with its error pages; the
    edge (:mod:`socialnet.edge`) calls this for paths under ``/socket.io/``. The trusted
    names are read from the app's config at each request.
    """
    try:
        get_host(environ, config.get("TRUSTED_HOSTS"))
    except SecurityError:
        note_refused(environ.get("HTTP_HOST"))
        body = json.dumps(
            {
                "error": "bad_request",
                "message": str(REFUSED_MESSAGE),  # outside Flask: English
                "request_id": environ.get("socialnet.request_id"),
            }
        ).encode()
        start_response(
            "400 BAD REQUEST",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]
    return None


def request_base_url() -> str:
    """The site's address for links that leave it (shared on social networks): ``PUBLIC_URL``
    when set, else the address of this request (whose Host has been checked)."""
    from flask import current_app, request

    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
