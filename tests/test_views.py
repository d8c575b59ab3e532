"""The HTML pages with the Flask test client: forms work without JavaScript, safely.

CSRF stays enabled (as in production): every form post carries the token read
from a rendered page, and posts without it are refused.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from socialnet.extensions import db
from socialnet.models import Post
from socialnet.realtime.catchup import head_event_id
from socialnet.services.posts import do_delete_post
from tests.conftest import PASSWORD
from tests.web import CONFIG_RE, csrf_from, form


@pytest.fixture
def browser(signed_in):
    """``browser(user)``: a test client signed in through the sign-in form, with ``.csrf``."""
    return signed_in


# ------------------------------------------------------------------ sign-in


def test_pages_require_sign_in(client):
    for path in ("/", "/people", "/people/1", "/posts/1"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")


def test_sign_in_then_land_on_the_requested_page(client, employee):
    page = client.get("/sign-in?next=/people")
    assert page.status_code == 200
    assert 'name="next" value="/people"' in page.get_data(as_text=True)
    response = client.post(
        "/sign-in",
        data={
            "email": employee.email.upper(),
            "password": PASSWORD,
            "next": "/people",
            "csrf_token": csrf_from(page),
        },
    )
    assert response.status_code == 302 and response.location == "/people"
    assert client.get("/").status_code == 200


def test_bad_password_re_renders_the_form_with_the_email_kept(client, employee):
    token = csrf_from(client.get("/sign-in"))
    response = client.post(
        "/sign-in",
        data={"email": employee.email, "password": "wrong password", "csrf_token": token},
    )
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Email or password is incorrect." in html
    assert f'value="{employee.email}"' in html
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/x",
    ],
)
def test_sign_in_never_redirects_off_site(client, employee, target):
    token = csrf_from(client.get("/sign-in"))
    response = client.post(
        "/sign-in",
        data={"email": employee.email, "password": PASSWORD, "next": target, "csrf_token": token},
    )
    assert response.status_code == 302 and response.location == "/"


def test_sign_in_form_needs_the_csrf_token(client, employee):
    response = client.post("/sign-in", data={"email": employee.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from socialnet" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post_with_csrf(browser, employee):
    me = browser(employee)
    assert me.get("/sign-out").status_code == 405
    assert me.post("/sign-out").status_code == 400
    assert me.get("/").status_code == 200
    response = form(me, "/sign-out")
    assert response.status_code == 302 and response.location == "/sign-in"
    assert me.get("/").status_code == 302


# ------------------------------------------------------------------ feed and posting without JS


def test_posting_without_javascript(browser, employee, fred, capture_events):
    me = browser(employee)
    response = form(me, "/posts", body="Hello **Lyon** #safety")
    assert response.status_code == 302
    post = db.session.query(Post).one()
    assert response.location == f"/#post-{post.id}"
    html = browser(fred).get("/").get_data(as_text=True)
    assert "Hello <strong>Lyon</strong>" in html
    assert f'id="post-{post.id}"' in html
    assert capture_events.rooms("post.created") == {"company"}
    assert "Your post is live." in me.get("/").get_data(as_text=True)


def test_form_posts_without_csrf_are_refused(browser, employee, make_post):
    me = browser(employee)
    post = make_post(employee)
    for path, data in [
        ("/posts", {"body": "sneaky"}),
        (f"/posts/{post.id}/comments", {"body": "sneaky"}),
        (f"/posts/{post.id}/reactions/like", {"active": "1"}),
        (f"/posts/{post.id}/edit", {"body": "sneaky"}),
        (f"/posts/{post.id}/delete", {}),
    ]:
        assert me.post(path, data=data).status_code == 400, path
        assert me.post(path, data={**data, "csrf_token": "forged"}).status_code == 400, path
    db.session.expire_all()
    assert db.session.query(Post).count() == 1
    assert db.session.get(Post, post.id).body == "Hello colleagues"


def test_a_refused_post_keeps_the_typed_text(browser, employee, app):
    me = browser(employee)
    too_long = "Un très long message " * 600
    response = form(me, "/posts", body=too_long)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "body is too long" in html
    assert too_long.strip()[:200] in html
    assert db.session.query(Post).count() == 0

    response = form(me, "/posts", body="   ")
    assert response.status_code == 400
    assert "body cannot be empty." in response.get_data(as_text=True)


def test_the_page_embeds_the_head_event_id(browser, employee, make_post):
    make_post(employee)
    html = browser(employee).get("/").get_data(as_text=True)
    config = json.loads(CONFIG_RE.search(html).group(1))
    assert config["head"] == head_event_id() > 0
    assert config["me"] == employee.id and config["page"] == "feed"


def test_tag_filter_and_older_posts_link(browser, employee, make_post):
    for n in range(21):
        make_post(employee, f"Post number {n}" + (" #lyon" if n % 2 else ""))
    me = browser(employee)
    first = me.get("/").get_data(as_text=True)
    assert "Post number 20" in first and "Post number 0<" not in first
    older = re.search(r'href="(/\?cursor=[^"]+)" rel="next">Older posts', first)
    assert older, "no 'Older posts' link"
    second = me.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Post number 0</p>" in second and "Post number 20" not in second

    tagged = me.get("/?tag=Lyon").get_data(as_text=True)
    assert "Post number 19" in tagged and "Post number 18" not in tagged
    assert "Posts tagged <strong>#lyon</strong>" in tagged
    assert me.get("/?cursor=forged").status_code == 400


def test_security_headers_on_pages(browser, employee):
    response = browser(employee).get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------ escaping

XSS = '<img src=x onerror=alert(1)> <script>alert("x")</script> [x](javascript:alert(1))'


def test_markup_in_posts_and_names_is_escaped_everywhere(browser, make_user, make_post, fred):
    mallory = make_user('<script>alert("name")</script>', job_title="<b>CEO</b>")
    post = make_post(mallory, XSS)
    viewer = browser(fred)
    for path in ("/", f"/posts/{post.id}", f"/people/{mallory.id}", "/people?q=script"):
        html = viewer.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "<b>CEO</b>" not in html, path
        assert 'href="javascript' not in html, path
        assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html, path
    permalink = viewer.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in permalink
    assert "[x](javascript:alert(1))" in permalink


# ------------------------------------------------------------------ permalinks and visibility


def test_permalink_shows_the_post_and_its_comments(browser, employee, fred, make_post):
    post = make_post(employee, "Lunch at noon?")
    me = browser(fred)
    response = form(me, f"/posts/{post.id}/comments", body="Count me **in**")
    assert response.status_code == 302
    assert response.location.startswith(f"/posts/{post.id}#comment-")
    html = me.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Lunch at noon?" in html and "Count me <strong>in</strong>" in html
    assert '<span data-field="comment-count">1</span>' in me.get("/").get_data(as_text=True)


def test_a_refused_comment_keeps_the_typed_text(browser, employee, make_post):
    post = make_post(employee)
    me = browser(employee)
    long_comment = "Bien dit ! " * 500
    response = form(me, f"/posts/{post.id}/comments", body=long_comment)
    assert response.status_code == 413
    assert long_comment.strip()[:100] in response.get_data(as_text=True)


def test_private_group_posts_and_deleted_posts_are_404(
    browser, employee, fred, make_post, make_group
):
    group = make_group("Comité de direction", visibility="private", members=(employee,))
    secret = make_post(employee, "Reorganisation plan", group=group)
    gone = make_post(employee, "Oops")
    do_delete_post(employee, gone.id)
    db.session.commit()

    assert browser(employee).get(f"/posts/{secret.id}").status_code == 200
    snoop = browser(fred)
    for post_id in (secret.id, gone.id, 999_999):
        assert snoop.get(f"/posts/{post_id}").status_code == 404
        assert snoop.get(f"/posts/{post_id}/edit").status_code == 404
        assert form(snoop, f"/posts/{post_id}/comments", body="hi").status_code == 404
        assert form(snoop, f"/posts/{post_id}/reactions/like", active="1").status_code == 404
    assert browser(employee).get(f"/posts/{gone.id}").status_code == 404
    feed = snoop.get("/").get_data(as_text=True)
    assert "Reorganisation plan" not in feed and "Oops" not in feed
    assert "Reorganisation plan" not in snoop.get(f"/people/{employee.id}").get_data(as_text=True)


# ------------------------------------------------------------------ edit, delete, react


def test_author_edits_and_the_post_is_marked_edited(browser, employee, make_post):
    post = make_post(employee, "Fisrt draft")
    me = browser(employee)
    page = me.get(f"/posts/{post.id}/edit")
    assert page.status_code == 200 and "Fisrt draft" in page.get_data(as_text=True)
    response = form(me, f"/posts/{post.id}/edit", body="First draft")
    assert response.status_code == 302 and response.location == f"/posts/{post.id}"
    html = me.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "First draft" in html
    assert '<span class="edited" data-field="edited" >edited</span>' in html

    response = form(me, f"/posts/{post.id}/edit", body="")
    assert response.status_code == 400
    assert "body cannot be empty." in response.get_data(as_text=True)


def test_fred_cannot_edit_or_delete_someone_elses_post(browser, employee, fred, make_post):
    post = make_post(employee, "Mine, not Fred's")
    snoop = browser(fred)
    assert snoop.get(f"/posts/{post.id}/edit").status_code == 403
    assert form(snoop, f"/posts/{post.id}/edit", body="Hacked").status_code == 403
    assert form(snoop, f"/posts/{post.id}/delete").status_code == 403
    db.session.expire_all()
    kept = db.session.get(Post, post.id)
    assert kept.body == "Mine, not Fred's" and kept.deleted_at is None and kept.edited_at is None
    html = snoop.get(f"/posts/{post.id}").get_data(as_text=True)
    assert f"/posts/{post.id}/edit" not in html and f"/posts/{post.id}/delete" not in html


def test_author_deletes_and_moderator_may_delete_but_not_edit(browser, employee, cm, make_post):
    first, second = make_post(employee, "one"), make_post(employee, "two")
    response = form(browser(employee), f"/posts/{first.id}/delete", next=f"/posts/{first.id}")
    assert response.status_code == 302 and response.location == "/"
    moderator = browser(cm)
    assert moderator.get(f"/posts/{second.id}/edit").status_code == 403
    assert form(moderator, f"/posts/{second.id}/delete").status_code == 302
    assert moderator.get(f"/posts/{first.id}").status_code == 404
    assert moderator.get(f"/posts/{second.id}").status_code == 404


def test_reaction_forms_set_and_toggle(browser, employee, fred, make_post, capture_events):
    post = make_post(employee)
    me = browser(fred)
    like = f"/posts/{post.id}/reactions/like"
    response = form(me, like, active="1", next="/")
    assert response.status_code == 302 and response.location == f"/#post-{post.id}"
    form(me, like, active="1")  # a double submit changes nothing
    html = me.get(f"/posts/{post.id}").get_data(as_text=True)
    assert re.search(r'data-kind="like" aria-pressed="true"[^>]*>\s*<span[^>]*>👍', html)
    assert len(capture_events.of_type("reaction.updated")) == 1
    form(me, like)  # no state sent: toggles off
    html = me.get(f"/posts/{post.id}").get_data(as_text=True)
    assert 'data-kind="like" aria-pressed="false"' in html
    assert form(me, f"/posts/{post.id}/reactions/angry", active="1").status_code == 404
    assert form(me, like, active="1", next="https://evil.example/").location.startswith("/posts/")


def test_comment_delete_rules(browser, employee, fred, manager, make_post):
    post = make_post(employee)
    form(browser(manager), f"/posts/{post.id}/comments", body="From the manager")
    comment_id = int(
        re.search(
            r'id="comment-(\d+)"', browser(employee).get(f"/posts/{post.id}").get_data(as_text=True)
        ).group(1)
    )
    assert form(browser(fred), f"/comments/{comment_id}/delete").status_code == 403
    response = form(browser(employee), f"/comments/{comment_id}/delete", next=f"/posts/{post.id}")
    assert response.status_code == 302 and response.location == f"/posts/{post.id}"
    assert "From the manager" not in browser(fred).get(f"/posts/{post.id}").get_data(as_text=True)


# ------------------------------------------------------------------ people


def test_profile_card_and_posts(browser, make_user, manager, make_post):
    ana = make_user(
        "Ana Martin",
        job_title="Quality lead",
        department="Quality",
        site="Lyon",
        manager_id=manager.id,
        hire_date=date(2019, 9, 2),
    )
    make_user("Rémi Report", manager_id=ana.id, job_title="Inspector")
    make_post(ana, "Audit passed #quality")
    html = browser(manager).get(f"/people/{ana.id}").get_data(as_text=True)
    assert "Ana Martin" in html and "Quality lead" in html
    assert f'href="/people/{manager.id}">Marc Manager</a>' in html
    assert "Rémi Report" in html and "Inspector" in html
    assert "2 September 2019" in html
    assert "Audit passed" in html
    assert browser(manager).get("/people/424242").status_code == 404


def test_directory_search_and_filters(browser, make_user, employee):
    make_user("Zoé Lambert", department="Sales", site="Paris", job_title="Account manager")
    make_user("Yann Le Goff", department="Sales", site="Brest")
    make_user("Xavier Roux", department="Production", site="Paris")
    me = browser(employee)
    html = me.get("/people").get_data(as_text=True)
    assert "Zoé Lambert" in html and "Xavier Roux" in html
    assert '<option value="Sales"' in html and '<option value="Brest"' in html
    html = me.get("/people?department=Sales&site=Paris").get_data(as_text=True)
    assert "Zoé Lambert" in html and "Yann Le Goff" not in html and "Xavier Roux" not in html
    html = me.get("/people?q=account").get_data(as_text=True)
    assert "Zoé Lambert" in html and "Xavier Roux" not in html
    assert "Nobody matches" in me.get("/people?q=nobody-at-all").get_data(as_text=True)


def test_directory_pages(browser, make_user, employee):
    for n in range(30):
        make_user(f"Staff {n:02d}")
    me = browser(employee)
    first = me.get("/people").get_data(as_text=True)
    link = re.search(r'href="(/people\?cursor=[^"]+)" rel="next"', first)
    assert link
    second = me.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Staff 29" in second and "Staff 00" not in second
