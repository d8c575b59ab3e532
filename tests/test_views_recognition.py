"""Poll pages with the Flask test client: composer, rendering, voting without JavaScript.

CSRF stays on: each form post carries the token read from a rendered page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialnet.extensions import db
from socialnet.models import Ballot, Poll
from socialnet.models._time import utcnow
from socialnet.services import polls
from tests.web import XSS, XSS_ESCAPED, form, html_of


def make_poll(user, **fields):
    data = {"question": "Lunch?", "options": ["Pizza", "Sushi", "Salad"], **fields}
    post = polls.do_create_poll(user, data)
    db.session.commit()
    return db.session.query(Poll).filter_by(post_id=post.id).one()


def test_the_feed_has_a_poll_composer_that_works_without_javascript(signed_in, employee):
    me = signed_in(employee)
    page = html_of(me.get("/"))
    assert 'id="poll-composer"' in page and 'action="/polls"' in page
    response = form(
        me,
        "/polls",
        {
            "question": "Where to?",
            "option": ["Lyon", "", "Paris"],
            "kind": "choice",
            "results": "always",
            "next": "/",
        },
    )
    assert response.status_code == 302
    poll = db.session.query(Poll).one()
    assert poll.question == "Where to?" and not poll.multiple
    page = html_of(me.get("/"))
    assert f'id="poll-{poll.id}"' in page and "Lyon" in page and "Paris" in page


def test_a_multiple_choice_date_and_anonymous_poll_from_the_form(signed_in, employee):
    me = signed_in(employee)
    form(
        me,
        "/polls",
        {
            "question": "Pick",
            "option": ["A", "B", "C"],
            "multiple": "on",
            "max_choices": "2",
            "anonymous": "on",
            "results": "after_vote",
        },
    )
    poll = db.session.query(Poll).one()
    assert poll.multiple and poll.max_choices == 2 and poll.anonymous
    soon = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    slots = [
        soon.strftime("%Y-%m-%dT%H:%M"),
        (soon + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    ]
    response = form(
        me, "/polls", {"question": "Meeting", "kind": "date", "slot": slots, "tz_offset": "0"}
    )
    assert response.status_code == 302
    date_poll = db.session.query(Poll).filter_by(kind="date").one()
    page = html_of(me.get("/"))
    assert 'name="answer-' in page and "Pick this slot" in page
    assert date_poll.question == "Meeting"


def test_a_refused_poll_says_why(signed_in, employee):
    me = signed_in(employee)
    response = form(me, "/polls", {"question": "Only one", "option": ["A"]}, next="/")
    assert response.status_code == 302
    assert "at least 2" in html_of(me.get("/"))
    assert db.session.query(Poll).count() == 0


def test_poll_forms_need_csrf(signed_in, employee):
    me = signed_in(employee)
    poll = make_poll(employee)
    for path in ("/polls", f"/polls/{poll.id}/vote", f"/polls/{poll.id}/close"):
        assert me.post(path, data={"csrf_token": "forged"}).status_code == 400, path
    assert db.session.query(Ballot).count() == 0


def test_voting_without_javascript_marks_my_choice_and_shows_counts(signed_in, employee, fred):
    poll = make_poll(employee)
    data = polls.results(employee, poll)
    pizza_id = data["options"][0]["id"]
    me = signed_in(fred)
    response = form(me, f"/polls/{poll.id}/vote", option_id=str(pizza_id), next="/")
    assert response.status_code == 302 and response.location.endswith(f"#post-{poll.post_id}")
    page = html_of(me.get("/"))
    assert "Your vote" in page and "1 vote" in page and "Change my vote" in page
    # changing the vote, then withdrawing it
    sushi_id = data["options"][1]["id"]
    form(me, f"/polls/{poll.id}/vote", option_id=str(sushi_id), next="/")
    assert polls.results(fred, poll)["my_choices"] == [sushi_id]
    form(me, f"/polls/{poll.id}/vote", retract="1", next="/")
    assert db.session.query(Ballot).count() == 0


def test_a_bad_vote_is_refused_with_a_message(signed_in, employee, fred):
    poll = make_poll(employee)
    me = signed_in(fred)
    form(me, f"/polls/{poll.id}/vote", next="/")
    assert "Choose at least one option" in html_of(me.get("/"))


def test_results_after_vote_are_hidden_until_i_vote(signed_in, employee, fred):
    poll = make_poll(employee, results="after_vote")
    page = html_of(signed_in(fred).get(f"/posts/{poll.post_id}"))
    assert "Results are shown after you vote." in page and "poll-bar" not in page
    author_page = html_of(signed_in(employee).get(f"/posts/{poll.post_id}"))
    assert "poll-bar" in author_page and "Close poll" in author_page
    assert "results.csv" in author_page


def test_only_author_and_community_managers_see_close_and_export(signed_in, employee, fred, cm):
    poll = make_poll(employee)
    assert "Close poll" not in html_of(signed_in(fred).get(f"/posts/{poll.post_id}"))
    cm_client = signed_in(cm)
    assert "Close poll" in html_of(cm_client.get(f"/posts/{poll.post_id}"))
    form(signed_in(fred), f"/polls/{poll.id}/close", next="/")
    db.session.refresh(poll)
    assert poll.closed_at is None
    form(cm_client, f"/polls/{poll.id}/close", next="/")
    db.session.refresh(poll)
    assert poll.closed_at is not None
    page = html_of(signed_in(fred).get(f"/posts/{poll.post_id}"))
    assert "Closed" in page and "Change my vote" not in page and ">Vote<" not in page


def test_date_poll_answers_and_final_slot(signed_in, employee, fred):
    soon = utcnow() + timedelta(days=3)
    slots = [(soon + timedelta(hours=h)).isoformat() for h in (0, 2, 4)]
    post = polls.do_create_poll(employee, {"question": "Sync?", "kind": "date", "slots": slots})
    db.session.commit()
    poll = db.session.query(Poll).filter_by(post_id=post.id).one()
    ids = [o["id"] for o in polls.results(employee, poll)["options"]]
    me = signed_in(fred)
    form(
        me,
        f"/polls/{poll.id}/vote",
        {f"answer-{ids[0]}": "maybe", f"answer-{ids[1]}": "yes", f"answer-{ids[2]}": "no"},
        next="/",
    )
    data = polls.results(fred, poll)
    assert data["my_answers"] == {str(ids[0]): "maybe", str(ids[1]): "yes", str(ids[2]): "no"}
    page = html_of(me.get(f"/posts/{poll.post_id}"))
    assert "is-best" in page and "Pick this slot" not in page
    author = signed_in(employee)
    form(author, f"/polls/{poll.id}/final", option_id=str(ids[1]), next="/")
    db.session.refresh(poll)
    assert poll.final_option_id == ids[1]
    assert "is-final" in html_of(author.get(f"/posts/{poll.post_id}"))


def test_poll_text_is_escaped(signed_in, employee, fred):
    poll = make_poll(employee, question=f"Q {XSS}", options=[f"A {XSS}", "B"])
    page = html_of(signed_in(fred).get("/"))
    assert XSS not in page and XSS_ESCAPED in page
    fragment = html_of(signed_in(fred).get(f"/polls/{poll.id}/fragment?next=/"))
    assert XSS not in fragment and XSS_ESCAPED in fragment


def test_the_poll_fragment_is_404_for_a_poll_i_cannot_see(signed_in, employee, fred, app):
    poll = make_poll(employee)
    assert signed_in(fred).get(f"/polls/{poll.id}/fragment").status_code == 200
    assert signed_in(fred).get("/polls/99999/fragment").status_code == 404
    assert app.test_client().get(f"/polls/{poll.id}/fragment").status_code == 302


# --- kudos, celebrations, leaderboard, preferences ---------------------------------------


@pytest.fixture
def values(admin):
    from socialnet.services import kudos

    made = [
        kudos.do_create_value(admin, {"name": "Entraide", "emoji": "🤝"}),
        kudos.do_create_value(admin, {"name": "Audace", "emoji": "🚀"}),
    ]
    db.session.commit()
    return made


def test_kudos_from_the_form_show_in_the_feed_and_on_the_profile(signed_in, employee, fred, values):
    me = signed_in(employee)
    page = html_of(me.get("/"))
    assert 'id="kudos-composer"' in page and "Entraide" in page
    response = form(
        me,
        "/kudos",
        recipients=f"@{fred.handle}",
        value="Entraide",
        message=f"Merci {XSS}",
        next="/",
    )
    assert response.status_code == 302
    page = html_of(me.get("/"))
    assert "kudos-card" in page and XSS not in page and "&lt;script&gt;alert(" in page
    profile = html_of(me.get(f"/people/{fred.id}"))
    assert XSS not in profile and XSS_ESCAPED in profile  # the recent kudos' message
    assert "Kudos received" in profile and 'data-value="Entraide">× 1' in profile


def test_kudos_to_myself_or_an_unknown_handle_are_refused(signed_in, employee, values):
    from socialnet.models import Kudos

    me = signed_in(employee)
    form(me, "/kudos", recipients=f"@{employee.handle}", value="Entraide", message="Me", next="/")
    assert "yourself" in html_of(me.get("/"))
    form(me, "/kudos", recipients="@nobody.here", value="Entraide", message="Hi", next="/")
    assert "@nobody.here" in html_of(me.get("/"))
    assert db.session.query(Kudos).count() == 0
    assert me.post("/kudos", data={"csrf_token": "forged"}).status_code == 400


def test_team_success_composer_is_for_managers(signed_in, manager, employee, fred):
    assert 'id="team-composer"' not in html_of(signed_in(fred).get("/"))
    boss = signed_in(manager)
    assert 'id="team-composer"' in html_of(boss.get("/"))
    response = form(
        boss, "/celebrations", title="Go-live", people=f"@{employee.handle}", message="Bravo!"
    )
    assert response.status_code == 302
    page = html_of(boss.get("/"))
    assert "Team success" in page and "Go-live" in page
    assert 'id="today"' in page and "Send your wishes" in page
    other = signed_in(fred)
    form(other, "/celebrations", people=f"@{employee.handle}", message="Me too", next="/")
    assert "managers" in html_of(other.get("/"))


def test_the_leaderboard_is_for_community_managers(signed_in, cm, employee, fred, values):
    from socialnet.services import kudos

    kudos.do_give_kudos(employee, {"recipient_ids": [fred.id], "message": "Top", "value": "Audace"})
    db.session.commit()
    assert signed_in(employee).get("/kudos/leaderboard").status_code == 403
    page = html_of(signed_in(cm).get("/kudos/leaderboard?period=quarter"))
    assert "Top receivers" in page and fred.display_name in page and "Audace" in page
    assert signed_in(cm).get("/kudos/leaderboard?period=year").status_code == 400


def test_preferences_form(signed_in, employee):
    me = signed_in(employee)
    assert "Leave me out" in html_of(me.get("/settings/preferences"))
    form(me, "/settings/preferences", leaderboard_opt_out="on")
    db.session.refresh(employee)
    assert employee.leaderboard_opt_out and not employee.celebrate_birthday
    assert me.post("/settings/preferences", data={}).status_code == 400


def test_a_card_fragment_renders_kudos_for_those_who_see_it(signed_in, employee, fred, values):
    from socialnet.services import kudos

    _k, post = kudos.do_give_kudos(
        employee, {"recipient_ids": [fred.id], "message": "Thanks", "value": "Audace"}
    )
    db.session.commit()
    card = html_of(signed_in(fred).get(f"/posts/{post.id}/card?next=/"))
    assert "kudos-card" in card and "Audace" in card
    assert signed_in(fred).get("/posts/999999/card").status_code == 404


def test_a_refused_poll_keeps_what_was_typed_once(signed_in, employee):
    me = signed_in(employee)
    typed = {"question": f"Lunch {XSS}", "option": ["Only pizza", ""], "anonymous": "on"}
    response = form(me, "/polls", typed, results="after_close", next="/")
    assert response.status_code == 302 and response.location.endswith("#poll-composer")
    page = html_of(me.get("/"))
    assert "at least 2" in page
    assert 'id="poll-composer" open' in page
    assert 'value="Lunch &lt;script&gt;alert(' in page and XSS not in page
    assert 'value="Only pizza"' in page
    assert '<input type="checkbox" name="anonymous" checked>' in page
    assert '<option value="after_close" selected>' in page
    again = html_of(me.get("/"))
    assert "Only pizza" not in again and "Lunch &lt;script" not in again
    assert 'id="poll-composer" open' not in again
    assert db.session.query(Poll).count() == 0


def test_a_refused_kudos_keeps_what_was_typed_once(signed_in, employee, values):
    from socialnet.models import Kudos

    me = signed_in(employee)
    response = form(
        me,
        "/kudos",
        recipients=f"@{employee.handle}",
        value="Audace",
        message=f"Thanks to me {XSS}",
        next="/",
    )
    assert response.status_code == 302 and response.location.endswith("#kudos-composer")
    page = html_of(me.get("/"))
    assert "yourself" in page and 'id="kudos-composer" open' in page
    assert f'value="@{employee.handle}"' in page
    assert f"Thanks to me {XSS_ESCAPED}</textarea>" in page and XSS not in page
    assert 'value="Audace" required checked' in page
    again = html_of(me.get("/"))
    assert "Thanks to me" not in again and 'id="kudos-composer" open' not in again
    assert db.session.query(Kudos).count() == 0


def test_an_oversized_refused_form_is_not_kept(signed_in, employee, values):
    me = signed_in(employee)
    form(me, "/kudos", recipients="@nobody.here", value="Entraide", message="x" * 25_000, next="/")
    page = html_of(me.get("/"))
    assert "@nobody.here" in page and "x" * 100 not in page


def test_a_poll_card_offers_no_edit_link_to_its_author(employee):
    from socialnet.extensions import db
    from socialnet.services.feed import serialize_posts_for
    from socialnet.services.pages import post_permissions
    from socialnet.services.polls import do_create_poll

    post = do_create_poll(employee, {"question": "Lunch?", "options": ["Yes", "No"]})
    db.session.commit()
    [item] = serialize_posts_for(employee, [post])
    assert post_permissions(employee, [item])[post.id] == {"edit": False, "delete": True}
