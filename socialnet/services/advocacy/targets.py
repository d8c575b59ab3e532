"""Where a tracked link may lead, how it is tagged, and who is a visitor.

Pure functions (no database): the target check that keeps ``/s/<code>`` from being an
open redirect, the UTM tagging, the networks' share pages (intent URLs), the robot
filter and the visitor digest.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from flask import current_app
from flask_babel import gettext as _

from ...errors import ValidationFailed
from ...models.advocacy import TARGET_URL_MAX, Network

#: ``utm_medium`` of every tracked link.
UTM_MEDIUM = "employee_advocacy"

_HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def allowed_sites() -> list[str]:
    """The company's public sites (``SOCIALNET_ADVOCACY_SITES``: host names; each allows
    itself and its subdomains)."""
    return [site.strip().lower().strip(".") for site in current_app.config["ADVOCACY_SITES"]]


def _on_allowed_site(host: str, sites: list[str]) -> bool:
    return any(host == site or host.endswith("." + site) for site in sites if site)


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"target_url": code})


def check_target_url(raw: object) -> str:
    """The target of a shareable: an ``http``/``https`` address on one of the company's
    public sites, without credentials, written back in a normal form.

    :raise ValidationFailed: not text, too long, another scheme (``javascript:``,
        ``data:``…) — ``bad_scheme``; a host not among the company's sites — ``other_site``;
        anything malformed — ``invalid``.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise _refuse(_("Give the public address of the article (https://…)."), "empty")
    text = raw.strip()
    if len(text) > TARGET_URL_MAX:
        raise _refuse(_("This address is too long."), "too_long")
    if any(ord(ch) < 33 or ch in "\\\x7f" for ch in text):
        raise _refuse(_("This address contains spaces or control characters."), "invalid")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _refuse(_("This is not a valid web address."), "invalid") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise _refuse(_("Only http and https addresses can be shared."), "bad_scheme")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        raise _refuse(_("This is not a valid web address."), "invalid")
    if not all(_HOST_LABEL.match(label) for label in host.split(".")):
        raise _refuse(_("This is not a valid web address."), "invalid")
    sites = allowed_sites()
    if not _on_allowed_site(host, sites):
        if not sites:
            message = _(
                "No public site of the company is configured for sharing "
                "(SOCIALNET_ADVOCACY_SITES); ask an administrator."
            )
        else:
            message = _(
                "Shared links can only lead to the company's sites: %(sites)s.",
                sites=", ".join(sites),
            )
        raise _refuse(message, "other_site")
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def target_still_allowed(url: str) -> bool:
    """Checked again at every redirect: the stored target is still on a company site
    (an administrator may have removed one since)."""
    try:
        check_target_url(url)
    except ValidationFailed:
        return False
    return True


def tagged_url(target: str, network: str, campaign: str) -> str:
    """``target`` with ``utm_source`` (the network), ``utm_medium`` and ``utm_campaign``
    (the opaque per-person code); other parameters kept, earlier ``utm_*`` replaced."""
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if not k.startswith("utm_")]
    kept += [("utm_source", network), ("utm_medium", UTM_MEDIUM), ("utm_campaign", campaign)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def intent_url(network: str, link: str, text: str) -> str:
    """The network's own share page, filled with ``text`` and the tracked ``link``."""
    if network == Network.LINKEDIN:
        body = f"{text}\n\n{link}" if text else link
        return "https://www.linkedin.com/feed/?shareActive=true&text=" + quote(body, safe="")
    if network == Network.X:
        return "https://x.com/intent/post?" + urlencode({"text": text, "url": link})
    return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link, "quote": text})


#: User agents that are not a person following a link: crawlers, link previews (the
#: networks fetch every shared link), command-line and library clients, headless browsers.
ROBOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|preview|"
    r"curl|wget|python|httpclient|http-client|java/|okhttp|axios|node-fetch|libwww|"
    r"scrapy|headless|lighthouse|pingdom|monitor|whatsapp|quora link|outbrain|vkshare",
    re.IGNORECASE,
)


def is_robot(user_agent: str | None) -> bool:
    """No user agent, or one of :data:`ROBOT_AGENTS`: redirected, never counted."""
    return not user_agent or not user_agent.strip() or bool(ROBOT_AGENTS.search(user_agent))


def visitor_digest(address: str | None) -> str:
    """A keyed digest of the visitor's address: one click per address and hour is counted,
    and the address itself is never stored."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"share-visitor:{address or '-'}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
