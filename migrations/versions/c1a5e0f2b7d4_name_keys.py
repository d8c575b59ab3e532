"""name keys: one case- and accent-insensitive key per name, enforced by the database

Adds ``company_values.name_key`` (unique), ``groups.name_key``, ``users.handle_key``
(unique), ``users.name_key``, ``users.search_key`` and ``watched_words.word_key``
(unique with ``is_regex``, replacing the unique ``(pattern, is_regex)``), filled with
:func:`socialnet.text_keys.fold`; hashtags are re-stored as their keys. The
``lower(display_name)`` index goes: lists sort by ``users.name_key``.

Existing names that now share a key (possible on SQLite, whose ``lower()`` folded
ASCII only) are resolved, the oldest row keeping its name:
- a company value is renamed "<name> (<id>)" (its kudos keep it; an admin can rename);
- a handle becomes "<handle>-<id>";
- of watched words of one kind with one key, the strongest action's row stays (ties:
  the oldest), the others are deleted (they watched for the same thing);
- a post's hashtags that fold alike become one row; a tag whose key is empty or
  longer than 64 characters is dropped (new text does not produce such tags).

Revision ID: c1a5e0f2b7d4
Revises: b8d41f07e2c6
Create Date: 2026-12-04 16:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

from socialnet.text_keys import fold, watched_word_key

# revision identifiers, used by Alembic.
revision = "c1a5e0f2b7d4"
down_revision = "b8d41f07e2c6"
branch_labels = None
depends_on = None

SEVERITY = ("block", "require_approval", "flag", "censor")
TAG_MAX = 64


def _key_column(name: str, type_: sa.types.TypeEngine) -> sa.Column:
    return sa.Column(name, type_, nullable=False, server_default="")


def upgrade():
    # Plain ADD COLUMN on both engines (NOT NULL with a default): no table rebuild.
    op.add_column("company_values", _key_column("name_key", sa.String(length=240)))
    op.add_column("groups", _key_column("name_key", sa.String(length=480)))
    op.add_column("users", _key_column("handle_key", sa.String(length=256)))
    op.add_column("users", _key_column("name_key", sa.String(length=480)))
    op.add_column("users", _key_column("search_key", sa.Text()))
    op.add_column("watched_words", _key_column("word_key", sa.String(length=800)))
    conn = op.get_bind()
    _fill_values(conn)
    _fill_groups(conn)
    _fill_users(conn)
    _fill_watched_words(conn)
    _refold_hashtags(conn)
    op.create_index(op.f("ix_company_values_name_key"), "company_values", ["name_key"], unique=True)
    op.create_index(op.f("ix_groups_name_key"), "groups", ["name_key"], unique=False)
    op.create_index(op.f("ix_users_handle_key"), "users", ["handle_key"], unique=True)
    op.create_index(op.f("ix_users_name_key"), "users", ["name_key"], unique=False)
    op.drop_index("ix_users_lower_display_name", table_name="users")
    op.create_index(
        "ix_watched_words_word_key_is_regex",
        "watched_words",
        ["word_key", "is_regex"],
        unique=True,
    )
    # watched_words has no children: SQLite's batch rebuild of it is safe.
    with op.batch_alter_table("watched_words", schema=None) as batch_op:
        batch_op.drop_constraint("uq_watched_words_pattern_is_regex", type_="unique")


def _unique_name(base: str, suffix: str, width: int, taken: set[str]) -> tuple[str, str]:
    """``base`` cut to fit ``width`` with ``suffix`` appended, and its key, not in ``taken``."""
    while True:
        name = base[: width - len(suffix)] + suffix
        key = fold(name)
        if key not in taken:
            return name, key
        suffix += "'"


def _fill_values(conn) -> None:
    seen: set[str] = set()
    rows = conn.execute(sa.text("SELECT id, name FROM company_values ORDER BY id")).all()
    for value_id, name in rows:
        key = fold(name)
        if key in seen:
            name, key = _unique_name(name, f" ({value_id})", 60, seen)
        seen.add(key)
        conn.execute(
            sa.text("UPDATE company_values SET name = :name, name_key = :key WHERE id = :id"),
            {"name": name, "key": key, "id": value_id},
        )


def _fill_groups(conn) -> None:
    for group_id, name in conn.execute(sa.text("SELECT id, name FROM groups")).all():
        conn.execute(
            sa.text("UPDATE groups SET name_key = :key WHERE id = :id"),
            {"key": fold(name)[:480], "id": group_id},
        )


def _fill_users(conn) -> None:
    seen: set[str] = set()
    rows = conn.execute(
        sa.text("SELECT id, handle, display_name, job_title FROM users ORDER BY id")
    ).all()
    handles = {handle for _id, handle, _name, _job in rows}
    for user_id, handle, name, job_title in rows:
        key = fold(handle)
        if key in seen:
            new, key = _unique_name(handle, f"-{user_id}", 64, seen | handles)
            handles.add(new)
            handle = new
        seen.add(key)
        conn.execute(
            sa.text(
                "UPDATE users SET handle = :handle, handle_key = :handle_key, "
                "name_key = :name_key, search_key = :search_key WHERE id = :id"
            ),
            {
                "handle": handle,
                "handle_key": key,
                "name_key": fold(name)[:480],
                "search_key": "\n".join(fold(t or "") for t in (handle, name, job_title)),
                "id": user_id,
            },
        )


def _fill_watched_words(conn) -> None:
    rows = conn.execute(sa.text("SELECT id, pattern, is_regex, action FROM watched_words")).all()
    keep: dict[tuple[str, bool], tuple[int, int]] = {}  # (key, regex) -> (rank, id)
    for word_id, pattern, is_regex, action in rows:
        slot = (watched_word_key(pattern, bool(is_regex)), bool(is_regex))
        rank = (SEVERITY.index(action) if action in SEVERITY else len(SEVERITY), word_id)
        if slot not in keep or rank < keep[slot]:
            keep[slot] = rank
    kept = {word_id: slot[0] for slot, (_severity, word_id) in keep.items()}
    for word_id, *_rest in rows:
        if word_id in kept:
            conn.execute(
                sa.text("UPDATE watched_words SET word_key = :key WHERE id = :id"),
                {"key": kept[word_id], "id": word_id},
            )
        else:
            conn.execute(sa.text("DELETE FROM watched_words WHERE id = :id"), {"id": word_id})


def _refold_hashtags(conn) -> None:
    rows = conn.execute(sa.text("SELECT post_id, tag FROM post_hashtags ORDER BY post_id")).all()
    present = {(post_id, tag) for post_id, tag in rows}
    delete = sa.text("DELETE FROM post_hashtags WHERE post_id = :post_id AND tag = :tag")
    insert = sa.text("INSERT INTO post_hashtags (post_id, tag) VALUES (:post_id, :tag)")
    for post_id, tag in rows:
        key = fold(tag)
        if key == tag:
            continue
        conn.execute(delete, {"post_id": post_id, "tag": tag})
        if key and len(key) <= TAG_MAX and (post_id, key) not in present:
            conn.execute(insert, {"post_id": post_id, "tag": key})
            present.add((post_id, key))


def downgrade():
    with op.batch_alter_table("watched_words", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_watched_words_pattern_is_regex", ["pattern", "is_regex"]
        )
    op.drop_index("ix_watched_words_word_key_is_regex", table_name="watched_words")
    op.create_index("ix_users_lower_display_name", "users", [sa.text("lower(display_name)")])
    op.drop_index(op.f("ix_users_name_key"), table_name="users")
    op.drop_index(op.f("ix_users_handle_key"), table_name="users")
    op.drop_index(op.f("ix_groups_name_key"), table_name="groups")
    op.drop_index(op.f("ix_company_values_name_key"), table_name="company_values")
    # Plain DROP COLUMN (SQLite 3.35+): no rebuild of users, whose children would cascade.
    op.drop_column("watched_words", "word_key")
    op.drop_column("users", "search_key")
    op.drop_column("users", "name_key")
    op.drop_column("users", "handle_key")
    op.drop_column("groups", "name_key")
    op.drop_column("company_values", "name_key")
