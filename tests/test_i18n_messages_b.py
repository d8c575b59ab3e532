"""The API's messages in French and English (issue #14, second half of the services).

For one representative refusal of each module: asked in French (Accept-Language, or the
person's preference), the ``"message"`` is French while ``"error"`` and the ``fields``
codes stay English; asked in English (or with no language), the English text is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from socialnet.extensions import db
from socialnet.models import INDEFINITELY, Group, User
from socialnet.models._time import utcnow
from socialnet.ratelimits import limiter
from socialnet.services import password_reset
from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.test_personal_data import archive_of

API = "/api/v1"
FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def both(call: Callable[[dict[str, str]], Any], status: int, code: str) -> tuple[dict, dict]:
    """The error body of ``call`` asked in French, then in English (same status and code)."""
    french = assert_error(call(FR), status, code)
    english = assert_error(call(EN), status, code)
    return french, english


def test_validation_unknown_fields_keep_their_codes_and_speak_french(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/posts", {"body": "Bonjour", "colour": "red"}, headers=h),
        400,
        "invalid",
    )
    assert french["message"] == "Champ(s) inconnu(s) ou en lecture seule : colour."
    assert english["message"] == "Unknown or read-only field(s): colour."
    assert french["fields"] == english["fields"] == {"colour": "not_allowed"}


def test_validation_text_too_long_names_the_field_in_french(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/polls", {"question": "Q" * 5000, "options": ["a", "b"]},
                              headers=h),
        413,
        "too_large",
    )  # fmt: skip
    assert french["message"].startswith("question est trop long (5000 caractères, ")
    assert english["message"].startswith("question is too long (5000 characters, ")
    assert french["fields"] == english["fields"] == {"question": "too_long"}


def test_a_body_that_is_not_json_is_refused_in_french(api, employee):
    client = api(employee)

    def call(headers):
        headers = {**headers, "Content-Type": "application/json"}
        return client.call("POST", f"{API}/posts", headers=headers, data="{not json")

    french, english = both(call, 400, "invalid")
    assert french["message"] == "Le corps de la requête n’est pas du JSON valide."
    assert english["message"] == "The request body is not valid JSON."


def test_posts_only_the_author_edits(api, employee, fred, make_post):
    post = make_post(employee, "Mine")
    client = api(fred)
    french, english = both(
        lambda h: client.patch(f"{API}/posts/{post.id}", {"body": "Yours"}, headers=h),
        403,
        "forbidden",
    )
    assert french["message"] == "Seul l’auteur peut modifier une publication."
    assert english["message"] == "Only the author can edit a post."


def test_policy_read_only_refusal_is_lazy_and_follows_the_request(
    api, employee, make_group, make_post
):
    group = make_group("Old project", members=(employee,))
    post = make_post(employee, "Before the archive", group=group)
    db.session.get(Group, group.id).archived_at = utcnow()
    db.session.commit()
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/posts/{post.id}/comments", {"body": "late"}, headers=h),
        403,
        "forbidden",
    )
    assert french["message"] == "Ce groupe est archivé : il est en lecture seule."
    assert english["message"] == "This group is archived: it is read-only."


def test_pins_refusal(api, employee, make_post):
    post = make_post(employee, "Pin me")
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/posts/{post.id}/pin", {"pinned": True}, headers=h),
        403,
        "forbidden",
    )
    assert french["message"] == (
        "Seuls les community managers peuvent épingler des publications dans le fil de "
        "l’entreprise."
    )
    assert english["message"] == "Only community managers pin posts to the company feed."


def test_polls_need_two_options(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/polls", {"question": "Q?", "options": ["a"]}, headers=h),
        400,
        "invalid",
    )
    assert french["message"] == "Un sondage doit avoir au moins 2 options."
    assert english["message"] == "A poll needs at least 2 options."
    assert french["fields"] == {"options": "too_few"}


def test_questions_best_answer_needs_a_question(api, employee, make_post):
    post = make_post(employee, "Not a question")
    client = api(employee)
    french, english = both(
        lambda h: client.put(f"{API}/posts/{post.id}/best-answer", {"comment_id": 1}, headers=h),
        409,
        "conflict",
    )
    assert french["message"] == (
        "Seule une question a une meilleure réponse ; cette publication n’est pas une question."
    )
    assert english["message"] == "Only a question has a best answer; this post is not a question."


def test_reactions_unknown_kind(api, employee, make_post):
    post = make_post(employee, "React")
    client = api(employee)
    french, english = both(
        lambda h: client.put(f"{API}/posts/{post.id}/reactions/meh", headers=h), 404, "not_found"
    )
    assert french["message"].startswith("Réaction 'meh' inconnue : utilisez l’une de celles-ci")
    assert english["message"].startswith("Unknown reaction 'meh': use one of ")


def test_reports_yourself(api, employee):
    client = api(employee)
    body = {"target_type": "user", "target_id": employee.id, "reason": "spam"}
    french, english = both(lambda h: client.post(f"{API}/reports", body, headers=h), 400, "invalid")
    assert french["message"] == "Vous ne pouvez pas vous signaler vous-même."
    assert english["message"] == "You cannot report yourself."


def test_sanctions_a_muted_person_is_told_until_when(api, employee):
    db.session.get(User, employee.id).muted_until = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/posts", {"body": "hello"}, headers=h), 403, "muted"
    )
    assert french["message"].startswith("Votre compte est restreint jusqu’au ")
    assert english["message"].startswith("You are muted until ")


def test_search_needs_words(api, employee):
    client = api(employee)
    french, english = both(lambda h: client.get(f"{API}/search?q=", headers=h), 400, "invalid")
    assert french["message"] == "Saisissez quelque chose à rechercher."
    assert english["message"] == "Type something to search for."


def test_people_skill_not_declared(api, employee, fred):
    client = api(employee)
    french, english = both(
        lambda h: client.put(f"{API}/users/{fred.id}/skills/cobol/endorsement", headers=h),
        404,
        "not_found",
    )
    assert french["message"] == "Cette personne n’a pas déclaré cette compétence."
    assert english["message"] == "This person has not declared that skill."


def test_topics_only_community_managers_describe(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.patch(f"{API}/topics/quality", {"description": "x"}, headers=h),
        403,
        "forbidden",
    )
    assert french["message"] == (
        "Seuls les community managers peuvent décrire ou fusionner des sujets."
    )
    assert english["message"] == "Only community managers describe or merge topics."


def test_watched_words_are_for_community_managers(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.post(
            f"{API}/moderation/watched-words", {"pattern": "x", "action": "flag"}, headers=h
        ),
        403,
        "forbidden",
    )
    assert french["message"] == "Seuls les community managers peuvent gérer les mots surveillés."
    assert english["message"] == "Only community managers can manage watched words."


def test_watched_words_pattern_danger_is_explained_in_french(api, cm):
    client = api(cm)
    body = {"pattern": "(a+)+", "action": "flag", "regex": True}
    french, english = both(
        lambda h: client.post(f"{API}/moderation/watched-words", body, headers=h), 400, "invalid"
    )
    assert french["message"].startswith(
        "Ce motif est refusé : une répétition dans une répétition peut rendre"
    )
    assert english["message"].startswith("This pattern is refused: a repetition inside a rep")
    assert french["fields"] == {"pattern": "catastrophic"}


def test_personal_data_export_of_a_colleague(api, employee, fred):
    client = api(employee)
    french, english = both(
        lambda h: client.get(f"{API}/users/{fred.id}/export", headers=h), 403, "forbidden"
    )
    assert french["message"] == (
        "Seuls les administrateurs peuvent exporter les données d’un collègue."
    )
    assert english["message"] == "Only administrators export a colleague's data."


def test_notifications_read_ids(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/notifications/read", {"ids": "all"}, headers=h),
        400,
        "invalid",
    )
    assert french["message"].startswith("ids doit être une liste d’au plus ")
    assert english["message"].startswith("ids must be a list of at most ")
    assert french["fields"] == {"ids": "not_list"}


def test_tokens_cannot_mint_tokens_lazy_constant(api, employee):
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/tokens", {"name": "more"}, headers=h), 403, "forbidden"
    )
    assert french["message"].startswith("Un jeton ne peut pas créer d’autres jetons")
    assert english["message"].startswith("A token cannot create other tokens on its own")


def test_passwords_every_broken_rule_is_said_in_french(api, employee):
    client = api(employee)
    body = {"current_password": PASSWORD, "password": "aaaa"}
    french, english = both(
        lambda h: client.post(f"{API}/me/password", body, headers=h), 400, "invalid"
    )
    assert french["message"].startswith("Choisissez un autre mot de passe : il fait 4 caractères ;")
    assert "il répète un ou deux caractères, facile à deviner." in french["message"]
    assert english["message"].startswith("Choose another password: it has 4 characters; at least")
    assert french["fields"] == english["fields"] == {"password": "too_short"}


def test_password_reset_link_not_valid(app):
    client = app.test_client()
    body = {"token": "nonsense", "password": "a long and unusual passphrase 42"}

    def call(headers):
        return client.post(f"{API}/auth/password-reset/confirm", json=body, headers=headers)

    french = call(FR).get_json()
    english = call(EN).get_json()
    assert french["error"] == english["error"]
    assert english["message"].startswith("This reset link is not valid.")
    assert french["message"].startswith("Ce lien de réinitialisation n’est pas valide.")


def test_preference_fr_applies_without_any_header(api, employee, fred, make_post):
    db.session.get(User, fred.id).language = "fr"
    db.session.commit()
    post = make_post(employee, "Mine")
    body = assert_error(api(fred).patch(f"{API}/posts/{post.id}", {"body": "x"}), 403, "forbidden")
    assert body["message"] == "Seul l’auteur peut modifier une publication."
    body = assert_error(api(employee).delete(f"{API}/posts/999999"), 404, "not_found")
    assert body["message"] == "No such post."  # no preference, no header: English


@pytest.fixture
def limits_on(app):
    limiter.reset()
    app.config["RATE_LIMITS_ENABLED"] = True
    key = "SOCIALNET_RATE_POSTS"
    before = app.config.get(key)
    app.config[key] = "1 per minute"
    yield
    app.config["RATE_LIMITS_ENABLED"] = False
    if before is None:
        app.config.pop(key, None)
    else:
        app.config[key] = before
    limiter.reset()


def test_rate_limit_429_message(api, employee, fred, limits_on):
    french_client, english_client = api(employee), api(fred)
    assert french_client.post(f"{API}/posts", {"body": "one"}, headers=FR).status_code == 201
    assert english_client.post(f"{API}/posts", {"body": "one"}, headers=EN).status_code == 201
    french = assert_error(
        french_client.post(f"{API}/posts", {"body": "two"}, headers=FR), 429, "rate_limited"
    )
    english = assert_error(
        english_client.post(f"{API}/posts", {"body": "two"}, headers=EN), 429, "rate_limited"
    )
    assert french["message"] == (
        "Trop de requêtes : veuillez patienter un instant avant de réessayer."
    )
    assert english["message"] == "Too many requests: please wait a moment before trying again."


def test_socket_refusals_follow_the_persons_language(socket_for, employee):
    db.session.get(User, employee.id).language = "fr"
    db.session.commit()
    sock = socket_for(employee)
    answer = sock.emit("join", {"room": "group:999999"}, callback=True)
    assert answer == {"error": "not_found", "message": "Salon introuvable."}
    answer = sock.emit("leave", {"room": "company"}, callback=True)
    assert answer == {"error": "invalid", "message": "Impossible de quitter ce salon."}


@pytest.fixture
def outbox(app, monkeypatch) -> list:
    """The emails handed to the mailer after commit, with links on a public URL."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://social.lumen.example")
    sent: list = []
    monkeypatch.setattr(password_reset, "send_in_background", lambda _app, msg: sent.append(msg))
    return sent


