"""Lessons learned: feedback summaries (:mod:`.feedback`, a post kind with a structure)
and the knowledge base that lists them with the circles' syntheses, by topic, newest or
most useful first, with search (:mod:`.library`)."""

from .feedback import SECTION_TITLES, do_create_feedback, feedback_for_posts
from .library import KNOWLEDGE_KINDS, knowledge_topics, list_knowledge

__all__ = [
    "KNOWLEDGE_KINDS",
    "SECTION_TITLES",
    "do_create_feedback",
    "feedback_for_posts",
    "knowledge_topics",
    "list_knowledge",
]
