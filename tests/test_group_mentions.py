"""Groups can be @mentioned (issue #14): handles, rendering, notifications, type-ahead.

A group's handle is unique among people and groups; ``@handle`` links a group its
author may see; a secret group stays text (and unnamed) for outsiders; mentioning a
group notifies its members who may read the post, once each, never the author.
"""

from __future__ import annotations

from sqlalchemy import create_engine, func, select, text

from socialnet.extensions import db
from socialnet.markup import sanitize_html
from socialnet.models import Group, Notification
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


# --- rendering ---------------------------------------------------------------------------


def _notified(type_: str = "group_mentioned") -> list[int]:
    return sorted(
        db.session.scalars(select(Notification.user_id).where(Notification.type == type_))
    )


def test_a_group_handle_links_to_the_group(app_ctx, make_group, make_post, employee):
    group = make_group("Équipe Lyon")
    post = make_post(employee, "Bonjour @Equipe-Lyon et `@equipe-lyon` !")
    assert (
        f'<a href="/groups/{group.id}" class="mention mention-group" data-group-id="{group.id}"'
        in post.body_html
    )
    assert post.body_html.count("data-group-id") == 1  # not inside code
    assert "<code>@equipe-lyon</code>" in post.body_html


def test_people_handles_still_link_and_groups_follow_them(
    app_ctx, make_group, make_post, employee, manager
):
    group = make_group("Ventes")
    post = make_post(employee, f"@{manager.handle} @ventes @nobody")
    assert f'data-user-id="{manager.id}"' in post.body_html
    assert f'data-group-id="{group.id}"' in post.body_html
    assert "@nobody" in post.body_html and post.body_html.count("<a ") == 2


def test_private_and_secret_groups_of_others_stay_text(
    app_ctx, make_group, make_post, employee, fred
):
    private = make_group("Comité privé", "private", members=(employee,))
    secret = make_group("Projet Orion", "secret", members=(employee,))
    post = make_post(fred, "@comite-prive @projet-orion")
    for group in (private, secret):
        assert f"/groups/{group.id}" not in post.body_html
        assert f'data-group-id="{group.id}"' not in post.body_html
    assert "Orion" not in post.body_html and "privé" not in post.body_html
    assert _notified() == []


def test_a_member_links_a_private_group_anywhere_and_a_secret_one_only_inside_it(
    app_ctx, make_group, make_post, employee, manager
):
    private = make_group("Comité", "private", members=(employee, manager))
    secret = make_group("Orion", "secret", members=(employee, manager))
    outside = make_post(employee, "@comite @orion")
    assert f'data-group-id="{private.id}"' in outside.body_html
    assert f"/groups/{secret.id}" not in outside.body_html  # its id would reach outsiders
    inside = make_post(employee, "@orion", group=secret)
    assert f'data-group-id="{secret.id}"' in inside.body_html


def test_the_sanitizer_keeps_data_group_id_only_on_links():
    from socialnet.markup import render

    rendered = render("@ventes", lambda handles: {}, lambda handles: {"ventes": 7})
    assert 'href="/groups/7"' in rendered.html and 'data-group-id="7"' in rendered.html
    assert 'class="mention mention-group"' in rendered.html
    assert rendered.mentioned_group_ids == [7] and rendered.mentioned_ids == []
    assert "data-group-id" not in sanitize_html('<p data-group-id="1">x</p>')


