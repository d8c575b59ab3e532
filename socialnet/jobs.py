"""Background work: scheduled announcements and the day's celebrations.

``run_due_jobs`` does one pass and commits; ``flask jobs run`` calls it once and
the server (``python wsgi.py``) calls it every ``JOBS_INTERVAL_SECONDS``. Each
job is idempotent (a scheduled announcement is claimed with
``UPDATE … WHERE published_at IS NULL``; celebrations are inserted with
``ON CONFLICT DO NOTHING`` on their unique key), so two processes running the
same pass publish nothing twice, and every pass after the first of a day
creates no celebration.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask

from .extensions import db, socketio
from .services.announcements import publish_due
from .services.celebrations import company_today, do_run_celebrations

log = logging.getLogger(__name__)


def run_due_jobs(now: datetime | None = None) -> dict[str, int]:
    """One pass over every job, in the current app context; each job commits on its own.
    Returns what each did. Celebrations are those of today in the company's time zone."""
    try:
        published = publish_due(now)
        db.session.commit()
        day = company_today(now)
        celebrated = do_run_celebrations(day, today=day)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"announcements_published": published, "celebrations_created": celebrated}


def run_forever(app: Flask) -> None:
    """The server's job loop: a pass every ``JOBS_INTERVAL_SECONDS``; errors are logged."""
    interval = app.config["JOBS_INTERVAL_SECONDS"]
    while True:
        socketio.sleep(interval)
        with app.app_context():
            try:
                done = run_due_jobs()
                if any(done.values()):
                    log.info("jobs: %s", done)
            except Exception:
                log.exception("job pass failed")
            finally:
                db.session.remove()
