"""Celebrations: birthdays, work anniversaries, new joiners (a daily job) and team successes.

:func:`do_run_celebrations` is idempotent *in the database*: it inserts the day's
occasions with ``INSERT … ON CONFLICT DO NOTHING … RETURNING`` on the unique key
(kind, user_id, occasion_date) and writes a post only for the rows it actually
inserted. Two runs — one after the other, or at the same time in two processes —
therefore create each celebration once. "Today" is a day in the company's time
zone (``COMPANY_TIMEZONE``, Europe/Paris by default), not in UTC.

Each celebration is a post of kind ``celebration`` in the company space, so
colleagues react and comment as on any post.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, extract, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import policy, system_text
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import Celebration, CelebrationPerson, NotificationType, Post, User
from ..models._time import now_utc, utcnow
from ..realtime.publisher import publish
from ..serializers import celebration_dict, post_dict
from . import attachments, notifications
from . import screening as screening_gate
from .posts import _store_body, check_group_for_posting
from .validation import check_known_fields, check_optional_id, check_text

#: How far back a run may be asked for (a missed day after an outage), in days.
MAX_DAYS_BACK = 7
MAX_PEOPLE = 50


def company_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("COMPANY_TIMEZONE") or "Europe/Paris")


def company_today(now: datetime | None = None) -> date:
    """The calendar day in the company's time zone at ``now`` (naive means UTC)."""
    now = now or now_utc()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(company_tz()).date()


def check_run_day(day: date, today: date) -> None:
    """:raise ValueError: ``day`` is after ``today`` or more than a week before it."""
    if day > today:
        raise ValueError(f"{day.isoformat()} is in the future: celebrations run on the day.")
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise ValueError(
            f"{day.isoformat()} is more than {MAX_DAYS_BACK} days ago: too late to celebrate."
        )