def test_reset_answer_follows_the_request_and_the_email_its_recipient(app, employee, outbox):
    db.session.get(User, employee.id).language = "fr"
    db.session.commit()
    client = app.test_client()
    english = client.post(f"{API}/auth/password-reset", json={"email": employee.email}, headers=EN)
    assert english.status_code == 202, english.get_json()
    assert english.get_json()["message"].startswith("If an account uses this address")
    french = client.post(f"{API}/auth/password-reset", json={"email": employee.email}, headers=FR)
    assert french.get_json()["message"].startswith("Si un compte utilise cette adresse")
    company = app.config.get("COMPANY_NAME", "socialnet")
    # asked in English or French, the email speaks the language its recipient chose
    assert [m.subject for m in outbox] == [
        f"Réinitialisez votre mot de passe {company}",
        f"Réinitialisez votre mot de passe {company}",
    ]


def test_reset_email_without_a_preference_speaks_the_requests_language(app, fred, outbox):
    client = app.test_client()
    client.post(f"{API}/auth/password-reset", json={"email": fred.email}, headers=FR)
    client.post(f"{API}/auth/password-reset", json={"email": fred.email}, headers=EN)
    company = app.config.get("COMPANY_NAME", "socialnet")
    assert [m.subject for m in outbox] == [
        f"Réinitialisez votre mot de passe {company}",
        f"Reset your {company} password",
    ]


def test_personal_data_readme_speaks_the_persons_language(api, app, employee, fred):
    db.session.get(User, employee.id).language = "fr"
    db.session.commit()
    company = app.config.get("COMPANY_NAME", "socialnet")
    french = archive_of(api(employee).get(f"{API}/me/export", headers=EN))[1]
    assert french.startswith(f"Vos données de {company}\n")
    assert f"{employee.display_name} (compte n° {employee.id}), exporté le " in french
    english = archive_of(api(fred).get(f"{API}/me/export", headers=EN))[1]
    assert english.startswith(f"Your data from {company}\n")
    assert f"{fred.display_name} (account #{fred.id}), exported on " in english


def test_sanctions_until_further_notice_is_one_sentence_in_french(api, employee):
    db.session.get(User, employee.id).muted_until = INDEFINITELY
    db.session.commit()
    client = api(employee)
    french, english = both(
        lambda h: client.post(f"{API}/posts", {"body": "hello"}, headers=h), 403, "muted"
    )
    assert french["message"] == (
        "Votre compte est restreint jusqu’à nouvel ordre : vous pouvez lire, mais pas publier, "
        "commenter ni réagir."
    )
    assert english["message"] == (
        "You are muted until further notice: you can read, but not post, comment or react."
    )
