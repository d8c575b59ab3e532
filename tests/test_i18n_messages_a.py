"""Issue #14: the server's messages in French and English (accounts, groups, kudos,
announcements, moderation, analytics, settings, the request lifecycle and HTTP errors).

For one representative refusal of each module: asked in French (the browser's
``Accept-Language``, or the person's preference), the ``"message"`` is French while the
``"error"`` code and the field codes stay English; asked with no preference, English.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from socialnet.extensions import db
from socialnet.models import INDEFINITELY
from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.web import csrf_from

FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}
NO_SUCH_ID = 987654


def both(call, status: int, code: str) -> tuple[dict, dict]:
    """The error body asked in French, then asked with no language at all."""
    french = assert_error(call(FR), status, code)
    english = assert_error(call(None), status, code)
    return french, english


# --- one refusal per module ------------------------------------------------------------


def test_accounts_only_admins_create_accounts(api, employee):
    me = api(employee)
    body = {"email": "new@lumen.example", "display_name": "New"}
    fr, en = both(lambda h: me.post("/api/v1/users", body, headers=h), 403, "forbidden")
    assert fr["message"] == "Seuls les administrateurs peuvent créer des comptes."
    assert en["message"] == "Only administrators can create accounts."


def test_accounts_field_codes_stay_english(api, admin):
    me = api(admin)
    body = {"email": "not an email", "display_name": "New"}
    fr, en = both(lambda h: me.post("/api/v1/users", body, headers=h), 400, "invalid")
    assert fr["message"] == "Saisissez une adresse e-mail valide."
    assert en["message"] == "Enter a valid email address."
    assert fr["fields"] == en["fields"] == {"email": "invalid"}


def test_account_deletion_wrong_password(api, employee):
    me = api(employee)
    fr, en = both(
        lambda h: me.delete("/api/v1/me", json={"password": "wrong"}, headers=h), 400, "invalid"
    )
    assert fr["message"] == "Votre mot de passe est incorrect : votre compte n’a pas été supprimé."
    assert en["message"] == "Your password is not correct: your account was not deleted."
    assert fr["fields"] == {"password": "incorrect"}


def test_a_persons_french_preference_applies_without_a_header(api, employee):
    employee.language = "fr"
    db.session.commit()
    me = api(employee)
    refused = me.post("/api/v1/users", {"email": "x@lumen.example", "display_name": "X"})
    body = assert_error(refused, 403, "forbidden")
    assert body["message"] == "Seuls les administrateurs peuvent créer des comptes."
    # The preference wins over an English browser.
    refused = me.post(
        "/api/v1/users", {"email": "x@lumen.example", "display_name": "X"}, headers=EN
    )
    assert assert_error(refused, 403)["message"].startswith("Seuls les administrateurs")


def test_announcements_missing(api, employee):
    me = api(employee)
    fr, en = both(
        lambda h: me.get(f"/api/v1/announcements/{NO_SUCH_ID}", headers=h), 404, "not_found"
    )
    assert fr["message"] == "Cette annonce n’existe pas."
    assert en["message"] == "No such announcement."


def test_audit_log_is_for_moderators(api, employee):
    me = api(employee)
    fr, en = both(lambda h: me.get("/api/v1/audit-log", headers=h), 403, "forbidden")
    assert fr["message"] == (
        "Seuls les responsables de communauté et les administrateurs peuvent consulter "
        "le journal d’audit."
    )
    assert en["message"] == "Only community managers and administrators can read the audit log."


def test_moderation_cases_missing(api, cm):
    me = api(cm)
    fr, en = both(
        lambda h: me.get(f"/api/v1/moderation/cases/{NO_SUCH_ID}", headers=h), 404, "not_found"
    )
    assert fr["message"] == "Ce dossier n’existe pas."
    assert en["message"] == "No such case."


def test_moderation_actions_unknown_action_keeps_the_list(api, cm):
    me = api(cm)
    body = {"action": "explode", "case_ids": [1]}
    fr, en = both(lambda h: me.post("/api/v1/moderation/bulk", body, headers=h), 400, "invalid")
    assert fr["message"].startswith("action doit valoir l’une de ces valeurs : ")
    assert en["message"].startswith("action must be one of: ")
    # The placeholder is filled the same way in both languages.
    assert fr["message"].split(" : ", 1)[1] == en["message"].split(": ", 1)[1]
    assert fr["fields"] == {"action": "unknown"}


def test_celebrations_are_for_managers(api, employee):
    me = api(employee)
    body = {"message": "Bravo", "people_ids": [employee.id]}
    fr, en = both(lambda h: me.post("/api/v1/celebrations", body, headers=h), 403, "forbidden")
    assert fr["message"] == (
        "Les réussites d’équipe sont publiées par les managers et les responsables de communauté."
    )
    assert en["message"] == "Team successes are posted by managers and community managers."


def test_comments_missing(api, employee):
    me = api(employee)
    fr, en = both(
        lambda h: me.delete(f"/api/v1/comments/{NO_SUCH_ID}", headers=h), 404, "not_found"
    )
    assert fr["message"] == "Ce commentaire n’existe pas."
    assert en["message"] == "No such comment."


def test_company_settings_refusal_and_help_text(api, employee, admin):
    me = api(employee)
    fr, en = both(lambda h: me.get("/api/v1/admin/settings", headers=h), 403, "forbidden")
    assert fr["message"] == (
        "Seuls les administrateurs consultent et modifient les paramètres de l’entreprise."
    )
    assert en["message"] == "Only administrators see and change company settings."
    boss = api(admin)
    french = boss.get("/api/v1/admin/settings", headers=FR).get_json()["items"][0]
    english = boss.get("/api/v1/admin/settings").get_json()["items"][0]
    assert french["key"] == english["key"] == "account_deletion"
    assert french["help"].startswith("Lorsqu’une personne supprime son compte")
    assert english["help"].startswith("When someone deletes their account")


def test_company_settings_value_not_allowed(api, admin):
    me = api(admin)
    body = {"account_deletion": "shred"}
    fr, en = both(lambda h: me.patch("/api/v1/admin/settings", body, headers=h), 400, "invalid")
    assert fr["message"] == (
        "account_deletion doit valoir l’une de ces valeurs : anonymise, remove."
    )
    assert en["message"] == "account_deletion must be one of: anonymise, remove."
    assert fr["fields"] == {"account_deletion": "not_allowed"}


def test_kudos_to_yourself(api, employee):
    me = api(employee)
    body = {"recipient_ids": [employee.id], "message": "Merci"}
    fr, en = both(lambda h: me.post("/api/v1/kudos", body, headers=h), 400, "invalid")
    assert fr["message"] == "Vous ne pouvez pas vous adresser des kudos à vous-même."
    assert en["message"] == "You cannot give kudos to yourself."
    assert fr["fields"] == en["fields"] == {"recipient_ids": "self"}


def test_kudos_count_placeholder(api, employee, make_user):
    me = api(employee)
    ids = [make_user().id for _ in range(11)]
    fr, en = both(
        lambda h: me.post("/api/v1/kudos", {"recipient_ids": ids}, headers=h), 400, "invalid"
    )
    assert fr["message"] == "Des kudos peuvent être adressés à 10 personnes au maximum."
    assert en["message"] == "Kudos go to 10 people at most."


def test_analytics_are_for_community_managers(api, employee):
    me = api(employee)
    fr, en = both(lambda h: me.get("/api/v1/analytics/overview", headers=h), 403, "forbidden")
    assert fr["message"] == (
        "Les statistiques d’engagement sont réservées aux responsables de communauté "
        "et aux administrateurs."
    )
    assert en["message"] == "Engagement analytics are for community managers and administrators."


def test_analytics_range_errors(api, cm):
    me = api(cm)
    url = "/api/v1/analytics/overview?from=2026-03-10&to=2026-03-01"
    fr, en = both(lambda h: me.get(url, headers=h), 400, "invalid")
    assert fr["message"] == "« from » ne doit pas être postérieur à « to »."
    assert en["message"] == "'from' must not be after 'to'."
    assert fr["fields"] == {"from": "after_to"}
    url = "/api/v1/analytics/overview?from=2024-01-01&to=2026-01-01"
    fr, en = both(lambda h: me.get(url, headers=h), 400, "invalid")
    assert fr["message"] == "La période peut couvrir 366 jours au maximum."
    assert en["message"] == "The range may cover at most 366 days."
    assert fr["fields"] == {"to": "too_long"}


def test_groups_missing_and_private(api, employee, fred, make_group):
    me = api(employee)
    fr, en = both(lambda h: me.get(f"/api/v1/groups/{NO_SUCH_ID}", headers=h), 404, "not_found")
    assert fr["message"] == "Ce groupe n’existe pas."
    assert en["message"] == "No such group."
    group = make_group("Board", visibility="private", members=(fred,))
    fr, en = both(lambda h: me.get(f"/api/v1/groups/{group.id}/feed", headers=h), 403, "forbidden")
    assert fr["message"] == "Ce groupe est privé : demandez à le rejoindre pour le lire."
    assert en["message"] == "This group is private: ask to join to read it."


def test_groups_only_admins_add_members(api, employee, fred, make_group):
    group = make_group("Formation", members=(employee,))
    me = api(employee)
    body = {"user_id": fred.id}
    fr, en = both(
        lambda h: me.post(f"/api/v1/groups/{group.id}/members", body, headers=h), 403, "forbidden"
    )
    assert fr["message"] == "Seuls les administrateurs du groupe peuvent ajouter des membres."
    assert en["message"] == "Only the group's admins can add members."


def test_lifecycle_bad_bearer_token(app):
    client = app.test_client()

    def call(headers):
        merged = {"Authorization": "Bearer forged", **(headers or {})}
        return client.get("/api/v1/me", headers=merged)

    fr, en = both(call, 401, "unauthenticated")
    assert fr["message"] == (
        "Ce jeton n’est pas valide : il est inconnu, révoqué, ou son compte est inactif."
    )
    assert en["message"] == (
        "This token is not valid: unknown, revoked, or its account is inactive."
    )


def test_pagination_limit_and_cursor(api, employee, make_group):
    group = make_group("Formation", members=(employee,))
    me = api(employee)
    url = f"/api/v1/groups/{group.id}/members?limit=0"
    fr, en = both(lambda h: me.get(url, headers=h), 400, "invalid")
    assert fr["message"].startswith("limit doit être un nombre entier compris entre 1 et ")
    assert en["message"].startswith("limit must be a whole number between 1 and ")
    assert fr["fields"] == {"limit": "out_of_range"}
    url = f"/api/v1/groups/{group.id}/members?cursor=garbage"
    fr, en = both(lambda h: me.get(url, headers=h), 400, "invalid")
    assert fr["message"] == "Ce curseur n’est pas valide."
    assert en["message"] == "This cursor is not valid."


# --- HTTP errors, whatever the module ---------------------------------------------------


def test_http_404_and_405_answer_in_the_asked_language(api, employee):
    me = api(employee)
    fr, en = both(lambda h: me.get("/api/v1/no/such/thing", headers=h), 404, "not_found")
    assert fr["message"] == "Cette page ou cette ressource n’existe pas."
    assert en["message"] == "This page or resource does not exist."
    fr, en = both(lambda h: me.put("/api/v1/groups", {}, headers=h), 405, "method_not_allowed")
    assert fr["message"] == "Cette méthode n’est pas autorisée pour cette adresse."
    assert en["message"] == "This method is not allowed for this address."


def test_http_404_page_in_french(app):
    page = app.test_client().get("/no/such/page", headers=FR)
    assert page.status_code == 404
    assert "Cette page ou cette ressource n’existe pas." in page.get_data(as_text=True)


def test_csrf_failure_answers_in_french(auth, employee):
    client = auth.login(employee)
    fr, en = both(
        lambda h: client.post("/api/v1/posts", json={"body": "x"}, headers=h), 403, "csrf_failed"
    )
    assert fr["message"] == (
        "Jeton CSRF absent ou invalide : envoyez-le dans l’en-tête X-CSRFToken."
    )
    assert en["message"] == "Missing or invalid CSRF token: send it in the X-CSRFToken header."


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (FR, "Ce formulaire a expiré ou ne provient pas de socialnet."),
        (None, "This form has expired or did not come from socialnet."),
    ],
)
def test_csrf_failure_page_in_the_asked_language(auth, employee, headers, expected):
    client = auth.login(employee)
    csrf_from(client.get("/"))  # a real page, so the session has a token to compare with
    page = client.post("/posts", data={"body": "x", "csrf_token": "forged"}, headers=headers)
    assert page.status_code == 400
    assert expected in page.get_data(as_text=True)


def test_a_lazy_message_is_turned_into_the_requests_language(app):
    """A module-level ``lazy_gettext`` constant raised in a French request is French
    text (not a lazy object) in the error, its ``to_dict`` and its ``str``."""
    from flask_babel import lazy_gettext

    from socialnet.errors import NotFound
    from socialnet.i18n import forget_request_language

    constant = lazy_gettext("No such group.")
    with app.test_request_context("/api/v1/groups/1", headers=FR):
        forget_request_language()  # the tests' app context outlives requests
        error = NotFound(constant)
    assert error.message == str(error) == "Ce groupe n’existe pas."
    assert isinstance(error.message, str)
    assert error.to_dict() == {"error": "not_found", "message": "Ce groupe n’existe pas."}
    with app.test_request_context("/api/v1/groups/1"):
        forget_request_language()
        assert NotFound(constant).message == "No such group."


@pytest.mark.parametrize(
    ("until", "french", "english"),
    [
        (
            INDEFINITELY,
            "Ce compte est suspendu jusqu’à nouvel ordre.",
            "This account is suspended until further notice.",
        ),
        (
            datetime(2999, 1, 2, 9, 30),
            "Ce compte est suspendu jusqu’au 2999-01-02 09:30 UTC.",
            "This account is suspended until 2999-01-02 09:30 UTC.",
        ),
    ],
)
def test_a_suspended_person_signing_in_is_told_in_their_language(
    app, make_user, until, french, english
):
    person = make_user("Sam Suspended", suspended_until=until)
    client = app.test_client()

    def call(headers):
        body = {"email": person.email, "password": PASSWORD}
        return client.post("/api/v1/auth/login", json=body, headers=headers)

    fr, en = both(call, 401, "suspended")
    assert fr["message"] == french
    assert en["message"] == english