def _same_day(month_col, day_col, day: date):
    """Month/day columns matching ``day``; 29 February counts on 28 February in other years."""
    condition = and_(month_col == day.month, day_col == day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        condition = or_(condition, and_(month_col == 2, day_col == 29))
    return condition


def _occasions(day: date) -> list[tuple[str, User, int | None]]:
    """``(kind, person, years)`` for every active person with an occasion on ``day``."""
    active = User.active.is_(True)
    found: list[tuple[str, User, int | None]] = []
    birthdays = select(User).where(
        active,
        User.celebrate_birthday.is_(True),
        _same_day(User.birth_month, User.birth_day, day),
    )
    found += [("birthday", u, None) for u in db.session.scalars(birthdays.order_by(User.id))]
    anniversaries = select(User).where(
        active,
        User.hire_date < date(day.year, 1, 1),
        _same_day(extract("month", User.hire_date), extract("day", User.hire_date), day),
    )
    for user in db.session.scalars(anniversaries.order_by(User.id)):
        found.append(("anniversary", user, day.year - user.hire_date.year))
    joiners = select(User).where(active, User.hire_date == day).order_by(User.id)
    found += [("new_joiner", u, None) for u in db.session.scalars(joiners)]
    return found


def _insert_new(rows: list[dict[str, Any]]) -> list[tuple[int, str, int]]:
    """Insert ``rows`` unless their (kind, user_id, occasion_date) exists; ``(id, kind,
    user_id)`` of those actually inserted. One statement: the database decides."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Celebration)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["kind", "user_id", "occasion_date"])
        .returning(Celebration.id, Celebration.kind, Celebration.user_id)
    )
    return [tuple(r) for r in db.session.execute(statement)]


def _authors(people: list[User]) -> dict[int, User]:
    """Who signs each person's celebration: their active manager, else the first active
    admin who is not them, else themself. Two queries whatever the number of people."""
    manager_ids = {u.manager_id for u in people if u.manager_id}
    managers = {
        m.id: m
        for m in db.session.scalars(
            select(User).where(User.id.in_(manager_ids), User.active.is_(True))
        )
    }
    admins = list(
        db.session.scalars(
            select(User).where(policy.administrators_filter()).order_by(User.id).limit(2)
        )
    )
    authors = {}
    for person in people:
        fallback = next((a for a in admins if a.id != person.id), person)
        authors[person.id] = managers.get(person.manager_id, fallback)
    return authors


def _system(kind: str, person: User, years: int | None, manager: User | None) -> dict[str, Any]:
    """``posts.system`` of ``person``'s celebration: worded in each reader's language."""
    company = current_app.config.get("COMPANY_NAME", "")
    return system_text.celebration_system(
        kind, person, years=years, company=company, manager=manager
    )


def _celebration_post(
    author: User,
    markdown: str,
    group_id: int | None = None,
    title=None,
    system: dict[str, Any] | None = None,
):
    """A ``celebration`` post; a ``system`` one stores ``markdown`` in the company's
    language (search, fallback) and is worded for each reader when read."""
    post = Post(
        author_id=author.id,
        author=author,
        group_id=group_id,
        kind="celebration",
        title=title,
        body="",
        body_html="",
        system=system,
    )
    db.session.add(post)
    db.session.flush()
    _store_body(post, markdown)
    return post


def do_run_celebrations(day: date, *, today: date | None = None) -> int:
    """Create ``day``'s celebration posts (birthdays of people who opted in, anniversaries
    of whole years ≥ 1, new joiners), once per person and occasion. Flushes.

    Safe to run any number of times, concurrently too: only the rows this run inserts
    get a post, a ``celebration.created`` event (company room) and a notification to
    the person celebrated.

    :raise ValueError: ``day`` is in the future or more than a week before ``today``
        (default: today in the company's time zone).
    :return: how many celebrations were created.
    """
    check_run_day(day, today or company_today())
    return _celebrate(day, _occasions(day))


def do_welcome_new_joiner(person: User, today: date) -> int:
    """Post ``person``'s new-joiner celebration (the welcome post) now if their hire date
    is today or in the last :data:`MAX_DAYS_BACK` days; a later hire date is the daily
    job's, on the day. Never twice: the celebrations' unique key decides. Flushes.

    :return: 1 if the welcome post was written by this call, else 0.
    """
    day = person.hire_date
    if day is None or not person.active or policy.is_guest(person):
        return 0
    if day > today or day < today - timedelta(days=MAX_DAYS_BACK):
        return 0
    return _celebrate(day, [("new_joiner", person, None)])


def _celebrate(day: date, occasions: list[tuple[str, User, int | None]]) -> int:
    """Insert ``occasions`` of ``day`` and write the post of each row actually inserted."""
    now = utcnow()
    rows = [
        {
            "kind": kind,
            "user_id": person.id,
            "occasion_date": day,
            "years": years,
            "created_at": now,
        }
        for kind, person, years in occasions
    ]
    inserted = _insert_new(rows)
    if not inserted:
        return 0
    by_key = {(kind, person.id): (person, years) for kind, person, years in occasions}
    people = [by_key[(kind, uid)][0] for _id, kind, uid in inserted]
    authors = _authors(people)
    links = []
    for celebration_id, kind, user_id in inserted:
        person, years = by_key[(kind, user_id)]
        author = authors[user_id]
        manager = author if author.id == person.manager_id else None
        system = _system(kind, person, years, manager)
        with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
            markdown = system_text.post_markdown(system) or ""
        post = _celebration_post(author, markdown, system=system)
        links.append({"id": celebration_id, "post_id": post.id})
        celebration = Celebration(  # transient: describes the row inserted above
            id=celebration_id,
            kind=kind,
            user_id=user_id,
            occasion_date=day,
            years=years,
            post_id=post.id,
            created_at=now,
        )
        _announce(celebration, post, person=person, people=[])
        notifications.do_notify(
            [user_id],
            NotificationType.CELEBRATED,
            actor=author,
            post=post,
            text=_label(kind),
            params={"occasion": kind},
        )
    db.session.execute(update(Celebration), links)
    return len(inserted)


def _label(kind: str, title: str | None = None) -> str:
    """A celebration notification's detail in the company's language (the fallback of
    its ``params``, which ``system_text`` words for each reader)."""
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return system_text.notification_text("celebrated", {"occasion": kind, "title": title}, "")


def _announce(
    celebration: Celebration, post: Post, *, person: User | None, people: list[User]
) -> None:
    """Publish ``celebration.created`` ``{"celebration", "post"}`` to the post's room."""
    data = {
        "celebration": celebration_dict(celebration, person=person, people=people),
        "post": post_dict(post),
    }
    publish("celebration.created", data, room=policy.room_for_post(post), post_id=post.id)


# --- team success --------------------------------------------------------------------------


def can_celebrate_team(user: User) -> bool:
    """``policy.can_celebrate_team`` (kept here for its callers)."""
    return policy.can_celebrate_team(user)


def do_create_team_success(user: User, data: Any) -> tuple[Celebration, Post]:
    """Celebrate a team: ``{"title"?, "message", "people_ids", "group_id"?}``.

    Creates a ``celebration`` post signed by ``user`` naming the people (1 to 50
    active colleagues who may read the group), notifies them and publishes
    ``celebration.created``. Flushes.

    :raise Forbidden: ``user`` is not a manager, community manager or admin; or may
        not post in the group.
    :raise ValidationFailed: bad people, message, title or group.
    """
    if not can_celebrate_team(user):
        raise Forbidden(_("Team successes are posted by managers and community managers."))
    data = check_known_fields(data, {"title", "message", "people_ids", "group_id"})
    group_id = check_group_for_posting(user, data.get("group_id"))
    people = _check_people(data.get("people_ids"), group_id)
    title = check_text(data.get("title"), "title", max_len=200, required=False) or None
    message = check_text(data.get("message"), "message", max_len=2000, multiline=True)
    screening = screening_gate.check_writing(user, {"title": title, "message": message})
    title = screening.texts.get("title", title)
    message = screening.texts["message"]
    names = ", ".join(f"@{u.handle}" for u in people)
    heading = f"🏆 **{title}**" if title else "🏆 **Team success**"
    post = _celebration_post(user, f"{heading} — {names}\n\n{message}", group_id, title)
    celebration = Celebration(
        kind="team_success",
        user_id=None,
        occasion_date=company_today(),
        post_id=post.id,
        created_by_id=user.id,
    )
    db.session.add(celebration)
    db.session.flush()
    db.session.add_all(
        CelebrationPerson(celebration_id=celebration.id, user_id=u.id) for u in people
    )
    db.session.flush()
    screening_gate.settle_post(user, post, screening)
    _announce(celebration, post, person=None, people=people)
    notifications.do_notify(
        [u.id for u in people],
        NotificationType.CELEBRATED,
        actor=user,
        post=post,
        text=_label("team_success", title),
        params={"occasion": "team_success", "title": title},
    )
    return celebration, post


def _check_people(raw: Any, group_id: int | None) -> list[User]:
    field = "people_ids"
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(_("Name the people to celebrate."), fields={field: "missing"})
    ids = list(dict.fromkeys(check_optional_id(uid, field) for uid in raw))
    if len(ids) > MAX_PEOPLE:
        raise ValidationFailed(
            ngettext("%(num)d person at most.", "%(num)d people at most.", MAX_PEOPLE),
            fields={field: "too_many"},
        )
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))
    }
    if len(users) != len(ids):
        raise ValidationFailed(_("Name active colleagues only."), fields={field: "unknown"})
    if set(policy.readers_among(ids, group_id)) != set(ids):
        raise ValidationFailed(
            _("Everyone named must be able to read the group."), fields={field: "not_member"}
        )
    return [users[uid] for uid in ids]


