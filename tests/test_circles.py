"""Peer-learning circles (issue #17): create, topics and votes, sessions and their
events, attendance, the synthesis (publish, share), the dashboard, bad input."""

from __future__ import annotations

from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import Group, GroupMembership
from socialnet.models._time import utcnow
from tests.circle_support import API, SYNTHESIS, at, make_circle, move_session, plan_session

FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_a_circle_is_a_secret_group_of_its_members_with_a_facilitator(api, make_user, fred):
    circle = make_circle(api, make_user)
    body = api(circle.member).get(circle.url).get_json()
    assert body["name"] == "Lyon comms circle" and body["cadence"] == "monthly"
    assert body["facilitator"]["id"] == circle.facilitator.id
    assert body["member_count"] == 4 and body["can_facilitate"] is False
    assert api(circle.facilitator).get(circle.url).get_json()["can_facilitate"] is True
    group = db.session.get(Group, circle.id)
    assert group.visibility == "secret"
    role = db.session.get(GroupMembership, (circle.id, circle.facilitator.id)).role
    assert role == "admin"
    assert api(fred).get(circle.url).status_code == 404
    assert api(fred).get(f"{API}/groups/{circle.id}").status_code == 404
    assert [c["id"] for c in api(circle.member).get(f"{API}/circles").get_json()["items"]] == [
        circle.id
    ]
    assert api(fred).get(f"{API}/circles").get_json()["items"] == []


def test_create_refuses_bad_input_and_writes_nothing(api, make_user, employee):
    me = api(employee)
    gone = make_user("Gone", active=False)
    cases = [
        ({"name": "C", "cadence": "daily"}, "cadence"),
        ({"name": "C"}, "cadence"),
        ({"cadence": "weekly"}, "name"),
        ({"name": "C", "cadence": "weekly", "facilitator_id": 999999}, "facilitator_id"),
        ({"name": "C", "cadence": "weekly", "member_ids": [gone.id]}, "member_ids"),
        ({"name": "C", "cadence": "weekly", "member_ids": "everyone"}, "member_ids"),
        ({"name": "C", "cadence": "weekly", "member_ids": list(range(1, 40))}, "member_ids"),
        ({"name": "C", "cadence": "weekly", "colour": "red"}, None),
    ]
    for body, field in cases:
        answer = me.post(f"{API}/circles", body)
        assert answer.status_code == 400, (body, answer.get_json())
        assert answer.get_json()["message"]
        if field:
            assert field in answer.get_json().get("fields", {}), (body, answer.get_json())
    assert db.session.query(Group).count() == 0


def test_topics_are_proposed_voted_once_and_picked_by_the_facilitator(api, make_user, fred):
    circle = make_circle(api, make_user)
    member = api(circle.member)
    first = member.post(f"{circle.url}/topics", {"title": "The intranet redesign we did"})
    assert first.status_code == 201
    topic = first.get_json()
    second = api(circle.scribe).post(f"{circle.url}/topics", {"title": "Our podcast"}).get_json()
    vote_url = f"{circle.url}/topics/{topic['id']}/vote"
    voted = api(circle.scribe).put(vote_url)
    assert voted.status_code == 200 and voted.get_json()["votes"] == 1
    assert voted.get_json()["my_vote"] is True
    twice = api(circle.scribe).put(vote_url)
    assert twice.status_code == 409 and twice.get_json()["message"]
    assert member.put(vote_url).get_json()["votes"] == 2
    assert member.delete(vote_url).get_json()["votes"] == 1
    assert member.delete(vote_url).status_code == 409
    listed = member.get(f"{circle.url}/topics").get_json()["items"]
    assert [t["id"] for t in listed] == [topic["id"], second["id"]]  # by votes
    pick_url = f"{circle.url}/topics/{second['id']}/pick"
    assert member.post(pick_url).status_code == 403
    picked = api(circle.facilitator).post(pick_url)
    assert picked.status_code == 200 and picked.get_json()["status"] == "picked"
    listed = member.get(f"{circle.url}/topics").get_json()["items"]
    assert listed[0]["id"] == second["id"]  # the picked topic comes first
    assert api(fred).put(vote_url).status_code == 404
    assert api(fred).post(f"{circle.url}/topics", {"title": "x"}).status_code == 404
    assert member.post(f"{circle.url}/topics", {"title": ""}).status_code == 400
    assert member.post(f"{circle.url}/topics", {"title": "x" * 201}).status_code == 413


