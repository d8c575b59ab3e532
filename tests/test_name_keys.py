"""One normalisation for "the same name": case and accents never make two names differ,
the database enforces it (409, never a 500), and lookups find a name by any spelling,
the same on SQLite and PostgreSQL (whose ``lower()`` disagree beyond ASCII)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialnet.extensions import db
from socialnet.models import CompanyValue, Group, PostHashtag, WatchedWord
from socialnet.services import pages
from socialnet.services.kudos import check_value
from socialnet.text_keys import fold
from tests.helpers import assert_error, count_rows

API = "/api/v1"


# --- fold -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Équipe", "equipe"),
        ("ÉQUIPE", "equipe"),
        ("e\u0301quipe", "equipe"),  # decomposed accent
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("ﬁnance", "finance"),  # ligature
        ("Ｌｙｏｎ", "lyon"),  # fullwidth
        ("İstanbul", "istanbul"),
        ("ıspanak", "ıspanak"),  # Turkish dotless i stays itself
        ("Ça  va\t\nbien ", "ca va bien"),
        ("Ana\u200bMartin", "anamartin"),  # zero-width space (Cf) is dropped
        ("한국", "한국"),  # Hangul recomposed by NFC
        ("Øresund", "øresund"),
    ],
)
def test_fold(text, key):
    assert fold(text) == key


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(max_size=30))
def test_fold_is_idempotent_and_ignores_case_and_accents(text):
    key = fold(text)
    assert fold(key) == key
    assert fold(unicodedata.normalize("NFD", text)) == key
    if text.isascii():
        assert fold(text.upper()) == fold(text.lower()) == key


# --- company values ---------------------------------------------------------------------


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_the_ascii_shortcut_of_fold_gives_the_general_key(text):
    """``fold`` skips the per-character normalization for ASCII text: same key."""
    general = "".join(_fold_char_uncached(c) for c in text)
    assert fold(text) == unicodedata.normalize("NFC", " ".join(general.split()))


def _fold_char_uncached(char: str) -> str:
    from socialnet.text_keys import fold_char

    return fold_char.__wrapped__(char)


def test_value_names_differing_by_case_or_accents_conflict(api, admin):
    client = api(admin)
    created = client.post(f"{API}/values", {"name": "Équipe"})
    assert created.status_code == 201, created.get_json()
    for variant in ("Équipe", "équipe", "EQUIPE", "Equipe", "e\u0301quipe", " équipe "):
        body = assert_error(client.post(f"{API}/values", {"name": variant}), 409, "conflict")
        assert body["fields"] == {"name": "taken"}
    assert count_rows(CompanyValue) == 1
    assert client.post(f"{API}/values", {"name": "Équipes"}).status_code == 201


def test_value_rename_onto_a_variant_conflicts_and_changes_nothing(api, admin):
    client = api(admin)
    client.post(f"{API}/values", {"name": "Straße"})
    other = client.post(f"{API}/values", {"name": "Audace"}).get_json()
    response = client.patch(f"{API}/values/{other['id']}", {"name": "STRASSE", "emoji": "🚀"})
    assert_error(response, 409, "conflict")
    db.session.rollback()
    row = db.session.get(CompanyValue, other["id"])
    assert (row.name, row.emoji, row.name_key) == ("Audace", "", "audace")
    renamed = client.patch(f"{API}/values/{other['id']}", {"name": "AUDACE"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "AUDACE"


def test_value_rename_race_is_decided_by_the_unique_index(api, admin, monkeypatch):
    """Even when the early check misses a concurrent twin, the database answers 409."""
    from socialnet.services import kudos

    client = api(admin)
    client.post(f"{API}/values", {"name": "Équipe"})
    other = client.post(f"{API}/values", {"name": "Audace"}).get_json()
    monkeypatch.setattr(kudos, "_name_taken", lambda *_args: False)
    assert_error(client.patch(f"{API}/values/{other['id']}", {"name": "EQUIPE"}), 409)
    db.session.rollback()
    assert db.session.get(CompanyValue, other["id"]).name == "Audace"


def test_values_list_by_folded_name(api, admin):
    for name in ("Zèle", "Équipe", "audace"):
        api(admin).post(f"{API}/values", {"name": name})
    items = api(admin).get(f"{API}/values").get_json()["items"]
    assert [v["name"] for v in items] == ["audace", "Équipe", "Zèle"]


def test_kudos_find_their_value_by_any_spelling(api, admin, employee, manager):
    api(admin).post(f"{API}/values", {"name": "Équipe"})
    response = api(employee).post(
        f"{API}/kudos", {"recipient_ids": [manager.id], "message": "Merci", "value": "EQUIPE"}
    )
    assert response.status_code == 201, response.get_json()


def test_a_name_that_folds_too_long_is_refused(api, admin):
    response = api(admin).post(f"{API}/values", {"name": "\ufdfa" * 20})  # 18 letters each
    assert assert_error(response, 400)["fields"] == {"name": "too_long"}
    assert count_rows(CompanyValue) == 0


LETTERS = st.sampled_from("aeiouAEIOUcCnNsSéèêëÉÈàâÀçÇñÑôöÔüÜßœŒıİ")
NAMES = st.text(LETTERS, min_size=1, max_size=12)


def _variants(name: str) -> list[str]:
    """Spellings of ``name`` with the same key: other cases, accents dropped or decomposed."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return [name.upper(), name.lower(), name.swapcase(), bare, unicodedata.normalize("NFD", name)]


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=NAMES, other=NAMES)
def test_property_one_value_per_key(api, admin, name, other):
    client = api(admin)
    db.session.query(CompanyValue).delete()
    db.session.commit()
    first = client.post(f"{API}/values", {"name": name})
    assert first.status_code == 201, first.get_json()
    for variant in _variants(name):
        if fold(variant) == fold(name):  # "ß".upper() is "SS": still the same key
            assert_error(client.post(f"{API}/values", {"name": variant}), 409)
    second = client.post(f"{API}/values", {"name": other})
    assert second.status_code == (409 if fold(other) == fold(name) else 201)
    for variant in _variants(name):
        if fold(variant) == fold(name):
            assert check_value(variant).id == first.get_json()["id"]


