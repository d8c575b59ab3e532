"""People (issue #15): the profile people edit, skills and endorsements, experts, the org
chart and the directory's matching. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.models import Endorsement, Skill, User, UserSkill
from socialnet.services.people.skills import skills_of
from tests.helpers import assert_error, count_rows
from tests.web import form, html_of

ME = "/api/v1/me"


def _endorsement(user_id: int, skill: str) -> str:
    return f"/api/v1/users/{user_id}/skills/{skill}/endorsement"


def _fresh(user: User) -> User:
    db.session.rollback()
    return db.session.get(User, user.id)


# --- the profile people edit ----------------------------------------------------------


def test_people_edit_their_own_profile_and_everyone_sees_it_live(
    api, employee, fred, capture_events
):
    body = {
        "display_name": "Emma E.",
        "job_title": "Senior operator",
        "pronouns": "she/her",
        "phone": "+33 4 00 00 00 00",
        "about": "I run **line 3**.",
        "skills": ["Python", "Lean manufacturing", "python"],
        "languages": ["French", "English"],
        "location_detail": "Building B, 2nd floor",
    }
    response = api(employee).patch(ME, body)
    assert response.status_code == 200, response.get_json()
    me = response.get_json()
    assert me["display_name"] == "Emma E."
    assert me["pronouns"] == "she/her"
    assert "<strong>line 3</strong>" in me["about_html"]
    assert [s["name"] for s in me["skills"]] == ["Python", "Lean manufacturing"]
    assert me["languages"] == ["French", "English"]
    seen = api(fred).get(f"/api/v1/users/{employee.id}").get_json()
    assert seen["location_detail"] == "Building B, 2nd floor"
    assert seen["skills"] == [
        {"name": "Python", "endorsement_count": 0},
        {"name": "Lean manufacturing", "endorsement_count": 0},
    ]
    updates = capture_events.of_type("user.updated")
    assert [e.room for e in updates] == ["company"]
    assert updates[0].payload["data"] == seen


def test_organisational_fields_stay_with_admins(api, employee, manager, fred):
    for field, value in (
        ("manager_id", fred.id),
        ("department", "Sales"),
        ("site", "Paris"),
        ("hire_date", "2020-01-01"),
        ("role", "admin"),
        ("nickname", "x"),
    ):
        body = assert_error(api(employee).patch(ME, {"job_title": "Boss", field: value}), 400)
        assert body["fields"] == {field: "not_allowed"}
    user = _fresh(employee)
    assert (user.manager_id, user.department, user.role) == (manager.id, "Engineering", "employee")
    assert user.job_title == "Operator"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"display_name": "   "}, 400, "display_name"),
        ({"phone": "0" * 200}, 413, "phone"),
        ({"about": "a" * 5001}, 413, "about"),
        ({"skills": ["s" * 300]}, 413, "skills"),
        ({"skills": "python"}, 400, "skills"),
        ({"skills": [""]}, 400, "skills"),
        ({"skills": [f"skill {n}" for n in range(31)]}, 400, "skills"),
        ({"languages": [3]}, 400, "languages"),
        ({"pronouns": "x\u202ey"}, 400, "pronouns"),
        ({"location_detail": None}, 400, "location_detail"),
        ({"about": None}, 400, "about"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_is_written(api, employee, body, status, field):
    response = api(employee).patch(ME, {"job_title": "Changed", "skills": ["Go"], **body})
    error = assert_error(response, status)
    assert field in error["fields"], error
    assert _fresh(employee).job_title == "Operator"
    assert count_rows(UserSkill) == 0
    assert count_rows(Skill) == 0


def test_admins_profile_changes_are_announced_too(api, admin, employee, capture_events):
    response = api(admin).patch(f"/api/v1/users/{employee.id}", {"department": "Quality"})
    assert response.status_code == 200
    [event] = capture_events.of_type("user.updated")
    assert event.room == "company"
    assert event.payload["data"]["department"] == "Quality"


# --- skills and endorsements ------------------------------------------------------------


def test_skills_are_one_tag_per_folded_name_with_suggestions(api, employee, fred, manager):
    api(employee).patch(ME, {"skills": ["Électricité", "Python"]})
    api(fred).patch(ME, {"skills": ["python", "ELECTRICITE"]})
    api(manager).patch(ME, {"skills": ["Pytest"]})
    assert count_rows(Skill) == 3
    items = api(fred).get("/api/v1/skills?q=py").get_json()["items"]
    assert items == [{"name": "Python", "people": 2}, {"name": "Pytest", "people": 1}]
    items = api(fred).get("/api/v1/skills?q=elec").get_json()["items"]
    assert items == [{"name": "Électricité", "people": 2}]


def test_colleagues_endorse_a_declared_skill_once(api, employee, fred, manager):
    api(employee).patch(ME, {"skills": ["Python", "CI/CD"]})
    first = api(fred).put(_endorsement(employee.id, "python"))
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {
        "skill": "Python",
        "endorsement_count": 1,
        "endorsed_by_me": True,
    }
    again = api(fred).put(_endorsement(employee.id, "Python"))
    assert again.get_json()["endorsement_count"] == 1
    assert api(manager).put(_endorsement(employee.id, "CI/CD")).status_code == 200
    card = api(fred).get(f"/api/v1/users/{employee.id}").get_json()
    assert card["skills"] == [
        {"name": "Python", "endorsement_count": 1},
        {"name": "CI/CD", "endorsement_count": 1},
    ]
    withdrawn = api(fred).delete(_endorsement(employee.id, "Python"))
    assert withdrawn.get_json() == {
        "skill": "Python",
        "endorsement_count": 0,
        "endorsed_by_me": False,
    }


def test_endorsing_yourself_or_an_undeclared_skill_is_refused(api, employee, fred):
    api(employee).patch(ME, {"skills": ["Python"]})
    error = assert_error(api(employee).put(_endorsement(employee.id, "Python")), 400)
    assert error["fields"] == {"user_id": "self"}
    assert_error(api(fred).put(_endorsement(employee.id, "Cobol")), 404)
    assert_error(api(fred).put(_endorsement(99999, "Python")), 404)
    assert count_rows(Endorsement) == 0


def test_dropping_a_skill_drops_its_endorsements(api, employee, fred):
    api(employee).patch(ME, {"skills": ["Python", "Go"]})
    api(fred).put(_endorsement(employee.id, "Python"))
    api(fred).put(_endorsement(employee.id, "Go"))
    api(employee).patch(ME, {"skills": ["Go"]})
    db.session.rollback()
    rows = db.session.scalars(db.select(Endorsement)).all()
    assert len(rows) == 1
    assert db.session.get(Skill, rows[0].skill_id).name == "Go"


# --- the directory matches site, department and skill -------------------------------------


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [p["display_name"] for p in response.get_json()["items"]]


def test_the_directory_query_matches_site_department_and_skill(api, make_user):
    viewer = make_user("Vera Viewer", department="Legal", site="Nantes")
    make_user("Lou Lyonnais", department="Finance", site="Lyon")
    make_user("Pat Paris", department="Qualité", site="Paris")
    welder = make_user("Walt Welder", department="Finance", site="Paris")
    api(welder).patch(ME, {"skills": ["Soudure TIG"]})
    client = api(viewer)
    assert _names(client.get("/api/v1/users?q=lyon")) == ["Lou Lyonnais"]
    assert _names(client.get("/api/v1/users?q=QUALITE")) == ["Pat Paris"]
    assert _names(client.get("/api/v1/users?q=tig")) == ["Walt Welder"]
    assert _names(client.get("/api/v1/users?q=finance&site=Paris")) == ["Walt Welder"]


def test_an_admin_move_to_another_site_is_found_there(api, admin, employee):
    api(admin).patch(f"/api/v1/users/{employee.id}", {"site": "Grenoble"})
    assert _names(api(admin).get("/api/v1/users?q=grenoble")) == ["Emma Employee"]


def test_the_directory_filters_by_skill(api, employee, manager, fred):
    api(employee).patch(ME, {"skills": ["Python", "Lean"]})
    api(fred).patch(ME, {"skills": ["python"]})
    api(manager).patch(ME, {"skills": ["Pythonic golf"]})
    assert _names(api(fred).get("/api/v1/users?skill=PYTHON")) == [
        "Emma Employee",
        "Fred Interloper",
    ]
    assert _names(api(fred).get("/api/v1/users?skill=cobol")) == []
    assert_error(api(fred).get("/api/v1/users?skill=" + "x" * 300), 400)


def test_the_directory_page_filters_by_skill(signed_in, api, employee, fred):
    api(employee).patch(ME, {"skills": ["Python"]})
    html = signed_in(fred).get("/people?skill=python").get_data(as_text=True)
    assert f'class="person-name" href="/people/{employee.id}"' in html
    assert f'class="person-name" href="/people/{fred.id}"' not in html
    assert 'name="skill" value="python"' in html


# --- the org chart ----------------------------------------------------------------------


@pytest.fixture
def org(make_user):
    """Cleo (CEO) ← Dan (director) ← Marie (manager) ← Ana, Ben; Dan ← Zoe; Ben ← Ian."""
    cleo = make_user("Cleo Chief")
    dan = make_user("Dan Director", manager_id=cleo.id)
    marie = make_user("Marie Manager", manager_id=dan.id)
    zoe = make_user("Zoe Zed", manager_id=dan.id)
    ana = make_user("Ana Analyst", manager_id=marie.id)
    ben = make_user("Ben Builder", manager_id=marie.id)
    ian = make_user("Ian Intern", manager_id=ben.id)
    make_user("Old Timer", manager_id=marie.id, active=False)
    return {u.display_name.split()[0].lower(): u for u in (cleo, dan, marie, zoe, ana, ben, ian)}


def _cards(items) -> list[tuple[str, int]]:
    return [(c["display_name"], c["report_count"]) for c in items]


def test_the_org_chart_walks_up_across_and_down(api, org, fred):
    chart = api(fred).get(f"/api/v1/users/{org['marie'].id}/org")
    assert chart.status_code == 200
    chart = chart.get_json()
    assert _cards([chart["person"]]) == [("Marie Manager", 2)]
    assert _cards(chart["chain"]) == [("Dan Director", 2), ("Cleo Chief", 1)]
    assert _cards(chart["peers"]) == [("Zoe Zed", 0)]
    assert _cards(chart["reports"]) == [("Ana Analyst", 0), ("Ben Builder", 1)]
    top = api(fred).get(f"/api/v1/users/{org['cleo'].id}/org").get_json()
    assert (top["chain"], top["peers"]) == ([], [])
    assert_error(api(fred).get("/api/v1/users/424242/org"), 404)


def test_a_manager_cycle_or_self_manager_is_refused_and_nothing_written(api, admin, org):
    client = api(admin)
    cleo = org["cleo"]
    for manager in (org["ian"], cleo):
        response = client.patch(
            f"/api/v1/users/{cleo.id}", {"job_title": "CEO", "manager_id": manager.id}
        )
        assert assert_error(response, 400)["fields"] == {"manager_id": "cycle"}
    still = _fresh(cleo)
    assert (still.manager_id, still.job_title) == (None, "")
    moved = client.patch(f"/api/v1/users/{org['ian'].id}", {"manager_id": org["zoe"].id})
    assert moved.status_code == 200


# --- experts: who knows X -------------------------------------------------------------------


def _experts(client, topic: str) -> list[tuple[str, int]]:
    response = client.get(f"/api/v1/experts?topic={topic}")
    assert response.status_code == 200, response.get_json()
    return [(e["user"]["display_name"], e["score"]) for e in response.get_json()["items"]]


def _answered_question(api, asker, expert, body: str, group=None) -> None:
    fields = {"kind": "question", "title": "How?", "body": body}
    if group is not None:
        fields["group_id"] = group.id
    question = api(asker).post("/api/v1/posts", fields).get_json()
    reply = api(expert).post(f"/api/v1/posts/{question['id']}/comments", {"body": "Like so"})
    chosen = api(asker).put(
        f"/api/v1/posts/{question['id']}/best-answer", {"comment_id": reply.get_json()["id"]}
    )
    assert chosen.status_code == 200, chosen.get_json()


def test_experts_rank_skills_endorsements_best_answers_and_posts(
    api, make_user, make_group, employee, manager, fred
):
    declared = make_user("Dee Declared")
    writer = make_user("Will Writer")
    api(declared).patch(ME, {"skills": ["Python"]})
    api(employee).patch(ME, {"skills": ["python"]})
    api(fred).put(_endorsement(employee.id, "Python"))
    api(manager).put(_endorsement(employee.id, "Python"))
    api(writer).post("/api/v1/posts", {"body": "My #Python tips"})
    api(writer).post("/api/v1/posts", {"body": "More #python"})
    _answered_question(api, manager, fred, "A #python question")
    assert _experts(api(manager), "Python") == [
        ("Emma Employee", 5 + 2 * 2),
        ("Dee Declared", 5),
        ("Fred Interloper", 3),
        ("Will Writer", 2),
    ]
    assert _experts(api(manager), "%23python")[0] == ("Emma Employee", 9)


def test_experts_count_only_what_the_asker_may_see(api, make_user, make_group, fred):
    insider = make_user("Ivy Insider")
    asker = make_user("Sam Secret")
    secret = make_group("Skunkworks", visibility="secret", members=(insider, asker))
    api(insider).post("/api/v1/posts", {"body": "#rust in secret", "group_id": secret.id})
    _answered_question(api, asker, insider, "#rust secret question", group=secret)
    assert _experts(api(asker), "rust") == [("Ivy Insider", 3 + 1 + 0)]
    assert _experts(api(fred), "rust") == []


def test_experts_need_a_topic(api, fred):
    assert assert_error(api(fred).get("/api/v1/experts"), 400)["fields"] == {"topic": "empty"}
    assert_error(api(fred).get("/api/v1/experts?topic=" + "x" * 300), 400)


# --- the pages ------------------------------------------------------------------------------


def test_people_edit_their_profile_on_a_page(signed_in, employee):
    client = signed_in(employee)
    assert 'name="pronouns"' in html_of(client.get("/me/profile"))
    response = form(
        client,
        "/me/profile",
        display_name="Emma E.",
        job_title="Operator",
        pronouns="she/her",
        phone="",
        about="Hello *there*",
        location_detail="",
        skills="Python, Lean",
        languages="French",
    )
    assert response.status_code == 302
    page = html_of(client.get(f"/people/{employee.id}"))
    assert "she/her" in page and "<em>there</em>" in page and "Lean" in page
    refused = form(client, "/me/profile", display_name="", skills="Go")
    assert refused.status_code == 400
    assert "display_name cannot be empty" in html_of(refused)
    assert [s["name"] for s in skills_of(_fresh(employee))] == ["Python", "Lean"]


def test_colleagues_endorse_from_the_profile_page(signed_in, api, employee, fred):
    api(employee).patch(ME, {"skills": ["Python"]})
    client = signed_in(fred)
    assert 'aria-label="Endorse Python"' in html_of(client.get(f"/people/{employee.id}"))
    assert form(client, f"/people/{employee.id}/endorsement", skill="Python").status_code == 302
    page = html_of(client.get(f"/people/{employee.id}"))
    assert "1 endorsement" in page and "Withdraw your endorsement of Python" in page
    own = signed_in(employee)
    assert 'aria-label="Endorse Python"' not in html_of(own.get(f"/people/{employee.id}"))
    form(own, f"/people/{employee.id}/endorsement", skill="Python")
    assert count_rows(Endorsement) == 1


def test_the_org_chart_page_walks_up_and_down(signed_in, org, fred):
    page = html_of(signed_in(fred).get(f"/people/{org['marie'].id}/org"))
    for name in ("Cleo Chief", "Dan Director", "Zoe Zed", "Ana Analyst", "Ben Builder"):
        assert name in page
    assert f'href="/people/{org["ben"].id}/org"' in page
    assert "Ian Intern" not in page


def test_only_admins_set_the_organisation_on_its_page(signed_in, admin, org, fred):
    marie = org["marie"]
    assert signed_in(fred).get(f"/people/{marie.id}/organisation").status_code == 403
    client = signed_in(admin)
    assert 'name="manager_id"' in html_of(client.get(f"/people/{marie.id}/organisation"))
    fields = {"department": "Ops", "site": "Lyon", "role": "manager", "hire_date": ""}
    cycle = form(client, f"/people/{marie.id}/organisation", manager_id=org["ian"].id, **fields)
    assert cycle.status_code == 400 and "cannot report to themself" in html_of(cycle)
    assert _fresh(marie).department == "Engineering"
    moved = form(client, f"/people/{marie.id}/organisation", manager_id=org["cleo"].id, **fields)
    assert moved.status_code == 302
    assert (_fresh(marie).manager_id, _fresh(marie).department) == (org["cleo"].id, "Ops")