def test_a_session_creates_its_event_for_the_members(api, make_user, fred):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    assert session["topic"]["title"] == "How we run our podcast"
    assert session["scribe"]["id"] == circle.scribe.id
    assert session["synthesis_state"] == "upcoming"
    event = api(circle.member).get(f"{API}/events/{session['event_id']}")
    assert event.status_code == 200
    assert event.get_json()["group_id"] == circle.id if "group_id" in event.get_json() else True
    calendar = api(circle.member).get(f"{API}/events").get_json()["items"]
    assert session["event_id"] in {e["id"] for e in calendar}
    notified = api(circle.member).get(f"{API}/notifications").get_json()["items"]
    assert any(n["type"] == "event_invited" for n in notified)
    assert api(fred).get(f"{API}/events/{session['event_id']}").status_code == 404
    topics = api(circle.member).get(f"{circle.url}/topics").get_json()["items"]
    assert [t["status"] for t in topics] == ["held"]


def test_session_bad_input(api, make_user, fred):
    circle = make_circle(api, make_user)
    boss = api(circle.facilitator)
    url = f"{circle.url}/sessions"
    good = {
        "topic": "Podcast",
        "starts_at": at(days=1),
        "presenter_id": circle.presenter.id,
        "scribe_id": circle.scribe.id,
    }
    cases = [
        ({**good, "scribe_id": fred.id}, 400, "scribe_id"),
        ({**good, "presenter_id": fred.id}, 400, "presenter_id"),
        ({**good, "scribe_id": None}, 400, "scribe_id"),
        ({**good, "topic_id": 1}, 400, "topic_id"),
        ({k: v for k, v in good.items() if k != "topic"}, 400, "topic_id"),
        ({**good, "starts_at": "tomorrow"}, 400, "starts_at"),
        ({**good, "starts_at": at(days=-1)}, 400, "starts_at"),
        ({**good, "ends_at": at(hours=1)}, 400, "ends_at"),
    ]
    for body, status, field in cases:
        answer = boss.post(url, body)
        assert answer.status_code == status, (body, answer.get_json())
        assert field in answer.get_json().get("fields", {}), (body, answer.get_json())
    assert api(circle.member).post(url, good).status_code == 403
    assert api(fred).post(url, good).status_code == 404
    assert boss.get(url).get_json()["items"] == []
    assert api(circle.member).get(f"{circle.url}/topics").get_json()["items"] == []


def test_attendance_is_taken_over_members_after_the_session(api, make_user, fred):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    url = f"{circle.url}/sessions/{session['id']}/attendance"
    boss = api(circle.facilitator)
    came = [circle.presenter.id, circle.scribe.id]
    assert boss.put(url, {"user_ids": came}).status_code == 409  # not started
    move_session(session["id"], utcnow() - timedelta(hours=3))
    assert boss.put(url, {"user_ids": [fred.id]}).status_code == 400
    assert boss.put(url, {"user_ids": "all"}).status_code == 400
    assert api(circle.member).put(url, {"user_ids": came}).status_code == 403
    answer = boss.put(url, {"user_ids": came})
    assert answer.status_code == 200
    marks = {a["user"]["id"]: a["attended"] for a in answer.get_json()["attendance"]}
    assert marks == {
        circle.facilitator.id: False,
        circle.presenter.id: True,
        circle.scribe.id: True,
        circle.member.id: False,
    }
    board = api(circle.member).get(f"{circle.url}/dashboard").get_json()
    assert board["attendance_rate"] == 0.5 and board["sessions_held"] == 1


