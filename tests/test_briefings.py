"""Manager cascades through the API (#18): the team drafts and sends a briefing, managers
read it (and only they), relay it after the embargo (once) to their reporting line, the
team follows the cascade; bad input answers 4xx and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from socialnet.extensions import db
from socialnet.models import (
    Announcement,
    Briefing,
    BriefingQuestion,
    BriefingRecipient,
    Notification,
)
from socialnet.models._time import utcnow
from tests.briefing_support import API, briefing_body, build_org, lift_embargo, sent_briefing


@pytest.fixture
def org(make_user, make_group, cm, fred):
    return build_org(make_user, make_group, cm, fred)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_team_sends_a_briefing_to_every_manager_and_only_them(api, org):
    draft = api(org.cm).post(f"{API}/briefings", briefing_body())
    assert draft.status_code == 201
    body = draft.get_json()
    assert body["status"] == "draft" and body["me"] is None
    assert body["qa"] == [
        {"id": body["qa"][0]["id"], "question": "Will I move?", "answer": body["qa"][0]["answer"]}
    ]
    assert api(org.manager).get(f"{API}/briefings/{body['id']}").status_code == 404  # a draft

    sent = api(org.cm).post(f"{API}/briefings/{body['id']}/send")
    assert sent.status_code == 200 and sent.get_json()["status"] == "sent"
    briefed = set(
        db.session.scalars(
            select(BriefingRecipient.manager_id).where(BriefingRecipient.briefing_id == body["id"])
        )
    )
    assert briefed == {org.ceo.id, org.manager.id, org.lead.id, org.paris_boss.id}
    notified = set(
        db.session.scalars(select(Notification.user_id).where(Notification.type == "briefing"))
    )
    assert notified == briefed
    again = api(org.cm).post(f"{API}/briefings/{body['id']}/send")
    assert again.status_code == 409
    assert _count(BriefingRecipient) == 4


def test_reading_marks_read_and_everyone_else_gets_404(api, org):
    briefing = sent_briefing(api, org.cm)
    url = f"{API}/briefings/{briefing['id']}"
    mine = api(org.manager).get(url)
    assert mine.status_code == 200
    assert mine.get_json()["me"]["read_at"] is not None
    assert mine.get_json()["me"]["can_relay"] is False
    first = db.session.get(BriefingRecipient, (briefing["id"], org.manager.id)).read_at
    api(org.manager).get(url)
    db.session.expire_all()
    assert db.session.get(BriefingRecipient, (briefing["id"], org.manager.id)).read_at == first
    for person in (org.employee, org.fred, org.guest, org.worker, org.paris_worker):
        client = api(person)
        for path in ("", "/progress", "/questions"):
            answer = client.get(url + path)
            assert answer.status_code == 404, (person.display_name, path)
            assert briefing["title"] not in answer.get_data(as_text=True)
        assert client.post(url + "/relay", {}).status_code == 404
        assert client.post(url + "/questions", {"question": "?"}).status_code == 404
        assert client.get(f"{API}/briefings").get_json() == {"items": []}
    assert api(None).get(url).status_code == 401
    progress = api(org.cm).get(url + "/progress").get_json()
    assert (progress["managers"], progress["read"], progress["relayed"]) == (4, 1, 0)
    assert api(org.manager).get(url + "/progress").status_code == 403


def test_a_site_audience_briefs_that_site_s_managers(api, org):
    briefing = sent_briefing(api, org.cm, audience={"kind": "site", "value": "Paris"})
    assert api(org.paris_boss).get(f"{API}/briefings/{briefing['id']}").status_code == 200
    assert api(org.manager).get(f"{API}/briefings/{briefing['id']}").status_code == 404
    nobody = api(org.cm).post(
        f"{API}/briefings", briefing_body(audience={"kind": "department", "value": "Nowhere"})
    )
    refused = api(org.cm).post(f"{API}/briefings/{nobody.get_json()['id']}/send")
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {"audience": "no_managers"}
    assert db.session.get(Briefing, nobody.get_json()["id"]).sent_at is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key_messages": []}, "key_messages"),
        ({"key_messages": ["  "]}, "key_messages"),
        ({"key_messages": None}, "key_messages"),
        ({"title": ""}, "title"),
        ({"embargo_at": (utcnow() - timedelta(minutes=5)).isoformat()}, "embargo_at"),
        ({"embargo_at": None}, "embargo_at"),
        ({"embargo_at": "tomorrow"}, "embargo_at"),
        ({"audience": {"kind": "planet"}}, "audience"),
        ({"qa": [{"question": "Why?"}]}, "qa.answer"),
        ({"remind_after_hours": 0}, "remind_after_hours"),
    ],
)
def test_bad_briefings_are_422_and_write_nothing(api, org, change, field):
    answer = api(org.cm).post(f"{API}/briefings", briefing_body(**change))
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["fields"]
    assert answer.get_json()["message"]
    assert _count(Briefing) == 0 and _count(BriefingQuestion) == 0


def test_malformed_bodies_are_400_and_strangers_cannot_write(api, org):
    assert api(org.cm).post(f"{API}/briefings", ["x"]).status_code == 400
    assert api(org.cm).post(f"{API}/briefings", briefing_body(colour="red")).status_code == 400
    for person in (org.manager, org.employee, org.guest):
        assert api(person).post(f"{API}/briefings", briefing_body()).status_code == 403
    assert _count(Briefing) == 0


def test_an_embargo_that_passed_before_sending_is_422(api, org):
    draft = api(org.cm).post(f"{API}/briefings", briefing_body()).get_json()
    lift_embargo(draft["id"])
    refused = api(org.cm).post(f"{API}/briefings/{draft['id']}/send")
    assert refused.status_code == 422 and refused.get_json()["fields"] == {"embargo_at": "past"}
    assert _count(BriefingRecipient) == 0 and _count(Notification) == 0


def test_only_drafts_change_and_only_the_team_changes_them(api, org):
    draft = api(org.cm).post(f"{API}/briefings", briefing_body()).get_json()
    url = f"{API}/briefings/{draft['id']}"
    edited = api(org.cm).patch(url, {"title": "New title", "qa": []})
    assert edited.status_code == 200
    assert edited.get_json()["title"] == "New title" and edited.get_json()["qa"] == []
    assert api(org.cm).patch(url, {"key_messages": []}).status_code == 422
    assert api(org.fred).patch(url, {"title": "x"}).status_code == 404
    api(org.cm).post(url + "/send")
    assert api(org.manager).patch(url, {"title": "x"}).status_code == 403
    assert api(org.cm).patch(url, {"title": "x"}).status_code == 409
    assert db.session.get(Briefing, draft["id"]).title == "New title"


def test_relaying_before_the_embargo_is_409_saying_when_in_their_language(api, org):
    org.manager.language = "fr"
    db.session.commit()
    briefing = sent_briefing(api, org.cm)
    refused = api(org.manager).post(f"{API}/briefings/{briefing['id']}/relay", {})
    assert refused.status_code == 409
    embargo = db.session.get(Briefing, briefing["id"]).embargo_at
    paris = embargo.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Europe/Paris"))
    message = refused.get_json()["message"]
    assert paris.strftime("%H:%M") in message and "Europe/Paris" in message
    assert "embargo" in message and "until" not in message  # French
    assert _count(Announcement) == 0
    assert db.session.get(BriefingRecipient, (briefing["id"], org.manager.id)).relayed_at is None


def test_relaying_reaches_the_whole_line_once_and_progress_is_exact(api, org):
    briefing = sent_briefing(api, org.cm)
    url = f"{API}/briefings/{briefing['id']}"
    lift_embargo(briefing["id"])
    mine = api(org.manager).get(url).get_json()["me"]
    assert mine["can_relay"] is True
    assert mine["relay_draft"]["body"].startswith("- Two plants merge in March\n- No job is cut")

    relayed = api(org.manager).post(url + "/relay", {"body": "My own words, team."})
    assert relayed.status_code == 201, relayed.get_json()
    announcement = relayed.get_json()["announcement"]
    assert announcement["audience"]["kind"] == "reports"
    assert announcement["title"] == briefing["title"]
    assert relayed.get_json()["briefing"]["me"]["announcement_id"] == announcement["id"]

    twice = api(org.manager).post(url + "/relay", {})
    assert twice.status_code == 409
    assert _count(Announcement) == 1

    progress = api(org.cm).get(url + "/progress").get_json()
    # nine active employees (the guest is not one); Emma, Luc and Wanda reached
    assert progress["active_employees"] == 9
    assert (progress["relayed"], progress["reached"], progress["read"]) == (1, 3, 1)
    assert progress["share_reached"] == round(3 / 9, 4)
    assert {p["id"] for p in progress["not_relayed"]} == {
        org.ceo.id,
        org.lead.id,
        org.paris_boss.id,
    }

    api(org.lead).post(url + "/relay", {})  # Wanda again: nobody new
    api(org.employee).post(f"{API}/announcements/{announcement['id']}/ack")
    progress = api(org.cm).get(url + "/progress").get_json()
    assert (progress["relayed"], progress["reached"], progress["relay_reads"]) == (2, 3, 1)
    api(org.ceo).post(url + "/relay", {})  # Marc, Emma, Luc, Wanda
    progress = api(org.cm).get(url + "/progress").get_json()
    assert (progress["relayed"], progress["reached"]) == (3, 4)
    assert progress["share_reached"] == round(4 / 9, 4)


def test_a_relay_the_announcement_refuses_writes_nothing(api, org):
    briefing = sent_briefing(api, org.cm)
    lift_embargo(briefing["id"])
    url = f"{API}/briefings/{briefing['id']}/relay"
    assert api(org.manager).post(url, {"title": ""}).status_code == 400
    assert api(org.manager).post(url, {"expires_in_days": 99}).status_code == 400
    assert api(org.cm).post(url, {}).status_code == 403  # the team is not briefed
    assert _count(Announcement) == 0
    assert db.session.get(BriefingRecipient, (briefing["id"], org.manager.id)).relayed_at is None
    assert api(org.manager).post(url, {}).status_code == 201


def test_questions_on_a_relay_go_to_the_team_and_the_answer_back(api, org):
    briefing = sent_briefing(api, org.cm)
    url = f"{API}/briefings/{briefing['id']}"
    lift_embargo(briefing["id"])
    assert api(org.employee).post(url + "/questions", {"question": "Early?"}).status_code == 404
    api(org.manager).post(url + "/relay", {})

    asked = api(org.employee).post(url + "/questions", {"question": "Do we change shifts?"})
    assert asked.status_code == 201
    question = asked.get_json()
    assert question["answer"] is None and question["mine"] is True
    assert api(org.employee).post(url + "/questions", {"question": " "}).status_code == 422
    assert api(org.paris_worker).post(url + "/questions", {"question": "?"}).status_code == 404
    assert api(org.employee).get(url).status_code == 404  # the briefing stays the managers'

    team_view = api(org.cm).get(url + "/questions").get_json()["items"]
    asked_one = next(q for q in team_view if q["id"] == question["id"])
    assert asked_one["asked_by"]["id"] == org.employee.id
    assert asked_one["relay_manager"]["id"] == org.manager.id
    assert api(org.cm).get(url + "/progress").get_json()["questions_open"] == 1
    # other managers do not see an unanswered question, nor who asked
    assert question["id"] not in [
        q["id"] for q in api(org.ceo).get(url + "/questions").get_json()["items"]
    ]

    answer_url = f"{url}/questions/{question['id']}/answer"
    assert api(org.manager).put(answer_url, {"answer": "No."}).status_code == 403
    assert api(org.cm).put(answer_url, {"answer": ""}).status_code == 422
    answered = api(org.cm).put(answer_url, {"answer": "No: shifts stay as they are."})
    assert answered.status_code == 200
    mine = api(org.employee).get(url + "/questions").get_json()["items"]
    assert [q["answer"] for q in mine] == ["No: shifts stay as they are."]
    told = db.session.scalars(
        select(Notification).where(Notification.type == "briefing_answered")
    ).all()
    assert [n.user_id for n in told] == [org.employee.id]
    qa = api(org.ceo).get(url).get_json()["qa"]
    assert "Do we change shifts?" in [entry["question"] for entry in qa]
    others = api(org.ceo).get(url + "/questions").get_json()["items"]
    assert all(q["asked_by"] is None for q in others)
    assert api(org.cm).put(f"{url}/questions/999/answer", {"answer": "x"}).status_code == 404
