"""A person's own data, for them to download (and for administrators, on request).

:func:`collect` gathers everything the network stores about one person, as they
would need it to exercise their right of access (GDPR art. 15) or to take it
elsewhere (art. 20); :func:`export_zip` packs it as ``data.json`` plus a README.

What it holds, and what it deliberately leaves out:

- **Everything they wrote or did**, whatever became of it: posts and comments
  (also deleted, hidden or held ones, with their state), reactions, ballots,
  kudos given, announcements sent, reports filed, circle topics, votes,
  sessions and syntheses, answers to events (RSVPs, attendance), pain-point
  votes and follows, advocacy links, briefings received and questions asked on them,
  API tokens and browser
  sessions (never their secrets), notification preferences, the topics they
  follow, the days they were active (analytics).
- **What the network keeps about them**: profile, group and circle memberships
  and join requests, whether they keep a calendar feed (never its address),
  announcements addressed to them and when they read them, sanctions,
  celebrations of them, notifications, the audit entries they made or that are
  about their account.
- **Never other people's private content.** Kudos they received, notifications
  and join requests are included only while the post or group they point at is
  visible to them under :mod:`socialnet.policy` (the same rules as every read
  path): a kudos in a secret group they have left stays out. Their own acts there
  (an answer to an event, a vote for a pain point or a circle's topic) stay, by id
  and date, but the words others wrote (the event's, pain point's or topic's title)
  come only while they may still read them. For a deactivated
  person, who can read nothing any more, that means none of them (an admin's
  export on their request still holds everything they wrote and did). Who
  reported them, and moderators' internal notes, are the reporters' and
  moderators' data and stay out too.

An administrator's export of a person holds that person's own posts and
memberships wherever they are, secret groups included: the export is for the
person, the admin only carries it (and the audit log records that they did).

One module per domain: :mod:`.account`, :mod:`.writing`, :mod:`.recognition`,
:mod:`.community`; the sections other domains own come from those domains
(``files``, ``people.avatar``, ``advocacy.figures``, ``newsletters.tracking``,
``circles.personal``); :mod:`.archive` gathers them and packs the zip.
"""

from .archive import (
    FORMAT_VERSION,
    README,
    access_person_for_export,
    collect,
    do_export,
    export_filename,
    export_zip,
)

__all__ = [
    "FORMAT_VERSION",
    "README",
    "access_person_for_export",
    "collect",
    "do_export",
    "export_filename",
    "export_zip",
]