def test_the_synthesis_is_published_once_by_the_scribe_and_shared_by_the_facilitator(
    api, make_user, fred
):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    url = f"{circle.url}/sessions/{session['id']}/synthesis"
    scribe = api(circle.scribe)
    early = scribe.post(url, SYNTHESIS)
    assert early.status_code == 409  # the session has not happened
    move_session(session["id"], utcnow() - timedelta(hours=3))
    owed = scribe.get(f"{circle.url}/sessions/{session['id']}").get_json()
    assert owed["synthesis_state"] == "owed" and owed["can_write_synthesis"] is True
    assert api(circle.member).post(url, SYNTHESIS).status_code == 403
    assert api(fred).post(url, SYNTHESIS).status_code == 404
    assert scribe.post(url, {**SYNTHESIS, "what_worked": ""}).status_code == 400
    assert scribe.post(url, {**SYNTHESIS, "tips": "x" * 5001}).status_code == 413
    assert scribe.post(url, {**SYNTHESIS, "mood": "good"}).status_code == 400
    published = scribe.post(url, SYNTHESIS)
    assert published.status_code == 201, published.get_json()
    synthesis = published.get_json()
    assert synthesis["on_time"] is True and synthesis["shared_post_id"] is None
    assert scribe.post(url, SYNTHESIS).status_code == 409
    assert api(circle.facilitator).post(url, SYNTHESIS).status_code == 409
    post = api(circle.member).get(f"{API}/posts/{synthesis['post_id']}").get_json()
    assert post["kind"] == "synthesis" and post["group_id"] == circle.id
    assert "<strong>15 minutes</strong>" in post["synthesis"]["sections_html"]["what_was_done"]
    assert post["synthesis"]["circle_id"] == circle.id
    assert api(fred).get(f"{API}/posts/{synthesis['post_id']}").status_code == 404

    share = f"{url}/share"
    assert scribe.post(share).status_code == 403
    shared = api(circle.facilitator).post(share)
    assert shared.status_code == 200 and shared.get_json()["shared_post_id"]
    assert api(circle.facilitator).post(share).status_code == 409
    copy = api(fred).get(f"{API}/posts/{shared.get_json()['shared_post_id']}").get_json()
    assert copy["kind"] == "synthesis" and copy["group_id"] is None
    assert "circle_id" not in copy["synthesis"] and "session_id" not in copy["synthesis"]
    assert copy["synthesis"]["written_by"]["id"] == circle.scribe.id
    found = api(fred).get(f"{API}/search?q=podcast&type=posts").get_json()["items"]
    assert [f["id"] for f in found] == [copy["id"]]
    board = api(circle.member).get(f"{circle.url}/dashboard").get_json()
    assert board["syntheses_published"] == 1 and board["syntheses_on_time_rate"] == 1.0


def test_a_late_synthesis_shows_late_and_counts_against_on_time(api, make_user):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(days=5))
    listed = api(circle.member).get(f"{circle.url}/sessions").get_json()["items"]
    assert listed[0]["synthesis_state"] == "late"
    board = api(circle.member).get(f"{circle.url}/dashboard").get_json()
    assert board["syntheses_late"] == 1 and board["syntheses_on_time_rate"] == 0.0
    late = api(circle.facilitator).post(
        f"{circle.url}/sessions/{session['id']}/synthesis", SYNTHESIS
    )
    assert late.status_code == 201 and late.get_json()["on_time"] is False


