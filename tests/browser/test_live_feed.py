"""The web page in a real browser: live posts, reactions, escaping, layout on two screens."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

XSS_BODY = (
    '<img src=x onerror="window.__xss=1;alert(1)"> <script>window.__xss=2;alert(2)</script> '
    "[x](javascript:alert(3))"
)


def _card(page, text):
    return page.locator("article.post", has_text=text)


def _post_as(web_server, user, body):
    token = web_server.token_for(user["email"], user["password"])
    response = web_server.api("POST", "/api/v1/posts", token=token, json={"body": body})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_post_from_the_composer_appears_live_for_a_colleague(signed_in, person):
    ana = signed_in(person("Ana Martin", job_title="Plant manager"))
    ben = signed_in(person("Ben Okafor"))
    ben.evaluate("window.__sameDocument = true")
    text = f"Bonjour Lyon {uuid.uuid4().hex[:8]}"

    ana.get_by_label("Share with your colleagues").fill(f"{text} **#safety** first")
    ana.get_by_role("button", name="Post", exact=True).click()

    expect(ana.get_by_label("Share with your colleagues")).to_have_value("")
    expect(_card(ana, text)).to_have_count(1)
    card = _card(ben, text)
    expect(card).to_have_count(1)
    expect(card.locator("strong")).to_have_text("#safety")
    expect(card).to_contain_text("Ana Martin")
    expect(ben.locator("#feed article.post").first).to_contain_text(text)
    assert ben.evaluate("window.__sameDocument") is True  # no reload happened


def test_injected_markup_is_shown_as_text_and_never_runs(signed_in, person, web_server):
    mallory = person('<img src=x onerror="alert(9)">Mallory', job_title="<b>CEO</b>")
    author = signed_in(mallory)
    viewer = signed_in(person("Vera Viewer"))
    marker = uuid.uuid4().hex[:8]

    author.get_by_label("Share with your colleagues").fill(f"{marker} {XSS_BODY}")
    author.get_by_role("button", name="Post", exact=True).click()

    for page in (viewer, author):
        card = _card(page, marker)
        expect(card).to_have_count(1)
        expect(card).to_contain_text('<img src=x onerror="window.__xss=1;alert(1)">')
        expect(card).to_contain_text("<script>window.__xss=2;alert(2)</script>")
        expect(card).to_contain_text("[x](javascript:alert(3))")
        expect(card).to_contain_text('<img src=x onerror="alert(9)">Mallory')
        expect(card).to_contain_text("<b>CEO</b>")
        assert card.locator("img, script, b, a[href^='javascript']").count() == 0

    viewer.reload()  # the server-rendered card too
    expect(_card(viewer, marker)).to_contain_text("<script>window.__xss=2;alert(2)</script>")
    for page in (viewer, author):
        assert page.evaluate("window.__xss") is None
        assert page.dialogs == []


def test_a_reaction_updates_the_count_in_another_browser(signed_in, person, web_server):
    ana_user = person("Ana Reacts")
    marker = f"React to me {uuid.uuid4().hex[:8]}"
    _post_as(web_server, ana_user, marker)
    ana = signed_in(ana_user)
    ben = signed_in(person("Ben Clicks"))

    ben_like = _card(ben, marker).locator("button.reaction[data-kind='like']")
    expect(ben_like).to_have_attribute("aria-pressed", "false")
    ben_like.click()

    expect(ben_like).to_have_attribute("aria-pressed", "true")
    expect(ben_like.locator(".count")).to_have_text("1")
    ana_like = _card(ana, marker).locator("button.reaction[data-kind='like']")
    expect(ana_like.locator(".count")).to_have_text("1")
    expect(ana_like).to_have_attribute("aria-pressed", "false")

    ben_like.click()  # toggles off
    expect(ana_like.locator(".count")).to_have_text("0")


def test_a_reader_scrolled_down_gets_a_new_posts_bar(signed_in, person, web_server):
    writer = person("Wanda Writer")
    for n in range(8):
        _post_as(web_server, writer, f"Filler post {n}\n\n" + "Line of text.\n\n" * 4)
    reader = signed_in(person("Rita Reader"), viewport={"width": 1280, "height": 600})
    reader.mouse.wheel(0, 3000)
    reader.wait_for_function("() => window.scrollY > 500")

    marker = f"Fresh news {uuid.uuid4().hex[:8]}"
    _post_as(web_server, writer, marker)

    bar = reader.locator("#new-posts")
    expect(bar).to_have_text("1 new post ↑")
    expect(_card(reader, marker)).to_have_count(0)
    bar.click()
    expect(reader.locator("#feed article.post").first).to_contain_text(marker)
    expect(bar).to_be_hidden()
    # the newest post is brought into view (below the pinned items and composers, #14)
    expect(reader.locator("#feed article.post").first).to_be_in_viewport()


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_feed_layout_fits_the_screen(signed_in, person, web_server, shots_dir, name, viewport):
    author = person("Camille Durand", job_title="Head of Communication")
    _post_as(
        web_server,
        author,
        "Welcome to our new **social network**! Say hello to @nobody and follow #onboarding.\n\n"
        "- Share news\n- Ask questions\n- Celebrate wins",
    )
    page = signed_in(person("Sam Screens", job_title="Operator"), viewport=viewport)
    expect(page.locator("#feed article.post").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px on {name}"
    page.screenshot(path=str(shots_dir / f"feed-{name}.png"), full_page=False)


def test_a_post_made_between_render_and_connect_is_caught_up(signed_in, person, web_server):
    writer = person("Carl Catchup")
    reader = signed_in(person("Rosa Render"))
    marker = f"Posted while the page loaded {uuid.uuid4().hex[:8]}"

    def post_then_serve_client(route):
        _post_as(web_server, writer, marker)  # after the HTML (and its head id), before connect
        route.continue_()

    reader.route("**/socket.io.min.js", post_then_serve_client)
    reader.reload()
    expect(reader.locator("body")).to_have_attribute("data-live", "on")
    expect(_card(reader, marker)).to_have_count(1)
    expect(reader.locator("#feed article.post").first).to_contain_text(marker)


def test_comments_arrive_live_on_a_permalink(signed_in, person, web_server):
    ana_user, ben_user = person("Ana Permalink"), person("Ben Commenter")
    post = _post_as(web_server, ana_user, "Who is coming to the team lunch?")
    ana = signed_in(ana_user)
    ana.goto(web_server.url + post["url"])
    expect(ana.locator("body")).to_have_attribute("data-live", "on")
    ben = signed_in(ben_user)

    ben.goto(web_server.url + post["url"])
    expect(ben.locator("body")).to_have_attribute("data-live", "on")
    ben.get_by_label("Add a comment").fill("Count me <em>in</em>")
    ben.get_by_role("button", name="Comment").click()

    for page in (ben, ana):
        comment = page.locator("#comment-list li.comment")
        expect(comment).to_have_count(1)
        expect(comment).to_contain_text("Count me <em>in</em>")
        expect(page.locator("[data-field='comment-count']")).to_have_text("1")


#: Wraps ``window.io`` (set by socket.io.min.js) so the page's socket hands each pair of
#: ``post.created`` events to app.js newest first, as two emits racing after their
#: commits (one greenlet each) may arrive.
SWAP_POST_CREATED = """
(() => {
  let wrapped;
  Object.defineProperty(window, "io", {
    configurable: true,
    get: () => wrapped,
    set(io) {
      wrapped = Object.assign((...args) => {
        const socket = io(...args);
        const on = socket.on.bind(socket);
        socket.on = (type, handler) => {
          if (type !== "post.created") return on(type, handler);
          const held = [];
          return on(type, (event) => {
            held.push(event);
            if (held.length === 2) held.splice(0).reverse().forEach(handler);
          });
        };
        return socket;
      }, io);
    },
  });
})();
"""


def test_live_events_arriving_out_of_id_order_are_all_applied(signed_in, person, web_server):
    writer = person("Olga Order")
    reader = signed_in(person("Rudi Race"))
    reader.add_init_script(SWAP_POST_CREATED)
    reader.reload()
    expect(reader.locator("body")).to_have_attribute("data-live", "on")
    tag = uuid.uuid4().hex[:8]
    first = _post_as(web_server, writer, f"First of two {tag}")
    second = _post_as(web_server, writer, f"Second of two {tag}")
    assert first["id"] < second["id"]

    expect(_card(reader, f"Second of two {tag}")).to_have_count(1)
    expect(_card(reader, f"First of two {tag}")).to_have_count(1)  # arrived after a newer id
