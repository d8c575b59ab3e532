"""Groups, announcements and the notification bell in a real browser, live over Socket.IO."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def _token(web_server, user) -> str:
    if "token" not in user:
        user["token"] = web_server.token_for(user["email"], user["password"])
    return user["token"]


def _call(web_server, user, method, path, **body):
    token = _token(web_server, user) if user else None
    response = web_server.api(method, path, token=token, json=body or None)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _private_group(web_server, admin, members, name="Night shift"):
    group = _call(web_server, admin, "POST", "/api/v1/groups", name=name, type="private")
    for member in members:
        _call(
            web_server, admin, "POST", f"/api/v1/groups/{group['id']}/members", user_id=member["id"]
        )
    return group


def _card(page, text):
    return page.locator("article.post", has_text=text)


def test_group_post_reaches_members_live_and_never_an_outsider(signed_in, person, web_server):
    ana_user, ben_user, dora_user = person("Ana Admin"), person("Ben Member"), person("Dora Home")
    group = _private_group(web_server, ana_user, [ben_user, dora_user])
    ben = signed_in(ben_user)  # on the group page
    ben.goto(f"{web_server.url}/groups/{group['id']}")
    expect(ben.locator("body")).to_have_attribute("data-live", "on")
    dora = signed_in(dora_user)  # a member on the home feed
    carl = signed_in(person("Carl Outsider"))  # not a member, on the home feed

    secret = f"Group only {uuid.uuid4().hex[:8]}"
    public = f"For everyone {uuid.uuid4().hex[:8]}"
    _call(web_server, ana_user, "POST", "/api/v1/posts", body=secret, group_id=group["id"])
    _call(web_server, ana_user, "POST", "/api/v1/posts", body=public)

    expect(_card(ben, secret)).to_have_count(1)
    expect(_card(dora, secret)).to_have_count(1)
    expect(_card(dora, secret).locator("[data-field='group-link']")).to_have_text("Night shift")
    # Events reach a socket in order: once the later company post is there, the group
    # post would have been too — so its absence is final, without sleeping.
    expect(_card(carl, public)).to_have_count(1)
    expect(_card(carl, secret)).to_have_count(0)
    assert secret not in carl.content()
    expect(_card(ben, public)).to_have_count(0)  # the group page lists the group only


def test_posting_from_the_group_page_composer(signed_in, person, web_server):
    ana_user, ben_user = person("Ana Writes"), person("Ben Reads")
    group = _private_group(web_server, ana_user, [ben_user], name="Formation")
    ben = signed_in(ben_user)
    ben.goto(f"{web_server.url}/groups/{group['id']}")
    expect(ben.locator("body")).to_have_attribute("data-live", "on")
    ana = signed_in(ana_user)
    ana.goto(f"{web_server.url}/groups/{group['id']}")
    text = f"Training on Monday {uuid.uuid4().hex[:8]}"

    ana.get_by_label("Post in Formation").fill(text)
    ana.get_by_role("button", name="Post", exact=True).click()

    expect(_card(ana, text)).to_have_count(1)
    expect(_card(ben, text)).to_have_count(1)
    ben.reload()
    expect(_card(ben, text)).to_have_count(1)


def test_bell_count_rises_live_when_mentioned(signed_in, person, web_server):
    ana_user, ben_user = person("Ana Mentions"), person("Ben Bell")
    ben = signed_in(ben_user)
    badge = ben.locator("#bell-count")
    expect(badge).to_be_hidden()

    _call(web_server, ana_user, "POST", "/api/v1/posts", body=f"Thanks @{ben_user['handle']}!")

    expect(badge).to_have_text("1")
    expect(ben.locator("#bell")).to_have_attribute("aria-label", "Notifications, 1 unread")
    ben.locator("#bell").click()
    item = ben.locator("#bell-list li.notif")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Ana Mentions mentioned you")
    ben.get_by_role("button", name="Mark all read").click()
    expect(badge).to_be_hidden()
    ben.keyboard.press("Escape")
    expect(ben.locator("#bell-panel")).to_be_hidden()


def test_a_new_announcement_is_pinned_live_and_marked_read(signed_in, person, web_server):
    ben = signed_in(person("Ben Pinned"))
    title = f"Safety week {uuid.uuid4().hex[:8]}"
    _call(
        web_server,
        None,
        "POST",
        "/api/v1/announcements",
        title=title,
        body="Helmets **on**.",
        audience={"kind": "company"},
        expires_in_days=3,
    )
    card = ben.locator("#pinned article.pinned", has_text=title)
    expect(card).to_have_count(1)
    expect(card.locator("strong")).to_have_text("on")
    card.get_by_role("button", name="Mark as read").click()
    expect(card).to_have_count(0)
    ben.reload()
    expect(ben.locator("#pinned article.pinned", has_text=title)).to_have_count(0)


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_group_pages_fit_the_screen(signed_in, person, web_server, shots_dir, name, viewport):
    ana_user = person("Ana Layout", job_title="Plant manager")
    others = [person(n, job_title="Operator") for n in ("Ben Layout", "Chloé Layout")]
    group = _private_group(web_server, ana_user, others, name="Production Lyon")
    _call(
        web_server,
        ana_user,
        "PATCH",
        f"/api/v1/groups/{group['id']}",
        description="Everything about the Lyon lines: shifts, safety and improvements.",
        cover_color="#0b7285",
    )
    _call(web_server, None, "PATCH", f"/api/v1/groups/{group['id']}", official=True)
    _call(
        web_server,
        others[0],
        "POST",
        "/api/v1/posts",
        body="Line 3 is back up.",
        group_id=group["id"],
    )
    _call(web_server, None, "POST", "/api/v1/groups", name="Running club", description="Tuesdays")
    announcement = _call(
        web_server,
        None,
        "POST",
        "/api/v1/announcements",
        title="New canteen opening hours",
        body="From Monday the canteen opens at **11:30**.",
        audience={"kind": "company"},
        expires_in_days=5,
    )
    _call(web_server, others[0], "POST", "/api/v1/posts", body=f"@{ana_user['handle']} thanks")
    page = signed_in(ana_user, viewport=viewport)
    pages = {
        "home": "/",
        "groups": "/groups",
        "group": f"/groups/{group['id']}",
        "members": f"/groups/{group['id']}?tab=members&q=layout",
        "group-edit": f"/groups/{group['id']}/edit",
        "announce": "/announcements/new",
        "notifications": "/notifications",
    }
    for shot, path in pages.items():
        page.goto(web_server.url + path)
        page.screenshot(path=str(shots_dir / f"{shot}-{name}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll of {overflow}px on {shot} ({name})"
    page.goto(web_server.url + "/")
    page.locator("#bell").click()
    expect(page.locator("#bell-list li.notif").first).to_be_visible()
    page.screenshot(path=str(shots_dir / f"bell-{name}.png"))

    root = signed_in({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, viewport=viewport)
    root.goto(f"{web_server.url}/announcements/{announcement['id']}/reach")
    expect(root.get_by_role("button", name="Send reminder")).to_be_visible()
    root.screenshot(path=str(shots_dir / f"reach-{name}.png"), full_page=True)