def test_answers_match_the_openapi_document(client, api, make_user, fred):
    from tests.test_openapi import Checker

    check = Checker(client.get(f"{API}/openapi.json").get_json())
    circle = make_circle(api, make_user)
    boss, member, outsider = api(circle.facilitator), api(circle.member), api(fred)
    one = "/circles/{circle_id}"
    check(boss.post(f"{API}/circles", {"name": "x", "cadence": "daily"}), "post", "/circles")
    check(member.get(f"{API}/circles"), "get", "/circles")
    check(member.get(circle.url), "get", one)
    check(outsider.get(circle.url), "get", one)
    topic = check(
        member.post(f"{circle.url}/topics", {"title": "Podcast"}), "post", one + "/topics"
    ).get_json()
    check(member.post(f"{circle.url}/topics", {}), "post", one + "/topics")
    check(member.get(f"{circle.url}/topics"), "get", one + "/topics")
    vote = f"{circle.url}/topics/{topic['id']}/vote"
    check(member.put(vote), "put", one + "/topics/{topic_id}/vote")
    check(member.put(vote), "put", one + "/topics/{topic_id}/vote")
    check(member.delete(vote), "delete", one + "/topics/{topic_id}/vote")
    check(outsider.delete(vote), "delete", one + "/topics/{topic_id}/vote")
    pick = f"{circle.url}/topics/{topic['id']}/pick"
    check(member.post(pick), "post", one + "/topics/{topic_id}/pick")
    check(boss.post(pick), "post", one + "/topics/{topic_id}/pick")
    session = plan_session(api, circle, topic=None, topic_id=topic["id"])
    sessions = one + "/sessions"
    check(boss.post(f"{circle.url}/sessions", {"topic_id": topic["id"]}), "post", sessions)
    check(member.get(f"{circle.url}/sessions"), "get", sessions)
    s_url = f"{circle.url}/sessions/{session['id']}"
    check(member.get(s_url), "get", sessions + "/{session_id}")
    check(outsider.get(s_url), "get", sessions + "/{session_id}")
    move_session(session["id"], utcnow() - timedelta(hours=2))
    attendance = sessions + "/{session_id}/attendance"
    check(boss.put(s_url + "/attendance", {"user_ids": [circle.member.id]}), "put", attendance)
    check(boss.put(s_url + "/attendance", {"user_ids": [fred.id]}), "put", attendance)
    synthesis = sessions + "/{session_id}/synthesis"
    check(api(circle.scribe).post(s_url + "/synthesis", SYNTHESIS), "post", synthesis)
    check(api(circle.scribe).post(s_url + "/synthesis", SYNTHESIS), "post", synthesis)
    check(boss.post(s_url + "/synthesis/share"), "post", synthesis + "/share")
    check(boss.post(s_url + "/synthesis/share"), "post", synthesis + "/share")
    check(member.get(f"{circle.url}/dashboard"), "get", one + "/dashboard")
    check(member.get(s_url), "get", sessions + "/{session_id}")
    feed = member.get(f"{API}/feed").get_json()["items"]
    assert any(item["kind"] == "synthesis" for item in feed)


def test_pages_in_both_languages_work_without_javascript(api, make_user, signed_in, fred):
    circle = make_circle(api, make_user)
    boss = signed_in(circle.facilitator)
    page = boss.get(f"/circles/{circle.id}")
    assert page.status_code == 200 and "Lyon comms circle" in page.get_data(as_text=True)
    assert signed_in(fred).get(f"/circles/{circle.id}").status_code == 404
    assert "Lyon comms circle" not in signed_in(fred).get("/circles").get_data(as_text=True)
    token = boss.csrf
    proposed = boss.post(
        f"/circles/{circle.id}/topics", data={"csrf_token": token, "title": "Our podcast"}
    )
    assert proposed.status_code == 302
    planned = boss.post(
        f"/circles/{circle.id}/sessions",
        data={
            "csrf_token": token,
            "topic_id": "",
            "topic": "The intranet redesign",
            "starts_at": (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "presenter_id": str(circle.presenter.id),
            "scribe_id": str(fred.id),
        },
    )
    assert planned.status_code == 302
    assert api(circle.member).get(f"{circle.url}/sessions").get_json()["items"] == []
    text = boss.get(f"/circles/{circle.id}").get_data(as_text=True)
    assert "scribe_id must name a member of the circle." in text
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=2))
    scribe = signed_in(circle.scribe)
    form = scribe.get(f"/circles/{circle.id}/sessions/{session['id']}/synthesis")
    assert form.status_code == 200 and "What made it work" in form.get_data(as_text=True)
    refused = scribe.post(
        f"/circles/{circle.id}/sessions/{session['id']}/synthesis",
        data={"csrf_token": scribe.csrf, "what_was_done": "Twelve episodes"},
    )
    assert refused.status_code == 400
    assert "Twelve episodes" in refused.get_data(as_text=True)  # nothing lost
    done = scribe.post(
        f"/circles/{circle.id}/sessions/{session['id']}/synthesis",
        data={"csrf_token": scribe.csrf, **SYNTHESIS},
    )
    assert done.status_code == 302
    french = signed_in(circle.member)
    feed = french.get(f"/groups/{circle.id}", headers=FR).get_data(as_text=True)
    assert "Ce qui a fait la réussite" in feed and "<strong>15 minutes</strong>" in feed
    board = french.get(f"/circles/{circle.id}", headers=FR).get_data(as_text=True)
    assert "Tableau de bord" in board


