"""Manager cascades (#18), beyond the API's answers: reminders through the job loop (once
per manager, in their language), events after commit only and to managers only, the
briefing absent from search and others' notifications, the pages and their forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from socialnet.errors import Conflict
from socialnet.extensions import db
from socialnet.i18n import for_person
from socialnet.jobs import run_due_jobs
from socialnet.models import Announcement, Briefing, BriefingRecipient, Notification
from socialnet.models._time import utcnow
from socialnet.serializers import notification_dict
from socialnet.services import briefings
from tests.briefing_support import API, briefing_body, build_org, lift_embargo, sent_briefing
from tests.web import XSS, XSS_ESCAPED, form, html_of


@pytest.fixture
def org(make_user, make_group, cm, fred):
    return build_org(make_user, make_group, cm, fred)


def _reminders() -> list[int]:
    return list(
        db.session.scalars(
            select(Notification.user_id)
            .where(Notification.type == "briefing_reminder")
            .order_by(Notification.user_id)
        )
    )


def test_managers_who_have_not_relayed_are_reminded_once_after_n_hours(api, org):
    briefing = sent_briefing(api, org.cm, remind_after_hours=6)
    embargo = utcnow() + timedelta(minutes=1)
    db.session.get(Briefing, briefing["id"]).embargo_at = embargo
    db.session.commit()
    assert api(org.manager).post(f"{API}/briefings/{briefing['id']}/relay", {}).status_code == 409
    assert briefings.do_send_relay_reminders(embargo + timedelta(hours=5, minutes=59)) == 0
    db.session.get(BriefingRecipient, (briefing["id"], org.manager.id)).relayed_at = embargo
    db.session.commit()  # Marc relayed in time
    done = run_due_jobs(embargo + timedelta(hours=6))
    assert done["briefing_reminders_sent"] == 3
    assert _reminders() == sorted([org.ceo.id, org.lead.id, org.paris_boss.id])
    assert run_due_jobs(embargo + timedelta(hours=7))["briefing_reminders_sent"] == 0
    assert briefings.do_send_relay_reminders(embargo + timedelta(days=2)) == 0
    assert len(_reminders()) == 3


def test_a_reminder_speaks_the_manager_s_language(api, org):
    org.lead.language = "fr"
    db.session.commit()
    briefing = sent_briefing(api, org.cm)
    lift_embargo(briefing["id"], hours_ago=25)
    assert briefings.do_send_relay_reminders() == 4
    db.session.commit()
    note = db.session.scalars(
        select(Notification).where(
            Notification.type == "briefing_reminder", Notification.user_id == org.lead.id
        )
    ).one()
    with for_person(org.lead):
        said = notification_dict(note, None)
    assert said["summary"] == f"Votre équipe attend : relayez le briefing {briefing['title']}"
    assert said["url"] == f"/briefings/{briefing['id']}"
    with for_person(org.ceo):
        assert notification_dict(note, None)["summary"].startswith("Your team is waiting")


def test_events_leave_after_commit_and_only_to_the_managers(org, capture_events):
    draft = briefings.do_create_briefing(org.cm, briefing_body())
    db.session.commit()
    briefings.do_send_briefing(org.cm, draft.id)
    assert capture_events.events == []  # nothing before the commit
    db.session.commit()
    rooms = {e.room for e in capture_events.events}
    managers = {org.ceo.id, org.manager.id, org.lead.id, org.paris_boss.id}
    assert rooms == {f"user:{uid}" for uid in managers}
    assert {e.type for e in capture_events.events} == {"notification.created"}

    capture_events.events.clear()
    draft2 = briefings.do_create_briefing(org.cm, briefing_body(title="Second"))
    db.session.commit()
    briefings.do_send_briefing(org.cm, draft2.id)
    db.session.rollback()  # a rolled-back send says nothing
    assert capture_events.events == []
    assert db.session.get(Briefing, draft2.id).sent_at is None


def test_a_briefing_leaks_nowhere_else(api, org):
    briefing = sent_briefing(api, org.cm, title="Projet Zephyr confidentiel")
    for person in (org.employee, org.fred, org.guest):
        client = api(person)
        found = client.get(f"{API}/search?q=Zephyr").get_data(as_text=True)
        assert "Zephyr" not in found
        notes = client.get(f"{API}/notifications").get_data(as_text=True)
        assert "Zephyr" not in notes
    assert "Zephyr" in api(org.manager).get(f"{API}/notifications").get_data(as_text=True)
    assert briefing["status"] == "sent"


def test_a_relay_claimed_meanwhile_by_another_request_writes_nothing(api, org):
    briefing = sent_briefing(api, org.cm)
    lift_embargo(briefing["id"])
    row = db.session.get(BriefingRecipient, (briefing["id"], org.manager.id))
    assert row.relayed_at is None  # what this request read ...
    db.session.execute(  # ... before another request claimed the relay
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing["id"],
            BriefingRecipient.manager_id == org.manager.id,
        )
        .values(relayed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict):
        briefings.do_relay(org.manager, briefing["id"], {})
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0


def test_the_pages_brief_relay_and_answer(api, org, signed_in, make_user):
    team = signed_in(org.cm)
    page = team.get("/briefings")
    assert page.status_code == 200 and 'id="new-briefing"' in html_of(page)
    embargo = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    created = form(
        team,
        "/briefings",
        title=XSS,
        key_messages="First message\n\nSecond message",
        talking_points="Start with why",
        embargo_at=embargo,
        audience_kind="managers",
    )
    assert created.status_code == 302
    briefing = db.session.scalars(select(Briefing)).one()
    assert briefing.key_messages == ["First message", "Second message"]
    shown = html_of(team.get(f"/briefings/{briefing.id}"))
    assert XSS_ESCAPED in shown and XSS not in shown and 'id="send"' in shown
    refused = form(team, "/briefings", title="x", key_messages="", embargo_at=embargo)
    assert refused.status_code == 422
    assert "Give at least one key message." in html_of(refused)
    assert form(team, f"/briefings/{briefing.id}/send").status_code == 302

    marc = signed_in(org.manager)
    assert "Briefings" in html_of(marc.get("/"))
    shown = html_of(marc.get(f"/briefings/{briefing.id}"))
    assert "First message" in shown and 'name="body"' not in shown  # under embargo
    assert db.session.get(BriefingRecipient, (briefing.id, org.manager.id)).read_at
    assert form(marc, f"/briefings/{briefing.id}/relay", title="t", body="b").status_code == 302
    assert db.session.get(BriefingRecipient, (briefing.id, org.manager.id)).relayed_at is None
    lift_embargo(briefing.id)
    shown = html_of(marc.get(f"/briefings/{briefing.id}"))
    assert 'name="body"' in shown and "- First message" in shown
    assert form(marc, f"/briefings/{briefing.id}/relay", title="News", body="Hi").status_code == 302
    assert db.session.get(BriefingRecipient, (briefing.id, org.manager.id)).announcement_id

    emma = signed_in(org.employee)
    assert "Briefings" not in html_of(emma.get("/"))
    assert emma.get(f"/briefings/{briefing.id}").status_code == 404
    assert emma.get("/briefings").status_code == 404
    assert emma.get(f"/briefings/{briefing.id}/ask").status_code == 200
    assert form(emma, f"/briefings/{briefing.id}/ask", question="When?").status_code == 302
    question = db.session.scalars(select(briefings.questions.BriefingQuestion)).all()[-1]
    assert question.asked_by_id == org.employee.id
    answered = form(
        team, f"/briefings/{briefing.id}/questions/{question.id}/answer", answer="In March."
    )
    assert answered.status_code == 302
    assert "In March." in html_of(emma.get(f"/briefings/{briefing.id}/ask"))
    fred = signed_in(org.fred)
    assert fred.get(f"/briefings/{briefing.id}/ask").status_code == 404
    assert form(fred, f"/briefings/{briefing.id}/ask", question="?").status_code == 404


def test_an_export_holds_one_s_briefings_and_removal_erases_one_s_questions(api, org, admin):
    from socialnet.services.personal_data import collect
    from tests.conftest import PASSWORD

    briefing = sent_briefing(api, org.cm)
    lift_embargo(briefing["id"])
    api(org.manager).post(f"{API}/briefings/{briefing['id']}/relay", {})
    asked = {"question": "zanzibarmarker: when?"}
    assert api(org.employee).post(f"{API}/briefings/{briefing['id']}/questions", asked)
    marc = collect(org.manager)["briefings_received"]
    assert [(b["briefing_id"], b["relayed_at"] is not None) for b in marc] == [
        (briefing["id"], True)
    ]
    emma = collect(org.employee)
    assert emma["briefings_received"] == []
    assert [q["question"] for q in emma["briefing_questions"]] == ["zanzibarmarker: when?"]

    settings = api(admin).patch(f"{API}/admin/settings", {"account_deletion": "remove"})
    assert settings.status_code == 200
    gone = api(org.employee).delete(f"{API}/me", json_body={"password": PASSWORD})
    assert gone.status_code == 204
    db.session.expire_all()
    left = db.session.scalars(select(briefings.questions.BriefingQuestion.question)).all()
    assert left == ["Will I move?"]  # the team's own Q&A stays


@pytest.mark.parametrize("embargo", ["0001-01-01T00:00", "9999-12-31T23:59", "tomorrow"])
def test_an_embargo_off_the_calendar_is_refused_with_a_message_and_nothing_written(
    org, signed_in, embargo
):
    """Year 1 in Paris is before UTC's year 1: converting it overflowed into a 500."""
    team = signed_in(org.cm)
    refused = form(team, "/briefings", title="x", key_messages="One", embargo_at=embargo)
    assert refused.status_code in (400, 422)
    assert 'class="flash' in html_of(refused) or "embargo" in html_of(refused).lower()
    assert db.session.scalar(select(func.count()).select_from(Briefing)) == 0


def test_the_team_follows_the_cascade_on_the_page_in_french(api, org, signed_in):
    org.cm.language = "fr"
    org.manager.language = "fr"
    db.session.commit()
    briefing = sent_briefing(api, org.cm)
    marc = signed_in(org.manager)
    refused = form(marc, f"/briefings/{briefing['id']}/relay", title="t", body="b")
    assert refused.status_code == 302
    shown = html_of(marc.get(refused.headers["Location"]))
    assert "sous embargo jusqu’au" in shown and "Europe/Paris" in shown
    lift_embargo(briefing["id"])
    form(marc, f"/briefings/{briefing['id']}/relay", title="Nouvelles", body="Bonjour")
    page = html_of(signed_in(org.cm).get(f"/briefings/{briefing['id']}"))
    assert "La cascade" in page and "4 managers briefés" in page
    assert "1 l’a relayé" in page and "3 salariés sur 9 touchés" in page
    assert "Paul Paris" in page  # not relayed yet
