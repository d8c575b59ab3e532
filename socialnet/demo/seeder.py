"""Fill an empty database with the demo company, its groups and two months of activity.

People and groups are written with the models directly (the org chart is trusted
data, and argon2 runs once for the shared demo password). Posts, comments and
reactions go through the services, so their HTML is rendered and sanitized and
mentions, hashtags, counters and events are stored exactly as in real use.

Activity is planned first, then replayed oldest first, so ids grow with
``created_at``. Like the services, :func:`seed_demo` flushes and never commits.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from tqdm import tqdm

from ..extensions import db
from ..models import CompanyValue, Group, GroupMembership, Post, Reaction, User
from ..models._time import utcnow
from ..services.announcements import do_create_announcement
from ..services.celebrations import company_today, do_run_celebrations
from ..services.comments import do_create_comment
from ..services.kudos import do_give_kudos
from ..services.passwords import hash_password
from ..services.posts import do_create_post
from ..services.reactions import do_set_reaction
from ..services.reports import do_report
from ..services.watched_words import do_add_word
from .briefings import seed_briefings
from .circles import seed_circles
from .content import (
    ANNOUNCEMENTS,
    COMMENTS,
    GROUP_POSTS,
    GROUPS,
    KUDOS,
    OFFICIAL_GROUPS,
    POSTS,
    VALUES,
    WEEKDAYS_FR,
)
from .knowledge import seed_knowledge
from .onboarding import seed_onboarding
from .people import CEO, SITES, org_chart

DEMO_PASSWORD = "demo password"
DEFAULT_POSTS = 260
WINDOW_DAYS = 60
REACTION_WEIGHTS = {"like": 50, "celebrate": 20, "insightful": 15, "support": 10, "funny": 5}


@dataclass
class SeedReport:
    """What :func:`seed_demo` created."""

    users: int = 0
    groups: int = 0
    posts: int = 0
    comments: int = 0
    reactions: int = 0
    kudos: int = 0
    celebrations: int = 0
    seconds: float = 0.0


@dataclass(order=True)
class _Action:
    """One planned write: ``kind`` is post, comment or reaction; ``post`` indexes the plan."""

    at: datetime
    seq: int
    kind: str = field(compare=False)
    author: User = field(compare=False)
    post: int = field(compare=False)
    text: str = field(compare=False, default="")
    group: Group | None = field(compare=False, default=None)


def _random_birthday(rng: random.Random) -> tuple[int | None, int | None]:
    if rng.random() < 0.12:
        return None, None
    day = date(2001, 1, 1) + timedelta(days=rng.randrange(365))
    return day.month, day.day


def _create_people(rng: random.Random, now: datetime) -> list[User]:
    """Everyone in :func:`org_chart`, managers first, hired over ~15 years, 5 recent joiners."""
    password_hash = hash_password(DEMO_PASSWORD)
    chart = org_chart()
    recent = set(rng.sample(range(len(chart) // 2, len(chart)), 5))
    by_handle: dict[str, User] = {}
    for index, (person, department, manager_handle) in enumerate(chart):
        if person is CEO:
            hired = now.date() - timedelta(days=15 * 365 + 40)
        elif index in recent:
            hired = now.date() - timedelta(days=rng.randrange(3, 45))
        else:
            years = 4 if manager_handle == CEO.handle else 0.3
            hired = now.date() - timedelta(days=int(365 * rng.uniform(years, 15)))
        month, day = _random_birthday(rng)
        user = User(
            email=person.email,
            handle=person.handle,
            display_name=person.display_name,
            password_hash=password_hash,
            job_title=person.title,
            department=department,
            site=person.site,
            manager=by_handle[manager_handle] if manager_handle else None,
            hire_date=hired,
            birth_month=month,
            birth_day=day,
            role=person.role,
            celebrate_birthday=index % 5 != 3,  # most people say yes
            created_at=datetime.combine(hired, datetime.min.time()) + timedelta(hours=9),
        )
        by_handle[person.handle] = user
        db.session.add(user)
    people = list(by_handle.values())
    # Someone always celebrates today, so the demo shows a birthday.
    celebrant, today = people[-7], company_today(now)
    celebrant.birth_month, celebrant.birth_day = today.month, today.day
    celebrant.celebrate_birthday = True
    db.session.flush()
    return people


def _create_groups(rng: random.Random, people: list[User]) -> dict[str, Group]:
    """The groups of :data:`GROUPS` with their members; the first member is the group admin."""
    heads = [u for u in people if u.manager_id in (None, people[0].id) and u.role == "manager"]
    hr = [u for u in people if u.department == "HR"]
    others = [u for u in people if u not in heads]
    members = {
        "codir": heads,
        "formation": hr + rng.sample([u for u in others if u not in hr], 24),
        "running": rng.sample(people, 14),
        "orion": rng.sample(heads, 2) + rng.sample(others, 4),
    }
    groups: dict[str, Group] = {}
    for key, (name, description, visibility) in GROUPS.items():
        group = Group(
            name=name,
            description=description,
            visibility=visibility,
            is_official=key in OFFICIAL_GROUPS,
        )
        db.session.add(group)
        db.session.flush()
        db.session.add_all(
            GroupMembership(group_id=group.id, user_id=u.id, role="admin" if i == 0 else "member")
            for i, u in enumerate(members[key])
        )
        groups[key] = group
    db.session.flush()
    return groups


def _random_time(rng: random.Random, now: datetime) -> datetime:
    """A moment in the last :data:`WINDOW_DAYS` days, mostly during office hours."""
    day = now.date() - timedelta(days=rng.randrange(WINDOW_DAYS))
    if day.weekday() >= 5 and rng.random() < 0.7:
        day -= timedelta(days=day.weekday() - 4)
    moment = datetime.combine(day, datetime.min.time()) + timedelta(
        hours=rng.choice((8, 9, 9, 10, 11, 11, 12, 14, 14, 15, 16, 17, 18)),
        minutes=rng.randrange(60),
        seconds=rng.randrange(60),
    )
    return min(moment, now - timedelta(minutes=rng.randrange(5, 90)))


def _fill(
    rng: random.Random, template: str, author: User, pool: list[User], who: User | None = None
) -> str:
    """Fill a template; ``{who}``/``{other}`` mention colleagues other than ``author``."""
    picked, other = rng.sample([u for u in pool if u is not author], 2)
    n = rng.randrange(2, 15)
    return template.format(
        who=f"@{(who or picked).handle}",
        other=f"@{other.handle}",
        site=rng.choice(SITES),
        dept=author.department,
        n=n,
        n2=max(1, n - rng.randrange(1, n)),
        day=rng.choice(WEEKDAYS_FR),
    )


class _Planner:
    """Builds the timeline of posts, comments and reactions before anything is written."""

    def __init__(self, rng: random.Random, now: datetime, people: list[User]) -> None:
        self.rng, self.now, self.people = rng, now, people
        self.actions: list[_Action] = []
        self.posts = 0

    def _add(self, at: datetime, kind: str, author: User, post: int, **extra) -> None:
        self.actions.append(_Action(at, len(self.actions), kind, author, post, **extra))

    def _hired_by(self, pool: Iterable[User], at: datetime) -> list[User]:
        return [u for u in pool if u.hire_date is None or u.hire_date <= at.date()]

    def post(self, template: str, pool: list[User], group: Group | None = None) -> None:
        """Plan one post by someone of ``pool`` and the comments and reactions it gets."""
        rng = self.rng
        at = _random_time(rng, self.now)
        author = rng.choice(self._hired_by(pool, at) or pool)
        index = self.posts
        self.posts += 1
        self._add(at, "post", author, index, text=_fill(rng, template, author, pool), group=group)
        for _ in range(rng.choice((0, 0, 1, 1, 2, 2, 3, 4, 6))):
            commenter = rng.choice(pool)
            thanked = author if commenter is not author else None
            text = _fill(rng, rng.choice(COMMENTS), commenter, pool, who=thanked)
            self._add(self._later(at), "comment", commenter, index, text=text)
        kinds, weights = list(REACTION_WEIGHTS), list(REACTION_WEIGHTS.values())
        for reactor in rng.sample(pool, min(len(pool), rng.choice((0, 1, 2, 3, 4, 6, 9, 14)))):
            kind = rng.choices(kinds, weights=weights)[0]
            self._add(self._later(at), "reaction", reactor, index, text=kind)

    def _later(self, at: datetime) -> datetime:
        """A moment after ``at`` (mostly soon after), never in the future."""
        span = min(self.now - at, timedelta(days=2))
        return min(at + span * self.rng.random() ** 2 + timedelta(seconds=5), self.now)


def _plan(
    rng: random.Random,
    now: datetime,
    people: list[User],
    groups: dict[str, Group],
    members: dict[int, list[User]],
    posts: int,
) -> list[_Action]:
    planner = _Planner(rng, now, people)
    for _ in range(posts):
        planner.post(rng.choice(POSTS), people)
    for key, template in GROUP_POSTS:
        group = groups[key]
        planner.post(template, members[group.id], group)
    return sorted(planner.actions)


def _replay(actions: list[_Action], progress: bool, report: SeedReport) -> None:
    """Write the planned actions oldest first through the services."""
    created: dict[int, Post] = {}
    reaction_times: list[dict] = []
    for action in tqdm(actions, desc="Seeding activity", unit="item", disable=not progress):
        if action.kind == "post":
            group_id = action.group.id if action.group else None
            post = do_create_post(action.author, {"body": action.text, "group_id": group_id})
            post.created_at = action.at
            created[action.post] = post
            report.posts += 1
        elif action.kind == "comment":
            comment = do_create_comment(
                action.author, created[action.post].id, {"body": action.text}
            )
            comment.created_at = action.at
            report.comments += 1
        else:
            post = created[action.post]
            do_set_reaction(action.author, post, action.text, active=True)
            reaction_times.append(
                {
                    "post_id": post.id,
                    "user_id": action.author.id,
                    "kind": action.text,
                    "created_at": action.at,
                }
            )
            report.reactions += 1
    db.session.flush()
    if reaction_times:
        db.session.execute(update(Reaction), reaction_times)


def _announce(people: list[User]) -> None:
    """Send :data:`ANNOUNCEMENTS` through the service (one is scheduled for later)."""
    with_reports = {u.manager_id for u in people if u.manager_id}
    senders = {
        "community_manager": next(u for u in people if u.role == "community_manager"),
        "manager": next(u for u in people if u.role == "manager" and u.id in with_reports),
    }
    for sender_role, audience, title, body, days, hours in ANNOUNCEMENTS:
        data = {"title": title, "body": body, "audience": audience, "expires_in_days": days}
        if hours:
            data["publish_at"] = (utcnow() + timedelta(hours=hours)).isoformat()
        do_create_announcement(senders[sender_role], data)


def _recognize(rng: random.Random, people: list[User]) -> int:
    """The company values, then :data:`KUDOS` between colleagues, through the service."""
    db.session.add_all(CompanyValue(name=n, emoji=e, description=d) for n, e, d in VALUES)
    db.session.flush()
    for value, message in KUDOS:
        giver = rng.choice(people)
        others = [u for u in people if u.id != giver.id]
        recipients = rng.sample(others, rng.choice((1, 1, 2, 3)))
        do_give_kudos(
            giver,
            {"recipient_ids": [u.id for u in recipients], "message": message, "value": value},
        )
    return len(KUDOS)


#: Watched words of the demo company: (pattern, regex, action).
WATCHED_WORDS = (
    ("merde", False, "censor"),
    ("confidentiel", False, "flag"),
    (r"\b(mot de passe|password)\s*[:=]", True, "require_approval"),
)
#: Reports on the demo's newest company posts: (reason, text).
REPORTS = (
    ("off_topic", "This belongs in the Sport & bien-être group."),
    ("spam", ""),
    ("confidential", "Mentions a customer's name before the deal is signed."),
)


def _moderate(rng: random.Random, people: list[User]) -> int:
    """Watched words set by the community manager, and a few open reports in the queue."""
    cm = next(u for u in people if u.role == "community_manager")
    for pattern, is_regex, action in WATCHED_WORDS:
        do_add_word(cm, {"pattern": pattern, "regex": is_regex, "action": action})
    recent = db.session.scalars(
        select(Post).where(Post.group_id.is_(None), Post.kind == "post").order_by(Post.id.desc())
    ).all()[: len(REPORTS)]
    employees = [u for u in people if u.role == "employee"]
    for post, (reason, text) in zip(recent, REPORTS, strict=False):
        reporter = rng.choice([u for u in employees if u.id != post.author_id])
        do_report(
            reporter, {"target_type": "post", "target_id": post.id, "reason": reason, "text": text}
        )
    return len(recent)


def seed_demo(seed: int = 1, *, posts: int = DEFAULT_POSTS, progress: bool = False) -> SeedReport:
    """Create the demo company in the current session (flush only: the caller commits).

    The same ``seed`` gives the same people, groups and texts; timestamps are
    relative to now. Expects an empty database (emails would collide otherwise).
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    people = _create_people(rng, now)
    groups = _create_groups(rng, people)
    members: dict[int, list[User]] = {g.id: [] for g in groups.values()}
    by_id = {u.id: u for u in people}
    for membership in db.session.scalars(select(GroupMembership).order_by(GroupMembership.user_id)):
        members[membership.group_id].append(by_id[membership.user_id])
    report = SeedReport(users=len(people), groups=len(groups))
    _replay(_plan(rng, now, people, groups, members, posts), progress, report)
    report.kudos = _recognize(random.Random(seed + 1), people)
    _announce(people)
    _moderate(random.Random(seed + 2), people)
    seed_knowledge(random.Random(seed + 3), people)
    seed_circles()
    seed_briefings()
    seed_onboarding(people)
    report.celebrations = do_run_celebrations(company_today())
    report.seconds = time.perf_counter() - started
    return report
