"""Topics: every hashtag is a topic; a row exists once someone describes, merges or
follows it (created lazily), and a follow is one row per person and tag."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: The width of a topic key: that of ``post_hashtags.tag``.
TOPIC_TAG_MAX = 64
#: The longest description a community manager may give a topic.
TOPIC_DESCRIPTION_MAX = 500


class Topic(db.Model):
    """A hashtag's page data. ``tag`` is the folded key (``text_keys.fold``), as in
    ``post_hashtags.tag``. ``merged_into``: this tag is an alias of another one — its posts
    and followers were moved there, and later posts using it land there too."""

    __tablename__ = "topics"
    __table_args__ = (
        CheckConstraint("merged_into IS NULL OR merged_into <> tag", name="not_self"),
    )

    tag: Mapped[str] = mapped_column(String(TOPIC_TAG_MAX), primary_key=True)
    description: Mapped[str | None] = mapped_column(String(TOPIC_DESCRIPTION_MAX))
    merged_into: Mapped[str | None] = mapped_column(
        String(TOPIC_TAG_MAX), ForeignKey("topics.tag", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicFollow(db.Model):
    """``user_id`` follows ``tag`` (a folded key; the topic row need not exist)."""

    __tablename__ = "topic_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(TOPIC_TAG_MAX), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicCount(db.Model):
    """How many posts that any reader of their place may see carry ``tag``, per place:
    ``group_key`` is the group's id, 0 for company posts. Counted: posts not deleted,
    published, and not announcements (whose audience is per person). Kept exact by the
    database's triggers (:data:`TOPIC_COUNT_TRIGGERS`) in the writing transaction, so
    topic type-ahead sums a few rows instead of counting every visible use of a busy tag;
    ``policy.visible_tag_uses`` adds what it leaves out (one's own held posts, the
    announcements one received). Rows may hold 0."""

    __tablename__ = "topic_counts"

    tag: Mapped[str] = mapped_column(String(TOPIC_TAG_MAX), primary_key=True)
    group_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    posts: Mapped[int] = mapped_column(default=0)


#: The posts :class:`TopicCount` counts, of a row named ``{row}``. ``policy.visible_tag_uses``
#: repeats it (:data:`COUNTED_POST`).
_COUNTED = (
    "{row}.deleted_at IS NULL AND {row}.moderation_state = 'published' "
    "AND {row}.kind <> 'announcement'"
)
_ADD = """
INSERT INTO topic_counts (tag, group_key, posts)
SELECT {tag}, coalesce({post}.group_id, 0), 1 FROM {source} WHERE {where} AND {counted}
ON CONFLICT (tag, group_key) DO UPDATE SET posts = topic_counts.posts + 1;"""


def _tag_row(row: str) -> tuple[str, str]:
    """(add, subtract) for one post_hashtags row (``NEW``/``OLD``), after its post."""
    counted = _COUNTED.format(row="p")
    add = _ADD.format(
        tag=f"{row}.tag",
        post="p",
        source="posts p",
        where=f"p.id = {row}.post_id",
        counted=counted,
    )
    subtract = f"""
UPDATE topic_counts SET posts = posts - 1 WHERE tag = {row}.tag AND group_key = (
  SELECT coalesce(p.group_id, 0) FROM posts p WHERE p.id = {row}.post_id AND {counted});"""
    return add, subtract


def _post_row(row: str) -> tuple[str, str]:
    """(add, subtract) for every tag of one post row (``NEW``/``OLD``)."""
    counted = _COUNTED.format(row=row)
    add = _ADD.format(
        tag="h.tag",
        post=row,
        source="post_hashtags h",
        where=f"h.post_id = {row}.id",
        counted=counted,
    )
    subtract = f"""