def describe(celebration: Celebration, post: Post) -> dict[str, Any]:
    """The answer of ``POST /celebrations``."""
    return {
        "celebration": _serialize([celebration])[celebration.post_id],
        "post": post_dict(post),
    }


# --- reading ---------------------------------------------------------------------------------


def _serialize(celebrations: list[Celebration]) -> dict[int, dict[str, Any]]:
    """``{post_id: celebration}`` with people: two queries whatever the number."""
    person_ids = {c.user_id for c in celebrations if c.user_id}
    persons = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(person_ids)))}
    named: dict[int, list[User]] = {c.id: [] for c in celebrations}
    team_ids = [c.id for c in celebrations if c.kind == "team_success"]
    if team_ids:
        rows = db.session.execute(
            select(CelebrationPerson.celebration_id, User)
            .join(User, User.id == CelebrationPerson.user_id)
            .where(CelebrationPerson.celebration_id.in_(team_ids))
            .order_by(CelebrationPerson.celebration_id, User.id)
        )
        for celebration_id, user in rows:
            named[celebration_id].append(user)
    return {
        c.post_id: celebration_dict(c, person=persons.get(c.user_id), people=named[c.id])
        for c in celebrations
    }


def load_for_posts(viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """Feed attachment loader for a page's ``celebration`` posts (bounded queries)."""
    ids = [p.id for p in posts]
    return _serialize(
        list(db.session.scalars(select(Celebration).where(Celebration.post_id.in_(ids))))
    )


attachments.register("celebration", load_for_posts)


def today(viewer: User, day: date | None = None) -> dict[str, Any]:
    """The "Today" panel: ``day``'s (default: today's, company time zone) celebrations
    whose post ``viewer`` may see, birthdays first, then anniversaries, joiners, teams."""
    day = day or company_today()
    order = {"birthday": 0, "anniversary": 1, "new_joiner": 2, "team_success": 3}
    rows = list(
        db.session.scalars(
            select(Celebration)
            .join(Post, Post.id == Celebration.post_id)
            .where(Celebration.occasion_date == day, policy.visible_posts_filter(viewer))
            .order_by(Celebration.id)
        )
    )
    rows.sort(key=lambda c: (order[c.kind], c.id))
    items = _serialize(rows)
    return {"date": day.isoformat(), "items": [items[c.post_id] for c in rows]}


def count_for(day: date) -> int:
    """Celebrations recorded for ``day`` (tests, reports)."""
    return db.session.scalar(
        select(func.count()).select_from(Celebration).where(Celebration.occasion_date == day)
    )
