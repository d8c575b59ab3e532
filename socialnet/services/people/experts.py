"""Who knows X: people ranked by what shows they know a topic.

The evidence, and its weight in the score:

- declared the skill (its key is the topic's): :data:`DECLARED`;
- each endorsement of that skill: :data:`PER_ENDORSEMENT`;
- each best answer on a question tagged with the topic: :data:`PER_BEST_ANSWER`;
- each post tagged with the topic (questions aside): :data:`PER_POST`.

Skills and endorsements are public; best answers and posts count only when the asker may
see them (``policy.visible_posts_filter`` and ``visible_comments_filter``), so the ranking
discloses nothing of a group or announcement the asker cannot read.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import Comment, Endorsement, Post, PostHashtag, Skill, User, UserSkill
from ...serializers import user_summary
from ...text_keys import fold
from ..questions import QUESTION
from ..validation import check_filter_text

DECLARED = 5
PER_ENDORSEMENT = 2
PER_BEST_ANSWER = 3
PER_POST = 1
EXPERTS_MAX = 20


def _declared(key: str) -> dict[int, int]:
    """Person → endorsements of the skill, for those who declared it."""
    endorsements = (
        select(func.count(Endorsement.id))
        .where(Endorsement.user_id == UserSkill.user_id, Endorsement.skill_id == Skill.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(UserSkill.user_id, endorsements)
        .join(Skill, Skill.id == UserSkill.skill_id)
        .where(Skill.key == key)
    )
    return {user_id: count for user_id, count in rows}


def _best_answers(viewer: User, tag: str) -> dict[int, int]:
    rows = db.session.execute(
        select(Comment.author_id, func.count(Post.id))
        .join(Comment, Comment.id == Post.best_answer_id)
        .join(PostHashtag, PostHashtag.post_id == Post.id)
        .where(
            PostHashtag.tag == tag,
            policy.visible_posts_filter(viewer),
            policy.visible_comments_filter(viewer),
        )
        .group_by(Comment.author_id)
    )
    return {user_id: count for user_id, count in rows}


def _posts(viewer: User, tag: str) -> dict[int, int]:
    rows = db.session.execute(
        select(Post.author_id, func.count(Post.id))
        .join(PostHashtag, PostHashtag.post_id == Post.id)
        .where(
            PostHashtag.tag == tag,
            Post.kind != QUESTION,  # asking shows a need, not knowledge
            policy.visible_posts_filter(viewer),
        )
        .group_by(Post.author_id)
    )
    return {user_id: count for user_id, count in rows}


def find_experts(viewer: User, topic: str | None) -> list[dict[str, Any]]:
    """The active people who know ``topic`` best, as ``viewer`` may tell, best first
    (ties by name); at most :data:`EXPERTS_MAX`.

    :raise ValidationFailed: no topic, or one too long.
    """
    topic = check_filter_text(topic, "topic", max_len=120)
    key = fold((topic or "").lstrip("#"))
    if not key:
        raise ValidationFailed(_("Name a topic."), fields={"topic": "empty"})
    tag = key.replace(" ", "")
    declared = _declared(key)
    best = _best_answers(viewer, tag)
    posts = _posts(viewer, tag)
    evidence: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"declared": False, "endorsements": 0, "best_answers": 0, "posts": 0}
    )
    for user_id, count in declared.items():
        evidence[user_id].update(declared=True, endorsements=count)
    for user_id, count in best.items():
        evidence[user_id]["best_answers"] = count
    for user_id, count in posts.items():
        evidence[user_id]["posts"] = count
    people = db.session.scalars(
        select(User).where(
            User.id.in_(list(evidence)),
            User.active.is_(True),
            policy.visible_people_filter(viewer),
        )
    ).all()
    ranked = []
    for person in people:
        facts = evidence[person.id]
        score = (
            DECLARED * facts["declared"]
            + PER_ENDORSEMENT * facts["endorsements"]
            + PER_BEST_ANSWER * facts["best_answers"]
            + PER_POST * facts["posts"]
        )
        ranked.append({"user": user_summary(person), "score": score, **facts})
    ranked.sort(key=lambda item: (-item["score"], item["user"]["display_name"].casefold()))
    return ranked[:EXPERTS_MAX]
