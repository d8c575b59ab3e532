"""Search: language, every kind of result, filters, paging, snippets, bad input, reindex.

Visibility is also checked here in its plain cases (secret groups, moderation, deletion,
edits); the leak matrices (test_visibility_matrix.py, test_visibility_change_leaks.py)
run search among every other read path.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import literal_column, select, table, text

from socialnet.extensions import db
from socialnet.models import CompanyValue, Post
from socialnet.services.posts import do_create_post
from tests.helpers import assert_error

SEARCH = "/api/v1/search"


def found(response, kind: str | None = None) -> list:
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    return [i["id"] for i in items if kind is None or i["type"] == kind]


@pytest.fixture
def julie(make_user):
    return make_user("Julie Moreau", job_title="Responsable qualité")


@pytest.fixture
def as_emma(api, employee):
    return api(employee)


def post_as(api_client, body: str, **fields) -> int:
    response = api_client.post("/api/v1/posts", {"body": body, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


# --- language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Compte rendu de la réunion de lundi", "réunions"),
        ("Portes ouvertes à l'École de production", "ecole"),
        ("Notes from the weekly meeting", "meetings"),
        ("Les bureaux de Lyon déménagent", "bureau"),
        ("Nouvelle RÉUNION", "Reunion"),
    ],
)
def test_words_are_found_whatever_their_ending_case_or_accents(as_emma, written, typed):
    post_id = post_as(as_emma, written)
    post_as(as_emma, "Something else entirely")
    assert found(as_emma.get(f"{SEARCH}?q={typed}")) == [post_id]


def test_a_quoted_phrase_needs_its_words_in_order(as_emma):
    in_order = post_as(as_emma, "La sécurité au travail avant tout")
    post_as(as_emma, "Le travail et la sécurité")
    assert found(as_emma.get(f'{SEARCH}?q="sécurité au travail"')) == [in_order]


def test_a_minus_word_excludes(as_emma):
    kept = post_as(as_emma, "Budget formation 2027")
    post_as(as_emma, "Budget voyage 2027")
    assert found(as_emma.get(f"{SEARCH}?q=budget -voyage")) == [kept]
    assert found(as_emma.get(f'{SEARCH}?q=budget -"voyage 2027"')) == [kept]


def test_all_words_must_match(as_emma):
    both = post_as(as_emma, "Atelier sécurité à Lyon")
    post_as(as_emma, "Atelier peinture")
    assert found(as_emma.get(f"{SEARCH}?q=atelier lyon")) == [both]


def test_more_relevant_first_then_newest(as_emma):
    once = post_as(as_emma, "Une idée sur le tri des déchets, parmi d'autres sujets variés")
    twice = post_as(as_emma, "Déchets : trier les déchets")
    later_once = post_as(as_emma, "Une idée sur le tri des déchets, parmi d'autres sujets variés")
    assert found(as_emma.get(f"{SEARCH}?q=déchets")) == [twice, later_once, once]


# --- every kind, as the rest of the API answers it ------------------------------------------


def test_every_post_kind_comes_back_as_the_feed_shows_it(api, employee, manager, cm):
    as_manager = api(manager)
    poll = as_manager.post(
        "/api/v1/polls",
        {"question": "Quel jour pour le pique-nique ?", "options": ["Lundi", "Mardi"]},
    ).get_json()
    db.session.add(CompanyValue(name="Care"))
    db.session.commit()
    kudos = as_manager.post(
        "/api/v1/kudos",
        {"recipient_ids": [employee.id], "message": "Merci pour le pique-nique", "value": "Care"},
    )
    assert kudos.status_code == 201, kudos.get_json()
    celebration = as_manager.post(
        "/api/v1/celebrations", {"people_ids": [employee.id], "message": "Pique-nique réussi"}
    )
    assert celebration.status_code == 201, celebration.get_json()
    posts = {poll["id"], kudos.get_json()["post"]["id"], celebration.get_json()["post"]["id"]}
    as_emma = api(employee)
    items = as_emma.get(f"{SEARCH}?q=pique-nique&type=posts").get_json()["items"]
    assert {i["id"] for i in items} == posts
    for item in items:
        assert item["type"] == "post"
        assert item["object"] == as_emma.get(f"/api/v1/posts/{item['id']}").get_json()
    assert {i["object"]["kind"] for i in items} == {"poll", "kudos", "celebration"}


def test_comments_people_and_groups(api, employee, julie, make_group):
    as_emma = api(employee)
    post_id = post_as(as_emma, "Qui vient ?")
    comment = as_emma.post(f"/api/v1/posts/{post_id}/comments", {"body": "Moi, pour la qualité"})
    group = make_group("Cercle qualité")
    items = as_emma.get(f"{SEARCH}?q=qualité").get_json()["items"]
    assert {(i["type"], i["id"]) for i in items} == {
        ("comment", comment.get_json()["id"]),
        ("person", julie.id),
        ("group", group.id),
    }
    objects = {i["type"]: i["object"] for i in items}
    assert objects["comment"] == comment.get_json()
    card = as_emma.get(f"/api/v1/users/{julie.id}").get_json()
    assert card.pop("skills") == []  # a person's own card only, as in directory lists
    assert card.pop("correspondent") is None  # likewise
    assert objects["person"] == card
    assert objects["group"] == as_emma.get(f"/api/v1/groups/{group.id}").get_json()
    assert found(as_emma.get(f"{SEARCH}?q=qualité&type=people")) == [julie.id]


def test_topics_by_prefix_among_visible_posts_only(api, employee, fred, make_group):
    as_emma = api(employee)
    post_as(as_emma, "Revue #qualité du mois")
    post_as(as_emma, "Encore la #Qualite")
    secret = make_group("Secret", visibility="secret", members=(employee,))
    post_as(as_emma, "Chut #qualifications", group_id=secret.id)
    items = as_emma.get(f"{SEARCH}?q=qual&type=topics").get_json()["items"]
    assert [(i["id"], i["object"]["post_count"]) for i in items] == [
        ("qualite", 2),
        ("qualifications", 1),
    ]
    assert found(api(fred).get(f"{SEARCH}?q=qual&type=topics")) == ["qualite"]


def test_suggest_people_groups_and_topics_as_you_type(api, employee, julie, make_group):
    as_emma = api(employee)
    post_as(as_emma, "Point #julien")
    make_group("Juliénas amis")
    response = as_emma.get(f"{SEARCH}/suggest?q=jul")
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert [p["display_name"] for p in answer["people"]] == ["Julie Moreau"]
    assert [g["name"] for g in answer["groups"]] == ["Juliénas amis"]
    assert [t["tag"] for t in answer["topics"]] == ["julien"]
    assert as_emma.get(f"{SEARCH}/suggest?q=qual").get_json()["people"][0]["id"] == julie.id


def test_deactivated_people_are_not_suggested(api, employee, julie):
    julie.active = False
    db.session.commit()
    assert api(employee).get(f"{SEARCH}/suggest?q=julie").get_json()["people"] == []


# --- snippets ------------------------------------------------------------------------------


def test_the_snippet_marks_matched_words_and_escapes_everything_else(as_emma):
    post_as(as_emma, "<script>alert(1)</script> **Réunions** & meetings " + "filler " * 60)
    item = as_emma.get(f"{SEARCH}?q=réunion").get_json()["items"][0]
    assert item["snippet"].startswith("&lt;script alert(1)&lt;/script <mark>Réunions</mark> &amp;")
    assert "<script" not in item["snippet"] and "**" not in item["snippet"]
    assert item["snippet"].endswith("…") and len(item["snippet"]) < 250


# --- visibility ----------------------------------------------------------------------------


def test_secret_and_private_groups_are_searched_by_their_members_only(
    api, employee, fred, make_group
):
    as_emma = api(employee)
    for kind in ("secret", "private"):
        group = make_group(f"Projet {kind}", visibility=kind, members=(employee,))
        post_id = post_as(as_emma, f"Plan confidentiel {kind}", group_id=group.id)
        assert found(as_emma.get(f"{SEARCH}?q=confidentiel {kind}")) == [post_id]
        assert found(api(fred).get(f"{SEARCH}?q=confidentiel {kind}")) == []
    assert found(api(fred).get(f"{SEARCH}?q=projet secret&type=groups")) == []
    assert found(api(fred).get(f"{SEARCH}?q=projet private&type=groups")) != []


def test_edits_and_deletions_take_effect_at_once(api, employee, fred):
    as_emma = api(employee)
    post_id = post_as(as_emma, "Ancienne formulation")
    assert found(api(fred).get(f"{SEARCH}?q=ancienne")) == [post_id]
    assert (
        as_emma.patch(f"/api/v1/posts/{post_id}", {"body": "Nouvelle version"}).status_code == 200
    )
    assert found(api(fred).get(f"{SEARCH}?q=ancienne")) == []
    assert found(api(fred).get(f"{SEARCH}?q=nouvelle")) == [post_id]
    assert as_emma.delete(f"/api/v1/posts/{post_id}").status_code == 204
    assert found(api(fred).get(f"{SEARCH}?q=nouvelle")) == []


def test_hidden_and_pending_content_is_found_by_its_author_only(api, employee, fred):
    as_emma = api(employee)
    hidden = post_as(as_emma, "Texte masqué")
    pending = post_as(as_emma, "Texte en attente")
    db.session.get(Post, hidden).moderation_state = "hidden"
    db.session.get(Post, pending).moderation_state = "pending"
    db.session.commit()
    assert set(found(as_emma.get(f"{SEARCH}?q=texte"))) == {hidden, pending}
    assert found(api(fred).get(f"{SEARCH}?q=texte")) == []


def test_deleted_comments_and_comments_on_invisible_posts_are_not_found(
    api, employee, fred, make_group
):
    as_emma = api(employee)
    public_post = post_as(as_emma, "Question ouverte")
    comment = as_emma.post(f"/api/v1/posts/{public_post}/comments", {"body": "Réponse effacée"})
    assert as_emma.delete(f"/api/v1/comments/{comment.get_json()['id']}").status_code == 204
    secret = make_group("Secret", visibility="secret", members=(employee,))
    secret_post = post_as(as_emma, "Question fermée", group_id=secret.id)
    as_emma.post(f"/api/v1/posts/{secret_post}/comments", {"body": "Réponse secrète"})
    assert found(api(fred).get(f"{SEARCH}?q=réponse")) == []
    assert found(as_emma.get(f"{SEARCH}?q=réponse"), "comment") != []


# --- filters and paging -------------------------------------------------------------------


def test_filters_narrow_to_posts_and_comments(api, employee, manager, make_group):
    as_emma, as_marc = api(employee), api(manager)
    group = make_group("Atelier", members=(employee,))
    in_group = post_as(as_emma, "Inventaire #stock", group_id=group.id)
    by_marc = post_as(as_marc, "Inventaire annuel")
    old = post_as(as_emma, "Inventaire ancien")
    db.session.get(Post, old).created_at = datetime(2020, 1, 15, 12)
    db.session.commit()
    assert found(as_emma.get(f"{SEARCH}?q=inventaire&group_id={group.id}")) == [in_group]
    assert found(as_emma.get(f"{SEARCH}?q=inventaire&author_id={manager.id}")) == [by_marc]
    assert found(as_emma.get(f"{SEARCH}?q=inventaire&topic=%23Stock")) == [in_group]
    assert found(as_emma.get(f"{SEARCH}?q=inventaire&from=2020-01-01&to=2020-01-15")) == [old]
    today = datetime.utcnow().date()
    recent = as_emma.get(f"{SEARCH}?q=inventaire&from={today - timedelta(days=1)}")
    assert set(found(recent)) == {in_group, by_marc}
    assert found(as_emma.get(f"{SEARCH}?q=inventaire&unanswered=1")) == []


def test_pages_follow_each_other_without_gaps_or_repeats(as_emma):
    ids = {post_as(as_emma, f"Sujet {n} " + "rapport " * (n % 3 + 1)) for n in range(7)}
    seen, cursor = [], None
    while True:
        url = f"{SEARCH}?q=rapport&limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = as_emma.get(url).get_json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    other = as_emma.get(f"{SEARCH}?q=sujet&limit=3&cursor={cursor or 'x'}")
    assert_error(other, 400)


def test_a_cursor_is_for_its_own_search(as_emma):
    for n in range(3):
        post_as(as_emma, f"Rapport {n}")
    cursor = as_emma.get(f"{SEARCH}?q=rapport&limit=1").get_json()["next_cursor"]
    assert as_emma.get(f"{SEARCH}?q=rapport&limit=1&cursor={cursor}").status_code == 200
    assert_error(as_emma.get(f"{SEARCH}?q=rapport&type=posts&limit=1&cursor={cursor}"), 400)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 201, "x" * 10_000, "* ^ : ( ) -", "-seul", '-"rien"', '""', "\\' \\\\"],
)
def test_queries_with_nothing_to_look_for_are_a_clear_400(as_emma, query):
    for path in (SEARCH, f"{SEARCH}/suggest"):
        response = as_emma.get(path, query_string={"q": query})
        assert_error(response, 400)
        assert response.get_json()["fields"]["q"] in {"required", "too_long", "no_terms"}


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        'NEAR(a b) AND "x',
        "a*",
        "^start",
        "col:value",
        "'; DROP TABLE posts; --",
        "1 OR 1=1",
        "a' || '",
        "emoji 🎉🚀",
        "Москва 東京 ñandú",
        "AND OR NOT",
        "a & b | !c <-> d:*",
        "x" * 200,
    ],
)
def test_syntax_of_either_engine_is_just_text(as_emma, query):
    post_as(as_emma, "Москва 東京 ñandú emoji 🎉")
    for path in (SEARCH, f"{SEARCH}/suggest"):
        response = as_emma.get(path, query_string={"q": query})
        assert response.status_code == 200, (query, response.get_json())
    assert db.session.scalar(text("SELECT count(*) FROM posts")) == 1


def test_many_terms_are_capped_not_refused(as_emma):
    post_id = post_as(as_emma, "Alpha")
    many = "alpha " + " ".join(f"-w{n}" for n in range(60))
    assert found(as_emma.get(f"{SEARCH}", query_string={"q": many[:200]})) == [post_id]


def test_a_deactivated_authors_posts_are_found_exactly_where_the_feed_shows_them(
    api, employee, manager, make_group
):
    group = make_group("Atelier", members=(employee,))
    company = post_as(api(manager), "Consignes")
    in_group = post_as(api(employee), "Consignes atelier", group_id=group.id)
    employee.active = False
    db.session.commit()
    as_marc = api(manager)
    shown = {p["id"] for p in as_marc.get("/api/v1/feed?limit=100").get_json()["items"]}
    profile = as_marc.get(f"/api/v1/users/{employee.id}/posts").get_json()["items"]
    shown |= {p["id"] for p in profile}
    assert in_group in shown  # deactivation hides nothing already written
    assert set(found(as_marc.get(f"{SEARCH}?q=consignes"))) == shown & {company, in_group}
    assert found(as_marc.get(f"{SEARCH}?q=emma&type=people")) == []


def test_mixed_scripts_are_found(as_emma):
    post_id = post_as(as_emma, "Visite à Москва et 東京")
    assert found(as_emma.get(f"{SEARCH}?q=москва")) == [post_id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ("type=everything", "type"),
        ("group_id=abc", "group_id"),
        ("author_id=0", "author_id"),
        ("from=2020-13-01", "from"),
        ("from=2021-01-02&to=2021-01-01", "from"),
        ("unanswered=yes", "unanswered"),
        ("limit=0", "limit"),
        ("cursor=forged", "cursor"),
    ],
)
def test_bad_filters_are_a_clear_400(as_emma, params, field):
    response = as_emma.get(f"{SEARCH}?q=x&{params}")
    assert_error(response, 400)
    assert field in response.get_json()["fields"]


def test_search_needs_a_signed_in_caller(api):
    assert_error(api(None).get(f"{SEARCH}?q=x"), 401)
    assert_error(api(None).get(f"{SEARCH}/suggest?q=x"), 401)


# --- the index is the database's -----------------------------------------------------------


def test_reindex_rebuilds_a_damaged_index(app, as_emma):
    post_id = post_as(as_emma, "Indexé puis réparé")
    if db.engine.dialect.name == "sqlite":  # lose the index's rows
        db.session.execute(text("INSERT INTO search_posts (search_posts) VALUES ('delete-all')"))
        db.session.commit()
        assert found(as_emma.get(f"{SEARCH}?q=réparé")) == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert found(as_emma.get(f"{SEARCH}?q=réparé")) == [post_id]


def test_reindex_forgets_the_words_no_row_holds_any_more(app, as_emma):
    """PostgreSQL's ``search_words`` only grows between reindexes (triggers add words); a
    reindex reads it again from the rows, so an erased word is gone and every word still
    held is back. SQLite has no such table: the post is still found after the reindex."""
    kept = post_as(as_emma, "Quokkaland reste")
    gone = post_as(as_emma, "Zyxwvutsonne part")
    db.session.execute(text("UPDATE posts SET body = 'effacé' WHERE id = :id"), {"id": gone})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert found(as_emma.get(f"{SEARCH}?q=quokka")) == [kept]
    assert found(as_emma.get(f"{SEARCH}?q=zyxwvut")) == []
    if db.engine.dialect.name == "postgresql":
        words = set(db.session.execute(text("SELECT word FROM search_words")).scalars())
        assert {"quokkaland", "reste", "efface"} <= words
        assert "zyxwvutsonne" not in words


# --- the engine's index comes first ------------------------------------------------------------


def _plan(query) -> str:
    """The plan of ``query`` on the suite's engine; PostgreSQL is told to avoid sequential
    scans, as it would on a big table (on a few rows they are cheaper)."""
    sql = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars())
    db.session.rollback()
    return plan


def test_relevance_is_judged_among_the_newest_candidates(employee, monkeypatch):
    """A common word is ranked among its newest matches the reader may see; a rare word
    (fewer matches than the cap) among all of them."""
    import socialnet.services.search as search_service
    from socialnet.services.search import SearchFilters, search

    strong = do_create_post(employee, {"body": "budget budget budget budget"})
    weak = [
        do_create_post(employee, {"body": f"budget note {i} " + "padding " * 30}) for i in range(3)
    ]
    db.session.commit()
    items, _ = search(employee, "budget", SearchFilters(type="posts"), None, 10)
    assert [i["id"] for i in items][0] == strong.id  # the best match first, all candidates
    monkeypatch.setattr(search_service, "CANDIDATES", 2)
    items, _ = search(employee, "budget", SearchFilters(type="posts"), None, 10)
    assert sorted(i["id"] for i in items) == sorted(p.id for p in weak[-2:])


@pytest.mark.parametrize("kind", ["posts", "comments", "people", "groups"])
def test_a_search_starts_from_the_full_text_index(employee, kind):
    from socialnet.models.search import COMMENTS, GROUPS, PEOPLE, POSTS
    from socialnet.services.search import SearchFilters, hits_query
    from socialnet.services.search.engines import match
    from socialnet.services.search.query import parse_query

    indexed = {"posts": POSTS, "comments": COMMENTS, "people": PEOPLE, "groups": GROUPS}[kind]
    parsed = parse_query("réunion")
    if db.engine.dialect.name == "sqlite":
        plan = _plan(hits_query(employee, parsed, SearchFilters(type=kind)))
        steps = [line for line in plan.splitlines() if "CO-ROUTINE" not in line]
        assert f"SCAN {indexed.fts} VIRTUAL TABLE INDEX" in steps[0], plan
        assert "TEMP B-TREE" not in plan.split("SCAN anon_1")[0], plan  # newest first, no sort
    else:  # the query's expression is the index's (which table comes first is up to statistics)
        found = match("postgresql", indexed, parsed)
        plan = _plan(
            select(literal_column("1")).select_from(table(indexed.table)).where(found.where)
        )
        assert f"Bitmap Index Scan on {indexed.pg_index}" in plan, plan


def test_topic_type_ahead_reads_kept_counts_through_a_key_range(employee):
    """Topics are summed from ``topic_counts`` found by a range of its key, and the few
    uses counted one by one are reached from the reader's own posts: no scan of every
    hashtag (``LIKE`` is served by no index), no count of every use of a busy tag."""
    from socialnet.services.search import _topic_rows
    from socialnet.services.search.query import parse_query

    plan = _plan(_topic_rows(employee, parse_query("mar")))
    if db.engine.dialect.name == "sqlite":
        assert "SEARCH topic_counts USING" in plan and "tag>? AND tag<?" in plan, plan
        assert "SCAN post_hashtags" not in plan and "SCAN topic_counts" not in plan, plan
    else:
        assert "pk_topic_counts" in plan and "tag >=" in plan, plan
        assert "Seq Scan on post_hashtags" not in plan, plan
