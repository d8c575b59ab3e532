"""The search page (/search): results the reader may see, tabs, snippets, clear refusals."""

from __future__ import annotations

from tests.web import XSS, XSS_ESCAPED, html_of


def test_an_empty_box_suggests_what_to_try(auth, employee):
    client = auth.login(employee)
    response = client.get("/search")
    assert response.status_code == 200
    assert 'data-field="search-empty"' in html_of(response)


def test_results_show_marked_snippets_and_link_to_each_thing(auth, employee, make_post):
    post = make_post(employee, body="Réunion d'équipe jeudi à Lyon")
    client = auth.login(employee)
    page = html_of(client.get("/search?q=reunion"))
    assert f'href="/posts/{post.id}"' in page
    assert "<mark>Réunion</mark>" in page
    people = html_of(client.get("/search", query_string={"q": employee.display_name[:4]}))
    assert f'href="/people/{employee.id}"' in people


def test_a_secret_post_is_not_found_by_an_outsider(auth, employee, fred, make_group, make_post):
    board = make_group("Board", "secret", members=(employee,))
    make_post(employee, body="Confidential merger codename bluebird", group=board)
    page = html_of(auth.login(fred).get("/search?q=bluebird"))
    assert 'data-field="search-none"' in page
    assert "Confidential" not in page and 'data-type="post"' not in page
    member_page = html_of(auth.login(employee).get("/search?q=bluebird"))
    assert "Confidential merger" in member_page  # the member finds it: the query was right


def test_a_refused_query_is_a_400_with_the_words_kept(auth, employee):
    client = auth.login(employee)
    response = client.get("/search", query_string={"q": "x" * 201})
    assert response.status_code == 400
    assert 'data-field="search-error"' in html_of(response)
    bad_type = client.get("/search?q=hello&type=everything")
    assert bad_type.status_code == 400
    assert 'value="hello"' in html_of(bad_type)


def test_user_text_is_escaped_in_results_and_the_box(auth, employee, make_post):
    make_post(employee, body=f"payload {XSS}")
    client = auth.login(employee)
    page = html_of(client.get("/search", query_string={"q": "payload"}))
    assert "<script>alert" not in page
    echoed = html_of(client.get("/search", query_string={"q": f"payload {XSS}"}))
    assert "<script>alert" not in echoed and "onerror=alert(1)>" not in echoed.replace(
        XSS_ESCAPED, ""
    )


def test_the_page_needs_a_signed_in_person(client):
    response = client.get("/search?q=anything")
    assert response.status_code in (302, 401)
