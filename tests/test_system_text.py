"""Text written by the system is stored as a kind and parameters and worded when read,
in the reader's language (issue #14): celebration posts, notifications, moderation
notices and "Former colleague". Rows written before are read back by the migration."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import create_engine, select, text

from socialnet.extensions import db
from socialnet.models import Celebration, GroupMembership, Post
from socialnet.models._time import utcnow
from socialnet.services.celebrations import do_run_celebrations
from tests.moderation_fixtures import act, reported_case
from tests.test_migrations import _flask_db, scratch_database_url  # noqa: F401 (fixture)

DAY = date(2026, 6, 15)
FR = {"Accept-Language": "fr"}
EN = {"Accept-Language": "en"}


def _celebration_post(kind: str) -> Post:
    return db.session.scalar(
        select(Post)
        .join(Celebration, Celebration.post_id == Post.id)
        .where(Celebration.kind == kind)
    )


def test_celebration_posts_are_worded_in_each_readers_language(api, make_user, manager, fred):
    joiner = make_user(
        "New Joiner", hire_date=DAY, manager_id=manager.id, department="Qualité",
        job_title="Technicienne",
    )  # fmt: skip
    make_user("Six Years", hire_date=date(2020, 6, 15), manager_id=manager.id)
    assert do_run_celebrations(DAY, today=DAY) == 2
    db.session.commit()
    welcome = _celebration_post("new_joiner")
    assert welcome.system["kind"] == "new_joiner"  # stored as kind and parameters
    path = f"/api/v1/posts/{welcome.id}"
    english = api(fred).get(path, headers=EN).get_json()
    french = api(fred).get(path, headers=FR).get_json()
    assert english["body"] == (
        f"👋 Welcome @{joiner.handle}, who joins **Qualité** as Technicienne"
        f" in @{manager.handle}’s team today!"
    )
    assert french["body"] == (
        f"👋 Bienvenue à @{joiner.handle}, qui rejoint **Qualité** en tant que Technicienne"
        f" dans l’équipe de @{manager.handle} aujourd’hui !"
    )
    assert f'data-user-id="{joiner.id}"' in french["body_html"]  # the mention still links
    assert "<strong>Qualité</strong>" in french["body_html"]
    six = _celebration_post("anniversary").id
    assert "**6 ans** chez" in api(fred).get(f"/api/v1/posts/{six}", headers=FR).get_json()["body"]
    assert "**6 years** at" in api(fred).get(f"/api/v1/posts/{six}", headers=EN).get_json()["body"]
    # the feed speaks the same language as the permalink
    feed = api(fred).get("/api/v1/feed", headers=FR).get_json()["items"]
    assert any("Bienvenue" in item["body"] for item in feed if item.get("id") == welcome.id)


def test_the_celebrated_person_is_told_in_their_language(api, make_user, admin):
    person = make_user("Yes Birthday", birth_month=6, birth_day=15, celebrate_birthday=True)
    do_run_celebrations(DAY, today=DAY)
    db.session.commit()
    [english] = api(person).get("/api/v1/notifications", headers=EN).get_json()["items"]
    [french] = api(person).get("/api/v1/notifications", headers=FR).get_json()["items"]
    assert english["text"] == "happy birthday!" and french["text"] == "joyeux anniversaire !"
    assert french["summary"].endswith("joyeux anniversaire !")


def test_added_to_a_group_says_added_in_both_languages(api, make_group, manager, employee):
    group = make_group("Qualité")
    db.session.add(GroupMembership(group_id=group.id, user_id=manager.id, role="admin"))
    db.session.commit()
    answer = api(manager).post(f"/api/v1/groups/{group.id}/members", {"user_id": employee.id})
    assert answer.status_code == 201
    [en] = api(employee).get("/api/v1/notifications", headers=EN).get_json()["items"]
    [fr] = api(employee).get("/api/v1/notifications", headers=FR).get_json()["items"]
    assert en["type"] == "added" and en["summary"] == "Marc Manager added you to Qualité"
    assert fr["summary"] == "Marc Manager vous a ajouté·e à Qualité"


def test_a_deleted_account_is_a_former_colleague_in_each_language(api, make_user, make_post, fred):
    gone = make_user("Ben Gone")
    post = make_post(gone, "Still here")
    gone.display_name, gone.deleted_at, gone.active = "Former colleague", utcnow(), False
    db.session.commit()
    path = f"/api/v1/posts/{post.id}"
    assert (
        api(fred).get(path, headers=EN).get_json()["author"]["display_name"] == "Former colleague"
    )
    assert api(fred).get(path, headers=FR).get_json()["author"]["display_name"] == "Ancien collègue"


def test_comments_are_grouped_and_previewed_while_the_reader_may_read_them(
    api, make_user, make_post, employee
):
    post = make_post(employee, "Lunch on Friday?")
    zoe, max_ = make_user("Zoé Lefort"), make_user("Max Other")
    first = api(zoe).post(f"/api/v1/posts/{post.id}/comments", {"body": "Great idea, count me in"})
    assert first.status_code == 201
    [item] = api(employee).get("/api/v1/notifications").get_json()["items"]
    assert item["summary"] == "Zoé Lefort commented on your post"
    assert item["preview"] == "Great idea, count me in"
    assert item["url"] == f"/posts/{post.id}#comment-{first.get_json()['id']}"
    second = api(max_).post(f"/api/v1/posts/{post.id}/comments", {"body": "Me too"})
    [item] = api(employee).get("/api/v1/notifications").get_json()["items"]
    assert item["count"] == 2 and item["preview"] == "Me too"
    assert item["summary"] == "Max Other and 1 other commented on your post"
    fr = api(employee).get("/api/v1/notifications", headers=FR).get_json()["items"][0]
    assert fr["summary"] == "Max Other et 1 autre personne ont commenté votre publication"
    # a deleted comment is previewed no more
    assert api(max_).delete(f"/api/v1/comments/{second.get_json()['id']}").status_code in (200, 204)
    [item] = api(employee).get("/api/v1/notifications").get_json()["items"]
    assert item["preview"] is None


def test_the_moderation_notice_shows_the_message_and_links_the_content(
    api, auth, client, employee, fred, cm, make_post
):
    post = make_post(employee)
    case_id = reported_case(api(fred), "post", post.id)
    act(api(cm), case_id, "hide", message="Hors sujet ici")
    [en] = api(employee).get("/api/v1/notifications", headers=EN).get_json()["items"]
    [fr] = api(employee).get("/api/v1/notifications", headers=FR).get_json()["items"]
    assert en["type"] == "moderation" and en["url"] == f"/posts/{post.id}"
    assert en["preview"] == "Hors sujet ici"
    assert en["summary"].startswith("A moderator hid your post. Message from the moderator:")
    assert f"(case #{case_id})" in en["summary"]
    assert fr["summary"].startswith("Un modérateur a masqué votre publication. Message du")
    assert "Hors sujet ici" in fr["summary"]
    html = auth.login(employee, client).get("/notifications", headers=FR).get_data(as_text=True)
    assert "Hors sujet ici" in html and f'value="/posts/{post.id}"' in html


def test_the_migration_reads_old_sentences_into_parameters(scratch_database_url):  # noqa: F811
    _flask_db(scratch_database_url, "upgrade", "d9e4c1b7a2f0")
    engine = create_engine(scratch_database_url)
    user = (
        "INSERT INTO users (id, email, handle, handle_key, display_name, password_hash, job_title,"
        " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
        " session_epoch, created_at) VALUES (:id, :email, :handle, :handle, :name, 'x', '',"
        " '', '', 'employee', TRUE, FALSE, FALSE, 0, CURRENT_TIMESTAMP)"
    )
    notification = (
        "INSERT INTO notifications (id, user_id, type, count, text, created_at)"
        " VALUES (:id, 1, :type, 1, :text, CURRENT_TIMESTAMP)"
    )
    welcome = "👋 Welcome @zoe, who joins **Qualité** as Technicienne in @marc's team today!"
    try:
        with engine.begin() as conn:
            conn.execute(
                text(user), {"id": 1, "email": "z@x.example", "handle": "zoe", "name": "Zoé"}
            )
            conn.execute(
                text(user), {"id": 2, "email": "m@x.example", "handle": "marc", "name": "Marc"}
            )
            conn.execute(
                text(
                    "INSERT INTO posts (id, author_id, kind, body, body_html, comments_enabled,"
                    " comment_count, created_at) VALUES (1, 2, 'celebration', :body, '', TRUE, 0,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"body": welcome},
            )
            conn.execute(
                text(
                    "INSERT INTO celebrations (id, kind, user_id, occasion_date, post_id,"
                    " created_at) VALUES (1, 'new_joiner', 1, '2026-06-15', 1, CURRENT_TIMESTAMP)"
                )
            )
            for nid, type_, words in (
                (1, "celebrated", "happy birthday!"),
                (2, "announcement", "Reminder: Site closed"),
                (3, "moderation", "A moderator hid your post. Message: Off-topic"
                 " You may appeal this decision once (case #7)."),
                (4, "moderation", "Something we never wrote"),
                (5, "invited", ""),
            ):  # fmt: skip
                conn.execute(text(notification), {"id": nid, "type": type_, "text": words})
        _flask_db(scratch_database_url, "upgrade", "5a1c3e7b9d20")
        with engine.connect() as conn:
            rows = {
                nid: (type_, json.loads(p) if isinstance(p, str) else p)
                for nid, type_, p in conn.execute(
                    text("SELECT id, type, params FROM notifications ORDER BY id")
                )
            }
            system = conn.execute(text("SELECT system FROM posts WHERE id = 1")).scalar()
        assert rows[1] == ("celebrated", {"occasion": "birthday"})
        assert rows[2] == ("announcement", {"reminder": True, "title": "Site closed"})
        assert rows[3][1]["action"] == "hide" and rows[3][1]["message"] == "Off-topic"
        assert rows[3][1]["case_id"] == 7 and rows[3][1]["appeal"] == "once"
        assert rows[4] == ("moderation", None)  # not ours: its text stands
        assert rows[5] == ("added", None)
        system = json.loads(system) if isinstance(system, str) else system
        assert system == {
            "kind": "new_joiner",
            "params": {
                "person": {"id": 1, "handle": "zoe"},
                "department": "Qualité",
                "job_title": "Technicienne",
                "manager": {"id": 2, "handle": "marc"},
            },
        }
        _flask_db(scratch_database_url, "downgrade", "d9e4c1b7a2f0")
    finally:
        engine.dispose()