UPDATE topic_counts SET posts = posts - 1
WHERE {counted} AND group_key = coalesce({row}.group_id, 0)
AND tag IN (SELECT h.tag FROM post_hashtags h WHERE h.post_id = {row}.id);"""
    return add, subtract


#: Columns of a post whose change may move it in or out of the counts.
_POST_COLUMNS = "deleted_at, moderation_state, kind, group_id"


def _sqlite_topic_triggers() -> list[str]:
    add_new, _ = _tag_row("NEW")
    _, subtract_old = _tag_row("OLD")
    post_add, _ = _post_row("NEW")
    _, post_subtract = _post_row("OLD")
    out = []
    for name, on, body in (
        ("trg_post_hashtags_topic_counts_ins", "AFTER INSERT ON post_hashtags", add_new),
        ("trg_post_hashtags_topic_counts_del", "AFTER DELETE ON post_hashtags", subtract_old),
        (
            "trg_post_hashtags_topic_counts_upd",
            "AFTER UPDATE OF tag, post_id ON post_hashtags",
            subtract_old + add_new,
        ),
        (
            "trg_posts_topic_counts_upd",
            f"AFTER UPDATE OF {_POST_COLUMNS} ON posts",
            post_subtract + post_add,
        ),
        # Before: the post's tags are still there (ON DELETE CASCADE removes them after,
        # when their own trigger no longer finds the post).
        ("trg_posts_topic_counts_del", "BEFORE DELETE ON posts", post_subtract),
    ):
        out.append(f"DROP TRIGGER IF EXISTS {name}")
        out.append(f"CREATE TRIGGER {name} {on} FOR EACH ROW BEGIN{body}\nEND")
    return out


def _postgresql_topic_triggers() -> list[str]:
    add_new, _ = _tag_row("NEW")
    _, subtract_old = _tag_row("OLD")
    post_add, _ = _post_row("NEW")
    _, post_subtract = _post_row("OLD")
    return [
        f"""CREATE OR REPLACE FUNCTION topic_counts_tag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {subtract_old}
  END IF;
  IF TG_OP <> 'DELETE' THEN {add_new}
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION topic_counts_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {post_subtract}
  IF TG_OP = 'UPDATE' THEN {post_add}
    RETURN NULL;
  END IF;
  RETURN OLD;
END $$""",
        "DROP TRIGGER IF EXISTS trg_post_hashtags_topic_counts ON post_hashtags",
        "CREATE TRIGGER trg_post_hashtags_topic_counts "
        "AFTER INSERT OR DELETE OR UPDATE OF tag, post_id ON post_hashtags "
        "FOR EACH ROW EXECUTE FUNCTION topic_counts_tag()",
        "DROP TRIGGER IF EXISTS trg_posts_topic_counts_upd ON posts",
        f"CREATE TRIGGER trg_posts_topic_counts_upd AFTER UPDATE OF {_POST_COLUMNS} ON posts "
        "FOR EACH ROW EXECUTE FUNCTION topic_counts_post()",
        # Before: the post's tags are still there (the cascade removes them after).
        "DROP TRIGGER IF EXISTS trg_posts_topic_counts_del ON posts",
        "CREATE TRIGGER trg_posts_topic_counts_del BEFORE DELETE ON posts "
        "FOR EACH ROW EXECUTE FUNCTION topic_counts_post()",
    ]


#: DDL of the triggers keeping :class:`TopicCount` per dialect (idempotent; the migration
#: runs it too).
TOPIC_COUNT_TRIGGERS = {
    "sqlite": _sqlite_topic_triggers(),
    "postgresql": _postgresql_topic_triggers(),
}

#: Recount everything (the migration's backfill, ``flask search reindex``).
RECOUNT_TOPICS = [
    "DELETE FROM topic_counts",
    "INSERT INTO topic_counts (tag, group_key, posts) "
    "SELECT h.tag, coalesce(p.group_id, 0), count(*) FROM post_hashtags h "
    f"JOIN posts p ON p.id = h.post_id WHERE {_COUNTED.format(row='p')} "
    "GROUP BY h.tag, coalesce(p.group_id, 0)",
]


def _create_topic_count_triggers(_target, connection, **_kw) -> None:
    for statement in TOPIC_COUNT_TRIGGERS.get(connection.dialect.name, ()):
        connection.execute(DDL(statement.replace("%", "%%")))


event.listen(db.metadata, "after_create", _create_topic_count_triggers)
