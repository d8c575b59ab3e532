"""Questions: a post kind answered by comments, one of them chosen as the best answer;
the lists of questions waiting for an answer; events, notifications, analytics, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.dialects import sqlite

from socialnet.extensions import db
from socialnet.models import Comment, Mention, Notification, Post, PostHashtag, User
from socialnet.models._time import utcnow
from socialnet.services.questions import questions_query
from tests.group_fixtures import set_group_role
from tests.helpers import assert_error, table_counts
from tests.moderation_fixtures import act, reported_case
from tests.test_openapi import Checker
from tests.web import form, html_of

API = "/api/v1"


def ask(client, title="How do I book a meeting room?", body="Details", **fields) -> dict:
    response = client.post(
        f"{API}/posts", {"kind": "question", "title": title, "body": body, **fields}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def answer(client, question: dict, body="Use the booking tool.") -> dict:
    response = client.post(f"{API}/posts/{question['id']}/comments", {"body": body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def choose(client, question: dict, comment_id):
    return client.put(f"{API}/posts/{question['id']}/best-answer", {"comment_id": comment_id})


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"{API}/questions{query}")
    assert response.status_code == 200, response.get_json()
    return [p["id"] for p in response.get_json()["items"]]


def _written() -> dict[str, int]:
    return table_counts(Post, Comment, Mention, PostHashtag, Notification)


def _stored(post_id: int) -> Post:
    db.session.rollback()
    return db.session.get(Post, post_id)


@pytest.fixture
def helper(make_user) -> User:
    return make_user("Hugo Helper", job_title="Facilities")


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").get_json()


# --- asking ------------------------------------------------------------------------------


def test_a_question_is_a_post_with_a_title_and_no_best_answer_yet(api, employee, document):
    check = Checker(document)
    me = api(employee)
    created = check(
        me.post(f"{API}/posts", {"kind": "question", "title": " Where is the VPN guide? "}),
        "post",
        "/posts",
    ).get_json()
    assert created["kind"] == "question"
    assert created["title"] == "Where is the VPN guide?"
    assert created["body"] == ""  # the details are optional
    assert created["answered"] is False and created["best_answer"] is None
    shown = check(me.get(f"{API}/posts/{created['id']}"), "get", "/posts/{post_id}").get_json()
    assert (shown["answered"], shown["best_answer"]) == (False, None)
    feed = me.get(f"{API}/feed").get_json()["items"]
    assert [(p["id"], p["answered"]) for p in feed] == [(created["id"], False)]


def test_plain_posts_carry_no_question_fields(api, employee):
    post = api(employee).post(f"{API}/posts", {"body": "Hello"}).get_json()
    assert post["kind"] == "post" and "answered" not in post and "best_answer" not in post


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "question", "body": "no title"}, 400, "title"),
        ({"kind": "question", "title": "   "}, 400, "title"),
        ({"kind": "question", "title": "x" * 201}, 413, "title"),
        ({"kind": "question", "title": "two\nlines"}, 400, "title"),
        ({"kind": "question", "title": 12}, 400, "title"),
        ({"kind": "post", "title": "a title", "body": "text"}, 400, "title"),
        ({"title": "a title", "body": "text"}, 400, "title"),
        ({"kind": "post", "title": None, "body": "text"}, 400, "title"),  # found by fuzzing
        ({"kind": None, "body": "text"}, 400, "kind"),
        ({"kind": "question", "title": "Ok?", "body": None}, 400, "body"),  # absent, or text
        ({"kind": "poll", "title": "Lunch?", "body": "text"}, 400, "kind"),
        ({"kind": "question", "title": "Ok?", "body": "x" * 10_001}, 413, "body"),
    ],
)
def test_a_bad_question_is_refused_and_nothing_is_written(api, employee, body, status, field):
    before = _written()
    error = assert_error(api(employee).post(f"{API}/posts", body), status)
    assert field in error["fields"], error
    assert _written() == before


def test_a_question_in_a_group_needs_the_right_to_post_there(api, employee, fred, make_group):
    group = make_group("Facilities", "public", members=(employee,))
    assert ask(api(employee), group_id=group.id)["group_id"] == group.id
    before = _written()
    assert_error(
        api(fred).post(f"{API}/posts", {"kind": "question", "title": "Hi?", "group_id": group.id}),
        403,
    )
    assert _written() == before


# --- the best answer ---------------------------------------------------------------------


def test_the_asker_chooses_the_best_answer_everyone_sees_it_and_its_author_is_told(
    api, employee, helper, capture_events, document
):
    check = Checker(document)
    question = ask(api(employee))
    reply = answer(api(helper), question)
    capture_events.events.clear()
    chosen = check(
        choose(api(employee), question, reply["id"]), "put", "/posts/{post_id}/best-answer"
    )
    body = chosen.get_json()
    assert body["answered"] is True and body["best_answer"]["id"] == reply["id"]
    assert body["best_answer"]["author"]["id"] == helper.id
    stored = _stored(question["id"])
    assert stored.best_answer_id == reply["id"] and stored.best_answer_at is not None
    # everywhere the question appears: permalink, feed, questions list, for anyone
    for reader in (api(helper), api(employee)):
        assert (
            reader.get(f"{API}/posts/{question['id']}").get_json()["best_answer"]["id"]
            == reply["id"]
        )
        [item] = reader.get(f"{API}/feed").get_json()["items"]
        assert item["best_answer"]["body"] == "Use the booking tool."
        [item] = reader.get(f"{API}/questions?status=answered").get_json()["items"]
        assert item["answered"] is True
    [event] = capture_events.of_type("question.answered")
    assert event.room == "company"
    assert event.payload["data"]["post_id"] == question["id"]
    assert event.payload["data"]["best_answer"]["id"] == reply["id"]
    notes = api(helper).get(f"{API}/notifications").get_json()["items"]
    best = [n for n in notes if n["type"] == "best_answer"]
    assert len(best) == 1 and best[0]["post_id"] == question["id"]
    assert best[0]["summary"] == "Emma Employee chose your answer as the best answer"
    asker_notes = api(employee).get(f"{API}/notifications").get_json()["items"]
    assert not [n for n in asker_notes if n["type"] == "best_answer"]


def test_choosing_the_same_answer_again_tells_nobody_twice(api, employee, helper, capture_events):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    assert choose(api(employee), question, reply["id"]).status_code == 200
    assert choose(api(employee), question, reply["id"]).status_code == 200
    assert len(capture_events.of_type("question.answered")) == 1
    db.session.rollback()
    rows = db.session.scalars(select(Notification).where(Notification.type == "best_answer"))
    assert len(list(rows)) == 1


def test_another_answer_replaces_the_choice(api, employee, helper, make_user):
    other = make_user("Olga Other")
    question = ask(api(employee))
    first, second = answer(api(helper), question), answer(api(other), question, "Ask Olga.")
    choose(api(employee), question, first["id"])
    body = choose(api(employee), question, second["id"]).get_json()
    assert body["best_answer"]["id"] == second["id"]


def test_the_asker_may_choose_their_own_comment(api, employee):
    question = ask(api(employee))
    mine = answer(api(employee), question, "Found it myself: room 3.")
    assert choose(api(employee), question, mine["id"]).get_json()["answered"] is True


def test_group_admins_and_community_managers_choose_too(
    api, employee, helper, cm, make_user, make_group
):
    admin_of_group = make_user("Gaby Groupadmin")
    group = make_group("Facilities", "public", members=(employee, helper))
    set_group_role(group, admin_of_group, "admin")
    question = ask(api(employee), group_id=group.id)
    reply = answer(api(helper), question)
    assert choose(api(admin_of_group), question, reply["id"]).status_code == 200
    assert api(cm).delete(f"{API}/posts/{question['id']}/best-answer").status_code == 200
    assert choose(api(cm), question, reply["id"]).status_code == 200


def test_others_who_see_the_question_get_403_and_nothing_changes(api, employee, helper, make_group):
    group = make_group("Facilities", "public", members=(employee, helper))
    question = ask(api(employee), group_id=group.id)
    reply = answer(api(helper), question)
    before = _written()
    error = assert_error(choose(api(helper), question, reply["id"]), 403)
    assert "asked" in error["message"]
    assert_error(api(helper).delete(f"{API}/posts/{question['id']}/best-answer"), 403)
    assert _stored(question["id"]).best_answer_id is None
    assert _written() == before


def test_a_question_fred_cannot_see_is_404_like_a_missing_one(
    api, employee, helper, fred, make_group
):
    group = make_group("Secret project", "secret", members=(employee, helper))
    question = ask(api(employee), group_id=group.id)
    reply = answer(api(helper), question)
    fred_api = api(fred)
    hidden = assert_error(choose(fred_api, question, reply["id"]), 404)
    missing = assert_error(choose(fred_api, {"id": question["id"] + 999}, reply["id"]), 404)
    assert hidden == missing
    assert_error(fred_api.delete(f"{API}/posts/{question['id']}/best-answer"), 404)
    assert _stored(question["id"]).best_answer_id is None


def test_a_comment_of_another_post_is_refused(api, employee, helper):
    question = ask(api(employee))
    other_post = api(employee).post(f"{API}/posts", {"body": "Unrelated"}).get_json()
    elsewhere = answer(api(helper), other_post, "Elsewhere")
    error = assert_error(choose(api(employee), question, elsewhere["id"]), 400)
    assert error["fields"] == {"comment_id": "unknown"}
    missing = assert_error(choose(api(employee), question, elsewhere["id"] + 999), 400)
    assert missing == error  # another post's comment is not told apart from none
    assert _stored(question["id"]).best_answer_id is None


@pytest.mark.parametrize("comment_id", [None, "7", 0, -1, True, 2**40])
def test_a_bad_comment_id_is_400(api, employee, comment_id):
    question = ask(api(employee))
    assert_error(choose(api(employee), question, comment_id), 400)
    assert_error(
        api(employee).put(f"{API}/posts/{question['id']}/best-answer", {"comment": 1}), 400
    )


def test_a_deleted_comment_cannot_be_the_best_answer(api, employee, helper):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    assert api(helper).delete(f"{API}/comments/{reply['id']}").status_code == 204
    error = assert_error(choose(api(employee), question, reply["id"]), 409)
    assert "deleted" in error["message"]
    assert _stored(question["id"]).best_answer_id is None


@pytest.mark.parametrize("action", ["hide", "delete"])
def test_a_hidden_or_removed_comment_cannot_be_the_best_answer(
    api, employee, helper, cm, fred, action
):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    case_id = reported_case(api(fred), "comment", reply["id"])
    assert act(api(cm), case_id, action).status_code == 200
    assert_error(choose(api(employee), question, reply["id"]), 409)
    assert _stored(question["id"]).best_answer_id is None


def test_a_held_comment_cannot_be_the_best_answer(api, employee, helper, watch):
    watch("needsreview", "require_approval")
    question = ask(api(employee))
    held = answer(api(helper), question, "needsreview maybe")
    assert held["moderation_state"] == "pending"
    assert_error(choose(api(employee), question, held["id"]), 409)


def test_a_best_answer_hidden_later_no_longer_shows_anywhere(api, employee, helper, cm, fred):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    choose(api(employee), question, reply["id"])
    case_id = reported_case(api(fred), "comment", reply["id"])
    assert act(api(cm), case_id, "hide", close=False).status_code == 200
    for reader in (api(employee), api(helper), api(fred)):
        shown = reader.get(f"{API}/posts/{question['id']}").get_json()
        assert (shown["answered"], shown["best_answer"]) == (False, None)
    assert listed(api(employee), "?status=unanswered") == [question["id"]]
    assert listed(api(employee), "?status=answered") == []
    assert act(api(cm), case_id, "restore").status_code == 200  # it counts again
    assert api(fred).get(f"{API}/posts/{question['id']}").get_json()["answered"] is True
    assert listed(api(employee), "?status=answered") == [question["id"]]


def test_marking_a_plain_post_is_409(api, employee, helper):
    post = api(employee).post(f"{API}/posts", {"body": "Not a question"}).get_json()
    reply = answer(api(helper), post)
    error = assert_error(choose(api(employee), post, reply["id"]), 409)
    assert "not a question" in error["message"]
    assert_error(api(employee).delete(f"{API}/posts/{post['id']}/best-answer"), 409)


def test_an_archived_groups_question_is_read_only(api, employee, helper, make_group, admin):
    group = make_group("Old team", "public", members=(employee, helper))
    question = ask(api(employee), group_id=group.id)
    reply = answer(api(helper), question)
    assert api(admin).patch(f"{API}/groups/{group.id}", {"archived": True}).status_code == 200
    assert_error(choose(api(employee), question, reply["id"]), 403)


def test_unmarking_makes_the_question_unanswered_again(
    api, employee, helper, capture_events, document
):
    check = Checker(document)
    question = ask(api(employee))
    reply = answer(api(helper), question)
    choose(api(employee), question, reply["id"])
    capture_events.events.clear()
    url = f"{API}/posts/{question['id']}/best-answer"
    body = check(api(employee).delete(url), "delete", "/posts/{post_id}/best-answer").get_json()
    assert (body["answered"], body["best_answer"]) == (False, None)
    stored = _stored(question["id"])
    assert stored.best_answer_id is None and stored.best_answer_at is None
    [event] = capture_events.of_type("question.unanswered")
    assert event.room == "company" and event.payload["data"]["reason"] == "unmarked"
    assert api(employee).delete(url).status_code == 200  # idempotent, and quiet
    assert len(capture_events.of_type("question.unanswered")) == 1


def test_deleting_the_best_answer_makes_the_question_unanswered_and_says_so(
    api, employee, helper, capture_events
):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    choose(api(employee), question, reply["id"])
    capture_events.events.clear()
    assert api(helper).delete(f"{API}/comments/{reply['id']}").status_code == 204
    stored = _stored(question["id"])
    assert stored.best_answer_id is None and stored.best_answer_at is None
    [event] = capture_events.of_type("question.unanswered")
    assert event.payload["data"] == {
        "post_id": question["id"],
        "answered": False,
        "best_answer": None,
        "reason": "deleted",
    }
    assert listed(api(employee), "?status=unanswered") == [question["id"]]


def test_deleting_another_comment_keeps_the_best_answer(api, employee, helper, capture_events):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    other = answer(api(helper), question, "Also: ask reception.")
    choose(api(employee), question, reply["id"])
    assert api(helper).delete(f"{API}/comments/{other['id']}").status_code == 204
    assert _stored(question["id"]).best_answer_id == reply["id"]
    assert not capture_events.of_type("question.unanswered")


def test_a_best_answer_removed_from_the_database_leaves_the_question_unanswered(
    api, employee, helper
):
    """The foreign key is ON DELETE SET NULL (an account erased with its comments)."""
    question = ask(api(employee))
    reply = answer(api(helper), question)
    choose(api(employee), question, reply["id"])
    db.session.execute(Comment.__table__.delete().where(Comment.id == reply["id"]))
    db.session.commit()
    assert _stored(question["id"]).best_answer_id is None


def test_the_answered_event_reaches_the_group_room_only(
    api, employee, helper, make_group, capture_events
):
    group = make_group("Facilities", "private", members=(employee, helper))
    question = ask(api(employee), group_id=group.id)
    reply = answer(api(helper), question)
    capture_events.events.clear()
    choose(api(employee), question, reply["id"])
    assert capture_events.rooms("question.answered") == {f"group:{group.id}"}


# --- the lists ---------------------------------------------------------------------------


def test_questions_are_listed_oldest_first_by_status(api, employee, helper):
    me = api(employee)
    first, second, third = ask(me, "First?"), ask(me, "Second?"), ask(me, "Third?")
    me.post(f"{API}/posts", {"body": "A plain post?"})
    choose(me, second, answer(api(helper), second)["id"])
    assert listed(me) == [first["id"], second["id"], third["id"]]
    assert listed(me, "?status=unanswered") == [first["id"], third["id"]]
    assert listed(me, "?status=answered") == [second["id"]]


def test_the_list_pages_with_a_cursor_bound_to_its_filter(api, employee):
    me = api(employee)
    ids = [ask(me, f"Q{i}?")["id"] for i in range(5)]
    page1 = me.get(f"{API}/questions?status=unanswered&limit=2").get_json()
    page2 = me.get(
        f"{API}/questions?status=unanswered&limit=2&cursor={page1['next_cursor']}"
    ).get_json()
    assert [p["id"] for p in page1["items"] + page2["items"]] == ids[:4]
    assert_error(me.get(f"{API}/questions?status=answered&cursor={page1['next_cursor']}"), 400)


def test_the_list_filters_by_group_and_topic(api, employee, make_group):
    group = make_group("Facilities", "public", members=(employee,))
    me = api(employee)
    in_group = ask(me, "Parking?", body="About #parking", group_id=group.id)
    company = ask(me, "Canteen?", body="About #food")
    assert listed(me, f"?group_id={group.id}") == [in_group["id"]]
    assert listed(me, "?topic=parking") == [in_group["id"]]
    assert listed(me, "?topic=%23Food") == [company["id"]]
    assert listed(me, f"?group_id={group.id}&topic=food") == []


def test_the_list_shows_only_what_the_caller_may_see(api, employee, fred, make_group):
    secret = make_group("Secret", "secret", members=(employee,))
    me = api(employee)
    hidden = ask(me, "Secret?", group_id=secret.id)
    public = ask(me, "Public?")
    assert listed(me) == [hidden["id"], public["id"]]
    assert listed(api(fred)) == [public["id"]]
    assert_error(api(fred).get(f"{API}/questions?group_id={secret.id}"), 404)
    assert_error(api(fred).get(f"{API}/questions?group_id={secret.id + 999}"), 404)


@pytest.mark.parametrize(
    "query", ["?status=open", "?group_id=abc", "?group_id=0", "?topic=" + "x" * 101]
)
def test_bad_list_parameters_are_400(api, employee, query):
    assert_error(api(employee).get(f"{API}/questions{query}"), 400)


def test_the_list_answers_match_the_document(api, employee, document):
    check = Checker(document)
    ask(api(employee))
    check(api(employee).get(f"{API}/questions?status=unanswered"), "get", "/questions")
    check(api(employee).get(f"{API}/questions?status=nope"), "get", "/questions")


# --- analytics ---------------------------------------------------------------------------


def _age(post_id: int, **created_ago) -> None:
    db.session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(created_at=utcnow() - timedelta(**created_ago))
    )


def test_answer_analytics_per_group_with_medians(api, employee, helper, cm, make_group, document):
    check = Checker(document)
    group = make_group("Facilities", "public", members=(employee, helper))
    me = api(employee)
    q1, q2, q3 = ask(me, "One?"), ask(me, "Two?"), ask(me, "Three?")
    in_group = ask(me, "Group?", group_id=group.id)
    a1 = answer(api(helper), q1)
    a2 = answer(api(helper), q2)
    answer(api(employee), q3, "My own comment is no answer")
    choose(me, q1, a1["id"])
    now = utcnow()
    for post_id, hours in ((q1["id"], 10), (q2["id"], 4), (q3["id"], 2), (in_group["id"], 1)):
        db.session.execute(
            update(Post).where(Post.id == post_id).values(created_at=now - timedelta(hours=hours))
        )
    db.session.execute(
        update(Comment).where(Comment.id == a1["id"]).values(created_at=now - timedelta(hours=8))
    )
    db.session.execute(
        update(Comment).where(Comment.id == a2["id"]).values(created_at=now - timedelta(hours=3))
    )
    db.session.execute(
        update(Post).where(Post.id == q1["id"]).values(best_answer_at=now - timedelta(hours=6))
    )
    db.session.commit()
    report = check(api(cm).get(f"{API}/analytics/answers"), "get", "/analytics/answers").get_json()
    company, grouped = report["items"]
    assert company == {
        "group_id": None,
        "group_name": None,
        "asked": 3,
        "answered": 1,
        "answered_share": 0.3333,
        "median_hours_to_first_answer": 1.5,  # 2 h (q1) and 1 h (q2); q3: only its asker
        "median_hours_to_best_answer": 4.0,
    }
    assert grouped["group_id"] == group.id and grouped["group_name"] == "Facilities"
    assert (grouped["asked"], grouped["answered"], grouped["answered_share"]) == (1, 0, 0.0)
    assert grouped["median_hours_to_first_answer"] is None
    assert report["total"]["asked"] == 4 and report["total"]["answered"] == 1


def test_answer_analytics_are_for_community_managers(api, employee):
    assert_error(api(employee).get(f"{API}/analytics/answers"), 403)


def test_answer_analytics_count_only_what_the_reader_may_read(api, employee, cm, make_group):
    secret = make_group("Secret", "secret", members=(employee,))
    ask(api(employee), "Secret?", group_id=secret.id)
    report = api(cm).get(f"{API}/analytics/answers").get_json()
    assert report["items"] == [] and report["total"]["asked"] == 0


# --- pages -------------------------------------------------------------------------------


def test_the_composer_asks_a_question_on_the_web(signed_in, employee, make_group):
    group = make_group("Facilities", "public", members=(employee,))
    browser = signed_in(employee)
    page = html_of(browser.get("/"))
    assert 'id="question-composer"' in page and 'name="title"' in page
    response = form(
        browser, "/questions", title="Where are the bikes?", body="Details", group_id=str(group.id)
    )
    assert response.status_code == 302
    post = db.session.scalar(select(Post).where(Post.kind == "question"))
    assert (post.title, post.group_id) == ("Where are the bikes?", group.id)
    assert response.headers["Location"].endswith(f"/posts/{post.id}")


def test_a_refused_question_keeps_its_text_and_writes_nothing(signed_in, employee):
    browser = signed_in(employee)
    before = _written()
    response = form(browser, "/questions", title="", body="Kept details", next="/")
    assert response.status_code == 302
    assert _written() == before
    page = html_of(browser.get("/"))
    assert "Kept details" in page and "title cannot be empty" in page


def test_the_questions_pages_list_the_waiting_ones_oldest_first(
    signed_in, api, employee, helper, make_group
):
    group = make_group("Facilities", "public", members=(employee,))
    me = api(employee)
    old = ask(me, "Older question?")
    new = ask(me, "Newer question?")
    done = ask(me, "Answered question?")
    in_group = ask(me, "Group question?", group_id=group.id)
    choose(me, done, answer(api(helper), done)["id"])
    browser = signed_in(helper)
    page = html_of(browser.get("/questions"))
    assert "Questions waiting for an answer" in page
    assert page.index("Older question?") < page.index("Newer question?")
    assert "Answered question?" not in page
    answered = html_of(browser.get("/questions?status=answered"))
    assert "Answered question?" in answered and "✔ Best answer" in answered
    group_page = html_of(browser.get(f"/groups/{group.id}/questions"))
    assert "Group question?" in group_page and "Older question?" not in group_page
    assert old["id"] != new["id"] != in_group["id"]


def test_a_secret_groups_questions_page_is_404_for_fred(signed_in, employee, fred, make_group):
    group = make_group("Secret", "secret", members=(employee,))
    assert signed_in(employee).get(f"/groups/{group.id}/questions").status_code == 200
    assert signed_in(fred).get(f"/groups/{group.id}/questions").status_code == 404


def test_marking_and_unmarking_on_the_web(signed_in, api, employee, helper):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    asker = signed_in(employee)
    page = html_of(asker.get(f"/posts/{question['id']}"))
    assert "Mark as best answer" in page
    assert "Mark as best answer" not in html_of(signed_in(helper).get(f"/posts/{question['id']}"))
    response = form(asker, f"/posts/{question['id']}/best-answer", comment_id=str(reply["id"]))
    assert response.status_code == 302
    assert _stored(question["id"]).best_answer_id == reply["id"]
    page = html_of(asker.get(f"/posts/{question['id']}"))
    assert "Unmark best answer" in page and "Best answer chosen." in page
    assert "deleting it makes the question unanswered again" in page
    form(asker, f"/posts/{question['id']}/best-answer", action="clear")
    assert _stored(question["id"]).best_answer_id is None


def test_a_refused_choice_on_the_web_is_flashed(signed_in, api, employee, helper):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    browser = signed_in(helper)
    response = form(browser, f"/posts/{question['id']}/best-answer", comment_id=str(reply["id"]))
    assert response.status_code == 302
    assert "choose the best answer" in html_of(browser.get(f"/posts/{question['id']}"))
    assert _stored(question["id"]).best_answer_id is None


def test_deleting_the_best_answer_on_the_web_says_the_question_is_unanswered(
    signed_in, api, employee, helper
):
    question = ask(api(employee))
    reply = answer(api(helper), question)
    choose(api(employee), question, reply["id"])
    browser = signed_in(helper)
    response = form(browser, f"/comments/{reply['id']}/delete", next=f"/posts/{question['id']}")
    assert response.status_code == 302
    page = html_of(browser.get(response.headers["Location"]))
    assert "the question is unanswered again" in page


def test_the_card_shows_the_best_answer(signed_in, api, employee, helper):
    question = ask(api(employee), "Card question?")
    reply = answer(api(helper), question, "Card answer")
    choose(api(employee), question, reply["id"])
    card = html_of(signed_in(helper).get(f"/posts/{question['id']}/card"))
    assert "Card question?" in card and "Card answer" in card and "✔ Best answer" in card
    assert f'data-best-answer-id="{reply["id"]}"' in card  # app.js refreshes it when hidden


# --- the query plan ----------------------------------------------------------------------


def _sqlite_plan(query) -> str:
    """SQLite's plan for ``query`` as the server sends it: with bound parameters."""
    engine = create_engine("sqlite://")
    db.metadata.create_all(engine)
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True})
    raw = engine.raw_connection()
    try:
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        rows = raw.execute(f"EXPLAIN QUERY PLAN {compiled}", params).fetchall()
    finally:
        raw.close()
        engine.dispose()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("status", [None, "unanswered", "answered"])
def test_the_questions_list_walks_the_questions_index(status):
    """Not every post: the partial index of questions, forward, with no sort."""
    reader = User(id=7, active=True)
    plan = _sqlite_plan(questions_query(reader, status, after_id=10).limit(21))
    assert "ix_posts_questions_id" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_the_analytics_dashboard_shows_questions_and_answers(signed_in, api, cm, employee):
    ask(api(employee), "Dashboard question?")
    page = html_of(signed_in(cm).get("/analytics"))
    assert "Questions and answers" in page
    assert '<a href="/questions">Company</a></td><td>1</td><td>0 %</td>' in page
