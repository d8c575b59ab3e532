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


#: A tag's count in one place is spread over this many rows (``shard`` = the post's id
#: modulo it) and read as their sum. One row would be a hot spot: every post carrying a
#: busy tag updates it and holds its lock until COMMIT, so people posting with the same
#: tag at once would queue behind each other (PostgreSQL writes p99 ×3, issue #16).
TOPIC_COUNT_SHARDS = 16


class TopicCount(db.Model):
    """How many posts that any reader of their place may see carry ``tag``, per place:
    ``group_key`` is the group's id, 0 for company posts; a place's figure is the sum of
    its ``shard`` rows (:data:`TOPIC_COUNT_SHARDS`). Counted: posts not deleted,
    published, and not announcements (whose audience is per person). Kept exact by the
    database's triggers (:data:`TOPIC_COUNT_TRIGGERS`) in the writing transaction, so
    topic type-ahead sums a few rows instead of counting every visible use of a busy tag;
    ``policy.visible_tag_uses`` adds what it leaves out (one's own held posts, the
    announcements one received). Rows may hold 0."""

    __tablename__ = "topic_counts"

    tag: Mapped[str] = mapped_column(String(TOPIC_TAG_MAX), primary_key=True)
    group_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=0)
    posts: Mapped[int] = mapped_column(default=0)


#: The posts :class:`TopicCount` counts, of a row named ``{row}``. ``policy.visible_tag_uses``
#: repeats it (:data:`COUNTED_POST`).
_COUNTED = (
    "{row}.deleted_at IS NULL AND {row}.moderation_state = 'published' "
    "AND {row}.kind <> 'announcement'"
)
_ADD = """
INSERT INTO topic_counts (tag, group_key{shard_column}, posts)
SELECT {tag}, coalesce({post}.group_id, 0){shard}, 1 FROM {source} WHERE {where} AND {counted}
ON CONFLICT (tag, group_key{shard_column}) DO UPDATE SET posts = topic_counts.posts + 1;"""


def _shard(post_id: str, sharded: bool) -> tuple[str, str, str]:
    """(``, shard`` column, ``, <expr>`` value, `` AND shard = <expr>`` condition) of the
    shard of post ``post_id`` (an SQL expression), or three empty strings unsharded (the
    form before migration ``b6d2f8a4c1e9``, which its predecessors still create)."""
    if not sharded:
        return "", "", ""
    expr = f"{post_id} % {TOPIC_COUNT_SHARDS}"
    return ", shard", f", {expr}", f" AND shard = {expr}"


def _tag_row(row: str, sharded: bool) -> tuple[str, str]:
    """(add, subtract) for one post_hashtags row (``NEW``/``OLD``), after its post."""
    counted = _COUNTED.format(row="p")
    column, value, condition = _shard(f"{row}.post_id", sharded)
    add = _ADD.format(
        tag=f"{row}.tag",
        post="p",
        source="posts p",
        where=f"p.id = {row}.post_id",
        counted=counted,
        shard_column=column,
        shard=value,
    )
    subtract = f"""
UPDATE topic_counts SET posts = posts - 1 WHERE tag = {row}.tag{condition} AND group_key = (
  SELECT coalesce(p.group_id, 0) FROM posts p WHERE p.id = {row}.post_id AND {counted});"""
    return add, subtract


def _post_row(row: str, sharded: bool) -> tuple[str, str]:
    """(add, subtract) for every tag of one post row (``NEW``/``OLD``)."""
    counted = _COUNTED.format(row=row)
    column, value, condition = _shard(f"{row}.id", sharded)
    add = _ADD.format(
        tag="h.tag",
        post=row,
        source="post_hashtags h",
        where=f"h.post_id = {row}.id",
        counted=counted,
        shard_column=column,
        shard=value,
    )
    subtract = f"""
UPDATE topic_counts SET posts = posts - 1
WHERE {counted} AND group_key = coalesce({row}.group_id, 0){condition}
AND tag IN (SELECT h.tag FROM post_hashtags h WHERE h.post_id = {row}.id);"""
    return add, subtract


#: Columns of a post whose change may move it in or out of the counts.
_POST_COLUMNS = "deleted_at, moderation_state, kind, group_id"


def _sqlite_topic_triggers(sharded: bool) -> list[str]:
    add_new, _ = _tag_row("NEW", sharded)
    _, subtract_old = _tag_row("OLD", sharded)
    post_add, _ = _post_row("NEW", sharded)
    _, post_subtract = _post_row("OLD", sharded)
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


def _postgresql_topic_triggers(sharded: bool) -> list[str]:
    add_new, _ = _tag_row("NEW", sharded)
    _, subtract_old = _tag_row("OLD", sharded)
    post_add, _ = _post_row("NEW", sharded)
    _, post_subtract = _post_row("OLD", sharded)
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


def topic_count_triggers(dialect: str, sharded: bool = True) -> list[str]:
    """DDL of the triggers keeping :class:`TopicCount` for ``dialect`` (idempotent);
    ``sharded=False``: the form before migration ``b6d2f8a4c1e9``, which the migrations
    before it create."""
    if dialect == "sqlite":
        return _sqlite_topic_triggers(sharded)
    if dialect == "postgresql":
        return _postgresql_topic_triggers(sharded)
    return []


def recount_topics(sharded: bool = True) -> list[str]:
    """Recount everything (the migrations' backfill, ``flask search reindex``);
    ``sharded=False``: the form before migration ``b6d2f8a4c1e9``."""
    column, value, _ = _shard("h.post_id", sharded)
    return [
        "DELETE FROM topic_counts",
        f"INSERT INTO topic_counts (tag, group_key{column}, posts) "
        f"SELECT h.tag, coalesce(p.group_id, 0){value}, count(*) FROM post_hashtags h "
        f"JOIN posts p ON p.id = h.post_id WHERE {_COUNTED.format(row='p')} "
        f"GROUP BY h.tag, coalesce(p.group_id, 0){value}",
    ]


#: The current triggers per dialect, and the current recount.
TOPIC_COUNT_TRIGGERS = {name: topic_count_triggers(name) for name in ("sqlite", "postgresql")}
RECOUNT_TOPICS = recount_topics()


def _create_topic_count_triggers(_target, connection, **_kw) -> None:
    for statement in TOPIC_COUNT_TRIGGERS.get(connection.dialect.name, ()):
        connection.execute(DDL(statement.replace("%", "%%")))


event.listen(db.metadata, "after_create", _create_topic_count_triggers)
