"""After the start of a journey (issue #19): reminders of overdue steps (once each, in the
person's language), the final feedback (anonymous when the template says so: the author
leaks nowhere) and the onboarding figures."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta

from sqlalchemy import select

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import (
    AuditLogEntry,
    GroupMembership,
    Notification,
    OnboardingJourney,
    OnboardingStep,
    OnboardingTemplate,
    Post,
)
from socialnet.services import onboarding
from tests.conftest import PASSWORD
from tests.onboarding_support import API, make_template, steps

#: Monday 2 March 2026, 10:00 in Paris (UTC+1): far from midnight either way.
NOW = datetime(2026, 3, 2, 9, 0)
HIRED = date(2026, 2, 23)  # a week before: the day-1 step is overdue, the day-30 one not


def _start(cm, person, buddy, **template_change):
    template = onboarding.do_create_template(
        cm,
        {"name": "Welcome", "steps": steps(), "is_default": True, **template_change},
    )
    person.hire_date = HIRED
    journey = onboarding.do_start_journey(person, template=template, buddy=buddy, today=NOW.date())
    db.session.commit()
    return journey


def _steps_of(journey) -> list[OnboardingStep]:
    return list(
        db.session.scalars(
            select(OnboardingStep)
            .where(OnboardingStep.journey_id == journey.id)
            .order_by(OnboardingStep.position)
        )
    )


# --- reminders -------------------------------------------------------------------------------


def test_an_overdue_step_is_reminded_exactly_once(api, cm, employee, manager):
    journey = _start(cm, employee, manager)
    assert onboarding.do_send_overdue_reminders(datetime(2026, 2, 24, 12, 0)) == 0  # due today
    assert onboarding.do_send_overdue_reminders(NOW) == 1
    db.session.commit()
    assert onboarding.do_send_overdue_reminders(NOW + timedelta(minutes=5)) == 0
    assert run_due_jobs(NOW + timedelta(hours=1))["onboarding_reminders_sent"] == 0
    rows = db.session.scalars(
        select(Notification).where(Notification.type == "onboarding_step_overdue")
    ).all()
    assert [(n.user_id, n.text) for n in rows] == [(employee.id, "Read the handbook")]
    handbook = _steps_of(journey)[0]
    assert handbook.reminded_at is not None
    listed = api(employee).get(f"{API}/notifications").get_json()["items"]
    assert listed[0]["summary"] == "A step of your onboarding is overdue: Read the handbook"
    employee.language = "fr"
    db.session.commit()
    listed = api(employee).get(f"{API}/notifications").get_json()["items"]
    assert listed[0]["summary"] == (
        "Une étape de votre intégration est en retard : Read the handbook"
    )


def test_a_step_done_in_time_is_not_reminded(cm, employee, manager):
    journey = _start(cm, employee, manager)
    handbook = _steps_of(journey)[0]
    onboarding.do_complete_step(employee, journey.id, handbook.id, None)
    db.session.commit()
    assert onboarding.do_send_overdue_reminders(NOW) == 0


def test_the_job_loop_sends_them(cm, employee, manager):
    _start(cm, employee, manager)
    assert run_due_jobs(NOW)["onboarding_reminders_sent"] == 1
    assert run_due_jobs(NOW)["onboarding_reminders_sent"] == 0


# --- the final feedback ------------------------------------------------------------------------


def _finish(api, person, journey):
    me = api(person)
    for step in _steps_of(journey):
        body = {"answer": "Lots"} if step.action == "question" else None
        assert me.post(f"{API}/onboarding/journeys/{journey.id}/steps/{step.id}", body)\
            .status_code == 200  # fmt: skip


def test_feedback_comes_at_the_end_once_signed_by_the_person(api, cm, employee, manager):
    journey = _start(cm, employee, manager, feedback_question="What helped?")
    url = f"{API}/onboarding/journeys/{journey.id}/feedback"
    early = api(employee).post(url, {"answer": "Too soon"})
    assert early.status_code == 409
    _finish(api, employee, journey)
    assert api(manager).post(url, {"answer": "Not mine"}).status_code == 403
    assert api(employee).post(url, {"answer": "  "}).status_code == 400
    answered = api(employee).post(url, {"answer": "My buddy helped most"})
    assert answered.status_code == 200
    assert answered.get_json()["feedback"]["answered"] is True
    seen = api(manager).get(f"{API}/onboarding/journeys/{journey.id}").get_json()
    assert seen["feedback"]["answered"] is True  # signed: nothing to hide
    assert api(employee).post(url, {"answer": "Again"}).status_code == 409
    db.session.expire_all()
    post = db.session.get(Post, db.session.get(OnboardingJourney, journey.id).feedback_post_id)
    assert post.kind == "feedback" and post.author_id == employee.id
    assert "My buddy helped most" in post.body and "#onboarding" in post.body


def test_anonymous_feedback_hides_the_author_everywhere(api, cm, admin, employee, manager):
    journey = _start(cm, employee, manager, anonymous_feedback=True, feedback_question="Q?")
    _finish(api, employee, journey)
    audited_before = db.session.query(AuditLogEntry).count()
    url = f"{API}/onboarding/journeys/{journey.id}/feedback"
    assert api(employee).post(url, {"answer": "Zorbo secret lesson"}).status_code == 200
    db.session.expire_all()
    post = db.session.scalar(select(Post).where(Post.kind == "feedback"))
    assert post.author_id == cm.id  # signed by HR, the template's author
    assert db.session.get(OnboardingJourney, journey.id).feedback_post_id is None
    assert db.session.query(AuditLogEntry).count() == audited_before
    # the API: the post, the knowledge base, the journey as its manager and HR see it
    shown = api(manager).get(f"{API}/posts/{post.id}").get_json()
    assert shown["author"]["id"] == cm.id
    assert employee.display_name not in json.dumps(shown)
    library = api(manager).get(f"{API}/knowledge").get_json()
    assert employee.display_name not in json.dumps(library) and "Zorbo" in json.dumps(library)
    for viewer in (manager, cm):
        seen = api(viewer).get(f"{API}/onboarding/journeys/{journey.id}").get_json()
        assert "Zorbo secret lesson" not in json.dumps(seen)
    # the person's export does not hold it; HR's export does not name the person
    export = api(employee).get(f"{API}/me/export")
    data = zipfile.ZipFile(io.BytesIO(export.data)).read("data.json").decode()
    assert "Zorbo secret lesson" not in data
    hr_export = api(admin).get(f"{API}/users/{cm.id}/export")
    hr_data = zipfile.ZipFile(io.BytesIO(hr_export.data)).read("data.json").decode()
    assert "Zorbo secret lesson" in hr_data and employee.display_name not in hr_data


def test_anonymous_feedback_leaves_no_moment_to_match_with_the_post(
    api, cm, admin, employee, manager, capture_events
):
    """Whether and when the person answered would name them: the moment the anonymous
    post appears. Only they see ``answered``; the post and the journey keep the start of
    the company's day; the export (theirs, or an admin's on their behalf) a boolean."""
    journey = _start(cm, employee, manager, anonymous_feedback=True, feedback_question="Q?")
    _finish(api, employee, journey)
    onboarding.do_answer_feedback(employee, journey.id, {"answer": "Zorbo lesson"}, now=NOW)
    db.session.commit()
    db.session.expire_all()
    midnight_in_paris = datetime(2026, 3, 1, 23, 0)  # 2 March 00:00 at UTC+1
    post = db.session.scalar(select(Post).where(Post.kind == "feedback"))
    assert post.created_at == midnight_in_paris
    assert db.session.get(OnboardingJourney, journey.id).feedback_answered_at == midnight_in_paris
    created = [e.payload for e in capture_events.events if e.type == "post.created"]
    assert [e["data"]["created_at"][:19] for e in created] == ["2026-03-01T23:00:00"]
    url = f"{API}/onboarding/journeys/{journey.id}"
    assert api(employee).get(url).get_json()["feedback"]["answered"] is True
    for viewer in (manager, cm, admin):
        assert api(viewer).get(url).get_json()["feedback"] == {
            "question": "Q?", "anonymous": True, "answered": None
        }  # fmt: skip
    listed = api(cm).get(f"{API}/onboarding/journeys").get_json()["items"]
    assert [j["feedback"]["answered"] for j in listed] == [None]
    exports = (api(employee), "/me/export"), (api(admin), f"/users/{employee.id}/export")
    for client, path in exports:
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"{API}{path}").data))
        entry = json.loads(archive.read("data.json"))["onboarding"]
        assert entry["feedback_answered"] is True and entry["feedback_post_id"] is None
        assert "feedback_answered_at" not in entry and "2026-03-01T23" not in json.dumps(entry)


def test_a_feedback_group_is_one_the_answer_can_be_posted_in(
    api, cm, employee, manager, make_group
):
    """Signed answers are the person's posts (the knowledge base shows their author), and
    only members post in a group: a signed answer goes to a public group, which the person
    joins as they answer; a private group takes anonymous answers its signer can post in."""
    private = make_group("HR lessons", visibility="private", members=(cm,))
    closed = make_group("Closed lessons", visibility="private")
    templates = f"{API}/onboarding/templates"
    body = {"name": "T", "steps": steps(), "feedback_question": "Q?"}
    refused = api(cm).post(
        templates, {**body, "feedback_group_id": private.id}, headers={"Accept-Language": "fr"}
    )
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {"feedback_group_id": "not_public"}
    assert "groupe public" in refused.get_json()["message"]
    unsigned = api(cm).post(
        templates, {**body, "feedback_group_id": closed.id, "anonymous_feedback": True}
    )
    assert unsigned.status_code == 422
    assert unsigned.get_json()["fields"] == {"feedback_group_id": "signer_not_member"}
    assert db.session.query(OnboardingTemplate).count() == 0
    anonymous = make_template(api(cm), feedback_group_id=private.id, anonymous_feedback=True)
    made_signed = api(cm).patch(f"{templates}/{anonymous['id']}", {"anonymous_feedback": False})
    assert made_signed.status_code == 422
    db.session.expire_all()
    assert db.session.get(OnboardingTemplate, anonymous["id"]).anonymous_feedback is True
    # a public group the new joiner is not in: they join it as they answer
    public = make_group("Lessons learned", visibility="public")
    journey = _start(cm, employee, manager, feedback_question="Q?", feedback_group_id=public.id)
    _finish(api, employee, journey)
    url = f"{API}/onboarding/journeys/{journey.id}/feedback"
    answered = api(employee).post(url, {"answer": "Zorbo in the open"})
    assert answered.status_code == 200, answered.get_json()
    db.session.expire_all()
    post = db.session.get(Post, db.session.get(OnboardingJourney, journey.id).feedback_post_id)
    assert (post.author_id, post.group_id) == (employee.id, public.id)
    assert db.session.get(GroupMembership, (public.id, employee.id)) is not None


# --- figures -------------------------------------------------------------------------------


def test_onboarding_figures(api, cm, employee, manager, make_user, fred):
    first = _start(cm, employee, manager)
    second_person = make_user("Nina New")
    second_person.hire_date = HIRED
    second = onboarding.do_start_journey(second_person, buddy=manager, today=NOW.date())
    db.session.commit()
    # the first journey: every step done; the handbook late (due 24/02, done 26/02)
    for step in _steps_of(first):
        step.completed_at = datetime(2026, 2, 26, 10, 0)
    first.completed_at = datetime(2026, 2, 26, 10, 0)
    db.session.commit()
    first.feedback_answered_at = datetime(2026, 2, 26, 23, 0)
    db.session.commit()
    figures = onboarding.onboarding_figures(NOW.date())
    assert (figures["in_progress"], figures["completed"], figures["total"]) == (1, 1, 2)
    assert figures["completion_rate"] == 0.5 and figures["feedback_answered"] == 1
    # the handbook: late in both (done late, and undone past due); the question: never
    assert figures["late_steps"] == [
        {"template_name": "Welcome", "title": "Read the handbook", "late": 2, "total": 2,
         "late_rate": 1.0},
    ]  # fmt: skip
    assert second.completed_at is None
    refused = api(employee).get(f"{API}/analytics/onboarding")
    assert refused.status_code == 403
    csv = api(cm).get(f"{API}/analytics/onboarding.csv")
    assert csv.status_code == 200
    assert csv.get_data(as_text=True).splitlines()[0] == "template,step,late,total,late_rate"


def test_figures_leave_out_deactivated_people(cm, employee, manager):
    _start(cm, employee, manager)
    employee.active = False
    db.session.commit()
    assert onboarding.onboarding_figures(NOW.date())["total"] == 0


def test_api_template_then_the_journey_of_a_new_joiner_in_french(api, cm, employee):
    template = make_template(api(cm))
    english = api(cm).post(
        f"{API}/onboarding/templates",
        {"name": "T", "steps": [{"day_offset": -2, "title": "x"}]},
        headers={"Accept-Language": "fr"},
    )
    assert english.status_code == 422
    assert "date d’arrivée" in english.get_json()["message"]
    assert template["steps"][0]["title"] == "Read the handbook"


# --- personal data -----------------------------------------------------------------------------


def test_export_holds_the_journey_and_deletion_forgets_it(api, cm, employee, manager, make_user):
    journey = _start(cm, employee, manager)
    journey_id = journey.id
    question = _steps_of(journey)[-1]
    url = f"{API}/onboarding/journeys/{journey_id}/steps/{question.id}"
    assert api(employee).post(url, {"answer": "Zorbo canteen"}).status_code == 200
    export = api(employee).get(f"{API}/me/export")
    data = json.loads(zipfile.ZipFile(io.BytesIO(export.data)).read("data.json"))
    assert data["onboarding"]["template_name"] == "Welcome"
    assert data["onboarding"]["steps"][-1]["answer"] == "Zorbo canteen"
    # the buddy deletes their account: the journey gets another buddy, or none, visibly
    other = make_user("Otto Other", department="Engineering", site="Lyon")
    gone = api(manager).call("DELETE", f"{API}/me", {"password": PASSWORD})
    assert gone.status_code == 204, gone.get_json()
    db.session.expire_all()
    kept = db.session.get(OnboardingJourney, journey_id)
    assert kept.buddy_id == other.id and kept.buddy_replaced_at is not None
    # the person deletes theirs: the journey and its answers go
    mine = api(employee).call("DELETE", f"{API}/me", {"password": PASSWORD})
    assert mine.status_code == 204
    db.session.expunge_all()
    assert (
        db.session.scalar(select(OnboardingJourney.id).where(OnboardingJourney.id == journey_id))
        is None
    )
    assert (
        db.session.scalar(select(OnboardingStep.id).where(OnboardingStep.journey_id == journey_id))
        is None
    )
