"""Employee advocacy (issue #19): offers, sharing, the public tracked link, figures.

Bad input from the issue: a post in a private group refused as shareable, tracked links
to ``javascript:`` or another site refused, a click flood from one address counted once
an hour; and Fred, the interloper, cannot offer anything.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from socialnet.extensions import db
from socialnet.models import (
    AdvocacyProfile,
    AuditLogEntry,
    Shareable,
    ShareClick,
    ShareLink,
    ShareOpen,
)
from socialnet.models._time import utcnow
from socialnet.services.advocacy import links as links_service
from tests.helpers import assert_error, count_rows

SITE = "https://www.lumen.example/news/launch?ref=home&utm_source=old"
TEXTS = {
    "linkedin": {"en": "Proud of our new plant!", "fr": "Fiers de notre nouvelle usine !"},
    "x": {"en": "New plant 🎉"},
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture(autouse=True)
def company_sites(app):
    app.config["ADVOCACY_SITES"] = ["lumen.example"]


@pytest.fixture
def offered(api, cm, make_post):
    """A company post offered by the community manager: (post, shareable dict)."""
    post = make_post(cm, "We open a new plant in Lyon")
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS}
    )
    assert response.status_code == 201, response.get_json()
    return post, response.get_json()


def _share(client, shareable_id, network="linkedin", language="en"):
    response = client.post(
        f"/api/v1/shareables/{shareable_id}/shares", {"network": network, "language": language}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _code(link: str) -> str:
    return link.rsplit("/s/", 1)[1]


def _follow(client, code, address="198.51.100.7", agent=BROWSER):
    return client.get(
        f"/s/{code}", headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address}
    )


# --- offering ----------------------------------------------------------------------------


def test_a_community_manager_offers_a_company_post_and_employees_see_it(offered, api, employee):
    post, shareable = offered
    assert shareable["post"]["id"] == post.id
    assert shareable["target_url"] == SITE
    assert shareable["texts"] == TEXTS and shareable["offered"] is True
    listed = api(employee).get("/api/v1/shareables").get_json()["items"]
    assert [item["id"] for item in listed] == [shareable["id"]]
    assert listed[0] == api(employee).get(f"/api/v1/shareables/{shareable['id']}").get_json()
    assert db.session.query(AuditLogEntry).filter_by(action="post.shareable").count() == 1


def test_changing_an_offer_answers_200_and_keeps_one_row(offered, api, cm):
    post, _shareable = offered
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable",
        {"target_url": "https://lumen.example/b", "texts": {"facebook": {"fr": "Bonjour"}}},
    )
    assert response.status_code == 200
    assert response.get_json()["texts"] == {"facebook": {"fr": "Bonjour"}}
    assert count_rows(Shareable) == 1


def test_a_post_in_a_private_group_is_refused_as_shareable(api, cm, make_group, make_post):
    group = make_group("Board", visibility="private", members=(cm,))
    post = make_post(cm, "Confidential figures", group=group)
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS}
    )
    assert_error(response, 409)
    assert response.get_json()["fields"] == {"post_id": "not_company_wide"}
    assert count_rows(Shareable) == 0


def test_a_post_in_a_secret_group_one_cannot_see_is_a_404(
    api, cm, make_user, make_group, make_post
):
    owner = make_user("Secret Keeper")
    group = make_group("Skunkworks", visibility="secret", members=(owner,))
    post = make_post(owner, "Hush", group=group)
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS}
    )
    assert_error(response, 404)
    assert count_rows(Shareable) == 0


def test_a_public_group_post_may_be_offered(api, cm, make_group, make_post):
    group = make_group("Lyon site", visibility="public", members=(cm,))
    post = make_post(cm, "Open day", group=group)
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("javascript:alert(document.cookie)", "bad_scheme"),
        ("JavaScript:alert(1)//https://lumen.example", "bad_scheme"),
        ("data:text/html,<script>alert(1)</script>", "bad_scheme"),
        ("ftp://lumen.example/file", "bad_scheme"),
        ("https://evil.example/phish", "other_site"),
        ("https://lumen.example.evil.example/", "other_site"),
        ("https://evillumen.example/", "other_site"),
        ("//evil.example/", "bad_scheme"),
        ("https://lumen.example@evil.example/", "invalid"),
        ("https://user:pw@lumen.example/", "invalid"),
        ("https://lumen.example\\@evil.example/", "invalid"),
        ("https://lumen.example/a b", "invalid"),
        ("https://lumen.example:99999/", "invalid"),
        ("", "empty"),
        (None, "empty"),
        ("https://lumen.example/" + "a" * 2000, "too_long"),
    ],
)
def test_tracked_links_lead_only_to_the_company_sites(offered, api, cm, target, code):
    post, _shareable = offered
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable", {"target_url": target, "texts": TEXTS}
    )
    assert_error(response, 400)
    assert response.get_json()["fields"] == {"target_url": code}
    assert db.session.get(Shareable, _shareable["id"]).target_url == SITE  # unchanged


def test_no_company_site_configured_gives_a_clear_message(app, api, cm, make_post):
    app.config["ADVOCACY_SITES"] = []
    post = make_post(cm)
    response = api(cm).put(
        f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS}
    )
    assert "SOCIALNET_ADVOCACY_SITES" in assert_error(response, 400)["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target_url": SITE}, "texts"),
        ({"target_url": SITE, "texts": {"myspace": {"en": "hi"}}}, "texts"),
        ({"target_url": SITE, "texts": {"x": {"de": "hallo"}}}, "texts"),
        ({"target_url": SITE, "texts": {"x": {"en": "   "}}}, "texts"),
        ({"target_url": SITE, "texts": {"x": {"en": 5}}}, "texts"),
        ({"target_url": SITE, "texts": TEXTS, "ends_at": "2001-01-01T00:00:00Z"}, "ends_at"),
        ({"target_url": SITE, "texts": TEXTS, "ends_at": "soon"}, "ends_at"),
        ({"target_url": SITE, "texts": TEXTS, "post_id": 3}, "post_id"),
    ],
)
def test_bad_offers_are_refused_and_nothing_is_written(api, cm, make_post, body, field):
    post = make_post(cm)
    response = api(cm).put(f"/api/v1/posts/{post.id}/shareable", body)
    assert response.status_code in (400, 413)
    assert field in response.get_json()["fields"]
    assert count_rows(Shareable) == 0


def test_fred_cannot_offer_change_or_withdraw(offered, api, fred, make_post):
    post, _shareable = offered
    client = api(fred)
    own = make_post(fred, "My own post")
    for path in (f"/api/v1/posts/{post.id}/shareable", f"/api/v1/posts/{own.id}/shareable"):
        assert_error(client.put(path, {"target_url": SITE, "texts": TEXTS}), 403)
        assert_error(client.delete(path), 403)
        assert_error(client.get(path), 403)
    assert_error(client.get("/api/v1/analytics/advocacy"), 403)
    assert_error(client.get("/api/v1/analytics/advocacy/people.csv"), 403)
    assert count_rows(Shareable) == 1


# --- sharing and the public link -----------------------------------------------------------


def test_sharing_gives_a_tracked_link_and_the_network_share_page(offered, api, employee):
    _post, shareable = offered
    client = api(employee)
    share = _share(client, shareable["id"], "linkedin", "fr")
    assert share["text"] == TEXTS["linkedin"]["fr"]
    assert "/s/" in share["link"]
    assert share["intent_url"].startswith("https://www.linkedin.com/")
    assert _code(share["link"]) in share["intent_url"]
    again = _share(client, shareable["id"], "linkedin", "en")
    assert again["link"] == share["link"]  # one link per person, post and network
    x_share = _share(client, shareable["id"], "x", "fr")  # no French text for X: English
    assert x_share["text"] == TEXTS["x"]["en"] and x_share["link"] != share["link"]
    assert x_share["intent_url"].startswith("https://x.com/intent/post?")
    facebook = _share(client, shareable["id"], "facebook")
    assert facebook["intent_url"].startswith("https://www.facebook.com/sharer/sharer.php?")
    assert count_rows(ShareLink) == 3 and count_rows(ShareOpen) == 4


@pytest.mark.parametrize(
    "body",
    [{"network": "myspace"}, {"network": "x", "language": "de"}, {}, {"network": "x", "u": 1}],
)
def test_a_bad_share_request_is_a_400(offered, api, employee, body):
    _post, shareable = offered
    response = api(employee).post(f"/api/v1/shareables/{shareable['id']}/shares", body)
    assert_error(response, 400)
    assert count_rows(ShareOpen) == 0


def test_the_public_link_redirects_with_utm_and_reveals_nothing(offered, api, employee, client):
    post, shareable = offered
    share = _share(api(employee), shareable["id"], "x")
    response = _follow(client, _code(share["link"]))  # signed out
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "www.lumen.example",
        "/news/launch",
    )
    query = parse_qs(location.query)
    link = db.session.query(ShareLink).one()
    assert query == {
        "ref": ["home"],
        "utm_source": ["x"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": [link.campaign],
    }
    # The campaign is an opaque random code of its own: neither the public code nor
    # anything that names the sharer (a random code may well contain a digit).
    assert link.campaign != link.code
    assert len(link.campaign) == links_service.CODE_LENGTH
    assert set(link.campaign) <= set(links_service.CODE_ALPHABET)
    sharer = (employee.email, employee.email.split("@")[0], employee.display_name)
    assert not any(part.lower() in link.campaign.lower() for part in sharer)
    body = response.get_data(as_text=True)
    assert "new plant" not in body and f"/posts/{post.id}" not in body
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_clicks_count_once_per_visitor_and_hour_and_never_for_robots(
    offered, api, employee, client, monkeypatch
):
    _post, shareable = offered
    code = _code(_share(api(employee), shareable["id"])["link"])
    for _ in range(25):  # a flood from one address
        assert _follow(client, code).status_code == 302
    assert count_rows(ShareClick) == 1
    assert _follow(client, code, address="203.0.113.9").status_code == 302
    assert count_rows(ShareClick) == 2
    robots = ("LinkedInBot/1.0", "facebookexternalhit/1.1", "Twitterbot/1.0", "curl/8.4", "")
    for agent in robots:
        assert _follow(client, code, address="192.0.2.50", agent=agent).status_code == 302
    assert count_rows(ShareClick) == 2
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(links_service, "utcnow", lambda: later)
    assert _follow(client, code).status_code == 302
    assert count_rows(ShareClick) == 3
    stored = {row.visitor for row in db.session.query(ShareClick)}
    assert not any("198.51.100.7" in visitor for visitor in stored)


def test_the_public_link_answers_404_when_it_should_lead_nowhere(
    app, offered, api, cm, employee, client
):
    post, shareable = offered
    code = _code(_share(api(employee), shareable["id"])["link"])
    for unknown in ("nope", "a" * 12, "../../etc", "A" * 400):
        assert _follow(client, unknown).status_code == 404
    app.config["ADVOCACY_SITES"] = ["other.example"]  # the site was removed since
    assert _follow(client, code).status_code == 404
    app.config["ADVOCACY_SITES"] = ["lumen.example"]
    assert _follow(client, code).status_code == 302
    assert api(cm).delete(f"/api/v1/posts/{post.id}/shareable").status_code == 204
    response = _follow(client, code)
    assert response.status_code == 404
    assert "lumen.example" not in response.get_data(as_text=True)
    assert count_rows(ShareClick) == 1


def test_a_post_moved_out_of_sight_leaves_the_share_page_and_its_links_stop(
    api, cm, employee, client, make_group, make_post
):
    group = make_group("Lyon site", visibility="public", members=(cm,))
    post = make_post(cm, "Open day", group=group)
    shareable = (
        api(cm)
        .put(f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS})
        .get_json()
    )
    code = _code(_share(api(employee), shareable["id"])["link"])
    group.visibility = "private"
    db.session.commit()
    assert api(employee).get("/api/v1/shareables").get_json()["items"] == []
    assert api(cm).get("/api/v1/shareables").get_json()["items"] == []  # member: not public
    assert_error(api(employee).get(f"/api/v1/shareables/{shareable['id']}"), 404)
    assert_error(
        api(employee).post(f"/api/v1/shareables/{shareable['id']}/shares", {"network": "x"}),
        404,
    )
    assert _follow(client, code).status_code == 404


def test_an_ended_offer_is_no_longer_shareable(offered, api, employee):
    _post, shareable = offered
    row = db.session.get(Shareable, shareable["id"])
    row.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert api(employee).get("/api/v1/shareables").get_json()["items"] == []


# --- figures --------------------------------------------------------------------------------


def test_figures_per_post_per_person_own_and_csv(offered, api, cm, employee, fred, client):
    _post, shareable = offered
    mine = _share(api(employee), shareable["id"], "linkedin")
    _share(api(employee), shareable["id"], "linkedin")
    freds = _share(api(fred), shareable["id"], "x")
    _follow(client, _code(mine["link"]), address="203.0.113.1")
    _follow(client, _code(mine["link"]), address="203.0.113.2")
    _follow(client, _code(freds["link"]), address="203.0.113.1")

    report = api(cm).get("/api/v1/analytics/advocacy").get_json()
    [per_post] = report["posts"]
    assert (per_post["opens"], per_post["clicks"]) == (3, 3)
    assert per_post["networks"]["linkedin"] == {"opens": 2, "clicks": 2}
    assert per_post["networks"]["x"] == {"opens": 1, "clicks": 1}
    people = {row["user"]["id"]: row for row in report["people"]}
    assert (people[employee.id]["opens"], people[employee.id]["clicks"]) == (2, 2)
    assert (people[fred.id]["opens"], people[fred.id]["clicks"]) == (1, 1)
    assert report["people"][0]["user"]["id"] == employee.id  # most clicks first

    own = api(employee).get("/api/v1/me/advocacy").get_json()
    assert own["totals"]["opens"] == 2 and own["totals"]["clicks"] == 2
    assert own["posts"][0]["networks"]["linkedin"] == {"opens": 2, "clicks": 2}

    csv = api(cm).get("/api/v1/analytics/advocacy/people.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("user_id,display_name,handle,opens,clicks,linkedin_opens")
    assert len(lines) == 3
    posts_csv = api(cm).get("/api/v1/analytics/advocacy/posts.csv").get_data(as_text=True)
    assert SITE in posts_csv
    assert_error(api(cm).get("/api/v1/analytics/advocacy?from=2020-01-01&to=2024-01-01"), 400)


def test_the_leaderboard_ranks_only_people_who_opted_in(offered, api, employee, fred, client):
    _post, shareable = offered
    for person, address in ((employee, "203.0.113.1"), (fred, "203.0.113.2")):
        _follow(client, _code(_share(api(person), shareable["id"])["link"]), address=address)
    board = api(fred).get("/api/v1/advocacy/leaderboard").get_json()
    assert board["items"] == [] and board["me"] is False
    assert api(employee).patch("/api/v1/me/advocacy", {"leaderboard": True}).get_json() == {
        "leaderboard": True
    }
    board = api(fred).get("/api/v1/advocacy/leaderboard").get_json()
    assert [row["user"]["id"] for row in board["items"]] == [employee.id]
    assert board["items"][0]["clicks"] == 1
    assert_error(api(employee).patch("/api/v1/me/advocacy", {"leaderboard": "yes"}), 400)
    assert_error(api(employee).patch("/api/v1/me/advocacy", {"rank": True}), 400)
    api(employee).patch("/api/v1/me/advocacy", {"leaderboard": False})
    assert api(fred).get("/api/v1/advocacy/leaderboard").get_json()["items"] == []


def test_signed_out_callers_get_401_from_the_api(offered, api):
    anonymous = api(None)
    for path in ("/api/v1/shareables", "/api/v1/me/advocacy", "/api/v1/advocacy/leaderboard"):
        assert_error(anonymous.get(path), 401)


def test_an_unknown_csv_table_is_a_404(api, cm):
    assert_error(api(cm).get("/api/v1/analytics/advocacy/secrets.csv"), 404)


def test_the_personal_export_holds_ones_links_and_deletion_ends_the_ranking(
    offered, api, employee, fred, client
):
    from tests.conftest import PASSWORD
    from tests.test_personal_data import archive_of

    _post, shareable = offered
    link = _share(api(employee), shareable["id"], "facebook")["link"]
    _follow(client, _code(link))
    _share(api(fred), shareable["id"], "x")
    api(employee).patch("/api/v1/me/advocacy", {"leaderboard": True})
    data, _, _ = archive_of(api(employee).get("/api/v1/me/export"))
    assert data["advocacy"]["leaderboard"] is True
    [entry] = data["advocacy"]["links"]  # Fred's link is not hers
    assert (entry["network"], entry["code"], entry["opens"], entry["clicks"]) == (
        "facebook",
        _code(link),
        1,
        1,
    )
    emma = api(employee)
    assert emma.delete("/api/v1/me", json_body={"password": PASSWORD}).status_code == 204
    assert db.session.get(AdvocacyProfile, employee.id) is None
    assert _follow(client, _code(link)).status_code == 302  # links already posted still lead


# --- the leak matrix: a shareable whose post goes out of sight ------------------------------

CHANGES = ("private", "secret", "deleted", "hidden")


def _change(change, api, author, group, post):
    if change in ("private", "secret"):
        response = api(author).patch(f"/api/v1/groups/{group.id}", {"type": change})
        assert response.status_code == 200, response.get_json()
    elif change == "deleted":
        assert api(author).delete(f"/api/v1/posts/{post.id}").status_code == 204
    else:
        post.moderation_state = "hidden"
        db.session.commit()


@pytest.mark.parametrize("change", CHANGES)
def test_every_read_path_forgets_a_shareable_whose_post_left_the_company_view(
    change, api, cm, employee, make_user, make_group, make_post, signed_in, client
):
    author = make_user("Gus Groupadmin")
    group = make_group("Lyon site", visibility="public", members=(author,))
    db.session.execute(
        db.text("UPDATE group_memberships SET role = 'admin' WHERE user_id = :u"), {"u": author.id}
    )
    db.session.commit()
    post = make_post(author, "Zorglub open day", group=group)
    shareable = (
        api(cm)
        .put(f"/api/v1/posts/{post.id}/shareable", {"target_url": SITE, "texts": TEXTS})
        .get_json()
    )
    code = _code(_share(api(employee), shareable["id"])["link"])
    _follow(client, code)
    sid = shareable["id"]

    def seen() -> dict[str, bool]:
        emma, camille = api(employee), api(cm)
        return {
            "api list": bool(emma.get("/api/v1/shareables").get_json()["items"]),
            "api get": emma.get(f"/api/v1/shareables/{sid}").status_code == 200,
            "api share": emma.post(f"/api/v1/shareables/{sid}/shares", {"network": "x"}).status_code
            == 201,
            "share page": "Zorglub" in signed_in(employee).get("/share").get_data(as_text=True),
            "public link": _follow(client, code, address="203.0.113.77").status_code == 302,
            "figures": bool(camille.get("/api/v1/analytics/advocacy").get_json()["posts"]),
            "figures csv": "Zorglub"
            in camille.get("/api/v1/analytics/advocacy/posts.csv").get_data(as_text=True),
            "own figures": bool(emma.get("/api/v1/me/advocacy").get_json()["posts"]),
        }

    assert all(seen().values()), seen()  # every path works before the change
    _change(change, api, author, group, post)
    assert not any(seen().values()), seen()


def test_without_a_language_the_share_speaks_the_person_s_language(offered, api, make_user):
    _post, shareable = offered
    french = make_user("Zoé Française", language="fr")
    share = api(french).post(
        f"/api/v1/shareables/{shareable['id']}/shares", {"network": "linkedin"}
    )
    assert share.get_json()["language"] == "fr"
    assert share.get_json()["text"] == TEXTS["linkedin"]["fr"]
