"""System text as kind and parameters: notifications.params, posts.system

Revision ID: 5a1c3e7b9d20
Revises: d9e4c1b7a2f0
Create Date: 2026-12-05 18:25:00.000000

Existing rows are read back into parameters where their English sentence is one the
product wrote (celebration posts and notifications, reminders, final poll options,
moderation notices, "added you to" notifications); any other text stays as it is,
and is what a reader sees.
"""

import json
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5a1c3e7b9d20"
down_revision = "6b2d4f8a0c31"
branch_labels = None
depends_on = None

OCCASIONS = {
    "happy birthday!": "birthday",
    "happy work anniversary!": "anniversary",
    "welcome aboard!": "new_joiner",
    "team success!": "team_success",
}
REMINDER = re.compile(r"^Reminder: (?P<title>.*)$", re.S)
PICKED = re.compile(r"^picked (?P<option>.*) for “(?P<question>.*)”$", re.S)
NOTICES = {
    "hide": r"A moderator hid your (?P<what>\w+)\.",
    "delete": r"A moderator removed your (?P<what>\w+)\.",
    "lock": r"A moderator turned off comments on your post\.",
    "move": r"A moderator moved your post to another space\.",
    "warn": r"You received a warning from a moderator\.",
    "mute": r"You are muted until (?P<until>.+?): you can read, but not post, comment or react\.",
    "suspend": r"Your account is suspended until (?P<until>.+?)\.",
    "approve": r"Your (?P<what>\w+) was approved and is now published\.",
    "restore": r"A moderator restored your (?P<what>\w+)\.",
}
TAIL = re.compile(
    r"^(?: Message: (?P<message>.*?))?"
    r"(?P<final> This decision on your appeal is final\.)?"
    r"(?: You may appeal this decision once \(case #(?P<case>\d+)\)\.)?$",
    re.S,
)
WHAT = {"account": "user", "group": "group", "post": "post", "comment": "comment"}
BIRTHDAY = re.compile(r"^🎂 Happy birthday @(?P<person>\S+)! Send your wishes below\.$")
ANNIVERSARY = re.compile(
    r"^🎉 @(?P<person>\S+) celebrates \*\*(?P<years>\d+) years?\*\* at (?P<company>.+) today!$"
)
JOINER = re.compile(
    r"^👋 Welcome @(?P<person>\S+), who(?: joins \*\*(?P<department>.+?)\*\*| joins us)"
    r"(?: as (?P<job_title>.+?))?(?: in @(?P<manager>\S+)'s team)? today!$"
)


def _until(text):
    if text == "further notice":
        return "9999-12-31T00:00:00Z"
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC", text)
    return f"{match.group(1)}T{match.group(2)}:00Z" if match else None


def notice_params(text):
    """A moderation notice's parameters, or None when the sentence is not one we wrote."""
    for action, pattern in NOTICES.items():
        match = re.match(pattern, text)
        if not match:
            continue
        tail = TAIL.match(text[match.end() :])
        if not tail:
            return None
        found = match.groupdict()
        until = None
        if "until" in found:
            until = _until(found["until"])
            if until is None:
                return None
        appeal = "final" if tail.group("final") else "once" if tail.group("case") else None
        return {
            "action": action,
            "target_type": WHAT.get(found.get("what") or "", "post"),
            "until": until,
            "message": tail.group("message") or "",
            "case_id": int(tail.group("case")) if tail.group("case") else None,
            "appeal": appeal,
            "url": "/moderation/mine",
        }
    return None


def notification_params(type_, text):
    if type_ == "celebrated":
        if text in OCCASIONS:
            return {"occasion": OCCASIONS[text]}
        return {"occasion": "team_success", "title": text} if text else None
    if type_ == "announcement" and (match := REMINDER.match(text)):
        return {"reminder": True, "title": match.group("title")}
    if type_ == "poll_decided" and (match := PICKED.match(text)):
        return {"option": match.group("option"), "question": match.group("question")}
    if type_ == "moderation":
        return notice_params(text)
    return None


def post_system(kind, body, person_id, handles):
    """``posts.system`` of a celebration post the job wrote, or None."""

    def ref(handle):
        user_id = handles.get(handle.lower())
        return {"id": user_id, "handle": handle} if user_id is not None else None

    if kind == "birthday" and (match := BIRTHDAY.match(body)):
        params = {"person": ref(match.group("person"))}
    elif kind == "anniversary" and (match := ANNIVERSARY.match(body)):
        params = {
            "person": ref(match.group("person")),
            "years": int(match.group("years")),
            "company": match.group("company"),
        }
    elif kind == "new_joiner" and (match := JOINER.match(body)):
        params = {
            "person": ref(match.group("person")),
            "department": match.group("department") or "",
            "job_title": match.group("job_title") or "",
            "manager": ref(match.group("manager")) if match.group("manager") else None,
        }
    else:
        return None
    if params["person"] is None or params["person"]["id"] != person_id:
        return None
    return {"kind": kind, "params": params}


def upgrade():
    # Plain ADD COLUMN (no batch): SQLite then does not rebuild ``posts``, which would drop
    # the search index triggers on it.
    op.add_column("notifications", sa.Column("params", sa.JSON(), nullable=True))
    op.add_column("posts", sa.Column("system", sa.JSON(), nullable=True))
    conn = op.get_bind()
    value = "CAST(:value AS JSON)" if conn.dialect.name == "postgresql" else ":value"
    # Adding someone to a group was the only "invited" notification: it is "added" now.
    conn.execute(sa.text("UPDATE notifications SET type = 'added' WHERE type = 'invited'"))
    conn.execute(
        sa.text(
            "INSERT INTO notification_mutes (user_id, type) SELECT user_id, 'added'"
            " FROM notification_mutes m WHERE type = 'invited' AND NOT EXISTS (SELECT 1"
            " FROM notification_mutes o WHERE o.user_id = m.user_id AND o.type = 'added')"
        )
    )
    rows = conn.execute(
        sa.text(
            "SELECT id, type, text FROM notifications"
            " WHERE type IN ('celebrated', 'announcement', 'poll_decided', 'moderation')"
        )
    ).all()
    for notification_id, type_, text in rows:
        params = notification_params(type_, text or "")
        if params is not None:
            conn.execute(
                sa.text(f"UPDATE notifications SET params = {value} WHERE id = :id"),
                {"value": json.dumps(params), "id": notification_id},
            )
    celebrations = conn.execute(
        sa.text(
            "SELECT p.id, c.kind, p.body, c.user_id FROM posts p"
            " JOIN celebrations c ON c.post_id = p.id"
            " WHERE c.kind IN ('birthday', 'anniversary', 'new_joiner') AND p.body <> ''"
        )
    ).all()
    if celebrations:
        handles = {
            handle.lower(): user_id
            for user_id, handle in conn.execute(sa.text("SELECT id, handle FROM users"))
        }
        for post_id, kind, body, person_id in celebrations:
            system = post_system(kind, body, person_id, handles)
            if system is not None:
                conn.execute(
                    sa.text(f"UPDATE posts SET system = {value} WHERE id = :id"),
                    {"value": json.dumps(system), "id": post_id},
                )


def downgrade():
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE notifications SET type = 'invited' WHERE type = 'added'"))
    conn.execute(sa.text("DELETE FROM notification_mutes WHERE type = 'added'"))
    # plain DROP COLUMN (SQLite 3.35+): triggers stay
    op.drop_column("posts", "system")
    op.drop_column("notifications", "params")
