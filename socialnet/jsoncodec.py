"""JSON for HTTP answers, Socket.IO packets and the event log: orjson, same documents.

orjson encodes the feed's dicts several times faster than the standard library. The
documents are the ones the standard library would write, key for key and value for
value (keys sorted where Flask sorts them; dates, UUIDs and dataclasses through Flask's
own conversion); only the bytes differ where JSON allows it (non-ASCII characters are
written as UTF-8 rather than ``\\u`` escapes). Anything orjson refuses to encode (a lone
surrogate, an integer beyond 64 bits) goes to the standard library. Decoding stays with
the standard library (:func:`loads`), so every input is accepted or refused as before.

- :class:`OrjsonProvider` is the base of the app's ``json`` provider (``jsonify``,
  ``|tojson``; :class:`socialnet.i18n.JSONProvider` adds lazy strings);
- :class:`SocketJSON` is the ``json`` module given to Flask-SocketIO (python-socketio
  encodes a room's packet once, then sends those bytes to every socket in it);
- :func:`dumps_text` / :func:`loads` serve the publisher's event payloads (keys in
  their order, as before).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider, _default

#: Dates, dataclasses and anything unknown go through Flask's ``_default``, so they
#: come out as Flask writes them (an RFC 822 date, a dict, a string).
_AS_FLASK = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_COMPACT = (",", ":")


def dumps_bytes(
    obj: Any,
    *,
    sort_keys: bool = True,
    strict: bool = False,
    default: Callable[[Any], Any] = _default,
) -> bytes:
    """``obj`` as compact JSON (UTF-8 bytes), keys sorted unless told otherwise.

    ``default`` converts what JSON has no type for (Flask's conversion by default).
    ``strict``: only JSON's own types (dict, list, str, int, float, bool, None);
    anything else raises ``TypeError``, as ``json.dumps`` without a default does.
    """
    option = _AS_FLASK | orjson.OPT_SORT_KEYS if sort_keys else _AS_FLASK
    if strict:
        default = None
    try:
        return orjson.dumps(obj, default=default, option=option)
    except TypeError:  # orjson.JSONEncodeError too: the standard library decides
        text = json.dumps(obj, default=default, separators=_COMPACT, sort_keys=sort_keys)
        return text.encode()


def dumps_text(obj: Any, **options: Any) -> str:
    """:func:`dumps_bytes` as text."""
    return dumps_bytes(obj, **options).decode()


def loads(data: str | bytes | bytearray) -> Any:
    """Parse JSON with the standard library. (orjson reads an integer beyond 64 bits as
    a float, where ``json`` keeps it exact: what a request may send is not changed for a
    saving that matters little, bodies and client messages being small.)"""
    return json.loads(data)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, encoding and decoding through orjson.

    A call with options orjson does not take (``indent`` from a debug app, Jinja's
    ``|tojson`` arguments other than ``sort_keys``) is handed to Flask's provider.
    """

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.pop("sort_keys", None)
        if kwargs:
            return super().dumps(obj, **kwargs)
        return dumps_text(obj, default=self.default)

    def response(self, *args: Any, **kwargs: Any):
        """``jsonify``: the body is encoded once, to bytes, without an indent."""
        obj = self._prepare_response_obj(args, kwargs)
        if self._app.debug:  # pretty-printed for a person reading it, as Flask does
            return super().response(*args, **kwargs)
        body = dumps_bytes(obj, default=self.default) + b"\n"
        return self._app.response_class(body, mimetype=self.mimetype)


class SocketJSON:
    """The ``json`` module python-socketio calls (``dumps(obj, separators=…)``, ``loads``):
    compact, keys in their order, as the standard library wrote them for it."""

    @staticmethod
    def dumps(obj: Any, **_kwargs: Any) -> str:
        return dumps_text(obj, sort_keys=False, strict=True)

    @staticmethod
    def loads(s: str | bytes, **_kwargs: Any) -> Any:
        return loads(s)
