"""The OpenAPI document is valid, matches the server's routes, and real answers match it."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from werkzeug.datastructures import ImmutableMultiDict

from tests.conftest import PASSWORD

PREFIX = "/api/v1"


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _server_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((method.lower(), path))
    return operations


def _documented_operations(document) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }


def test_document_is_valid_openapi(document):
    validate(document)


def test_every_route_is_documented_and_nothing_else(app, document):
    assert _server_operations(app) == _documented_operations(document)


class Checker:
    """Validate real responses against the document's response schema for (method, path)."""

    def __init__(self, document):
        self.document = document
        self.checked: set[tuple[str, str, str]] = set()

    def __call__(self, response, method: str, path: str):
        operation = self.document["paths"][path][method]
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {path} answered undocumented {status}"
        content = operation["responses"][status].get("content")
        if content is None:
            assert response.data == b""
        else:
            schema = {**content["application/json"]["schema"], **self.document}
            OAS30Validator(schema).validate(response.get_json())
        self.checked.add((method, path, status))
        return response


def test_real_answers_match_the_schemas(document, api, admin, employee, fred, make_group):
    check = Checker(document)
    me, boss, outsider = api(employee), api(admin), api(fred)

    check(me.get("/api/v1/me"), "get", "/me")
    check(api(None).get("/api/v1/me"), "get", "/me")
    check(me.post("/api/v1/tokens", {"name": "cli"}), "post", "/tokens")  # 403: no password
    created = check(
        me.post("/api/v1/tokens", {"name": "cli", "password": PASSWORD}), "post", "/tokens"
    )
    check(me.get("/api/v1/tokens"), "get", "/tokens")
    check(me.delete(f"/api/v1/tokens/{created.get_json()['id']}"), "delete", "/tokens/{token_id}")
    check(me.delete("/api/v1/tokens/999"), "delete", "/tokens/{token_id}")

    new_user = {
        "email": "new.joiner@lumen.example",
        "display_name": "New Joiner",
        "password": "long enough password",
        "role": "employee",
        "job_title": "Analyst",
        "department": "Finance",
        "site": "Nantes",
        "manager_id": admin.id,
        "hire_date": "2026-11-02",
        "birthday": "02-29",
    }
    user = check(boss.post("/api/v1/users", new_user), "post", "/users").get_json()
    check(boss.post("/api/v1/users", new_user), "post", "/users")  # 409
    check(me.post("/api/v1/users", {**new_user, "email": "x@lumen.example"}), "post", "/users")
    check(
        boss.patch(f"/api/v1/users/{user['id']}", {"role": "manager"}), "patch", "/users/{user_id}"
    )
    check(boss.patch(f"/api/v1/users/{user['id']}", {"id": 3}), "patch", "/users/{user_id}")
    check(me.get(f"/api/v1/users/{user['id']}"), "get", "/users/{user_id}")
    check(me.get("/api/v1/users/4242"), "get", "/users/{user_id}")
    check(me.get("/api/v1/users?q=joiner&limit=1"), "get", "/users")
    check(me.get("/api/v1/users?limit=0"), "get", "/users")

    group = make_group("Comité", "private", members=(employee,))
    post = check(me.post("/api/v1/posts", {"body": "Hi @fred.interloper #news"}), "post", "/posts")
    post_id = post.get_json()["id"]
    secret = me.post("/api/v1/posts", {"body": "members only", "group_id": group.id}).get_json()
    check(outsider.post("/api/v1/posts", {"body": "x", "group_id": group.id}), "post", "/posts")
    check(me.post("/api/v1/posts", {"body": "x" * 10_001}), "post", "/posts")
    check(me.post("/api/v1/posts", {"body": ""}), "post", "/posts")
    check(me.get(f"/api/v1/posts/{post_id}"), "get", "/posts/{post_id}")
    check(outsider.get(f"/api/v1/posts/{secret['id']}"), "get", "/posts/{post_id}")
    check(me.patch(f"/api/v1/posts/{post_id}", {"body": "edited"}), "patch", "/posts/{post_id}")
    check(outsider.patch(f"/api/v1/posts/{post_id}", {"body": "no"}), "patch", "/posts/{post_id}")
    check(me.get("/api/v1/feed?limit=1"), "get", "/feed")
    check(me.get("/api/v1/feed?cursor=forged"), "get", "/feed")
    check(me.get(f"/api/v1/users/{employee.id}/posts"), "get", "/users/{user_id}/posts")

    comments = f"/api/v1/posts/{post_id}/comments"
    comment = check(me.post(comments, {"body": "first"}), "post", "/posts/{post_id}/comments")
    check(me.get(comments), "get", "/posts/{post_id}/comments")
    check(
        outsider.delete(f"/api/v1/comments/{comment.get_json()['id']}"),
        "delete",
        "/comments/{comment_id}",
    )
    check(
        me.delete(f"/api/v1/comments/{comment.get_json()['id']}"),
        "delete",
        "/comments/{comment_id}",
    )

    reaction = "/posts/{post_id}/reactions/{kind}"
    check(outsider.put(f"/api/v1/posts/{post_id}/reactions/celebrate"), "put", reaction)
    check(outsider.delete(f"/api/v1/posts/{post_id}/reactions/celebrate"), "delete", reaction)
    check(outsider.put(f"/api/v1/posts/{secret['id']}/reactions/like"), "put", reaction)
    check(me.delete(f"/api/v1/posts/{post_id}"), "delete", "/posts/{post_id}")
    check(outsider.delete(f"/api/v1/posts/{secret['id']}"), "delete", "/posts/{post_id}")

    statuses = {status for _m, _p, status in check.checked}
    assert {"200", "201", "204", "400", "401", "403", "404", "409", "413"} <= statuses


