"""Every moderation operation × every role: exactly the expected answer, nothing else.

Roles: a company admin, a community manager, the admin of the group the case is
about, an employee (author of the reported post) and Fred, the interloper.
A case is a 404 to those who may not moderate it (they may not know it exists);
a queue, list or setting they may not use is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.moderation_fixtures import make_group_admin, reported_case

ROLES = ("admin", "cm", "group_admin", "employee", "fred")


@dataclass
class World:
    people: dict
    group_id: int
    group_post_id: int
    company_post_id: int
    case_id: int
    word_id: int


@pytest.fixture
def world(api, admin, cm, employee, fred, make_user, make_group, make_post) -> World:
    lead = make_user("Lea Lead")
    reporter = make_user("Rita Reporter")
    group = make_group("Makers", "public", members=(employee, lead))
    make_group_admin(lead, group)
    group_post = make_post(employee, "in the group", group=group)
    company_post = make_post(employee, "for everyone")
    case_id = reported_case(api(reporter), "post", group_post.id)
    word = api(cm).post("/api/v1/moderation/watched-words", {"pattern": "zzz", "action": "flag"})
    people = {"admin": admin, "cm": cm, "group_admin": lead, "employee": employee, "fred": fred}
    return World(people, group.id, group_post.id, company_post.id, case_id, word.get_json()["id"])


def _case_path(w: World) -> str:
    return f"/api/v1/moderation/cases/{w.case_id}"


OPERATIONS = {
    # name: (method, path(world), body(world), expected per role)
    "queue": ("get", lambda w: "/api/v1/moderation/cases", None, (200, 200, 200, 403, 403)),
    "case": ("get", _case_path, None, (200, 200, 200, 404, 404)),
    "hide": (
        "post",
        lambda w: _case_path(w) + "/actions",
        lambda w: {"action": "hide"},
        (200, 200, 200, 404, 404),
    ),
    "mute": (
        "post",
        lambda w: _case_path(w) + "/actions",
        lambda w: {"action": "mute", "duration_hours": 2},
        (200, 200, 403, 404, 404),
    ),
    "suspend": (
        "post",
        lambda w: _case_path(w) + "/actions",
        lambda w: {"action": "suspend", "duration_hours": 2},
        (200, 200, 403, 404, 404),
    ),
    "move": (
        "post",
        lambda w: _case_path(w) + "/actions",
        lambda w: {"action": "move", "group_id": None},
        (200, 200, 403, 404, 404),
    ),
    "bulk": (
        "post",
        lambda w: "/api/v1/moderation/bulk",
        lambda w: {"action": "dismiss", "case_ids": [w.case_id]},
        (200, 200, 200, 404, 404),
    ),
    "note": (
        "post",
        lambda w: _case_path(w) + "/notes",
        lambda w: {"body": "look"},
        (201, 201, 201, 404, 404),
    ),
    "words": ("get", lambda w: "/api/v1/moderation/watched-words", None, (200, 200, 403, 403, 403)),
    "add_word": (
        "post",
        lambda w: "/api/v1/moderation/watched-words",
        lambda w: {"pattern": "yyy", "action": "block"},
        (201, 201, 403, 403, 403),
    ),
    "delete_word": (
        "delete",
        lambda w: f"/api/v1/moderation/watched-words/{w.word_id}",
        None,
        (204, 204, 403, 403, 403),
    ),
    "audit": ("get", lambda w: "/api/v1/audit-log", None, (200, 200, 403, 403, 403)),
    "pin_company": (
        "post",
        lambda w: f"/api/v1/posts/{w.company_post_id}/pin",
        lambda w: {},
        (200, 200, 403, 403, 403),
    ),
    "pin_group": (
        "post",
        lambda w: f"/api/v1/posts/{w.group_post_id}/pin",
        lambda w: {},
        (200, 200, 200, 403, 403),
    ),
    "feature": (
        "post",
        lambda w: f"/api/v1/posts/{w.company_post_id}/feature",
        lambda w: {},
        (200, 200, 403, 403, 403),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_permission_matrix(api, world, operation, role):
    method, path, body, expected = OPERATIONS[operation]
    person = world.people[role]
    kwargs = {"json_body": body(world)} if body else {}
    response = getattr(api(person), method)(path(world), **kwargs)
    want = expected[ROLES.index(role)]
    assert response.status_code == want, (operation, role, response.get_json())
    if want >= 400:
        assert response.get_json()["message"]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_report_what_they_see(api, world, role):
    response = api(world.people[role]).post(
        "/api/v1/reports",
        {"target_type": "post", "target_id": world.company_post_id, "reason": "spam"},
    )
    assert response.status_code == 201
