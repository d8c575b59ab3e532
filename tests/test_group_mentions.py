"""Groups can be @mentioned (issue #14): handles, rendering, notifications, type-ahead.

A group's handle is unique among people and groups; ``@handle`` links a group its
author may see; a secret group stays text (and unnamed) for outsiders; mentioning a
group notifies its members who may read the post, once each, never the author.
"""

from __future__ import annotations

from sqlalchemy import create_engine, func, select, text

from socialnet.extensions import db
from socialnet.models import Group
from tests.test_migrations import _flask_db, scratch_database_url  # noqa: F401  (fixture)
from tests.web import form, html_of

# --- handles -----------------------------------------------------------------------------


def test_new_groups_get_a_handle_from_their_name_deduplicated(app_ctx, make_group, make_user):
    make_user("Equipe Lyon", handle="equipe-lyon-2")  # a person's handle is taken too
    first = make_group("Équipe Lyon")
    second = make_group("equipe  LYON!")
    third = make_group("Équipe Lyon")
    nameless = make_group("Ωμάδα")
    assert first.handle == "equipe-lyon"
    assert second.handle == "equipe-lyon-3"
    assert third.handle == "equipe-lyon-4"
    assert nameless.handle == "group"


def test_the_api_group_dict_has_the_handle(app_ctx, api, employee):
    created = api(employee).post("/api/v1/groups", {"name": "Qualité Nord"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["handle"] == "qualite-nord"
    listed = api(employee).get(f"/api/v1/groups/{body['id']}").get_json()
    assert listed["handle"] == "qualite-nord"
    own = api(employee).post("/api/v1/groups", {"name": "Other", "handle": "Lyon.Team"})
    assert own.status_code == 201 and own.get_json()["handle"] == "Lyon.Team"


def test_an_admin_changes_the_handle_valid_and_unique_or_nothing_is_written(
    app_ctx, api, employee, make_user, fred
):
    make_user("Lou Person", handle="lou")
    group = api(employee).post("/api/v1/groups", {"name": "Équipe"}).get_json()
    other = api(employee).post("/api/v1/groups", {"name": "Autre", "type": "secret"}).get_json()
    me = api(employee)
    for bad in ("", "-x", "x-", "a b", "é", "a" * 65, 12, None):
        answer = me.patch(f"/api/v1/groups/{group['id']}", {"handle": bad})
        assert answer.status_code == 400, bad
        assert answer.get_json()["fields"] == {"handle": "invalid"}
    for taken in ("LOU", other["handle"].upper()):
        answer = me.patch(f"/api/v1/groups/{group['id']}", {"handle": taken, "name": "Renamed"})
        assert answer.status_code == 400
        assert answer.get_json()["fields"] == {"handle": "taken"}
        assert "taken" in answer.get_json()["message"]
        assert "Autre" not in answer.get_json()["message"]  # never says by whom
    db.session.expire_all()
    unchanged = db.session.get(Group, group["id"])
    assert (unchanged.handle, unchanged.name) == ("equipe", "Équipe")
    refused = api(fred).patch(f"/api/v1/groups/{group['id']}", {"handle": "mine"})
    assert refused.status_code == 403
    done = me.patch(f"/api/v1/groups/{group['id']}", {"handle": "@Equipe.Nord"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["handle"] == "Equipe.Nord"
    assert me.patch(f"/api/v1/groups/{group['id']}", {"handle": "equipe.nord"}).status_code == 200


def test_a_new_person_does_not_take_a_group_handle(app_ctx, make_group):
    from socialnet.services.accounts import _unique_handle

    make_group("ana")
    assert _unique_handle("ana@lumen.example") == "ana2"


def test_the_group_form_sets_the_handle(app_ctx, signed_in, employee):
    me = signed_in(employee)
    page = form(me, "/groups/new", name="Vélo club", handle="", type="public")
    assert page.status_code == 302
    group = db.session.scalar(select(Group).where(Group.name == "Vélo club"))
    assert group.handle == "velo-club"
    bad = form(me, f"/groups/{group.id}/edit", name="Vélo club", handle="no spaces")
    assert bad.status_code == 400
    assert "A handle is 1 to 64" in html_of(bad)
    page = html_of(me.get(f"/groups/{group.id}/edit"))
    assert 'name="handle"' in page and 'value="velo-club"' in page
    assert form(me, f"/groups/{group.id}/edit", name="Vélo", handle="velo").status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, group.id).handle == "velo"


def test_migration_backfills_unique_handles(scratch_database_url):  # noqa: F811
    _flask_db(scratch_database_url, "upgrade", "7c1d2e3f4a50")
    engine = create_engine(scratch_database_url)
    group = (
        "INSERT INTO groups (id, name, name_key, description, visibility, is_official,"
        " cover_color, premoderated, created_at) VALUES (:id, :name, '', '', 'public', FALSE,"
        " '#3b5bdb', FALSE, CURRENT_TIMESTAMP)"
    )
    user = (
        "INSERT INTO users (id, email, handle, handle_key, display_name, password_hash,"
        " job_title, department, site, role, active, celebrate_birthday,"
        " leaderboard_opt_out, session_epoch, created_at) VALUES (1, 'j@x.example',"
        " 'Equipe-Paris', 'equipe-paris', 'J', 'x', '', '', '', 'employee', TRUE, FALSE,"
        " FALSE, 0, CURRENT_TIMESTAMP)"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(user))
            names = ["Équipe Lyon", "equipe lyon", "Equipe Paris", "Ωμάδα", "Ωμάδα 2"]
            for number, name in enumerate(names, start=1):
                conn.execute(text(group), {"id": number, "name": name})
        _flask_db(scratch_database_url, "upgrade", "4d6e8f0a1b23")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT handle, handle_key FROM groups ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            ("equipe-lyon", "equipe-lyon"),
            ("equipe-lyon-2", "equipe-lyon-2"),
            ("equipe-paris-2", "equipe-paris-2"),
            ("group", "group"),
            ("2", "2"),
        ]
        _flask_db(scratch_database_url, "downgrade", "7c1d2e3f4a50")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM groups")).scalar() == 5
    finally:
        engine.dispose()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
