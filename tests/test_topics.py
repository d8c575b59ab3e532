"""Topics: every hashtag has a page (its posts the reader may see, counts, followers),
people follow topics (posts from public groups they are not in reach their feed, marked
``via_topic``), trending and popular lists counting only what the reader may see, and
community managers describing topics and merging one tag into another."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from socialnet.extensions import db
from socialnet.models import Post, PostHashtag, Topic, TopicFollow
from socialnet.models._time import utcnow
from tests.helpers import assert_error, table_counts
from tests.test_openapi import Checker

API = "/api/v1"


def _post(client, body: str, group=None) -> dict:
    response = client.post(f"{API}/posts", {"body": body, "group_id": group.id if group else None})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _written() -> dict[str, int]:
    return table_counts(Topic, TopicFollow, PostHashtag)


def _feed_items(client) -> dict[int, dict]:
    response = client.get(f"{API}/feed?limit=100")
    assert response.status_code == 200, response.get_json()
    return {p["id"]: p for p in response.get_json()["items"]}


def _listed(client, sort: str) -> dict[str, int]:
    response = client.get(f"{API}/topics?sort={sort}")
    assert response.status_code == 200, response.get_json()
    return {t["tag"]: t["post_count"] for t in response.get_json()["items"]}


@pytest.fixture
def check(client):
    return Checker(client.get(f"{API}/openapi.json").get_json())


@pytest.fixture
def secret(make_group, employee):
    return make_group("Board", "secret", members=(employee,))


@pytest.fixture
def public(make_group, employee):
    return make_group("Quality circle", "public", members=(employee,))


# --- the topic page ------------------------------------------------------------------------


def test_topic_page_shows_the_posts_the_reader_may_see_and_counts_only_those(
    api, employee, fred, secret, check
):
    me = api(employee)
    open_post = _post(me, "Audit next week #Qualité")
    hidden = _post(me, "Board view on #qualite", secret)
    mine = check(me.get(f"{API}/topics/%23qualite"), "get", "/topics/{tag}").get_json()
    assert mine["tag"] == "qualite"
    assert mine["post_count"] == 2
    assert [p["id"] for p in mine["items"]] == [hidden["id"], open_post["id"]]
    assert (mine["follower_count"], mine["following"], mine["description"]) == (0, False, None)
    theirs = api(fred).get(f"{API}/topics/Qualite").get_json()
    assert theirs["post_count"] == 1
    assert [p["id"] for p in theirs["items"]] == [open_post["id"]]


def test_a_tag_used_only_in_a_secret_group_is_unknown_to_outsiders(api, employee, fred, secret):
    _post(api(employee), "Merger plans #projectx", secret)
    assert api(employee).get(f"{API}/topics/projectx").status_code == 200
    assert_error(api(fred).get(f"{API}/topics/projectx"), 404, "not_found")
    assert_error(api(fred).put(f"{API}/topics/projectx/follow"), 404, "not_found")
    assert "projectx" not in _listed(api(fred), "popular")


def test_unknown_topic_is_a_404(api, employee, check):
    check(api(employee).get(f"{API}/topics/nothing-here"), "get", "/topics/{tag}")
    assert_error(api(employee).get(f"{API}/topics/nothing-here"), 404, "not_found")


# --- following -----------------------------------------------------------------------------


def test_follow_and_unfollow_are_idempotent_and_counted(api, employee, fred, check):
    _post(api(employee), "Kaizen day #lean")
    them = api(fred)
    first = check(them.put(f"{API}/topics/lean/follow"), "put", "/topics/{tag}/follow")
    again = them.put(f"{API}/topics/%23Lean/follow").get_json()
    assert first.get_json()["following"] is True
    assert again["follower_count"] == 1
    assert api(employee).get(f"{API}/topics/lean").get_json()["following"] is False
    gone = check(them.delete(f"{API}/topics/lean/follow"), "delete", "/topics/{tag}/follow")
    assert gone.status_code == 204
    assert them.delete(f"{API}/topics/lean/follow").status_code == 204
    assert them.get(f"{API}/topics/lean").get_json()["follower_count"] == 0


@pytest.mark.parametrize(
    "tag", ["x" * 500, "two%20words", "%20", "123", "a.b", "%23", "-lead"], ids=repr
)
def test_following_a_bad_tag_is_a_400_and_writes_nothing(api, employee, tag, check):
    _post(api(employee), "#lean")
    before = _written()
    response = check(api(employee).put(f"{API}/topics/{tag}/follow"), "put", "/topics/{tag}/follow")
    body = assert_error(response, 400, "invalid")
    assert body["fields"] == {"tag": "invalid"}
    assert "hashtag" in body["message"]
    assert _written() == before


def test_following_an_unknown_topic_is_a_404_and_writes_nothing(api, employee):
    before = _written()
    assert_error(api(employee).put(f"{API}/topics/nobody-uses-this/follow"), 404, "not_found")
    assert_error(api(employee).delete(f"{API}/topics/nobody-uses-this/follow"), 404, "not_found")
    assert _written() == before


def test_followed_topic_posts_from_public_groups_reach_the_home_feed_marked(
    api, employee, fred, public, make_group, check
):
    private = make_group("HR", "private", members=(employee,))
    me = api(employee)
    from_public = _post(me, "New checklist #qualite", public)
    from_private = _post(me, "Salary review #qualite", private)
    untagged = _post(me, "Lunch at noon", public)
    them = api(fred)
    assert from_public["id"] not in _feed_items(them)
    them.put(f"{API}/topics/qualite/follow")
    feed = check(them.get(f"{API}/feed?limit=100"), "get", "/feed").get_json()
    items = {p["id"]: p for p in feed["items"]}
    assert items[from_public["id"]]["via_topic"] == "qualite"
    assert from_private["id"] not in items
    assert untagged["id"] not in items
    # The member sees it anyway, as a post of their group: no via_topic.
    assert "via_topic" not in _feed_items(me)[from_public["id"]]
    them.delete(f"{API}/topics/qualite/follow")
    assert from_public["id"] not in _feed_items(them)


def test_a_group_made_private_takes_its_posts_out_of_followers_feeds(api, employee, fred, public):
    post = _post(api(employee), "Plan #qualite", public)
    api(fred).put(f"{API}/topics/qualite/follow")
    assert post["id"] in _feed_items(api(fred))
    public.visibility = "private"
    db.session.commit()
    assert post["id"] not in _feed_items(api(fred))


# --- trending and popular ------------------------------------------------------------------


def test_trending_counts_the_last_week_popular_counts_all_time(api, employee, check):
    me = api(employee)
    old = [_post(me, f"Old news {i} #history") for i in range(3)]
    _post(me, "Fresh #news")
    db.session.execute(
        update(Post)
        .where(Post.id.in_([p["id"] for p in old]))
        .values(created_at=utcnow() - timedelta(days=8))
    )
    db.session.commit()
    check(me.get(f"{API}/topics?sort=popular"), "get", "/topics")
    assert _listed(me, "popular") == {"history": 3, "news": 1}
    assert _listed(me, "trending") == {"news": 1}
    assert [t["tag"] for t in me.get(f"{API}/topics").get_json()["items"]] == ["news"]


def test_a_busy_secret_group_never_shows_through_the_topics_figures(api, employee, fred, secret):
    me = api(employee)
    _post(me, "#launch")
    for i in range(5):
        _post(me, f"Secret {i} #launch #stealth", secret)
    assert _listed(me, "trending") == {"launch": 6, "stealth": 5}
    assert _listed(api(fred), "trending") == {"launch": 1}
    assert _listed(api(fred), "popular") == {"launch": 1}
    assert api(fred).get(f"{API}/topics/launch").get_json()["post_count"] == 1


def test_a_bad_sort_is_a_400(api, employee, check):
    response = check(api(employee).get(f"{API}/topics?sort=hot"), "get", "/topics")
    assert assert_error(response, 400, "invalid")["fields"] == {"sort": "invalid"}


# --- describing (community managers) -------------------------------------------------------


def test_community_managers_describe_a_topic(api, employee, cm, check):
    _post(api(employee), "#qualite")
    body = {"description": "  Quality: audits, checklists, ISO 9001. "}
    described = check(api(cm).patch(f"{API}/topics/qualite", body), "patch", "/topics/{tag}")
    assert described.get_json()["description"] == body["description"].strip()
    assert api(employee).get(f"{API}/topics/qualite").get_json()["description"].startswith("Q")
    cleared = api(cm).patch(f"{API}/topics/qualite", {"description": ""}).get_json()
    assert cleared["description"] is None


def test_a_described_topic_has_a_page_before_anyone_uses_it(api, employee, cm):
    assert_error(api(cm).patch(f"{API}/topics/onboarding", {"description": "x"}), 404)
    db.session.add(Topic(tag="onboarding", description="Welcome, newcomers"))
    db.session.commit()
    page = api(employee).get(f"{API}/topics/onboarding").get_json()
    assert (page["description"], page["post_count"], page["items"]) == ("Welcome, newcomers", 0, [])


def test_non_moderators_may_not_describe_or_merge(api, employee, fred, check):
    _post(api(employee), "#qualite #quality")
    before = _written()
    for person in (employee, fred):
        response = api(person).patch(f"{API}/topics/qualite", {"description": "Mine"})
        check(response, "patch", "/topics/{tag}")
        assert_error(response, 403, "forbidden")
        response = api(person).post(f"{API}/topics/quality/merge", {"into": "qualite"})
        check(response, "post", "/topics/{tag}/merge")
        assert_error(response, 403, "forbidden")
    assert _written() == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"description": "x" * 501}, 413, "too_long"),
        ({"description": 5}, 400, "not_text"),
        ({"description": "a\x00b"}, 400, "control_chars"),
        ({"summary": "x"}, 400, "summary"),
    ],
)
def test_a_bad_description_is_refused_and_writes_nothing(api, employee, cm, body, status, field):
    _post(api(employee), "#qualite")
    before = _written()
    error = assert_error(api(cm).patch(f"{API}/topics/qualite", body), status)
    assert field in str(error["fields"])
    assert _written() == before


# --- merging (community managers) ----------------------------------------------------------


def test_merging_re_tags_posts_and_followers_and_leaves_an_alias(
    api, employee, fred, manager, cm, check
):
    me = api(employee)
    english = _post(me, "Audit #quality")
    both = _post(me, "Checklist #quality #qualite")
    french = _post(me, "Revue #qualite")
    api(fred).put(f"{API}/topics/quality/follow")
    api(manager).put(f"{API}/topics/quality/follow")
    api(manager).put(f"{API}/topics/qualite/follow")
    merged = check(
        api(cm).post(f"{API}/topics/%23Quality/merge", {"into": "#Qualité"}),
        "post",
        "/topics/{tag}/merge",
    ).get_json()
    assert (merged["tag"], merged["post_count"], merged["follower_count"]) == ("qualite", 3, 2)
    tags = db.session.execute(select(PostHashtag.post_id, PostHashtag.tag)).all()
    assert sorted(tags) == sorted(
        [(english["id"], "qualite"), (both["id"], "qualite"), (french["id"], "qualite")]
    )
    # The old tag is an alias: its page, its follow button and later posts land on the new.
    alias = me.get(f"{API}/topics/quality").get_json()
    assert alias["tag"] == "qualite" and alias["post_count"] == 3
    assert api(fred).get(f"{API}/topics/quality").get_json()["following"] is True
    later = _post(me, "Another #quality point")
    assert db.session.scalars(
        select(PostHashtag.tag).where(PostHashtag.post_id == later["id"])
    ).all() == ["qualite"]
    tagged = me.get(f"{API}/feed?tag=quality").get_json()["items"]
    assert {p["id"] for p in tagged} == {english["id"], both["id"], french["id"], later["id"]}
    assert "quality" not in _listed(me, "popular")


def test_merging_an_alias_target_again_re_points_older_aliases(api, employee, cm):
    me = api(employee)
    _post(me, "#quality #qualite #qa")
    assert api(cm).post(f"{API}/topics/quality/merge", {"into": "qualite"}).status_code == 200
    assert api(cm).post(f"{API}/topics/qualite/merge", {"into": "qa"}).status_code == 200
    db.session.rollback()
    aliases = dict(db.session.execute(select(Topic.tag, Topic.merged_into)).all())
    assert aliases == {"quality": "qa", "qualite": "qa", "qa": None}
    later = _post(me, "#quality")
    assert db.session.scalars(
        select(PostHashtag.tag).where(PostHashtag.post_id == later["id"])
    ).all() == ["qa"]


@pytest.mark.parametrize(
    ("source", "into", "status", "fields"),
    [
        ("qualite", "Qualité", 400, {"into": "same_topic"}),
        ("qualite", "#qualite", 400, {"into": "same_topic"}),
        ("qualite", "two words", 400, {"into": "invalid"}),
        ("qualite", None, 400, {"into": "invalid"}),
        ("nobody-uses-this", "qualite", 404, None),
    ],
)
def test_a_bad_merge_is_refused_and_writes_nothing(api, employee, cm, source, into, status, fields):
    _post(api(employee), "#qualite")
    before = _written()
    error = assert_error(api(cm).post(f"{API}/topics/{source}/merge", {"into": into}), status)
    if fields:
        assert error["fields"] == fields
    assert _written() == before


# --- similar questions, while typing a question's title ------------------------------------


def _ask(client, title: str, group=None) -> dict:
    body = {"kind": "question", "title": title, "group_id": group.id if group else None}
    response = client.post(f"{API}/posts", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _similar(client, q: str) -> list[int]:
    response = client.get(f"{API}/questions/similar", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_similar_questions_while_typing_a_title(api, employee, fred, secret, check):
    me = api(employee)
    booking = _ask(me, "How do I book a meeting room?")
    rooms = _ask(me, "Which meeting rooms have a screen?")
    _ask(me, "Where is the VPN guide?")
    _post(me, "Booked the big meeting room for Friday")  # a post, not a question
    hidden = _ask(me, "Can we book the meeting room of the board?", secret)
    response = me.get(f"{API}/questions/similar?q=How+can+I+book+a+meeting+room")
    items = check(response, "get", "/questions/similar").get_json()["items"]
    assert {i["id"] for i in items} == {booking["id"], hidden["id"]}
    assert items[0].keys() == {"id", "title", "url", "answered"}
    assert set(_similar(api(fred), "book a meeting room")) == {booking["id"]}
    assert set(_similar(me, "meeting rooms")) == {booking["id"], rooms["id"], hidden["id"]}
    # Only question words, or nothing yet: nothing to suggest.
    assert _similar(me, "How do I") == []
    assert _similar(me, "") == []


def test_at_most_five_similar_questions(api, employee):
    me = api(employee)
    for n in range(7):
        _ask(me, f"Parking badge question {n}?")
    assert len(_similar(me, "parking badge")) == 5


def test_a_bad_similar_query_is_a_400(api, employee, check):
    response = api(employee).get(f"{API}/questions/similar", query_string={"q": "x" * 201})
    check(response, "get", "/questions/similar")
    assert assert_error(response, 400, "invalid")["fields"] == {"q": "too_long"}
    assert_error(api(employee).get(f"{API}/questions/similar?q=a%00b"), 400)


def test_the_question_composer_asks_for_similar_questions_without_inline_script(
    app, signed_in, employee
):
    html = signed_in(employee).get("/questions").get_data(as_text=True)
    assert "data-similar-questions" in html
    assert "/static/js/questions.js" in html
    script = app.test_client().get("/static/js/questions.js")
    source = script.get_data(as_text=True)
    script.close()
    assert "/api/v1/questions/similar" in source and "textContent" in source
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source


# --- the topic page (HTML) -----------------------------------------------------------------


def test_topic_page_lists_posts_and_follows_without_javascript(
    signed_in, api, employee, fred, public, secret
):
    me = api(employee)
    seen = _post(me, "Audit plan #Qualité", public)
    hidden = _post(me, "Board audit #qualite", secret)
    browser = signed_in(fred)
    assert browser.get("/topics/Qualit%C3%A9").headers["Location"].endswith("/topics/qualite")
    html = browser.get("/topics/qualite").get_data(as_text=True)
    assert f'id="post-{seen["id"]}"' in html and f'id="post-{hidden["id"]}"' not in html
    assert "1 post · 0 followers" in html and 'id="topic-follow"' in html
    assert 'id="topic-curation"' not in html
    follow = {"csrf_token": browser.csrf, "action": "follow"}
    assert browser.post("/topics/qualite/follow", data=follow).status_code == 302
    home = browser.get("/").get_data(as_text=True)
    assert f'id="post-{seen["id"]}"' in home and 'data-field="via-topic"' in home
    html = browser.get("/topics/qualite").get_data(as_text=True)
    assert "1 follower" in html and 'id="topic-unfollow"' in html
    assert browser.get("/topics/nothing-here").status_code == 404


def test_topic_page_curation_forms_for_community_managers(signed_in, api, employee, cm, fred):
    _post(api(employee), "#quality #qualite")
    browser = signed_in(cm)
    assert 'id="topic-curation"' in browser.get("/topics/quality").get_data(as_text=True)
    described = browser.post(
        "/topics/quality/describe", data={"csrf_token": browser.csrf, "description": "ISO"}
    )
    assert described.status_code == 302
    merged = browser.post(
        "/topics/quality/merge", data={"csrf_token": browser.csrf, "into": "quality"}
    )
    assert merged.headers["Location"].endswith("/topics/quality")
    assert "cannot be merged into itself" in browser.get("/topics/quality").get_data(as_text=True)
    merged = browser.post(
        "/topics/quality/merge", data={"csrf_token": browser.csrf, "into": "#qualite"}
    )
    assert merged.headers["Location"].endswith("/topics/qualite")
    before = _written()
    intruder = signed_in(fred)
    intruder.post(
        "/topics/qualite/describe", data={"csrf_token": intruder.csrf, "description": "x"}
    )
    assert "Only community managers" in intruder.get("/topics/qualite").get_data(as_text=True)
    assert _written() == before


# --- personal data ---------------------------------------------------------------------------


def test_followed_topics_are_in_the_export_and_go_with_the_account(api, employee, fred):
    import io
    import json
    import zipfile

    from tests.conftest import PASSWORD

    _post(api(employee), "#lean #qualite")
    them = api(fred)
    for tag in ("qualite", "lean"):
        assert them.put(f"{API}/topics/{tag}/follow").status_code == 200
    export = them.get(f"{API}/me/export")
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["followed_topics"] == [{"tag": "lean"}, {"tag": "qualite"}]
    fred_id = fred.id
    assert them.delete(f"{API}/me", json_body={"password": PASSWORD}).status_code == 204
    db.session.rollback()
    assert not db.session.scalars(select(TopicFollow).where(TopicFollow.user_id == fred_id)).all()


def test_search_and_type_ahead_lead_to_the_topic_page(api, employee):
    _post(api(employee), "#qualite")
    me = api(employee)
    found = me.get(f"{API}/search?q=qual&type=topics").get_json()["items"]
    assert [t["object"]["url"] for t in found] == ["/topics/qualite"]
    suggested = me.get(f"{API}/search/suggest?q=qual").get_json()["topics"]
    assert [t["url"] for t in suggested] == ["/topics/qualite"]


def test_one_may_unfollow_a_topic_one_can_no_longer_see(api, employee, fred, public, check):
    _post(api(employee), "Plan #stealth", public)
    assert api(fred).put(f"{API}/topics/stealth/follow").status_code == 200
    public.visibility = "secret"
    db.session.commit()
    assert_error(api(fred).get(f"{API}/topics/stealth"), 404)
    gone = check(api(fred).delete(f"{API}/topics/stealth/follow"), "delete", "/topics/{tag}/follow")
    assert gone.status_code == 204
    assert not db.session.scalars(select(TopicFollow)).all()