def test_session_endpoints_match_the_schemas(app, document, employee):
    from tests.conftest import PASSWORD

    check = Checker(document)
    client = app.test_client()
    check(client.get("/api/v1/auth/csrf"), "get", "/auth/csrf")
    check(
        client.post("/api/v1/auth/login", json={"email": employee.email, "password": "nope"}),
        "post",
        "/auth/login",
    )
    login = client.post("/api/v1/auth/login", json={"email": employee.email, "password": PASSWORD})
    check(login, "post", "/auth/login")
    check(client.post("/api/v1/auth/logout"), "post", "/auth/logout")  # no CSRF token: 403
    headers = {"X-CSRFToken": login.get_json()["csrf_token"]}
    check(client.post("/api/v1/auth/logout", headers=headers), "post", "/auth/logout")
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    body = {"email": "sign.up@lumen.example", "display_name": "Sign Up", "password": "x" * 12}
    check(client.post("/api/v1/auth/signup", json=body), "post", "/auth/signup")


# --- every query parameter a handler reads is documented, and only those -------------------
# Robust to how a handler reads them (directly, through a helper, or by handing request.args
# to a service): the test records the keys actually looked up while each GET operation of
# the document runs, as an administrator, on objects that exist.


class RecordingArgs(ImmutableMultiDict):
    """``request.args`` that notes every key looked up (get, [], getlist, in)."""

    read: set[str] | None = None

    def _note(self, key) -> None:
        if RecordingArgs.read is not None:
            RecordingArgs.read.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)


def _path_with_ids(path: str, params: list[dict], ids: dict[str, int | str]) -> str:
    for param in params:
        if param["in"] == "path":
            enum = param["schema"].get("enum")
            value = enum[0] if enum else ids[param["name"]]
            path = path.replace("{" + param["name"] + "}", str(value))
    return path