def test_render_budget_still_shows_dense_text_as_typed():
    from socialnet.markup import RENDER_BUDGET_US, render

    source = "@ventes " * (RENDER_BUDGET_US // 10 + 100)
    rendered = render(source, lambda handles: {}, lambda handles: {"ventes": 7})
    assert "<a" not in rendered.html and rendered.mentioned_group_ids == []


# --- notifications -----------------------------------------------------------------------


def test_members_who_may_read_are_notified_once_never_the_author(
    app_ctx, make_group, make_post, make_user, employee, manager
):
    ana, ben, guest_free = make_user("Ana"), make_user("Ben"), make_user("Cleo")
    team = make_group("Équipe", "private", members=(employee, ana, ben))
    other = make_group("Autre", "public", members=(employee, ana, guest_free))
    post = make_post(employee, "@equipe @autre @ana", group=team)
    assert _notified("mentioned") == [ana.id]
    assert _notified() == [ben.id]  # Cleo may not read the private group's post
    notification = db.session.scalar(
        select(Notification).where(Notification.type == "group_mentioned")
    )
    assert (notification.post_id, notification.group_id) == (post.id, team.id)
    assert other.id  # named second: its readers were told already or may not read


def test_only_members_page_their_group_and_muting_is_honoured(
    app_ctx, make_group, make_post, api, employee, manager, fred
):
    ventes = make_group("Ventes", members=(employee, manager))
    post = make_post(fred, "@ventes")
    assert f'data-group-id="{ventes.id}"' in post.body_html  # a mention by others links
    assert _notified() == []
    muted = api(manager).put("/api/v1/notifications/settings", {"muted": ["group_mentioned"]})
    assert muted.status_code == 200, muted.get_json()
    make_post(employee, "@ventes")
    assert _notified() == []


def test_a_group_mention_in_a_comment_notifies_readers_not_the_post_author_twice(
    app_ctx, make_group, make_post, api, employee, manager, make_user
):
    ana = make_user("Ana")
    make_group("Ventes", members=(employee, manager, ana))
    post = make_post(manager, "Question")
    answer = api(employee).post(f"/api/v1/posts/{post.id}/comments", {"body": "@ventes ?"})
    assert answer.status_code == 201, answer.get_json()
    assert _notified() == [ana.id]
    assert _notified("replied") == [manager.id]


def test_a_large_group_is_not_paged(
    app_ctx, make_group, make_post, make_user, employee, monkeypatch
):
    from socialnet.services import group_mentions

    monkeypatch.setattr(group_mentions, "GROUP_MENTION_FANOUT_MAX", 2)
    make_group("Tous", members=(employee, make_user("A"), make_user("B")))
    post = make_post(employee, "@tous")
    assert "data-group-id" in post.body_html and _notified() == []


def test_the_notification_is_worded_in_the_readers_language_with_a_preview(
    app_ctx, make_group, make_post, api, employee, manager
):
    make_group("Ventes", members=(employee, manager))
    make_post(employee, "Réunion demain @ventes")
    english = api(manager).get("/api/v1/notifications").get_json()["items"][0]
    assert english["type"] == "group_mentioned"
    assert english["summary"] == "Emma Employee mentioned Ventes"
    assert "Réunion demain" in english["preview"]
    french = api(manager).get("/api/v1/notifications", headers={"Accept-Language": "fr"})
    assert french.get_json()["items"][0]["summary"] == "Emma Employee a mentionné Ventes"


def test_the_settings_page_names_the_type(app_ctx, signed_in, employee):
    page = html_of(signed_in(employee).get("/notifications/settings"))
    assert "A member of a group I belong to mentions the group" in page


def test_the_about_tab_shows_the_handle(app_ctx, signed_in, make_group, employee):
    group = make_group("Ventes")
    page = html_of(signed_in(employee).get(f"/groups/{group.id}?tab=about"))
    assert "<code>@ventes</code>" in page


def test_suggest_answers_groups_with_their_handle_and_hides_secret_ones(
    app_ctx, api, make_group, employee, fred
):
    make_group("Ventes Lyon", members=(employee,))
    make_group("Ventes Orion", "secret", members=(employee,))
    mine = api(employee).get("/api/v1/search/suggest?q=ventes").get_json()["groups"]
    assert sorted(g["handle"] for g in mine) == ["ventes-lyon", "ventes-orion"]
    theirs = api(fred).get("/api/v1/search/suggest?q=ventes").get_json()["groups"]
    assert [g["handle"] for g in theirs] == ["ventes-lyon"]


def test_an_edit_pages_only_the_groups_it_newly_names(
    app_ctx, api, make_group, make_post, make_user, employee
):
    ana, ben = make_user("Ana"), make_user("Ben")
    make_group("Ventes", members=(employee, ana))
    make_group("Achats", members=(employee, ben))
    post = make_post(employee, "@ventes")
    assert _notified() == [ana.id]
    edited = api(employee).patch(f"/api/v1/posts/{post.id}", {"body": "@ventes et @achats"})
    assert edited.status_code == 200, edited.get_json()
    assert _notified() == [ana.id, ben.id]  # Ana is not told twice
    comment = api(employee).post(f"/api/v1/posts/{post.id}/comments", {"body": "bien"})
    comment_id = comment.get_json()["id"]
    again = api(employee).patch(f"/api/v1/comments/{comment_id}", {"body": "bien @achats"})
    assert again.status_code == 200, again.get_json()
    assert _notified() == [ana.id, ben.id, ben.id]  # the comment is news of its own
    api(employee).patch(f"/api/v1/comments/{comment_id}", {"body": "très bien @achats"})
    assert _notified() == [ana.id, ben.id, ben.id]


def test_linked_group_ids_reads_what_render_wrote():
    from socialnet.markup import linked_group_ids, render

    html = render("@a @b @a", lambda h: {}, lambda h: {"a": 3, "b": 1}).html
    assert linked_group_ids(html) == [3, 1]
    assert linked_group_ids("") == []