def test_the_personal_data_export_holds_ones_circle_doings(api, make_user):
    from socialnet.services import personal_data

    circle = make_circle(api, make_user)
    topic = api(circle.scribe).post(f"{circle.url}/topics", {"title": "Our intranet"}).get_json()
    api(circle.scribe).put(f"{circle.url}/topics/{topic['id']}/vote")
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=2))
    api(circle.facilitator).put(
        f"{circle.url}/sessions/{session['id']}/attendance", {"user_ids": [circle.scribe.id]}
    )
    api(circle.scribe).post(f"{circle.url}/sessions/{session['id']}/synthesis", SYNTHESIS)
    data = personal_data.collect(circle.scribe)
    assert [t["title"] for t in data["circle_topics"]] == ["Our intranet"]
    assert [v["topic_id"] for v in data["circle_votes"]] == [topic["id"]]
    assert data["circle_sessions"] == [
        {
            "session_id": session["id"],
            "circle_id": circle.id,
            "presenter": False,
            "scribe": True,
            "attended": True,
        }
    ]
    assert data["circle_syntheses"][0]["what_worked"] == SYNTHESIS["what_worked"]
    assert personal_data.collect(circle.member)["circle_syntheses"] == []


def test_deleting_the_scribes_account_in_remove_mode_leaves_none_of_their_words(
    api, make_user, admin
):
    import json

    from tests.conftest import PASSWORD

    marker = "zanzibarmarker"
    api(admin).patch(f"{API}/admin/settings", {"account_deletion": "remove"})
    circle = make_circle(api, make_user)
    scribe = api(circle.scribe)
    scribe.post(f"{circle.url}/topics", {"title": f"{marker} topic", "description": marker})
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=2))
    url = f"{circle.url}/sessions/{session['id']}/synthesis"
    assert scribe.post(url, {**SYNTHESIS, "tips": f"{marker} tips"}).status_code == 201
    assert api(circle.facilitator).post(url + "/share").status_code == 200
    assert scribe.delete(f"{API}/me", json_body={"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        if table.name in ("events", "audit_log"):
            continue  # the event log is covered by catch-up; the audit log holds no text
        for row in db.session.execute(table.select()).all():
            assert marker not in json.dumps([str(v) for v in row]), (table.name, row)
    listed = api(circle.member).get(f"{circle.url}/sessions").get_json()["items"]
    assert listed[0]["synthesis_state"] == "published"  # the record stays, without words
    found = api(circle.member).get(f"{API}/search?q={marker}&type=posts").get_json()["items"]
    assert found == []


def test_members_relay_a_shared_synthesis_to_their_team(api, make_user, make_group, fred):
    circle = make_circle(api, make_user)
    team = make_group("Member's team", "private", members=(circle.member,))
    other = make_group("Not theirs", "private", members=(fred,))
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=2))
    url = f"{circle.url}/sessions/{session['id']}/synthesis"
    api(circle.scribe).post(url, SYNTHESIS)
    member = api(circle.member)
    body = {"group_id": team.id, "note": "Worth a read"}
    early = member.post(url + "/relay", body)
    assert early.status_code == 409  # not shared yet: nothing of the circle leaves it
    copy_id = api(circle.facilitator).post(url + "/share").get_json()["shared_post_id"]
    assert member.post(url + "/relay", {"group_id": other.id}).status_code == 403  # not in it
    assert member.post(url + "/relay", {"group_id": 999999}).status_code == 400
    assert member.post(url + "/relay", {}).status_code == 400
    assert member.post(url + "/relay", {**body, "note": "x" * 1001}).status_code == 413
    assert api(fred).post(url + "/relay", {"group_id": other.id}).status_code == 404
    relayed = member.post(url + "/relay", body)
    assert relayed.status_code == 201, relayed.get_json()
    post = relayed.get_json()
    assert post["group_id"] == team.id and f"/posts/{copy_id}" in post["body_html"]
    synthesis_post_id = member.get(url.removesuffix("/synthesis")).get_json()["synthesis"][
        "post_id"
    ]
    assert f"/posts/{synthesis_post_id})" not in post["body"]  # never the circle's own post


