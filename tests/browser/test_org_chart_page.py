"""The org chart page draws a tree (static/css/org.css): the manager above, the person in
the middle of their peers right under them, the direct reports below, lines between the
levels; on a 390 px phone nothing runs off the side."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _box(page, person_id: int) -> dict:
    box = page.locator(f'.org-card[data-person-id="{person_id}"]').bounding_box()
    assert box is not None, f"no card for person {person_id}"
    return box


def _centre_x(box: dict) -> float:
    return box["x"] + box["width"] / 2


def test_the_org_chart_is_drawn_as_a_tree(signed_in, person, web_server):
    boss = person("Olga Boss", job_title="Director")
    me = person("Paul Middle", manager_id=boss["id"])
    peers = [person(f"Peer {n}", manager_id=boss["id"]) for n in ("Ada", "Bo")]
    reports = [person(f"Report {n}", manager_id=me["id"]) for n in ("Cy", "Di", "Ed")]

    page = signed_in(me)
    page.goto(web_server.url + f"/people/{me['id']}/org")
    here, above = _box(page, me["id"]), _box(page, boss["id"])
    assert above["y"] + above["height"] < here["y"]  # the manager stands above
    assert abs(_centre_x(above) - _centre_x(here)) < 2  # ... right over the person
    for peer in peers:  # peers on the person's row, one on each side
        assert abs(_box(page, peer["id"])["y"] - here["y"]) < 2
    assert sorted(_centre_x(_box(page, p["id"])) < _centre_x(here) for p in peers) == [0, 1]
    for report in reports:
        assert _box(page, report["id"])["y"] > here["y"] + here["height"]
    drop = page.locator(".org-drop").bounding_box()
    assert drop is not None and drop["height"] >= 10 and drop["width"] <= 3  # a drawn line
    assert page.locator('.org-here[aria-current="true"]').count() == 1

    page.click(f'.org-card[data-person-id="{boss["id"]}"] a')  # walk up
    page.wait_for_url(f"**/people/{boss['id']}/org")
    assert page.locator('.org-here[aria-current="true"]').get_attribute("data-person-id") == str(
        boss["id"]
    )

    phone = signed_in(me, viewport={"width": 390, "height": 844})
    phone.goto(web_server.url + f"/people/{me['id']}/org")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
