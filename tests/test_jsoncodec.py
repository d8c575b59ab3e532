"""orjson (socialnet/jsoncodec.py) writes the documents the standard library wrote, and
accepts or refuses exactly the inputs it did."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest
from flask.json.provider import DefaultJSONProvider

from socialnet.jsoncodec import OrjsonProvider, SocketJSON, dumps_text, loads

SAMPLE = {
    "z": [1, 2.5, None, True],
    "a": {"é": "café ☕ \u2028", "n": -(2**63)},
    "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
}


def test_http_documents_are_flasks(app):
    flask_json, ours = DefaultJSONProvider(app), OrjsonProvider(app)
    assert json.loads(ours.dumps(SAMPLE)) == json.loads(flask_json.dumps(SAMPLE))
    assert list(json.loads(ours.dumps({"b": 1, "a": 2}))) == ["a", "b"]  # sorted, as Flask
    with app.test_request_context():
        response = ours.response(SAMPLE)
        assert response.mimetype == "application/json"
        assert json.loads(response.get_data()) == json.loads(flask_json.dumps(SAMPLE))


def test_what_orjson_refuses_goes_to_the_standard_library():
    lone = {"text": "\ud800"}  # a lone surrogate: orjson refuses, json escapes it
    assert json.loads(dumps_text(lone)) == lone
    assert loads("123456789012345678901234567890") == 123456789012345678901234567890  # exact
    assert math.isnan(loads("NaN"))
    with pytest.raises(ValueError):
        loads("{not json")
    with pytest.raises(TypeError):
        dumps_text({"x": object()}, strict=True)


def test_socket_packets_keep_key_order_and_are_compact():
    text = SocketJSON.dumps(["post.created", {"b": 1, "a": "é"}], separators=(",", ":"))
    assert text == '["post.created",{"b":1,"a":"é"}]'
    assert SocketJSON.loads(text) == ["post.created", {"b": 1, "a": "é"}]


def test_the_api_answers_through_orjson(app, api, employee):
    assert isinstance(app.json, OrjsonProvider)  # with i18n's lazy strings on top
    body = api(employee).post("/api/v1/posts", {"body": "Déjà vu ☕ #café"})
    assert body.status_code == 201
    assert body.get_json()["body"] == "Déjà vu ☕ #café"
