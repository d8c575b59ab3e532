"""PostgreSQL spells a searched prefix out as the words it begins (``search_words``, kept
by triggers): ``'brav':*`` is searched as ``('brave' | 'bravo' | …)``, which its GIN index
intersects without reading each word's whole list. The answer must be the one the prefix
gives, for words written, edited or renamed in since; SQLite keeps FTS5's own prefix lists
and sends the prefix as typed."""

from __future__ import annotations

import pytest

import socialnet.services.search as search_service
from socialnet.extensions import db
from socialnet.services.comments import do_create_comment
from socialnet.services.posts import do_create_post, do_edit_post
from socialnet.services.search import SearchFilters, engines, search
from socialnet.services.search.query import parse_query


def _found(user, query: str, kind: str = "all") -> list[tuple[str, int]]:
    items, _ = search(user, query, SearchFilters(type=kind), None, 50)
    return [(item["type"], item["id"]) for item in items]


@pytest.fixture
def brave_words(employee):
    """Posts and a comment whose words begin with "brav", one edited in afterwards."""
    posts = [
        do_create_post(employee, {"body": body})
        for body in ("Bravo l'équipe", "Bravos à tous", "Quelle bravoure", "Rien à voir")
    ]
    db.session.flush()
    comment = do_create_comment(employee, posts[0].id, {"body": "Bravissimo !"})
    db.session.commit()
    do_edit_post(employee, posts[3].id, {"body": "Une bravitude nouvelle"})
    db.session.commit()
    return posts, comment


def test_a_prefix_is_spelled_out_as_every_word_it_begins(employee, brave_words):
    posts, comment = brave_words
    expected = {("post", p.id) for p in posts} | {("comment", comment.id)}
    assert set(_found(employee, "brav")) == expected
    assert _found(employee, "bravitude") == [("post", posts[3].id)]  # added by the edit
    params = engines.words_params(db.session, parse_query("brav"))
    if db.engine.dialect.name == "sqlite":
        assert params == {"fts": '"brav"*'}
        return
    spelled = engines.spelled_prefixes(db.session, ["brav"])["brav"]
    assert {"bravo", "bravos", "bravoure", "bravissimo", "bravitude"} <= set(spelled)
    assert all(word.startswith("brav") for word in spelled)
    assert ":*" not in params["tsquery"] and "'bravitude'" in params["tsquery"]
    assert params["tsquery_rank"] == "'brav':*"  # ranked as typed


@pytest.mark.parametrize("query", ["brav", "bravo", "brav -bravoure", '"quelle bravoure"'])
def test_spelled_and_typed_prefixes_answer_the_same_rows_in_the_same_order(
    employee, brave_words, monkeypatch, query
):
    spelled = _found(employee, query)
    assert spelled, "every query of this test finds something"
    monkeypatch.setattr(search_service, "spelled_prefixes", lambda *_args: {})
    assert _found(employee, query) == spelled


def test_a_renamed_colleague_or_group_is_found_by_their_new_name(employee, make_user, make_group):
    colleague = make_user("Zoé Brunet")
    group = make_group("Cercle des lecteurs", members=(employee,))
    colleague.display_name = "Zoé Bravard"
    group.name = "Cercle des bravaches"
    db.session.commit()
    assert _found(employee, "bravar", "people") == [("person", colleague.id)]
    assert _found(employee, "bravach", "groups") == [("group", group.id)]
    if db.engine.dialect.name == "postgresql":
        spelled = engines.spelled_prefixes(db.session, ["bravar", "bravach"])
        assert "bravard" in spelled["bravar"] and "bravaches" in spelled["bravach"]


def test_prefixes_too_common_or_not_plain_ascii_stay_prefixes(employee, monkeypatch):
    """Past ``MAX_SPELLED_WORDS`` words, or for a prefix ``unaccent`` could change, the
    prefix is sent as typed; a prefix no word begins is spelled as itself (no match)."""
    posts = [
        do_create_post(employee, {"body": body})
        for body in ("triangle", "tribune", "trimestre", "мирный договор")
    ]
    db.session.commit()
    monkeypatch.setattr(engines, "MAX_SPELLED_WORDS", 2)
    assert {i for _t, i in _found(employee, "tri", "posts")} == {p.id for p in posts[:3]}
    assert _found(employee, "мир", "posts") == [("post", posts[3].id)]
    assert _found(employee, "zzqx", "posts") == []
    if db.engine.dialect.name == "sqlite":
        assert engines.words_params(db.session, parse_query("tri")) == {"fts": '"tri"*'}
        return
    assert engines.spelled_prefixes(db.session, ["tri", "мир", "zzqx"]) == {"zzqx": ["zzqx"]}
