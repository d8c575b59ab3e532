"""PostgreSQL search reads its growing tables (posts, comments, files) in windows chosen
from the words' statistics (``engines.windows``): the GIN index alone for a rare search,
a recent window sized for a word of known frequency, the default windows otherwise.
Whatever the choice, the answer is the same rows in the same order."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from socialnet.extensions import db
from socialnet.models.search import FILES, POSTS
from socialnet.services.comments import do_create_comment
from socialnet.services.posts import do_create_post
from socialnet.services.search import engines
from socialnet.services.search.engines import (
    MAX_RECENT_ROWS,
    SELECTIVE_ROWS,
    WINDOW_MARGIN,
    Window,
    _WordStats,
)
from socialnet.services.search.query import parse_query

#: A table of a million rows where "bravo" is in 10 % of them, "lobababa" in 2.4 %,
#: "sodebaba" in 0.5 %; words not listed are in at most 0.08 %.
MILLION = _WordStats(
    {"bravo": 0.10, "bravos": 0.001, "lobababa": 0.024, "sodebaba": 0.005, "le": 0.2},
    floor=0.0008,
    rows=1_000_000.0,
    read_at=0.0,
)


@pytest.fixture
def stats(monkeypatch):
    """Make ``engines`` see the statistics given to the returned setter."""

    def use(word_stats: _WordStats) -> None:
        monkeypatch.setattr(engines, "_word_stats", lambda _session, _table: word_stats)

    use(MILLION)
    return use


def plan(query: str, candidates: int = 1000, spelled=None) -> tuple[Window, ...]:
    return engines.windows(db.session, POSTS, parse_query(query), candidates, spelled)


def test_a_rare_word_reads_the_index_alone(stats):
    assert plan("sosovaki") == (Window("index"),)  # not listed: at most 800 rows
    assert engines.expected_rows(db.session, POSTS, parse_query("sosovaki")) == 800


def test_a_frequent_word_walks_the_recent_window_first(stats):
    """The window holds WINDOW_MARGIN times the candidates its share expects: the walk stops
    at the limit, and a burst of posts without the word must not send it to the index."""
    size = int(WINDOW_MARGIN * 1000 / 0.101)
    assert plan("bravo") == (Window("recent", size), Window("older", size))
    # the prefix sums the listed words it begins
    assert engines.expected_rows(db.session, POSTS, parse_query("bravo")) == pytest.approx(101_000)


def test_a_word_of_middling_frequency_gets_a_window_that_holds_its_candidates(stats):
    windows = plan("lobababa")
    assert [w.kind for w in windows] == ["recent", "older"]
    assert 2 * 1000 / 0.024 < MAX_RECENT_ROWS < WINDOW_MARGIN * 1000 / 0.024
    assert windows[0].rows == MAX_RECENT_ROWS  # as wide as we walk


def test_a_word_too_rare_for_any_window_we_would_walk_reads_the_index(stats):
    assert MAX_RECENT_ROWS < 2 * 1000 / 0.005
    assert plan("sodebaba") == (Window("index"),)


def test_several_words_are_bounded_by_the_rarest_and_never_grow_the_window(stats):
    """Words typed together are not independent (a phrase's never are): their share is
    only bounded by the rarest one, so the window keeps its default size."""
    assert plan("bravo lobababa") == (Window("recent"), Window("older"))
    assert plan("le bravo") == (Window("recent"), Window("older"))
    # one phrase: its rarest word bounds it, which sizes the window (larger if it falls short)
    assert plan('"le lobababa"')[0].rows == min(MAX_RECENT_ROWS, int(WINDOW_MARGIN * 1000 / 0.024))
    assert plan("bravo sosovaki") == (Window("index"),)  # bounded by an unlisted word


def test_words_seldom_together_read_the_index_alone_once_their_prefixes_are_spelled(stats):
    """With the words each prefix begins known (``search_words``), a prefix is bounded by
    the sum of its words' shares: when even the bound of all the words together says the
    recent window cannot fill the candidates, the older rows would be read through the
    index anyway, so the index alone is read. Words that may be together often enough to
    fill it keep the windows; a prefix not spelled bounds nothing."""
    spelled = {"bravo": ["bravo", "bravos"], "lobababa": ["lobababa"], "le": ["le", "lequel"]}
    assert plan("bravo lobababa", spelled=spelled) == (Window("index"),)  # at most 2.4 %
    assert plan("le bravo", spelled=spelled) == (Window("recent"), Window("older"))  # 10.1 %
    assert plan("bravo lobababa", spelled={"bravo": ["bravo"]}) == (
        Window("recent"),
        Window("older"),
    )
    # a prefix beginning many words adds them up: at most 0.1 + 4 x 0.0008 here
    many = {"brav": ["bravo", "bravoure", "bravade", "braver", "bravement"], "le": ["le"]}
    assert plan("brav le", spelled=many) == (Window("recent"), Window("older"))
    assert plan('lobababa "bravo le"', spelled=spelled) == (Window("index"),)


def test_unknown_frequencies_keep_the_default_windows(stats):
    assert plan("br") == (Window("recent"), Window("older"))  # a prefix too short to judge
    stats(_WordStats({}, floor=0.0, rows=-1.0, read_at=0.0))  # never analysed
    assert plan("sosovaki") == (Window("recent"), Window("older"))
    assert engines.expected_rows(db.session, POSTS, parse_query("sosovaki")) is None


def test_a_small_table_reads_the_index_alone(stats):
    stats(_WordStats({"bravo": 0.5}, floor=0.5, rows=2 * SELECTIVE_ROWS - 2, read_at=0.0))
    assert plan("bravo") == (Window("index"),)


@pytest.mark.parametrize(
    "windows",
    [
        (Window("index"),),
        (Window("recent", 0), Window("older", 0)),
        (Window("recent", 1), Window("older", 1)),
        (Window("recent", 3), Window("older", 3)),
        (Window("recent"), Window("older")),  # RECENT_ROWS
        (Window("recent", 10**6), Window("older", 10**6)),
    ],
    ids=["index", "recent-0", "recent-1", "recent-3", "recent-default", "recent-all"],
)
@pytest.mark.parametrize("candidates", [2, 1000])
def test_every_choice_of_windows_answers_the_same_rows(
    employee, fred, make_group, monkeypatch, windows, candidates
):
    """Wherever the boundary between the recent and the older rows falls, or with the
    index alone, the candidates, their order and their visibility are those of one query
    by id (on SQLite, which has no windows, this is the same search every time)."""
    import socialnet.services.search as search_service
    from socialnet.services.search import SearchFilters, search

    secret = make_group("Coffre", visibility="secret", members=(fred,))
    posts = [
        do_create_post(employee, {"body": f"budget {'budget ' * i}note {i}"}) for i in range(4)
    ]
    do_create_post(fred, {"body": "budget secret", "group_id": secret.id})
    hidden = do_create_post(fred, {"body": "budget masqué"})
    hidden.moderation_state = "hidden"
    do_create_post(employee, {"body": "sans rapport"})
    db.session.flush()
    comments = [do_create_comment(employee, posts[i].id, {"body": "budget validé"}) for i in (0, 3)]
    do_create_comment(fred, hidden.id, {"body": "budget caché"})
    db.session.commit()
    monkeypatch.setattr(search_service, "CANDIDATES", candidates)
    reference, _ = search(employee, "budget", SearchFilters(), None, 20)
    monkeypatch.setattr(search_service, "windows", lambda *_args: windows)
    items, _ = search(employee, "budget", SearchFilters(), None, 20)
    assert [(i["type"], i["id"]) for i in items] == [(i["type"], i["id"]) for i in reference]
    kept = {p.id for p in posts[-candidates:]}
    assert {i["id"] for i in items if i["type"] == "post"} == kept
    assert {i["id"] for i in items if i["type"] == "comment"} == {c.id for c in comments}


def test_word_statistics_come_from_analyze(employee, monkeypatch):
    """On PostgreSQL, ``ANALYZE`` lists the frequent words of a table's vectors: a word in
    every post is listed at its share, a word in none is bounded by the floor. SQLite has
    no windows: its search never asks for statistics."""
    for i in range(30):
        do_create_post(employee, {"body": f"ordinaire numero{i}"})
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        from socialnet.services.search import SearchFilters, search

        def no_statistics(*_args):
            raise AssertionError("SQLite search asked for PostgreSQL's statistics")

        monkeypatch.setattr(engines, "_word_stats", no_statistics)
        items, _ = search(employee, "ordinaire", SearchFilters(type="posts"), None, 50)
        assert len(items) == 30
        return
    db.session.execute(text("ANALYZE posts"))
    engines._WORD_STATS.clear()
    stats = engines._word_stats(db.session, "posts")
    assert stats.rows >= 30
    assert stats.frequencies["ordinaire"] == pytest.approx(1.0, abs=0.2)
    absent = engines.expected_rows(db.session, POSTS, parse_query("introuvable"))
    assert absent is not None and absent < 30
    # a table analysed with no word to list (no file yet): its size alone, the index alone
    db.session.execute(text("ANALYZE file_uploads"))
    assert engines._word_stats(db.session, "file_uploads").rows == 0
    assert engines.windows(db.session, FILES, parse_query("bravo"), 1000) == (Window("index"),)
    engines._WORD_STATS.clear()


def test_a_search_transaction_plans_for_its_own_words_without_jit(employee):
    """``engines.prepare`` on PostgreSQL: custom plans, no JIT, no parallel workers, until
    the commit. On SQLite it sends nothing."""
    from sqlalchemy import event

    from socialnet.services.search import SearchFilters, search

    if db.engine.dialect.name == "sqlite":
        sent: list[str] = []
        listener = lambda *args: sent.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            engines.prepare(db.session)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert sent == []
        return

    def setting(name: str) -> str:
        return db.session.execute(text(f"SHOW {name}")).scalar_one()

    db.session.commit()
    defaults = {n: setting(n) for n in ("plan_cache_mode", "jit")}
    search(employee, "budget", SearchFilters(), None, 5)
    assert setting("plan_cache_mode") == "force_custom_plan"
    assert setting("jit") == "off"
    assert setting("max_parallel_workers_per_gather") == "0"
    db.session.commit()
    assert {n: setting(n) for n in ("plan_cache_mode", "jit")} == defaults
