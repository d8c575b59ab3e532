"""Background work: scheduled announcements, the day's celebrations, event reminders,
circle syntheses' reminders and escalations, reminders to managers who have not relayed a
briefing, overdue onboarding steps' reminders (once per step: ``UPDATE … WHERE
reminded_at IS NULL``), personal digests, the words of uploaded files, newsletters
(publication, then their emails in batches), the editorial calendar (drafts published
at their time, reminders to assignees, the weekly summary of late items).

``run_due_jobs`` does one pass and commits; ``flask jobs run`` calls it once and
every server process (``python wsgi.py``) calls it every
``JOBS_INTERVAL_SECONDS``. A pass first takes a cluster-wide lock, so only one
process runs the jobs at a time; the others skip that pass:

- PostgreSQL: a session-level ``pg_try_advisory_lock`` on a dedicated pooled
  connection, held for the whole pass (each job commits on its own, which would
  release a transaction-level lock after the first job) and released at the
  end — or by the server when the process dies;
- otherwise, with ``REDIS_URL``: ``SET … NX PX`` with a random token, released
  only by its holder, expiring by itself if the holder dies;
- otherwise (SQLite, one process): a process-local lock.

Each job is also idempotent (a scheduled announcement is claimed with
``UPDATE … WHERE published_at IS NULL``; celebrations are inserted with
``ON CONFLICT DO NOTHING`` on their unique key, and so are event reminders; a synthesis
reminder or escalation is claimed with ``UPDATE … WHERE reminded_at IS NULL``; a
newsletter is claimed like an announcement and each of its emails by ``UPDATE … WHERE
sent_at IS NULL``; an editorial draft by ``UPDATE … WHERE published_at IS NULL``, its
reminder by ``… WHERE reminded_at IS NULL``, a weekly summary by its unique key, and a
briefing's reminder to a manager who has not relayed it by ``… WHERE reminded_at IS NULL``),
so even two passes at once would publish nothing twice (and a file's
words are written only while it is still pending).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app
from sqlalchemy import text

from .extensions import db, socketio
from .ops.metrics import JOB_PASSES
from .services import file_text
from .services.analytics.rollup import rollup_due
from .services.announcements import publish_due
from .services.briefings import do_send_relay_reminders
from .services.celebrations import company_today, do_run_celebrations
from .services.circles import do_send_synthesis_reminders
from .services.digest import queue_due_digests
from .services.editorial import drafts as editorial_drafts
from .services.editorial import reminders as editorial_reminders
from .services.events import do_send_reminders
from .services.files import remove_stale_uploads
from .services.guests.access import do_end_expired_guests
from .services.newsletters import sending as newsletters
from .services.onboarding import do_send_overdue_reminders

log = logging.getLogger(__name__)

JOBS_LOCK_KEY = 0x50C1A2  # advisory-lock key; publisher.EVENT_LOCK_KEY is 0x50C1A1
REDIS_LOCK_NAME = "socialnet:jobs-lock"
REDIS_LOCK_TTL_MS = 10 * 60 * 1000  # longer than any pass; expires if the holder dies
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
_LOCAL_LOCK = threading.Lock()


@contextmanager
def _postgresql_lock() -> Iterator[bool]:
    connection = db.engine.connect()
    held = False
    try:
        held = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": JOBS_LOCK_KEY}
            ).scalar()
        )
        connection.commit()  # a session lock outlives the transaction: no idle transaction
        yield held
    finally:
        try:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": JOBS_LOCK_KEY})
                connection.commit()
        except Exception:
            connection.invalidate()  # closing the connection releases the lock
            raise
        finally:
            connection.close()


@contextmanager
def _redis_lock(url: str) -> Iterator[bool]:
    from .realtime.queue import redis_client

    client = redis_client(url, current_app.config["READY_CHECK_TIMEOUT"])
    token = secrets.token_hex(16)
    held = bool(client.set(REDIS_LOCK_NAME, token, nx=True, px=REDIS_LOCK_TTL_MS))
    try:
        yield held
    finally:
        if held:
            client.eval(_RELEASE, 1, REDIS_LOCK_NAME, token)
        client.close()


@contextmanager
def _local_lock() -> Iterator[bool]:
    held = _LOCAL_LOCK.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            _LOCAL_LOCK.release()


def cluster_lock():
    """A context manager yielding True if this process may run the jobs now (see above)."""
    if db.engine.dialect.name == "postgresql":
        return _postgresql_lock()
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        return _redis_lock(redis_url)
    return _local_lock()


def _extract_file_texts() -> int:
    """Read the words of the oldest pending files, each in a bounded child process and
    outside any transaction (a slow PDF holds no lock), committing each outcome."""
    batch = file_text.pending(int(current_app.config["FILE_TEXT_BATCH"]))
    db.session.commit()  # end the read: nothing is held while files are read
    recorded = 0
    for item in batch:
        outcome = file_text.extract(item)
        recorded += file_text.do_record(item, outcome)
        db.session.commit()
    return recorded


EDITORIAL_JOBS = ("editorial_published", "editorial_reminders_sent", "editorial_summaries_sent")


def _run_editorial(now: datetime | None) -> dict[str, int]:
    """The editorial calendar's jobs, each committed on its own (``now`` as naive UTC, like
    the columns)."""
    if now is not None and now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    published = editorial_drafts.publish_due(now)
    db.session.commit()
    reminded = editorial_reminders.do_send_item_reminders(now)
    db.session.commit()
    summaries = editorial_reminders.do_send_weekly_summaries(now)
    db.session.commit()
    return dict(zip(EDITORIAL_JOBS, (published, reminded, summaries), strict=True))


def _run_jobs(now: datetime | None) -> dict[str, int]:
    try:
        published = publish_due(now)
        db.session.commit()
        day = company_today(now)
        celebrated = do_run_celebrations(day, today=day)
        db.session.commit()
        rolled = rollup_due(now)
        db.session.commit()
        stale = remove_stale_uploads(now)
        db.session.commit()
        reminded = do_send_reminders(now)
        db.session.commit()
        chased = do_send_synthesis_reminders(now)
        db.session.commit()
        relays_chased = do_send_relay_reminders(now)
        onboarding_chased = do_send_overdue_reminders(now)
        db.session.commit()
        digests = queue_due_digests(now)
        db.session.commit()  # the digests claimed leave now
        texts = _extract_file_texts()
        expired = do_end_expired_guests(company_today(now))
        db.session.commit()  # their open sockets are disconnected now
        issues = newsletters.publish_due(now)
        db.session.commit()
        newsletter_emails = newsletters.queue_due_emails(now)
        db.session.commit()  # the newsletter emails claimed leave now
        editorial = _run_editorial(now)
    except Exception:
        db.session.rollback()
        raise
    return {
        "announcements_published": published,
        "celebrations_created": celebrated,
        "analytics_days_rolled": rolled,
        "stale_uploads_removed": stale,
        "event_reminders_sent": reminded,
        "synthesis_reminders_sent": chased,
        "briefing_reminders_sent": relays_chased,
        "onboarding_reminders_sent": onboarding_chased,
        "digests_sent": digests,
        "file_texts_extracted": texts,
        "guests_expired": expired,
        "newsletters_published": issues,
        "newsletter_emails_sent": newsletter_emails,
        **editorial,
    }


def run_due_jobs(now: datetime | None = None) -> dict[str, int]:
    """One pass over every job, in the current app context, if no other process is running
    one; each job commits on its own. Returns what each did, and ``skipped`` = 1 when
    another process held the lock. Celebrations are those of today in the company's time zone.
    """
    with cluster_lock() as held:
        if not held:
            JOB_PASSES.labels("locked").inc()
            return {
                "announcements_published": 0,
                "celebrations_created": 0,
                "analytics_days_rolled": 0,
                "stale_uploads_removed": 0,
                "event_reminders_sent": 0,
                "synthesis_reminders_sent": 0,
                "briefing_reminders_sent": 0,
                "onboarding_reminders_sent": 0,
                "digests_sent": 0,
                "file_texts_extracted": 0,
                "guests_expired": 0,
                "newsletters_published": 0,
                "newsletter_emails_sent": 0,
                **dict.fromkeys(EDITORIAL_JOBS, 0),
                "skipped": 1,
            }
        try:
            done = _run_jobs(now)
        except Exception:
            JOB_PASSES.labels("error").inc()
            raise
    JOB_PASSES.labels("ran").inc()
    return {**done, "skipped": 0}


def run_forever(app: Flask) -> None:
    """The server's job loop: a pass every ``JOBS_INTERVAL_SECONDS``; errors are logged."""
    interval = app.config["JOBS_INTERVAL_SECONDS"]
    while True:
        socketio.sleep(interval)
        with app.app_context():
            try:
                done = run_due_jobs()
                if done["announcements_published"] or done["celebrations_created"]:
                    log.info("jobs: %s", done)
            except Exception:
                log.exception("job pass failed")
            finally:
                db.session.remove()
