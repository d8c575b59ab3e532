"""``flask seed-demo``: a believable company, rendered content, and a safe ``--if-empty``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from socialnet.demo import DEMO_PASSWORD
from socialnet.demo.content import GROUP_POSTS
from socialnet.extensions import db
from socialnet.models import (
    Comment,
    Group,
    GroupMembership,
    Mention,
    OnboardingStep,
    Post,
    PostHashtag,
    User,
)
from socialnet.models._time import utcnow
from socialnet.services.accounts import authenticate
from tests.conftest import _wipe

SMALL = ["--posts", "40"]


@pytest.fixture
def seed(app):
    """``seed(*args)``: run ``flask seed-demo`` with ``args``; returns the click result."""
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(args=["seed-demo", *args])

    return run


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_builds_a_believable_company(seed):
    result = seed(*SMALL)
    assert result.exit_code == 0, result.output
    people = list(db.session.scalars(select(User)))
    assert len(people) >= 60
    assert len({u.site for u in people}) >= 3
    assert len({u.department for u in people}) >= 10
    assert {u.role for u in people} == {"admin", "community_manager", "manager", "employee"}
    assert sum(u.birth_month is not None for u in people) > len(people) * 0.7
    hires = sorted(u.hire_date for u in people)
    assert hires[-1] - hires[0] > timedelta(days=12 * 365)
    assert hires[-1] > utcnow().date() - timedelta(days=60), "a few recent joiners"


def test_hierarchy_is_a_tree_under_the_ceo(seed):
    assert seed(*SMALL).exit_code == 0
    manager_of = {uid: m for uid, m in db.session.execute(select(User.id, User.manager_id))}
    roots = [uid for uid, manager in manager_of.items() if manager is None]
    assert len(roots) == 1, "everyone but the CEO has a manager"
    for uid in manager_of:
        seen: set[int] = set()
        while uid is not None:
            assert uid not in seen, "manager cycle"
            seen.add(uid)
            uid = manager_of[uid]
    managers = set(manager_of.values()) - {None}
    roles = {uid: r for uid, r in db.session.execute(select(User.id, User.role))}
    assert all(roles[m] == "manager" for m in managers)


def test_content_is_rendered_through_the_services(seed):
    assert seed(*SMALL).exit_code == 0
    ordinary = db.session.scalar(select(func.count()).where(Post.kind == "post"))
    assert ordinary == 40 + len(GROUP_POSTS)
    assert _count(Comment) > 20
    assert db.session.scalar(select(func.sum(Post.comment_count))) == _count(Comment)
    assert _count(Mention) > 20 and _count(PostHashtag) > 20
    bodies = list(db.session.scalars(select(Post.body_html)))
    assert any('class="mention"' in b for b in bodies)
    assert any('class="hashtag"' in b for b in bodies)
    assert not any("<script" in b for b in bodies)


def test_ids_follow_time_and_everything_is_in_the_past(seed):
    assert seed(*SMALL).exit_code == 0
    now = utcnow()
    for model in (Post, Comment):
        times = list(db.session.scalars(select(model.created_at).order_by(model.id)))
        assert times == sorted(times)
        assert now - timedelta(days=61) < times[0] and times[-1] <= now
    late = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.created_at < Post.created_at)
    )
    assert late == 0


def test_groups_and_private_membership(seed):
    assert seed(*SMALL).exit_code == 0
    groups = {g.name: g for g in db.session.scalars(select(Group))}
    assert groups["Formation"].visibility == "public"
    codir = groups["Comité de direction"]
    assert codir.visibility == "private"
    members = set(
        db.session.scalars(
            select(User.role)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(GroupMembership.group_id == codir.id)
        )
    )
    assert members == {"manager"}
    authors_in_codir = db.session.scalars(
        select(Post.author_id).where(Post.group_id == codir.id)
    ).all()
    member_ids = set(
        db.session.scalars(
            select(GroupMembership.user_id).where(GroupMembership.group_id == codir.id)
        )
    )
    assert authors_in_codir and set(authors_in_codir) <= member_ids


def test_prints_working_demo_sign_ins(seed):
    result = seed(*SMALL)
    assert result.exit_code == 0
    assert DEMO_PASSWORD in result.output and len(DEMO_PASSWORD) >= 10
    emails = [w for w in result.output.split() if w.endswith("@lumen.example")]
    assert len(emails) == 4
    roles = {authenticate(e, DEMO_PASSWORD).role for e in emails}
    assert roles == {"admin", "community_manager", "manager", "employee"}


def test_if_empty_is_idempotent_and_plain_seed_refuses(seed):
    assert seed(*SMALL).exit_code == 0
    before = (_count(User), _count(Post), _count(Comment))
    again = seed("--if-empty", *SMALL)
    assert again.exit_code == 0
    assert "skipped" in again.output
    assert "alex.kowalski@lumen.example" in again.output  # `make run` reminds the sign-ins
    assert (_count(User), _count(Post), _count(Comment)) == before
    refused = seed(*SMALL)
    assert refused.exit_code != 0
    assert "already has" in refused.output
    assert (_count(User), _count(Post), _count(Comment)) == before


def test_if_empty_seeds_an_empty_database(seed):
    result = seed("--if-empty", "--posts", "5")
    assert result.exit_code == 0, result.output
    assert _count(User) >= 60


def test_same_seed_same_company(seed):
    def snapshot() -> tuple[list, list]:
        people = db.session.execute(
            select(User.email, User.birth_month, User.birth_day, User.hire_date).order_by(
                User.email
            )
        ).all()
        return people, list(db.session.scalars(select(Post.body).order_by(Post.id)))

    assert seed("--seed", "7", "--posts", "15").exit_code == 0
    first = snapshot()
    _wipe()
    assert seed("--seed", "7", "--posts", "15").exit_code == 0
    assert snapshot() == first
    _wipe()
    assert seed("--seed", "8", "--posts", "15").exit_code == 0
    assert snapshot()[1] != first[1]


def test_demo_has_groups_of_each_kind_and_announcements(seed):
    from socialnet.models import Announcement, Group

    assert seed(*SMALL).exit_code == 0
    kinds = set(db.session.scalars(select(Group.visibility)))
    assert kinds == {"public", "private", "secret"}
    assert db.session.scalar(select(func.count()).where(Group.is_official.is_(True))) == 1
    from socialnet.models import BriefingRecipient

    relays = select(BriefingRecipient.announcement_id).where(
        BriefingRecipient.announcement_id.is_not(None)
    )
    published = db.session.scalars(
        select(Announcement.published_at)
        .where(Announcement.id.not_in(relays))
        .order_by(Announcement.id)
    ).all()
    assert len(published) == 3
    assert [p is not None for p in published] == [True, True, False]  # one is scheduled


def test_demo_has_a_briefing_relayed_by_a_manager(seed):
    from socialnet.models import Briefing, BriefingQuestion, BriefingRecipient

    assert seed(*SMALL).exit_code == 0
    briefing = db.session.scalars(select(Briefing)).one()
    assert briefing.sent_at is not None and briefing.embargo_at < utcnow()
    rows = db.session.scalars(select(BriefingRecipient)).all()
    assert len(rows) > 3
    assert [r.announcement_id is not None for r in rows].count(True) == 1
    asked = db.session.scalars(
        select(BriefingQuestion).where(BriefingQuestion.asked_by_id.is_not(None))
    ).one()
    assert asked.answer


def test_demo_has_values_kudos_and_todays_celebrations(seed, midday):
    from socialnet.demo.content import KUDOS
    from socialnet.models import Celebration, CompanyValue, Kudos
    from socialnet.services.celebrations import company_today

    result = seed(*SMALL)
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(CompanyValue.name)))
    assert names == {"Expertise", "Enthousiasme", "Entraide", "Audace"}
    assert _count(Kudos) == len(KUDOS)
    assert db.session.scalar(select(func.count()).where(Post.kind == "kudos")) == len(KUDOS)
    people = list(db.session.scalars(select(User)))
    assert sum(u.celebrate_birthday for u in people) > len(people) * 0.6
    kinds = set(
        db.session.scalars(
            select(Celebration.kind).where(Celebration.occasion_date == company_today())
        )
    )
    assert "birthday" in kinds  # at any hour: the demo's celebrant is born on Paris's today
    assert f"{len(KUDOS)} kudos" in result.output


def test_demo_gives_the_community_manager_a_queue_and_watched_words(seed):
    from socialnet.demo.seeder import REPORTS, WATCHED_WORDS
    from socialnet.models import ModerationCase, WatchedWord

    result = seed(*SMALL)
    assert result.exit_code == 0, result.output
    assert _count(WatchedWord) == len(WATCHED_WORDS)
    cases = list(db.session.scalars(select(ModerationCase)))
    assert len(cases) == len(REPORTS)
    assert all(c.status == "open" and c.report_count == 1 for c in cases)


def test_demo_has_questions_waiting_and_answered_and_people_with_skills(seed):
    from socialnet.demo.knowledge import QUESTIONS, SKILLS
    from socialnet.models import UserSkill

    result = seed(*SMALL)
    assert result.exit_code == 0, result.output
    questions = list(db.session.scalars(select(Post).where(Post.kind == "question")))
    assert len(questions) == len(QUESTIONS)
    answered = [q for q in questions if q.best_answer_id is not None]
    assert len(answered) == sum(1 for *_, was_answered in QUESTIONS if was_answered)
    assert all(db.session.get(Comment, q.best_answer_id).post_id == q.id for q in answered)
    assert _count(UserSkill) == sum(len(s) for s in SKILLS)


def test_demo_has_a_default_journey_template_and_a_journey_under_way(seed):
    from socialnet.models import OnboardingJourney, OnboardingTemplate

    result = seed(*SMALL)
    assert result.exit_code == 0, result.output
    templates = list(db.session.scalars(select(OnboardingTemplate)))
    assert [(t.name, t.is_default) for t in templates] == [("Bienvenue chez Lumen", True)]
    journeys = list(db.session.scalars(select(OnboardingJourney)))
    assert len(journeys) == 1 and journeys[0].completed_at is None
    person = db.session.get(User, journeys[0].user_id)
    latest = db.session.scalar(select(func.max(User.hire_date)))
    assert person.hire_date == latest and journeys[0].buddy_id is not None
    done = db.session.scalar(
        select(func.count()).where(
            OnboardingStep.journey_id == journeys[0].id, OnboardingStep.completed_at.is_not(None)
        )
    )
    assert done == 1