def test_the_facilitator_changes_the_circle_which_stays_secret(api, make_user, fred):
    circle = make_circle(api, make_user)
    boss = api(circle.facilitator)
    assert api(circle.member).patch(circle.url, {"cadence": "weekly"}).status_code == 403
    assert api(fred).patch(circle.url, {"cadence": "weekly"}).status_code == 404
    assert boss.patch(circle.url, {"cadence": "hourly"}).status_code == 400
    assert boss.patch(circle.url, {"facilitator_id": fred.id}).status_code == 400
    assert boss.patch(circle.url, {"members": []}).status_code == 400
    changed = boss.patch(
        circle.url, {"cadence": "weekly", "name": "Lyon circle", "facilitator_id": circle.member.id}
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["cadence"], body["name"]) == ("weekly", "Lyon circle")
    assert body["facilitator"]["id"] == circle.member.id
    assert api(circle.member).get(circle.url).get_json()["can_facilitate"] is True
    opened = boss.patch(f"{API}/groups/{circle.id}", {"type": "public"})
    assert opened.status_code == 400 and opened.get_json()["fields"] == {"type": "circle"}
    assert db.session.get(Group, circle.id).visibility == "secret"


def test_an_archived_circle_is_read_only(api, make_user):
    circle = make_circle(api, make_user)
    topic = api(circle.member).post(f"{circle.url}/topics", {"title": "Podcast"}).get_json()
    assert (
        api(circle.facilitator).patch(f"{API}/groups/{circle.id}", {"archived": True}).status_code
        == 200
    )
    assert api(circle.member).post(f"{circle.url}/topics", {"title": "x"}).status_code == 403
    assert api(circle.member).put(f"{circle.url}/topics/{topic['id']}/vote").status_code == 403
    assert api(circle.member).get(circle.url).status_code == 200


def test_the_settings_form_changes_the_facilitator(api, make_user, signed_in):
    circle = make_circle(api, make_user)
    boss = signed_in(circle.facilitator)
    form = {
        "csrf_token": boss.csrf,
        "name": "Lyon circle",
        "description": "",
        "cadence": "quarterly",
        "facilitator_id": str(circle.scribe.id),
    }
    assert boss.post(f"/circles/{circle.id}/settings", data=form).status_code == 302
    body = api(circle.member).get(circle.url).get_json()
    assert (body["name"], body["cadence"], body["facilitator"]["id"]) == (
        "Lyon circle",
        "quarterly",
        circle.scribe.id,
    )
    refused = boss.post(f"/circles/{circle.id}/settings", data={**form, "cadence": "daily"})
    assert refused.status_code == 302
    assert api(circle.member).get(circle.url).get_json()["cadence"] == "quarterly"
