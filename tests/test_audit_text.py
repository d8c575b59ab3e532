"""The audit log reads as sentences with names, in the reader's language (issue #14).

The page, the API (``summary``, ``changes``) and the CSV export say the same thing; the
log filters by a person's name, and shows no raw JSON nor ``\\u00e9`` escapes. A sentence
names only what its reader may see.
"""

from __future__ import annotations

import csv
import io

from tests.helpers import assert_error
from tests.moderation_fixtures import act, make_group_admin, reported_case

FR = {"Accept-Language": "fr"}


def _summaries(client, query: str = "", **kw) -> dict[str, str]:
    response = client.get(f"/api/v1/audit-log?limit=100{query}", **kw)
    assert response.status_code == 200, response.get_json()
    return {e["action"]: e["summary"] for e in response.get_json()["items"]}


def test_entries_read_as_sentences_with_names_in_english_and_french(
    api, admin, cm, employee, make_post, make_user
):
    zoe = make_user("Zoé Lefort", role="community_manager")
    api(admin).patch(f"/api/v1/users/{employee.id}", {"role": "manager"})
    case_id = reported_case(api(cm), "post", make_post(employee).id)
    assert act(api(zoe), case_id, "hide", message="pas ici").status_code == 200

    english = _summaries(api(cm))
    assert english["case.hide"] == "Zoé Lefort hid a post by Emma Employee."
    assert english["user.role_changed"] == (
        "Ada Admin changed the role of Emma Employee from Employee to Manager."
    )
    french = _summaries(api(cm), headers=FR)
    assert french["case.hide"] == "Zoé Lefort a masqué une publication de Emma Employee."
    assert french["user.role_changed"] == (
        "Ada Admin a changé le rôle de Emma Employee : Salarié·e → Manager."
    )
    role = next(
        e
        for e in api(cm).get("/api/v1/audit-log", headers=FR).get_json()["items"]
        if e["action"] == "user.role_changed"
    )
    assert role["changes"] == [
        {"field": "role", "label": "Rôle", "before": "Salarié·e", "after": "Manager"}
    ]
    assert role["before"] == {"role": "employee"}  # the codes stay for programs


def test_the_page_and_csv_say_the_same_without_json_or_escapes(api, auth, admin, cm, make_group):
    group = make_group("Équipe café", "public", members=(cm,))
    renamed = api(admin).patch(f"/api/v1/groups/{group.id}", {"type": "private"})
    assert renamed.status_code == 200, renamed.get_json()
    api(admin).patch(f"/api/v1/groups/{group.id}", {"name": "Équipe thé"})

    page = auth.login(cm).get("/moderation/audit").get_data(as_text=True)
    table = page[page.index("<table") : page.index("</table>")]
    assert "Ada Admin changed the group Équipe thé." in table
    assert "Équipe café → Équipe thé" in table and "Public → Private" in table
    for raw in ("\\u00c9", "{&#34;", '{"', "group.updated", "visibility"):
        assert raw not in table, raw

    rows = list(csv.DictReader(io.StringIO(api(cm).get("/api/v1/audit-log?format=csv").text)))
    renames = [r for r in rows if r["action"] == "group.updated"]
    assert renames[-1]["summary"] == "Ada Admin changed the group Équipe thé."
    assert "Équipe café" in renames[-1]["before"] and "\\u00c9" not in renames[-1]["before"]


def test_the_log_filters_by_a_persons_name_ignoring_case_and_accents(
    api, auth, admin, cm, employee, fred, make_user
):
    zoe = make_user("Zoé Lefort", role="admin")
    api(zoe).patch(f"/api/v1/users/{employee.id}", {"role": "manager"})
    api(admin).patch(f"/api/v1/users/{fred.id}", {"active": False})

    items = api(cm).get("/api/v1/audit-log?actor=zoe").get_json()["items"]
    assert [(e["actor"]["display_name"], e["action"]) for e in items] == [
        ("Zoé Lefort", "user.role_changed")
    ]
    assert api(cm).get("/api/v1/audit-log?actor=Nobody%20Here").get_json()["items"] == []
    page = auth.login(cm).get("/moderation/audit?actor=LEFORT").get_data(as_text=True)
    assert "Zoé Lefort changed the role of Emma Employee" in page
    assert "deactivated the account of Fred Interloper" not in page
    assert_error(api(cm).get("/api/v1/audit-log?actor=" + "x" * 121), 400)
    assert auth.login(cm).get("/moderation/audit?actor=" + "x" * 121).status_code == 400


def test_a_sentence_names_no_author_of_a_post_its_reader_cannot_see(
    api, cm, employee, make_user, make_group, make_post
):
    lead = make_user("Lea Lead")
    hidden = make_group("Hush", "secret", members=(employee, lead))
    make_group_admin(lead, hidden)
    secret_post = make_post(employee, "inside", group=hidden)
    assert api(lead).post(f"/api/v1/posts/{secret_post.id}/pin").status_code == 200
    assert api(cm).post(f"/api/v1/posts/{make_post(employee).id}/pin").status_code == 200

    entries = api(cm).get("/api/v1/audit-log?action=post.pinned").get_json()["items"]
    assert [e["summary"] for e in entries] == [
        "Camille Community pinned a post by Emma Employee.",
        "Lea Lead pinned a post.",
    ]


def test_a_case_history_uses_the_same_sentences(api, auth, cm, employee, make_post):
    case_id = reported_case(api(cm), "post", make_post(employee).id)
    act(api(cm), case_id, "warn", message="careful")
    history = api(cm).get(f"/api/v1/moderation/cases/{case_id}").get_json()["history"]
    assert [e["summary"] for e in history] == ["Camille Community warned Emma Employee."]
    page = auth.login(cm).get(f"/moderation/cases/{case_id}").get_data(as_text=True)
    assert "Camille Community warned Emma Employee." in page and "<code>case.warn" not in page
