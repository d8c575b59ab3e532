"""The newer features around the guest of the guest matrix (tests/test_guest_leaks.py):
a circle with a shared synthesis, pain points, lessons learned, newsletters (and the emails
they sent), a shareable post, an onboarding journey, a briefing, the editorial calendar,
and rows from before the guest became one. Everything outside says "zephyr"."""

from __future__ import annotations

from datetime import date, timedelta

from socialnet.extensions import db, mail
from socialnet.jobs import run_due_jobs
from socialnet.models import (
    BriefingRecipient,
    Correspondent,
    GroupMembership,
    OnboardingJourney,
)
from socialnet.models._time import utcnow
from tests.briefing_support import sent_briefing
from tests.circle_support import SYNTHESIS, at, move_session
from tests.group_fixtures import API
from tests.onboarding_support import make_template
from tests.test_guest_leaks import World, build_world


def _created(response) -> dict:
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def _circle(world: World) -> None:
    out = world.client(world.outsider)
    circle = _created(
        out.post(
            f"{API}/circles",
            {
                "name": "Zephyr circle",
                "description": "Zephyr peers",
                "facilitator_id": world.outsider.id,
                "member_ids": [world.colleague.id],
                "cadence": "monthly",
            },
        )
    )
    url = f"{API}/circles/{circle['id']}"
    session = _created(
        out.post(
            f"{url}/sessions",
            {
                "topic": "Zephyr podcast",
                "starts_at": at(days=2),
                "presenter_id": world.outsider.id,
                "scribe_id": world.colleague.id,
            },
        )
    )
    topic = _created(out.post(f"{url}/topics", {"title": "Zephyr topic"}))
    world.extra.update(circle=circle["id"], session=session["id"], topic=topic["id"])
    world.extra["session_event"] = session["event_id"]
    assert isinstance(session["event_id"], int), session
    _synthesis(world, url)


def _synthesis(world: World, url: str) -> None:
    """A past session's synthesis (in the circle), shared with the company by the outsider."""
    body = {"topic": "Zephyr retro", "starts_at": at(days=3), "presenter_id": world.outsider.id}
    body["scribe_id"] = world.colleague.id
    past = _created(world.client(world.outsider).post(f"{url}/sessions", body))
    move_session(past["id"], utcnow() - timedelta(hours=3))
    text = {**SYNTHESIS, "context": "The Zephyr team started a podcast."}
    scribe = world.client(world.colleague)
    written = _created(scribe.post(f"{url}/sessions/{past['id']}/synthesis", text))
    shared = _created(
        world.client(world.outsider).post(f"{url}/sessions/{past['id']}/synthesis/share")
    )
    world.extra.update(
        past_session=past["id"], synthesis=written["post_id"], shared=shared["shared_post_id"]
    )


def _pain_points_and_lessons(world: World) -> None:
    out, mate = world.client(world.outsider), world.client(world.colleague)
    body = {"title": "Zephyr badge reader", "description": "Zephyr fails daily"}
    world.extra["pain_point"] = _created(out.post(f"{API}/pain-points", body))["id"]
    own = {"title": "Atlas badge reader", "description": "Fails", "group_id": world.own_group}
    world.extra["own_pain_point"] = _created(mate.post(f"{API}/pain-points", own))["id"]
    lesson = {
        "title": "Zephyr redesign",
        "context": "Zephyr, three sites.",
        "what_worked": "Weekly demos",
        "what_did_not": "Too many stakeholders",
        "lessons": "Show early.",
        "next_steps": "Share the template",
        "topics": ["#zephyr"],
    }
    world.extra["lesson"] = _created(out.post(f"{API}/feedback-summaries", lesson))["id"]
    lesson.update(title="Atlas retrospective", context="Atlas.", topics=["#atlas"])
    lesson["group_id"] = world.own_group
    world.extra["own_lesson"] = _created(mate.post(f"{API}/feedback-summaries", lesson))["id"]


def _newsletters(world: World, cm) -> None:
    def issue(title, post_id, audience):
        body = {
            "title": title,
            "intro": f"{title} intro",
            "sections": [{"heading": title, "text": "", "post_ids": [post_id]}],
            "audience": audience,
            "publish_at": (utcnow() + timedelta(hours=1)).isoformat(),
        }
        return _created(cm.post(f"{API}/newsletters", body))["id"]

    world.extra["newsletter"] = issue(
        "Zephyr monthly", world.outside_posts["company"], {"kind": "company"}
    )
    world.extra["own_newsletter"] = issue(
        "Atlas monthly", world.own_post, {"kind": "group", "value": world.own_group}
    )
    with mail.record_messages() as outbox:
        assert run_due_jobs(utcnow() + timedelta(hours=2))["newsletters_published"] == 2
    world.extra["mail"] = {
        m.recipients[0]: [n for n in outbox if n.recipients == m.recipients] for m in outbox
    }


def _advocacy(world: World, cm) -> None:
    offer = {
        "target_url": "https://www.lumen.example/news/zephyr",
        "texts": {"linkedin": {"en": "Zephyr is here!"}},
    }
    post_id = world.outside_posts["company"]
    world.extra["shareable"] = _created(cm.put(f"{API}/posts/{post_id}/shareable", offer))["id"]


def _onboarding(world: World, cm, make_user) -> None:
    template = make_template(cm, name="Zephyr welcome")
    newcomer = make_user("Nora Newcomer", manager_id=world.outsider.id, hire_date=date(2026, 1, 5))
    journey = _created(cm.post(f"{API}/onboarding/journeys", {"user_id": newcomer.id}))
    world.extra.update(template=template["id"], journey=journey["id"])


def _briefing_and_editorial(world: World, cm, admin) -> None:
    world.extra["briefing"] = sent_briefing(lambda _user: cm, None, title="Zephyr reorg")["id"]
    item = {"title": "Zephyr interview", "due_at": at(days=1), "assignee_id": world.outsider.id}
    world.extra["editorial"] = _created(cm.post(f"{API}/editorial/items", item))["id"]
    _created(
        admin.put(
            f"{API}/users/{world.outsider.id}/correspondent", {"scope": "site", "value": "Lyon"}
        )
    )


def _rows_from_before(world: World) -> None:
    """Rows written before the guest became one (an employee who left for the agency): the
    buddy of a journey, a briefed manager, a correspondent. Only the policies' guest
    branches keep these out of reach (the teeth test removes them)."""
    journey = db.session.get(OnboardingJourney, world.extra["journey"])
    journey.buddy_id = world.guest.id
    db.session.add(
        BriefingRecipient(briefing_id=world.extra["briefing"], manager_id=world.guest.id)
    )
    db.session.add(Correspondent(user_id=world.guest.id, scope_kind="site", scope_value="Lyon"))
    db.session.commit()


def build_features_world(api, make_user, socket_for) -> World:
    """The guest matrix's world, with the newer features around the guest."""
    world = build_world(api, make_user, socket_for)
    comms = make_user("Cora Comms", role="community_manager")
    db.session.add(GroupMembership(group_id=world.own_group, user_id=comms.id))  # writes to it
    db.session.commit()
    cm = world.client(comms)
    world.extra["cm"] = comms
    admin = world.client(make_user("Ada Admin", role="admin"))
    make_user("Noah Newhire", manager_id=world.outsider.id)  # the outsider briefs a team
    _circle(world)
    _pain_points_and_lessons(world)
    _newsletters(world, cm)
    _advocacy(world, cm)
    _onboarding(world, cm, make_user)
    _briefing_and_editorial(world, cm, admin)
    _rows_from_before(world)
    return world