# --- groups, people, handles, hashtags, watched words ----------------------------------


def test_group_search_ignores_case_and_accents(api, employee, make_group):
    make_group("Équipe Lyon")
    make_group("Straße des Ingénieurs")
    make_group("Ventes")
    client = api(employee)
    for query, expected in [
        ("equipe", ["Équipe Lyon"]),
        ("ÉQUIPE", ["Équipe Lyon"]),
        ("strasse", ["Straße des Ingénieurs"]),
        ("INGENIEURS", ["Straße des Ingénieurs"]),
        ("é", ["Équipe Lyon", "Straße des Ingénieurs", "Ventes"]),
    ]:
        items = client.get(f"{API}/groups", query_string={"q": query}).get_json()["items"]
        assert [g["name"] for g in items] == expected, query


def test_groups_sort_by_folded_name(api, employee, make_group):
    for name in ("Zèbre", "éclair", "Ours", "Écoute"):
        make_group(name)
    items = api(employee).get(f"{API}/groups").get_json()["items"]
    assert [g["name"] for g in items] == ["éclair", "Écoute", "Ours", "Zèbre"]
    assert Group.query.filter_by(name_key="ecoute").count() == 1


def test_directory_search_and_sort_ignore_case_and_accents(api, employee, make_user):
    make_user("Zoé Ücker", handle="zoe.ucker", job_title="Ingénieure")
    make_user("Élodie Martin", handle="elodie.martin")
    client = api(employee)

    def names(query):
        items = client.get(f"{API}/users", query_string={"q": query}).get_json()["items"]
        return [p["display_name"] for p in items]

    assert names("ZOE") == names("zoé") == names("UCKER") == ["Zoé Ücker"]
    assert names("ingenieure") == ["Zoé Ücker"]
    assert names("ELODIE") == ["Élodie Martin"]
    everyone = client.get(f"{API}/users").get_json()["items"]
    assert [p["display_name"] for p in everyone][:2] == ["Élodie Martin", "Emma Employee"]


def test_people_picker_handles_ignore_case_and_accents(make_user):
    zoe = make_user("Zoé Ücker", handle="zoé.ücker")
    assert pages.people_ids_from_handles("@ZOÉ.ÜCKER, zoe.ucker", "people_ids") == [zoe.id]


def test_mentions_resolve_by_handle_key(make_post, make_user, employee):
    zoe = make_user("Zoé Ücker", handle="zoé.ücker")
    post = make_post(employee, "Merci @Zoe.Ucker !")
    assert f'data-user-id="{zoe.id}"' in post.body_html


def test_hashtags_are_stored_and_found_by_key(api, employee, make_post):
    make_post(employee, "Bravo #Équipe et #STRAßE")
    make_post(employee, "Rien à voir #equipes")
    tags = {row.tag for row in db.session.query(PostHashtag)}
    assert tags == {"equipe", "strasse", "equipes"}
    client = api(employee)
    for tag in ("equipe", "#ÉQUIPE", "Equipe", "strasse", "Straße"):
        items = client.get(f"{API}/feed", query_string={"tag": tag}).get_json()["items"]
        assert [p["body"] for p in items] == ["Bravo #Équipe et #STRAßE"], tag


def test_a_post_naming_one_tag_twice_keeps_one_row(make_post, employee):
    make_post(employee, "#Équipe #equipe #EQUIPE")
    assert count_rows(PostHashtag) == 1


def test_watched_words_differing_by_case_or_accents_conflict(api, cm, watch):
    watch("École", "flag")
    client = api(cm)
    for variant in ("ecole", "ÉCOLE", "Ecole"):
        response = client.post(
            f"{API}/moderation/watched-words", {"pattern": variant, "action": "block"}
        )
        assert_error(response, 409, "conflict")
    assert count_rows(WatchedWord) == 1
    watch("ecole", "block", regex=True)  # a regular expression is another word
    assert count_rows(WatchedWord) == 2


def test_new_handles_avoid_every_spelling_of_existing_ones(api, admin, make_user):
    """A generated handle is unique by key: "Zoé" and "zoe_x" (LIKE's "_") both count."""
    make_user("Zoé", handle="Zoé")
    make_user("Zoe X", handle="zoe_x")
    make_user("Zoe Ax", handle="zoeax")
    client = api(admin)
    handles = []
    for email in ("zoe@corp.example", "zoe_x@corp.example"):
        body = {"email": email, "display_name": "Zoe", "password": "a long passphrase 42"}
        response = client.post(f"{API}/users", body)
        assert response.status_code == 201, response.get_json()
        handles.append(response.get_json()["handle"])
    assert handles == ["zoe2", "zoe_x2"]
