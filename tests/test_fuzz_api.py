"""Schemathesis fuzzes every operation of /api/v1/openapi.json against the real app.

The caller is an admin (also a moderator) with a bearer token, in a small seeded
world — people, a public and a private group, posts, a comment, a poll, kudos, an
announcement and a moderation case — so that generated ids sometimes hit real
objects; the world is seeded afresh for each operation (conftest wipes the database
after every test), so one operation's deletions do not starve the next. Each
operation gets ``MAX_EXAMPLES`` generated cases in positive and negative mode
(plus the schema's examples and Schemathesis' coverage phase), and every answer
must pass the checks below: no 5xx, a documented status code, the
documented content type and body schema, and invalid input rejected with a 4xx.

Generation is derandomized so a CI failure reproduces locally with the same command.

The schema is the app's own document (``build_document``, asserted equal to what
/api/v1/openapi.json serves), loaded at collection time: Schemathesis'
``from_fixture`` loader, which could take it from the ``app`` fixture, fails on
pytest 9.2 (it sets ``Function._nodeid``, gone there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, assume, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import update

import socialnet.api  # noqa: F401  (registers the routes and their OpenAPI paths)
from socialnet.api.spec import build_document
from socialnet.extensions import db
from socialnet.models import ApiToken, User

#: At least 100 generated cases per operation (the issue's CI-sized run);
#: FUZZ_EXAMPLES=10 for a quick local pass.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class World:
    caller_id: int
    token_id: int
    secret: str


def _ok(response, status: int = 201) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def world(make_user, api) -> World:
    """A small company: the caller (an admin) is not user 1, so that fuzzing does
    not keep hitting its own account, and every kind of object exists at least once."""
    cm = make_user("Camille Community", role="community_manager", department="Communication")
    manager = make_user("Marc Manager", role="manager", job_title="Head of Production")
    employee = make_user("Emma Employee", manager_id=manager.id)
    fred = make_user("Fred Interloper", department="Sales", site="Paris")
    caller = make_user("Ada Admin", role="admin", department="IT")
    as_cm, as_employee, as_caller = api(cm), api(employee), api(caller)

    public = _ok(as_caller.post("/api/v1/groups", {"name": "Formation"}))
    private = _ok(as_employee.post("/api/v1/groups", {"name": "Comité", "type": "private"}))
    _ok(as_cm.post(f"/api/v1/groups/{public['id']}/join"), 200)
    post = _ok(as_employee.post("/api/v1/posts", {"body": "Hello @fred.interloper #news"}))
    _ok(as_employee.post("/api/v1/posts", {"body": "members only", "group_id": private["id"]}))
    _ok(as_caller.post("/api/v1/posts", {"body": "In Formation", "group_id": public["id"]}))
    _ok(as_cm.post(f"/api/v1/posts/{post['id']}/comments", {"body": "Welcome"}))
    _ok(as_employee.put(f"/api/v1/posts/{post['id']}/reactions/like"), 200)
    _ok(as_employee.post("/api/v1/polls", {"question": "Lunch?", "options": ["A", "B"]}))
    _ok(as_caller.post("/api/v1/values", {"name": "Entraide"}))
    _ok(
        as_cm.post(
            "/api/v1/kudos",
            {"recipient_ids": [employee.id], "message": "Merci !", "value": "Entraide"},
        )
    )
    _ok(
        as_cm.post(
            "/api/v1/announcements",
            {
                "title": "Town hall",
                "body": "Friday",
                "audience": {"kind": "company"},
                "expires_in_days": 7,
            },
        )
    )
    _ok(as_cm.post("/api/v1/moderation/watched-words", {"pattern": "casino", "action": "flag"}))
    _ok(
        api(fred).post(
            "/api/v1/reports", {"target_type": "post", "target_id": post["id"], "reason": "spam"}
        )
    )
    secret = api(caller).token
    token = db.session.scalar(db.select(ApiToken).order_by(ApiToken.id.desc()))
    return World(caller_id=caller.id, token_id=token.id, secret=secret)


def _keep_caller_alive(world: World) -> None:
    """Undo what a fuzzed call may have done to the caller itself (deactivated,
    demoted, suspended, token revoked), so later cases still run as an admin."""
    db.session.rollback()
    db.session.execute(
        update(User)
        .where(User.id == world.caller_id)
        .values(active=True, role="admin", suspended_until=None, muted_until=None)
    )
    db.session.execute(
        update(ApiToken).where(ApiToken.id == world.token_id).values(revoked_at=None)
    )
    db.session.commit()


#: 413 is how this API rejects a field over its maxLength (``TooLarge``), next to 400.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
            }
        }
    }
)
schema = schemathesis.openapi.from_dict(build_document(), config=CONFIG)


def test_the_fuzzed_document_is_the_served_one(client):
    """The schema is built at collection time, before the ``app`` fixture exists."""
    assert client.get("/api/v1/openapi.json").get_json() == build_document()


def _arrives_as_valid_text(value) -> bool:
    """Whether a "negative" query value reaches the server as an ordinary string.

    The WSGI transport sends an object as its keys and a list as one parameter per
    item, each item as text: ``{"a": 1}`` and ``[{"a": 1}]`` arrive as ``?q=a``, and
    ``["x"]`` as ``?q=x`` — valid strings, nothing the server could reject. Only a
    list of two or more plain items arrives repeated (which the API refuses)."""
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return len(value) < 2 or any(isinstance(item, (dict, list)) for item in value)
    return False


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_survives_fuzzing(case, app, world):
    assume(not any(_arrives_as_valid_text(v) for v in (case.query or {}).values()))
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {world.secret}"},
        checks=CHECKS,
    )
    _keep_caller_alive(world)