@pytest.fixture
def one_of_everything(app, api, admin, employee, make_group, tmp_path):
    """Ids of one object of each kind a GET path names, visible to (and managed by) ``admin``."""
    from tests.moderation_fixtures import reported_case
    from tests.test_avatars import put_avatar
    from tests.test_files import png_bytes, upload

    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    boss = api(admin)
    group = make_group("Everything", "public", members=(admin, employee))
    post = boss.post(
        PREFIX + "/posts", {"body": "hello #everything", "group_id": group.id}
    ).get_json()
    poll = boss.post(PREFIX + "/polls", {"question": "Q?", "options": ["a", "b"]}).get_json()
    announcement = boss.post(
        PREFIX + "/announcements",
        {"title": "T", "body": "B", "audience": {"kind": "company"}, "expires_in_days": 7},
    ).get_json()
    case_id = reported_case(api(employee), "post", post["id"])
    image = upload(boss, png_bytes(), "team.png").get_json()
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    event = boss.post(
        PREFIX + "/events",
        {
            "title": "Breakfast",
            "starts_at": soon.isoformat(),
            "ends_at": (soon + timedelta(hours=1)).isoformat(),
            "group_id": group.id,
        },
    ).get_json()
    circle = boss.post(
        PREFIX + "/circles", {"name": "Circle", "cadence": "monthly", "member_ids": [employee.id]}
    ).get_json()
    session = boss.post(
        f"{PREFIX}/circles/{circle['id']}/sessions",
        {
            "topic": "Our podcast",
            "starts_at": soon.isoformat(),
            "presenter_id": admin.id,
            "scribe_id": employee.id,
        },
    ).get_json()
    pain_point = boss.post(PREFIX + "/pain-points", {"title": "Slow VPN"}).get_json()
    put_avatar(api(employee), png_bytes())
    newsletter = boss.post(
        PREFIX + "/newsletters",
        {
            "title": "News",
            "sections": [{"heading": "H", "post_ids": [post["id"]]}],
            "audience": {"kind": "company"},
        },
    ).get_json()
    app.config["ADVOCACY_SITES"] = ["lumen.example"]
    shareable = boss.put(
        f"{PREFIX}/posts/{post['id']}/shareable",
        {"target_url": "https://lumen.example/a", "texts": {"x": {"en": "Read this"}}},
    ).get_json()
    template = boss.post(
        PREFIX + "/onboarding/templates",
        {"name": "Welcome", "steps": [{"day_offset": 0, "title": "Meet your buddy"}]},
    ).get_json()
    journey = boss.post(
        PREFIX + "/onboarding/journeys",
        {"user_id": employee.id, "template_id": template["id"], "hire_date": "2026-01-05"},
    ).get_json()
    return {
        "template_id": template["id"],
        "journey_id": journey["id"],
        "circle_id": circle["id"],
        "session_id": session["id"],
        "user_id": employee.id,
        "post_id": post["id"],
        "group_id": group.id,
        "poll_id": poll["poll"]["id"],
        "announcement_id": announcement["id"],
        "case_id": case_id,
        "tag": "everything",
        "file_id": image["id"],
        "name": image["name"],
        "event_id": event["id"],
        "newsletter_id": newsletter["id"],
        "item_id": boss.post(PREFIX + "/editorial/items", {"title": "Plan"}).get_json()["id"],
        "pain_point_id": pain_point["id"],
        "version": 1,
        "shareable_id": shareable["id"],
        "briefing_id": boss.post(
            PREFIX + "/briefings",
            {"title": "Reorg", "key_messages": ["Why"], "embargo_at": soon.isoformat()},
        ).get_json()["id"],
    }


def test_every_query_parameter_read_is_documented(app, document, api, admin, one_of_everything):
    boss = api(admin)
    undocumented, unread, failed = {}, {}, {}
    app.request_class = type("RecordingRequest", (app.request_class,), {})
    app.request_class.parameter_storage_class = RecordingArgs  # forms too; GETs have none
    try:
        for path, item in document["paths"].items():
            if "get" not in item:
                continue
            params = item["get"].get("parameters", []) + item.get("parameters", [])
            documented = {p["name"] for p in params if p["in"] == "query"}
            RecordingArgs.read = set()
            required = {  # a required query parameter is sent with its documented example
                p["name"]: p["example"] for p in params if p["in"] == "query" and p.get("required")
            }
            answer = boss.get(
                PREFIX + _path_with_ids(path, params, one_of_everything), query_string=required
            )
            answer.close()  # a file download holds its file open until closed
            read, RecordingArgs.read = RecordingArgs.read, None
            if answer.status_code >= 400:
                failed[path] = answer.status_code
            if read - documented:
                undocumented[path] = sorted(read - documented)
            if documented - read:
                unread[path] = sorted(documented - read)
    finally:
        RecordingArgs.read = None
        app.request_class = app.request_class.__mro__[1]
    assert failed == {}  # each handler ran to the end, reading all it reads
    assert undocumented == {}
    assert unread == {}


def test_only_get_handlers_read_the_query_string():
    """The test above exercises GET operations; any other method reading query parameters
    would escape it."""
    offenders = []
    for module in sorted((Path(__file__).parents[1] / "socialnet" / "api").glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            methods = {
                d.func.attr
                for d in node.decorator_list
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
            }
            if methods & {"post", "put", "patch", "delete", "route"} and "request.args" in (
                ast.unparse(node)
            ):
                offenders.append(f"{module.name}:{node.name}")
    assert offenders == []


def test_each_path_and_schema_is_documented_by_one_domain(monkeypatch):
    """The document is the union of ``api/spec``'s domain modules: a second module defining
    a path or schema another already has is refused, never silently overwritten."""
    from types import SimpleNamespace

    from socialnet.api import spec

    assert {d.__name__.rpartition(".")[2] for d in spec.DOMAINS} >= {"meta", "accounts", "posts"}
    twin = SimpleNamespace(__name__="twin", PATHS={"/feed": {}}, SCHEMAS={})
    monkeypatch.setattr(spec, "DOMAINS", (*spec.DOMAINS, twin))
    with pytest.raises(ValueError, match="'/feed': in both socialnet.api.spec.posts and twin"):
        spec.build_document()
