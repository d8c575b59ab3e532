"""The audit log: every moderation and administration action, append-only, filterable, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from socialnet.extensions import db
from socialnet.models import AuditLogEntry
from socialnet.services.audit import AuditLogIsAppendOnly
from tests.helpers import assert_error, count_rows
from tests.moderation_fixtures import act, reported_case


def _actions(client, query: str = "") -> list[str]:
    return [e["action"] for e in client.get(f"/api/v1/audit-log{query}").get_json()["items"]]


def test_administration_and_moderation_actions_are_recorded_with_before_and_after(
    api, admin, cm, employee, fred, make_post, make_group, watch
):
    api(admin).patch(f"/api/v1/users/{employee.id}", {"role": "manager"})
    api(admin).patch(f"/api/v1/users/{fred.id}", {"active": False})
    group = make_group("Ops", "public", members=(cm,))
    assert api(admin).patch(f"/api/v1/groups/{group.id}", {"type": "private"}).status_code == 200
    watch("secret", "flag")
    case_id = reported_case(api(cm), "post", make_post(employee).id)
    act(api(cm), case_id, "hide", message="not here")

    entries = api(cm).get("/api/v1/audit-log").get_json()["items"]
    by_action = {e["action"]: e for e in entries}
    assert set(by_action) >= {
        "user.role_changed",
        "user.active_changed",
        "group.updated",
        "watched_word.added",
        "case.hide",
    }
    role = by_action["user.role_changed"]
    assert (role["before"], role["after"]) == ({"role": "employee"}, {"role": "manager"})
    assert role["actor"] == {"id": admin.id, "display_name": admin.display_name}
    assert by_action["group.updated"]["after"] == {"visibility": "private"}
    assert by_action["case.hide"]["reason"] == "not here"
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)


def test_announcement_sends_are_recorded(api, cm, employee):
    response = api(cm).post(
        "/api/v1/announcements",
        {
            "title": "Town hall",
            "body": "Friday",
            "audience": {"kind": "company"},
            "expires_in_days": 7,
        },
    )
    assert response.status_code == 201, response.get_json()
    entry = api(cm).get("/api/v1/audit-log?action=announcement.sent").get_json()["items"][0]
    assert entry["after"]["title"] == "Town hall" and entry["after"]["recipients"] >= 1


def test_filters_and_pages(api, admin, employee, cm):
    for role in ("manager", "employee", "manager"):
        api(admin).patch(f"/api/v1/users/{employee.id}", {"role": role})
    client = api(cm)
    assert _actions(client, "?action=user.") == ["user.role_changed"] * 3
    assert _actions(client, f"?actor_id={cm.id}") == []
    assert len(_actions(client, f"?target_type=user&target_id={employee.id}")) == 3
    first = client.get("/api/v1/audit-log?limit=2").get_json()
    rest = client.get(f"/api/v1/audit-log?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    for bad in ("?from=yesterday", "?actor_id=abc", "?from=2026-02-02&to=2026-01-01"):
        assert_error(client.get(f"/api/v1/audit-log{bad}"), 400)
    assert _actions(client, "?from=2000-01-01&to=2000-12-31") == []


def test_csv_export_is_formula_safe(api, admin, cm, employee, fred, make_post):
    case_id = reported_case(api(fred), "post", make_post(employee).id)
    act(api(cm), case_id, "warn", message='=HYPERLINK("http://evil")')
    response = api(cm).get("/api/v1/audit-log?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    warn = next(r for r in rows if r["action"] == "case.warn")
    assert warn["reason"].startswith("'=")


def test_nobody_can_edit_or_delete_the_log_through_the_product(api, admin, employee, cm):
    api(admin).patch(f"/api/v1/users/{employee.id}", {"role": "manager"})
    entry_id = api(cm).get("/api/v1/audit-log").get_json()["items"][0]["id"]
    for client in (api(admin), api(cm)):
        for method in ("put", "patch", "delete"):
            for path in ("/api/v1/audit-log", f"/api/v1/audit-log/{entry_id}"):
                response = getattr(client, method)(path, json_body={"reason": "x"})
                assert response.status_code in (404, 405), (method, path)
        assert client.post("/api/v1/audit-log", {"action": "forged"}).status_code == 405
    assert count_rows(AuditLogEntry) == 1
    entry = db.session.get(AuditLogEntry, entry_id)
    entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLogEntry, entry_id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_only_moderators_read_the_log(api, employee, manager, fred):
    for person in (employee, manager, fred):
        assert_error(api(person).get("/api/v1/audit-log"), 403)
        assert_error(api(person).get("/api/v1/audit-log?format=csv"), 403)
        assert_error(api(person).get("/api/v1/audit-log?from=bad"), 403)  # refused before parsing
    assert_error(api(None).get("/api/v1/audit-log"), 401)


# --- entries about what the reader may not see (security finding 2) ----------------------
#
# An entry about a secret group the reader is not in, or an announcement they may not read,
# is redacted for them: the action, actor, time and target id stay (who did what, when),
# names and titles go, and ``redacted`` says what the target is ("a secret group"). The
# same policy as every other read path (policy.can_see_group, can_read_announcement)
# decides, for administrators too: a secret group is secret from them everywhere.

SECRET_NAME = "Project Nightingale"
SECRET_TITLE = "Nightingale layoffs"


def _secret_world(api, employee, manager):
    """A secret group created and renamed by ``employee``, with ``manager`` in it, and an
    announcement to it; returns the group id."""
    created = api(employee).post("/api/v1/groups", {"name": "Skunkworks", "type": "secret"})
    assert created.status_code == 201, created.get_json()
    group_id = created.get_json()["id"]
    renamed = api(employee).patch(f"/api/v1/groups/{group_id}", {"name": SECRET_NAME})
    assert renamed.status_code == 200, renamed.get_json()
    added = api(employee).post(f"/api/v1/groups/{group_id}/members", {"user_id": manager.id})
    assert added.status_code == 201, added.get_json()
    sent = api(employee).post(
        "/api/v1/announcements",
        {
            "title": SECRET_TITLE,
            "body": "Tomorrow.",
            "audience": {"kind": "group", "value": group_id},
            "expires_in_days": 7,
        },
    )
    assert sent.status_code == 201, sent.get_json()
    return group_id


def _log_texts(api, auth, reader) -> dict[str, str]:
    """What ``reader`` gets from the three audit-log read paths, as text."""
    client = api(reader)
    json_text = client.get("/api/v1/audit-log?limit=100").get_data(as_text=True)
    csv_text = client.get("/api/v1/audit-log?format=csv").get_data(as_text=True)
    page = auth.login(reader).get("/moderation/audit")
    assert page.status_code == 200
    return {"json": json_text, "csv": csv_text, "page": page.get_data(as_text=True)}


def _join_secret(group_id: int, person) -> None:
    from socialnet.models import GroupMembership

    db.session.add(GroupMembership(group_id=group_id, user_id=person.id))
    db.session.commit()


@pytest.mark.parametrize("reader_role", ["cm", "admin"])
def test_entries_about_a_secret_group_are_redacted_for_outsiders(
    api, auth, cm, admin, employee, manager, reader_role
):
    reader = cm if reader_role == "cm" else admin
    group_id = _secret_world(api, employee, manager)
    for path, text in _log_texts(api, auth, reader).items():
        for secret in (SECRET_NAME, "Skunkworks", SECRET_TITLE):
            assert secret not in text, (path, secret)
    items = api(reader).get("/api/v1/audit-log?limit=100").get_json()["items"]
    by_action = {e["action"]: e for e in items}
    assert set(by_action) >= {"group.created", "group.updated", "announcement.sent"}
    group_entry = by_action["group.updated"]
    assert (group_entry["target_type"], group_entry["target_id"]) == ("group", group_id)
    assert group_entry["actor"]["id"] == employee.id  # who did what, when: kept
    assert group_entry["redacted"] == "a secret group"
    assert by_action["announcement.sent"]["redacted"] == "an announcement you cannot read"
    assert by_action["announcement.sent"]["after"] == {"audience": "group"}
    assert "a secret group" in _log_texts(api, auth, reader)["page"]

    _join_secret(group_id, reader)  # the same reader, now a member, sees it all
    for path, text in _log_texts(api, auth, reader).items():
        for secret in (SECRET_NAME, "Skunkworks", SECRET_TITLE):
            assert secret in text, (path, secret)
    items = api(reader).get("/api/v1/audit-log?limit=100").get_json()["items"]
    assert all(e["redacted"] is None for e in items)


def test_a_group_turned_secret_redacts_its_earlier_entries(api, auth, cm, employee, manager):
    created = api(employee).post("/api/v1/groups", {"name": "Open plans", "type": "private"})
    group_id = created.get_json()["id"]
    api(employee).patch(f"/api/v1/groups/{group_id}", {"name": "Acquisition talks"})
    assert "Acquisition talks" in _log_texts(api, auth, cm)["json"]  # private: its name is public
    api(employee).patch(f"/api/v1/groups/{group_id}", {"type": "secret"})
    for path, text in _log_texts(api, auth, cm).items():
        assert "Acquisition talks" not in text and "Open plans" not in text, path
