"""The synthesis clock (issue #17): the scribe is reminded on the morning of D+1 (the next
working day), the facilitator told on the morning of D+2; each once, whatever the passes."""

from __future__ import annotations

from datetime import datetime, timedelta

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import Notification
from socialnet.services.circles import do_send_synthesis_reminders, synthesis_clock
from tests.circle_support import SYNTHESIS, make_circle, move_session, plan_session

# Friday 27 November 2026, 14:00 in Paris (UTC+1): D+1 is Monday 30 November.
FRIDAY = datetime(2026, 11, 27, 13, 0)


def _notes(user, type_: str) -> int:
    return db.session.query(Notification).filter_by(user_id=user.id, type=type_).count()


def test_the_clock_skips_the_weekend_in_the_company_time_zone():
    clock = synthesis_clock(FRIDAY)
    assert clock.remind_at == datetime(2026, 11, 30, 7, 0)  # Monday 08:00 in Paris
    assert clock.due_at == datetime(2026, 11, 30, 23, 0)  # the end of Monday in Paris
    assert clock.escalate_at == datetime(2026, 12, 1, 8, 0)  # Tuesday 09:00 in Paris
    tuesday = synthesis_clock(datetime(2026, 12, 1, 17, 0))  # 18:00 in Paris
    assert tuesday.remind_at == datetime(2026, 12, 2, 7, 0)


def test_reminder_then_escalation_once_each(api, make_user):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    move_session(session["id"], FRIDAY)
    assert do_send_synthesis_reminders(datetime(2026, 11, 29, 12, 0)) == 0  # Sunday
    assert do_send_synthesis_reminders(datetime(2026, 11, 30, 7, 5)) == 1
    db.session.commit()
    assert do_send_synthesis_reminders(datetime(2026, 11, 30, 7, 6)) == 0
    assert _notes(circle.scribe, "synthesis_due") == 1
    assert _notes(circle.facilitator, "synthesis_late") == 0
    assert do_send_synthesis_reminders(datetime(2026, 11, 30, 23, 30)) == 0  # late, not D+2
    assert do_send_synthesis_reminders(datetime(2026, 12, 1, 8, 5)) == 1
    db.session.commit()
    assert do_send_synthesis_reminders(datetime(2026, 12, 1, 9, 0)) == 0
    assert _notes(circle.facilitator, "synthesis_late") == 1
    assert _notes(circle.scribe, "synthesis_due") == 1
    listed = api(circle.facilitator).get("/api/v1/notifications").get_json()["items"]
    late = [n for n in listed if n["type"] == "synthesis_late"]
    assert late and "How we run our podcast" in late[0]["summary"]
    # the member cannot see who owes what through notifications: only these two were told
    assert (
        db.session.query(Notification)
        .filter(Notification.type.in_(("synthesis_due", "synthesis_late")))
        .count()
        == 2
    )


def test_nothing_is_sent_once_published_or_cancelled_and_the_job_loop_runs_it(api, make_user):
    circle = make_circle(api, make_user)
    published = plan_session(api, circle)
    cancelled = plan_session(api, circle, topic="Our newsletter")
    chased = plan_session(api, circle, topic="Our intranet")
    assert (
        api(circle.facilitator).post(f"/api/v1/events/{cancelled['event_id']}/cancel").status_code
        == 200
    )
    for session in (published, cancelled, chased):
        move_session(session["id"], FRIDAY)
    answer = api(circle.scribe).post(
        f"{circle.url}/sessions/{published['id']}/synthesis", SYNTHESIS
    )
    assert answer.status_code == 201
    # the job loop a week later: escalation only (no stale reminder), for the one owed
    done = run_due_jobs(datetime(2026, 12, 1, 8, 5))
    assert done["synthesis_reminders_sent"] == 1
    assert run_due_jobs(datetime(2026, 12, 1, 8, 6))["synthesis_reminders_sent"] == 0
    assert _notes(circle.scribe, "synthesis_due") == 0
    assert _notes(circle.facilitator, "synthesis_late") == 1
    too_old = FRIDAY + timedelta(days=30)
    assert do_send_synthesis_reminders(too_old) == 0
