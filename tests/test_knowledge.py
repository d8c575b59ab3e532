"""Lessons learned (issue #17): feedback summaries and the knowledge base."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.models import FeedbackSummary, Post, PostHashtag, Reaction
from socialnet.services.knowledge import list_knowledge
from tests.helpers import assert_error, table_counts
from tests.web import form, html_of

API = "/api/v1"
TABLES = (Post, FeedbackSummary, PostHashtag)


def summary_body(**overrides):
    body = {
        "title": "Intranet redesign",
        "context": "Six months, three sites.",
        "what_worked": "Weekly demos",
        "what_did_not": "Too many **stakeholders**",
        "lessons": "Show early, show often.",
        "next_steps": "Share the template",
        "topics": ["#Intranet", "communication"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def publish(api):
    def make(user, **overrides):
        answer = api(user).post(f"{API}/feedback-summaries", summary_body(**overrides))
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    return make


def test_a_feedback_summary_is_a_structured_post(api, employee, publish):
    item = publish(employee)
    assert item["kind"] == "feedback" and item["title"] == "Intranet redesign"
    assert item["feedback"]["sections"]["lessons"] == "Show early, show often."
    assert item["feedback"]["topics"] == ["communication", "intranet"]
    assert "<h3>What worked</h3>" in item["body_html"]
    assert "<strong>stakeholders</strong>" in item["body_html"]
    same = api(employee).get(f"{API}/posts/{item['id']}").get_json()
    assert same["feedback"] == item["feedback"]
    topic = api(employee).get(f"{API}/topics/intranet").get_json()["items"]
    assert [p["id"] for p in topic] == [item["id"]]
    assert_error(api(employee).patch(f"{API}/posts/{item['id']}", {"body": "rewritten"}), 403)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"lessons": ""}, "lessons"),
        ({"title": "  "}, "title"),
        ({"topics": ["two words"]}, "topics"),
        ({"topics": "intranet"}, "topics"),
        ({"topics": [f"t{n}" for n in range(11)]}, "topics"),
        ({"context": 3}, "context"),
        ({"group_id": 999_999}, "group_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_feedback_writes_nothing(api, employee, overrides, field):
    before = table_counts(*TABLES)
    body = assert_error(
        api(employee).post(f"{API}/feedback-summaries", summary_body(**overrides)), 400
    )
    assert field in body["fields"]
    assert table_counts(*TABLES) == before


def test_the_knowledge_base_lists_by_topic_newest_or_useful_with_search(
    api, employee, fred, make_group, publish, make_post
):
    older = publish(employee, title="Trade breakfast in Lyon", topics=["breakfast"])
    newer = publish(employee, title="Podcast season one", topics=["podcast", "communication"])
    make_post(employee, "An ordinary post about the podcast")
    team = make_group("Team", "secret", members=(employee,))
    hidden = publish(employee, title="Secret podcast plans", group_id=team.id)
    db.session.add(Reaction(post_id=older["id"], user_id=fred.id, kind="insightful"))
    db.session.commit()
    me = api(fred)

    def listed(query: str = "") -> list[int]:
        answer = me.get(f"{API}/knowledge?{query}")
        assert answer.status_code == 200, answer.get_json()
        return [p["id"] for p in answer.get_json()["items"]]

    assert listed() == [newer["id"], older["id"]]
    assert listed("sort=useful") == [older["id"], newer["id"]]
    assert listed("topic=%23Podcast") == [newer["id"]]
    assert listed("q=podcast") == [newer["id"]]
    assert listed("kind=feedback&q=breakfast") == [older["id"]]
    first = me.get(f"{API}/knowledge?limit=1").get_json()
    second = me.get(f"{API}/knowledge?limit=1&cursor={first['next_cursor']}").get_json()
    assert [p["id"] for p in first["items"] + second["items"]] == [newer["id"], older["id"]]
    topics = me.get(f"{API}/knowledge/topics").get_json()["items"]
    assert {t["tag"]: t["count"] for t in topics}["communication"] == 1  # not the secret one
    assert "podcast" in {t["tag"] for t in topics} and "intranet" not in {t["tag"] for t in topics}
    theirs = api(employee).get(f"{API}/knowledge/topics").get_json()["items"]
    assert {t["tag"]: t["count"] for t in theirs}["communication"] == 2
    mine = [p["id"] for p in api(employee).get(f"{API}/knowledge").get_json()["items"]]
    assert hidden["id"] in mine and hidden["id"] not in listed()
    for bad in ("sort=best", "kind=post", "topic=two%20words", "q=%20", "cursor=forged"):
        assert_error(me.get(f"{API}/knowledge?{bad}"), 400)


def test_the_list_takes_the_kinds_it_shows(employee, publish, app):
    item = publish(employee)
    with app.test_request_context():
        assert list_knowledge(employee, {}, kinds=("feedback",))["items"][0]["id"] == item["id"]
        assert list_knowledge(employee, {}, kinds=("synthesis",))["items"] == []


def test_the_knowledge_page_writes_from_the_template_and_searches(signed_in, employee, fred):
    page = signed_in(employee)
    html = html_of(page.get("/knowledge"))
    assert 'href="/knowledge"' in html and "What did not work" in html  # the template
    written = form(
        page,
        "/knowledge/feedback",
        title="Zorbo onboarding day",
        context="",
        what_worked="Buddies",
        what_did_not="",
        lessons="Pair every newcomer",
        next_steps="",
        topics="#onboarding, #buddies",
        group_id="",
    )
    assert written.status_code == 302
    other = signed_in(fred)
    listed = html_of(other.get("/knowledge?topic=onboarding"))
    assert "Zorbo onboarding day" in listed and "#onboarding (1)" in listed
    assert "Zorbo onboarding day" in html_of(other.get("/knowledge?q=newcomer"))
    assert "Zorbo onboarding day" not in html_of(other.get("/knowledge?q=podcast"))
    refused = form(page, "/knowledge/feedback", title="No lessons", lessons="")
    assert refused.status_code == 400 and 'value="No lessons"' in html_of(refused)
    assert other.get("/knowledge?sort=best").status_code == 400
